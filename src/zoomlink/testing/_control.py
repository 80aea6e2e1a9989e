"""The ``/_fake/*`` control routes: JSON wrappers over `FakeZoom`'s Python methods."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

import attrs
import httpx

from ._delivery import WEBHOOK_SWITCHES
from ._start_links import StartLinkError
from ._timefmt import format_utc_ms
from ._wire import json_response

if TYPE_CHECKING:
    from ._fake import FakeZoom


@attrs.frozen
class _Call:
    """A control request: its JSON body, path parameters and query."""

    body: dict[str, Any]
    path: dict[str, str]
    query: dict[str, str]


ControlHandler = Callable[["FakeZoom", _Call], httpx.Response]
_FAULT_KEYS = {"route", "status", "body", "headers", "retry_after", "times", "delay", "drop"}


def _ok() -> httpx.Response:
    return httpx.Response(204)


def _body_object(request: httpx.Request) -> dict[str, Any]:
    if not request.content.strip():
        return {}
    body = json.loads(request.content)
    if not isinstance(body, dict):
        raise ValueError("the body must be a JSON object")
    return body


def _parse_time(value: object) -> datetime:
    if not isinstance(value, str):
        raise ValueError("'set' must be an ISO 8601 time")
    when = datetime.fromisoformat(value[:-1] + "+00:00" if value.endswith("Z") else value)
    if when.tzinfo is None:
        raise ValueError("'set' needs a time zone (e.g. a trailing Z)")
    return when


def _now(fake: FakeZoom) -> httpx.Response:
    return json_response(200, {"now": format_utc_ms(fake.now())})


def _reset(fake: FakeZoom, call: _Call) -> httpx.Response:
    fake.reset()
    return _ok()


def _seed(fake: FakeZoom, call: _Call) -> httpx.Response:
    fake.seed(call.body)
    return _ok()


def _get_time(fake: FakeZoom, call: _Call) -> httpx.Response:
    return _now(fake)


def _set_time(fake: FakeZoom, call: _Call) -> httpx.Response:
    if ("advance" in call.body) == ("set" in call.body):
        raise ValueError("give exactly one of 'advance' (seconds) and 'set' (ISO time)")
    if "advance" in call.body:
        seconds = call.body["advance"]
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
            raise ValueError("'advance' must be a number of seconds")
        fake.advance(seconds)
    else:
        fake.clock.set(_parse_time(call.body["set"]))
    return _now(fake)


def _inject(fake: FakeZoom, call: _Call) -> httpx.Response:
    unknown = set(call.body) - _FAULT_KEYS
    if unknown or "route" not in call.body:
        raise ValueError(f"a fault needs 'route' and only {sorted(_FAULT_KEYS)}")
    options = {
        key: value for key, value in call.body.items() if key != "route" and value is not None
    }
    fake.inject(call.body["route"], **options)
    return _ok()


def _clear(fake: FakeZoom, call: _Call) -> httpx.Response:
    fake.clear_faults()
    return _ok()


_SWITCHES = ("per_second_limits", *WEBHOOK_SWITCHES)


def _config(fake: FakeZoom, call: _Call) -> httpx.Response:
    if set(call.body) - {"latency", *_SWITCHES}:
        raise ValueError(f"config takes 'latency' and {list(_SWITCHES)}")
    latency = call.body.get("latency")
    if latency is not None:
        if isinstance(latency, bool) or not isinstance(latency, (int, float)) or latency < 0:
            raise ValueError("'latency' must be a number of seconds")
        fake.latency = float(latency)
    switches = {name: call.body.get(name) for name in _SWITCHES}
    for name, value in switches.items():
        if value is not None and not isinstance(value, bool):
            raise ValueError(f"{name!r} must be true or false")
    fake.configure(**switches)
    return _ok()


def _deliver(fake: FakeZoom, call: _Call) -> httpx.Response:
    fake.deliver_webhooks()
    return _ok()


def _validate(fake: FakeZoom, call: _Call) -> httpx.Response:
    client_id = call.body.get("client_id")
    if client_id is not None and not isinstance(client_id, str):
        raise ValueError("'client_id' must be a string")
    fake.validate_endpoints(client_id)
    return _ok()


def _revoke(fake: FakeZoom, call: _Call) -> httpx.Response:
    fake.revoke_tokens(call.path["user_id"], call.body.get("client_id"))
    return _ok()


def _uninstall(fake: FakeZoom, call: _Call) -> httpx.Response:
    if "client_id" not in call.body:
        raise ValueError("uninstall needs 'client_id'")
    fake.uninstall(call.path["user_id"], call.body["client_id"])
    return _ok()


def _role(fake: FakeZoom, call: _Call) -> httpx.Response:
    if "role" not in call.body:
        raise ValueError("set_role needs 'role'")
    fake.set_role(call.path["user_id"], call.body["role"])
    return _ok()


def _scheduling(fake: FakeZoom, call: _Call) -> httpx.Response:
    host = call.body.get("host")
    if not isinstance(host, str):
        raise ValueError("give the user the privilege to schedule for with {'host': id}")
    fake.allow_scheduling(call.path["user_id"], host)
    return _ok()


def _delete_user(fake: FakeZoom, call: _Call) -> httpx.Response:
    fake.delete_user(call.path["user_id"])
    return _ok()


def _edit_meeting(fake: FakeZoom, call: _Call) -> httpx.Response:
    fake.edit_meeting(call.path["meeting_id"], **call.body)
    return _ok()


def _delete_meeting(fake: FakeZoom, call: _Call) -> httpx.Response:
    following = call.query.get("and_following", "false")
    if following not in ("true", "false"):
        raise ValueError("'and_following' must be true or false")
    fake.delete_meeting(
        call.path["meeting_id"],
        call.query.get("occurrence_id") or None,
        and_following=following == "true",
    )
    return _ok()


def _start_meeting(fake: FakeZoom, call: _Call) -> httpx.Response:
    fake.start_meeting(call.path["meeting_id"])
    return _ok()


def _end_meeting(fake: FakeZoom, call: _Call) -> httpx.Response:
    fake.end_meeting(call.path["meeting_id"])
    return _ok()


def _open_start_url(fake: FakeZoom, call: _Call) -> httpx.Response:
    url = call.body.get("url")
    if not isinstance(url, str):
        raise ValueError("open a start link with {'url': start_url}")
    try:
        meeting_id = fake.open_start_url(url)
    except StartLinkError as error:
        status = 410 if error.reason == "expired" else 404
        return json_response(status, {"error": str(error), "reason": error.reason})
    return json_response(200, {"meeting_id": meeting_id, "status": "started"})


def _journal(fake: FakeZoom, call: _Call) -> httpx.Response:
    entries = [
        {
            "at": format_utc_ms(entry.at),
            "method": entry.method,
            "path": entry.path,
            "route": entry.route,
            "status": entry.status,
            "query": dict(entry.query),
            "grant_type": entry.grant_type,
            "user_id": entry.user_id,
            "client_id": entry.client_id,
        }
        for entry in fake.journal
    ]
    return json_response(200, {"entries": entries})


def _tokens(fake: FakeZoom, call: _Call) -> httpx.Response:
    return json_response(200, {"tokens": fake.issued_tokens()})


def _webhooks(fake: FakeZoom, call: _Call) -> httpx.Response:
    deliveries = [
        {
            "event": d.event,
            "url": d.url,
            "status": d.status,
            "headers": dict(d.headers),
            "body": d.body.decode("utf-8"),
            "attempt": d.attempt,
        }
        for d in fake.webhook_deliveries
    ]
    return json_response(200, {"deliveries": deliveries})


_CONTROL: tuple[tuple[str, re.Pattern[str], ControlHandler], ...] = tuple(
    (method, re.compile(pattern), handler)
    for method, pattern, handler in (
        ("POST", r"/_fake/reset", _reset),
        ("POST", r"/_fake/seed", _seed),
        ("GET", r"/_fake/time", _get_time),
        ("POST", r"/_fake/time", _set_time),
        ("POST", r"/_fake/faults", _inject),
        ("DELETE", r"/_fake/faults", _clear),
        ("POST", r"/_fake/config", _config),
        ("POST", r"/_fake/users/(?P<user_id>[^/]+)/revoke", _revoke),
        ("POST", r"/_fake/users/(?P<user_id>[^/]+)/uninstall", _uninstall),
        ("POST", r"/_fake/users/(?P<user_id>[^/]+)/role", _role),
        ("POST", r"/_fake/users/(?P<user_id>[^/]+)/scheduling", _scheduling),
        ("DELETE", r"/_fake/users/(?P<user_id>[^/]+)", _delete_user),
        ("PATCH", r"/_fake/meetings/(?P<meeting_id>[^/]+)", _edit_meeting),
        ("DELETE", r"/_fake/meetings/(?P<meeting_id>[^/]+)", _delete_meeting),
        ("POST", r"/_fake/meetings/(?P<meeting_id>[^/]+)/start", _start_meeting),
        ("POST", r"/_fake/meetings/(?P<meeting_id>[^/]+)/end", _end_meeting),
        ("POST", r"/_fake/start_url", _open_start_url),
        ("GET", r"/_fake/journal", _journal),
        ("GET", r"/_fake/tokens", _tokens),
        ("GET", r"/_fake/webhooks", _webhooks),
        ("POST", r"/_fake/webhooks/deliver", _deliver),
        ("POST", r"/_fake/webhooks/validate", _validate),
    )
)


def handle_control(fake: FakeZoom, request: httpx.Request) -> httpx.Response:
    """Answer a ``/_fake/*`` request: 200 JSON or 204; 400 ``{"error"}`` on bad input."""
    for method, pattern, handler in _CONTROL:
        match = pattern.fullmatch(request.url.path)
        if match is None or method != request.method:
            continue
        try:
            call = _Call(_body_object(request), match.groupdict(), dict(request.url.params.items()))
            return handler(fake, call)
        except (ValueError, KeyError, TypeError) as error:
            message = error.args[0] if isinstance(error, KeyError) and error.args else str(error)
            return json_response(400, {"error": str(message)})
    return json_response(404, {"error": f"no control route {request.method} {request.url.path}"})
