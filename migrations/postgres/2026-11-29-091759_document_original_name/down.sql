ALTER TABLE documents DROP COLUMN original_name;
