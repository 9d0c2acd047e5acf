"""Who is calling: admin tokens (JWT since 2.4.4), the integration token, login lockout.

* ``POST /V1/integration/admin/token`` checks the admin's credentials and issues an HS256 JWT
  (``{"kid":"1","alg":"HS256"}`` / ``{"uid","utypid":2,"iat","exp"}``) valid for the admin
  token lifetime (4 h by default) on the fake's clock.
* Wrong credentials are an ``AuthenticationException`` (401). After ``max_login_failures``
  consecutive failures the account is locked for ``lockout_s`` (Magento: 6 and 1800 s), and even
  the right password gets the same 401 until the lock expires.
* The integration's access token is accepted as a standalone Bearer token only when
  ``allow_bearer_integration_token`` is on (Magento 2.4.4+ turns it off by default; this harness
  turns it on). OAuth 1.0a signed requests are checked in :mod:`fakes.magento.oauth`.
* Revoking admin tokens (an event, or the ``expire_tokens`` fault) invalidates every admin token
  issued so far, as ``revokeAdminAccessToken`` or a password change does.
* ``POST /V1/integration/customer/token`` issues a customer JWT (``utypid`` 3) valid for the
  customer token lifetime (1 h); it grants the ``self`` resource of ``/V1/carts/mine...``.
  Seeded customers share one password (``customer_password`` in the credentials).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import random
import string
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

ADMIN_USER_ID = 1
USER_TYPE_INTEGRATION = 1
USER_TYPE_ADMIN = 2
USER_TYPE_CUSTOMER = 3
TOKEN_ALPHABET = string.ascii_lowercase + string.digits


@dataclass
class Caller:
    """An authenticated caller and the ACL resources it holds (``None`` = all)."""

    kind: str
    resources: frozenset[str] | None = None
    user_id: int | None = None


@dataclass
class AuthState:
    """Secrets and token bookkeeping; plain data so checkpoints can copy it."""

    username: str
    password: str
    integration_token: str
    consumer_key: str
    consumer_secret: str
    access_token_secret: str
    jwt_secret: str
    customer_password: str
    failures: int = 0
    locked_until: float = 0.0
    revoked_before: float = -1.0
    issued: int = 0
    nonces: list[str] = field(default_factory=list)

    @classmethod
    def generate(cls, rng: random.Random) -> AuthState:
        def token(n: int = 32) -> str:
            return "".join(rng.choice(TOKEN_ALPHABET) for _ in range(n))

        return cls(
            username="admin",
            password="Admin-" + token(12) + "!1",
            integration_token=token(),
            consumer_key=token(),
            consumer_secret=token(),
            access_token_secret=token(),
            jwt_secret=token(64),
            customer_password="Customer-" + token(10) + "!1",
        )


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def issue_jwt(state: AuthState, now: datetime, lifetime_s: float,
              user_type: int = USER_TYPE_ADMIN, uid: int = ADMIN_USER_ID) -> str:
    iat = max(int(now.timestamp()), int(state.revoked_before) + 1)
    header = _b64(json.dumps({"kid": "1", "alg": "HS256"}, separators=(",", ":")).encode())
    claims = {"uid": uid, "utypid": user_type, "iat": iat}
    if lifetime_s > 0:
        claims["exp"] = iat + int(lifetime_s)
    payload = _b64(json.dumps(claims, separators=(",", ":")).encode())
    state.issued += 1
    return f"{header}.{payload}.{_sign(state, f'{header}.{payload}')}"


def _sign(state: AuthState, signing_input: str) -> str:
    digest = hmac.new(state.jwt_secret.encode(), signing_input.encode(), hashlib.sha256).digest()
    return _b64(digest)


def read_jwt(state: AuthState, token: str, now: datetime) -> dict[str, Any] | None:
    """The claims of a valid, unexpired, unrevoked admin token, else ``None``."""
    parts = token.split(".")
    if len(parts) != 3 or not hmac.compare_digest(parts[2], _sign(state, f"{parts[0]}.{parts[1]}")):
        return None
    try:
        claims = json.loads(_unb64(parts[1]))
    except ValueError:
        return None
    if not isinstance(claims, dict):
        return None
    stamp = now.timestamp()
    if "exp" in claims and stamp >= float(claims["exp"]):
        return None
    admin = claims.get("utypid") == USER_TYPE_ADMIN
    if admin and float(claims.get("iat", 0)) <= state.revoked_before:
        return None
    return claims


def login(
    state: AuthState, username: str, password: str, now: datetime, options: dict[str, Any]
) -> bool:
    """Check credentials with Magento's lockout; ``True`` when a token may be issued."""
    stamp = now.timestamp()
    if state.locked_until > stamp:
        return False
    if username == state.username and hmac.compare_digest(password, state.password):
        state.failures = 0
        return True
    state.failures += 1
    if state.failures >= int(options["max_login_failures"]):
        state.locked_until = stamp + float(options["lockout_s"])
        state.failures = 0
    return False


def bearer(state: AuthState, token: str, now: datetime, options: dict[str, Any]) -> Caller | None:
    claims = read_jwt(state, token, now)
    if claims is not None and claims.get("utypid") == USER_TYPE_CUSTOMER:
        return Caller("customer", frozenset({"self"}), int(claims["uid"]))
    if claims is not None:
        return Caller("admin", user_id=ADMIN_USER_ID)
    allowed = options["allow_bearer_integration_token"]
    if allowed and hmac.compare_digest(token, state.integration_token):
        return integration_caller(options)
    return None


def integration_caller(options: dict[str, Any]) -> Caller:
    granted = options.get("integration_resources")
    return Caller("integration", None if granted is None else frozenset(granted), 1)


def revoke_admin_tokens(state: AuthState, now: datetime) -> None:
    """Tokens issued up to this second stop working (Magento's ``jwt_auth_revoked``).

    A token issued later in the same simulated second is dated one second on, so a client that
    logs in again at once gets a working token even when the simulated clock stands still.
    """
    state.revoked_before = max(float(int(now.timestamp())), state.revoked_before)
