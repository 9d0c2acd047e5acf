"""Who may call: HTTP Basic (SOAP and the file gateway) or a WS-Security UsernameToken (SOAP).

The ERP has one integration user (see ``credentials`` in :mod:`fakes.legacy`). For SOAP, a
``wsse:Security/wsse:UsernameToken`` in the envelope header is checked when present
(``#PasswordText`` or ``#PasswordDigest`` = Base64(SHA-1(nonce + created + password))) and a
bad one is a ``wsse:FailedAuthentication`` fault; otherwise HTTP Basic is required and a
missing or wrong one is a 401 with ``WWW-Authenticate: Basic``. Option ``require_auth=False``
turns all checks off.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from typing import TYPE_CHECKING

from lxml import etree

from fakes.legacy.errors import WSSE_NS, AuthenticationFailed, WsseAuthenticationFailed

if TYPE_CHECKING:
    from fakes.legacy.state import LegacyBackend

WSU_NS = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"
DIGEST_TYPE = (
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0"
    "#PasswordDigest"
)
WSSE = f"{{{WSSE_NS}}}"


def _same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))


def basic_credentials(header: str | None) -> tuple[str, str] | None:
    if not header or not header.lower().startswith("basic "):
        return None
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    user, sep, password = decoded.partition(":")
    return (user, password) if sep else None


def check_basic(backend: LegacyBackend, authorization: str | None) -> None:
    """Require the integration user's HTTP Basic credentials (unless auth is off)."""
    if not backend.require_auth:
        return
    given = basic_credentials(authorization)
    if given is None:
        raise AuthenticationFailed("HTTP Basic authentication is required.")
    if not (_same(given[0], backend.username) and _same(given[1], backend.password)):
        raise AuthenticationFailed("The user name or password is wrong.")


def _digest(nonce_b64: str, created: str, password: str) -> str | None:
    try:
        nonce = base64.b64decode(nonce_b64, validate=True)
    except binascii.Error:
        return None
    raw = hashlib.sha1(nonce + created.encode("utf-8") + password.encode("utf-8")).digest()
    return base64.b64encode(raw).decode("ascii")


def _token_ok(backend: LegacyBackend, token: etree._Element) -> bool:
    user = token.findtext(f"{WSSE}Username") or ""
    password = token.find(f"{WSSE}Password")
    if password is None or not _same(user.strip(), backend.username):
        return False
    given = (password.text or "").strip()
    if password.get("Type") == DIGEST_TYPE:
        expected = _digest(token.findtext(f"{WSSE}Nonce") or "",
                           token.findtext(f"{{{WSU_NS}}}Created") or "", backend.password)
        return expected is not None and _same(given, expected)
    return _same(given, backend.password)


def check_soap(
    backend: LegacyBackend, authorization: str | None, soap_header: etree._Element | None
) -> None:
    """A UsernameToken when the envelope has one, else HTTP Basic."""
    if not backend.require_auth:
        return
    token = None
    if soap_header is not None:
        token = soap_header.find(f"{WSSE}Security/{WSSE}UsernameToken")
    if token is None:
        check_basic(backend, authorization)
    elif not _token_ok(backend, token):
        raise WsseAuthenticationFailed()
