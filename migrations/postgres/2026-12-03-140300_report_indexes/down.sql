DROP INDEX dispositions_decided_on;
DROP INDEX offers_created_at;
DROP INDEX payments_received_on;
DROP INDEX submissions_received_at;
DROP INDEX citations_issued_at;
