-- Scans and evidence, submissions (a plea as it arrived) with one plea per charge, offers,
-- payments and dispositions.
CREATE TABLE documents (
    id              INTEGER PRIMARY KEY,
    sha256          TEXT NOT NULL UNIQUE,
    content_type    TEXT NOT NULL,
    size_bytes      BIGINT NOT NULL,
    pages           INTEGER NOT NULL DEFAULT 1,
    storage_path    TEXT NOT NULL,
    qr_payloads     TEXT,
    uploaded_by     BIGINT REFERENCES users (id),
    created_at      TIMESTAMP NOT NULL
);

CREATE TABLE submissions (
    id                      INTEGER PRIMARY KEY,
    citation_id             BIGINT REFERENCES citations (id),
    confirmation            TEXT NOT NULL UNIQUE,
    channel                 TEXT NOT NULL CHECK (channel IN ('online', 'mail', 'counter')),
    status                  TEXT NOT NULL CHECK (status IN ('linked', 'unmatched', 'deficient')),
    received_at             TIMESTAMP NOT NULL,
    postmark_date           DATE,
    document_id             BIGINT REFERENCES documents (id),
    claimed_citation_number TEXT,
    claimed_date_of_birth   DATE,
    claimed_last_name       TEXT,
    signature_name          TEXT,
    signed                  BOOLEAN NOT NULL DEFAULT FALSE,
    attested                BOOLEAN NOT NULL DEFAULT FALSE,
    statement               TEXT,
    email                   TEXT,
    phone                   TEXT,
    language                TEXT NOT NULL CHECK (language IN ('en', 'es')),
    mailing_address         TEXT,
    enclosed_payment_cents  BIGINT,
    deficiencies            TEXT,
    idempotency_key         TEXT UNIQUE,
    request_hash            TEXT,
    created_by              BIGINT REFERENCES users (id),
    created_at              TIMESTAMP NOT NULL,
    updated_at              TIMESTAMP NOT NULL
);
CREATE INDEX submissions_citation ON submissions (citation_id);
CREATE INDEX submissions_status ON submissions (status);

CREATE TABLE pleas (
    id              INTEGER PRIMARY KEY,
    submission_id   BIGINT NOT NULL REFERENCES submissions (id) ON DELETE CASCADE,
    charge_seq      INTEGER NOT NULL,
    plea            TEXT NOT NULL CHECK (plea IN ('guilty', 'no_contest', 'not_guilty', 'request_offer')),
    UNIQUE (submission_id, charge_seq)
);

CREATE TABLE submission_documents (
    submission_id   BIGINT NOT NULL REFERENCES submissions (id) ON DELETE CASCADE,
    document_id     BIGINT NOT NULL REFERENCES documents (id),
    PRIMARY KEY (submission_id, document_id)
);

CREATE TABLE offers (
    id              INTEGER PRIMARY KEY,
    citation_id     BIGINT NOT NULL REFERENCES citations (id),
    status          TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'rejected', 'expired', 'withdrawn')),
    expires_on      DATE NOT NULL,
    made_by         BIGINT REFERENCES users (id),
    note            TEXT,
    created_at      TIMESTAMP NOT NULL,
    decided_at      TIMESTAMP
);
CREATE INDEX offers_citation ON offers (citation_id);

CREATE TABLE offer_charges (
    id              INTEGER PRIMARY KEY,
    offer_id        BIGINT NOT NULL REFERENCES offers (id) ON DELETE CASCADE,
    charge_seq      INTEGER NOT NULL,
    offense_code    TEXT NOT NULL,
    fine_cents      BIGINT NOT NULL CHECK (fine_cents >= 0),
    points          INTEGER NOT NULL,
    UNIQUE (offer_id, charge_seq)
);

CREATE TABLE payments (
    id              INTEGER PRIMARY KEY,
    citation_id     BIGINT NOT NULL REFERENCES citations (id),
    amount_cents    BIGINT NOT NULL CHECK (amount_cents > 0),
    method          TEXT NOT NULL CHECK (method IN ('check', 'money_order', 'card', 'cash')),
    reference       TEXT,
    received_on     DATE NOT NULL,
    recorded_by     BIGINT REFERENCES users (id),
    created_at      TIMESTAMP NOT NULL
);
CREATE INDEX payments_citation ON payments (citation_id);

CREATE TABLE dispositions (
    id              INTEGER PRIMARY KEY,
    charge_id       BIGINT NOT NULL REFERENCES charges (id),
    disposition     TEXT NOT NULL CHECK (disposition IN ('paid_as_charged', 'paid_amended', 'dismissed', 'hearing_set', 'default_judgment')),
    decided_on      DATE NOT NULL,
    recorded_by     BIGINT REFERENCES users (id),
    created_at      TIMESTAMP NOT NULL
);
CREATE INDEX dispositions_charge ON dispositions (charge_id);
