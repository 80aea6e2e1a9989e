"""OAuth state and rules: consents, authorization codes, grants and tokens.

A *grant* is one authorization of an app: a user authorizing a user-managed app, an owner or
admin authorizing an admin-managed app, or a Server-to-Server app acting for its account.
Tokens belong to a grant; revoking the grant kills them all. Token values are only ever dict
keys here, so no repr shows one.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from datetime import datetime, timedelta

import attrs

from ._errors import FakeZoomError, expired_token, invalid_grant, invalid_request, invalid_token
from ._ids import IdSource
from ._jwt import oauth_token
from ._records import FakeApp
from ._scopes import default_scopes

ACCESS_TOKEN_LIFETIME = timedelta(seconds=3599)
REFRESH_TOKEN_LIFETIME = timedelta(days=90)
CODE_LIFETIME = timedelta(minutes=5)
CONSENT_LIFETIME = timedelta(minutes=10)

_VERIFIER = re.compile(r"[A-Za-z0-9\-._~]{43,128}", re.ASCII)


def scope_for(app: FakeApp) -> str:
    """The space-separated scopes granted to `app` (its own list, else its kind's)."""
    return " ".join(default_scopes(app.kind) if app.scopes is None else app.scopes)


def pkce_challenge(verifier: str) -> str:
    """The S256 code challenge of `verifier` (unpadded base64url, RFC 7636)."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


@attrs.define
class Grant:
    """One authorization of an app. `user_id` is the authorizer (None for S2S)."""

    id: str
    client_id: str
    kind: str
    account_id: str
    user_id: str | None
    scope: str
    revoked: bool = False


@attrs.define
class Token:
    """An access or refresh token's record; its value is the key it is stored under."""

    kind: str
    grant_id: str
    expires_at: datetime
    dead: bool = False


@attrs.define
class AuthorizationCode:
    """A code handed to the redirect URI, single use, five minutes."""

    client_id: str
    user_id: str
    redirect_uri: str
    code_challenge: str | None
    expires_at: datetime
    used: bool = False


@attrs.define
class Consent:
    """An authorize request waiting on the consent page."""

    client_id: str
    redirect_uri: str
    state: str | None
    code_challenge: str | None
    expires_at: datetime


@attrs.frozen
class TokenSet:
    """What the token endpoint hands out."""

    access_token: str = attrs.field(repr=False)
    refresh_token: str | None = attrs.field(repr=False)
    expires_in: int
    scope: str
    grant: Grant


class OAuthState:
    """Consents, codes, grants and tokens, with Zoom's rules about them."""

    def __init__(self, ids: IdSource) -> None:
        self._ids = ids
        self.signing_key = ids.secret("signing-key", 64).encode("ascii")
        self.consents: dict[str, Consent] = {}
        self.codes: dict[str, AuthorizationCode] = {}
        self.grants: dict[str, Grant] = {}
        self.tokens: dict[str, Token] = {}
        self.issued: list[str] = []

    # -- the consent page and codes ---------------------------------------------------------

    def begin_consent(
        self,
        app: FakeApp,
        redirect_uri: str,
        state: str | None,
        code_challenge: str | None,
        now: datetime,
    ) -> str:
        """Remember an authorize request; returns the consent id the page posts back."""
        self._forget_stale(now)
        consent_id = self._ids.secret("consent", 16)
        self.consents[consent_id] = Consent(
            client_id=app.client_id,
            redirect_uri=redirect_uri,
            state=state,
            code_challenge=code_challenge,
            expires_at=now + CONSENT_LIFETIME,
        )
        return consent_id

    def take_consent(self, consent_id: str, now: datetime) -> Consent | None:
        """The pending request for `consent_id` (once), or None when unknown or stale."""
        self._forget_stale(now)
        return self.consents.pop(consent_id, None)

    def issue_code(self, consent: Consent, user_id: str, now: datetime) -> str:
        """A fresh authorization code for `user_id`."""
        code = self._ids.secret("code", 24)
        self.codes[code] = AuthorizationCode(
            client_id=consent.client_id,
            user_id=user_id,
            redirect_uri=consent.redirect_uri,
            code_challenge=consent.code_challenge,
            expires_at=now + CODE_LIFETIME,
        )
        return code

    def redeem_code(
        self,
        app: FakeApp,
        code: str,
        redirect_uri: str | None,
        verifier: str | None,
        now: datetime,
    ) -> AuthorizationCode:
        """Check and use up an authorization code (any attempt by its app uses it up)."""
        record = self.codes.get(code)
        if record is None or record.client_id != app.client_id or record.used:
            raise invalid_request("Invalid authorization code")
        record.used = True
        if now >= record.expires_at:
            raise invalid_request("Authorization code is expired")
        if redirect_uri != record.redirect_uri:
            raise invalid_request("Redirect URI mismatch")
        if record.code_challenge is not None:
            if verifier is None:
                raise invalid_request("Missing code_verifier")
            if _VERIFIER.fullmatch(verifier) is None or not hmac.compare_digest(
                pkce_challenge(verifier), record.code_challenge
            ):
                raise invalid_request("Invalid code_verifier")
        elif verifier is not None:
            raise invalid_request("code_verifier sent without a code_challenge")
        return record

    # -- grants and tokens ------------------------------------------------------------------

    def new_grant(self, app: FakeApp, account_id: str, user_id: str | None) -> Grant:
        """A new grant; for user and admin apps it replaces the same user's earlier grant."""
        if user_id is not None:
            for grant in self.grants.values():
                if grant.client_id == app.client_id and grant.user_id == user_id:
                    self.revoke_grant(grant)
        grant = Grant(
            id=self._ids.secret("grant", 12),
            client_id=app.client_id,
            kind=app.kind,
            account_id=account_id,
            user_id=user_id,
            scope=scope_for(app),
        )
        self.grants[grant.id] = grant
        return grant

    def s2s_grant(self, app: FakeApp, account_id: str) -> Grant:
        """The live grant of a Server-to-Server app on its account (made on first use)."""
        for grant in self.grants.values():
            if grant.client_id == app.client_id and not grant.revoked:
                return grant
        return self.new_grant(app, account_id, None)

    def issue(self, grant: Grant, now: datetime, *, with_refresh: bool) -> TokenSet:
        """New tokens for `grant`: the grant's earlier access tokens stop working."""
        for token in self.tokens.values():
            if token.grant_id == grant.id and token.kind == "access" and grant.kind != "s2s":
                token.dead = True
        access = self._new_token("access", grant, now, now + ACCESS_TOKEN_LIFETIME)
        refresh = (
            self._new_token("refresh", grant, now, now + REFRESH_TOKEN_LIFETIME)
            if with_refresh
            else None
        )
        return TokenSet(
            access_token=access,
            refresh_token=refresh,
            expires_in=int(ACCESS_TOKEN_LIFETIME.total_seconds()),
            scope=grant.scope,
            grant=grant,
        )

    def refresh(self, app: FakeApp, refresh_token: str, now: datetime) -> TokenSet:
        """Rotate: the refresh token dies, a new pair is issued for the same grant."""
        token = self.tokens.get(refresh_token)
        if token is None or token.kind != "refresh" or token.dead or now >= token.expires_at:
            raise invalid_grant()
        grant = self.grants[token.grant_id]
        if grant.revoked or grant.client_id != app.client_id:
            raise invalid_grant()
        token.dead = True
        return self.issue(grant, now, with_refresh=True)

    def authenticate(self, access_token: str, now: datetime) -> Grant:
        """The live grant behind an access token, else 401 code 124."""
        token = self.tokens.get(access_token)
        if token is None or token.kind != "access":
            raise invalid_token()
        grant = self.grants[token.grant_id]
        if token.dead or grant.revoked:
            raise invalid_token()
        if now >= token.expires_at:
            raise expired_token()
        return grant

    def revocable(self, app: FakeApp, access_token: str, now: datetime) -> Grant:
        """The grant an app may revoke with `access_token` (a live access token of its own)."""
        try:
            grant = self.authenticate(access_token, now)
        except FakeZoomError:
            raise invalid_request("Invalid Token!") from None
        if grant.client_id != app.client_id:
            raise invalid_request("Invalid Token!")
        return grant

    def kill_token(self, access_token: str) -> None:
        """One token stops working (an S2S token revoked on its own)."""
        self.tokens[access_token].dead = True

    def revoke_grant(self, grant: Grant) -> None:
        """The grant and all its tokens stop working for good."""
        grant.revoked = True
        for token in self.tokens.values():
            if token.grant_id == grant.id:
                token.dead = True

    def live_grants(self) -> list[Grant]:
        """Grants not revoked."""
        return [grant for grant in self.grants.values() if not grant.revoked]

    def _new_token(self, kind: str, grant: Grant, now: datetime, expires_at: datetime) -> str:
        value = oauth_token(
            self._ids,
            self.signing_key,
            kind=kind,
            client_id=grant.client_id,
            account_id=grant.account_id,
            user_id=grant.user_id,
            issued=now,
            expires=expires_at,
        )
        self.tokens[value] = Token(kind=kind, grant_id=grant.id, expires_at=expires_at)
        self.issued.append(value)
        return value

    def _forget_stale(self, now: datetime) -> None:
        for key in [k for k, c in self.consents.items() if now >= c.expires_at]:
            del self.consents[key]
        for key in [k for k, c in self.codes.items() if now >= c.expires_at + CODE_LIFETIME]:
            del self.codes[key]
