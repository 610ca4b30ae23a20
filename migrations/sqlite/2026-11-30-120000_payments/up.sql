-- Payments (issue 9). A payment is never deleted: a reversal (a bounced check) is recorded on it
-- — when, by whom, why — and it stops counting. A payment enclosed with a paper plea names its
-- submission, once (unique). A clerk's Idempotency-Key and the request it came with make a
-- repeated request record one payment. What a case still owes is never stored: it is always the
-- fines due minus the payments not reversed (domain::lifecycle::Balance).
-- SQLite adds a table constraint only by building the table again (nothing refers to payments).
CREATE TABLE payments_new (
    id              INTEGER PRIMARY KEY,
    citation_id     BIGINT NOT NULL REFERENCES citations (id),
    amount_cents    BIGINT NOT NULL CHECK (amount_cents > 0),
    method          TEXT NOT NULL CHECK (method IN ('check', 'money_order', 'card', 'cash')),
    reference       TEXT,
    received_on     DATE NOT NULL,
    recorded_by     BIGINT REFERENCES users (id),
    created_at      TIMESTAMP NOT NULL,
    reversed_at     TIMESTAMP,
    reversed_by     BIGINT REFERENCES users (id),
    reversal_reason TEXT,
    submission_id   BIGINT REFERENCES submissions (id),
    idempotency_key TEXT,
    request_hash    TEXT,
    CONSTRAINT payments_reversal CHECK (
        (reversed_at IS NULL AND reversed_by IS NULL AND reversal_reason IS NULL)
        OR (reversed_at IS NOT NULL AND reversal_reason IS NOT NULL))
);
INSERT INTO payments_new (id, citation_id, amount_cents, method, reference, received_on, recorded_by, created_at)
    SELECT id, citation_id, amount_cents, method, reference, received_on, recorded_by, created_at FROM payments;
DROP TABLE payments;
ALTER TABLE payments_new RENAME TO payments;
CREATE INDEX payments_citation ON payments (citation_id);
CREATE UNIQUE INDEX payments_submission ON payments (submission_id);
CREATE UNIQUE INDEX payments_idempotency_key ON payments (idempotency_key);

-- A disposition a reversed payment took back: kept, with when it stopped standing.
ALTER TABLE dispositions ADD COLUMN withdrawn_at TIMESTAMP;

-- The refunds queue finds the cases the lifecycle flagged as overpaid (`payment.overpaid`).
CREATE INDEX events_action ON events (action);
