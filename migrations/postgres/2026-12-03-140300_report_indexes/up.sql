-- The reports (GET /api/v1/reports/summary) count each measure by its own date over a range.
CREATE INDEX citations_issued_at ON citations (issued_at);
CREATE INDEX submissions_received_at ON submissions (received_at);
CREATE INDEX payments_received_on ON payments (received_on);
CREATE INDEX offers_created_at ON offers (created_at);
CREATE INDEX dispositions_decided_on ON dispositions (decided_on);
