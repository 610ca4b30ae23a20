DROP INDEX citations_status_response_due;
DROP TABLE daily_runs;
DROP TABLE deadline_actions;
