"""The fake's loopback server takes a burst of connections the way Zoom's front end does."""

from __future__ import annotations

import socket
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from zoomlink.testing import FakeZoom

NETSTAT = Path("/proc/net/netstat")
CLIENTS = 200


def _listen_drops() -> int:
    """The kernel's count of connection handshakes dropped because a listen queue was full."""
    lines = NETSTAT.read_text(encoding="ascii").splitlines()
    for names, values in zip(lines[::2], lines[1::2], strict=True):
        if names.startswith("TcpExt:"):
            return int(dict(zip(names.split(), values.split(), strict=True))["ListenDrops"])
    raise AssertionError("no TcpExt counters in /proc/net/netstat")


@pytest.mark.skipif(not NETSTAT.exists(), reason="the kernel's TCP counters are Linux's")
def test_a_burst_of_connections_loses_no_handshake() -> None:
    """200 clients connecting at once are all answered, and the kernel drops none of their
    handshakes (with socketserver's default queue of 5 it dropped about a quarter, and each of
    those clients waited a second for its retransmit)."""
    fake = FakeZoom()
    answers: list[bytes] = []
    with fake.serve() as server:
        address = urlsplit(server.url)
        assert address.hostname is not None
        assert address.port is not None
        target = (address.hostname, address.port)

        def ask() -> None:
            with socket.create_connection(target, timeout=10) as sock:
                sock.sendall(
                    b"GET /v2/users/me HTTP/1.1\r\nHost: zoom\r\nConnection: close\r\n\r\n"
                )
                answers.append(sock.recv(12))

        before = _listen_drops()
        clients = [threading.Thread(target=ask) for _ in range(CLIENTS)]
        for client in clients:
            client.start()
        for client in clients:
            client.join()
        dropped = _listen_drops() - before
    assert answers == [b"HTTP/1.1 401"] * CLIENTS
    assert dropped == 0
