"""The load: tickets to plead to, and threads that plead to them at full speed (or at a fixed
rate) — online through the public API and on paper through a clerk's token — each plea sent
with an Idempotency-Key and sent again with the same key until an answer comes. A plea counts as
acknowledged only when a 2xx answer was received."""

import collections
import datetime
import http.client
import itertools
import json
import threading
import time

COLUMNS = (
    "citation_number,agency,issued_at,location,officer_badge,court_date,first_name,middle_name,last_name,"
    "date_of_birth,address_line1,address_line2,city,state,postal_code,license_number,license_state,plate,"
    "plate_state,email,phone,language,charge_seq,offense_code,fine,points"
)
OFFENSES = ["42-4-604", "42-4-1101-B", "42-4-1101-C"]
BORN = "1980-01-01"
ONLINE, PAPER = "ON", "PA"


def number(prefix, n):
    return f"{prefix}-{n:07d}"


def write_citations(path, prefix, count, charges, today):
    """`count` tickets `PREFIX-0000001`… issued a week ago, open for pleas, `charges` by-mail
    charges each."""
    issued = today - datetime.timedelta(days=7)
    court = today + datetime.timedelta(days=60)
    with open(path, "w") as f:
        f.write(COLUMNS + "\n")
        for n in range(1, count + 1):
            for seq in range(1, charges + 1):
                f.write(
                    f"{number(prefix, n)},DPD,{issued}T10:00:00,Main St,P1,{court},Chaos,,Tester,{BORN},"
                    f"1 Main St,,Denver,CO,80202,,,,,,,en,{seq},{OFFENSES[seq - 1]},100.00,4\n"
                )


def with_email(n):
    """Even tickets give an email address (their receipt is emailed), odd ones do not (it is
    printed in the mail run)."""
    return n % 2 == 0


def plea_body(kind, n, today):
    body = {"citation_number": number(kind, n), "date_of_birth": BORN, "pleas": [{"charge_seq": 1, "plea": "guilty"}]}
    if kind == ONLINE:
        body.update(signature_name="Chaos Tester", attest=True)
    else:
        body.update(signed=True, postmark_date=str(today), channel="mail")
    if with_email(n):
        body["email"] = f"chaos.{kind.lower()}{n}@example.org"
    return body


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.acknowledged = {}  # citation number -> confirmation code of the 2xx
        self.refused = collections.Counter()  # (kind, status) of answers that were not 2xx nor retried
        self.retries = 0
        self.answered_5xx = 0  # of the retries: answers ≥ 500 (the rest: no answer on the connection)
        self.ran_out = False


class Limiter:
    """At most `rate` pleas a second over all threads (None: full speed)."""

    def __init__(self, rate):
        self.interval = 1.0 / rate if rate else 0.0
        self.next = time.time()
        self.lock = threading.Lock()

    def wait(self):
        if not self.interval:
            return
        with self.lock:
            slot = max(self.next, time.time())
            self.next = slot + self.interval
        time.sleep(max(0.0, slot - time.time()))


class Load:
    """`ports`: one node's port, or several nodes' (each thread starts on one and moves to the next
    when its node does not answer, as a load balancer would). Tickets `first`…`tickets` are used.
    With `forwarded`, each plea comes through a proxy for a client of its own (X-Forwarded-For),
    so that no client reaches the identity-check limit."""

    def __init__(self, ports, token, today, tickets, rate=None, online_threads=6, paper_threads=3, first=1, forwarded=False):
        self.ports = list(ports) if isinstance(ports, (list, tuple)) else [ports]
        self.token, self.today, self.tickets, self.forwarded = token, today, tickets, forwarded
        self.tally = Tally()
        self.limiter = Limiter(rate)
        self.counters = {ONLINE: itertools.count(first), PAPER: itertools.count(first)}
        self.stop_at = None
        kinds = [ONLINE] * online_threads + [PAPER] * paper_threads
        self.threads = [threading.Thread(target=self._worker, args=(k, i)) for i, k in enumerate(kinds)]

    def start(self, seconds):
        self.stop_at = time.time() + seconds
        for t in self.threads:
            t.start()

    def join(self):
        for t in self.threads:
            t.join()

    def _next(self, kind):
        with self.tally.lock:
            n = next(self.counters[kind])
        if n > self.tickets:
            self.tally.ran_out = True
            return None
        return n

    def _worker(self, kind, index):
        conn = None
        node = index % len(self.ports)
        path = "/api/v1/public/pleas" if kind == ONLINE else "/api/v1/submissions"
        while time.time() < self.stop_at:
            self.limiter.wait()
            n = self._next(kind)
            if n is None:
                return
            body = json.dumps(plea_body(kind, n, self.today))
            headers = {"Content-Type": "application/json", "Idempotency-Key": f"chaos-{kind}-{n}"}
            if kind == PAPER:
                headers["Authorization"] = f"Bearer {self.token}"
            if self.forwarded:
                headers["X-Forwarded-For"] = f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"
            # The same request, with the same key, until it is answered or the run is over.
            while time.time() < self.stop_at:
                try:
                    if conn is None:
                        conn = http.client.HTTPConnection("127.0.0.1", self.ports[node], timeout=30)
                    conn.request("POST", path, body=body, headers=headers)
                    resp = conn.getresponse()
                    answer = resp.read()
                except (OSError, http.client.HTTPException):
                    if conn is not None:
                        conn.close()
                    conn = None
                    node = (node + 1) % len(self.ports)  # the next node, as a load balancer would
                    self._retried()
                    continue
                if 200 <= resp.status < 300:
                    with self.tally.lock:
                        self.tally.acknowledged[number(kind, n)] = json.loads(answer)["confirmation"]
                    break
                if resp.status >= 500:  # the server or its database is going down or coming up
                    with self.tally.lock:
                        self.tally.answered_5xx += 1
                    self._retried()
                    continue
                with self.tally.lock:
                    self.tally.refused[(kind, resp.status, answer[:200])] += 1
                break

    def _retried(self):
        with self.tally.lock:
            self.tally.retries += 1
        time.sleep(0.05)
