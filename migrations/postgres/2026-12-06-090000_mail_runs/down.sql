DROP TABLE mail_runs;
