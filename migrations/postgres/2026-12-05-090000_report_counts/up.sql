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
CREATE FUNCTION report_citation_facts(status TEXT, issued_at TIMESTAMP, balance BIGINT, decided_on DATE)
RETURNS TABLE (measure TEXT, slot TIMESTAMP, name TEXT, n BIGINT, owing BIGINT, cents BIGINT)
LANGUAGE sql IMMUTABLE AS $$
    SELECT 'issued', date_trunc('hour', issued_at), status, 1::BIGINT,
        CASE WHEN status IN ('responded', 'in_review', 'offer_pending', 'amount_due', 'hearing_set')
            AND balance > 0 THEN 1 ELSE 0 END::BIGINT,
        CASE WHEN status IN ('responded', 'in_review', 'offer_pending', 'amount_due', 'hearing_set')
            AND balance > 0 THEN balance ELSE 0 END
    UNION ALL
    SELECT 'decided', decided_on::TIMESTAMP, status, 1, 0, 0 WHERE decided_on IS NOT NULL
$$;
-- received: a submission by the hour it arrived and its channel.
CREATE FUNCTION report_submission_facts(received_at TIMESTAMP, channel TEXT)
RETURNS TABLE (measure TEXT, slot TIMESTAMP, name TEXT, n BIGINT, owing BIGINT, cents BIGINT)
LANGUAGE sql IMMUTABLE AS $$
    SELECT 'received', date_trunc('hour', received_at), channel, 1::BIGINT, 0::BIGINT, 0::BIGINT
$$;
-- collected: a payment not reversed, by the day it was received and its method.
CREATE FUNCTION report_payment_facts(received_on DATE, method TEXT, amount BIGINT, reversed_at TIMESTAMP)
RETURNS TABLE (measure TEXT, slot TIMESTAMP, name TEXT, n BIGINT, owing BIGINT, cents BIGINT)
LANGUAGE sql IMMUTABLE AS $$
    SELECT 'collected', received_on::TIMESTAMP, method, 1::BIGINT, 0::BIGINT, amount WHERE reversed_at IS NULL
$$;
CREATE VIEW report_facts AS
    SELECT f.* FROM citations r, report_citation_facts(r.status, r.issued_at, r.balance_cents, r.decided_on) f
    UNION ALL SELECT f.* FROM submissions r, report_submission_facts(r.received_at, r.channel) f
    UNION ALL SELECT f.* FROM payments r, report_payment_facts(r.received_on, r.method, r.amount_cents, r.reversed_at) f;

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
);
CREATE TABLE report_deltas (
    id      BIGSERIAL PRIMARY KEY,
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

-- Every statement that changes counted rows inserts the difference its rows make to the facts:
-- the rows after (+) less the rows before (−), summed per (measure, slot, name), nothing where
-- they cancel. Statement-level, over the transition tables: an import batch or a page of the
-- daily job is one INSERT. TG_ARGV[0] is the facts of a row `r`.
CREATE FUNCTION report_rows_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    source TEXT := CASE TG_OP
        WHEN 'INSERT' THEN 'SELECT 1 AS sign, * FROM new_rows'
        WHEN 'DELETE' THEN 'SELECT -1 AS sign, * FROM old_rows'
        ELSE 'SELECT -1 AS sign, * FROM old_rows UNION ALL SELECT 1, * FROM new_rows' END;
BEGIN
    EXECUTE 'INSERT INTO report_deltas (measure, slot, name, n, owing, cents) '
        || 'SELECT f.measure, f.slot, f.name, SUM(r.sign * f.n), SUM(r.sign * f.owing), SUM(r.sign * f.cents) '
        || 'FROM (' || source || ') r, ' || TG_ARGV[0] || ' f GROUP BY 1, 2, 3 '
        || 'HAVING SUM(r.sign * f.n) <> 0 OR SUM(r.sign * f.owing) <> 0 OR SUM(r.sign * f.cents) <> 0';
    RETURN NULL;
END
$$;

CREATE TRIGGER report_citations_added AFTER INSERT ON citations REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION
    report_rows_changed('report_citation_facts(r.status, r.issued_at, r.balance_cents, r.decided_on)');
CREATE TRIGGER report_citations_changed AFTER UPDATE ON citations
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION
    report_rows_changed('report_citation_facts(r.status, r.issued_at, r.balance_cents, r.decided_on)');
CREATE TRIGGER report_citations_removed AFTER DELETE ON citations REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION
    report_rows_changed('report_citation_facts(r.status, r.issued_at, r.balance_cents, r.decided_on)');

CREATE TRIGGER report_submissions_added AFTER INSERT ON submissions REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION report_rows_changed('report_submission_facts(r.received_at, r.channel)');
CREATE TRIGGER report_submissions_changed AFTER UPDATE ON submissions
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION report_rows_changed('report_submission_facts(r.received_at, r.channel)');
CREATE TRIGGER report_submissions_removed AFTER DELETE ON submissions REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION report_rows_changed('report_submission_facts(r.received_at, r.channel)');

CREATE TRIGGER report_payments_added AFTER INSERT ON payments REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION
    report_rows_changed('report_payment_facts(r.received_on, r.method, r.amount_cents, r.reversed_at)');
CREATE TRIGGER report_payments_changed AFTER UPDATE ON payments
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION
    report_rows_changed('report_payment_facts(r.received_on, r.method, r.amount_cents, r.reversed_at)');
CREATE TRIGGER report_payments_removed AFTER DELETE ON payments REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION
    report_rows_changed('report_payment_facts(r.received_on, r.method, r.amount_cents, r.reversed_at)');
