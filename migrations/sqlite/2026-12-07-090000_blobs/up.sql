-- Stored files in the database (issue 10, several nodes). The tables exist on SQLite for one
-- schema on both backends, and stay empty: SQLite serves one node, whose data folder is the store.
-- On PostgreSQL every stored file is kept here too, content-addressed, in chunks of 256 KiB.
CREATE TABLE blobs (
    sha256     TEXT PRIMARY KEY,
    size_bytes BIGINT NOT NULL,
    chunks     INTEGER NOT NULL,
    stored_at  TIMESTAMP NOT NULL
);
CREATE TABLE blob_chunks (
    sha256 TEXT NOT NULL REFERENCES blobs (sha256) ON DELETE CASCADE,
    seq    INTEGER NOT NULL,
    data   BLOB NOT NULL,
    PRIMARY KEY (sha256, seq)
);
