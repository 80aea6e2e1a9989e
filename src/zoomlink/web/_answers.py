"""What the connect and callback views answer, whatever the framework.

The Django and Starlette views turn an :class:`Answer` into their own response. Keeping the
decisions here means both frameworks answer a forged state, a Cancel on Zoom's page or a
not-signed-in visitor the same way.
"""

from __future__ import annotations

from html import escape
from urllib.parse import urlencode, urlsplit, urlunsplit

import attrs

from zoomlink.errors import (
    AuthorizationCodeError,
    AuthorizationDeniedError,
    InvalidStateError,
    OwnershipConflictError,
    RedirectMismatchError,
    ZoomLinkError,
    ZoomRoleError,
)

__all__ = ["Answer", "connected", "failed", "forbidden", "page", "signed_out"]

_STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:36em;margin:3em auto;color:#222;"
    "line-height:1.5}h1{font-size:1.4em}a{color:#0b5cad}"
)

# Why a state is refused, in words a user can act on (InvalidStateError.reason).
_STATE_REASONS = {
    "missing": "The link back from Zoom carried no connection request.",
    "forged": "The link back from Zoom was not one this site made.",
    "expired": "The connection request expired: it is valid for ten minutes.",
    "reused": "This connection request was already used.",
    "other_user": "This connection request was started by someone else.",
}

# The `reason` the done page gets for each failure the user can do something about.
_FAILURES: tuple[tuple[type[ZoomLinkError], str], ...] = (
    (AuthorizationDeniedError, "denied"),
    (ZoomRoleError, "not_zoom_admin"),
    (OwnershipConflictError, "linked_elsewhere"),
    (AuthorizationCodeError, "code_refused"),
)


@attrs.frozen
class Answer:
    """An HTTP answer: a redirect to ``location``, or an HTML page."""

    status: int
    location: str | None = None
    html: str | None = None


def page(title: str, message: str, *, back_url: str, back_label: str = "Back") -> str:
    """A small, self-contained HTML page: a title, a message and one link."""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(title)}</title>\n<style>{_STYLE}</style>\n</head>\n"
        f"<body>\n<h1>{escape(title)}</h1>\n<p>{escape(message)}</p>\n"
        f'<p><a href="{escape(back_url)}">{escape(back_label)}</a></p>\n</body>\n</html>\n'
    )


def with_query(url: str, **params: str) -> str:
    """``url`` with ``params`` added to its query string."""
    parts = urlsplit(url)
    query = "&".join(filter(None, [parts.query, urlencode(params)]))
    return urlunsplit(parts._replace(query=query))


def connected(done_url: str) -> Answer:
    """After a completed connect: back to the app's page, flagged ``zoom=connected``."""
    return Answer(303, location=with_query(done_url, zoom="connected"))


def failed(done_url: str, error: ZoomLinkError) -> Answer:
    """After a connect that did not complete.

    A refused state (forged, replayed, expired, someone else's) gets a readable 400 page: the
    request did not come from this user's own click, so it is not sent on. A redirect URL that
    does not match is the app's misconfiguration, also a 400 page. Everything else — Cancel
    on Zoom's page, a Zoom member completing an organisation connect, a Zoom user linked to
    another app user, a refused code — goes back to ``done_url`` flagged
    ``zoom=failed&reason=...`` for the app to explain.
    """
    if isinstance(error, InvalidStateError):
        explanation = _STATE_REASONS.get(error.reason, "The connection request is not valid.")
        message = f"{explanation} Nothing was connected; please start again from your settings."
        return Answer(400, html=page("Zoom was not connected", message, back_url=done_url))
    if isinstance(error, RedirectMismatchError):
        message = "Zoom sent the browser back to an address this site does not expect."
        return Answer(400, html=page("Zoom was not connected", message, back_url=done_url))
    reason = next((code for kind, code in _FAILURES if isinstance(error, kind)), "zoom_error")
    return Answer(303, location=with_query(done_url, zoom="failed", reason=reason))


def forbidden(back_url: str) -> Answer:
    """A user who may not start this connect (a plain member, for an organisation's)."""
    message = "Only the organisation's owners and admins can connect its Zoom account."
    return Answer(403, html=page("Not allowed", message, back_url=back_url))


def signed_out(login_url: str | None, next_url: str) -> Answer:
    """A visitor who is not signed in: to ``login_url`` (with ``next``), or a 403 page."""
    if login_url:
        return Answer(303, location=with_query(login_url, next=next_url))
    message = "Sign in first: Zoom is connected to your account on this site."
    return Answer(403, html=page("Sign in first", message, back_url="/"))
