"""Checking meeting bodies (create and PATCH) and passcodes against Zoom's rules."""

from __future__ import annotations

import copy
import itertools
import re
import string
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from ._errors import validation_error
from ._ids import IdSource
from ._meeting_schema import (
    EXTRA_FIELDS_SCHEMA,
    INT,
    INVALID,
    SHOWN_DEFAULTS,
    check_setting,
    check_value,
)
from ._recurrence import Errors, check_recurrence
from ._timefmt import load_zone, parse_start_time

TOPIC_MAX = 200
AGENDA_MAX = 2000
PASSWORD_MAX = 10
MEETING_TYPES = (1, 2, 3, 8)
_PASSWORD_CHARS = re.compile(r"[A-Za-z0-9@\-_*!#]*", re.ASCII)
# "Looks like an e-mail": something@domain.tld, without spaces or list separators.
_EMAIL = re.compile(r"[^@\s;,]+@[^@\s;,]+\.[^@\s;,.]+")
# Zoom documents `;` between alternative hosts; `,` is accepted too.
_HOST_SEPARATORS = re.compile(r"[;,]")


def meeting_settings_for(user_settings: Mapping[str, Any]) -> dict[str, Any]:
    """A new meeting's settings: the documented defaults, following the host's own settings."""
    schedule = user_settings["schedule_meeting"]
    security = user_settings["meeting_security"]
    settings = copy.deepcopy(SHOWN_DEFAULTS)
    settings.update(
        host_video=schedule["host_video"],
        participant_video=schedule["participants_video"],
        join_before_host=schedule["join_before_host"],
        jbh_time=schedule["jbh_time"],
        mute_upon_entry=schedule["mute_upon_entry"],
        use_pmi=schedule["use_pmi_for_scheduled_meetings"],
        waiting_room=security["waiting_room"],
        encryption_type=security["encryption_type"],
        auto_recording=user_settings["recording"]["auto_recording"],
    )
    return settings


def split_alternative_hosts(value: str) -> list[str]:
    """The e-mails (or user ids) of an ``alternative_hosts`` string, blanks dropped."""
    return [part.strip() for part in _HOST_SEPARATORS.split(value) if part.strip()]


def check_invitees(value: list[Any]) -> list[dict[str, str]] | None:
    """``meeting_invitees`` as ``[{"email": ...}]``, or None if any item is not one.

    Zoom's schema has objects with an ``email``; anything else in an item is dropped, as Zoom
    ignores unknown keys. Whether Zoom checks the address is not documented: the fake refuses
    one that does not look like an e-mail (the stricter reading).
    """
    invitees = []
    for item in value:
        email = item.get("email") if isinstance(item, dict) else None
        if not isinstance(email, str) or _EMAIL.fullmatch(email) is None:
            return None
        invitees.append({"email": email})
    return invitees


def check_settings(raw: object, errors: Errors) -> dict[str, Any]:
    """The documented settings in `raw`, read by `SETTINGS_SCHEMA`; unknown keys are ignored.

    ``alternative_hosts`` is only type-checked here: `MeetingStore` looks the hosts up.
    """
    if not isinstance(raw, dict):
        errors.append(("settings", "Invalid field."))
        return {}
    out: dict[str, Any] = {}
    for key, value in raw.items():
        present, checked = check_setting(key, value, errors)
        if not present:
            continue
        if key == "meeting_invitees":
            assert isinstance(checked, list)
            invitees = check_invitees(checked)
            if invitees is None:
                errors.append((f"settings.{key}", "Invalid field."))
                continue
            checked = invitees
        out[key] = checked
    return out


def _check_string(body: Mapping[str, Any], key: str, limit: int, errors: Errors) -> str | None:
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        errors.append((key, "Invalid field."))
        return None
    if len(value) > limit:
        errors.append((key, f"Length must be at most {limit} characters."))
        return None
    return value


_INVALID_NUMBER = object()


def _integer(body: Mapping[str, Any], key: str) -> object:
    """An integer field of the body: None when absent or null, else the value read.

    Zoom reads ``"30"`` as 30 (GeeksforGeeks' "How to create a meeting with zoom API in
    Python" sends ``"duration": "45"``). A number with a fraction is not
    refused but has no effect (a float ``duration`` left the meeting's duration unchanged:
    rtCamp/frappe-appointment#173); the fake drops it the same way. Anything else is
    `_INVALID_NUMBER`.
    """
    value = body.get(key)
    if value is None or isinstance(value, float):
        return None
    checked = check_value(value, INT)
    return _INVALID_NUMBER if checked is INVALID else checked


def check_fields(
    body: Mapping[str, Any],
    *,
    zone_name: str,
    password_rules: Mapping[str, Any],
    password_required: bool,
    errors: Errors,
) -> dict[str, Any]:
    """The meeting fields present in `body`, checked; problems go to `errors`.

    ``start_time`` comes back as an aware UTC datetime (local times read in ``timezone`` if
    given, else `zone_name`).
    """
    out: dict[str, Any] = {}
    for key, limit in (("topic", TOPIC_MAX), ("agenda", AGENDA_MAX)):
        value = _check_string(body, key, limit, errors)
        if value is not None:
            out[key] = value
    password = _check_string(body, "password", PASSWORD_MAX, errors)
    if password is not None:
        problem = password_problem(password, password_rules, required=password_required)
        if problem:
            errors.append(("password", problem))
        else:
            out["password"] = password
    kind = _integer(body, "type")
    if kind is not None:
        if kind not in MEETING_TYPES:
            errors.append(("type", "Invalid field."))
        else:
            out["type"] = kind
    duration = _integer(body, "duration")
    if isinstance(duration, int) and duration <= 0:
        errors.append(("duration", "Must be a positive whole number of minutes."))
    elif isinstance(duration, int):
        out["duration"] = duration
    elif duration is _INVALID_NUMBER:
        errors.append(("duration", "Must be a positive whole number of minutes."))
    if body.get("timezone") is not None:
        name = body["timezone"]
        if not isinstance(name, str) or load_zone(name) is None:
            errors.append(("timezone", "Invalid field."))
        else:
            out["timezone"] = zone_name = name
    if body.get("start_time") is not None:
        raw = body["start_time"]
        zone = load_zone(zone_name)
        start = parse_start_time(raw, zone) if isinstance(raw, str) and zone else None
        if start is None:
            errors.append(("start_time", "Use yyyy-MM-ddTHH:mm:ssZ (UTC) or yyyy-MM-ddTHH:mm:ss."))
        else:
            out["start_time"] = start
    if body.get("default_password") is not None and type(body["default_password"]) is not bool:
        errors.append(("default_password", "Invalid field."))
    for key, kind in EXTRA_FIELDS_SCHEMA.items():
        if body.get(key) is not None:
            checked = check_value(body[key], kind)
            if checked is INVALID:
                errors.append((key, "Invalid field."))
            else:
                out[key] = checked
    if "recurrence" in body and body["recurrence"] is not None:
        recurrence = check_recurrence(body["recurrence"], errors)
        if recurrence is not None:
            out["recurrence"] = recurrence
    if "settings" in body and body["settings"] is not None:
        out["settings"] = check_settings(body["settings"], errors)
    return out


def raise_for(errors: Errors) -> None:
    """Raise Zoom's 400 code 300 "Validation Failed." if there were problems."""
    if errors:
        raise validation_error(errors)


def _longest_run(password: str) -> int:
    """The longest run of repeated or consecutive characters (``aaaa``, ``1234``, ``abcd``)."""
    longest = run_same = run_up = 1 if password else 0
    for previous, current in itertools.pairwise(password):
        run_same = run_same + 1 if current == previous else 1
        run_up = run_up + 1 if ord(current) == ord(previous) + 1 else 1
        longest = max(longest, run_same, run_up)
    return longest


def password_problem(password: str, rules: Mapping[str, Any], *, required: bool) -> str | None:
    """Why `password` breaks the host's ``meeting_password_requirement``, or None."""
    if password == "":
        return "A passcode is required." if required else None
    if _PASSWORD_CHARS.fullmatch(password) is None:
        return "Passcode may only contain the following characters: [a-z A-Z 0-9 @ - _ * ! #]."
    if len(password) < rules.get("length", 0):
        return f"Passcode must have at least {rules['length']} characters."
    if rules.get("only_allow_numeric") and not password.isdigit():
        return "Passcode may only contain numbers."
    if rules.get("have_letter") and not any(c.isalpha() for c in password):
        return "Passcode must contain at least one letter."
    if rules.get("have_number") and not any(c.isdigit() for c in password):
        return "Passcode must contain at least one number."
    if rules.get("have_special_character") and password.isalnum():
        return "Passcode must contain at least one special character."
    if rules.get("have_upper_and_lower_characters") and (
        password.lower() == password or password.upper() == password
    ):
        return "Passcode must contain upper and lower case letters."
    limit = rules.get("consecutive_characters_length", 0)
    if limit and _longest_run(password) >= limit:
        return f"Passcode cannot contain {limit} or more consecutive characters."
    return None


def generate_password(ids: IdSource, rules: Mapping[str, Any]) -> str:
    """A passcode that meets `rules`, as Zoom generates one for a new meeting."""
    length = min(max(int(rules.get("length", 6)), 6), PASSWORD_MAX)
    numeric = bool(rules.get("only_allow_numeric"))
    alphabet = string.digits if numeric else string.ascii_letters + string.digits
    for _ in range(1000):
        candidate = ids.chars(alphabet, length, "passcode")
        if rules.get("have_special_character") and not numeric:
            candidate = candidate[:-1] + "@"
        if password_problem(candidate, rules, required=True) is None:
            return candidate
    raise RuntimeError("cannot generate a passcode that meets the host's requirements")


def now_floor(now: datetime) -> datetime:
    """`now` without microseconds (Zoom's times have whole seconds)."""
    return now.replace(microsecond=0)
