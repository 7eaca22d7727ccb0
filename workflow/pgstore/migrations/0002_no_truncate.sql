-- asysta pgstore schema, version 2: TRUNCATE refused on the append-only
-- events, as UPDATE and DELETE are (a row trigger does not fire on
-- TRUNCATE, nor on TRUNCATE cases CASCADE, which empties events too).
-- Removing a case's history at the end of its retention period still
-- needs the table owner to disable the triggers for that transaction.

CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION asysta_events_append_only();
