ALTER TABLE mail_runs DROP COLUMN node;
