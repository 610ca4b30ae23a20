#!/usr/bin/env python3
"""The benchmark fixture of scripts/bench-reports: PleaDesk's tables as CSV files, from the
e-citation rows of ../shared/bench/gen_citations.py (stdin), with pleas, offers, payments and
dispositions added in fixed proportions (seeded): a fixture for COPY / .import, NOT the import
path — it skips every check the application makes, which is fine for timing read-only reports
and nothing else.

Usage: gen_citations.py N - | report_fixture.py OUTDIR

Of the citations: 35% no plea (open), 5% default; 60% a plea (online 60%, mail 35%, counter 5%):
guilty 70% (paid in full 65% → resolved, else amount due with a part paid in 30% of them),
not guilty 20% (hearing set), request offer 10% (half with no offer yet → in review; of the
offers: 40% pending, 40% accepted at 80% of the fine → amount due, 20% rejected → hearing
set). 3% of the payments are reversed (on an amount-due case, so the balance stays right).
"""
import csv
import datetime as dt
import os
import random
import sys

out_dir = sys.argv[1]
rng = random.Random(7)
files = {}


def writer(name, header):
    f = open(os.path.join(out_dir, f"{name}.csv"), "w", newline="", encoding="utf-8")
    w = csv.writer(f, lineterminator="\n")
    w.writerow(header)
    files[name] = (f, w)
    return w


cit = writer("citations", ["id", "citation_number", "agency", "issued_at", "location", "court_date", "first_name",
                           "last_name", "date_of_birth", "address_line1", "city", "state", "postal_code", "language",
                           "status", "response_due", "import_hash", "created_at", "updated_at"])
chg = writer("charges", ["id", "citation_id", "seq", "offense_code", "fine_cents", "points"])
sub = writer("submissions", ["id", "citation_id", "confirmation", "channel", "status", "received_at", "signed",
                             "attested", "language", "created_at", "updated_at", "duplicate"])
plea_w = writer("pleas", ["id", "submission_id", "charge_seq", "plea"])
off = writer("offers", ["id", "citation_id", "status", "expires_on", "created_at", "decided_at"])
offc = writer("offer_charges", ["id", "offer_id", "charge_seq", "offense_code", "fine_cents", "points"])
pay = writer("payments", ["id", "citation_id", "amount_cents", "method", "received_on", "created_at", "reversed_at",
                          "reversal_reason"])
disp = writer("dispositions", ["id", "charge_id", "disposition", "decided_on", "created_at", "withdrawn_at"])
ids = {k: 0 for k in ["charge", "sub", "plea", "offer", "offc", "pay", "disp"]}


def nid(kind):
    ids[kind] += 1
    return ids[kind]


def ts(t):
    return t.strftime("%Y-%m-%d %H:%M:%S")


def emit(cid, head, charges):
    issued = dt.datetime.fromisoformat(head["issued_at"]).astimezone(dt.timezone.utc).replace(tzinfo=None)
    court = dt.date.fromisoformat(head["court_date"])
    charge_ids = [(nid("charge"), seq, code, fine, pts) for seq, code, fine, pts in charges]
    for chid, seq, code, fine, pts in charge_ids:
        chg.writerow([chid, cid, seq, code, fine, pts])
    status, r = "open", rng.random()
    decided = (issued + dt.timedelta(days=rng.randint(20, 60))).date()

    def dispose(kind, on, seqs=None):
        for chid, seq, *_ in charge_ids:
            if seqs is None or seq in seqs:
                disp.writerow([nid("disp"), chid, kind, on, ts(issued), ""])

    def pays(amount, on, reversed_=False):
        method = rng.choice(["check", "money_order", "card", "cash"])
        rev = ts(issued + dt.timedelta(days=30)) if reversed_ else ""
        pay.writerow([nid("pay"), cid, amount, method, on, ts(issued), rev, "bounced" if reversed_ else ""])

    if r < 0.35:
        pass
    elif r < 0.40:
        status = "default"
        dispose("default_judgment", decided)
    else:
        sid = nid("sub")
        received = issued + dt.timedelta(days=rng.randint(1, 20), minutes=rng.randint(0, 600))
        channel = rng.choices(["online", "mail", "counter"], [60, 35, 5])[0]
        sub.writerow([sid, cid, f"PD-{sid:08d}", channel, "linked", ts(received), 1, 1, "en", ts(received),
                      ts(received), 0])
        kind = rng.choices(["guilty", "not_guilty", "request_offer"], [70, 20, 10])[0]
        for _, seq, *_ in charge_ids:
            plea_w.writerow([nid("plea"), sid, seq, kind])
        due = sum(c[3] for c in charge_ids)
        paid_on = (received + dt.timedelta(days=rng.randint(0, 15))).date()
        if kind == "guilty":
            if rng.random() < 0.65:
                status = "resolved"
                pays(due, paid_on)
                dispose("paid_as_charged", paid_on)
            else:
                status = "amount_due"
                if rng.random() < 0.3:
                    pays(due // 3, paid_on, reversed_=rng.random() < 0.1)
        elif kind == "not_guilty":
            status = "hearing_set"
            dispose("hearing_set", received.date())
        elif rng.random() < 0.5:
            status = "in_review"
        else:
            oid = nid("offer")
            made = received + dt.timedelta(days=rng.randint(1, 10))
            o = rng.choices(["pending", "accepted", "rejected"], [40, 40, 20])[0]
            decided_at = ts(made + dt.timedelta(days=5)) if o != "pending" else ""
            off.writerow([oid, cid, o, (made + dt.timedelta(days=20)).date(), ts(made), decided_at])
            for _, seq, code, fine, pts in charge_ids:
                offc.writerow([nid("offc"), oid, seq, code, fine * 4 // 5, 0])
            status = {"pending": "offer_pending", "accepted": "amount_due", "rejected": "hearing_set"}[o]
            if o == "rejected":
                dispose("hearing_set", (made + dt.timedelta(days=5)).date())
    due_day = court - dt.timedelta(days=10)
    language = head["language"] if head["language"] in ("en", "es") else "en"
    cit.writerow([cid, head["citation_number"], head["agency"], ts(issued), head["location"], court,
                  head["first_name"], head["last_name"], head["date_of_birth"], head["address_line1"], head["city"],
                  head["state"], head["postal_code"], language, status, due_day, f"h{cid}", ts(issued), ts(issued)])


def main():
    reader = csv.DictReader(sys.stdin)
    cid, current, head, charges = 0, None, None, []
    for row in reader:
        if row["citation_number"] != current:
            if current is not None:
                emit(cid, head, charges)
            cid += 1
            current, head, charges = row["citation_number"], row, []
        fine = int(round(float(row["fine"]) * 100))
        charges.append((int(row["charge_seq"]), row["offense_code"], fine, int(row["points"])))
    if current is not None:
        emit(cid, head, charges)
    for f, _ in files.values():
        f.close()
    print(f"{cid} citations, {ids['charge']} charges, {ids['sub']} pleas, {ids['pay']} payments, "
          f"{ids['offer']} offers", file=sys.stderr)


main()
