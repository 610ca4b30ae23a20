-- A prosecutor's retried POST /api/v1/citations/{number}/offers with the same Idempotency-Key
-- makes one offer (the key is the staff member's own: staff:<id>/<key>); and the offer an
-- amendment replaced, kept beside the one it was replaced by.
ALTER TABLE offers ADD COLUMN idempotency_key TEXT;
ALTER TABLE offers ADD COLUMN request_hash TEXT;
ALTER TABLE offers ADD COLUMN replaces BIGINT; -- an offer id (SQLite cannot drop a column with a foreign key)
CREATE UNIQUE INDEX offers_idempotency_key ON offers (idempotency_key);
