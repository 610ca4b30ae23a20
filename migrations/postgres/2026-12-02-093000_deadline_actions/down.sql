ALTER TABLE letters DROP COLUMN by_post;
DROP INDEX citations_status_response_due;
DROP TABLE daily_runs;
DROP TABLE deadline_actions;
