-- Saved offer patterns (issue 9): an admin names a way prosecutors often offer ("Amend to a
-- non-point offense, same fine"), and the review form starts from it: the offense to amend to
-- (NULL keeps the one charged), how the fine is set (the same, a fixed amount in cents, or a
-- percentage of the fine charged), and the points (NULL keeps those charged). Retired, never
-- deleted, so that what a form was prefilled from stays explainable.
CREATE TABLE offer_patterns (
    id              INTEGER PRIMARY KEY,
    name            TEXT NOT NULL UNIQUE,
    offense_code    TEXT,
    fine_rule       TEXT NOT NULL CHECK (fine_rule IN ('same', 'fixed', 'percent')),
    fine_value      BIGINT,
    points          INTEGER CHECK (points >= 0),
    active          BOOLEAN NOT NULL DEFAULT TRUE,
    created_by      BIGINT REFERENCES users (id),
    created_at      TIMESTAMP NOT NULL,
    CONSTRAINT offer_patterns_value CHECK (
        (fine_rule = 'same' AND fine_value IS NULL)
        OR (fine_rule = 'fixed' AND fine_value >= 0)
        OR (fine_rule = 'percent' AND fine_value BETWEEN 0 AND 100))
);
