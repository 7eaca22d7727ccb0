-- asysta pgstore schema, version 3: what `asysta serve` keeps beside the
-- cases. Self-contained: it creates its own tables and touches none of the
-- earlier ones.

-- The staff registry (pgstore.Directory): one row per post, one worker in
-- one role at one employer. person links the posts of one human being, so
-- that the law's separation of roles can be checked; it is an ID, never a
-- name. Dates are the employment's first and last day (NULL: open).
CREATE TABLE staff_workers (
    id        text             PRIMARY KEY,
    person    text             NOT NULL DEFAULT '',
    role      text             NOT NULL,
    employer  text             NOT NULL DEFAULT '',
    area      text             NOT NULL DEFAULT '',
    fte       double precision NOT NULL DEFAULT 0 CHECK (fte >= 0),
    from_date date,
    to_date   date,
    CHECK (to_date IS NULL OR from_date IS NULL OR to_date >= from_date)
);

CREATE INDEX staff_workers_person ON staff_workers (person) WHERE person <> '';

-- Care institutions (placówki), the carers without a lifecycle of their own.
CREATE TABLE staff_institutions (
    id text PRIMARY KEY
);

-- Idempotency records of the HTTP service: the first response to a request
-- carrying an Idempotency-Key, kept so that a retry gets it again. status
-- and body are NULL while the first request is in flight. request_sha256 is
-- the digest of the method, path and body, so that a different request under
-- the same key is recognised without keeping the request itself.
CREATE TABLE idempotency_records (
    client         text        NOT NULL,
    key            text        NOT NULL,
    request_sha256 bytea       NOT NULL,
    status         integer,
    body           bytea,
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (client, key)
);

CREATE INDEX idempotency_records_created ON idempotency_records (created_at);
