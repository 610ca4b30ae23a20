-- A resident's unfinished plea between the steps of the pages (identity, pleas, statement,
-- contact, evidence ids), behind a short-lived cookie; only the SHA-256 of its token is stored.
CREATE TABLE drafts (
    token_hash      TEXT PRIMARY KEY,
    data            TEXT NOT NULL,
    expires_at      TIMESTAMP NOT NULL,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);
CREATE INDEX drafts_expires_at ON drafts (expires_at);
