"""A hostile corpus: requests a webhook endpoint must refuse, generated systematically.

Each case builds its request from a :class:`Target` (the meeting that would be deleted or
moved, were the request accepted) and names the status it must be answered with. Most start
from a valid, signed event that would change state (uninstall the connected user, delete or
move their booking's meeting) and break one thing about it.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator
from typing import Any

import attrs

from tests.conftest import WEBHOOK_SECRET
from tests.webhooks._requests import (
    NOW_SECONDS,
    Headers,
    created_payload,
    deauthorized_payload,
    deleted_payload,
    encode,
    envelope,
    hmac_hex,
    signature,
    signed,
    updated_payload,
    url_validation_payload,
)
from zoomlink.webhooks import DEFAULT_MAX_BODY_BYTES, DEFAULT_TOLERANCE

TOLERANCE = int(DEFAULT_TOLERANCE.total_seconds())
FUTURE_SKEW = 5 * 60
OTHER_SECRET = "another-apps-webhook-secret"


@attrs.frozen
class Target:
    """What the requests aim at."""

    meeting_id: int


@attrs.frozen
class Request:
    """One webhook request."""

    headers: Headers
    body: bytes


@attrs.frozen
class Case:
    """A hostile request and the status it must get."""

    id: str
    build: Callable[[Target], Request]
    status: int


Event = Callable[[Target], dict[str, Any]]

# Valid events that would change state, were they accepted.
BASES: dict[str, Event] = {
    "deauthorized": lambda t: envelope("app_deauthorized", deauthorized_payload()),
    "deleted": lambda t: envelope("meeting.deleted", deleted_payload(t.meeting_id)),
    "updated": lambda t: envelope("meeting.updated", updated_payload(t.meeting_id)),
    "url_validation": lambda t: envelope("endpoint.url_validation", url_validation_payload()),
}


def _replace(headers: Headers, name: str, value: str | None) -> Headers:
    """``headers`` with ``name`` set to ``value`` (removed when None)."""
    kept = [(n, v) for n, v in headers if n != name]
    return kept if value is None else [*kept, (name, value)]


def _header_attacks() -> Iterator[tuple[str, Callable[[bytes], Request]]]:
    """Ways to send a valid body with headers that must be refused (401)."""

    def signed_with(sig: str, stamp: str = str(NOW_SECONDS)) -> Callable[[bytes], Request]:
        return lambda body: Request(
            _replace(signed(body, timestamp=stamp), "x-zm-signature", sig), body
        )

    def stamped(stamp: str) -> Callable[[bytes], Request]:
        """Signed correctly for ``stamp``: only the timestamp is wrong."""
        return lambda body: Request(signed(body, timestamp=stamp), body)

    def fn(make: Callable[[bytes], Request]) -> Callable[[bytes], Request]:
        return make

    yield "forged-signature", signed_with("v0=" + "ab" * 32)
    yield "all-zero-signature", signed_with("v0=" + "0" * 64)
    yield "other-secret", fn(lambda b: Request(signed(b, secret=OTHER_SECRET), b))
    yield "empty-secret", fn(lambda b: Request(signed(b, secret=""), b))
    yield "missing-signature", fn(lambda b: Request(_replace(signed(b), "x-zm-signature", None), b))
    yield "empty-signature", signed_with("")
    yield (
        "missing-timestamp",
        fn(lambda b: Request(_replace(signed(b), "x-zm-request-timestamp", None), b)),
    )
    yield "empty-timestamp", stamped("")
    yield "no-headers", fn(lambda b: Request([], b))
    yield (
        "duplicated-signature",
        fn(lambda b: Request([*signed(b), ("x-zm-signature", "v0=" + "cd" * 32)], b)),
    )
    yield (
        "duplicated-signature-other-case",
        fn(
            lambda b: Request(
                [*signed(b), ("X-Zm-Signature", signature(b, str(NOW_SECONDS), "x"))], b
            )
        ),
    )
    yield (
        "duplicated-timestamp",
        fn(lambda b: Request([*signed(b), ("x-zm-request-timestamp", str(NOW_SECONDS - 1))], b)),
    )
    yield (
        "v1-prefix",
        fn(
            lambda b: Request(
                _replace(signed(b), "x-zm-signature", "v1=" + signature(b, str(NOW_SECONDS))[3:]), b
            )
        ),
    )
    yield (
        "capital-prefix",
        fn(
            lambda b: Request(
                _replace(signed(b), "x-zm-signature", "V0=" + signature(b, str(NOW_SECONDS))[3:]), b
            )
        ),
    )
    yield (
        "no-prefix",
        fn(
            lambda b: Request(
                _replace(signed(b), "x-zm-signature", signature(b, str(NOW_SECONDS))[3:]), b
            )
        ),
    )
    yield (
        "signature-63-hex",
        fn(
            lambda b: Request(
                _replace(signed(b), "x-zm-signature", signature(b, str(NOW_SECONDS))[:-1]), b
            )
        ),
    )
    yield (
        "signature-65-hex",
        fn(
            lambda b: Request(
                _replace(signed(b), "x-zm-signature", signature(b, str(NOW_SECONDS)) + "0"), b
            )
        ),
    )
    yield "signature-non-hex", signed_with("v0=" + "g" * 64)
    yield (
        "signature-base64",
        fn(
            lambda b: Request(
                _replace(
                    signed(b),
                    "x-zm-signature",
                    "v0="
                    + base64.b64encode(bytes.fromhex(signature(b, str(NOW_SECONDS))[3:])).decode(),
                ),
                b,
            )
        ),
    )
    yield (
        "signature-for-other-timestamp",
        fn(
            lambda b: Request(
                _replace(signed(b), "x-zm-signature", signature(b, str(NOW_SECONDS - 60))), b
            )
        ),
    )
    yield (
        "signature-without-v0-in-message",
        fn(
            lambda b: Request(
                _replace(
                    signed(b),
                    "x-zm-signature",
                    "v0=" + hmac_hex(WEBHOOK_SECRET, str(NOW_SECONDS).encode() + b":" + b),
                ),
                b,
            )
        ),
    )
    yield (
        "signature-of-empty-body",
        fn(
            lambda b: Request(
                _replace(signed(b), "x-zm-signature", signature(b"", str(NOW_SECONDS))), b
            )
        ),
    )
    yield (
        "signature-over-reserialised-json",
        fn(
            lambda b: Request(
                signed(json.dumps(json.loads(b), separators=(",", ":")).encode()),
                json.dumps(json.loads(b), indent=2).encode(),
            )
        ),
    )
    yield "truncated-body", fn(lambda b: Request(signed(b), b[:-1]))
    yield "appended-bytes", fn(lambda b: Request(signed(b), b + b'{"event":"x"}'))
    yield "appended-newline", fn(lambda b: Request(signed(b), b + b"\n"))
    yield "stale-timestamp", stamped(str(NOW_SECONDS - TOLERANCE - 1))
    yield "very-stale-timestamp", stamped("1600000000")
    yield "zero-timestamp", stamped("0")
    yield "future-timestamp", stamped(str(NOW_SECONDS + FUTURE_SKEW + 1))
    yield "timestamp-in-milliseconds", stamped(str(NOW_SECONDS * 1000))
    yield "non-digit-timestamp", stamped("yesterday")
    yield "negative-timestamp", stamped(f"-{NOW_SECONDS}")
    yield "float-timestamp", stamped(f"{NOW_SECONDS}.5")
    yield "exponent-timestamp", stamped("1.7e9")
    yield "huge-timestamp", stamped("9" * 40)
    yield (
        "unicode-digit-timestamp",
        stamped("".join(chr(0x0660 + int(d)) for d in str(NOW_SECONDS))),
    )
    yield "hex-timestamp", stamped(hex(NOW_SECONDS))


def _payload_breaks() -> Iterator[tuple[str, Callable[[Target], Any], int]]:
    """Validly signed bodies that are not a Zoom event of the right shape (400), or too large
    (413)."""

    def raw(body: bytes) -> Callable[[Target], Any]:
        return lambda t: body

    yield "not-json", raw(b"event=app_deauthorized"), 400
    yield "empty-body", raw(b""), 400
    yield "invalid-utf8", raw(b'{"event":"\xff\xfe","payload":{}}'), 400
    yield "utf8-bom", raw(b'\xef\xbb\xbf{"event":"x","payload":{}}'), 400
    yield "json-array", raw(b"[]"), 400
    yield "json-null", raw(b"null"), 400
    yield "json-number", raw(b"42"), 400
    yield "json-string", raw(b'"app_deauthorized"'), 400
    yield "truncated-json", raw(b'{"event":"app_deauthorized","payload":{'), 400
    yield (
        "deeply-nested",
        raw(b'{"event":"x","payload":' + b"[" * 100_000 + b"]" * 100_000 + b"}"),
        400,
    )
    yield "missing-event", lambda t: {"payload": deauthorized_payload()}, 400
    yield "event-int", lambda t: {"event": 1, "payload": {}}, 400
    yield "event-null", lambda t: {"event": None, "payload": {}}, 400
    yield "event-list", lambda t: {"event": ["app_deauthorized"], "payload": {}}, 400
    yield "event-empty", lambda t: {"event": "", "payload": {}}, 400
    yield "missing-payload", lambda t: {"event": "app_deauthorized"}, 400
    yield "payload-list", lambda t: {"event": "meeting.deleted", "payload": []}, 400
    yield "payload-string", lambda t: {"event": "meeting.deleted", "payload": "x"}, 400
    yield "payload-null", lambda t: {"event": "meeting.deleted", "payload": None}, 400
    for field in ("account_id", "user_id", "client_id", "deauthorization_time", "signature"):
        yield f"deauthorized-without-{field}", _without(_deauthorized, field), 400
        yield f"deauthorized-{field}-int", _with(_deauthorized, field, 12345), 400
        yield f"deauthorized-{field}-null", _with(_deauthorized, field, None), 400
        yield f"deauthorized-{field}-empty", _with(_deauthorized, field, ""), 400
    yield "deauthorized-time-not-a-date", _with(_deauthorized, "deauthorization_time", "soon"), 400
    yield (
        "deauthorized-time-bad-month",
        _with(_deauthorized, "deauthorization_time", "2026-13-02T09:00:00Z"),
        400,
    )
    for name, make in (("deleted", _deleted), ("updated", _updated), ("created", _created)):
        for label, value in (
            ("word", "abc"),
            ("float", 85746065.5),
            ("float-string", "85746065.0"),
            ("true", True),
            ("object", {"id": 1}),
            ("list", [1]),
            ("null", None),
            ("zero", 0),
            ("negative", -5),
            ("too-big", 2**64),
            ("digits-and-letters", "123a"),
            ("padded", " 123"),
            ("unicode-digits", "\u0661\u0662\u0663"),
        ):
            yield f"{name}-id-{label}", _with_object(make, "id", value), 400
        yield f"{name}-without-id", _without_object(make, "id"), 400
        yield f"{name}-without-object", _without(make, "object"), 400
        yield f"{name}-object-list", _with(make, "object", []), 400
        yield f"{name}-without-account", _without(make, "account_id"), 400
        yield f"{name}-account-int", _with(make, "account_id", 7), 400
        yield f"{name}-operator-list", _with(make, "operator", ["x"]), 400
        yield f"{name}-host-int", _with_object(make, "host_id", 42), 400
    yield "created-without-host", _without_object(_created, "host_id"), 400
    yield "deleted-without-host", _without_object(_deleted, "host_id"), 400
    yield "updated-without-old-object", _without(_updated, "old_object"), 400
    yield "updated-old-object-string", _with(_updated, "old_object", "x"), 400
    yield "deleted-occurrences-object", _with_object(_deleted, "occurrences", {"a": 1}), 400
    yield "deleted-occurrence-not-object", _with_object(_deleted, "occurrences", ["1"]), 400
    yield (
        "deleted-occurrence-id-int",
        _with_object(_deleted, "occurrences", [{"occurrence_id": 1648194360000}]),
        400,
    )
    yield "url-validation-without-token", lambda t: envelope("endpoint.url_validation", {}), 400
    yield (
        "url-validation-token-int",
        lambda t: envelope("endpoint.url_validation", {"plainToken": 5}),
        400,
    )
    yield (
        "url-validation-token-null",
        lambda t: envelope("endpoint.url_validation", {"plainToken": None}),
        400,
    )
    yield (
        "url-validation-token-empty",
        lambda t: envelope("endpoint.url_validation", {"plainToken": ""}),
        400,
    )
    yield "too-large", lambda t: _padded(_deauthorized(t), DEFAULT_MAX_BODY_BYTES + 1), 413
    yield "far-too-large", lambda t: _padded(_deauthorized(t), 4 * DEFAULT_MAX_BODY_BYTES), 413


def _deauthorized(t: Target) -> dict[str, Any]:
    return envelope("app_deauthorized", deauthorized_payload())


def _deleted(t: Target) -> dict[str, Any]:
    return envelope("meeting.deleted", deleted_payload(t.meeting_id))


def _updated(t: Target) -> dict[str, Any]:
    return envelope("meeting.updated", updated_payload(t.meeting_id))


def _created(t: Target) -> dict[str, Any]:
    return envelope("meeting.created", created_payload(t.meeting_id))


def _without(make: Event, field: str) -> Event:
    def build(t: Target) -> dict[str, Any]:
        event = make(t)
        del event["payload"][field]
        return event

    return build


def _with(make: Event, field: str, value: Any) -> Event:
    def build(t: Target) -> dict[str, Any]:
        event = make(t)
        event["payload"][field] = value
        return event

    return build


def _without_object(make: Event, field: str) -> Event:
    def build(t: Target) -> dict[str, Any]:
        event = make(t)
        del event["payload"]["object"][field]
        return event

    return build


def _with_object(make: Event, field: str, value: Any) -> Event:
    def build(t: Target) -> dict[str, Any]:
        event = make(t)
        event["payload"]["object"][field] = value
        return event

    return build


def _padded(event: dict[str, Any], size: int) -> bytes:
    """``event`` with padding that makes its body ``size`` bytes long."""
    event["payload"]["padding"] = ""
    body = encode(event)
    event["payload"]["padding"] = "x" * (size - len(body))
    return encode(event)


def _signed_case(case_id: str, make: Callable[[Target], Any], status: int) -> Case:
    def build(target: Target) -> Request:
        made = make(target)
        body = made if isinstance(made, bytes) else encode(made)
        return Request(signed(body), body)

    return Case(case_id, build, status)


def _header_case(case_id: str, base: Event, attack: Callable[[bytes], Request]) -> Case:
    return Case(case_id, lambda target: attack(encode(base(target))), 401)


def hostile_cases() -> list[Case]:
    """Every hostile request, header attacks on each valid base event first."""
    cases = [
        _header_case(f"{base_name}-{attack_name}", base, attack)
        for attack_name, attack in _header_attacks()
        for base_name, base in BASES.items()
    ]
    cases += [_signed_case(case_id, make, status) for case_id, make, status in _payload_breaks()]
    # Size is checked before anything else: a forged oversized body is still 413.
    big = _padded(_deauthorized(Target(0)), DEFAULT_MAX_BODY_BYTES + 1)
    cases.append(Case("too-large-and-forged", lambda t: Request([], big), 413))
    return cases


def valid_base(name: str, target: Target) -> Request:
    """The valid, signed request a base event is."""
    body = encode(BASES[name](target))
    return Request(signed(body), body)
