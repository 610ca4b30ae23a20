ALTER TABLE scan_pages DROP COLUMN height;
ALTER TABLE scan_pages DROP COLUMN width;
