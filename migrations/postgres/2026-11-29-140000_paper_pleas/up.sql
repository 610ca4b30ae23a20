-- Paper pleas (issue 8): the enclosed payment's method and check or money-order number, the
-- plate the clerk read off the paper (for match suggestions), when and how a submission was
-- linked to its citation, and the duplicate flag (a second plea for a case already answered:
-- kept, not applied, for a clerk to decide which stands).
ALTER TABLE submissions ADD COLUMN enclosed_payment_method TEXT
    CHECK (enclosed_payment_method IN ('check', 'money_order', 'cash'));
ALTER TABLE submissions ADD COLUMN enclosed_payment_reference TEXT;
ALTER TABLE submissions ADD COLUMN claimed_plate TEXT;
ALTER TABLE submissions ADD COLUMN linked_at TIMESTAMP;
ALTER TABLE submissions ADD COLUMN linked_how TEXT CHECK (linked_how IN ('entry', 'clerk', 'import'));
ALTER TABLE submissions ADD COLUMN duplicate BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX submissions_linked_at ON submissions (linked_at);
