"""Who may call: token-based authentication (OAuth 1.0a) and OAuth 2.0 M2M bearer tokens.

Every failure is the same 401 ``INVALID_LOGIN`` NetSuite answers (a bad signature, an unknown
token, a wrong realm, an expired bearer token all look alike to the client).

Choices (NetSuite publishes no numbers for these):

* ``oauth_timestamp`` may be at most ``oauth_timestamp_skew_s`` (default 300 s) away from the
  fake's clock (simulated in scenarios) or from the machine's wall clock: a real OAuth library
  signs with wall-clock time even when the fake runs on simulated time, and a simulation-aware
  client signs with the simulated time; a timestamp far from both is refused. ``None`` switches
  the check off. The wall clock is read only for this tolerance, never for state;
* a nonce may be used once per token and timestamp while it is remembered, i.e. for twice the
  skew window (at least 10 minutes) of clock time;
* bearer tokens live 60 minutes of clock time (``expires_in`` is the string ``"3600"``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from fakes.netsuite import m2m
from fakes.netsuite.errors import invalid_login
from fakes.netsuite.keys import HAVE_CRYPTO, Credentials, public_key
from fakes.netsuite.oauth1 import (
    SignedRequest,
    base_string,
    hmac_sha256_signature,
    parse_authorization,
)

REQUIRED = (
    "oauth_consumer_key", "oauth_token", "oauth_signature_method", "oauth_timestamp",
    "oauth_nonce", "oauth_signature",
)
TOKEN_LIFETIME_S = 3600
MIN_NONCE_WINDOW_S = 600.0


@dataclass
class AuthState:
    """Remembered nonces and issued bearer tokens (plain data, so checkpoints copy it)."""

    nonces: OrderedDict[tuple[str, str, str], float] = field(default_factory=OrderedDict)
    tokens: dict[str, float] = field(default_factory=dict)
    issued: int = 0


@dataclass(frozen=True)
class AuthPolicy:
    skew_s: float | None = 300.0
    key_type: str = "ec"

    @property
    def nonce_window_s(self) -> float:
        return max(2 * (self.skew_s or 0.0), MIN_NONCE_WINDOW_S)


def authenticate(
    req: SignedRequest, creds: Credentials, state: AuthState, now: float, policy: AuthPolicy
) -> str:
    """Check the ``Authorization`` header; return ``"tba"`` or ``"bearer"`` or raise 401."""
    scheme, _, value = req.authorization.strip().partition(" ")
    if scheme.lower() == "bearer":
        expiry = state.tokens.get(value.strip())
        if expiry is None or expiry <= now:
            raise invalid_login()
        return "bearer"
    verify_tba(req, creds, state, now, policy)
    return "tba"


def verify_tba(
    req: SignedRequest, creds: Credentials, state: AuthState, now: float, policy: AuthPolicy
) -> None:
    params = parse_authorization(req.authorization)
    if params is None or any(not params.get(k) for k in REQUIRED):
        raise invalid_login()
    if not _identity_ok(params, creds):
        raise invalid_login()
    expected = hmac_sha256_signature(base_string(req, params), creds.consumer_secret,
                                      creds.token_secret)
    if not hmac.compare_digest(expected.encode(), params["oauth_signature"].encode()):
        raise invalid_login()
    _check_freshness(params, state, now, policy)


def _identity_ok(params: dict[str, str], creds: Credentials) -> bool:
    return (
        params.get("realm") == creds.realm
        and params["oauth_signature_method"] == "HMAC-SHA256"
        and params.get("oauth_version", "1.0") == "1.0"
        and hmac.compare_digest(params["oauth_consumer_key"].encode(), creds.consumer_key.encode())
        and hmac.compare_digest(params["oauth_token"].encode(), creds.token_id.encode())
    )


def _check_freshness(
    params: dict[str, str], state: AuthState, now: float, policy: AuthPolicy
) -> None:
    try:
        timestamp = int(params["oauth_timestamp"])
    except ValueError:
        raise invalid_login() from None
    if policy.skew_s is not None and not _fresh(timestamp, now, policy.skew_s):
        raise invalid_login()
    _forget_old_nonces(state, now - policy.nonce_window_s)
    key = (params["oauth_token"], params["oauth_nonce"], params["oauth_timestamp"])
    if key in state.nonces:
        raise invalid_login()
    state.nonces[key] = now


def _fresh(timestamp: int, now: float, skew_s: float) -> bool:
    return abs(now - timestamp) <= skew_s or abs(time.time() - timestamp) <= skew_s


def _forget_old_nonces(state: AuthState, before: float) -> None:
    while state.nonces:
        oldest = next(iter(state.nonces))
        if state.nonces[oldest] >= before:
            return
        del state.nonces[oldest]


def issue_token(
    form: dict[str, str], creds: Credentials, state: AuthState, now: float, token_urls: set[str],
    policy: AuthPolicy,
) -> dict[str, Any]:
    """Answer a client-credentials token request or raise :class:`m2m.TokenRequestError`."""
    if not HAVE_CRYPTO:
        raise m2m.TokenRequestError("unsupported_grant_type", "M2M is not available in this fake")
    if form.get("grant_type") != m2m.GRANT_TYPE:
        raise m2m.TokenRequestError("unsupported_grant_type",
                                    "grant_type must be client_credentials")
    if form.get("client_assertion_type") != m2m.ASSERTION_TYPE or not form.get("client_assertion"):
        raise m2m.TokenRequestError("invalid_request", "a jwt-bearer client_assertion is required")
    assertion = m2m.decode_assertion(form["client_assertion"])
    m2m.check_header(assertion, creds.certificate_id, public_key(creds.key_seed, policy.key_type))
    m2m.check_claims(assertion.payload, creds.client_id, token_urls, now)
    token = _access_token(creds, state, now)
    state.tokens[token] = now + TOKEN_LIFETIME_S
    return {"access_token": token, "expires_in": str(TOKEN_LIFETIME_S), "token_type": "bearer"}


def _access_token(creds: Credentials, state: AuthState, now: float) -> str:
    state.issued += 1
    header = {"kid": "s.SYSTEM.fake", "typ": "JWT", "alg": "HS256"}
    payload = {
        "sub": f"{creds.account};3", "aud": [creds.client_id], "scope": [m2m.SCOPE],
        "iss": "https://system.netsuite.com", "oit": int(now), "iat": int(now),
        "exp": int(now) + TOKEN_LIFETIME_S, "jti": f"{creds.account}.a.{state.issued}",
    }
    body = ".".join(m2m.b64url_encode(json.dumps(part).encode()) for part in (header, payload))
    mac = hmac.new(creds.token_secret.encode(), body.encode(), hashlib.sha256).digest()
    return f"{body}.{m2m.b64url_encode(mac)}"
