-- The envelope queue (issue 8): an envelope leaves the queue when a plea is keyed from it
-- (`submission_id`, at most one envelope per plea) or when a clerk finds it holds no plea
-- (`no_plea_reason`: a payment only, a letter…; cleared again if it is reopened). `closed_at`
-- is when either happened.
ALTER TABLE envelopes ADD COLUMN no_plea_reason TEXT;
ALTER TABLE envelopes ADD COLUMN closed_at TIMESTAMP;
CREATE UNIQUE INDEX envelopes_submission ON envelopes (submission_id);
