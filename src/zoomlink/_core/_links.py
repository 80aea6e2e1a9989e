"""Links: who may link, connect and disconnect; which connection hosts whom; what to tell.

Pure rules over records already read from the store; the orchestration applies them under the
store's locks.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from zoomlink._core._messages import notice_key
from zoomlink.errors import (
    NeedsReconnectError,
    NotConnectedError,
    OwnershipConflictError,
    PermissionDeniedError,
    ZoomRoleError,
)
from zoomlink.models import (
    Actor,
    ConnectedUser,
    Connection,
    ConnectionStatus,
    DisconnectPolicy,
    Grant,
    Link,
    LinkPolicy,
    Member,
    Notification,
    ResolvedHost,
    ZoomUser,
)

UNINSTALLED = "the Zoom app was uninstalled in Zoom; connect Zoom again to use it"


def uninstalled(link: Link) -> bool:
    """Whether the link ended because its Zoom user uninstalled the app (and was neither
    disconnected nor connected again since)."""
    return link.uninstalled_at is not None and link.disconnected_at is None


def connected_after(link: Link, moment: datetime) -> bool:
    """Whether ``link`` was connected after ``moment``, a time Zoom stamped in whole
    milliseconds (an uninstall's): the link's finer time is cut to its millisecond first, so a
    connect in the same millisecond does not count as later."""
    created = link.created_at
    return created.replace(microsecond=created.microsecond // 1000 * 1000) > moment


def describe(link: Link, grant: Grant | None) -> Connection:
    """The host-facing view of a link and its grant (a link without a grant is disconnected,
    unless the app was uninstalled: then it needs reconnecting)."""
    status: ConnectionStatus
    reason = ""
    if uninstalled(link):
        status, reason = "needs_reconnect", UNINSTALLED
    elif link.disconnected_at is not None or grant is None:
        status = "disconnected"
    else:
        status = grant.status
        reason = grant.status_reason if status == "needs_reconnect" else ""
    return Connection(
        id=link.id,
        tenant=link.tenant,
        kind=link.kind,
        owner_id=link.owner_id,
        status=status,
        status_reason=reason,
        zoom_user_id=grant.zoom_user_id if grant else "",
        zoom_email=grant.zoom_email if grant else "",
        zoom_account_id=grant.zoom_account_id if grant else "",
        zoom_role=grant.zoom_role if grant else "",
        client_id=grant.client_id if grant else "",
        scopes=grant.scopes if grant else (),
        connected_by=link.connected_by,
        completed_by=link.completed_by,
        created_at=link.created_at,
        purge=link.purge,
    )


def live(links: Iterable[Link]) -> list[Link]:
    """The links not disconnected."""
    return [link for link in links if link.disconnected_at is None]


def check_personal_link(
    policy: LinkPolicy, tenant: str, owner_id: str, zoom_user_id: str, grant_links: Iterable[Link]
) -> None:
    """Refuse linking ``zoom_user_id`` to ``owner_id`` when the policy forbids it.

    Raises:
        OwnershipConflictError: Under ``exclusive``, the Zoom user already serves another app
            user of the tenant.
    """
    if policy == "shared":
        return
    for link in live(grant_links):
        if link.tenant == tenant and link.kind == "personal" and link.owner_id != owner_id:
            raise OwnershipConflictError(
                f"Zoom user {zoom_user_id} is already linked to another app user of tenant "
                f"{tenant!r}; the 'exclusive' link policy allows one. Disconnect it there, or "
                "release the stale link, first",
                policy="exclusive",
                tenant=tenant,
                zoom_user_id=zoom_user_id,
                linked_user_id=link.owner_id or "",
            )


def check_org_starter(actor: Actor, tenant: str) -> None:
    """Only the organisation's owners and admins may start an organisation connect.

    Raises:
        PermissionDeniedError: For a plain member.
    """
    if not actor.is_org_admin:
        raise PermissionDeniedError(
            f"app user {actor.user_id} is a {actor.role} of {tenant!r}: only its owners and "
            "admins may connect the organisation's Zoom account",
            action="start organisation connect",
            actor_id=actor.user_id,
            policy="organization_admins",
        )


def check_org_completer(user: ZoomUser) -> None:
    """Only an owner or admin of a Zoom account may connect it for an organisation.

    Raises:
        ZoomRoleError: For a Zoom member.
    """
    if not user.is_admin:
        raise ZoomRoleError(
            f"Zoom user {user.email} is a {user.role} of their Zoom account; an organisation "
            "connection needs a Zoom account owner or admin to authorise it",
            zoom_user_id=user.id,
            zoom_role=user.role,
        )


def check_disconnect(link: Link, actor: Actor, policy: DisconnectPolicy) -> None:
    """Whether ``actor`` may disconnect ``link`` (personal: its owner; organisation: per policy).

    Raises:
        PermissionDeniedError: Naming the rule that refused.
    """
    if link.kind == "personal":
        if actor.user_id != link.owner_id:
            raise PermissionDeniedError(
                f"app user {actor.user_id} may not disconnect another user's personal Zoom "
                "connection; only its owner may",
                action="disconnect",
                actor_id=actor.user_id,
                policy="owner",
            )
        return
    if policy == "zoom_admin":
        admin = link.completed_by or link.connected_by
        if actor.user_id != admin:
            raise PermissionDeniedError(
                f"app user {actor.user_id} may not disconnect the organisation's Zoom "
                "connection: under the 'zoom_admin' policy only the app user who connected "
                "it with their Zoom admin account may",
                action="disconnect",
                actor_id=actor.user_id,
                policy="zoom_admin",
            )
        return
    if not actor.is_org_admin:
        raise PermissionDeniedError(
            f"app user {actor.user_id} is a {actor.role}: under the 'organization_admins' "
            "policy only the organisation's owners and admins may disconnect its Zoom "
            "connection",
            action="disconnect",
            actor_id=actor.user_id,
            policy="organization_admins",
        )


def reconnect_url(template: str | None, link: Link) -> str | None:
    """The host's reconnect URL for a link, with ``{connection_id}``, ``{tenant}``,
    ``{user_id}`` and ``{kind}`` filled in."""
    if template is None:
        return None
    return template.format(
        connection_id=link.id,
        tenant=link.tenant,
        user_id=link.owner_id or link.connected_by,
        kind=link.kind,
    )


def needs_reconnect_error(link: Link, grant: Grant, template: str | None) -> NeedsReconnectError:
    """The fast failure for using a broken connection."""
    return NeedsReconnectError(
        f"the Zoom connection {link.id} ({grant.zoom_email or grant.zoom_account_id}) needs "
        f"reconnecting: {grant.status_reason}",
        connection_id=link.id,
        reason=grant.status_reason,
        reconnect_url=reconnect_url(template, link),
    )


def settles(pair: tuple[Link, Grant | None] | None) -> bool:
    """Whether a user's personal connection alone decides how they are served (it serves
    them, or it is broken and must be reconnected first), so the organisation's need not be
    read: :func:`resolve_host` answers the same whatever the organisation's is."""
    if pair is None:
        return False
    link, grant = pair
    return uninstalled(link) or (grant is not None and link.disconnected_at is None)


def resolve_host(
    tenant: str,
    user_id: str,
    email: str | None,
    personal: tuple[Link, Grant | None] | None,
    organization: tuple[Link, Grant | None] | None,
    template: str | None,
) -> tuple[ResolvedHost, Link, Grant]:
    """Which connection hosts ``user_id``: their own over the organisation's, never silently
    past a broken one; with the link and grant that serve them.

    Raises:
        NeedsReconnectError: The connection that should serve them is broken.
        NotConnectedError: None serves them (or only the organisation's, and no e-mail given).
    """
    for pair, zoom_user in ((personal, "me"), (organization, email)):
        if pair is None:
            continue
        link, grant = pair
        if uninstalled(link):
            raise NeedsReconnectError(
                f"the Zoom connection {link.id} needs reconnecting: {UNINSTALLED}",
                connection_id=link.id,
                reason=UNINSTALLED,
                reconnect_url=reconnect_url(template, link),
            )
        if grant is None or link.disconnected_at is not None:
            continue
        if grant.status != "active":
            raise needs_reconnect_error(link, grant, template)
        if not zoom_user:
            raise NotConnectedError(
                f"app user {user_id} has no personal Zoom connection in {tenant!r}; the "
                "organisation's connection needs their e-mail address to schedule for them",
                tenant=tenant,
                user_id=user_id,
            )
        return ResolvedHost(connection=describe(link, grant), zoom_user=zoom_user), link, grant
    raise NotConnectedError(
        f"app user {user_id} has no Zoom connection in {tenant!r}, personal or organisation",
        tenant=tenant,
        user_id=user_id,
    )


def connected_user(
    member: Member,
    personal: tuple[Link, Grant | None] | None,
    organization: tuple[Link, Grant | None] | None,
    in_zoom_account: bool | None,
) -> ConnectedUser:
    """One row of the connected-users view.

    ``in_zoom_account`` says whether the member's e-mail is a user of the organisation's Zoom
    account (``None`` when it was not looked up).
    """
    for pair in (personal, organization):
        if pair is None:
            continue
        link, grant = pair
        view = describe(link, grant)
        if view.status == "disconnected" and pair is personal and organization is not None:
            continue  # the organisation's connection takes over
        if view.kind == "organization" and view.status == "active" and in_zoom_account is False:
            return ConnectedUser(
                user_id=member.user_id,
                email=member.email,
                available=False,
                via="organization",
                status=view.status,
                connection_id=view.id,
                zoom_email=None,
                detail=f"{member.email or 'no e-mail'} is not a user of the organisation's "
                "Zoom account",
            )
        detail = {
            "active": "",
            "needs_reconnect": f"needs reconnecting: {view.status_reason}",
            "disconnected": "disconnected",
        }[view.status]
        return ConnectedUser(
            user_id=member.user_id,
            email=member.email,
            available=view.status == "active",
            via=view.kind,
            status=view.status,
            connection_id=view.id,
            zoom_email=view.zoom_email if view.kind == "personal" else member.email,
            detail=detail,
        )
    return ConnectedUser(
        user_id=member.user_id,
        email=member.email,
        available=False,
        via=None,
        status=None,
        connection_id=None,
        zoom_email=None,
        detail="no Zoom connection",
    )


def _scope(link: Link) -> str:
    return "your" if link.kind == "personal" else "your organisation's"


def _reconnect_notice(
    link: Link, text: str, incident_id: str | None, template: str | None, now: datetime
) -> Notification:
    """An "Action required" notice to the link's owner (or whoever connected it)."""
    url = reconnect_url(template, link)
    if url:
        text += f" Reconnect here: {url}"
    return Notification(
        kind="action_required",
        tenant=link.tenant,
        recipient_id=link.owner_id or link.completed_by or link.connected_by,
        subject="Action required: reconnect Zoom",
        text=text,
        action_url=url,
        connection_id=link.id,
        incident_id=incident_id,
        created_at=now,
        key=notice_key("action_required", link.id, incident_id or text),
    )


def action_required(link: Link, grant: Grant, template: str | None, now: datetime) -> Notification:
    """The "Action required" notice for a link whose grant broke."""
    who = grant.zoom_email or f"Zoom account {grant.zoom_account_id}"
    text = (
        f"Zoom no longer accepts {_scope(link)} connection ({who}): {grant.status_reason}. "
        "New bookings cannot get Zoom meetings until it is reconnected."
    )
    return _reconnect_notice(link, text, grant.incident_id, template, now)


def uninstall_notice(link: Link, template: str | None, now: datetime) -> Notification:
    """The "Action required" notice for a link whose Zoom user uninstalled the app."""
    scope = _scope(link)
    text = (
        f"The Zoom app was uninstalled from {scope} Zoom account, so {scope} Zoom connection "
        "has ended and its Zoom data was deleted here, meeting links included. Bookings stay "
        "as they are, without Zoom links. New bookings cannot get Zoom meetings until Zoom is "
        "connected again."
    )
    return _reconnect_notice(link, text, link.incident_id, template, now)
