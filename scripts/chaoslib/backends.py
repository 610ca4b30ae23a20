"""The database a crash test runs on: embedded SQLite, or a throwaway PostgreSQL cluster of its
own (initdb + pg_ctl on a free port in a temporary folder) that the test restarts as if it had
crashed. The machine's shared cluster is never touched."""

import glob
import os
import pwd
import shutil
import socket
import sqlite3
import subprocess
import tempfile


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Unavailable(Exception):
    """This backend cannot run on this machine (said why)."""


class Sqlite:
    name = "sqlite"

    def __init__(self, work):
        self.path = os.path.join(work, "chaos.db")
        self.url = f"sqlite://{self.path}"

    def rows(self, sql):
        """The rows of a query, every value as text (None for NULL)."""
        con = sqlite3.connect(self.path, timeout=60)
        try:
            return [tuple(None if v is None else str(v) for v in row) for row in con.execute(sql)]
        finally:
            con.close()

    def restart(self):
        raise NotImplementedError("SQLite is embedded: it goes down with the server")

    def close(self):
        pass


NULL = "\x1e"  # how psql is told to print NULL (a control character no value holds)
SEP = "\x1f"


class Postgres:
    """A PostgreSQL cluster made for this run (as the postgres user when run as root, since
    initdb refuses root), removed at the end."""

    name = "postgres"

    def __init__(self):
        initdbs = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
        if not initdbs:
            raise Unavailable("no PostgreSQL server programs in /usr/lib/postgresql/*/bin")
        self.bin = os.path.dirname(initdbs[-1])
        self.dir = tempfile.mkdtemp(prefix="pleadesk-chaos-pg-")
        self.as_user = []
        if os.geteuid() == 0:
            try:
                pw = pwd.getpwnam("postgres")
            except KeyError:
                raise Unavailable("running as root and there is no postgres user to run initdb as")
            os.chown(self.dir, pw.pw_uid, pw.pw_gid)
            self.as_user = ["runuser", "-u", "postgres", "--"]
        self.data = os.path.join(self.dir, "data")
        self.port = free_port()
        self._pg(["initdb", "-D", self.data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"])
        opts = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1"
        self._pg(["pg_ctl", "-D", self.data, "-l", os.path.join(self.dir, "log"), "-w", "-o", opts, "start"])
        self.psql_url = f"postgres://postgres@127.0.0.1:{self.port}/postgres"
        subprocess.run(["psql", "-X", "-q", self.psql_url, "-c", "CREATE DATABASE pleadesk"], check=True)
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/pleadesk"

    def _pg(self, args):
        cmd = self.as_user + [os.path.join(self.bin, args[0])] + args[1:]
        done = subprocess.run(cmd, capture_output=True, text=True)
        if done.returncode != 0:
            raise Unavailable(f"{args[0]} failed: {done.stderr.strip() or done.stdout.strip()}")

    def rows(self, sql):
        out = subprocess.run(
            ["psql", "-X", "-q", "-A", "-t", "-F", SEP, "-P", f"null={NULL}", self.url, "-c", sql],
            capture_output=True, text=True, check=True,
        ).stdout
        return [tuple(None if v == NULL else v for v in line.split(SEP)) for line in out.split("\n") if line]

    def restart(self):
        """An immediate shutdown (no checkpoint: crash recovery at start) and a start."""
        self._pg(["pg_ctl", "-D", self.data, "-l", os.path.join(self.dir, "log"), "-m", "immediate", "-w", "restart"])

    def close(self):
        try:
            self._pg(["pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop"])
        except Unavailable:
            pass
        shutil.rmtree(self.dir, ignore_errors=True)
