-- asysta pgstore schema, version 1. Applied by pgstore.Migrate inside one
-- transaction under an advisory lock; never edit an applied migration: add
-- the next numbered file instead.

-- One row per case: its latest snapshot (the JSON of workflow.Case, the
-- only table holding personal data: a child's date of birth), with the
-- columns a commit locks and compares.
CREATE TABLE cases (
    id        text   PRIMARY KEY,
    lifecycle text   NOT NULL,
    state     text   NOT NULL,
    version   bigint NOT NULL CHECK (version > 0),
    -- the index keys the case is filed under (workflow.Case.Keys), so a
    -- commit knows which keys it leaves without decoding the snapshot
    keys      text[] NOT NULL DEFAULT '{}',
    snapshot  jsonb  NOT NULL
);

-- The append-only history: one row per accepted transition, seq being the
-- case's version after it. IDs, codes and dates only.
CREATE TABLE events (
    case_id text   NOT NULL REFERENCES cases (id),
    seq     bigint NOT NULL CHECK (seq > 0),
    event   jsonb  NOT NULL,
    PRIMARY KEY (case_id, seq)
);

CREATE FUNCTION asysta_events_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'asysta: events are append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION asysta_events_append_only();

-- The index that counts workers' loads: a case is filed under each key its
-- state gives it (assistant:A1, carer:R1, coordinator:K1, family:F1,
-- foster_family:R1).
CREATE TABLE index_entries (
    key     text NOT NULL,
    case_id text NOT NULL REFERENCES cases (id),
    PRIMARY KEY (key, case_id)
);

CREATE INDEX index_entries_case ON index_entries (case_id);

-- The version of each index key: raised by every commit of a case that was
-- or is filed under it; a key without a row is at version 0. Commits guard
-- their decisions with these versions and lock these rows.
CREATE TABLE index_keys (
    key     text   PRIMARY KEY,
    version bigint NOT NULL CHECK (version >= 0)
);

-- The open obligations of every case, kept in step with the snapshot by
-- each commit, for calendars that ask "what is due before D" without
-- reading every case.
CREATE TABLE obligations (
    case_id    text NOT NULL REFERENCES cases (id),
    obligation text NOT NULL,
    due        date,
    opened     date,
    rule       text NOT NULL,
    lifecycle  text NOT NULL,
    -- the index key of who answers for it: assistant:A1, coordinator:K1,
    -- or carer:R1 for a child in care; NULL when no one is assigned
    worker_key text,
    PRIMARY KEY (case_id, obligation)
);

-- Covering, in the order DueBefore lists them: an index-only scan answers
-- "open obligations due before D" in order, reading no case and no heap
-- page that vacuum has marked all-visible.
CREATE INDEX obligations_due ON obligations (due, case_id, obligation)
    INCLUDE (opened, rule, lifecycle, worker_key);
