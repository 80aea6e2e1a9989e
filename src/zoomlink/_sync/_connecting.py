# This file is generated from src/zoomlink/_async/_connecting.py by scripts/unasync.py.
# Do not edit it: edit the async original and run the script.
"""Connector: the OAuth connect flow, from a consent URL to a stored connection.

A connect attempt is stored before the browser leaves (its PKCE verifier sealed, its state
signed) and taken exactly once when Zoom sends the browser back, so a callback can be neither
replayed nor completed by another app user.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from zoomlink._sync._api import ZoomAPI
from zoomlink._sync._linking import Linker
from zoomlink._core import _connect, _grants, _links
from zoomlink.errors import (
    AuthorizationCodeError,
    ConfigurationError,
    InvalidStateError,
    ZoomOAuthError,
    ZoomRoleError,
)
from zoomlink.keyring import Keyring
from zoomlink.models import Actor, AppKind, ConnectAttempt, Connection, ConnectionKind
from zoomlink.protocols import TokenStore, Clock

logger = logging.getLogger("zoomlink")


class Connector:
    """Starts and completes connects for :class:`ZoomLink`."""

    def __init__(
        self,
        *,
        apis: dict[str, ZoomAPI],
        store: TokenStore,
        keyring: Keyring,
        linker: Linker,
        clock: Clock,
    ) -> None:
        self._apis = apis
        self._store = store
        self._keyring = keyring
        self._linker = linker
        self._clock = clock

    def app(self, kind: AppKind) -> ZoomAPI:
        """The app of ``kind``; none given is a :class:`ConfigurationError`."""
        for api in self._apis.values():
            if api.app.kind == kind:
                return api
        wanted = {"user": "user-managed", "account": "admin-managed", "s2s": "Server-to-Server"}
        raise ConfigurationError(f"this needs a {wanted[kind]} ZoomApp (kind={kind!r})")

    def start(
        self, kind: ConnectionKind, tenant: str, user_id: str, api: ZoomAPI
    ) -> str:
        """Store a connect attempt and return the consent URL that carries it."""
        attempt, pkce = _connect.new_attempt(
            kind=kind,
            tenant=tenant,
            user_id=user_id,
            app=api.app,
            keyring=self._keyring,
            now=self._clock.now(),
        )
        self._store.add_attempt(attempt)
        state = _connect.encode_state(self._keyring, attempt)
        return api.authorization_url(state=state, code_challenge=pkce.challenge)

    def complete(self, callback: str | Mapping[str, str], user_id: str | None) -> Connection:
        """Check the callback's state, exchange its code, read who connected, link them."""
        url, params = _connect.parse_callback(callback)
        attempt = self._take_attempt(params)
        denied = _connect.denial(params, attempt.user_id if attempt else None)
        if denied is not None:
            raise denied
        if attempt is None:
            raise InvalidStateError("the callback carries no state", reason="missing")
        if attempt.kind == "personal" and user_id is not None and user_id != attempt.user_id:
            raise InvalidStateError(
                "this connect link was started by another app user", reason="other_user"
            )
        api = self._apis.get(attempt.client_id)
        if api is None:
            raise ConfigurationError(
                f"the connect was started with Zoom app {attempt.client_id}, which this "
                "ZoomLink was not given"
            )
        _connect.check_redirect(url, api.app.redirect_uri)
        code = _connect.authorization_code(params)
        try:
            tokens = api.exchange_code(
                code, code_verifier=_connect.open_verifier(self._keyring, attempt)
            )
        except ZoomOAuthError as exc:
            raise AuthorizationCodeError(
                f"Zoom refused the authorization code ({exc.error}: {exc.reason or exc.message})"
                "; start connecting again",
                error=exc.error,
                reason=exc.reason,
            ) from exc
        user = api.get_user(tokens.access_token)
        if attempt.kind == "organization":
            try:
                _links.check_org_completer(user)
            except ZoomRoleError:
                self._linker.revoke_quietly(api, tokens.access_token)
                raise
        grant = _grants.new_grant(api.app, user, tokens, self._keyring, self._clock.now())
        link = self._linker.link(
            attempt.tenant, attempt.kind, attempt.user_id, grant, completed_by=user_id
        )
        logger.info("Zoom %s connection %s made in %s", attempt.kind, link.id, attempt.tenant)
        return _links.describe(link, self._store.get_grant(link.grant_id))

    def _take_attempt(self, params: Mapping[str, str]) -> ConnectAttempt | None:
        state = params.get("state", "")
        if not state and params.get("error"):
            return None
        attempt_id = _connect.decode_state(self._keyring, state, self._clock.now())
        attempt = self._store.take_attempt(attempt_id)
        if attempt is None:
            raise InvalidStateError(
                "this connect link was used already (or is unknown); start connecting again",
                reason="reused",
            )
        if self._clock.now() >= attempt.expires_at:
            raise InvalidStateError(
                "the connect link has expired; start connecting again", reason="expired"
            )
        return attempt

    def server_to_server(self, actor: Actor, tenant: str) -> Connection:
        """Link the organisation through the Server-to-Server app's account token."""
        _links.check_org_starter(actor, tenant)
        api = self.app("s2s")
        tokens = api.account_token()
        grant = _grants.new_grant(api.app, None, tokens, self._keyring, self._clock.now())
        link = self._linker.link(
            tenant, "organization", actor.user_id, grant, completed_by=actor.user_id
        )
        return _links.describe(link, self._store.get_grant(link.grant_id))
