ALTER TABLE users DROP COLUMN linked_seen_at;
