-- The public rate limits shared by every web node on one PostgreSQL database (issue 10 point 6,
-- `web::ratelimit`): one row per counted thing and minute. The key is a salted SHA-256 of what is
-- counted (a client's address, a citation number), never the thing as written; rows of past
-- minutes are deleted as the minutes pass. UNLOGGED: counters need no crash safety, and
-- skipping the write-ahead log keeps each check cheap.
CREATE UNLOGGED TABLE rate_windows (
    key    BYTEA NOT NULL,
    minute BIGINT NOT NULL,
    count  INTEGER NOT NULL,
    PRIMARY KEY (key, minute)
);
CREATE INDEX rate_windows_minute ON rate_windows (minute);

-- The salt of those keys: made by the first node that needs it and shared by all.
CREATE TABLE rate_salt (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    salt BYTEA NOT NULL
);
