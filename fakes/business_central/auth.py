"""Entra ID client credentials for the fake tenant: the app registration, issued bearer tokens
(JWT-shaped, expiring on the simulated clock), token checks for API calls, and the per-client
sliding-window request budget (6,000 requests per 5 minutes by default).

Tokens are self-contained (signed claims), so a control-plane reset does not log clients out;
``revoke_all`` rejects every token issued so far. The revocation mark, rate windows and the
correlation-id stream live in :class:`AuthState`, which is shared rather than copied by
``checkpoint()``: a rolled-back batch or a silently dropped write must not
revoke a token or rewind the request budget.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import math
import random
import string
import uuid
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from fakes.business_central.errors import AuthError, EntraError, Throttled, missing_parameter

API_RESOURCE = "https://api.businesscentral.dynamics.com"
API_SCOPE = f"{API_RESOURCE}/.default"
GRANT = "client_credentials"
ROLES = ["API.ReadWrite.All", "Automation.ReadWrite.All"]
MALFORMED = "Value cannot be null. Parameter name: azureAdUserTokenInfo"
EXPIRED = "The SAML2 token is not valid because its validity period has ended."
REJECTED = "The server has rejected the client credentials."


def new_guid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class AppRegistration:
    """The tenant and the one confidential client that may call the API."""

    tenant_id: str
    domain: str
    client_id: str
    client_secret: str
    object_id: str
    signing_key: bytes

    @classmethod
    def generate(cls, rng: random.Random, domain: str) -> AppRegistration:
        alphabet = string.ascii_letters + string.digits + "~._-"
        secret = "".join(rng.choice(alphabet) for _ in range(40))
        return cls(
            tenant_id=new_guid(rng),
            domain=domain,
            client_id=new_guid(rng),
            client_secret=secret[:3] + "8Q~" + secret[6:],
            object_id=new_guid(rng),
            signing_key=rng.getrandbits(256).to_bytes(32, "big"),
        )

    def is_tenant(self, value: str | None) -> bool:
        return value is not None and value.lower() in (self.tenant_id, self.domain.lower())


@dataclass
class TokenInfo:
    client_id: str
    tenant_id: str
    expires_at: float


@dataclass
class AuthState:
    """Mutable auth bookkeeping; survives ``checkpoint``/``restore`` untouched."""

    rng: random.Random
    revoked_upto: int = 0
    windows: dict[str, deque[float]] = field(default_factory=dict)
    issued: int = 0

    def __deepcopy__(self, memo: dict[int, Any]) -> AuthState:
        return self

    def guid(self) -> str:
        return new_guid(self.rng)


class TokenService:
    """Issues and checks tokens for one :class:`AppRegistration`."""

    def __init__(self, app: AppRegistration, state: AuthState, lifetime_s: int) -> None:
        self.app = app
        self.state = state
        self.lifetime_s = lifetime_s

    def issue(self, tenant: str, form: dict[str, str], now: datetime) -> dict[str, Any]:
        """The token endpoint: validate a client-credentials request, return the token body."""
        if not self.app.is_tenant(tenant):
            raise EntraError(400, "invalid_request", 90002, _tenant_not_found(tenant))
        self._check_form(form)
        token = self._mint(now)
        return {
            "token_type": "Bearer",
            "expires_in": self.lifetime_s,
            "ext_expires_in": self.lifetime_s,
            "access_token": token,
        }

    def _check_form(self, form: dict[str, str]) -> None:
        grant = form.get("grant_type")
        if not grant:
            raise missing_parameter("grant_type")
        if grant != GRANT:
            raise EntraError(
                400, "unsupported_grant_type", 70003,
                f"The app requested an unsupported grant type '{grant}'.",
            )
        self._check_client(form)
        self._check_scope(form.get("scope"))

    def _check_client(self, form: dict[str, str]) -> None:
        client_id = form.get("client_id")
        if not client_id:
            raise missing_parameter("client_id")
        if client_id != self.app.client_id:
            raise EntraError(400, "unauthorized_client", 700016, self._unknown_app(client_id))
        secret = form.get("client_secret")
        if not secret:
            raise EntraError(
                401, "invalid_client", 7000218,
                "The request body must contain the following parameter: "
                "'client_assertion' or 'client_secret'.",
            )
        if not hmac.compare_digest(secret, self.app.client_secret):
            raise EntraError(
                401, "invalid_client", 7000215,
                "Invalid client secret provided. Ensure the secret being sent in the request is "
                "the client secret value, not the client secret ID, for a secret added to app "
                f"'{client_id}'.",
            )

    def _unknown_app(self, client_id: str) -> str:
        return (
            f"Application with identifier '{client_id}' was not found in the directory "
            f"'{self.app.domain}'. This can happen if the application has not been installed "
            "by the administrator of the tenant or consented to by any user in the tenant. "
            "You may have sent your authentication request to the wrong tenant."
        )

    def _check_scope(self, scope: str | None) -> None:
        if not scope:
            raise missing_parameter("scope")
        scopes = scope.split()
        if scopes == [API_SCOPE]:
            return
        if any(s.rstrip("/").lower() == API_RESOURCE.lower() for s in scopes) or not any(
            s.endswith("/.default") for s in scopes
        ):
            raise EntraError(
                400, "invalid_scope", 1002012,
                f"The provided value for scope {scope} is not valid. Client credential flows "
                "must have a scope value with /.default suffixed to the resource identifier "
                "(application ID URI).",
            )
        raise EntraError(
            400, "invalid_resource", 500011,
            f"The resource principal named {scopes[0].removesuffix('/.default')} was not found "
            f"in the tenant named {self.app.domain}. This can happen if the application has "
            "not been installed by the administrator of the tenant or consented to by any "
            "user in the tenant. You might have sent your authentication request to the "
            "wrong tenant.",
        )

    def _mint(self, now: datetime) -> str:
        self.state.issued += 1
        iat = int(now.timestamp())
        header = {"typ": "JWT", "alg": "RS256", "kid": "harness-bc"}
        claims = {
            "aud": API_RESOURCE,
            "iss": f"https://sts.windows.net/{self.app.tenant_id}/",
            "iat": iat, "nbf": iat, "exp": iat + self.lifetime_s,
            "appid": self.app.client_id, "appidacr": "1", "idtyp": "app",
            "oid": self.app.object_id, "sub": self.app.object_id, "roles": ROLES,
            "tid": self.app.tenant_id, "ver": "1.0", "uti": f"u{self.state.issued:08d}",
        }
        signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"
        signature = hmac.new(self.app.signing_key, signing_input.encode(), hashlib.sha256)
        return f"{signing_input}.{_b64(signature.digest())}"

    def check(self, authorization: str | None, now: datetime) -> TokenInfo:
        """Validate an ``Authorization`` header; raise the 401 Business Central gives."""
        token = _bearer(authorization)
        claims = self._claims(token) if token else None
        if claims is None:
            raise AuthError(MALFORMED, code="Authentication_MissingOrMalformedToken",
                            headers=self.challenge())
        if not claims:
            raise AuthError(REJECTED, headers=self.challenge('error="invalid_token"'))
        if now.timestamp() >= float(claims.get("exp", 0)):
            raise AuthError(EXPIRED, code="Authentication_TokenExpired",
                            headers=self.challenge('error="invalid_token"'))
        serial = int(str(claims.get("uti", "u0"))[1:] or 0)
        if serial <= self.state.revoked_upto or claims.get("tid") != self.app.tenant_id:
            raise AuthError(REJECTED, headers=self.challenge('error="invalid_token"'))
        return TokenInfo(str(claims.get("appid")), str(claims.get("tid")), float(claims["exp"]))

    def _claims(self, token: str) -> dict[str, Any] | None:
        """None when malformed; empty when well-formed but not signed by this tenant."""
        parts = token.split(".")
        if len(parts) != 3:
            return None
        try:
            claims = json.loads(_unb64(parts[1]))
        except ValueError:
            return None
        if not isinstance(claims, dict):
            return None
        expected = hmac.new(self.app.signing_key, f"{parts[0]}.{parts[1]}".encode(), hashlib.sha256)
        return claims if hmac.compare_digest(_b64(expected.digest()), parts[2]) else {}

    def challenge(self, extra: str = "") -> dict[str, str]:
        uri = f"https://login.microsoftonline.com/{self.app.tenant_id}/oauth2/authorize"
        value = f'Bearer authorization_uri="{uri}", resource_id="{API_RESOURCE}"'
        return {"WWW-Authenticate": f"{value}, {extra}" if extra else value}

    def revoke_all(self) -> int:
        """Reject every token issued so far (a rotated secret, a revoked consent)."""
        count = self.state.issued - self.state.revoked_upto
        self.state.revoked_upto = self.state.issued
        return count


def _bearer(authorization: str | None) -> str | None:
    if not authorization:
        return None
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def _tenant_not_found(tenant: str) -> str:
    return (
        f"Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and "
        "are signing into the correct cloud. Check with your subscription administrator, this "
        "may happen if there are no active subscriptions for the tenant."
    )


class RateLimiter:
    """A sliding window of request times per client on the simulated clock."""

    def __init__(self, state: AuthState, limit: int, window_s: float, retry_after: bool) -> None:
        self.state = state
        self.limit = limit
        self.window_s = window_s
        self.retry_after = retry_after

    def hit(self, client_id: str, now: datetime) -> None:
        stamp = now.timestamp()
        window = self.state.windows.setdefault(client_id, deque())
        while window and window[0] <= stamp - self.window_s:
            window.popleft()
        if len(window) >= self.limit:
            wait = max(1, math.ceil(window[0] + self.window_s - stamp))
            headers = {"Retry-After": str(wait)} if self.retry_after else {}
            raise Throttled(
                f"Too many requests reached. Actual ({len(window) + 1}). Maximum ({self.limit}).",
                headers=headers,
            )
        window.append(stamp)
