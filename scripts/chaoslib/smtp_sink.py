"""A real SMTP server (aiosmtpd) that counts what it receives by Message-ID. Down (not listening)
until `start`, as a mail server that is out for the first part of the run."""

import collections
import threading
from email.parser import BytesHeaderParser


class Sink:
    def __init__(self, port):
        self.port = port
        self.received = collections.Counter()
        self._lock = threading.Lock()
        self._controller = None

    async def handle_DATA(self, server, session, envelope):
        headers = BytesHeaderParser().parsebytes(envelope.original_content or envelope.content)
        with self._lock:
            self.received[(headers.get("Message-ID") or "").strip()] += 1
        return "250 Message accepted for delivery"

    def start(self):
        from aiosmtpd.controller import Controller

        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    @property
    def up(self):
        return self._controller is not None

    def counts(self):
        with self._lock:
            return dict(self.received)

    def stop(self):
        if self._controller is not None:
            self._controller.stop()
            self._controller = None
