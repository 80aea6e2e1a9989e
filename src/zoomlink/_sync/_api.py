# This file is generated from src/zoomlink/_async/_api.py by scripts/unasync.py.
# Do not edit it: edit the async original and run the script.
"""ZoomAPI: Zoom's endpoints, one call each, for callers that hold the token."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from types import TracebackType
from typing import Any

import attrs
import httpx

from zoomlink._sync._http import HTTP
from zoomlink._core import _meetings, _oauth, _users
from zoomlink.clocks import SystemClock
from zoomlink.models import (
    Endpoints,
    Meeting,
    MeetingFields,
    MeetingPage,
    Tokens,
    ZoomApp,
    ZoomUser,
)
from zoomlink.protocols import Clock


class ZoomAPI:
    """The low-level Zoom API: one method per endpoint, no storage, no retries.

    :class:`ZoomLink` is built on it; use it directly when you hold a token yourself.
    Every failure is a typed :class:`~zoomlink.ZoomLinkError`.

    Args:
        app: The Zoom app's credentials.
        endpoints: Zoom's OAuth and API base URLs (the real ones by default).
        http_client: An httpx client to send through (for example one with
            ``httpx.MockTransport(FakeZoom())``); zoomlink creates and owns one if omitted.
        clock: Where the time comes from (token expiry, ``Retry-After``).
        timeout: Seconds before a request to Zoom times out, for the client zoomlink creates.
    """

    def __init__(
        self,
        app: ZoomApp,
        *,
        endpoints: Endpoints | None = None,
        http_client: httpx.Client | None = None,
        clock: Clock | None = None,
        timeout: float = 10.0,
    ) -> None:
        self.app = app
        self.endpoints = endpoints or Endpoints()
        self.clock: Clock = clock or SystemClock()
        self._http = HTTP(http_client, timeout=timeout)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(client_id={self.app.client_id!r}, endpoints={self.endpoints!r})"
        )

    def at_api_url(self, api_url: str) -> ZoomAPI:
        """This app's API sending its REST calls to ``api_url`` (OAuth stays where it was).

        For Zoom's regional bases (the ``api_url`` of a token response, such as
        ``https://api-eu.zoom.us``). The copy shares this client's HTTP connection pool.
        """
        regional = copy.copy(self)
        regional.endpoints = attrs.evolve(self.endpoints, api_base_url=api_url)
        return regional

    def __enter__(self) -> ZoomAPI:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the HTTP client zoomlink created (a client passed in is left open)."""
        self._http.close()

    # OAuth

    def authorization_url(self, *, state: str, code_challenge: str) -> str:
        """The URL of Zoom's consent page for this app (PKCE S256)."""
        return _oauth.build_authorize_url(
            self.endpoints, self.app, state=state, code_challenge=code_challenge
        )

    def exchange_code(self, code: str, *, code_verifier: str) -> Tokens:
        """Trade the authorization code from the redirect for tokens."""
        request = _oauth.build_code_exchange(
            self.endpoints, self.app, code=code, code_verifier=code_verifier
        )
        return _oauth.decode_tokens(request, self._http.send(request), self.clock.now())

    def refresh(self, refresh_token: str) -> Tokens:
        """Trade a refresh token for a new pair; the old refresh token dies at Zoom."""
        request = _oauth.build_refresh(self.endpoints, self.app, refresh_token=refresh_token)
        return _oauth.decode_tokens(request, self._http.send(request), self.clock.now())

    def account_token(self) -> Tokens:
        """A Server-to-Server app's account token (no refresh token)."""
        request = _oauth.build_account_token(self.endpoints, self.app)
        return _oauth.decode_tokens(request, self._http.send(request), self.clock.now())

    def revoke(self, token: str) -> None:
        """Revoke the grant behind ``token``; Zoom uninstalls the app for that user."""
        request = _oauth.build_revoke(self.endpoints, self.app, token=token)
        _oauth.decode_revoke(request, self._http.send(request), self.clock.now())

    # Users

    def get_user(self, token: str, user: str = "me") -> ZoomUser:
        """The Zoom user ``user`` (``me``, an ID or an e-mail address)."""
        request = _users.build_get_user(self.endpoints, token, user)
        return _users.decode_user(request, self._http.send(request), self.clock.now())

    def get_user_settings(self, token: str, user: str = "me") -> dict[str, Any]:
        """The user's Zoom settings, in Zoom's nested shape."""
        request = _users.build_get_user_settings(self.endpoints, token, user)
        return _users.decode_settings(request, self._http.send(request), self.clock.now())

    # Meetings

    def create_meeting(
        self, token: str, fields: MeetingFields, *, user: str = "me"
    ) -> Meeting:
        """Create a scheduled meeting (recurring when ``fields.recurrence`` is set)."""
        request = _meetings.build_create_meeting(self.endpoints, token, fields, user=user)
        return _meetings.decode_meeting(request, self._http.send(request), self.clock.now())

    def get_meeting(
        self, token: str, meeting_id: int, *, occurrence_id: str | None = None
    ) -> Meeting:
        """A meeting as Zoom has it now."""
        request = _meetings.build_get_meeting(
            self.endpoints, token, meeting_id, occurrence_id=occurrence_id
        )
        return _meetings.decode_meeting(request, self._http.send(request), self.clock.now())

    def update_meeting(
        self,
        token: str,
        meeting_id: int,
        fields: MeetingFields,
        *,
        occurrence_id: str | None = None,
    ) -> None:
        """Change the fields that are set; Zoom answers 204 with no body."""
        request = _meetings.build_update_meeting(
            self.endpoints, token, meeting_id, fields, occurrence_id=occurrence_id
        )
        _meetings.decode_no_content(request, self._http.send(request), self.clock.now())

    def delete_meeting(
        self,
        token: str,
        meeting_id: int,
        *,
        occurrence_id: str | None = None,
        notify_host: bool = False,
    ) -> None:
        """Delete a meeting, or one occurrence of a recurring one."""
        request = _meetings.build_delete_meeting(
            self.endpoints,
            token,
            meeting_id,
            occurrence_id=occurrence_id,
            notify_host=notify_host,
        )
        _meetings.decode_no_content(request, self._http.send(request), self.clock.now())

    def list_meetings_page(
        self,
        token: str,
        *,
        user: str = "me",
        type: str = "upcoming",
        page_size: int = _meetings.LIST_PAGE_MAX,
        next_page_token: str = "",
    ) -> MeetingPage:
        """One page of the user's meetings."""
        request = _meetings.build_list_meetings(
            self.endpoints,
            token,
            user=user,
            type=type,
            page_size=page_size,
            next_page_token=next_page_token,
        )
        return _meetings.decode_meeting_page(
            request, self._http.send(request), self.clock.now()
        )

    def iter_meetings(
        self,
        token: str,
        *,
        user: str = "me",
        type: str = "upcoming",
        page_size: int = _meetings.LIST_PAGE_MAX,
    ) -> Iterator[Meeting]:
        """Every meeting of the user, as an iterator paging through to the end."""
        page_token = ""
        while True:
            page = self.list_meetings_page(
                token, user=user, type=type, page_size=page_size, next_page_token=page_token
            )
            for meeting in page.meetings:
                yield meeting
            if not page.next_page_token:
                return
            page_token = page.next_page_token
