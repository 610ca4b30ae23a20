ALTER TABLE citations DROP COLUMN preferred_language;
