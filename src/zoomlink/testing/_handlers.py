"""Route handlers: an `Exchange` in, state calls, an `httpx.Response` out (wire only).

Rules live in the state; a handler reads the request, calls the state, and writes Zoom's
answer. Errors raised as `FakeZoomError` are rendered by the dispatcher.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlencode, urlsplit, urlunsplit

import httpx

from ._consent import consent_page
from ._errors import (
    FakeZoomError,
    authorize_error,
    invalid_parameter,
    invalid_request,
    oauth_error,
    validation_error,
)
from ._meeting_history import end_now, invitation_json, past_meeting_json
from ._meetings_state import LIST_TYPES
from ._oauth_state import TokenSet
from ._paging import page_request
from ._scopes import check_scope
from ._state import Caller, ZoomState
from ._wire import Exchange, empty_response, html_response, json_response, redirect

_CHALLENGE = re.compile(r"[A-Za-z0-9\-_]{43}", re.ASCII)
_QUERY_SECRETS = ("refresh_token", "code", "code_verifier", "access_token", "token")
_NO_STORE = {"cache-control": "no-store", "pragma": "no-cache"}

# -- OAuth ------------------------------------------------------------------------------------


def authorize_page(state: ZoomState, ex: Exchange) -> httpx.Response:
    """``GET /oauth/authorize``: check the request, then show the consent page."""
    query = ex.query()
    client_id = query.get("client_id", "")
    app = state.apps.get(client_id)
    if app is None or app.kind == "s2s":
        raise authorize_error(4702, f"Invalid client_id: {client_id}")
    ex.client_id = app.client_id
    redirect_uri = query.get("redirect_uri", "")
    if redirect_uri not in app.redirect_uris:
        raise authorize_error(4700, f"Invalid redirect: {redirect_uri}")
    if query.get("response_type") != "code":
        raise authorize_error(4700, f"Invalid response_type: {query.get('response_type', '')}")
    challenge = query.get("code_challenge")
    method = query.get("code_challenge_method")
    if challenge is None and method is not None:
        raise authorize_error(4700, "Missing code_challenge")
    if challenge is not None:
        if method != "S256":
            raise authorize_error(
                4700, f"Invalid code_challenge_method: {method or 'plain'}. Only S256 is supported."
            )
        if _CHALLENGE.fullmatch(challenge) is None:
            raise authorize_error(4700, "Invalid code_challenge: use unpadded base64url of SHA-256")
    consent_id = state.oauth.begin_consent(
        app, redirect_uri, query.get("state"), challenge, state.now()
    )
    users = sorted(state.directory.users.values(), key=lambda u: (u.account_id, u.email))
    return html_response(200, consent_page(app, consent_id, users, ex.request.url.path))


def authorize_submit(state: ZoomState, ex: Exchange) -> httpx.Response:
    """``POST /oauth/authorize``: the consent form, answered with a redirect."""
    form = ex.form()
    consent = state.oauth.take_consent(form.get("consent_id", ""), state.now())
    if consent is None:
        raise FakeZoomError(
            400, "This authorization request has expired or was already answered. Start again."
        )
    ex.client_id = consent.client_id
    extra = {} if consent.state is None else {"state": consent.state}
    action = form.get("action")
    if action == "cancel":
        return redirect(_with_query(consent.redirect_uri, {"error": "access_denied", **extra}))
    if action != "authorize":
        raise FakeZoomError(400, "Choose Authorize or Cancel.")
    user_ref = form.get("user_id", "")
    user = state.directory.find(user_ref)
    ex.user_id = user.id if user else None
    code = state.authorize(consent, user_ref)
    return redirect(_with_query(consent.redirect_uri, {"code": code, **extra}))


def token(state: ZoomState, ex: Exchange) -> httpx.Response:
    """``POST /oauth/token``: the three grant types Zoom supports."""
    query = ex.query()
    if any(name in query for name in _QUERY_SECRETS):
        raise invalid_request("Token values are not accepted in the query string")
    params = {**query, **ex.form()}
    client_id, client_secret = ex.basic_auth()
    app = state.client(client_id, client_secret)
    ex.client_id = app.client_id
    grant_type = params.get("grant_type")
    ex.grant_type = grant_type
    if not grant_type:
        raise invalid_request("Missing grant_type")
    tokens: TokenSet
    if grant_type == "authorization_code":
        tokens = state.exchange_code(
            app, params.get("code"), params.get("redirect_uri"), params.get("code_verifier")
        )
    elif grant_type == "refresh_token":
        refresh_token = params.get("refresh_token")
        if not refresh_token:
            raise invalid_request("Missing refresh_token")
        tokens = state.oauth.refresh(app, refresh_token, state.now())
    elif grant_type == "account_credentials":
        tokens = state.account_credentials(app, params.get("account_id"))
    else:
        raise oauth_error(400, "unsupported_grant_type", "Unsupported grant type")
    ex.user_id = tokens.grant.user_id
    body: dict[str, object] = {"access_token": tokens.access_token, "token_type": "bearer"}
    if tokens.refresh_token is not None:
        body["refresh_token"] = tokens.refresh_token
    user = state.directory.users.get(tokens.grant.user_id or "")
    api_url = user.api_url if user is not None and user.api_url else _api_url(ex.request)
    body.update(expires_in=tokens.expires_in, scope=tokens.scope, api_url=api_url)
    return json_response(200, body, _NO_STORE)


def revoke(state: ZoomState, ex: Exchange) -> httpx.Response:
    """``POST /oauth/revoke``: revoke the grant of an access token."""
    if "token" in ex.query():
        raise invalid_request("Token values are not accepted in the query string")
    client_id, client_secret = ex.basic_auth()
    app = state.client(client_id, client_secret)
    ex.client_id = app.client_id
    access_token = ex.form().get("token")
    if not access_token:
        raise invalid_request("Missing token")
    state.revoke(app, access_token)
    return json_response(200, {"status": "success"})


def _with_query(uri: str, params: dict[str, str]) -> str:
    parts = urlsplit(uri)
    query = f"{parts.query}&{urlencode(params)}" if parts.query else urlencode(params)
    return urlunsplit(parts._replace(query=query))


def _api_url(request: httpx.Request) -> str:
    """Zoom's ``api_url`` for a user without a regional one: the global base, or over a socket
    the fake's own base URL, so clients that follow it stay local.

    Zoom: ``api_url`` "indicates the region serving that user so you can directly send API
    requests to that region" (e.g. ``https://api-eu.zoom.us``); "regardless of the api_url
    value, you can continue to use the global region" (Using Zoom APIs, Regional base URLs).
    """
    host = request.url.host
    if host == "zoom.us" or host.endswith(".zoom.us"):
        return "https://api.zoom.us"
    return f"{request.url.scheme}://{request.url.netloc.decode('ascii')}"


# -- REST API ---------------------------------------------------------------------------------


def _authenticated(state: ZoomState, ex: Exchange) -> tuple[Caller, dict[str, str]]:
    caller = state.caller(ex.bearer_token())
    ex.client_id = caller.app.client_id
    assert ex.route is not None
    check_scope(caller.grant.scope.split(), caller.app.kind, ex.route)
    return caller, state.admit(caller, ex.route)


def users_get(state: ZoomState, ex: Exchange) -> httpx.Response:
    """``GET /v2/users/{userId}``."""
    caller, headers = _authenticated(state, ex)
    user = state.acting_user(caller, ex.params["user_id"])
    ex.user_id = user.id
    return json_response(200, state.directory.user_json(user), headers)


def users_settings(state: ZoomState, ex: Exchange) -> httpx.Response:
    """``GET /v2/users/{userId}/settings``."""
    caller, headers = _authenticated(state, ex)
    user = state.acting_user(caller, ex.params["user_id"])
    ex.user_id = user.id
    return json_response(200, state.directory.settings[user.id], headers)


def meetings_create(state: ZoomState, ex: Exchange) -> httpx.Response:
    """``POST /v2/users/{userId}/meetings`` (201)."""
    caller, headers = _authenticated(state, ex)
    host = state.acting_user(caller, ex.params["user_id"])
    ex.user_id = host.id
    state.admit_host_write(host, "meetings.create")
    shown = state.create_meeting(host, ex.json_object(), state.operator(caller, host))
    return json_response(201, shown, headers)


def meetings_list(state: ZoomState, ex: Exchange) -> httpx.Response:
    """``GET /v2/users/{userId}/meetings``."""
    caller, headers = _authenticated(state, ex)
    host = state.acting_user(caller, ex.params["user_id"])
    ex.user_id = host.id
    query = ex.query()
    list_type = query.get("type", "scheduled")
    if list_type not in LIST_TYPES:
        raise invalid_parameter("type")
    page = state.meetings.list_page(host.id, list_type, page_request(query), state.now())
    return json_response(200, page, headers)


def meetings_upcoming(state: ZoomState, ex: Exchange) -> httpx.Response:
    """``GET /v2/users/{userId}/upcoming_meetings``: the next six months, unpaged."""
    caller, headers = _authenticated(state, ex)
    host = state.acting_user(caller, ex.params["user_id"])
    ex.user_id = host.id
    now = state.now()
    meetings = state.meetings.listed(host.id, "upcoming_meetings", now)
    listed = [{**state.meetings.summary(m, now), "use_pmi": False} for m in meetings]
    return json_response(200, {"total_records": len(listed), "meetings": listed}, headers)


def meetings_get(state: ZoomState, ex: Exchange) -> httpx.Response:
    """``GET /v2/meetings/{meetingId}``."""
    caller, headers = _authenticated(state, ex)
    meeting = state.visible_meeting(caller, ex.params["meeting_id"])
    ex.user_id = meeting.host_id
    query = ex.query()
    shown = state.meetings.render(
        meeting,
        state.now(),
        occurrence_id=query.get("occurrence_id") or None,
        show_previous=query.get("show_previous_occurrences") == "true",
        fresh_start_url=True,
    )
    return json_response(200, shown, headers)


def meetings_update(state: ZoomState, ex: Exchange) -> httpx.Response:
    """``PATCH /v2/meetings/{meetingId}`` (204)."""
    caller, headers = _authenticated(state, ex)
    meeting = state.visible_meeting(caller, ex.params["meeting_id"])
    host = state.host_of(meeting)
    ex.user_id = host.id
    state.admit_host_write(host, "meetings.update")
    occurrence_id = ex.query().get("occurrence_id") or None
    state.update_meeting(meeting, ex.json_object(), occurrence_id, state.operator(caller, host))
    return empty_response(204, headers)


def meetings_delete(state: ZoomState, ex: Exchange) -> httpx.Response:
    """``DELETE /v2/meetings/{meetingId}`` (204)."""
    caller, headers = _authenticated(state, ex)
    meeting = state.visible_meeting(caller, ex.params["meeting_id"])
    host = state.host_of(meeting)
    ex.user_id = host.id
    occurrence_id = ex.query().get("occurrence_id") or None
    state.delete_meeting(meeting, occurrence_id, state.operator(caller, host))
    return empty_response(204, headers)


def users_list(state: ZoomState, ex: Exchange) -> httpx.Response:
    """``GET /v2/users``: the users of the caller's account (admin and S2S apps)."""
    caller, headers = _authenticated(state, ex)
    query = ex.query()
    status = query.get("status", "active")
    if status not in ("active", "inactive", "pending"):
        raise invalid_parameter("status")
    page = state.users_page(caller, status, page_request(query))
    return json_response(200, page, headers)


def meetings_invitation(state: ZoomState, ex: Exchange) -> httpx.Response:
    """``GET /v2/meetings/{meetingId}/invitation``."""
    caller, headers = _authenticated(state, ex)
    meeting = state.visible_meeting(caller, ex.params["meeting_id"])
    ex.user_id = meeting.host_id
    return json_response(200, invitation_json(meeting, state.directory, state.now()), headers)


def meetings_status(state: ZoomState, ex: Exchange) -> httpx.Response:
    """``PUT /v2/meetings/{meetingId}/status`` with ``{"action": "end"}`` (204)."""
    caller, headers = _authenticated(state, ex)
    meeting = state.visible_meeting(caller, ex.params["meeting_id"])
    ex.user_id = meeting.host_id
    action = ex.json_object().get("action")
    if action != "end":
        # "recover" brings back a deleted meeting; the fake forgets deleted meetings.
        raise validation_error([("action", "Invalid field.")])
    end_now(meeting, state.now())
    return empty_response(204, headers)


def past_meetings_get(state: ZoomState, ex: Exchange) -> httpx.Response:
    """``GET /v2/past_meetings/{meetingId}``: by number or by (double-encoded) instance uuid."""
    caller, headers = _authenticated(state, ex)
    ref = unquote(ex.params["meeting_id"])
    meeting = state.meetings.by_uuid(ref)
    state.visible_meeting(caller, str(meeting.id))
    ex.user_id = meeting.host_id
    body = past_meeting_json(meeting, state.directory, state.now(), ref)
    return json_response(200, body, headers)
