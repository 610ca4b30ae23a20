DROP TABLE scan_pages;
DROP TABLE envelopes;
DROP TABLE scan_batches;
