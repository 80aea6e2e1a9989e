"""How fast the fake Zoom answers over a loopback socket, with and without Nagle's algorithm.

The socket fake keeps connections alive; without ``disable_nagle_algorithm`` each kept-alive
response can stall for the peer's delayed ACK (~40 ms). This prints requests per second for
``GET /v2/users/me`` over one keep-alive connection both ways, side by side, and the in-process
transport for reference. Figures are printed, never asserted:

    python benchmarks/fake_zoom_keepalive.py [REQUESTS] [--quick]

``--quick`` runs tiny sizes in a few seconds, to prove the benchmark still runs (the test suite
does); its figures mean nothing.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

import httpx
from _support import Figure, add_json_option, write_figures

from zoomlink import Endpoints, Pkce, ZoomAPI, ZoomApp
from zoomlink.testing import FakeZoom, _server

APP = ZoomApp(
    client_id="fake-user-app",
    client_secret="fake-user-secret",
    redirect_uri="http://127.0.0.1:8000/zoom/callback",
)


def _token(api: ZoomAPI, fake: FakeZoom) -> str:
    pkce = Pkce.new()
    url = api.authorization_url(state="bench", code_challenge=pkce.challenge)
    code = parse_qs(urlsplit(fake.approve(url, "u_owner")).query)["code"][0]
    return api.exchange_code(code, code_verifier=pkce.verifier).access_token


def _rate(requests: int, call: Callable[[], object]) -> float:
    call()  # warm the connection
    started = time.perf_counter()
    for _ in range(requests):
        call()
    return requests / (time.perf_counter() - started)


def _fake() -> FakeZoom:
    fake = FakeZoom()
    fake.seed(FakeZoom.default_seed())
    fake.configure(per_second_limits=False)
    return fake


def socket_rate(requests: int, *, nagle_disabled: bool) -> float:
    """Requests per second over one keep-alive connection to the socket fake."""
    _server._Handler.disable_nagle_algorithm = nagle_disabled
    try:
        fake = _fake()
        with fake.serve() as server, ZoomAPI(APP, endpoints=Endpoints.single(server.url)) as api:
            token = _token(api, fake)
            return _rate(requests, lambda: api.get_user(token))
    finally:
        _server._Handler.disable_nagle_algorithm = True


def in_process_rate(requests: int) -> float:
    """Requests per second through httpx.MockTransport."""
    fake = _fake()
    http = httpx.Client(transport=httpx.MockTransport(fake))
    with ZoomAPI(APP, http_client=http) as api:
        token = _token(api, fake)
        return _rate(requests, lambda: api.get_user(token))


def main() -> None:
    """Print the three rates side by side."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("requests", type=int, nargs="?", default=200, help="requests (200)")
    parser.add_argument(
        "--quick", action="store_true", help="tiny sizes: proves it runs, figures mean nothing"
    )
    add_json_option(parser)
    arguments = parser.parse_args()
    if arguments.requests < 1:
        parser.error("REQUESTS must be at least 1")
    if arguments.quick:
        print("Quick mode: tiny sizes, to prove the benchmark runs; the figures mean nothing.\n")
    requests: int = 20 if arguments.quick else arguments.requests
    rows = [
        ("socket, Nagle disabled (as shipped)", socket_rate(requests, nagle_disabled=True)),
        ("socket, Nagle enabled", socket_rate(requests, nagle_disabled=False)),
        ("in process (MockTransport)", in_process_rate(requests)),
    ]
    print(f"GET /v2/users/me, {requests} requests over one keep-alive connection")
    for label, rate in rows:
        print(f"  {label:<38} {rate:10.0f} req/s  {1000 / rate:8.2f} ms/request")
    figures = [Figure(f"{label}, rate", rate, "requests/s") for label, rate in rows]
    figures.append(Figure("Nagle disabled / enabled, rates", rows[0][1] / rows[1][1], "x"))
    write_figures(arguments.json, figures)


if __name__ == "__main__":
    main()
