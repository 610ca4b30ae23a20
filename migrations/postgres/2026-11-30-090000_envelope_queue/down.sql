DROP INDEX envelopes_submission;
ALTER TABLE envelopes DROP COLUMN closed_at;
ALTER TABLE envelopes DROP COLUMN no_plea_reason;
