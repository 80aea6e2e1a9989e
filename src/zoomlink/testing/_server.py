"""Serving the fake on a real loopback socket, in a background thread."""

from __future__ import annotations

import contextlib
import logging
import socket
import sys
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, cast

import httpx

from ._wire import json_response

App = Callable[[httpx.Request], httpx.Response]
_HOP_BY_HOP = frozenset({"connection", "content-length", "keep-alive", "transfer-encoding"})
_log = logging.getLogger("zoomlink.testing")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    # Zoom's front end takes a burst of new connections; socketserver's default queue of 5
    # makes the kernel drop the handshakes beyond it, and each such client waits a second
    # for its retransmit, a stall no real Zoom client sees.
    request_queue_size = socket.SOMAXCONN

    def __init__(self, address: tuple[str, int], app: App) -> None:
        self.app = app
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        super().__init__(address, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._open_lock:
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that went away (a killed worker, a timed-out request) is routine here, as
        # it is for Zoom: its answer is dropped quietly. Anything else is reported as usual.
        if isinstance(sys.exc_info()[1], ConnectionError):
            _log.debug("client %s went away before its answer", client_address)
            return
        super().handle_error(request, client_address)

    def close_connections(self) -> None:
        """Close the kept-alive connections too, so a closed server answers nothing."""
        with self._open_lock:
            sockets, self._open = list(self._open), set()
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def do_GET(self) -> None:
        self._answer()

    do_POST = do_PATCH = do_PUT = do_DELETE = do_OPTIONS = do_HEAD = do_GET

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the fake's journal records requests."""

    def _read_body(self) -> bytes:
        if self.headers.get("transfer-encoding", "").lower() == "chunked":
            chunks: list[bytes] = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("content-length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _answer(self) -> None:
        server = cast(_Server, self.server)
        body = self._read_body()
        host = self.headers.get("host") or "{}:{}".format(*server.server_address[:2])
        headers = [(k, v) for k, v in self.headers.items() if k.lower() != "transfer-encoding"]
        request = httpx.Request(
            self.command, f"http://{host}{self.path}", headers=headers, content=body
        )
        try:
            response = server.app(request)
        except httpx.RemoteProtocolError:
            self.close_connection = True  # a dropped connection: no answer at all
            return
        except Exception as error:
            _log.exception("the fake Zoom failed on %s %s", self.command, self.path)
            response = json_response(500, {"code": 500, "message": f"Fake Zoom error: {error!r}"})
        content = response.content
        self.send_response(response.status_code)
        for key, value in response.headers.multi_items():
            if key.lower() not in _HOP_BY_HOP:
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(content)


class FakeZoomServer:
    """A fake Zoom served on ``http://HOST:PORT`` by a daemon thread (a context manager).

    OAuth (``/oauth/...``), the API (``/v2/...``) and the controls (``/_fake/...``) share the
    one base URL `url`.
    """

    def __init__(self, app: App, host: str = "127.0.0.1", port: int = 0) -> None:
        self._server = _Server((host, port), app)
        address = self._server.server_address
        self.host: str = str(address[0])
        self.port: int = int(address[1])
        self._closed = False
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"fake-zoom-{self.port}",
            daemon=True,
        )
        self._thread.start()

    @property
    def url(self) -> str:
        """The base URL, e.g. ``http://127.0.0.1:8765``."""
        return f"http://{self.host}:{self.port}"

    def close(self) -> None:
        """Stop serving and close every connection (idempotent)."""
        if self._closed:
            return
        self._closed = True
        self._server.shutdown()
        self._server.server_close()
        self._server.close_connections()
        self._thread.join()

    def __enter__(self) -> FakeZoomServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<FakeZoomServer {self.url}{' closed' if self._closed else ''}>"
