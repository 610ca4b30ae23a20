"""What must hold after the run: every acknowledged plea in the database exactly once, its
receipt letter rendered once and stored whole, its email delivered once, and no stored file that
is half-written (`.partial`), missing, damaged or orphaned (no row names it)."""

import hashlib
import os
import re

from .load import ONLINE, PAPER, with_email

CHAOS = f"(c.citation_number LIKE '{ONLINE}-%' OR c.citation_number LIKE '{PAPER}-%')"
ROWS_FILES = {"letters", "scans", "evidence"}  # the folders whose every file a row names


def pleas(db, acknowledged):
    """Figures for the pleas: acknowledged, found, lost, duplicated (and problems)."""
    stored = {}
    for num, confirmation in db.rows(
        f"SELECT c.citation_number, s.confirmation FROM submissions s JOIN citations c ON c.id = s.citation_id WHERE {CHAOS}"
    ):
        stored.setdefault(num, []).append(confirmation)
    problems = []
    lost = [n for n in acknowledged if n not in stored]
    duplicated = [n for n, cs in stored.items() if len(cs) > 1]
    for n, code in acknowledged.items():
        if n in stored and code not in stored[n]:
            problems.append(f"{n}: acknowledged with confirmation {code}, stored as {stored[n]}")
    problems += [f"{n}: acknowledged but not in the database" for n in lost[:10]]
    problems += [f"{n}: stored {len(stored[n])} times" for n in duplicated[:10]]
    figures = {"acknowledged": len(acknowledged), "found": len(acknowledged) - len(lost), "lost": len(lost),
               "duplicated": len(duplicated), "stored": len(stored)}
    return figures, problems


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def receipts(db, received):
    """Each stored plea's receipt: one letter, rendered and stored whole; emailed once when the
    plea gave an address. `received`: the sink's Message-ID → times received."""
    rows = db.rows(
        "SELECT c.citation_number, s.id, l.id, l.letter_type, l.storage_path, l.sha256, "
        "CASE WHEN l.emailed_at IS NULL THEN 0 ELSE 1 END "
        f"FROM submissions s JOIN citations c ON c.id = s.citation_id LEFT JOIN letters l ON l.submission_id = s.id WHERE {CHAOS}"
    )
    problems, letters_of, expected = [], {}, set()
    for num, sid, lid, kind, path, digest, emailed in rows:
        letters_of.setdefault(sid, []).append(lid)
        if lid is None:
            problems.append(f"{num}: no receipt letter")
            continue
        if kind != "acknowledgement":
            problems.append(f"{num}: letter {lid} is a {kind}, not the receipt")
        if path is None or digest is None:
            problems.append(f"{num}: letter {lid} was never rendered")
        elif not os.path.exists(path) or sha256(path) != digest:
            problems.append(f"{num}: letter {lid}'s file is missing or does not match its checksum")
        if with_email(int(num.split("-")[1])):
            expected.add(f"<letter-{lid}@127.0.0.1>")
            if emailed != "1":
                problems.append(f"{num}: letter {lid} is not recorded as emailed")
    problems += [f"submission {sid}: {len(ls)} receipt letters" for sid, ls in letters_of.items() if len(ls) > 1]
    delivered = {m for m in received if m in expected}
    emails = {
        "sent": len(delivered),
        "expected": len(expected),
        # Sent again after a kill between the mail server's acceptance and its record (ARCHITECTURE:
        # the one window left; the same Message-ID lets the receiving side recognise it).
        "resent": sum(received[m] - 1 for m in delivered),
    }
    missing = sorted(expected - delivered)
    problems += [f"email {m} never arrived" for m in missing[:10]]
    problems += [f"unexpected email {m}" for m in sorted(set(received) - expected)[:10]]
    return emails, problems


def files(db, data_dir):
    """Stored files against the rows that name them: (counts, problems)."""
    rendered = {int(i): (p, s) for i, p, s in db.rows("SELECT id, storage_path, sha256 FROM letters WHERE storage_path IS NOT NULL")}
    documents = {s: p for s, p in db.rows("SELECT sha256, storage_path FROM documents")}
    problems, partial, orphans = [], 0, 0
    for folder, subdirs, names in os.walk(data_dir):
        rel = os.path.relpath(folder, data_dir)
        top = rel.split(os.sep)[0]
        if top == "orphaned":  # what the start-up sweep set aside
            subdirs[:] = []
            continue
        if rel == os.path.join("scans", "pages"):
            for sha in subdirs:
                if sha not in documents:
                    orphans += 1
                    problems.append(f"page images of a scan no document is: scans/pages/{sha}")
            subdirs[:] = []
        for name in names:
            if name.endswith(".partial"):
                partial += 1
                problems.append(f"half-written file left: {os.path.join(rel, name)}")
            elif top not in ROWS_FILES:
                continue
            elif top == "letters":
                m = re.fullmatch(r"letter-(\d+)\.pdf", name)
                if not m or int(m.group(1)) not in rendered:
                    orphans += 1
                    problems.append(f"letter file no rendered letter names: {os.path.join(rel, name)}")
            elif top in ("scans", "evidence"):
                if name.split(".")[0] not in documents:
                    orphans += 1
                    problems.append(f"stored file no document names: {os.path.join(rel, name)}")
    for lid, (path, digest) in rendered.items():
        if not os.path.exists(path) or sha256(path) != digest:
            problems.append(f"letter {lid}: its file is missing or does not match its checksum")
    for digest, path in documents.items():
        if not os.path.exists(path) or sha256(path) != digest:
            problems.append(f"document {digest[:12]}…: its file is missing or does not match its checksum")
    set_aside = sum(len(n) for _, _, n in os.walk(os.path.join(data_dir, "orphaned")))
    return {"partial": partial, "orphans": orphans, "set_aside": set_aside}, problems[:20]


def jobs(db):
    """Jobs not finished: (waiting, parked)."""
    waiting = db.rows("SELECT COUNT(*) FROM jobs WHERE status IN ('queued', 'running')")[0][0]
    parked = db.rows("SELECT COUNT(*) FROM jobs WHERE status = 'parked'")[0][0]
    return int(waiting), int(parked)


def audit(server):
    """`pleadesk audit verify`: (ok, its line)."""
    done = server.run("audit", "verify", check=False)
    return done.returncode == 0, done.stdout.strip() or done.stderr.strip()
