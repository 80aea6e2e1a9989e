"""A local stand-in for an SMS provider's message API, Twilio's shape: on 127.0.0.1 and a free
port, it records every request and answers as Twilio does — 201 with the message, 401 for
wrong credentials, 400 with Twilio's error body for a number it cannot reach.

Twilio's answers: https://www.twilio.com/docs/messaging/api/message-resource (create) and
https://www.twilio.com/docs/api/errors/21211 (invalid 'To' number)."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import attrs

ACCOUNT = "AC0123456789abcdef0123456789abcdef"
TOKEN = "sms-auth-token-0123456789"
UNREACHABLE = "+15005550001"  # the number Twilio's test credentials call invalid


@attrs.frozen
class SMSRequest:
    """One request the server received."""

    method: str
    path: str
    headers: dict[str, str]
    form: dict[str, str]
    login: tuple[str, str] | None


def _login(header: str | None) -> tuple[str, str] | None:
    if not header or not header.startswith("Basic "):
        return None
    user, _, password = base64.b64decode(header[6:]).decode().partition(":")
    return user, password


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: object) -> None:
        """Keep the test output quiet."""

    def _answer(self, status: int, body: dict[str, object]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:
        """Twilio's create-message endpoint."""
        length = int(self.headers.get("Content-Length", "0"))
        form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
        login = _login(self.headers.get("Authorization"))
        request = SMSRequest("POST", self.path, dict(self.headers.items()), form, login)
        self.server.requests.append(request)
        if login != (ACCOUNT, TOKEN):
            self._answer(401, {"code": 20003, "message": "Authenticate", "status": 401})
        elif self.path != f"/2010-04-01/Accounts/{ACCOUNT}/Messages.json":
            self._answer(404, {"code": 20404, "message": "Not found", "status": 404})
        elif form.get("To") == UNREACHABLE:
            message = f"The 'To' number {UNREACHABLE} is not a valid phone number."
            self._answer(400, {"code": 21211, "message": message, "status": 400})
        else:
            sid = f"SM{len(self.server.requests):032x}"
            self._answer(201, {"sid": sid, "status": "queued", "to": form.get("To")})


class _Server(ThreadingHTTPServer):
    requests: list[SMSRequest]


@contextmanager
def sms_server() -> Iterator[tuple[str, list[SMSRequest]]]:
    """The server's base URL and the list it records requests in."""
    server = _Server(("127.0.0.1", 0), _Handler)
    server.requests = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", server.requests
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
