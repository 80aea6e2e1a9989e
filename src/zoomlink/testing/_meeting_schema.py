"""Zoom's documented meeting ``settings``: each field, the JSON type it takes, its default.

Source: Zoom's Meetings OpenAPI, request body of ``meetingCreate``
(``POST /users/{userId}/meetings``) and ``meetingUpdate`` (``PATCH /meetings/{meetingId}``),
``settings`` object; Zoom's own Postman collection ("Create a Meeting" example body) sends the
same fields. The table is read by `check_setting` (what a request may send) and by
`shown_settings` (what ``GET /meetings/{id}`` answers, defaults filled in).

How Zoom reads values (GeeksforGeeks' widely copied "How to create a meeting with zoom API in
Python" sends ``"duration": "45"`` and settings such as ``"host_video": "true"`` and
``"join_before_host": "False"``, and Zoom creates the meeting):

- an integer field takes a JSON integer or a string of digits (``"30"``);
- a boolean field takes ``true``/``false`` or the strings ``"true"``/``"false"`` in any case;
- ``null`` as a field's value means "not given" and is skipped (a ``null`` inside a list is
  refused);
- a key the schema does not know is ignored, as Zoom ignores it (clients that misspell
  ``waiting_room`` see no error, only no effect);
- anything else of the wrong type is refused with 400 code 300 ``Invalid field.``.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

import attrs

from ._recurrence import Errors


@attrs.frozen
class Kind:
    """A JSON type with its allowed values (`choices`), array item kind or object fields."""

    json: str
    choices: tuple[object, ...] = ()
    items: Kind | None = None
    fields: Mapping[str, Kind] | None = None


BOOL = Kind("boolean")
INT = Kind("integer")
STR = Kind("string")
STR_LIST = Kind("array", items=STR)


def _enum(kind: Kind, *choices: object) -> Kind:
    return attrs.evolve(kind, choices=choices)


def _obj(**fields: Kind) -> Kind:
    return Kind("object", fields=fields)


def _list_of(**fields: Kind) -> Kind:
    return Kind("array", items=_obj(**fields))


# Field -> kind, in the OpenAPI's order.
SETTINGS_SCHEMA: dict[str, Kind] = {
    "additional_data_center_regions": STR_LIST,
    "allow_multiple_devices": BOOL,
    "alternative_hosts": STR,
    "alternative_hosts_email_notification": BOOL,
    "alternative_host_update_polls": BOOL,
    "approval_type": _enum(INT, 0, 1, 2),
    "approved_or_denied_countries_or_regions": _obj(
        approved_list=STR_LIST,
        denied_list=STR_LIST,
        enable=BOOL,
        method=_enum(STR, "approve", "deny"),
    ),
    "audio": _enum(STR, "both", "telephony", "voip", "thirdParty"),
    "audio_conference_info": STR,
    "authentication_domains": STR,
    "authentication_exception": _list_of(email=STR, name=STR),
    "authentication_option": STR,
    "auto_recording": _enum(STR, "local", "cloud", "none"),
    "auto_start_meeting_summary": BOOL,
    "auto_start_ai_companion_questions": BOOL,
    "breakout_room": _obj(enable=BOOL, rooms=_list_of(name=STR, participants=STR_LIST)),
    "calendar_type": _enum(INT, 1, 2),
    "close_registration": BOOL,
    "cn_meeting": BOOL,
    "contact_email": STR,
    "contact_name": STR,
    "continuous_meeting_chat": _obj(
        enable=BOOL,
        auto_add_invited_external_users=BOOL,
        auto_add_meeting_participants=BOOL,
        who_is_added=_enum(STR, "all_users", "org_invitees_and_participants", "org_invitees"),
    ),
    "device_testing": BOOL,
    "disable_participant_video": BOOL,
    "email_in_attendee_report": BOOL,
    "email_notification": BOOL,
    "encryption_type": _enum(STR, "enhanced_encryption", "e2ee"),
    "enforce_login": BOOL,
    "enforce_login_domains": STR,
    "focus_mode": BOOL,
    "global_dial_in_countries": STR_LIST,
    "host_save_video_order": BOOL,
    "host_video": BOOL,
    "in_meeting": BOOL,
    "internal_meeting": BOOL,
    "jbh_time": _enum(INT, 0, 5, 10, 15),
    "join_before_host": BOOL,
    "language_interpretation": _obj(
        enable=BOOL, interpreters=_list_of(email=STR, languages=STR, interpreter_languages=STR)
    ),
    "meeting_authentication": BOOL,
    "meeting_invitees": _list_of(email=STR),
    "mute_upon_entry": BOOL,
    "participant_focused_meeting": BOOL,
    "participant_video": BOOL,
    "private_meeting": BOOL,
    "push_change_to_calendar": BOOL,
    "question_and_answer": _obj(
        enable=BOOL,
        allow_submit_questions=BOOL,
        allow_anonymous_questions=BOOL,
        question_visibility=_enum(STR, "answered", "all"),
        attendees_can_comment=BOOL,
        attendees_can_upvote=BOOL,
    ),
    "registrants_confirmation_email": BOOL,
    "registrants_email_notification": BOOL,
    "registration_type": _enum(INT, 1, 2, 3),
    "request_permission_to_unmute_participants": BOOL,
    "resources": _list_of(resource_type=STR, resource_id=STR, permission_level=STR),
    "show_join_info": BOOL,
    "show_share_button": BOOL,
    "sign_language_interpretation": _obj(
        enable=BOOL, interpreters=_list_of(email=STR, sign_language=STR)
    ),
    "summary_template_id": STR,
    "use_pmi": BOOL,
    "waiting_room": BOOL,
    "watermark": BOOL,
    "who_can_ask_questions": _enum(INT, 1, 2, 3, 4, 5),
    "who_will_receive_summary": _enum(INT, 1, 2, 3, 4),
}

# Top-level create/update fields beyond those `check_fields` reads itself (topic, type,
# start_time, duration, timezone, password, default_password, agenda, recurrence, settings).
# ``schedule_for`` is read where meetings are created for another host.
EXTRA_FIELDS_SCHEMA: dict[str, Kind] = {
    "pre_schedule": BOOL,
    "template_id": STR,
    "tracking_fields": _list_of(field=STR, value=STR),
}

# What ``GET /meetings/{id}`` shows for a setting nobody set (Zoom's GET sample), before the
# host's own settings are applied. Keys not here are shown only once set.
SHOWN_DEFAULTS: dict[str, Any] = {
    "host_video": False,
    "participant_video": False,
    "cn_meeting": False,
    "in_meeting": False,
    "join_before_host": False,
    "jbh_time": 0,
    "mute_upon_entry": False,
    "watermark": False,
    "use_pmi": False,
    "approval_type": 2,
    "audio": "voip",
    "auto_recording": "none",
    "enforce_login": False,
    "enforce_login_domains": "",
    "alternative_hosts": "",
    "alternative_host_update_polls": False,
    "close_registration": False,
    "show_share_button": False,
    "allow_multiple_devices": False,
    "registrants_confirmation_email": True,
    "waiting_room": True,
    "request_permission_to_unmute_participants": False,
    "global_dial_in_countries": ["US"],
    "global_dial_in_numbers": [
        {
            "country_name": "US",
            "city": "New York",
            "number": "+1 6465588656",
            "type": "toll",
            "country": "US",
        }
    ],
    "registrants_email_notification": True,
    "meeting_authentication": False,
    "encryption_type": "enhanced_encryption",
    "approved_or_denied_countries_or_regions": {"enable": False},
    "breakout_room": {"enable": False},
    "internal_meeting": False,
    "continuous_meeting_chat": {"enable": False},
    "participant_focused_meeting": False,
    "push_change_to_calendar": False,
    "resources": [],
    "auto_start_meeting_summary": False,
    "auto_start_ai_companion_questions": False,
    "alternative_hosts_email_notification": True,
    "show_join_info": False,
    "device_testing": False,
    "focus_mode": False,
    "meeting_invitees": [],
    "private_meeting": False,
    "email_notification": True,
    "host_save_video_order": False,
    "sign_language_interpretation": {"enable": False},
    "email_in_attendee_report": False,
}

INVALID = object()


def check_value(value: object, kind: Kind) -> object:
    """`value` read as `kind` (digit and boolean strings are read as such), or `INVALID`."""
    if kind.json == "boolean":
        if isinstance(value, str) and value.lower() in ("true", "false"):
            value = value.lower() == "true"
        ok = type(value) is bool
    elif kind.json == "integer":
        if isinstance(value, str) and value.isascii() and value.isdigit():
            value = int(value)
        ok = type(value) is int
    elif kind.json == "string":
        ok = isinstance(value, str)
    elif kind.json == "array":
        if not isinstance(value, list) or kind.items is None:
            return INVALID
        read = [check_value(item, kind.items) for item in value]
        return INVALID if any(item is INVALID for item in read) else read
    else:
        if not isinstance(value, dict) or kind.fields is None:
            return INVALID
        out = {}
        for key, item in value.items():
            sub = kind.fields.get(key)
            if sub is None or item is None:
                continue
            checked = check_value(item, sub)
            if checked is INVALID:
                return INVALID
            out[key] = checked
        return out
    if not ok or (kind.choices and value not in kind.choices):
        return INVALID
    return value


def check_setting(key: str, value: object, errors: Errors) -> tuple[bool, object]:
    """(known and present, the value read); a bad value is reported as ``settings.KEY``."""
    kind = SETTINGS_SCHEMA.get(key)
    if kind is None or value is None:
        return False, None
    checked = check_value(value, kind)
    if checked is INVALID:
        errors.append((f"settings.{key}", "Invalid field."))
        return False, None
    return True, checked


def shown_settings(stored: Mapping[str, Any]) -> dict[str, Any]:
    """A meeting's settings as GET shows them: the documented defaults, then what is stored."""
    shown = copy.deepcopy(SHOWN_DEFAULTS)
    shown.update(copy.deepcopy(dict(stored)))
    return shown
