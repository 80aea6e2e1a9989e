"""The recorder end to end: a whole ZoomLink scenario recorded against the socket fake, no
secret the fake or zoomlink made in the cassette, and the scenario replayed with no network."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import attrs
import httpx
import pytest

from zoomlink import (
    Actor,
    Booking,
    Endpoints,
    EventType,
    Keyring,
    Participant,
    WebhookHandler,
    ZoomApp,
    ZoomLink,
)
from zoomlink.stores import MemoryTokenStore
from zoomlink.testing import FakeClock, FakeZoom
from zoomlink.testing.recorder import zoom_vcr

START = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
REDIRECT_URI = "http://127.0.0.1:8000/zoom/callback"
WEBHOOK_SECRET = "recorder-webhook-secret-7f3a"
APP = ZoomApp(
    client_id="fake-user-app",
    client_secret="fake-user-secret",
    redirect_uri=REDIRECT_URI,
    webhook_secret=WEBHOOK_SECRET,
)
PLAIN_TOKEN = "qgg8vlvZRS6UYooatFL8Aw"
KEYRING = Keyring.from_string(f"k1:{Keyring.generate_key()}")


class Seen:
    """Every secret that passed through zoomlink's HTTP client, read from the traffic itself."""

    def __init__(self) -> None:
        self.values: set[str] = set()

    def request(self, request: httpx.Request) -> None:
        """Credentials in headers, and codes, verifiers and tokens in form bodies."""
        self.values.add(request.headers.get("authorization", "").partition(" ")[2])
        if request.headers.get("content-type") == "application/x-www-form-urlencoded":
            form = parse_qs(request.content.decode())
            for name in ("code", "code_verifier", "refresh_token", "token", "client_secret"):
                self.values.update(form.get(name, []))

    def response(self, response: httpx.Response) -> None:
        """Tokens, passcodes and start and join URL secrets in Zoom's JSON answers."""
        response.read()
        if "json" in response.headers.get("content-type", ""):
            self.walk(response.json())

    def walk(self, value: Any, key: str = "") -> None:
        """Collect the secret fields of a decoded JSON value, at any depth."""
        if isinstance(value, dict):
            for name, item in value.items():
                self.walk(item, name)
        elif isinstance(value, list):
            for item in value:
                self.walk(item, key)
        elif isinstance(value, str) and value:
            if key in {"access_token", "refresh_token", "plainToken", "encryptedToken"}:
                self.values.add(value)
            if key.endswith("password"):
                self.values.add(value)
            if key in {"start_url", "join_url"}:
                query = parse_qs(urlsplit(value).query)
                self.values.update(query.get("zak", []) + query.get("pwd", []))


@contextmanager
def webhook_endpoint(clock: FakeClock) -> Iterator[str]:
    """The app's webhook endpoint on a loopback port, answering with zoomlink's handler (a link
    of its own, so deliveries made during a ZoomLink call never wait on that call's locks)."""
    receiver = ZoomLink(APP, store=MemoryTokenStore(), keyring=KEYRING, clock=clock)
    handler = WebhookHandler(receiver)

    class Endpoint(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["content-length"]))
            answer = handler.handle(dict(self.headers.items()), body)
            self.send_response(answer.status)
            for name, value in answer.headers:
                self.send_header(name, value)
            self.send_header("content-length", str(len(answer.body)))
            self.end_headers()
            self.wfile.write(answer.body)

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the test reads the cassette, not the log."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Endpoint)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/zoom/webhooks"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
        receiver.close()


def validate_endpoint(webhook_url: str, clock: FakeClock) -> dict[str, Any]:
    """Zoom's ``endpoint.url_validation`` as Zoom sends it (signed), and the app's answer."""
    body = json.dumps(
        {
            "payload": {"plainToken": PLAIN_TOKEN},
            "event_ts": int(clock.now().timestamp() * 1000),
            "event": "endpoint.url_validation",
        }
    ).encode()
    timestamp = str(int(clock.now().timestamp()))
    signature = hmac.new(
        WEBHOOK_SECRET.encode(), b"v0:" + timestamp.encode() + b":" + body, hashlib.sha256
    ).hexdigest()
    headers = {
        "content-type": "application/json; charset=utf-8",
        "x-zm-request-timestamp": timestamp,
        "x-zm-signature": f"v0={signature}",
    }
    with httpx.Client() as http:
        answer = http.post(webhook_url, content=body, headers=headers)
    return {"status": answer.status_code, **answer.json()}


def scenario(
    link: ZoomLink, clock: FakeClock, approve: Callable[[str], str], webhook_url: str
) -> dict[str, Any]:
    """Validate the webhook endpoint, connect with PKCE, refresh, book, move and cancel a
    meeting, disconnect (revoke); returns what zoomlink answered at each step."""
    results: dict[str, Any] = {"validation": validate_endpoint(webhook_url, clock)}
    connection = link.complete_connect(approve(link.personal_connect_url("alice")), user_id="alice")
    results["connected"] = (connection.zoom_user_id, connection.zoom_email, connection.status)
    clock.advance(3600)  # the access token expires: the next use refreshes it
    results["refreshed_token"] = link.access_token(connection.id)
    start = clock.now() + timedelta(days=2)
    booking = Booking(
        id="bk_rec_1",
        event_type=EventType(id="consult", title="Consultation", location="zoom"),
        host=Participant(name="Alice", time_zone="UTC", email="alice@example.com", user_id="alice"),
        clients=[Participant(name="Carol", time_zone="UTC", email="carol@example.net")],
        start=start,
        end=start + timedelta(minutes=30),
        title="Consultation with Carol",
    )
    made = link.schedule(booking)
    results["scheduled"] = (made.action, made.meeting_id, made.join_url, made.password)
    later = start + timedelta(hours=1)
    moved = link.reschedule(_moved(booking, later))
    results["rescheduled"] = (moved.action, moved.meeting_id)
    cancelled = link.cancel(_moved(booking, later))
    results["cancelled"] = cancelled.action
    report = link.disconnect(connection.id, actor=Actor("alice"))
    results["disconnected"] = (report.reason, report.connection.status, dict(report.removed))
    return results


def _moved(booking: Booking, start: datetime) -> Booking:
    return attrs.evolve(booking, start=start, end=start + timedelta(minutes=30))


def _new_link(base_url: str, clock: FakeClock, http: httpx.Client) -> ZoomLink:
    return ZoomLink(
        APP,
        store=MemoryTokenStore(),
        keyring=KEYRING,
        endpoints=Endpoints.single(base_url),
        clock=clock,
        http_client=http,
    )


def _forms(secret: str) -> set[str]:
    """A secret as it may be written: plain, percent-encoded, and in JSON."""
    return {secret, quote(secret, safe=""), json.dumps(secret)[1:-1]}


def test_recorded_scenario_holds_no_secret_and_replays_offline(tmp_path: Path) -> None:
    """Recording connect, refresh, create/update/delete, a webhook validation and a revoke
    writes a cassette without any token, code, verifier, passcode, start URL token, client
    secret or webhook secret; replaying it with the fake stopped gives the same answers."""
    cassette = tmp_path / "cassettes" / "scenario.yaml"
    seen = Seen()
    codes: list[str] = []
    clock = FakeClock(START)
    recorder = zoom_vcr(tmp_path / "cassettes", record_mode="once")
    hooks: dict[str, list[Callable[..., Any]]] = {
        "request": [seen.request],
        "response": [seen.response],
    }
    with webhook_endpoint(clock) as webhook_url:
        fake = FakeZoom(clock=clock, seed=7, webhook_url=webhook_url, webhook_secret=WEBHOOK_SECRET)
        fake.seed(FakeZoom.default_seed())

        def approve(url: str) -> str:
            callback = fake.approve(url, "u_owner")
            codes.extend(parse_qs(urlsplit(callback).query)["code"])
            return callback

        with (
            fake.serve() as server,
            recorder.use_cassette("scenario.yaml"),
            httpx.Client(event_hooks=hooks) as http,
        ):
            base_url = server.url
            recorded = scenario(_new_link(base_url, clock, http), clock, approve, webhook_url)

    deliveries = fake.webhook_deliveries
    assert {d.event for d in deliveries} >= {"meeting.created", "app_deauthorized"}
    assert all(d.status == 200 for d in deliveries)
    assert recorded["validation"]["status"] == 200
    secrets = set(fake.issued_tokens()) | set(codes) | seen.values
    secrets |= {d.headers["x-zm-signature"].removeprefix("v0=") for d in deliveries}
    secrets |= {
        json.loads(d.body)["payload"]["signature"]
        for d in deliveries
        if d.event == "app_deauthorized"
    }
    secrets |= {
        APP.client_secret,
        WEBHOOK_SECRET,
        recorded["validation"]["encryptedToken"],
        PLAIN_TOKEN,
        base64.b64encode(f"{APP.client_id}:{APP.client_secret}".encode()).decode(),
    }
    for meeting in fake.meetings():
        seen.walk(meeting)
    secrets |= seen.values
    secrets.discard("")
    assert len(fake.issued_tokens()) == 4  # two access and two refresh tokens
    assert len(codes) == 1
    text = cassette.read_text(encoding="utf-8")
    assert "!!binary" not in text  # every body is text, so the search below sees everything
    leaked = sorted(s for s in secrets if any(form in text for form in _forms(s)))
    assert leaked == []

    # Replay: no fake, no webhook endpoint, and a cassette that may not grow.
    clock = FakeClock(START)
    replayer = zoom_vcr(tmp_path / "cassettes", record_mode="none")

    def approve_offline(url: str) -> str:
        state = parse_qs(urlsplit(url).query)["state"][0]
        return f"{REDIRECT_URI}?code=any&state={state}"

    with replayer.use_cassette("scenario.yaml"), httpx.Client() as http:
        replayed = scenario(_new_link(base_url, clock, http), clock, approve_offline, webhook_url)

    meeting_id = recorded["scheduled"][1]
    assert replayed == {
        **recorded,
        "validation": {
            "status": 200,
            "plainToken": "<PLAIN_TOKEN>",
            "encryptedToken": "<ENCRYPTED_TOKEN>",
        },
        "refreshed_token": "<ACCESS_TOKEN>",
        "scheduled": (
            "created",
            meeting_id,
            f"https://us05web.zoom.us/j/{meeting_id}?pwd=%3CJOIN_PASSCODE%3E",
            "<PASSCODE>",
        ),
    }


def test_playback_refuses_a_request_the_cassette_lacks(tmp_path: Path) -> None:
    """In the default mode (playback only) a request that was not recorded fails instead of
    reaching the network."""
    import vcr.errors

    replayer = zoom_vcr(tmp_path, environ={})
    with (
        replayer.use_cassette("empty.yaml"),
        httpx.Client() as http,
        pytest.raises(vcr.errors.CannotOverwriteExistingCassetteException),
    ):
        http.get("http://127.0.0.1:9/v2/users/me")
