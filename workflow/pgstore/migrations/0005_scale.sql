-- asysta pgstore schema, version 5.
--
-- Calendars of one worker or one unit: the open obligations of the cases
-- some workers answer for, by due date. An index-only scan of this index
-- answers Store.Due with Workers set, reading no case.
CREATE INDEX obligations_worker ON obligations (worker_key, due, case_id, obligation, ref)
    INCLUDE (opened, rule, lifecycle)
    WHERE due IS NOT NULL;

-- Only the index keys a rule's decision reads are versioned (assistant:,
-- coordinator:, carer:, foster_family:; see workflow.VersionedKey): a
-- social worker's families and a family's children are filed for lookups
-- only, and their commits no longer lock or raise a version row.
DELETE FROM index_keys WHERE key LIKE 'social\_worker:%' OR key LIKE 'family:%';


-- A commit is sent as one pipeline of statements, one implicit
-- transaction (pgstore's Store.Commit): each statement that finds a
-- version other than the one expected calls this function, which raises
-- SQLSTATE AX409, naming the case or index key in DETAIL and "want got" in
-- HINT; the transaction is then rolled back and nothing is written.
CREATE FUNCTION asysta_expect(name text, want bigint, got bigint) RETURNS bigint
LANGUAGE plpgsql AS $$
BEGIN
    IF got IS DISTINCT FROM want THEN
        RAISE EXCEPTION 'asysta: % is at version %, not %', name, coalesce(got, 0), want
            USING ERRCODE = 'AX409', DETAIL = name, HINT = want || ' ' || coalesce(got, 0);
    END IF;
    RETURN got;
END
$$;
