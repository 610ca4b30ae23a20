-- The size in pixels of each scanned page as decoded (issue 8: page images), so that a page's
-- thumbnail and image are shown at their own size. Empty for a page that could not be read.
ALTER TABLE scan_pages ADD COLUMN width INTEGER;
ALTER TABLE scan_pages ADD COLUMN height INTEGER;
