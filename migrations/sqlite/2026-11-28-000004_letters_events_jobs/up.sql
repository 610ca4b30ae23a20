-- Letters (rendered once, stored with their checksum), the append-only audit chain, and the
-- durable job queue.
CREATE TABLE letters (
    id              INTEGER PRIMARY KEY,
    citation_id     BIGINT REFERENCES citations (id),
    submission_id   BIGINT REFERENCES submissions (id),
    letter_type     TEXT NOT NULL,
    language        TEXT NOT NULL CHECK (language IN ('en', 'es')),
    recipient       TEXT NOT NULL,
    data            TEXT NOT NULL,
    storage_path    TEXT,
    sha256          TEXT,
    pages           INTEGER,
    status          TEXT NOT NULL CHECK (status IN ('queued', 'printed', 'emailed', 'mailed')),
    created_at      TIMESTAMP NOT NULL,
    printed_at      TIMESTAMP,
    emailed_at      TIMESTAMP,
    mailed_at       TIMESTAMP
);
CREATE INDEX letters_citation ON letters (citation_id);
CREATE INDEX letters_status ON letters (status);

CREATE TABLE events (
    id              INTEGER PRIMARY KEY,
    at              TIMESTAMP NOT NULL,
    actor           TEXT NOT NULL,
    action          TEXT NOT NULL,
    subject_type    TEXT NOT NULL,
    subject_id      TEXT NOT NULL,
    outcome         TEXT NOT NULL,
    details         TEXT NOT NULL,
    prev_hash       TEXT NOT NULL,
    hash            TEXT NOT NULL UNIQUE,
    -- one successor per event: two writers racing for the same tip cannot fork the chain
    UNIQUE (prev_hash)
);
CREATE INDEX events_subject ON events (subject_type, subject_id);

CREATE TABLE jobs (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL,
    payload         TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'parked')),
    run_at          TIMESTAMP NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    max_attempts    INTEGER NOT NULL,
    last_error      TEXT,
    locked_by       TEXT,
    locked_until    TIMESTAMP,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);
CREATE INDEX jobs_due ON jobs (status, run_at);
