"""The shared send limit's rule (zoomlink._core._limits.next_slot) against a brute-force
oracle: slots in order, never before their request or a 429's pause, never more than ``rate``
in any window (stretched by the 429s met lately), and each as early as those rules allow."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from zoomlink._core._limits import (
    STRETCH_DECAY,
    STRETCH_MOST,
    STRETCH_STEP,
    PaceState,
    next_slot,
)

PROPERTY = settings(max_examples=300, deadline=None)

# A request: (seconds since the previous one, the pause a 429 asked for then, or 0).
requests = st.lists(
    st.tuples(
        st.sampled_from([0.0, 0.0, 0.01, 0.1, 0.3, 0.5, 1.0, 2.5]),
        st.sampled_from([0.0, 0.0, 0.0, 0.2, 1.0]),
    ),
    min_size=1,
    max_size=40,
)


def _oracle(
    given_slots: list[float], now: float, not_before: float, rate: int, window: float
) -> float:
    """The earliest time, tried on a fine grid of candidates, at which one more slot keeps
    every rule, given every slot handed out before."""
    candidates = {now, not_before, *given_slots}
    candidates |= {slot + window for slot in given_slots}
    for time in sorted(c for c in candidates if c >= now):
        if time < not_before or (given_slots and time < given_slots[-1]):
            continue
        in_window = [slot for slot in given_slots if time - window < slot <= time]
        if len(in_window) < rate:
            return time
    raise AssertionError("no candidate fits")  # pragma: no cover - a slot always exists


@PROPERTY
@given(requests, st.integers(min_value=1, max_value=6), st.sampled_from([1.0, 1.05]))
def test_slots_keep_the_window_and_come_as_early_as_allowed(
    calls: list[tuple[float, float]], rate: int, window: float
) -> None:
    """Every slot is the oracle's earliest allowed time, and no window holds more than rate."""
    state, now, not_before = PaceState(), 1000.0, 0.0
    stretch, raised_at = 0.0, -1e9  # the window's stretch as of raised_at
    slots: list[float] = []
    for gap, pause in calls:
        now += gap
        current = max(0.0, stretch - (now - raised_at) * STRETCH_DECAY)
        if pause > 0:
            not_before = max(not_before, now + pause)
            if now - raised_at >= window:
                stretch, raised_at = min(STRETCH_MOST, current + STRETCH_STEP), now
                current = stretch
        state, wait = next_slot(state, now, rate=rate, window=window, pause=pause)
        slot = now + wait
        assert wait >= 0
        assert abs(slot - _oracle(slots, now, not_before, rate, window + current)) < 1e-9
        slots.append(slot)
    for first in slots:  # every window that starts at a slot
        assert sum(1 for slot in slots if first <= slot < first + window) <= rate


def test_a_burst_of_rate_leaves_at_once_then_waits_for_the_window() -> None:
    """Three sends allowed per second: three leave now, the fourth a window after the first."""
    state, waits = PaceState(), []
    for _ in range(4):
        state, wait = next_slot(state, 50.0, rate=3, window=1.0)
        waits.append(wait)
    assert waits == [0.0, 0.0, 0.0, 1.0]


def test_the_state_survives_its_text_form() -> None:
    """A store keeps the state as text; it reads back equal, an older zoomlink's text (no
    stretch) reads as unstretched, and unreadable text starts anew."""
    state, _ = next_slot(PaceState(), 7.5, rate=2, window=1.0, pause=3.0)
    assert state.stretch == STRETCH_STEP
    assert PaceState.parse(state.text()) == state
    assert PaceState.parse("[10.5, [7.5]]") == PaceState((7.5,), 10.5)
    assert PaceState.parse("not json") == PaceState()
    assert PaceState.parse("[1]") == PaceState()
    assert PaceState.parse(None) == PaceState()


def test_a_429_stretches_the_window_once_per_window_and_quiet_time_gives_it_back() -> None:
    """The 429s met in one window widen the spacing once; more windows with 429s widen it
    up to the most; without 429s it narrows back to the plain window."""
    state, _ = next_slot(PaceState(), 100.0, rate=1, window=1.0, pause=0.5)
    state, _ = next_slot(state, 100.2, rate=1, window=1.0, pause=0.5)  # the same window
    assert (state.stretch, state.stretched_at) == (STRETCH_STEP, 100.0)
    for second in range(1, 20):
        state, _ = next_slot(state, 100.0 + 2 * second, rate=1, window=1.0, pause=0.1)
    assert state.stretch == STRETCH_MOST
    quiet = 138.0 + STRETCH_MOST / STRETCH_DECAY
    state, wait = next_slot(state, quiet, rate=1, window=1.0)
    state, wait = next_slot(state, quiet, rate=1, window=1.0)
    assert wait == 1.0  # back to the plain window
    assert state == PaceState((quiet + 1.0,), state.not_before)  # and no stretch kept
