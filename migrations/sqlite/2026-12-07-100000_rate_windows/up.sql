-- The public rate limits shared by several web nodes on one PostgreSQL database (issue 10 point
-- 6, `web::ratelimit`). SQLite serves one node, which counts in memory: these tables stay empty
-- here and exist so that both backends have the same schema.
CREATE TABLE rate_windows (
    key    BLOB NOT NULL,
    minute BIGINT NOT NULL,
    count  INTEGER NOT NULL,
    PRIMARY KEY (key, minute)
);
CREATE INDEX rate_windows_minute ON rate_windows (minute);

CREATE TABLE rate_salt (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    salt BLOB NOT NULL
);
