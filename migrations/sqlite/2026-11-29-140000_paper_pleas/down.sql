DROP INDEX submissions_linked_at;
ALTER TABLE submissions DROP COLUMN duplicate;
ALTER TABLE submissions DROP COLUMN linked_how;
ALTER TABLE submissions DROP COLUMN linked_at;
ALTER TABLE submissions DROP COLUMN claimed_plate;
ALTER TABLE submissions DROP COLUMN enclosed_payment_reference;
ALTER TABLE submissions DROP COLUMN enclosed_payment_method;
