ALTER TABLE letters DROP COLUMN email_status;
