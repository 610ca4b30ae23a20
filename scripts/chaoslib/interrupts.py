"""SIGKILL in the middle of three long operations — a citation import, a mail run, a scan
upload — at a random moment, then a look at what is visible: each is all or nothing, and after
the next start-up nothing half-done is left. Each returns (what happened, problems)."""

import glob
import hashlib
import os
import re
import subprocess
import threading
import time

from .checks import audit
from .load import write_citations


def _count(db, sql):
    return int(db.rows(sql)[0][0])


def _kill_when(proc, ready, rnd, poll=0.005, jitter=0.05):
    """Polls `ready()` while `proc` runs; kills it (SIGKILL) within `jitter` seconds after it
    turns true. True if the process was killed, False if it finished first."""
    while proc.poll() is None:
        if ready():
            time.sleep(rnd.uniform(0, jitter))
            proc.kill()
            proc.wait()
            return True
        time.sleep(poll)
    return False


class _Serve:
    """Adapts the server to `_kill_when`."""

    def __init__(self, server):
        self.server = server

    def poll(self):
        return None if self.server.running() else self.server.proc.returncode

    def kill(self):
        self.server.kill()

    def wait(self):
        pass


def citation_import(server, db, work, today, rnd, count=3000):
    """`pleadesk import citations` killed after a random number of its batches committed: every
    citation is there with all its charges or not at all, the audit trail holds, and the same
    file imported again brings in exactly the rest."""
    path = os.path.join(work, "interrupted-import.csv")
    write_citations(path, "IM", count, charges=2, today=today)
    imported = "SELECT COUNT(*) FROM citations WHERE citation_number LIKE 'IM-%'"
    target = rnd.randint(1, count * 4 // 5)
    proc = server.popen("import", "citations", path)
    cut = _kill_when(proc, lambda: _count(db, imported) >= target, rnd)
    committed = _count(db, imported)
    problems = [
        f"{n}: {k} of its 2 charges imported"
        for n, k in db.rows(
            "SELECT c.citation_number, COUNT(ch.id) FROM citations c LEFT JOIN charges ch ON ch.citation_id = c.id "
            "WHERE c.citation_number LIKE 'IM-%' GROUP BY c.citation_number HAVING COUNT(ch.id) <> 2"
        )[:10]
    ]
    ok, line = audit(server)
    if not ok:
        problems.append(f"after the killed import: {line}")
    again = server.run("import", "citations", path, check=False)
    m = re.search(r"citations: (\d+) imported, (\d+) updated, (\d+) unchanged; (\d+) rows rejected", again.stdout)
    if again.returncode != 0 or not m:
        problems.append(f"importing the file again failed: {again.stdout.strip()} {again.stderr.strip()}")
    elif tuple(map(int, m.groups())) != (count - committed, 0, committed, 0):
        problems.append(f"importing the file again after {committed} committed: {m.group(0)}")
    what = f"import killed at {committed} of {count} citations" if cut else "import finished before the kill"
    return what, problems


def mail_run(server, db, token, rnd):
    """The server killed while it writes the mail run (`POST /api/v1/letters/print-run`): after
    the next start-up either no letter is marked printed and no run file exists, or every
    queued letter is marked printed and the run file is there whole — never letters marked
    printed without their PDF, never a half-written file."""
    runs = os.path.join(server.data_dir, "print-runs")
    queued_sql = "SELECT COUNT(*) FROM letters WHERE status = 'queued'"
    queued = _count(db, queued_sql)
    if queued == 0:
        return "mail run: no queued letters to print", ["the load left no letter for the mail run"]
    size = sum(os.path.getsize(p) for (p,) in db.rows("SELECT storage_path FROM letters WHERE status = 'queued'"))
    before = set(glob.glob(os.path.join(runs, "*.pdf")))
    # Half the time while the file is being written (at a random share of its size), half the
    # time as soon as the letters are seen marked printed: between that commit and the rename.
    fraction = rnd.uniform(0.02, 1.0) if rnd.random() < 0.5 else None

    def ready():
        if fraction is None:
            return _count(db, queued_sql) < queued
        partials = [p for p in glob.glob(os.path.join(runs, ".*.partial")) if os.path.exists(p)]
        return max((os.path.getsize(p) for p in partials), default=0) >= fraction * size

    answer = {}

    def post():
        try:
            answer["status"], _ = server.request("POST", "/api/v1/letters/print-run", headers=_bearer(token), timeout=600)
        except OSError as e:
            answer["error"] = str(e)

    t = threading.Thread(target=post)
    t.start()
    cut = _kill_when(_Serve(server), ready, rnd, poll=0.001, jitter=0.05 if fraction else 0)
    t.join()
    if server.running():  # the run finished before the kill
        server.stop()
    marked = queued - _count(db, queued_sql)
    server.start()  # the start-up sweep
    server.stop()
    made = set(glob.glob(os.path.join(runs, "*.pdf"))) - before
    problems = []
    if marked not in (0, queued):
        problems.append(f"{marked} of {queued} letters marked printed")
    if marked == queued and len(made) != 1:
        problems.append(f"{queued} letters marked printed but {len(made)} mail run files")
    for run in made:
        if subprocess.run(["pdfinfo", run], capture_output=True).returncode != 0:
            problems.append(f"the mail run {os.path.basename(run)} is not a whole PDF")
    if marked == 0 and made:
        problems.append(f"a mail run file for letters not marked printed: {sorted(made)}")
    if glob.glob(os.path.join(runs, ".*.partial")):
        problems.append("a half-written mail run is left after the start-up sweep")
    if marked == 0:
        server.start()
        status, _ = server.request("POST", "/api/v1/letters/print-run", headers=_bearer(token), timeout=600)
        server.stop()
        if status != 200 or _count(db, queued_sql) != 0:
            problems.append(f"the mail run after the kill answered {status}")
    if cut:
        what = f"mail run killed with {marked} of {queued} letters marked"
    else:
        what = f"mail run finished before the kill ({answer})"
    return what, problems


def _bearer(token):
    return {"Authorization": f"Bearer {token}"}


def make_scan(db, work, letters=4):
    """A scanned PDF of some of our own letters (pages with their QR codes), 100 dpi greyscale."""
    rows = db.rows(f"SELECT storage_path FROM letters WHERE storage_path IS NOT NULL ORDER BY id LIMIT {letters}")
    paths = [p for (p,) in rows]
    pages = []
    for i, p in enumerate(paths):
        prefix = os.path.join(work, f"scan-{i}")
        subprocess.run(["pdftoppm", "-r", "100", "-gray", "-jpeg", p, prefix], check=True)
        pages += sorted(glob.glob(prefix + "*.jpg"))
    out = os.path.join(work, "scan.pdf")
    subprocess.run(["img2pdf", *pages, "-o", out], check=True)
    return out, len(pages)


def scan_upload(server, db, work, token, rnd):
    """The server killed while it reads and records a scan upload (after a random number of its
    pages): after the next start-up the scan is either recorded with its file and every page,
    or not at all and no file of it is left; the same upload then records it whole."""
    path, pages = make_scan(db, work)
    with open(path, "rb") as f:
        data = f.read()
    sha = hashlib.sha256(data).hexdigest()
    boundary = "chaos" + sha[:16]
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="scan.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode() + data + f"\r\n--{boundary}--\r\n".encode()
    headers = dict(_bearer(token), **{"Content-Type": f"multipart/form-data; boundary={boundary}"})
    previews = os.path.join(server.data_dir, "scans", "pages", sha)
    after_pages = rnd.randint(0, pages)

    def upload(into):
        try:
            into["status"], into["body"] = server.request("POST", "/api/v1/scans", body, headers, timeout=600)
        except OSError as e:
            into["error"] = str(e)

    server.start()
    answer = {}
    t = threading.Thread(target=upload, args=(answer,))
    t.start()
    def read_enough():
        return len(glob.glob(os.path.join(previews, "*-page.jpg"))) >= after_pages

    cut = _kill_when(_Serve(server), read_enough, rnd, poll=0.002)
    t.join()
    if server.running():
        server.stop()
    recorded = _count(db, f"SELECT COUNT(*) FROM documents WHERE sha256 = '{sha}'")
    server.start()  # the start-up sweep
    problems = []
    if recorded:
        batch = db.rows(
            f"SELECT b.pages FROM scan_batches b JOIN documents d ON d.id = b.document_id WHERE d.sha256 = '{sha}'"
        )
        if batch != [(str(pages),)]:
            problems.append(f"the scan is recorded without its {pages} pages: {batch}")
    elif os.path.exists(previews) or glob.glob(os.path.join(server.data_dir, "scans", sha[:2], sha + ".*")):
        problems.append("files of a scan that was not recorded are left after the start-up sweep")
    again = {}
    upload(again)
    server.stop()
    if again.get("status") not in (200, 201) or again["body"].get("pages") != pages:
        problems.append(f"the upload after the kill answered {again.get('status')}: {str(again.get('body'))[:200]}")
    what = (f"scan upload killed after {after_pages} of {pages} pages read, {'recorded' if recorded else 'not recorded'}"
            if cut else "scan upload finished before the kill")
    return what, problems
