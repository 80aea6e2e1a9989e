"""SMS segment maths and the booking SMS that always fits in two parts (SPEC S2.8): checked
against a brute-force splitter and across arbitrary titles, answers and time zones."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zoomlink import Booking, EventType, MeetingRecord, Participant
from zoomlink._core import _sms
from zoomlink._core._bookings import pending_record
from zoomlink._core._messages import MeetingNews, notifications

PROPERTY = settings(max_examples=200, deadline=None)
EXTENSION = "^{}\\[~]|€\f"


def oracle_units(text: str) -> int:
    """Units by re-encoding: septets (escape pairs counted twice) or UTF-16 code units."""
    if _sms.encoding(text) == "gsm7":
        return len(text) + sum(text.count(char) for char in EXTENSION)
    return len(text.encode("utf-16-le")) // 2


def oracle_parts(text: str) -> list[str]:
    """The parts a phone sends, by trying every prefix: the longest that fits, again and
    again; one SMS when the whole text fits one."""
    single, part = _sms.LIMITS[_sms.encoding(text)]
    if oracle_units(text) <= single:
        return [text] if text else []
    parts, rest = [], text
    while rest:
        size = max(k for k in range(1, len(rest) + 1) if oracle_units(rest[:k]) <= part)
        parts.append(rest[:size])
        rest = rest[size:]
    return parts


GSM_TEXT = st.text(alphabet=sorted(_sms.GSM7_BASIC | _sms.GSM7_EXTENSION), max_size=400)
ANY_TEXT = st.text(max_size=250)


@PROPERTY
@given(st.one_of(GSM_TEXT, ANY_TEXT))
def test_segments_match_a_brute_force_split(text: str) -> None:
    """segments() counts the parts that splitting prefix by prefix makes."""
    parts = oracle_parts(text)
    assert "".join(parts) == text
    assert _sms.segments(text) == len(parts)


def test_the_alphabets_are_gsm_03_38() -> None:
    """127 characters in the default alphabet (128 codes less the escape), 10 in the extension;
    one character outside them makes the whole text UCS-2."""
    assert len(_sms.GSM7_BASIC) == 127
    assert len(_sms.GSM7_EXTENSION) == 10
    assert not _sms.GSM7_BASIC & _sms.GSM7_EXTENSION
    assert _sms.encoding("Grüße à Paris, 5€ [ok]") == "gsm7"
    assert _sms.encoding("Grüße à Paris, ç") == "ucs2"  # only the capital Ç is GSM-7
    assert _sms.encoding("Привет") == "ucs2"


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("a" * 160, 1),
        ("a" * 161, 2),
        ("a" * 306, 2),
        ("a" * 307, 3),
        ("€" * 80, 1),
        ("€" * 81, 2),
        ("a" * 152 + "€" + "a" * 153, 3),  # the escape pair moves whole to the next part
        ("ж" * 70, 1),
        ("ж" * 71, 2),
        ("ж" * 134, 2),
        ("ж" * 135, 3),
        ("😀" * 35, 1),
        ("a" + "😀" * 33 + "😀" * 34, 3),  # a surrogate pair is never split
        ("", 0),
    ],
)
def test_known_lengths(text: str, count: int) -> None:
    """The 160/153 and 70/67 limits, escape pairs and surrogate pairs, as 3GPP sets them."""
    assert _sms.segments(text) == count


NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
NEWS: list[MeetingNews] = ["meeting_scheduled", "meeting_rescheduled", "meeting_cancelled"]
ZONES = ["Europe/Berlin", "Asia/Kolkata", "America/St_Johns", "Pacific/Chatham", "UTC"]
PRINTABLE = st.text(st.characters(exclude_categories=("Cs", "Cc")), min_size=1, max_size=200)


@PROPERTY
@given(
    title=PRINTABLE.filter(lambda s: bool(s.strip())),
    answers=st.lists(st.tuples(PRINTABLE.filter(lambda s: bool(s.strip())), PRINTABLE), max_size=3),
    zone=st.sampled_from(ZONES),
    minutes=st.integers(15, 24 * 60),
    news=st.sampled_from(NEWS),
    password=st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789@-_*", min_size=0, max_size=10),
)
def test_booking_sms_fits_two_parts_and_keeps_the_details(
    title: str,
    answers: list[tuple[str, str]],
    zone: str,
    minutes: int,
    news: MeetingNews,
    password: str,
) -> None:
    """Whatever the title and answers, the SMS takes at most two parts and still holds the
    start time, and for a live meeting the join link, meeting ID and passcode."""
    texter = Participant(name="Sid", time_zone=zone, phone="+819012345678", channel="sms")
    start = datetime(2026, 3, 10, 14, 0, tzinfo=timezone.utc)
    booking = Booking(
        id="bk_1",
        event_type=EventType(id="consult", title="Consultation", location="zoom"),
        host=Participant(
            name="Al", time_zone="Europe/Berlin", email="al@example.com", user_id="al"
        ),
        clients=(texter,),
        start=start,
        end=start + timedelta(minutes=minutes),
        title=title[:200],
        answers=answers,
    )
    record: MeetingRecord = attrs.evolve(
        pending_record(
            booking, connection_id="c1", zoom_user="me", quota_user="u", now=NOW, previous=None
        ),
        state="scheduled",
        meeting_id=85746065432,
        join_url="https://us05web.zoom.us/j/85746065432?pwd=Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z.1",
        password=password,
    )
    [sms] = [n for n in notifications(news, booking, record, NOW) if n.channel == "sms"]
    assert _sms.segments(sms.text) <= 2
    local = start.astimezone(ZoneInfo(zone))
    assert f"{local:%H:%M}" in sms.text
    if news != "meeting_cancelled":
        assert record.join_url in sms.text
        assert "85746065432" in sms.text
        assert f"passcode {password}" in sms.text if password else "passcode" not in sms.text
