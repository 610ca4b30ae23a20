-- Requests from defendants unable to pay (issue 9 point 5): more time, a payment plan, or
-- community service instead of the fine, with a short statement. A clerk grants (with the new
-- terms: a due date; or instalments, the amount a month and the first due date; or hours of
-- service and the date they are due) or denies with a reason; the answer goes out as a letter.
-- The case's status does not change (a plan is not a lifecycle state). At most one request of a
-- case is pending at a time (partial unique index).
CREATE TABLE hardship_requests (
    id               INTEGER PRIMARY KEY,
    citation_id      BIGINT NOT NULL REFERENCES citations (id),
    kind             TEXT NOT NULL CHECK (kind IN ('more_time', 'payment_plan', 'community_service')),
    statement        TEXT NOT NULL,
    channel          TEXT NOT NULL CHECK (channel IN ('online', 'api')),
    status           TEXT NOT NULL CHECK (status IN ('pending', 'granted', 'denied')),
    requested_at     TIMESTAMP NOT NULL,
    decided_at       TIMESTAMP,
    decided_by       BIGINT REFERENCES users (id),
    granted_kind     TEXT CHECK (granted_kind IN ('more_time', 'payment_plan', 'community_service')),
    due_on           DATE,
    instalments      INTEGER,
    instalment_cents BIGINT,
    service_hours    INTEGER,
    denial_reason    TEXT,
    letter_id        BIGINT REFERENCES letters (id),
    CONSTRAINT hardship_decided CHECK (
        (status = 'pending' AND decided_at IS NULL AND granted_kind IS NULL AND denial_reason IS NULL)
        OR (status = 'granted' AND decided_at IS NOT NULL AND granted_kind IS NOT NULL AND due_on IS NOT NULL)
        OR (status = 'denied' AND decided_at IS NOT NULL AND denial_reason IS NOT NULL))
);
CREATE INDEX hardship_requests_citation ON hardship_requests (citation_id);
CREATE UNIQUE INDEX hardship_requests_one_pending ON hardship_requests (citation_id) WHERE status = 'pending';
