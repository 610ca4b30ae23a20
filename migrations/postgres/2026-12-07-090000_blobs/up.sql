-- Stored files in the database (issue 10, several nodes): on PostgreSQL every letter PDF, scan and
-- evidence file is also kept here, content-addressed by its SHA-256 and cut into chunks of 256 KiB
-- (written and read one chunk at a time), in the transaction that records the row naming it. Each
-- node's data folder is then a cache: a file another node stored is fetched from here. A blob row
-- is committed with all its chunks; `stored_at` is when it was last stored (inserted, or stored
-- again by a new row with the same content), which the purge of unattached evidence checks.
CREATE TABLE blobs (
    sha256     TEXT PRIMARY KEY,
    size_bytes BIGINT NOT NULL,
    chunks     INTEGER NOT NULL,
    stored_at  TIMESTAMP NOT NULL
);
CREATE TABLE blob_chunks (
    sha256 TEXT NOT NULL REFERENCES blobs (sha256) ON DELETE CASCADE,
    seq    INTEGER NOT NULL,
    data   BYTEA NOT NULL,
    PRIMARY KEY (sha256, seq)
);
-- Chunks are already compressed files (PDF, JPEG, PNG) for the most part: no TOAST compression.
ALTER TABLE blob_chunks ALTER COLUMN data SET STORAGE EXTERNAL;
