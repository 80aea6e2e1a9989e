"""Hostile values for the hostile-input tests: wrong types, naive datetimes, huge, blank and
unstorable strings, unknown IDs full of Unicode oddities; and per parameter, what to throw at
it next to a harmless valid value."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import attrs
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from tests.reliability._scale import EXAMPLES, SCALE
from tests.reliability._world import NOW
from zoomlink import Actor, Booking, EventType, Participant
from zoomlink.booking import ID_MAX

HOSTILE = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=SCALE == 1,  # the default suite tries the same examples every time
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
START = NOW + timedelta(days=8)
HOST = Participant(name="Alice", time_zone="UTC", email="alice@example.com", user_id="alice")
CLIENT = Participant(name="Carol", time_zone="UTC", email="carol@example.net")
ZOOM = EventType(id="consult", title="Consultation", location="zoom")
BOOKING = Booking(
    id="bk-hostile",
    event_type=ZOOM,
    host=HOST,
    clients=(CLIENT,),
    start=START,
    end=START + timedelta(minutes=30),
    title="Consultation",
    recurrence="FREQ=WEEKLY;COUNT=3",
)

# -- hostile values ------------------------------------------------------------------------

WRONG_TYPES = st.one_of(
    st.none(),
    st.integers(),
    st.floats(allow_nan=True),
    st.booleans(),
    st.binary(max_size=8),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.builds(object),
)
BAD_TEXT = st.one_of(
    WRONG_TYPES,
    st.sampled_from(["", " ", "\t\n"]),
    st.integers(ID_MAX + 1, 100_000).map(lambda n: "x" * n),  # huge
    st.text(max_size=5).map(lambda t: f"a{t}\x00"),  # NUL: PostgreSQL cannot store it
    st.text(max_size=5).map(lambda t: f"a{t}\ud800"),  # a lone surrogate: not UTF-8
)
ODDITIES = st.sampled_from(
    [
        "e\u0301",
        "\u202egnp.exe",
        "👩\u200d💻",
        "\uff21\uff22\uff23",
        "İı",
        "\ufeffbom",
        "a" * ID_MAX,
        "'; --",
    ]
)
# Well-formed IDs no one has: a lookup finds nothing and must say so in a typed way.
UNKNOWN_ID = st.one_of(
    ODDITIES,
    st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), min_size=1).filter(
        lambda t: bool(t.strip()) and len(t) <= ID_MAX
    ),
)
NAIVE = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1))
BAD_TIME = st.one_of(NAIVE, WRONG_TYPES, st.text(max_size=20))
NOT_A_FLAG = st.one_of(st.none(), st.integers(), st.text(max_size=3), st.floats())
NOT_A_LIST = st.one_of(
    WRONG_TYPES.filter(lambda v: not isinstance(v, list)),
    st.text(min_size=1, max_size=5),  # one string is not a list of them
    st.lists(WRONG_TYPES, min_size=1, max_size=3),  # a list of the wrong things
)


def not_one_of(*choices: str) -> st.SearchStrategy[Any]:
    """Anything but one of ``choices``: wrong types, and other words."""
    other = st.one_of(WRONG_TYPES.filter(lambda v: v is not None), st.text(max_size=8))
    return other.filter(lambda v: not (isinstance(v, str) and v in choices))


@attrs.frozen
class Param:
    """What a parameter gets: hostile values, and a harmless valid one for when another
    parameter is the hostile one."""

    hostile: st.SearchStrategy[Any]
    valid: Any


def text(valid: str, *, lookup: bool = False) -> Param:
    """A text parameter; ``lookup`` ones (that only read) get unknown IDs too."""
    return Param(st.one_of(BAD_TEXT, UNKNOWN_ID) if lookup else BAD_TEXT, valid)


def of(kind: type, valid: Any) -> Param:
    """A parameter that takes a ``kind`` value."""
    return Param(
        st.one_of(WRONG_TYPES, st.text(max_size=5)).filter(lambda v: not isinstance(v, kind)), valid
    )


FLAG = Param(NOT_A_FLAG, False)
WHEN = Param(BAD_TIME, START)
TENANT = text("default", lookup=True)
ACTOR = of(Actor, Actor("alice", role="owner"))
# Negative, not whole minutes, or longer than a day: no buffer, duration or step (0 is a buffer).
BAD_SPAN = st.one_of(
    WRONG_TYPES,
    st.timedeltas(max_value=-timedelta(microseconds=1)),
    st.timedeltas(min_value=timedelta(days=1, minutes=1)),
    st.integers(1, 59).map(lambda seconds: timedelta(minutes=5, seconds=seconds)),
)
SPAN = Param(BAD_SPAN, timedelta(minutes=30))


@st.composite
def some_hostile(draw: st.DrawFn, params: dict[str, Param]) -> dict[str, Any]:
    """Arguments for ``params``: at least one hostile, the others valid."""
    if not params:
        return {}
    chosen = draw(st.sets(st.sampled_from(sorted(params)), min_size=1))
    return {p: draw(params[p].hostile) if p in chosen else params[p].valid for p in params}
