DROP INDEX events_action;
ALTER TABLE dispositions DROP COLUMN withdrawn_at;
CREATE TABLE payments_old (
    id              INTEGER PRIMARY KEY,
    citation_id     BIGINT NOT NULL REFERENCES citations (id),
    amount_cents    BIGINT NOT NULL CHECK (amount_cents > 0),
    method          TEXT NOT NULL CHECK (method IN ('check', 'money_order', 'card', 'cash')),
    reference       TEXT,
    received_on     DATE NOT NULL,
    recorded_by     BIGINT REFERENCES users (id),
    created_at      TIMESTAMP NOT NULL
);
INSERT INTO payments_old (id, citation_id, amount_cents, method, reference, received_on, recorded_by, created_at)
    SELECT id, citation_id, amount_cents, method, reference, received_on, recorded_by, created_at FROM payments;
DROP TABLE payments;
ALTER TABLE payments_old RENAME TO payments;
CREATE INDEX payments_citation ON payments (citation_id);
