"""Which connection serves a host: the personal one decides alone whenever it can, so the
organisation's need not be read then."""

from __future__ import annotations

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from zoomlink import NeedsReconnectError, NotConnectedError
from zoomlink._core import _links
from zoomlink.models import Grant, Link
from zoomlink.testing.contracts._sync._examples import T0, make_grant, make_link

Pair = tuple[Link, Grant | None]


@st.composite
def _pairs(draw: st.DrawFn, kind: str) -> Pair | None:
    """A connection in any state: none, disconnected, uninstalled, without a grant, broken."""
    if draw(st.booleans()):
        return None
    owner = "u1" if kind == "personal" else None
    link = make_link(f"{kind}-link", kind=kind, owner_id=owner, grant_id=f"app:{kind}")
    if draw(st.booleans()):
        link = attrs.evolve(link, disconnected_at=T0)
    if draw(st.booleans()):
        link = attrs.evolve(link, uninstalled_at=T0)
    status = draw(st.sampled_from(["active", "needs_reconnect", None]))
    grant = None if status is None else make_grant(f"app:{kind}", status=status)
    return link, grant


def _answer(personal: Pair | None, organization: Pair | None, email: str | None) -> object:
    """What resolve_host answers, or the error it raises (type and message)."""
    try:
        host, link, grant = _links.resolve_host("t1", "u1", email, personal, organization, None)
    except (NeedsReconnectError, NotConnectedError) as exc:
        return type(exc), str(exc)
    return host, link.id, grant.id


@given(_pairs("personal"), _pairs("organization"), st.sampled_from([None, "u1@example.com"]))
def test_a_settling_personal_connection_answers_alone(
    personal: Pair | None, organization: Pair | None, email: str | None
) -> None:
    """When the personal connection settles how its user is served, the answer is the same
    whatever the organisation's connection is (so it is not read)."""
    if _links.settles(personal):
        assert _answer(personal, organization, email) == _answer(personal, None, email)


@given(_pairs("personal"), _pairs("organization"), st.sampled_from([None, "u1@example.com"]))
def test_the_serving_link_and_grant_are_the_hosts(
    personal: Pair | None, organization: Pair | None, email: str | None
) -> None:
    """The link and grant returned with a resolution are those of the connection it names."""
    try:
        host, link, grant = _links.resolve_host("t1", "u1", email, personal, organization, None)
    except (NeedsReconnectError, NotConnectedError):
        return
    assert host.connection.id == link.id
    assert grant.status == "active"
    assert (link, grant) in (personal, organization)


@pytest.mark.parametrize(
    ("disconnected", "grant_status", "settles"),
    [
        (False, "active", True),
        (False, "needs_reconnect", True),
        (True, "active", False),
        (False, None, False),
    ],
)
def test_what_settles_a_personal_connection(
    disconnected: bool, grant_status: str | None, settles: bool
) -> None:
    """A live personal connection settles (it serves, or it must be reconnected); a
    disconnected one, or one without a grant, leaves the choice to the organisation's."""
    link = make_link(disconnected_at=T0 if disconnected else None)
    grant = None if grant_status is None else make_grant(status=grant_status)
    assert _links.settles((link, grant)) is settles
    assert _links.settles(None) is False
