"""Drives scripts/bench-scan-upload against a running server (standard library only).

    scan_upload.py BASE TOKEN DIR timed            upload-to-linked: 20 pages, then a 150-page batch
    scan_upload.py BASE TOKEN DIR memory PID       the server's peak memory while a ~25 MB scan is read

Scans are made from the server's own letters: a plea form is created for each ticket through
POST /api/v1/citations/{number}/letters, rasterised at 300 dpi with pdftoppm, rotated ±5°, given
noise and saved as JPEG (quality 50, or 95 for the heavy file), then wrapped with img2pdf.
The server takes at most 25 MB a file and 10 files an upload (MAX_SCAN_BYTES, MAX_FILES in the
code): at 300 dpi the 150-page batch is about 43 MB, so it is sent as one upload of as few files
as keep each within the limit, no envelope split between two; the heavy file is filled to just
under the limit.
"""

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid

BASE, TOKEN, DIR, MODE = sys.argv[1:5]
os.makedirs(DIR, exist_ok=True)
MB = 1048576
# The server's limits on an upload: bytes a file, files an upload. A PDF is kept a little under
# the byte limit for img2pdf's own bytes around the pages.
MAX_SCAN_BYTES, MAX_FILES, PDF_ROOM = 25 * MB, 10, MB


def call(method, path, body=None, content_type="application/json"):
    data = json.dumps(body).encode() if isinstance(body, (dict, list)) else body
    req = urllib.request.Request(BASE + path, data=data, method=method)
    req.add_header("Authorization", f"Bearer {TOKEN}")
    if data is not None:
        req.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(req, timeout=600) as resp:
            return resp.read()
    except urllib.error.HTTPError as e:
        sys.exit(f"error: {method} {path} answered {e.code}: {e.read().decode(errors='replace')[:500]}")


def page_images(n, quality):
    """JPEG pages of n plea forms (page 1 and 2 of each): [(page1, page2)]."""
    out = []
    for i in range(1, n + 1):
        stem = os.path.join(DIR, f"q{quality}-{i}")
        if not os.path.exists(f"{stem}-2.jpg"):
            number = f"SU-{i:07d}"
            letter = json.loads(call("POST", f"/api/v1/citations/{number}/letters", {"type": "plea_form"}))
            pdf = call("GET", f"/api/v1/letters/{letter['id']}/pdf")
            with open(f"{stem}.pdf", "wb") as f:
                f.write(pdf)
            subprocess.run(["pdftoppm", "-gray", "-png", "-r", "300", "-l", "2", f"{stem}.pdf", stem], check=True)
            for p in (1, 2):
                angle = [-5, -2.5, 0, 2.5, 5][(i + p) % 5]
                png = f"{stem}-{p}.png" if os.path.exists(f"{stem}-{p}.png") else f"{stem}-0{p}.png"
                subprocess.run(["convert", png, "-background", "white", "-rotate", str(angle), "+repage",
                                "-attenuate", "0.4", "+noise", "Gaussian", "-colorspace", "Gray",
                                "-quality", str(quality), f"{stem}-{p}.jpg"], check=True)
        out.append((f"{stem}-1.jpg", f"{stem}-2.jpg"))
    return out


def check_page():
    """A page without a code: a 'check' enclosed with the plea."""
    path = os.path.join(DIR, "check.jpg")
    if not os.path.exists(path):
        subprocess.run(["convert", "-size", "2550x3300", "xc:white", "-fill", "black", "-pointsize", "60",
                        "-draw", "text 300,600 'PAY TO THE ORDER OF THE COURT  $100.00'",
                        "-attenuate", "0.4", "+noise", "Gaussian", "-colorspace", "Gray", "-quality", "50", path],
                       check=True)
    return path


def pdf_of(images, name):
    path = os.path.join(DIR, name)
    subprocess.run(["img2pdf", *images, "-o", path], check=True)
    with open(path, "rb") as f:
        pdf = f.read()
    if len(pdf) > MAX_SCAN_BYTES:
        sys.exit(f"error: {name} is {len(pdf) / MB:.1f} MB, over the server's {MAX_SCAN_BYTES // MB} MB a file")
    return pdf


def files_of(envelopes):
    """The envelopes' pages in as few files as keep each within the limit, in order, no envelope
    split between two: [[page, ...], ...]."""
    files, size = [[]], 0
    for pages in envelopes:
        more = sum(os.path.getsize(p) for p in pages)
        if files[-1] and size + more > MAX_SCAN_BYTES - PDF_ROOM:
            files.append([])
            size = 0
        files[-1].extend(pages)
        size += more
    if len(files) > MAX_FILES:
        sys.exit(f"error: the pages need {len(files)} files, more than the {MAX_FILES} one upload takes")
    return files


def upload(pdfs):
    """One upload of the files [(name, pdf)]: each file's batch, in order."""
    boundary = uuid.uuid4().hex
    body = b""
    for name, pdf in pdfs:
        body += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
                 "Content-Type: application/pdf\r\n\r\n").encode() + pdf + b"\r\n"
    body += f"--{boundary}--\r\n".encode()
    answer = json.loads(call("POST", "/api/v1/scans", body, f"multipart/form-data; boundary={boundary}"))
    # One file answers its batch; several answer {"uploads": [batch, ...]}.
    return answer["uploads"] if "uploads" in answer else [answer]


def zbar_rate(images):
    start = time.monotonic()
    out = subprocess.run(["zbarimg", "-q", "--raw", "-Sdisable", "-Sqrcode.enable", *images],
                         capture_output=True, text=True).stdout
    secs = time.monotonic() - start
    return len(images) / secs, sum(1 for line in out.splitlines() if line.startswith("PLEADESK"))


def vm_hwm_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


if MODE == "timed":
    forms = page_images(50, 50)
    check = check_page()
    twenty = [[p1] for p1, _ in forms[:20]]
    batch = [[p1, p2, check] for p1, p2 in forms]
    for label, envelopes in (("20-page scanned PDF", twenty), ("150-page batch", batch)):
        images = [page for pages in envelopes for page in pages]
        pdfs = [(f"{len(images)}-{k + 1}.pdf", pdf_of(pages, f"{len(images)}-{k + 1}.pdf"))
                for k, pages in enumerate(files_of(envelopes))]
        start = time.monotonic()
        answers = upload(pdfs)
        views = [json.loads(call("GET", f"/api/v1/scans/{a['document_id']}")) for a in answers]
        secs = time.monotonic() - start
        pages = sum(v["pages"] for v in views)
        found = [e for v in views for e in v["envelopes"]]
        linked = sum(1 for e in found if e["citation_number"])
        size = sum(len(pdf) for _, pdf in pdfs) / MB
        sent = f"{size:.1f} MB" if len(pdfs) == 1 else f"{size:.1f} MB in {len(pdfs)} files of one upload"
        zbar, zbar_found = zbar_rate(images)
        print(f"{label}: {pages} pages ({sent}), {len(found)} envelopes, {linked} linked (of {len(envelopes)} "
              f"sent), upload to linked {secs:.2f} s ({pages / secs:.1f} pages/s); zbarimg alone on the same "
              f"pages {zbar:.2f} pages/s ({zbar_found} codes) -> {pages / secs / zbar:.1f}x zbarimg's pages/s")
elif MODE == "memory":
    pid = int(sys.argv[5])
    forms = page_images(12, 95)
    # As many pages as keep the file within the server's limit.
    images, size = [], 0
    while True:
        page = forms[len(images) % len(forms)][len(images) % 2]
        if size + os.path.getsize(page) > MAX_SCAN_BYTES - PDF_ROOM:
            break
        images.append(page)
        size += os.path.getsize(page)
    pdf = pdf_of(images, "heavy.pdf")
    before = vm_hwm_mb(pid)
    start = time.monotonic()
    [answer] = upload([("heavy.pdf", pdf)])
    secs = time.monotonic() - start
    print(f"scan near the 25 MB limit: {len(pdf) / MB:.1f} MB, {answer['pages']} pages in {secs:.1f} s; "
          f"server peak RSS {before:.0f} MB before the upload, {vm_hwm_mb(pid):.0f} MB after (target < 300 MB)")
