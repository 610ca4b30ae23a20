-- The offense catalog (versioned by effective date), citations (cases) and their charges.
CREATE TABLE offenses (
    id              INTEGER PRIMARY KEY,
    code            TEXT NOT NULL,
    description     TEXT NOT NULL,
    description_es  TEXT NOT NULL,
    penalty_class   TEXT NOT NULL CHECK (penalty_class IN ('infraction', 'petty-60d', 'misdemeanor-300d', 'misdemeanor-1y')),
    fine_cents      BIGINT NOT NULL CHECK (fine_cents >= 0),
    points          INTEGER NOT NULL,
    plea_by_mail    BOOLEAN NOT NULL,
    must_appear     BOOLEAN NOT NULL,
    effective_from  DATE NOT NULL,
    created_at      TIMESTAMP NOT NULL,
    UNIQUE (code, effective_from)
);

CREATE TABLE court_holidays (
    day             DATE PRIMARY KEY,
    name            TEXT NOT NULL
);

CREATE TABLE citations (
    id              INTEGER PRIMARY KEY,
    citation_number TEXT NOT NULL UNIQUE,
    agency          TEXT NOT NULL,
    issued_at       TIMESTAMP NOT NULL,
    location        TEXT NOT NULL,
    officer_badge   TEXT,
    court_date      DATE NOT NULL,
    first_name      TEXT NOT NULL,
    middle_name     TEXT,
    last_name       TEXT NOT NULL,
    date_of_birth   DATE NOT NULL,
    address_line1   TEXT NOT NULL,
    address_line2   TEXT,
    city            TEXT NOT NULL,
    state           TEXT NOT NULL,
    postal_code     TEXT NOT NULL,
    license_number  TEXT,
    license_state   TEXT,
    plate           TEXT,
    plate_state     TEXT,
    email           TEXT,
    phone           TEXT,
    language        TEXT NOT NULL CHECK (language IN ('en', 'es')),
    status          TEXT NOT NULL DEFAULT 'open',
    response_due    DATE NOT NULL,
    import_hash     TEXT NOT NULL,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);
CREATE INDEX citations_status ON citations (status);
CREATE INDEX citations_name_dob ON citations (last_name, date_of_birth);

CREATE TABLE charges (
    id              INTEGER PRIMARY KEY,
    citation_id     BIGINT NOT NULL REFERENCES citations (id) ON DELETE CASCADE,
    seq             INTEGER NOT NULL CHECK (seq >= 1),
    offense_code    TEXT NOT NULL,
    fine_cents      BIGINT NOT NULL CHECK (fine_cents >= 0),
    points          INTEGER NOT NULL,
    UNIQUE (citation_id, seq)
);
