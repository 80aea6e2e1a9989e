"""The checks every public method of ZoomLink and AsyncZoomLink puts its arguments through, so
a wrong type, a naive datetime, an over-long or unstorable string is refused with an
:class:`~zoomlink.InvalidInputError` naming the argument — before anything is stored or sent,
and never as a ``TypeError`` or a database's error from deep inside.

The rules go by each parameter's annotation: a public method whose annotation has no rule
fails at import, so a new method cannot be left unchecked.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any, get_args

from zoomlink.availability import SlotRule
from zoomlink.booking import (
    ID_MAX,
    Booking,
    ConferencingChoice,
    EventType,
    MeetingState,
    Participant,
)
from zoomlink.errors import ConfigurationError, InvalidInputError
from zoomlink.keyring import Keyring
from zoomlink.models import Actor, Member, ZoomApp
from zoomlink.outbox import WorkState
from zoomlink.webhooks import WebhookEvent

Check = Callable[[str, Any], Any]
"""Checks one argument by name: returns it (an iterable as a tuple), or raises."""


def _fail(name: str, wanted: str, value: object) -> InvalidInputError:
    shown = type(value).__name__ if not isinstance(value, (str, int, float)) else repr(value)
    return InvalidInputError(f"{name} must be {wanted}, got {shown[:60]}")


def storable(name: str, value: str) -> str:
    """``value`` if every store can keep and search it: no NUL, no lone surrogate."""
    if "\x00" in value:
        raise InvalidInputError(f"{name} must not contain a NUL character")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidInputError(f"{name} must be valid Unicode text (a lone surrogate)") from None
    return value


def _text(name: str, value: Any) -> str:
    if not isinstance(value, str):
        raise _fail(name, "a string", value)
    if not value.strip():
        raise InvalidInputError(f"{name} must not be blank")
    if len(value) > ID_MAX:
        raise InvalidInputError(f"{name} is {len(value)} characters; at most {ID_MAX} fit")
    return storable(name, value)


def _optional(check: Check) -> Check:
    return lambda name, value: None if value is None else check(name, value)


def _instance(*kinds: type) -> Check:
    wanted = " or ".join(kind.__name__ for kind in kinds)

    def check(name: str, value: Any) -> Any:
        if not isinstance(value, kinds) or (bool not in kinds and isinstance(value, bool)):
            raise _fail(name, f"a {wanted}", value)
        return value

    return check


def _aware(name: str, value: Any) -> datetime:
    if not isinstance(value, datetime) or value.utcoffset() is None:
        raise _fail(name, "a timezone-aware datetime", value)
    return value


def _items(item: Check, what: str) -> Check:
    def check(name: str, value: Any) -> tuple[Any, ...]:
        if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
            raise _fail(name, f"a list of {what}", value)
        return tuple(item(f"{name}[{n}]", each) for n, each in enumerate(value))

    return check


def _one_of(choices: tuple[str, ...]) -> Check:
    def check(name: str, value: Any) -> str:
        if not isinstance(value, str) or value not in choices:
            raise _fail(name, " or ".join(repr(c) for c in choices), value)
        return value

    return check


def _words(name: str, value: Any) -> str:
    if not isinstance(value, str):
        raise _fail(name, "a string", value)
    return storable(name, value)


def _callback(name: str, value: Any) -> Any:
    if isinstance(value, Mapping):
        for key, item in value.items():
            _words(f"{name} key", key)
            _words(f"{name}[{key!r}]", item)
        return value
    return _words(name, value)


def _callable(name: str, value: Any) -> Any:
    if not callable(value):
        raise _fail(name, "a function", value)
    return value


def _host(name: str, value: Any) -> Any:
    return _text(name, value) if isinstance(value, str) else _instance(Participant)(name, value)


RULES: dict[str, Check] = {
    "str": _text,
    "str | None": _optional(_text),
    "bool": _instance(bool),
    "int": lambda name, value: value,  # the method checks its own limits
    "datetime": _aware,
    "timedelta": _instance(timedelta),
    "Booking": _instance(Booking),
    "EventType": _instance(EventType),
    "Actor": _instance(Actor),
    "WebhookEvent": _instance(*get_args(WebhookEvent)),
    "Iterable[EventType]": _items(_instance(EventType), "EventTypes"),
    "Iterable[Member]": _items(_instance(Member), "Members"),
    "Iterable[str]": _items(_words, "strings"),
    "Sequence[Participant]": _items(_instance(Participant), "Participants"),
    "Sequence[Participant | str]": _items(_host, "Participants or user ids"),
    "ConferencingChoice": _one_of(get_args(ConferencingChoice)),
    "SlotRule": _one_of(get_args(SlotRule)),
    "MeetingState | None": _optional(_one_of(get_args(MeetingState))),
    "WorkState | None": _optional(_one_of(get_args(WorkState))),
    "str | Mapping[str, str]": _callback,
    "Callable[[str], Awaitable[T]]": _callable,
    "Callable[[str], T]": _callable,
}


def _checked(function: Callable[..., Any]) -> Callable[..., Any]:
    """``function`` with its arguments checked by their annotations first."""
    signature = inspect.signature(function)
    checks: dict[str, Check] = {}
    for name, parameter in signature.parameters.items():
        if name == "self":
            continue
        rule = RULES.get(str(parameter.annotation))
        if rule is None:
            raise TypeError(f"no argument rule for {function.__qualname__}({name}: ...)")
        checks[name] = rule

    def bound(*args: Any, **kwargs: Any) -> tuple[tuple[Any, ...], dict[str, Any]]:
        try:
            call = signature.bind(*args, **kwargs)
        except TypeError as exc:
            raise InvalidInputError(f"{function.__name__}(): {exc}") from None
        for name, value in call.arguments.items():
            if name in checks:
                call.arguments[name] = checks[name](name, value)
        return call.args, call.kwargs

    if inspect.iscoroutinefunction(function):

        @functools.wraps(function)
        async def checked_async(*args: Any, **kwargs: Any) -> Any:
            args, kwargs = bound(*args, **kwargs)
            return await function(*args, **kwargs)

        return checked_async

    @functools.wraps(function)
    def checked(*args: Any, **kwargs: Any) -> Any:
        args, kwargs = bound(*args, **kwargs)
        return function(*args, **kwargs)

    return checked


def check_settings(
    apps: Iterable[object],
    *,
    keyring: object,
    seconds: Mapping[str, object],
    spans: Mapping[str, object],
) -> None:
    """Refuse ZoomLink settings of the wrong type with a :class:`ConfigurationError`."""
    for app in apps:
        if not isinstance(app, ZoomApp):
            raise ConfigurationError(f"ZoomLink takes ZoomApps, not {type(app).__name__}")
    if keyring is not None and not isinstance(keyring, Keyring):
        raise ConfigurationError(f"keyring must be a Keyring, not {type(keyring).__name__}")
    for name, value in seconds.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            raise ConfigurationError(f"{name} must be a number of seconds, got {value!r}")
    for name, value in spans.items():
        if not isinstance(value, timedelta):
            raise ConfigurationError(f"{name} must be a timedelta, got {type(value).__name__}")


def check_arguments(cls: type) -> None:
    """Check the arguments of every public method of ``cls`` (its mixins' included)."""
    for name, member in inspect.getmembers(cls, inspect.isfunction):
        if not name.startswith("_") and name not in ("close", "aclose"):
            setattr(cls, name, _checked(member))
