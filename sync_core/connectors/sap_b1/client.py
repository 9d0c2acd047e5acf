"""SAP Business One Service Layer transport: session login, cookies, paging and errors.

* **Session.** ``POST /b1s/v1/Login`` with ``CompanyDB``, ``UserName`` and ``Password`` answers
  a ``SessionId`` and two cookies, ``B1SESSION`` and ``ROUTEID`` (load-balancer stickiness).
  Both are sent back on every call in a ``Cookie`` header we build ourselves (``B1SESSION`` is
  set without a ``Path`` and some cookie jars drop it). The session ends after 30 minutes of
  inactivity (``SessionTimeout``), on an SL restart or a password change: the SL then answers
  401 with error code 301, and the client logs in again and repeats the call once. A 401 means
  the call was refused before it was processed, so repeating a write is safe.
* **Paging.** Collections come in pages (``B1S-PageSize``, default 20) with an
  ``odata.nextLink`` (v1) or ``@odata.nextLink`` (v2) that carries ``$skip=N``; it may be
  absolute, root-relative (``/b1s/v1/Items?...``) or relative to the service root.
* **Errors.** ``{"error": {"code": <int or str>, "message": {"lang", "value"} or str}}``,
  mapped onto the error tree by :func:`classify`.

Credentials (``config.erp.credentials``): ``company_db``, ``username``, ``password``.
``config.erp.base_url`` is the server root (``https://host:50000``); a root that already ends
in ``/b1s/v1`` or ``/b1s/v2`` is accepted too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests

from sync_core.config import ErpConfig
from sync_core.errors import (
    AuthExpired,
    BusinessHold,
    InvalidData,
    LockContention,
    RemoteNotFound,
    RemoteUnavailable,
    SchemaDrift,
    SyncError,
    Throttled,
)
from sync_core.transport import HttpClient, parse_retry_after

SERVICE = "/b1s/v1"
SESSION_INVALID = 301
LOGIN_FAILED = 100000027
TRANSACTION_NOTIFICATION = -1
ROUTE_RE = re.compile(r"ROUTEID=([^;,\s]+)")
VERSION_SUFFIX = re.compile(r"/b1s/v[12]/?$")
HOLD_WORDS = ("inactive", "frozen", "blocked", "credit limit", "on hold")
# "Enter delivery date [ORDR.DocDueDate]": a mandatory field we do not send (a contract change).
REQUIRED_RE = re.compile(r"^Enter (?!a positive)[^\[]*\[\w+\.\w+\]")
UNKNOWN_PROPERTY_RE = re.compile(r"Property '[^']+' of '[^']+' is (invalid|read-only)")


class SessionInvalid(AuthExpired):
    """The Service Layer session timed out or was dropped (error 301): log in again."""

    reason = "auth_expired"


class TransactionRejected(BusinessHold):
    """The company's ``SBO_SP_TransactionNotification`` refused the write (error -1)."""

    reason = "business_hold"


def error_details(response: requests.Response) -> tuple[int | None, str]:
    """The SL error code (an int or a numeric string on the wire) and its message text."""
    try:
        error = response.json().get("error") or {}
    except (ValueError, AttributeError):
        return None, response.text[:200]
    if not isinstance(error, dict):
        return None, str(error)[:200]
    raw_code, message = error.get("code"), error.get("message")
    if isinstance(message, dict):
        message = message.get("value")
    try:
        code = int(str(raw_code).strip()) if raw_code is not None else None
    except ValueError:
        code = None
    return code, str(message or "")


def _client_error(status: int, code: int | None, text: str, message: str) -> SyncError:
    if code == TRANSACTION_NOTIFICATION:
        return TransactionRejected(message, status=status)
    if any(word in text.lower() for word in HOLD_WORDS):
        return BusinessHold(message, status=status)
    if UNKNOWN_PROPERTY_RE.search(text) or REQUIRED_RE.search(text):
        return SchemaDrift(message, status=status)
    return InvalidData(message, status=status)


def classify(response: requests.Response) -> SyncError | None:
    status = response.status_code
    code, text = error_details(response)
    message = f"sap-b1 {status} {code if code is not None else ''}: {text}".replace("  ", " ")
    if status == 429:
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        return Throttled(message, retry_after=retry_after, status=status)
    if status == 401:
        if code == LOGIN_FAILED:
            return AuthExpired(f"sap-b1 login failed (code {code})", status=status)
        return SessionInvalid(message, status=status)
    if status >= 500:
        return RemoteUnavailable(message, status=status)
    if status == 404:
        return RemoteNotFound(message, status=status)
    if status == 412:
        return LockContention(message, status=status)
    return _client_error(status, code, text, message)


def odata_quote(value: str) -> str:
    """An OData string literal: single quotes doubled."""
    return "'" + value.replace("'", "''") + "'"


class B1Client:
    """One Service Layer session on one company database."""

    system = "sap-b1"

    def __init__(
        self,
        config: ErpConfig,
        session: requests.Session | None = None,
        timeout_s: float = 30.0,
        page_size: int = 100,
    ) -> None:
        self.config = config
        self.root = VERSION_SUFFIX.sub("", config.base_url.rstrip("/"))
        self.page_size = page_size
        self.http = HttpClient(
            self.root + SERVICE,
            "sap-b1",
            timeout_s,
            session=session or requests.Session(),
            classify=classify,
        )
        self.session_id: str | None = None
        self.route_id: str | None = None
        self.logins = 0

    # -- session ------------------------------------------------------------------------------
    def login(self) -> None:
        body = {
            "CompanyDB": self.config.secret("company_db"),
            "UserName": self.config.secret("username"),
            "Password": self.config.secret("password"),
        }
        self.session_id = None
        response = self.http.request("POST", "/Login", json=body)
        payload = self.http.json(response)
        session_id = payload.get("SessionId") if isinstance(payload, dict) else None
        if not session_id:
            raise SchemaDrift("sap-b1 Login answered without a SessionId")
        self.session_id = str(session_id)
        self.route_id = _route_id(response)
        self.logins += 1

    def _cookie(self) -> str:
        cookie = f"B1SESSION={self.session_id}"
        return cookie + (f"; ROUTEID={self.route_id}" if self.route_id else "")

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        """A call in the session; a timed-out session is renewed once, transparently."""
        if self.session_id is None:
            self.login()
        headers = dict(kwargs.pop("headers", {}))
        try:
            return self.http.request(
                method, path, headers={**headers, "Cookie": self._cookie()}, **kwargs
            )
        except SessionInvalid:
            self.login()
        return self.http.request(
            method, path, headers={**headers, "Cookie": self._cookie()}, **kwargs
        )

    # -- reads --------------------------------------------------------------------------------
    def get(self, path: str, params: dict[str, str] | None = None) -> dict[str, Any]:
        response = self.request("GET", path, params=params or {})
        body = self.http.json(response)
        if not isinstance(body, dict):
            raise SchemaDrift(f"sap-b1 GET {path} answered {type(body).__name__}, not an object")
        return body

    def query(self, set_name: str, params: dict[str, str]) -> Iterator[dict[str, Any]]:
        """Every entity of ``set_name`` matching ``params``, following the next links."""
        path: str = f"/{set_name}"
        query: dict[str, str] | None = params
        headers = {"B1S-PageSize": str(self.page_size)}
        seen_skips: set[str] = set()
        while True:
            response = self.request("GET", path, params=query or {}, headers=headers)
            body = self.http.json(response)
            rows = body.get("value") if isinstance(body, dict) else None
            if not isinstance(rows, list):
                raise SchemaDrift(f"sap-b1 GET {set_name} answered without a value array")
            yield from (row for row in rows if isinstance(row, dict))
            link = body.get("odata.nextLink") or body.get("@odata.nextLink")
            if not link or not rows or link in seen_skips:
                return
            seen_skips.add(link)
            path, query = self._next(str(link)), None

    def _next(self, link: str) -> str:
        """The next link as a URL: absolute, root-relative, or relative to the service root."""
        if urlsplit(link).scheme:
            return link
        if link.startswith("/"):
            return self.root + link
        return urljoin(self.root + SERVICE + "/", link)

    # -- writes -------------------------------------------------------------------------------
    def create(self, set_name: str, body: dict[str, Any]) -> dict[str, Any]:
        response = self.request("POST", f"/{set_name}", json=body)
        created = self.http.json(response) if response.content else {}
        if not isinstance(created, dict):
            raise SchemaDrift(f"sap-b1 POST {set_name} answered {type(created).__name__}")
        return created


def _route_id(response: requests.Response) -> str | None:
    found = response.cookies.get("ROUTEID")
    if found:
        return str(found)
    match = ROUTE_RE.search(response.headers.get("Set-Cookie", ""))
    return match.group(1) if match else None
