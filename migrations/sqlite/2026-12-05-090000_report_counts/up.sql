-- The reports' counters (issue 9's benchmark: the summary over 1,000,000 citations). Counting the
-- raw tables on every request took seconds; the summary now sums counters kept per hour (per day
-- for the measures dated by day) — see src/db/reports/mod.rs.
--
-- Two derived columns, written by the application with every change of a case
-- (services::case_state::record_all): the case's outstanding balance (domain::lifecycle's
-- Case::balance, never below zero) and the date of its last standing disposition.
ALTER TABLE citations ADD COLUMN balance_cents BIGINT NOT NULL DEFAULT 0;
ALTER TABLE citations ADD COLUMN decided_on DATE;

-- What each row counts for, one row per fact: (measure, slot, name, n, owing, cents).
-- issued: a citation by the hour it was issued and its status now; owing/cents when its status
--   can owe (db::reports::direct::owed) and its balance is above zero.
-- decided: a citation with a standing disposition, by the day of the last one and its status.
-- received: a submission by the hour it arrived and its channel.
-- collected: a payment not reversed, by the day it was received and its method.
CREATE VIEW report_issued AS
    SELECT id, 'issued' AS measure, strftime('%Y-%m-%d %H:00:00', issued_at) AS slot, status AS name, 1 AS n,
        CASE WHEN status IN ('responded', 'in_review', 'offer_pending', 'amount_due', 'hearing_set')
            AND balance_cents > 0 THEN 1 ELSE 0 END AS owing,
        CASE WHEN status IN ('responded', 'in_review', 'offer_pending', 'amount_due', 'hearing_set')
            AND balance_cents > 0 THEN balance_cents ELSE 0 END AS cents
    FROM citations;
CREATE VIEW report_decided AS
    SELECT id, 'decided' AS measure, strftime('%Y-%m-%d 00:00:00', decided_on) AS slot, status AS name, 1 AS n,
        0 AS owing, 0 AS cents
    FROM citations WHERE decided_on IS NOT NULL;
CREATE VIEW report_received AS
    SELECT id, 'received' AS measure, strftime('%Y-%m-%d %H:00:00', received_at) AS slot, channel AS name, 1 AS n,
        0 AS owing, 0 AS cents
    FROM submissions;
CREATE VIEW report_collected AS
    SELECT id, 'collected' AS measure, strftime('%Y-%m-%d 00:00:00', received_on) AS slot, method AS name, 1 AS n,
        0 AS owing, amount_cents AS cents
    FROM payments WHERE reversed_at IS NULL;
CREATE VIEW report_facts AS
    SELECT measure, slot, name, n, owing, cents FROM report_issued
    UNION ALL SELECT measure, slot, name, n, owing, cents FROM report_decided
    UNION ALL SELECT measure, slot, name, n, owing, cents FROM report_received
    UNION ALL SELECT measure, slot, name, n, owing, cents FROM report_collected;

-- The counters: report_counts holds the sums, report_deltas what changed since they were last
-- folded in (rows only ever inserted by the triggers below, so writers never wait on a shared
-- row); a read adds both.
CREATE TABLE report_counts (
    measure TEXT NOT NULL,
    slot    TIMESTAMP NOT NULL,
    name    TEXT NOT NULL,
    n       BIGINT NOT NULL,
    owing   BIGINT NOT NULL,
    cents   BIGINT NOT NULL,
    PRIMARY KEY (measure, slot, name)
) WITHOUT ROWID;
CREATE TABLE report_deltas (
    id      INTEGER PRIMARY KEY,
    measure TEXT NOT NULL,
    slot    TIMESTAMP NOT NULL,
    name    TEXT NOT NULL,
    n       BIGINT NOT NULL,
    owing   BIGINT NOT NULL,
    cents   BIGINT NOT NULL
);

-- The rows as they stand: the derived columns, then the counters.
WITH applied AS (
    SELECT s.citation_id AS cid, MIN(s.id) AS sid FROM submissions s
    WHERE s.citation_id IS NOT NULL AND s.status = 'linked' AND NOT s.duplicate
      AND NOT EXISTS (SELECT 1 FROM plea_decisions pd WHERE pd.set_aside_id = s.id)
    GROUP BY s.citation_id),
pleaded AS (
    SELECT a.cid, p.charge_seq AS seq FROM applied a JOIN pleas p ON p.submission_id = a.sid
    WHERE p.plea IN ('guilty', 'no_contest')),
amended AS (
    SELECT o.citation_id AS cid, oc.charge_seq AS seq, oc.fine_cents
    FROM offers o JOIN offer_charges oc ON oc.offer_id = o.id
    WHERE o.status = 'accepted'
      AND NOT EXISTS (SELECT 1 FROM offers o2 JOIN offer_charges oc2 ON oc2.offer_id = o2.id
        WHERE o2.citation_id = o.citation_id AND o2.status = 'accepted'
          AND oc2.charge_seq = oc.charge_seq AND o2.id > o.id)),
due AS (
    SELECT ch.citation_id AS cid,
        SUM(COALESCE(am.fine_cents, CASE WHEN pl.seq IS NULL THEN 0 ELSE ch.fine_cents END)) AS cents
    FROM charges ch
    LEFT JOIN pleaded pl ON pl.cid = ch.citation_id AND pl.seq = ch.seq
    LEFT JOIN amended am ON am.cid = ch.citation_id AND am.seq = ch.seq
    GROUP BY ch.citation_id),
paid AS (
    SELECT p.citation_id AS cid, SUM(p.amount_cents) AS cents FROM payments p
    WHERE p.reversed_at IS NULL GROUP BY p.citation_id)
UPDATE citations SET balance_cents = b.cents
FROM (SELECT d.cid, d.cents - COALESCE(pd.cents, 0) AS cents FROM due d LEFT JOIN paid pd ON pd.cid = d.cid) b
WHERE b.cid = citations.id AND b.cents > 0;

UPDATE citations SET decided_on = s.day
FROM (SELECT ch.citation_id AS cid, MAX(d.decided_on) AS day
      FROM dispositions d JOIN charges ch ON ch.id = d.charge_id
      WHERE d.withdrawn_at IS NULL GROUP BY ch.citation_id) s
WHERE s.cid = citations.id;

INSERT INTO report_counts (measure, slot, name, n, owing, cents)
    SELECT measure, slot, name, SUM(n), SUM(owing), SUM(cents) FROM report_facts GROUP BY measure, slot, name;

-- Every change of a counted row adds its facts after (+) and takes back its facts before (−).
CREATE TRIGGER report_citation_added AFTER INSERT ON citations BEGIN
    INSERT INTO report_deltas (measure, slot, name, n, owing, cents)
        SELECT measure, slot, name, n, owing, cents FROM report_issued WHERE id = new.id
        UNION ALL SELECT measure, slot, name, n, owing, cents FROM report_decided WHERE id = new.id;
END;
CREATE TRIGGER report_citation_changing BEFORE UPDATE OF status, issued_at, balance_cents, decided_on ON citations
WHEN old.status IS NOT new.status OR old.issued_at IS NOT new.issued_at
    OR old.balance_cents IS NOT new.balance_cents OR old.decided_on IS NOT new.decided_on
BEGIN
    INSERT INTO report_deltas (measure, slot, name, n, owing, cents)
        SELECT measure, slot, name, -n, -owing, -cents FROM report_issued WHERE id = old.id
        UNION ALL SELECT measure, slot, name, -n, -owing, -cents FROM report_decided WHERE id = old.id;
END;
CREATE TRIGGER report_citation_changed AFTER UPDATE OF status, issued_at, balance_cents, decided_on ON citations
WHEN old.status IS NOT new.status OR old.issued_at IS NOT new.issued_at
    OR old.balance_cents IS NOT new.balance_cents OR old.decided_on IS NOT new.decided_on
BEGIN
    INSERT INTO report_deltas (measure, slot, name, n, owing, cents)
        SELECT measure, slot, name, n, owing, cents FROM report_issued WHERE id = new.id
        UNION ALL SELECT measure, slot, name, n, owing, cents FROM report_decided WHERE id = new.id;
END;
CREATE TRIGGER report_citation_removed BEFORE DELETE ON citations BEGIN
    INSERT INTO report_deltas (measure, slot, name, n, owing, cents)
        SELECT measure, slot, name, -n, -owing, -cents FROM report_issued WHERE id = old.id
        UNION ALL SELECT measure, slot, name, -n, -owing, -cents FROM report_decided WHERE id = old.id;
END;

CREATE TRIGGER report_submission_added AFTER INSERT ON submissions BEGIN
    INSERT INTO report_deltas (measure, slot, name, n, owing, cents)
        SELECT measure, slot, name, n, owing, cents FROM report_received WHERE id = new.id;
END;
CREATE TRIGGER report_submission_changing BEFORE UPDATE OF received_at, channel ON submissions
WHEN old.received_at IS NOT new.received_at OR old.channel IS NOT new.channel
BEGIN
    INSERT INTO report_deltas (measure, slot, name, n, owing, cents)
        SELECT measure, slot, name, -n, -owing, -cents FROM report_received WHERE id = old.id;
END;
CREATE TRIGGER report_submission_changed AFTER UPDATE OF received_at, channel ON submissions
WHEN old.received_at IS NOT new.received_at OR old.channel IS NOT new.channel
BEGIN
    INSERT INTO report_deltas (measure, slot, name, n, owing, cents)
        SELECT measure, slot, name, n, owing, cents FROM report_received WHERE id = new.id;
END;
CREATE TRIGGER report_submission_removed BEFORE DELETE ON submissions BEGIN
    INSERT INTO report_deltas (measure, slot, name, n, owing, cents)
        SELECT measure, slot, name, -n, -owing, -cents FROM report_received WHERE id = old.id;
END;

CREATE TRIGGER report_payment_added AFTER INSERT ON payments BEGIN
    INSERT INTO report_deltas (measure, slot, name, n, owing, cents)
        SELECT measure, slot, name, n, owing, cents FROM report_collected WHERE id = new.id;
END;
CREATE TRIGGER report_payment_changing BEFORE UPDATE OF reversed_at, received_on, method, amount_cents ON payments
WHEN old.reversed_at IS NOT new.reversed_at OR old.received_on IS NOT new.received_on
    OR old.method IS NOT new.method OR old.amount_cents IS NOT new.amount_cents
BEGIN
    INSERT INTO report_deltas (measure, slot, name, n, owing, cents)
        SELECT measure, slot, name, -n, -owing, -cents FROM report_collected WHERE id = old.id;
END;
CREATE TRIGGER report_payment_changed AFTER UPDATE OF reversed_at, received_on, method, amount_cents ON payments
WHEN old.reversed_at IS NOT new.reversed_at OR old.received_on IS NOT new.received_on
    OR old.method IS NOT new.method OR old.amount_cents IS NOT new.amount_cents
BEGIN
    INSERT INTO report_deltas (measure, slot, name, n, owing, cents)
        SELECT measure, slot, name, n, owing, cents FROM report_collected WHERE id = new.id;
END;
CREATE TRIGGER report_payment_removed BEFORE DELETE ON payments BEGIN
    INSERT INTO report_deltas (measure, slot, name, n, owing, cents)
        SELECT measure, slot, name, -n, -owing, -cents FROM report_collected WHERE id = old.id;
END;
