-- Where a letter's email stands: 'sending' is recorded before the SMTP conversation, 'sent' once
-- the server accepted it. A retry that finds 'sending' knows an earlier attempt may have been
-- delivered (the message carries the same Message-ID).
ALTER TABLE letters ADD COLUMN email_status TEXT NOT NULL DEFAULT 'not_sent'
    CHECK (email_status IN ('not_sent', 'sending', 'sent'));
UPDATE letters SET email_status = 'sent' WHERE emailed_at IS NOT NULL;
