-- A defendant's preferred language is any ISO 639-1 code, kept as the e-citation system sent it;
-- `language` stays the language of their letters and pages (en or es).
ALTER TABLE citations ADD COLUMN preferred_language TEXT NOT NULL DEFAULT 'en';
UPDATE citations SET preferred_language = language;
