"""RRULEs become one recurring Zoom meeting: Zoom's ``recurrence`` fields, every occurrence's
start as Zoom expands it (the fake Zoom agrees), and a clear refusal for what Zoom cannot say."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from itertools import islice
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from dateutil import rrule
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from zoomlink._core._recurrence import (
    MAX_INTERVAL,
    WEEKDAYS,
    ZoomRecurrence,
    describe,
    occurrence_id,
    plan_recurrence,
)
from zoomlink.errors import InvalidBookingError, InvalidInputError
from zoomlink.testing._recurrence import check_recurrence
from zoomlink.testing._recurrence import expand as fake_expand
from zoomlink.testing._timefmt import epoch_ms

BERLIN = "Europe/Berlin"
ZB = ZoneInfo(BERLIN)
MONDAY = datetime(2026, 5, 4, 9, 0, tzinfo=ZB)  # the first Monday of May 2026
LAST_FRIDAY = datetime(2026, 5, 29, 9, 0, tzinfo=ZB)
UTC = timezone.utc


def plan(rule: str, start: datetime = MONDAY, zone: str = BERLIN) -> ZoomRecurrence:
    """The plan for ``rule``, checked against the fake Zoom's own expansion of its fields."""
    recurrence = plan_recurrence(rule, start, zone)
    assert fake_starts(recurrence, start, zone) == list(recurrence.starts)
    return recurrence


def fake_starts(recurrence: ZoomRecurrence, start: datetime, zone: str) -> list[datetime]:
    """The occurrences the fake Zoom schedules for the recurrence's fields."""
    errors: list[tuple[str, str]] = []
    checked = check_recurrence(recurrence.zoom_fields(), errors)
    assert errors == []
    assert checked is not None
    return fake_expand(checked, start, ZoneInfo(zone))


def local(recurrence: ZoomRecurrence, zone: str = BERLIN) -> list[str]:
    """The occurrences as local wall-clock text."""
    return [f"{s.astimezone(ZoneInfo(zone)):%a %Y-%m-%d %H:%M}" for s in recurrence.starts]


@pytest.mark.parametrize(
    ("rule", "start", "fields", "walls"),
    [
        pytest.param(
            "FREQ=DAILY;COUNT=3",
            MONDAY,
            {"type": 1, "repeat_interval": 1, "end_times": 3},
            ["Mon 2026-05-04 09:00", "Tue 2026-05-05 09:00", "Wed 2026-05-06 09:00"],
            id="daily",
        ),
        pytest.param(
            "FREQ=DAILY;INTERVAL=3;COUNT=3",
            MONDAY,
            {"type": 1, "repeat_interval": 3, "end_times": 3},
            ["Mon 2026-05-04 09:00", "Thu 2026-05-07 09:00", "Sun 2026-05-10 09:00"],
            id="daily-interval",
        ),
        pytest.param(
            "FREQ=WEEKLY;COUNT=2",
            MONDAY,
            {"type": 2, "repeat_interval": 1, "weekly_days": "2", "end_times": 2},
            ["Mon 2026-05-04 09:00", "Mon 2026-05-11 09:00"],
            id="weekly-start-day",
        ),
        pytest.param(
            "FREQ=WEEKLY;BYDAY=MO;COUNT=2",
            MONDAY,
            {"type": 2, "repeat_interval": 1, "weekly_days": "2", "end_times": 2},
            ["Mon 2026-05-04 09:00", "Mon 2026-05-11 09:00"],
            id="weekly-one-day",
        ),
        pytest.param(
            "FREQ=WEEKLY;BYDAY=FR,MO,WE,SU;COUNT=5",
            MONDAY,
            {"type": 2, "repeat_interval": 1, "weekly_days": "1,2,4,6", "end_times": 5},
            [
                "Mon 2026-05-04 09:00",
                "Wed 2026-05-06 09:00",
                "Fri 2026-05-08 09:00",
                "Sun 2026-05-10 09:00",
                "Mon 2026-05-11 09:00",
            ],
            id="weekly-several-days",
        ),
        pytest.param(
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH;COUNT=4",
            MONDAY,
            {"type": 2, "repeat_interval": 2, "weekly_days": "2,5", "end_times": 4},
            [
                "Mon 2026-05-04 09:00",
                "Thu 2026-05-07 09:00",
                "Mon 2026-05-18 09:00",
                "Thu 2026-05-21 09:00",
            ],
            id="weekly-interval",
        ),
        pytest.param(
            "FREQ=MONTHLY;BYMONTHDAY=4;COUNT=3",
            MONDAY,
            {"type": 3, "repeat_interval": 1, "monthly_day": 4, "end_times": 3},
            ["Mon 2026-05-04 09:00", "Thu 2026-06-04 09:00", "Sat 2026-07-04 09:00"],
            id="monthly-day",
        ),
        pytest.param(
            "FREQ=MONTHLY;INTERVAL=2;COUNT=3",
            MONDAY,
            {"type": 3, "repeat_interval": 2, "monthly_day": 4, "end_times": 3},
            ["Mon 2026-05-04 09:00", "Sat 2026-07-04 09:00", "Fri 2026-09-04 09:00"],
            id="monthly-start-day",
        ),
        pytest.param(
            "FREQ=MONTHLY;BYDAY=1MO;COUNT=3",
            MONDAY,
            {
                "type": 3,
                "repeat_interval": 1,
                "monthly_week": 1,
                "monthly_week_day": 2,
                "end_times": 3,
            },
            ["Mon 2026-05-04 09:00", "Mon 2026-06-01 09:00", "Mon 2026-07-06 09:00"],
            id="monthly-nth-weekday",
        ),
        pytest.param(
            "FREQ=MONTHLY;BYDAY=-1FR;COUNT=3",
            LAST_FRIDAY,
            {
                "type": 3,
                "repeat_interval": 1,
                "monthly_week": -1,
                "monthly_week_day": 6,
                "end_times": 3,
            },
            ["Fri 2026-05-29 09:00", "Fri 2026-06-26 09:00", "Fri 2026-07-31 09:00"],
            id="monthly-last-weekday",
        ),
        pytest.param(
            "FREQ=WEEKLY;BYDAY=MO;UNTIL=20260525T070000Z",
            MONDAY,
            {
                "type": 2,
                "repeat_interval": 1,
                "weekly_days": "2",
                "end_date_time": "2026-05-25T07:00:00Z",
            },
            [
                "Mon 2026-05-04 09:00",
                "Mon 2026-05-11 09:00",
                "Mon 2026-05-18 09:00",
                "Mon 2026-05-25 09:00",
            ],
            id="until-utc-inclusive",
        ),
        pytest.param(
            "FREQ=WEEKLY;UNTIL=20260525",
            MONDAY,
            {
                "type": 2,
                "repeat_interval": 1,
                "weekly_days": "2",
                "end_date_time": "2026-05-25T21:59:59Z",
            },
            [
                "Mon 2026-05-04 09:00",
                "Mon 2026-05-11 09:00",
                "Mon 2026-05-18 09:00",
                "Mon 2026-05-25 09:00",
            ],
            id="until-date-end-of-local-day",
        ),
    ],
)
def test_accepted_shapes(
    rule: str, start: datetime, fields: dict[str, Any], walls: list[str]
) -> None:
    """Each Zoom-expressible shape gives Zoom's recurrence fields and the expected starts."""
    recurrence = plan(rule, start)
    assert recurrence.zoom_fields() == fields
    assert local(recurrence) == walls
    assert recurrence.starts[0] == start
    assert all(s.tzinfo is UTC for s in recurrence.starts)


@pytest.mark.parametrize(
    ("rule", "fragment"),
    [
        ("", "is empty"),
        ("COUNT=3", "has no FREQ"),
        ("garbage", "is not NAME=VALUE"),
        ("FREQ=DAILY;COUNT=3;X-FOO=1", "unknown part X-FOO"),
        ("FREQ=DAILY;FREQ=WEEKLY;COUNT=3", "FREQ is given twice"),
        ("FREQ=WEEKLY;BYDAY=XX;COUNT=2", "is not a week day"),
        ("FREQ=DAILY;COUNT=x", "COUNT=X is not a whole number"),
        ("FREQ=FORTNIGHTLY;COUNT=2", "FREQ=FORTNIGHTLY is not a frequency"),
        ("FREQ=YEARLY;COUNT=2", "Zoom repeats DAILY, WEEKLY or MONTHLY"),
        ("FREQ=HOURLY;COUNT=2", "FREQ=HOURLY cannot be repeated by Zoom"),
        ("FREQ=DAILY;INTERVAL=100;COUNT=2", "every 1 to 99 days"),
        ("FREQ=DAILY;INTERVAL=0;COUNT=2", "INTERVAL=0 is out of range"),
        ("FREQ=WEEKLY;INTERVAL=51;COUNT=2", "every 1 to 50 weeks"),
        ("FREQ=MONTHLY;INTERVAL=11;COUNT=2", "every 1 to 10 months"),
        ("FREQ=WEEKLY", "Zoom needs COUNT (1 to 60) or UNTIL"),
        ("FREQ=DAILY;COUNT=61", "Zoom repeats a meeting 1 to 60 times"),
        ("FREQ=DAILY;COUNT=0", "COUNT=0 is out of range"),
        ("FREQ=DAILY;UNTIL=20261231", "more than 60 occurrences"),
        ("FREQ=DAILY;COUNT=3;UNTIL=20260510", "give COUNT or UNTIL, not both"),
        ("FREQ=DAILY;UNTIL=20260510T090000", "a UTC time (UNTIL=20260630T170000Z)"),
        ("FREQ=DAILY;UNTIL=20260231", "UNTIL=20260231 is not a date from year 1 to 9999"),
        ("FREQ=DAILY;UNTIL=20260501", "ends the rule before the booking's start"),
        ("FREQ=MONTHLY;BYDAY=MO,TU;BYSETPOS=1;COUNT=3", "BYSETPOS=1 cannot be repeated by Zoom"),
        ("FREQ=DAILY;BYHOUR=9,17;COUNT=3", "starts at the booking's time of day"),
        ("FREQ=DAILY;BYMINUTE=30;COUNT=3", "BYMINUTE=30 cannot be repeated by Zoom"),
        ("FREQ=DAILY;BYSECOND=0;COUNT=3", "BYSECOND=0 cannot be repeated by Zoom"),
        ("FREQ=DAILY;BYYEARDAY=124;COUNT=3", "days, weeks or months of the year"),
        ("FREQ=WEEKLY;BYWEEKNO=19;COUNT=3", "BYWEEKNO=19 cannot be repeated by Zoom"),
        ("FREQ=MONTHLY;BYMONTH=5,6;COUNT=3", "BYMONTH=5,6 cannot be repeated by Zoom"),
        ("FREQ=DAILY;BYEASTER=0;COUNT=3", "BYEASTER=0 cannot be repeated by Zoom"),
        ("FREQ=MONTHLY;BYMONTHDAY=4,18;COUNT=3", "BYMONTHDAY=4,18 has 2 days"),
        ("FREQ=MONTHLY;BYMONTHDAY=-1;COUNT=3", "is not a day from 1 to 31"),
        ("FREQ=MONTHLY;BYMONTHDAY=32;COUNT=3", "is not a day from 1 to 31"),
        ("FREQ=WEEKLY;BYMONTHDAY=4;COUNT=3", "cannot be used in a weekly rule"),
        ("FREQ=WEEKLY;BYDAY=1MO;COUNT=3", "a weekly rule takes BYDAY=MO,WE"),
        ("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,SU;COUNT=3", "(WKST=MO, the RRULE default)"),
        ("FREQ=WEEKLY;WKST=TU;INTERVAL=2;BYDAY=MO,WE;COUNT=4", "add WKST=SU"),
        ("FREQ=WEEKLY;WKST=XY;COUNT=3", "WKST=XY is not a week day"),
        ("FREQ=MONTHLY;BYDAY=1MO,3MO;COUNT=3", "BYDAY=1MO,3MO has 2 days"),
        ("FREQ=MONTHLY;BYDAY=MO;COUNT=3", "means every Monday"),
        ("FREQ=MONTHLY;BYDAY=5MO;COUNT=3", "Monday number 5 of the month"),
        ("FREQ=MONTHLY;BYDAY=-2MO;COUNT=3", "or last (-1) week day of the month"),
        ("FREQ=MONTHLY;BYDAY=1MO;BYMONTHDAY=4;COUNT=3", "gives both days"),
        ("FREQ=DAILY;BYDAY=MO,TU;COUNT=3", "write FREQ=WEEKLY;BYDAY=..."),
        ("FREQ=DAILY;BYMONTHDAY=4;COUNT=3", "cannot be used in a daily rule"),
        ("DTSTART:20260504T090000\nRRULE:FREQ=DAILY;COUNT=2", "the rule carries a DTSTART"),
        ("FREQ=DAILY;DTSTART=20260504T090000;COUNT=2", "the rule carries a DTSTART"),
        ("RRULE:FREQ=DAILY;COUNT=3\nEXDATE:20260505T090000", "Zoom cannot take EXDATE"),
        ("FREQ=WEEKLY;BYDAY=TU;COUNT=3", "first occurrence is Tuesday 2026-05-05 09:00"),
        ("FREQ=MONTHLY;BYMONTHDAY=15;COUNT=3", "the rule must repeat on the start's day"),
        ("FREQ=MONTHLY;BYDAY=2MO;COUNT=3", "first occurrence is Monday 2026-05-11 09:00"),
    ],
)
def test_refused_shapes(rule: str, fragment: str) -> None:
    """What Zoom cannot repeat exactly is refused on ``recurrence``, saying what and why."""
    with pytest.raises(InvalidBookingError) as caught:
        plan_recurrence(rule, MONDAY, BERLIN)
    assert caught.value.field == "recurrence"
    assert fragment in str(caught.value)


def test_a_start_off_the_rule_names_both_days() -> None:
    """A weekly Tuesday rule from a Monday start is refused, naming the start and the rule's day."""
    with pytest.raises(InvalidBookingError, match="booking starts Monday 2026-05-04 09:00"):
        plan_recurrence("FREQ=WEEKLY;BYDAY=TU;COUNT=3", MONDAY, BERLIN)


@pytest.mark.parametrize(
    ("start", "zone", "field"),
    [
        (datetime(2026, 5, 4, 9, 0), BERLIN, "start"),
        (MONDAY.replace(microsecond=500), BERLIN, "start"),
        (MONDAY, "Europe/Nowhere", "host.time_zone"),
        (MONDAY, "", "host.time_zone"),
        (MONDAY, "../etc/passwd", "host.time_zone"),
    ],
)
def test_bad_start_or_zone(start: datetime, zone: str, field: str) -> None:
    """A naive or sub-second start, or an unknown time zone, is refused on its own field."""
    with pytest.raises(InvalidBookingError) as caught:
        plan_recurrence("FREQ=DAILY;COUNT=2", start, zone)
    assert caught.value.field == field


def test_rules_past_the_year_9999_are_refused() -> None:
    """A rule that would run past what datetime can hold is refused, not cut short."""
    late = datetime(9999, 12, 30, 9, 0, tzinfo=UTC)
    with pytest.raises(InvalidBookingError, match="COUNT=3 runs past the year 9999"):
        plan_recurrence("FREQ=DAILY;COUNT=3", late, "UTC")
    with pytest.raises(InvalidBookingError, match="UNTIL=99991231 is not a date from year 1"):
        plan_recurrence("FREQ=DAILY;UNTIL=99991231", late, "America/New_York")


def test_rule_text_is_normalised() -> None:
    """The kept rule is upper-case, without ``RRULE:``, its parts in a fixed order."""
    recurrence = plan(" rrule:count=6;byday=mo,we;freq=weekly; ")
    assert recurrence.rule == "FREQ=WEEKLY;BYDAY=MO,WE;COUNT=6"


def test_wkst_is_accepted_where_it_changes_nothing() -> None:
    """A week start other than Sunday is accepted wherever the occurrences come out the same."""
    assert plan("FREQ=WEEKLY;WKST=MO;BYDAY=MO,SU;COUNT=4").zoom_fields()["weekly_days"] == "1,2"
    assert plan("FREQ=WEEKLY;WKST=TH;INTERVAL=2;COUNT=3").zoom_fields()["weekly_days"] == "2"
    assert plan("FREQ=MONTHLY;WKST=MO;INTERVAL=2;COUNT=2").zoom_fields()["monthly_day"] == 4


def test_the_default_monday_week_start_is_refused_where_it_differs() -> None:
    """Every other week on Monday and Sunday differs between the RRULE's default Monday weeks
    and Zoom's Sunday weeks, so it is refused, naming the first day they disagree on."""
    with pytest.raises(InvalidBookingError, match="the rule repeats on Sunday 2026-05-10"):
        plan_recurrence("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,SU;COUNT=4", MONDAY, BERLIN)


def test_weekly_interval_counts_weeks_from_sunday() -> None:
    """Every other week on Sunday and Monday with WKST=SU: Sunday starts Zoom's next week."""
    recurrence = plan("FREQ=WEEKLY;INTERVAL=2;BYDAY=SU,MO;WKST=SU;COUNT=4")
    assert local(recurrence) == [
        "Mon 2026-05-04 09:00",
        "Sun 2026-05-17 09:00",
        "Mon 2026-05-18 09:00",
        "Sun 2026-05-31 09:00",
    ]


def test_zoom_fields_is_a_fresh_dict() -> None:
    """Changing the dict zoom_fields() returned leaves the recurrence unchanged."""
    recurrence = plan("FREQ=DAILY;COUNT=2")
    recurrence.zoom_fields()["end_times"] = 60
    assert recurrence.zoom_fields()["end_times"] == 2


def test_weekly_across_spring_forward_keeps_local_time() -> None:
    """A Berlin 09:00 weekly meeting stays at 09:00 across 2026-03-29; its UTC time moves."""
    recurrence = plan("FREQ=WEEKLY;COUNT=3", datetime(2026, 3, 23, 9, 0, tzinfo=ZB))
    assert local(recurrence) == [
        "Mon 2026-03-23 09:00",
        "Mon 2026-03-30 09:00",
        "Mon 2026-04-06 09:00",
    ]
    assert [s.hour for s in recurrence.starts] == [8, 7, 7]


def test_weekly_across_fall_back_keeps_local_time() -> None:
    """A Berlin 09:00 weekly meeting stays at 09:00 across 2026-10-25; its UTC time moves."""
    recurrence = plan("FREQ=WEEKLY;COUNT=2", datetime(2026, 10, 19, 9, 0, tzinfo=ZB))
    assert [s.hour for s in recurrence.starts] == [7, 8]


def test_skipped_wall_time_moves_forward() -> None:
    """A daily 02:30 falls in Berlin's spring gap on 2026-03-29 and is held at 03:30 CEST."""
    recurrence = plan("FREQ=DAILY;COUNT=3", datetime(2026, 3, 28, 2, 30, tzinfo=ZB))
    assert recurrence.starts == (
        datetime(2026, 3, 28, 1, 30, tzinfo=UTC),
        datetime(2026, 3, 29, 1, 30, tzinfo=UTC),
        datetime(2026, 3, 30, 0, 30, tzinfo=UTC),
    )
    assert local(recurrence)[1] == "Sun 2026-03-29 03:30"


def test_repeated_wall_time_is_the_first_pass() -> None:
    """A daily 02:30 on Berlin's fall-back day 2026-10-25 is the first (CEST) 02:30."""
    recurrence = plan("FREQ=DAILY;COUNT=2", datetime(2026, 10, 24, 2, 30, tzinfo=ZB))
    assert recurrence.starts[1] == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)


def test_a_start_in_the_repeated_hours_second_pass_is_refused() -> None:
    """A start at the second 02:30 of 2026-10-25 cannot be Zoom's first occurrence."""
    second = datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    with pytest.raises(InvalidBookingError, match="second pass of a wall time repeated") as caught:
        plan_recurrence("FREQ=DAILY;COUNT=2", second, BERLIN)
    assert caught.value.field == "start"
    first = datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert plan("FREQ=DAILY;COUNT=2", first).starts[0] == first


def test_until_is_compared_on_the_wall_clock() -> None:
    """UNTIL is read back on the local wall clock, as Zoom does: a skipped 02:30 held at 03:30
    CEST still counts before an UNTIL of 03:15 CEST."""
    start = datetime(2026, 3, 28, 2, 30, tzinfo=ZB)
    recurrence = plan("FREQ=DAILY;UNTIL=20260329T011500Z", start)
    assert recurrence.starts[-1] == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("rule", "start", "text"),
    [
        ("FREQ=DAILY;COUNT=1", MONDAY, "daily, once"),
        ("FREQ=DAILY;INTERVAL=3;COUNT=4", MONDAY, "every 3 days, 4 times"),
        ("FREQ=WEEKLY;BYDAY=MO,WE;COUNT=6", MONDAY, "weekly on Monday and Wednesday, 6 times"),
        (
            "FREQ=WEEKLY;BYDAY=SU,FR,MO;COUNT=6",
            MONDAY,
            "weekly on Monday, Friday and Sunday, 6 times",
        ),
        (
            "FREQ=WEEKLY;INTERVAL=2;UNTIL=20260630",
            MONDAY,
            "every 2 weeks on Monday, until 2026-06-30",
        ),
        ("FREQ=MONTHLY;COUNT=4", MONDAY, "monthly on day 4, 4 times"),
        ("FREQ=MONTHLY;BYDAY=1MO;COUNT=2", MONDAY, "monthly on the first Monday, twice"),
        (
            "FREQ=MONTHLY;BYDAY=-1FR;UNTIL=20261231T230000Z",
            LAST_FRIDAY,
            "monthly on the last Friday, until 2027-01-01",
        ),
    ],
)
def test_describe(rule: str, start: datetime, text: str) -> None:
    """describe() says in a few words how often, on which days, and until when (local date)."""
    assert describe(plan(rule, start), BERLIN) == text


def test_occurrence_id_is_epoch_milliseconds_as_the_fake_uses() -> None:
    """An occurrence's id is its start in epoch milliseconds, the same id the fake gives."""
    recurrence = plan("FREQ=WEEKLY;COUNT=3")
    assert occurrence_id(recurrence.starts[0]) == "1777878000000"
    assert [occurrence_id(s) for s in recurrence.starts] == [
        str(epoch_ms(s)) for s in recurrence.starts
    ]
    with pytest.raises(InvalidInputError):
        occurrence_id(datetime(2026, 5, 4, 9, 0))


# The property: for any rule Zoom can express, zoomlink's starts are dateutil's expansion of
# the rule on the local wall clock, and the fake Zoom schedules the very same occurrences.
ZONES = ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu", "UTC"]
FIRST = datetime(2024, 1, 1, tzinfo=UTC)
MINUTES = int((datetime(2031, 1, 1, tzinfo=UTC) - FIRST).total_seconds() // 60)
PERIOD_DAYS = {"DAILY": 1, "WEEKLY": 7, "MONTHLY": 31}


@st.composite
def cases(draw: st.DrawFn) -> tuple[str, datetime, str]:
    """A Zoom-expressible rule, a start (a real instant) and a zone."""
    zone = draw(st.sampled_from(ZONES))
    start = FIRST + timedelta(minutes=draw(st.integers(0, MINUTES - 1)))
    wall = start.astimezone(ZoneInfo(zone))
    freq = draw(st.sampled_from(["DAILY", "WEEKLY", "MONTHLY"]))
    interval = draw(st.integers(1, MAX_INTERVAL[freq]))
    parts = [f"FREQ={freq}"]
    if interval > 1 or draw(st.booleans()):
        parts.append(f"INTERVAL={interval}")
    parts += draw(st.sampled_from([[], ["WKST=SU"], ["WKST=MO"], ["WKST=TH"]]))
    if freq == "WEEKLY":
        days = {wall.weekday()} | draw(st.sets(st.integers(0, 6)))
        if len(days) > 1 or draw(st.booleans()):
            parts.append(
                "BYDAY=" + ",".join(WEEKDAYS[d] for d in draw(st.permutations(sorted(days))))
            )
    if freq == "MONTHLY":
        options: list[list[str]] = [[], [f"BYMONTHDAY={wall.day}"]]
        weekday = WEEKDAYS[wall.weekday()]
        if wall.day <= 28:
            options.append([f"BYDAY={(wall.day - 1) // 7 + 1}{weekday}"])
        if (wall + timedelta(days=7)).month != wall.month:
            options.append([f"BYDAY=-1{weekday}"])
        parts += draw(st.sampled_from(options))
    end = draw(st.sampled_from(["count", "date", "utc"]))
    span = timedelta(days=draw(st.integers(0, 60 * interval * PERIOD_DAYS[freq])))
    if end == "count":
        parts.append(f"COUNT={draw(st.integers(1, 60))}")
    elif end == "date":
        parts.append(f"UNTIL={(wall + span).date():%Y%m%d}")
    else:
        until = start + span + timedelta(seconds=draw(st.integers(0, 86399)))
        parts.append(f"UNTIL={until:%Y%m%dT%H%M%SZ}")
    text = ";".join(draw(st.permutations(parts)))
    return draw(st.sampled_from([text, "RRULE:" + text, text.lower()])), start, zone


def dateutil_starts(
    rule: str, start: datetime, zone: ZoneInfo, wkst: str | None = None
) -> list[datetime]:
    """dateutil's own expansion, on an aware wall clock, with a date UNTIL as the end of that
    local day (and weeks starting on ``wkst`` when given); at most 61 occurrences."""
    parts = rule.upper().removeprefix("RRULE:").split(";")
    if wkst is not None:
        parts = [part for part in parts if not part.startswith("WKST=")] + [f"WKST={wkst}"]
    for index, part in enumerate(parts):
        if part.startswith("UNTIL=") and "T" not in part[6:]:
            day = datetime.strptime(part[6:], "%Y%m%d").replace(hour=23, minute=59, second=59)
            end = day.replace(tzinfo=zone).astimezone(UTC)
            parts[index] = f"UNTIL={end:%Y%m%dT%H%M%SZ}"
    expansion = rrule.rrulestr(";".join(parts), dtstart=start.astimezone(zone))
    return [s.astimezone(UTC) for s in islice(iter(expansion), 61)]


def steady_around(when: datetime, zone: ZoneInfo) -> bool:
    """Whether ``zone``'s offset is the same for an hour either side of ``when``."""
    offsets = {(when + timedelta(hours=h)).astimezone(zone).utcoffset() for h in (-1, 0, 1)}
    return len(offsets) == 1


@settings(max_examples=200, deadline=None)
@given(cases())
def test_zoomlink_dateutil_and_the_fake_agree(case: tuple[str, datetime, str]) -> None:
    """For any Zoom-expressible rule, zoomlink's starts are dateutil's expansion on the local
    wall clock and exactly the occurrences the fake Zoom schedules; rules past 60 occurrences,
    or whose week start changes the occurrences, are refused."""
    rule, start, name = case
    zone = ZoneInfo(name)
    # Zoom reads a repeated wall time as its first pass; that start is refused (tested above).
    assume(start.astimezone(zone).fold == 0)
    until = rule.upper().partition("UNTIL=")[2].split(";")[0]
    if until.endswith("Z"):
        # Near a clock change UNTIL is compared on the wall clock (tested above), not as an
        # instant as dateutil compares it.
        end = datetime.strptime(until, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        assume(steady_around(end, zone))
    expected = dateutil_starts(rule, start, zone)
    if expected != dateutil_starts(rule, start, zone, wkst="SU"):
        # The rule's weeks (WKST, by default Monday) repeat unlike Zoom's Sunday weeks.
        with pytest.raises(InvalidBookingError, match=r"add WKST=SU|more than 60"):
            plan_recurrence(rule, start, name)
        return
    if len(expected) > 60:
        with pytest.raises(InvalidBookingError, match="more than 60 occurrences"):
            plan_recurrence(rule, start, name)
        return
    recurrence = plan_recurrence(rule, start, name)
    assert list(recurrence.starts) == expected
    assert fake_starts(recurrence, start, name) == expected
    assert describe(recurrence, name)


def test_the_oracle_expands_a_date_until_to_the_end_of_the_local_day() -> None:
    """The property's dateutil oracle keeps an occurrence late on a date UNTIL's day."""
    late = datetime(2026, 5, 4, 23, 30, tzinfo=ZB)
    expected = dateutil_starts("FREQ=WEEKLY;UNTIL=20260511", late, ZB)
    assert expected == list(plan("FREQ=WEEKLY;UNTIL=20260511", late).starts)
    assert len(expected) == 2
