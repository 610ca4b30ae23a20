-- Staff scans: each uploaded scan (a document) is one batch, split into envelopes; every page
-- is kept with what was read from it and the envelope it belongs to, so any page can be traced
-- back to the scan and page number it came from. Separator sheets belong to no envelope.
CREATE TABLE scan_batches (
    id              INTEGER PRIMARY KEY,
    document_id     BIGINT NOT NULL UNIQUE REFERENCES documents (id),
    pages           INTEGER NOT NULL,
    uploaded_by     BIGINT REFERENCES users (id),
    created_at      TIMESTAMP NOT NULL
);

CREATE TABLE envelopes (
    id              INTEGER PRIMARY KEY,
    batch_id        BIGINT NOT NULL REFERENCES scan_batches (id),
    seq             INTEGER NOT NULL,
    citation_id     BIGINT REFERENCES citations (id),
    letter_id       BIGINT REFERENCES letters (id),
    submission_id   BIGINT REFERENCES submissions (id),
    flags           TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    UNIQUE (batch_id, seq)
);
CREATE INDEX envelopes_citation ON envelopes (citation_id);

CREATE TABLE scan_pages (
    id              INTEGER PRIMARY KEY,
    batch_id        BIGINT NOT NULL REFERENCES scan_batches (id),
    page_no         INTEGER NOT NULL,
    envelope_id     BIGINT REFERENCES envelopes (id),
    kind            TEXT NOT NULL CHECK (kind IN ('page', 'separator')),
    qr_payload      TEXT,
    letter_id       BIGINT REFERENCES letters (id),
    flags           TEXT NOT NULL DEFAULT '',
    UNIQUE (batch_id, page_no)
);
CREATE INDEX scan_pages_envelope ON scan_pages (envelope_id);
