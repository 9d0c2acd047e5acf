"""A fake Sage ID (Auth0-style ``POST /oauth/token``) and the bearer tokens it issues.

Real Sage 200 clients use the OAuth 2.0 *authorization code* grant against
``https://id.sage.com/oauth/token`` (scopes ``openid profile email offline_access``). A test
harness cannot click through a browser login, so the fake accepts the ``client_credentials``
grant as a stand-in for "the user has authorised the app" and the ``refresh_token`` grant for
renewal; both answer the same token response, with a refresh token. Error bodies follow Auth0
(``{"error", "error_description"}``): 401 ``access_denied`` for bad client credentials, 403
``invalid_grant`` for an unknown refresh token, 403 ``unsupported_grant_type`` otherwise.

Access tokens live ``token_ttl_s`` seconds of the fake's clock (default 3600; Sage's real
lifetime is unconfirmed). Refresh tokens rotate: using one retires it (``rotate_refresh_tokens``).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

SCOPE = "openid profile email offline_access"
DEFAULT_TTL_S = 3600
REFRESH_TTL_S = 90 * 24 * 3600


class TokenError(Exception):
    def __init__(self, status: int, error: str, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.body = {"error": error, "error_description": description}


@dataclass
class TokenStore:
    client_id: str
    client_secret: str
    rng: random.Random
    ttl_s: int = DEFAULT_TTL_S
    rotate: bool = True
    access: dict[str, datetime] = field(default_factory=dict)
    refresh: dict[str, datetime] = field(default_factory=dict)

    def _new(self, prefix: str) -> str:
        return prefix + "".join(self.rng.choice("abcdef0123456789") for _ in range(40))

    def issue(self, now: datetime) -> dict[str, Any]:
        access, refresh = self._new("s200at."), self._new("s200rt.")
        self.access[access] = now + timedelta(seconds=self.ttl_s)
        self.refresh[refresh] = now + timedelta(seconds=REFRESH_TTL_S)
        return {
            "access_token": access,
            "refresh_token": refresh,
            "scope": SCOPE,
            "expires_in": self.ttl_s,
            "token_type": "Bearer",
        }

    def check_client(self, client_id: str | None, client_secret: str | None) -> None:
        if client_id != self.client_id or (
            client_secret is not None and client_secret != self.client_secret
        ):
            raise TokenError(401, "access_denied", "Unauthorized")

    def grant(self, form: dict[str, str], now: datetime) -> dict[str, Any]:
        grant_type = form.get("grant_type", "")
        if grant_type == "client_credentials":
            if form.get("client_secret") is None:
                raise TokenError(401, "access_denied", "Unauthorized")
            self.check_client(form.get("client_id"), form.get("client_secret"))
            return self.issue(now)
        if grant_type == "refresh_token":
            self.check_client(form.get("client_id"), form.get("client_secret"))
            return self._refresh(form.get("refresh_token", ""), now)
        raise TokenError(403, "unsupported_grant_type", f"Unsupported grant type: {grant_type}")

    def _refresh(self, token: str, now: datetime) -> dict[str, Any]:
        expiry = self.refresh.get(token)
        if expiry is None or expiry <= now:
            raise TokenError(403, "invalid_grant", "Unknown or invalid refresh token.")
        if self.rotate:
            del self.refresh[token]
        return self.issue(now)

    def valid(self, token: str, now: datetime) -> bool:
        expiry = self.access.get(token)
        return expiry is not None and expiry > now

    def revoke(self, refresh_too: bool = False) -> int:
        count = len(self.access)
        self.access.clear()
        if refresh_too:
            self.refresh.clear()
        return count
