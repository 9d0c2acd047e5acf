"""OAuth 1.0a signed requests of an integration (``Authorization: OAuth ...``).

Magento checks the consumer key, the access token, the nonce (never reused by a consumer) and
an ``HMAC-SHA256`` or ``HMAC-SHA1`` signature over the standard base string: method, the URL
without query, and every ``oauth_*`` header parameter plus query and form parameters, sorted.
Any failure leaves the caller anonymous, so the route answers its usual 401.

The fake does not check ``oauth_timestamp`` against its clock: clients sign with wall-clock
time while scenarios run on a simulated clock.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from urllib.parse import quote, unquote, urlsplit

from fakes.magento.auth import AuthState

METHODS = {"HMAC-SHA256": hashlib.sha256, "HMAC-SHA1": hashlib.sha1}
NONCE_MEMORY = 10_000


def _enc(value: str) -> str:
    return quote(value, safe="~-._")


def parse_header(header: str) -> dict[str, str]:
    """``OAuth realm="", oauth_consumer_key="..."`` to a dict of decoded values."""
    body = header.strip()[len("OAuth"):].strip()
    params: dict[str, str] = {}
    for part in body.split(","):
        key, sep, value = part.strip().partition("=")
        if sep:
            params[unquote(key.strip())] = unquote(value.strip().strip('"'))
    return params


def base_string(method: str, url: str, params: list[tuple[str, str]]) -> str:
    parts = urlsplit(url)
    scheme, host = parts.scheme.lower(), parts.hostname or ""
    port = parts.port
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    normal = "&".join(f"{k}={v}" for k, v in sorted((_enc(k), _enc(v)) for k, v in params))
    return "&".join(_enc(p) for p in (method.upper(), f"{scheme}://{host}{parts.path}", normal))


def sign(method: str, url: str, params: list[tuple[str, str]], signature_method: str,
         consumer_secret: str, token_secret: str) -> str:
    key = f"{_enc(consumer_secret)}&{_enc(token_secret)}".encode()
    digest = hmac.new(key, base_string(method, url, params).encode(), METHODS[signature_method])
    return base64.b64encode(digest.digest()).decode()


def verify_oauth(state: AuthState, header: str, method: str, url: str,
                 query: list[tuple[str, str]]) -> bool:
    oauth = parse_header(header)
    signature_method = oauth.get("oauth_signature_method", "")
    if signature_method not in METHODS:
        return False
    if oauth.get("oauth_consumer_key") != state.consumer_key:
        return False
    if oauth.get("oauth_token") != state.integration_token:
        return False
    nonce = f"{oauth.get('oauth_timestamp')}:{oauth.get('oauth_nonce')}"
    if not oauth.get("oauth_nonce") or nonce in state.nonces:
        return False
    params = [(k, v) for k, v in oauth.items() if k not in ("oauth_signature", "realm")]
    params += query
    expected = sign(method, url, params, signature_method, state.consumer_secret,
                    state.access_token_secret)
    if not hmac.compare_digest(expected, oauth.get("oauth_signature", "")):
        return False
    state.nonces = (state.nonces + [nonce])[-NONCE_MEMORY:]
    return True
