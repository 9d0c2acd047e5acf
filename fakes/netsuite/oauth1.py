"""OAuth 1.0a signatures as NetSuite token-based authentication uses them (RFC 5849, HMAC-SHA256).

The signature base string is ``METHOD & enc(base URI) & enc(normalised parameters)``:

* the base URI is rebuilt from the request as it arrived: scheme and ``Host`` header in lower
  case, default ports dropped, and the path exactly as sent (still percent-encoded);
* the parameters are the ``oauth_*`` parameters of the ``Authorization`` header except ``realm``
  and ``oauth_signature``, plus the query parameters, plus the body parameters only when the
  body is ``application/x-www-form-urlencoded`` (never a JSON body); each name and value is
  percent-encoded (RFC 3986 unreserved characters kept), then sorted by name and value;
* the key is ``enc(consumer_secret) & enc(token_secret)``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from urllib.parse import parse_qsl, quote, unquote

DEFAULT_PORTS = {("http", "80"), ("https", "443")}
EXCLUDED = {"realm", "oauth_signature"}


@dataclass(frozen=True)
class SignedRequest:
    """What the signature covers, taken from the request as it arrived."""

    method: str
    scheme: str
    host: str
    path: str
    query: str
    form: str | None
    authorization: str


def percent_encode(value: str) -> str:
    return quote(value, safe="-._~")


def parse_authorization(header: str) -> dict[str, str] | None:
    """The parameters of an ``Authorization: OAuth ...`` header, or ``None`` if it is not one."""
    scheme, _, rest = header.strip().partition(" ")
    if scheme.lower() != "oauth":
        return None
    params: dict[str, str] = {}
    for part in rest.split(","):
        key, sep, value = part.strip().partition("=")
        if not sep or not key:
            continue
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1]
        params[key.strip()] = unquote(value)
    return params


def base_uri(scheme: str, host: str, path: str) -> str:
    scheme, host = scheme.lower(), host.lower()
    if host.startswith("["):
        end = host.find("]") + 1
        name, port = host[:end], host[end + 1:]
    else:
        name, _, port = host.partition(":")
    if port and (scheme, port) not in DEFAULT_PORTS:
        name = f"{name}:{port}"
    return f"{scheme}://{name}{path or '/'}"


def normalized_parameters(oauth_params: dict[str, str], query: str, form: str | None) -> str:
    pairs = [(k, v) for k, v in oauth_params.items() if k not in EXCLUDED]
    pairs += parse_qsl(query, keep_blank_values=True)
    if form:
        pairs += parse_qsl(form, keep_blank_values=True)
    encoded = sorted((percent_encode(k), percent_encode(v)) for k, v in pairs)
    return "&".join(f"{k}={v}" for k, v in encoded)


def base_string(req: SignedRequest, oauth_params: dict[str, str]) -> str:
    return "&".join(
        (
            percent_encode(req.method.upper()),
            percent_encode(base_uri(req.scheme, req.host, req.path)),
            percent_encode(normalized_parameters(oauth_params, req.query, req.form)),
        )
    )


def hmac_sha256_signature(base: str, consumer_secret: str, token_secret: str) -> str:
    key = f"{percent_encode(consumer_secret)}&{percent_encode(token_secret)}"
    digest = hmac.new(key.encode(), base.encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()
