"""A loopback receiver for the webhooks the fake sends, checking Zoom's signature."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.fake_zoom._seed import JSON, hook_path

WEBHOOK_WAIT = 5.0


# --------------------------------------------------------------------------------------------
# Webhook receiver: a loopback ThreadingHTTPServer collecting (path, headers, raw body).
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Delivery:
    """One webhook POST as the receiver saw it."""

    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> JSON:
        """The parsed JSON body."""
        parsed: JSON = json.loads(self.body)
        return parsed

    @property
    def event(self) -> str:
        """The ``event`` field of the body."""
        return str(self.json.get("event"))


def zoom_signature(secret: str, timestamp: str, body: bytes) -> str:
    """Zoom's webhook signature: ``v0=`` + hex HMAC-SHA256(secret, ``v0:{ts}:{body}``)."""
    message = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


class HookReceiver:
    """Collects webhook deliveries posted to a loopback HTTP server."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._deliveries: list[Delivery] = []
        self.answer: Callable[[Delivery], tuple[int, bytes]] | None = None
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length)
                headers = {k.lower(): v for k, v in self.headers.items()}
                delivery = Delivery(self.path, headers, body)
                with receiver._lock:
                    receiver._deliveries.append(delivery)
                    answer = receiver.answer
                status, content = answer(delivery) if answer is not None else (200, b"")
                self.send_response(status)
                self.send_header("content-length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

            def log_message(self, format: str, *args: Any) -> None:
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        self.base = f"http://127.0.0.1:{self._server.server_address[1]}"

    def url(self, name: str) -> str:
        """The absolute URL of ``hook_path(name)``."""
        return self.base + hook_path(name)

    def clear(self) -> None:
        """Forget everything received so far, and answer 200 again."""
        with self._lock:
            self._deliveries.clear()
            self.answer = None

    def all(self) -> list[Delivery]:
        """Everything received so far, in order."""
        with self._lock:
            return list(self._deliveries)

    def wait_for(
        self, predicate: Callable[[Delivery], bool], *, timeout: float = WEBHOOK_WAIT
    ) -> Delivery:
        """The first delivery matching ``predicate``; fails after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            for delivery in self.all():
                if predicate(delivery):
                    return delivery
            if time.monotonic() >= deadline:
                seen = [(d.path, d.body[:200]) for d in self.all()]
                raise AssertionError(f"no matching webhook within {timeout}s; got {seen}")
            time.sleep(0.02)

    def close(self) -> None:
        """Stop the server."""
        self._server.shutdown()
        self._server.server_close()
