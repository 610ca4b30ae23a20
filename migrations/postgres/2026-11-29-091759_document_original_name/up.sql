-- The name an uploaded file was sent under (sanitised, at most 120 characters), shown on the
-- receipt. Documents are kept once per content: the first name given is kept.
ALTER TABLE documents ADD COLUMN original_name TEXT;
