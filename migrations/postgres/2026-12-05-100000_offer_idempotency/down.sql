DROP INDEX offers_idempotency_key;
ALTER TABLE offers DROP COLUMN replaces;
ALTER TABLE offers DROP COLUMN request_hash;
ALTER TABLE offers DROP COLUMN idempotency_key;
