-- Staff accounts and their API / session tokens (only hashes are stored).
CREATE TABLE users (
    id              INTEGER PRIMARY KEY,
    username        TEXT NOT NULL UNIQUE,
    role            TEXT NOT NULL CHECK (role IN ('clerk', 'prosecutor', 'admin', 'integration')),
    password_hash   TEXT NOT NULL,
    failed_logins   INTEGER NOT NULL DEFAULT 0,
    locked_until    TIMESTAMP,
    disabled        BOOLEAN NOT NULL DEFAULT FALSE,
    created_at      TIMESTAMP NOT NULL
);

CREATE TABLE api_tokens (
    id              INTEGER PRIMARY KEY,
    user_id         BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash      TEXT NOT NULL UNIQUE,
    kind            TEXT NOT NULL CHECK (kind IN ('api', 'session')),
    created_at      TIMESTAMP NOT NULL,
    last_used_at    TIMESTAMP,
    expires_at      TIMESTAMP
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);
