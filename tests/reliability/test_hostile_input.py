"""Hostile input on every public call: each public method of ZoomLink and AsyncZoomLink (found
by introspection, so a new one without a strategy here fails the suite) and each public
constructor gets wrong types, naive datetimes, huge strings, blank values, unstorable text
(NUL, lone surrogates), and unknown IDs full of Unicode oddities. Only zoomlink's typed errors
may come out, and nothing in the store (every SQLite table) or in the fake Zoom (its meetings
and its journal) may change. OAuth forgeries — a tampered state, a callback replayed, a code
whose PKCE challenge is not the one zoomlink sent — are refused the same way.

Example counts are small in the default suite; ``ZOOMLINK_RELIABILITY_SCALE`` raises them.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import sqlite3
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import attrs
import psycopg
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import USER_APP, unique_prefix
from tests.reliability._hostile import (
    ACTOR,
    BAD_TEXT,
    BAD_TIME,
    BOOKING,
    CLIENT,
    FLAG,
    HOST,
    HOSTILE,
    NOT_A_LIST,
    SPAN,
    START,
    TENANT,
    UNKNOWN_ID,
    WHEN,
    WRONG_TYPES,
    ZOOM,
    Param,
    not_one_of,
    of,
    some_hostile,
    text,
)
from tests.reliability._world import World, world
from zoomlink import (
    Actor,
    AsyncTokenStore,
    AsyncZoomLink,
    AuthorizationCodeError,
    Booking,
    Endpoints,
    EventType,
    InvalidStateError,
    Keyring,
    Member,
    OtherEvent,
    Participant,
    Pkce,
    RetryPolicy,
    TokenStore,
    ZoomApp,
    ZoomLink,
    ZoomLinkError,
)
from zoomlink.stores import AsyncSQLiteTokenStore, SQLiteTokenStore

pytestmark = pytest.mark.reliability


# Each public method's parameters. A lookup's IDs may be unknown; a method that would store
# something for any well-formed ID gets only malformed ones.
METHODS: dict[str, dict[str, Param]] = {
    "access_token": {"connection_id": text("", lookup=True)},
    "apply_webhook_event": {"event": of(OtherEvent, OtherEvent(name="meeting.started"))},
    "cancel": {"booking": of(Booking, BOOKING), "defer": FLAG},
    "cancel_occurrence": {"booking": of(Booking, BOOKING), "occurrence": WHEN},
    "check_conflicts": {
        "booking": of(Booking, BOOKING),
        "buffer_before": SPAN,
        "buffer_after": SPAN,
        "fresh": FLAG,
    },
    "clear_default_conferencing": {"user_id": text("alice", lookup=True), "tenant": TENANT},
    "complete_connect": {
        "callback": Param(st.one_of(WRONG_TYPES, st.text(), st.just({"state": "\ud800"})), ""),
        "user_id": Param(BAD_TEXT.filter(lambda v: v is not None), None),
    },
    "connect_server_to_server": {"actor": ACTOR, "tenant": text("default")},
    "connected_users": {
        "members": Param(NOT_A_LIST, [Member("alice")]),
        "tenant": TENANT,
        "check_zoom_accounts": FLAG,
    },
    "connection": {"connection_id": text("", lookup=True)},
    "connections": {
        "tenant": TENANT,
        "user_id": Param(st.one_of(BAD_TEXT.filter(lambda v: v is not None), UNKNOWN_ID), None),
    },
    "default_conferencing": {"user_id": text("alice", lookup=True), "tenant": TENANT},
    "disconnect": {"connection_id": text("", lookup=True), "actor": ACTOR},
    "find_zoom_data": {"connection_id": text("", lookup=True), "values": Param(NOT_A_LIST, [])},
    "forget_busy_times": {"zoom_user": text("u_alice")},
    "free_slots": {
        "hosts": Param(NOT_A_LIST, ["alice"]),
        "start": WHEN,
        "end": Param(BAD_TIME, START + timedelta(days=1)),
        "duration": SPAN,
        "step": SPAN,
        "time_zone": Param(st.one_of(BAD_TEXT, UNKNOWN_ID), "UTC"),
        "buffer_before": SPAN,
        "buffer_after": SPAN,
        "require": Param(not_one_of("any", "all"), "any"),
        "tenant": TENANT,
    },
    "host_zoom_user": {
        "user_id": text("alice", lookup=True),
        "tenant": TENANT,
        "email": Param(BAD_TEXT.filter(lambda v: v is not None), None),
    },
    "location": {
        "event_type": of(EventType, ZOOM),
        "user_id": text("alice", lookup=True),
        "tenant": TENANT,
    },
    "meeting_record": {"booking_id": text("bk-hostile", lookup=True), "tenant": TENANT},
    "meeting_writes_left": {
        "user_id": text("alice", lookup=True),
        "tenant": TENANT,
        "email": Param(BAD_TEXT.filter(lambda v: v is not None), None),
    },
    "meetings": {
        "tenant": TENANT,
        "user_id": Param(st.one_of(BAD_TEXT.filter(lambda v: v is not None), UNKNOWN_ID), None),
        "booking_id": Param(st.one_of(BAD_TEXT.filter(lambda v: v is not None), UNKNOWN_ID), None),
        "state": Param(not_one_of("pending", "scheduled", "cancelled", "detached"), None),
    },
    "organization_connect_url": {"actor": ACTOR, "tenant": text("default")},
    "pending_work": {
        "tenant": Param(st.one_of(BAD_TEXT.filter(lambda v: v is not None), UNKNOWN_ID), None),
        "state": Param(not_one_of("waiting", "failed"), None),
    },
    "personal_connect_url": {"user_id": text("alice"), "tenant": text("default")},
    "purge": {"connection_id": text("", lookup=True), "actor": ACTOR},
    "release_link": {"zoom_user_id": text("u_alice", lookup=True), "tenant": TENANT},
    "reschedule": {
        "booking": of(Booking, BOOKING),
        "buffer_before": SPAN,
        "buffer_after": SPAN,
        "allow_overlap": FLAG,
        "defer": FLAG,
    },
    "reschedule_occurrence": {
        "booking": of(Booking, BOOKING),
        "occurrence": WHEN,
        "start": WHEN,
        "end": Param(BAD_TIME, START + timedelta(minutes=30)),
        "buffer_before": SPAN,
        "buffer_after": SPAN,
        "allow_overlap": FLAG,
    },
    "reseal_tokens": {},
    "resolve_host": {
        "user_id": text("alice", lookup=True),
        "tenant": TENANT,
        "email": Param(BAD_TEXT.filter(lambda v: v is not None), None),
    },
    "run_pending": {"limit": Param(st.one_of(WRONG_TYPES, st.integers(max_value=0)), 10)},
    "schedule": {
        "booking": of(Booking, BOOKING),
        "buffer_before": SPAN,
        "buffer_after": SPAN,
        "allow_overlap": FLAG,
        "defer": FLAG,
    },
    "schedule_round_robin": {
        "booking": of(Booking, BOOKING),
        "pool": Param(NOT_A_LIST, [HOST]),
        "buffer_before": SPAN,
        "buffer_after": SPAN,
    },
    "set_default_conferencing": {
        "user_id": text("alice"),
        "choice": Param(not_one_of("zoom", "builtin"), "zoom"),
        "tenant": text("default"),
    },
    "start_url": {"booking": of(Booking, BOOKING)},
    "with_token": {
        "connection_id": text("", lookup=True),
        "operation": Param(WRONG_TYPES, len),
    },
    "zoom_event_types": {
        "event_types": Param(NOT_A_LIST, [ZOOM]),
        "user_id": text("alice", lookup=True),
        "tenant": TENANT,
    },
}
# Safe to run with every argument valid: reads, or nothing to do.
HARMLESS = {"reseal_tokens"}


def public_methods(cls: type) -> list[str]:
    """The public methods of ``cls``, found by introspection."""
    return sorted(
        name
        for name, member in inspect.getmembers(cls, callable)
        if not name.startswith("_") and name not in ("close", "aclose")
    )


def test_every_public_method_has_a_hostile_strategy() -> None:
    """Every public method of ZoomLink and AsyncZoomLink, and each of its parameters, has
    hostile values here: a new method or parameter fails this until it gets some."""
    for cls in (ZoomLink, AsyncZoomLink):
        assert public_methods(cls) == sorted(METHODS), cls
        for name in public_methods(cls):
            parameters = set(inspect.signature(getattr(cls, name)).parameters) - {"self"}
            assert parameters == set(METHODS[name]), name


# -- the world the calls meet --------------------------------------------------------------


Rows = Callable[[], dict[str, list[str]]]
"""Reads every row of a store's tables, by table."""


@attrs.define
class Target:
    """A connected link, its async twin on a store of its own, and how to read both stores."""

    shared: World
    rows: Rows
    asynchronous: AsyncZoomLink
    loop: asyncio.AbstractEventLoop


def sqlite_rows(*paths: Path) -> Rows:
    """Every row of the SQLite files at ``paths``."""

    def rows() -> dict[str, list[str]]:
        tables = {}
        for path in paths:
            with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
                names = db.execute("SELECT name FROM sqlite_master WHERE type='table'")
                for (name,) in names.fetchall():
                    found = map(repr, db.execute(f"SELECT * FROM {name}"))
                    tables[f"{path.name}:{name}"] = sorted(found)
            db.close()
        return tables

    return rows


def postgres_rows(dsn: str, *prefixes: str) -> Rows:
    """Every row of the PostgreSQL tables whose names start with one of ``prefixes``."""

    def rows() -> dict[str, list[str]]:
        tables = {}
        with psycopg.connect(dsn) as db:
            for prefix in prefixes:
                names = db.execute(
                    "SELECT table_name FROM information_schema.tables WHERE table_name LIKE %s",
                    (prefix + "%",),
                ).fetchall()
                for (name,) in names:
                    found = map(repr, db.execute(f'SELECT * FROM "{name}"').fetchall())
                    tables[str(name)] = sorted(found)
        return tables

    return rows


@contextlib.contextmanager
def stores(
    kind: str, request: pytest.FixtureRequest, folder: Path
) -> Iterator[tuple[TokenStore, AsyncTokenStore, Rows]]:
    """A sync and an async store of ``kind``, and how to read them."""
    if kind == "sqlite":
        paths = (folder / "sync.sqlite3", folder / "async.sqlite3")
        with SQLiteTokenStore(paths[0]) as store:
            yield store, AsyncSQLiteTokenStore(paths[1]), sqlite_rows(*paths)
        return
    from zoomlink.stores.postgres import AsyncPostgresTokenStore, PostgresTokenStore

    dsn, prefixes = request.getfixturevalue("postgres_dsn"), (unique_prefix(), unique_prefix())
    with PostgresTokenStore(dsn, table_prefix=prefixes[0]) as store:
        twin = AsyncPostgresTokenStore(dsn, table_prefix=prefixes[1])
        yield store, twin, postgres_rows(dsn, *prefixes)


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def target(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Target]:
    """alice connected on both links; a recurring booking scheduled, so its occurrences,
    record and meeting are there to be left alone."""
    retry = RetryPolicy(attempts=1)
    with (
        stores(request.param, request, tmp_path_factory.mktemp("hostile")) as (store, twin, rows),
        world(store, ["alice"], retry=retry) as shared,
    ):
        shared.link.schedule(BOOKING)
        loop = asyncio.new_event_loop()
        link = AsyncZoomLink(
            USER_APP,
            store=twin,
            keyring=Keyring.from_string(shared.keys),
            endpoints=Endpoints.single(shared.url),
            clock=shared.fake,
            retry=retry,
        )

        async def connect() -> None:
            url = await link.personal_connect_url("alice")
            await link.complete_connect(shared.fake.approve(url, "u_alice"), user_id="alice")

        loop.run_until_complete(connect())
        yield Target(shared, rows, link, loop)
        loop.run_until_complete(link.aclose())
        loop.run_until_complete(twin.aclose())
        loop.close()


def in_zoom(target: Target) -> tuple[Any, ...]:
    """What a call must leave alone in Zoom and the sink: the fake's meetings and journal, the
    messages sent."""
    fake = target.shared.fake
    return (fake.meetings(), len(fake.journal), len(target.shared.sink.sent))


def snapshot(target: Target) -> tuple[Any, ...]:
    """Everything a call must leave alone: every row of both stores, and Zoom."""
    return (target.rows(), in_zoom(target))


def typed_only(call: Callable[[], Any]) -> None:
    """Run ``call``: it may return or raise a ZoomLinkError, nothing else."""
    with contextlib.suppress(ZoomLinkError):
        call()


@pytest.mark.parametrize("name", sorted(set(METHODS) - HARMLESS))
def test_hostile_arguments_get_typed_errors_and_change_nothing(name: str, target: Target) -> None:
    """Each public method, sync and async, given hostile arguments raises only zoomlink's
    typed errors and leaves the store and Zoom as they were."""
    rows, zoom = target.rows(), in_zoom(target)

    @HOSTILE
    @given(arguments=some_hostile(METHODS[name]))
    def check(arguments: dict[str, Any]) -> None:
        typed_only(lambda: getattr(target.shared.link, name)(**arguments))
        method = getattr(target.asynchronous, name)
        typed_only(lambda: target.loop.run_until_complete(method(**arguments)))
        assert in_zoom(target) == zoom

    check()
    assert target.rows() == rows  # read once per method: every example left the store alone


# -- constructors --------------------------------------------------------------------------

KEYRING = Keyring.ephemeral()


def zoom_link(apps: list[Any], **options: Any) -> None:
    """A ZoomLink, closed again when it came up."""
    ZoomLink(*apps, **options).close()


def sqlite_store(path: Any) -> None:
    """A SQLite store, closed again when it came up."""
    SQLiteTokenStore(path).close()


def postgres_store(conninfo: Any, **options: Any) -> None:
    """A PostgreSQL store (not connected yet), closed again when it came up."""
    from zoomlink.stores.postgres import PostgresTokenStore

    PostgresTokenStore(conninfo, **options).close()


CONSTRUCTORS: dict[str, tuple[Callable[..., Any], dict[str, Param]]] = {
    "ZoomApp": (
        ZoomApp,
        {
            "client_id": text("id"),
            "client_secret": text("secret"),
            "redirect_uri": Param(BAD_TEXT, "http://127.0.0.1/cb"),
            "kind": Param(not_one_of("user", "account", "s2s"), "user"),
        },
    ),
    "Participant": (
        Participant,
        {
            "name": text("Carol"),
            "time_zone": Param(st.one_of(BAD_TEXT, UNKNOWN_ID), "UTC"),
            "email": Param(st.one_of(BAD_TEXT, st.text(max_size=10)), "c@example.net"),
            "user_id": Param(BAD_TEXT.filter(lambda v: v is not None), None),
        },
    ),
    "EventType": (
        EventType,
        {
            "id": text("consult"),
            "location": Param(not_one_of("zoom", "builtin", "none", "default"), "zoom"),
        },
    ),
    "Booking": (
        Booking,
        {
            "id": text("bk"),
            "event_type": of(EventType, ZOOM),
            "host": of(Participant, HOST),
            "clients": Param(NOT_A_LIST, (CLIENT,)),
            "start": WHEN,
            "end": Param(BAD_TIME, START + timedelta(minutes=30)),
            "title": text("Consultation"),
            "recurrence": Param(st.one_of(st.integers(), st.binary(), st.text(min_size=1)), None),
        },
    ),
    "Actor": (
        Actor,
        {"user_id": text("alice"), "role": Param(not_one_of("owner", "admin", "member"), "member")},
    ),
    "Member": (
        Member,
        {
            "user_id": text("alice"),
            "email": Param(st.one_of(st.none(), st.integers(), st.binary()), ""),
        },
    ),
    "Keyring.from_string": (
        Keyring.from_string,
        {"spec": Param(st.one_of(BAD_TEXT, st.text(), st.text().map(lambda t: f"k1:{t}")), "")},
    ),
    "RetryPolicy": (
        RetryPolicy,
        {"attempts": Param(st.one_of(WRONG_TYPES, st.integers(max_value=0)), 1)},
    ),
    "SQLiteTokenStore": (
        sqlite_store,
        {
            "path": Param(
                st.one_of(WRONG_TYPES, st.sampled_from(["/nonexistent/x.db", "a\x00"])), ""
            )
        },
    ),
    "PostgresTokenStore": (
        postgres_store,
        {
            "conninfo": Param(st.one_of(WRONG_TYPES, st.just("x\x00")), ""),
            "table_prefix": Param(st.one_of(WRONG_TYPES, st.text(max_size=40)), "t_"),
            "max_size": Param(st.one_of(WRONG_TYPES, st.integers(max_value=1)), 4),
        },
    ),
    "ZoomLink": (
        zoom_link,
        {
            "apps": Param(st.lists(WRONG_TYPES, max_size=2), [USER_APP]),
            "keyring": Param(st.one_of(st.integers(), st.text(max_size=3)), KEYRING),
            "link_policy": Param(not_one_of("exclusive", "shared"), "exclusive"),
            "timeout": Param(st.one_of(st.text(max_size=3), st.floats(max_value=0)), 10.0),
            "zoom_plan": Param(not_one_of("free", "pro", "business"), "pro"),
            "busy_ttl": Param(
                st.one_of(st.integers(), st.timedeltas(max_value=-timedelta(seconds=1))),
                timedelta(0),
            ),
        },
    ),
}


@pytest.mark.parametrize("name", sorted(CONSTRUCTORS))
def test_hostile_constructor_arguments_get_typed_errors(name: str) -> None:
    """Each public constructor given hostile arguments raises only zoomlink's typed errors."""
    build = CONSTRUCTORS[name][0]

    @HOSTILE
    @given(arguments=some_hostile(CONSTRUCTORS[name][1]))
    def check(arguments: dict[str, Any]) -> None:
        typed_only(lambda: build(**arguments))

    check()


# -- OAuth forgeries -----------------------------------------------------------------------


def with_query(url: str, **changes: str) -> str:
    """``url`` with some of its query parameters replaced."""
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    return urlunsplit(parts._replace(query=urlencode({**query, **changes})))


def test_oauth_forgeries_are_refused_and_change_nothing(target: Target) -> None:
    """A callback whose state was tampered with, one replayed after it was used, and one
    whose code Zoom bound to another PKCE challenge are each refused with a typed error, and
    none of them changes the store or links anything."""
    shared = target.shared
    link = shared.link
    shared.fake.add_user("bob@example.com", account_id="acct_demo", user_id="u_bob")
    callback = shared.fake.approve(link.personal_connect_url("bob"), "u_bob")
    state = parse_qs(urlsplit(callback).query)["state"][0]
    flipped = state[:-2] + ("A" if state[-2] != "A" else "B") + state[-1]
    before = snapshot(target)
    for forged in (with_query(callback, state=flipped), with_query(callback, state=state + "x")):
        with pytest.raises(InvalidStateError):
            link.complete_connect(forged, user_id="bob")
    assert snapshot(target)[0] == before[0]

    link.complete_connect(callback, user_id="bob")  # the real one
    before = snapshot(target)
    with pytest.raises(InvalidStateError) as replayed:
        link.complete_connect(callback, user_id="bob")
    assert replayed.value.reason == "reused"
    assert snapshot(target)[0] == before[0]

    # An attacker's authorize request with its own challenge: Zoom binds the code to it, and
    # zoomlink's verifier for the state does not match.
    url = with_query(link.personal_connect_url("alice"), code_challenge=Pkce.new().challenge)
    mismatched = shared.fake.approve(url, "u_alice")
    with pytest.raises(AuthorizationCodeError):
        link.complete_connect(mismatched, user_id="alice")
    assert [c.zoom_user_id for c in link.connections(user_id="alice")] == ["u_alice"]
