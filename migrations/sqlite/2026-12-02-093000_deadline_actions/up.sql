-- The daily deadline job (issue 9 point 6). Each thing it does to a case — a reminder before a
-- deadline, a default after one, an offer's expiry — is one row here, keyed by the case, the kind,
-- the deadline and (for reminders) the days before it, inserted in the same transaction as the
-- case's change and its letter: a second run, or a second worker at the same time, finds the key
-- taken and does nothing.
CREATE TABLE deadline_actions (
    id          INTEGER PRIMARY KEY,
    citation_id BIGINT NOT NULL REFERENCES citations (id),
    kind        TEXT NOT NULL CHECK (kind IN ('response_reminder', 'payment_reminder', 'default', 'offer_expired')),
    due_on      DATE NOT NULL,
    lead_days   INTEGER NOT NULL CHECK (lead_days >= 0),
    as_of       DATE NOT NULL,
    letter_id   BIGINT REFERENCES letters (id),
    created_at  TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX deadline_actions_once ON deadline_actions (citation_id, kind, due_on, lead_days);

-- The court dates the daily job has finished, so that serve's worker runs it once a court day.
CREATE TABLE daily_runs (
    as_of          DATE PRIMARY KEY,
    reminders      INTEGER NOT NULL,
    defaults       INTEGER NOT NULL,
    offers_expired INTEGER NOT NULL,
    finished_at    TIMESTAMP NOT NULL
);

-- The job looks for cases by status and deadline.
CREATE INDEX citations_status_response_due ON citations (status, response_due);

-- A reminder to a defendant with an email address goes by email only (issue 9): the mail run
-- prints only letters for the post.
ALTER TABLE letters ADD COLUMN by_post BOOLEAN NOT NULL DEFAULT TRUE;
