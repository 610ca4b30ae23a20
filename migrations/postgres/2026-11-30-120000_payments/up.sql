-- Payments (issue 9). A payment is never deleted: a reversal (a bounced check) is recorded on it
-- — when, by whom, why — and it stops counting. A payment enclosed with a paper plea names its
-- submission, once (unique). A clerk's Idempotency-Key and the request it came with make a
-- repeated request record one payment. What a case still owes is never stored: it is always the
-- fines due minus the payments not reversed (domain::lifecycle::Balance).
ALTER TABLE payments ADD COLUMN reversed_at TIMESTAMP;
ALTER TABLE payments ADD COLUMN reversed_by BIGINT REFERENCES users (id);
ALTER TABLE payments ADD COLUMN reversal_reason TEXT;
ALTER TABLE payments ADD COLUMN submission_id BIGINT REFERENCES submissions (id);
ALTER TABLE payments ADD COLUMN idempotency_key TEXT;
ALTER TABLE payments ADD COLUMN request_hash TEXT;
ALTER TABLE payments ADD CONSTRAINT payments_reversal CHECK (
    (reversed_at IS NULL AND reversed_by IS NULL AND reversal_reason IS NULL)
    OR (reversed_at IS NOT NULL AND reversal_reason IS NOT NULL));
CREATE UNIQUE INDEX payments_submission ON payments (submission_id);
CREATE UNIQUE INDEX payments_idempotency_key ON payments (idempotency_key);

-- A disposition a reversed payment took back: kept, with when it stopped standing.
ALTER TABLE dispositions ADD COLUMN withdrawn_at TIMESTAMP;

-- The refunds queue finds the cases the lifecycle flagged as overpaid (`payment.overpaid`).
CREATE INDEX events_action ON events (action);
