"""Drives scripts/bench-scan-upload against a running server (standard library only).

    scan_upload.py BASE TOKEN DIR timed            upload-to-linked: 20 pages, then a 150-page batch
    scan_upload.py BASE TOKEN DIR memory PID       the server's peak memory while a ~25 MB scan is read

Scans are made from the server's own letters: a plea form is created for each ticket through
POST /api/v1/citations/{number}/letters, rasterised at 300 dpi with pdftoppm, rotated ±5°, given
noise and saved as JPEG (quality 50, or 95 for the heavy file), then wrapped with img2pdf.
"""

import json
import os
import subprocess
import sys
import time
import urllib.request
import uuid

BASE, TOKEN, DIR, MODE = sys.argv[1:5]
os.makedirs(DIR, exist_ok=True)


def call(method, path, body=None, content_type="application/json"):
    data = json.dumps(body).encode() if isinstance(body, (dict, list)) else body
    req = urllib.request.Request(BASE + path, data=data, method=method)
    req.add_header("Authorization", f"Bearer {TOKEN}")
    if data is not None:
        req.add_header("Content-Type", content_type)
    with urllib.request.urlopen(req, timeout=600) as resp:
        return resp.read()


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
        return f.read()


def upload(pdf, name):
    boundary = uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
            "Content-Type: application/pdf\r\n\r\n").encode() + pdf + f"\r\n--{boundary}--\r\n".encode()
    return json.loads(call("POST", "/api/v1/scans", body, f"multipart/form-data; boundary={boundary}"))


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
    twenty = [p1 for p1, _ in forms[:20]]
    batch = [page for p1, p2 in forms for page in (p1, p2, check)]
    for label, images in (("20-page scanned PDF", twenty), ("150-page batch", batch)):
        pdf = pdf_of(images, f"{len(images)}.pdf")
        start = time.monotonic()
        answer = upload(pdf, f"{len(images)}.pdf")
        batch_view = json.loads(call("GET", f"/api/v1/scans/{answer['document_id']}"))
        secs = time.monotonic() - start
        envelopes = batch_view.get("envelopes") or answer.get("envelopes") or []
        linked = sum(1 for e in envelopes if e.get("citation_number"))
        zbar, zbar_found = zbar_rate(images)
        print(f"{label}: {answer['pages']} pages ({len(pdf) / 1048576:.1f} MB), {len(envelopes)} envelopes, "
              f"{linked} linked, upload to linked {secs:.2f} s ({answer['pages'] / secs:.1f} pages/s); "
              f"zbarimg alone on the same pages {zbar:.2f} pages/s ({zbar_found} codes) -> "
              f"{answer['pages'] / secs / zbar:.1f}x zbarimg's pages/s")
elif MODE == "memory":
    pid = int(sys.argv[5])
    forms = page_images(12, 95)
    images, size = [], 0
    while size < 24 * 1048576:
        page = forms[len(images) % len(forms)][len(images) % 2]
        images.append(page)
        size += os.path.getsize(page)
    pdf = pdf_of(images, "heavy.pdf")
    before = vm_hwm_mb(pid)
    start = time.monotonic()
    answer = upload(pdf, "heavy.pdf")
    secs = time.monotonic() - start
    print(f"25 MB scan: {len(pdf) / 1048576:.1f} MB, {answer['pages']} pages in {secs:.1f} s; "
          f"server peak RSS {before:.0f} MB before the upload, {vm_hwm_mb(pid):.0f} MB after (target < 300 MB)")
