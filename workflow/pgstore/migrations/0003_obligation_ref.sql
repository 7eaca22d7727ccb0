-- asysta pgstore schema, version 3: a case may hold several open
-- obligations of one ID, told apart by a reference (plan_action: one per
-- action of the family's work plan, ref the action's ID). Obligations
-- that a case holds at most one of keep the empty reference.

ALTER TABLE obligations ADD COLUMN ref text NOT NULL DEFAULT '';
ALTER TABLE obligations DROP CONSTRAINT obligations_pkey;
ALTER TABLE obligations ADD PRIMARY KEY (case_id, obligation, ref);

DROP INDEX obligations_due;
CREATE INDEX obligations_due ON obligations (due, case_id, obligation, ref)
    INCLUDE (opened, rule, lifecycle, worker_key);
