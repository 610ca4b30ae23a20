"""The pleadesk binary against one database and data folder: `serve` as a child process that
the test kills (SIGKILL) and starts again, and the one-shot commands."""

import http.client
import json
import os
import signal
import subprocess
import time

from .backends import free_port

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class Pleadesk:
    def __init__(self, binary, database_url, work, smtp_port):
        self.binary = binary
        self.port = free_port()
        self.data_dir = os.path.join(work, "data")
        self.log_path = os.path.join(work, "serve.log")
        self.env = dict(
            os.environ,
            DATABASE_URL=database_url,
            PLEADESK_DATA_DIR=self.data_dir,
            PLEADESK_BIND=f"127.0.0.1:{self.port}",
            PLEADESK_SMTP_URL=f"smtp://127.0.0.1:{smtp_port}",
            PLEADESK_LOOKUP_PER_MINUTE="1000000000",
            PLEADESK_WORKER_INTERVAL_SECS="1",
            RUST_LOG="warn,pleadesk::services::sweep=info",
        )
        self.proc = None
        self.starts = 0

    def start(self, timeout=180):
        """Starts `serve` and waits until /healthz answers 200."""
        log = open(self.log_path, "a")
        log.write(f"---- start {self.starts + 1}\n")
        log.flush()
        self.proc = subprocess.Popen([self.binary, "serve"], env=self.env, cwd=REPO, stdout=log, stderr=log)
        log.close()
        self.starts += 1
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"pleadesk serve exited with {self.proc.returncode}; see {self.log_path}")
            try:
                status, _ = self.request("GET", "/healthz", timeout=2)
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"pleadesk serve did not answer within {timeout} s; see {self.log_path}")

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def kill(self):
        """SIGKILL: no request finishes, no file is closed, no transaction is rolled back."""
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        """SIGTERM: requests in flight finish, the worker stops."""
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=120)

    def request(self, method, path, body=None, headers=None, timeout=30):
        """One request on a fresh connection: (status, parsed JSON body or raw bytes)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            data = resp.read()
            kind = resp.getheader("content-type") or ""
            return resp.status, (json.loads(data) if kind.startswith("application/json") else data)
        finally:
            conn.close()

    def run(self, *args, check=True):
        """A one-shot command (`pleadesk ARGS`), its output captured."""
        done = subprocess.run([self.binary, *args], env=self.env, cwd=REPO, capture_output=True, text=True)
        if check and done.returncode != 0:
            raise RuntimeError(f"pleadesk {' '.join(args)} failed ({done.returncode}): {done.stderr.strip()}")
        return done

    def popen(self, *args):
        """A one-shot command left running (to be killed); its output is not kept."""
        return subprocess.Popen(
            [self.binary, *args], env=self.env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
