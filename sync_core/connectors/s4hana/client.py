"""SAP S/4HANA OData v2 transport: Basic authentication, the CSRF token dance, server-driven
paging, and SAP Gateway's error JSON mapped onto the error tree.

CSRF: a modifying request must carry an ``x-csrf-token`` fetched (``HEAD`` on a service root
with ``x-csrf-token: Fetch``) in the same security session, whose cookies the ``requests``
session keeps. When the session ends (ICF timeout, logoff, a restart), SAP refuses the write
with ``403`` and ``x-csrf-token: Required`` *before* processing it, so the client drops the
session cookies, fetches a new token and sends the request again, once. A second refusal is
:class:`~sync_core.errors.AuthExpired` (retryable).

Errors (``{"error": {"code", "message": {"value"}, "innererror": {"errordetails"}}}``):

- 429, and Gateway's consumer limits (``/IWFND/CM_CONSUMER/429`` and ``/430``) -> Throttled
  with ``Retry-After``; 5xx -> RemoteUnavailable; 401 (ICF logon failed) -> AuthExpired;
- an order block or a central block on the sold-to party -> BusinessHold;
- SD's "document is being processed" lock -> LockContention;
- a property the service no longer knows, a field that became required, an operation the
  service does not implement, a service that is not active -> SchemaDrift;
- 404 -> RemoteNotFound; any other 4xx -> InvalidData.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from http.cookiejar import CookieJar
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

import requests

from sync_core.config import ErpConfig
from sync_core.errors import (
    AuthExpired,
    BusinessHold,
    InvalidData,
    LockContention,
    RemoteNotFound,
    SchemaDrift,
    SyncError,
    Throttled,
)
from sync_core.transport import HttpClient, parse_retry_after

ROOT = "/sap/opu/odata/sap"
SALES = f"{ROOT}/API_SALES_ORDER_SRV"
PARTNER = f"{ROOT}/API_BUSINESS_PARTNER"
PRODUCT = f"{ROOT}/API_PRODUCT_SRV"
STOCK = f"{ROOT}/API_MATERIAL_STOCK_SRV"

THROTTLE_CODES = {"/IWFND/CM_CONSUMER/429", "/IWFND/CM_CONSUMER/430"}
HOLD_CODES = {"V1/462"}  # sold-to party blocked for sales orders
LOCK_CODES = {"V1/042"}  # sales document is currently being processed
REQUIRED_CODES = {"V1/102"}  # "Enter a value for field ..."
INVALID_PROPERTY = "/IWBEP/CM_MGW_RT/022"
NOT_IMPLEMENTED = "/IWBEP/CM_MGW_RT/021"
SERVICE_MISSING = "/IWFND/MED/170"
SESSION_COOKIES = ("SAP_SESSIONID_", "sap-XSRF_", "MYSAPSSO2")
MAX_PAGES = 10_000


class CsrfRequired(AuthExpired):
    """The write was refused before processing: the CSRF token or its session is gone."""

    reason = "csrf_required"


class ServiceMissing(SchemaDrift):
    """The OData service is not active (or not in the communication arrangement)."""

    reason = "service_missing"


@dataclass(frozen=True)
class SapMessage:
    code: str
    text: str
    details: tuple[str, ...] = ()

    @property
    def everything(self) -> str:
        return " ".join((self.text, *self.details)).lower()


def sap_message(response: requests.Response) -> SapMessage:
    """The code and texts of an error answer (JSON or, failing that, the plain body)."""
    try:
        error = response.json()["error"]
        value = error.get("message")
        text = str(value.get("value") if isinstance(value, dict) else value or "")
        inner = error.get("innererror") or {}
        details = tuple(
            str(d.get("message") or "")
            for d in inner.get("errordetails") or []
            if isinstance(d, dict) and d.get("severity", "error") == "error"
        )
        return SapMessage(str(error.get("code") or ""), text, details)
    except (ValueError, KeyError, TypeError, AttributeError):
        return SapMessage("", response.text[:200].strip())


def _is_hold(message: SapMessage) -> bool:
    return message.code in HOLD_CODES or "blocked" in message.everything


def _is_drift(message: SapMessage) -> bool:
    if message.code in REQUIRED_CODES or message.code == NOT_IMPLEMENTED:
        return True
    return message.code == INVALID_PROPERTY and "is invalid" in message.text


def classify(response: requests.Response) -> SyncError | None:
    status = response.status_code
    message = sap_message(response)
    text = f"s4hana {status} {message.code}: {message.text}".replace(" : ", ": ")
    if status == 403 and response.headers.get("x-csrf-token", "").lower() == "required":
        return CsrfRequired(text, status=status)
    if status == 429 or message.code in THROTTLE_CODES:
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        return Throttled(text, retry_after=retry_after, status=status)
    if status == 401:
        return AuthExpired("s4hana 401: logon failed for the communication user", status=401)
    if status == 404 and message.code == SERVICE_MISSING:
        return ServiceMissing(text, status=status)
    if message.code in LOCK_CODES:
        return LockContention(text, status=status)
    if status >= 500 and message.code != NOT_IMPLEMENTED:
        return None  # the default: RemoteUnavailable
    if _is_drift(message) or status == 428:
        return SchemaDrift(text, status=status)
    if 400 <= status < 500 and _is_hold(message):
        return BusinessHold(text, status=status)
    if status == 404:
        return RemoteNotFound(text, status=status)
    return InvalidData(text, status=status)


def literal(value: str) -> str:
    """An OData v2 string literal: quoted, with quotes doubled."""
    return "'" + value.replace("'", "''") + "'"


def key_path(entity_set: str, value: str) -> str:
    """``A_Product('X')`` with the key percent-encoded for the path."""
    return f"{entity_set}({quote(literal(value), safe=chr(39))})"


def query(params: Mapping[str, str]) -> str:
    """System query options with spaces as ``%20`` (Gateway does not read ``+`` as space)."""
    return urlencode(params, quote_via=quote, safe="'(),$:/")


class S4Client:
    """One communication user's access to the S/4HANA OData services."""

    system = "s4hana"

    def __init__(
        self, config: ErpConfig, session: requests.Session | None = None, timeout_s: float = 30.0
    ) -> None:
        self.http = HttpClient(
            config.base_url,
            "s4hana",
            timeout_s,
            session=session or requests.Session(),
            auth=(config.secret("username"), config.secret("password")),
            headers={"Accept": "application/json"},
            classify=classify,
        )
        self.host = urlsplit(config.base_url).hostname or ""
        self._token: str | None = None

    # -- reads ------------------------------------------------------------------------------
    def get(self, path: str, params: Mapping[str, str] | None = None) -> dict[str, Any]:
        """One entity (``d``) of a single-entity read."""
        target = f"{path}?{query(params)}" if params else path
        body = self.http.json(self.http.request("GET", target))
        entity = body.get("d") if isinstance(body, dict) else None
        if not isinstance(entity, dict):
            raise SchemaDrift(f"s4hana GET {path}: the answer has no 'd' entity")
        return entity

    def pages(
        self, path: str, params: Mapping[str, str] | None = None
    ) -> Iterator[tuple[list[dict[str, Any]], datetime]]:
        """Every page of a collection (following ``__next``), with the server's time of it."""
        target: str | None = f"{path}?{query(params)}" if params else path
        seen: set[str] = set()
        while target is not None and target not in seen and len(seen) < MAX_PAGES:
            seen.add(target)
            response = self.http.request("GET", target)
            body = self.http.json(response)
            page = body.get("d") if isinstance(body, dict) else None
            results = page.get("results") if isinstance(page, dict) else None
            if not isinstance(page, dict) or not isinstance(results, list):
                raise SchemaDrift(f"s4hana GET {path}: the answer has no 'd.results' list")
            yield [r for r in results if isinstance(r, dict)], server_time(response)
            following = page.get("__next")
            target = str(following) if following else None

    def collection(
        self, path: str, params: Mapping[str, str] | None = None
    ) -> Iterator[dict[str, Any]]:
        for rows, _ in self.pages(path, params):
            yield from rows

    # -- writes -----------------------------------------------------------------------------
    def create(self, path: str, body: dict[str, Any]) -> requests.Response:
        """POST ``body``; a refused CSRF token is fetched again and the POST repeated once
        (SAP refuses it before processing, so the repetition cannot duplicate anything)."""
        try:
            return self._post(path, body)
        except CsrfRequired:
            self.forget_session()
            return self._post(path, body)

    def _post(self, path: str, body: dict[str, Any]) -> requests.Response:
        token = self.csrf_token()
        return self.http.request(
            "POST",
            path,
            json=body,
            headers={"x-csrf-token": token, "Content-Type": "application/json"},
        )

    def csrf_token(self) -> str:
        if self._token is None:
            response = self.http.request("HEAD", f"{SALES}/", headers={"x-csrf-token": "Fetch"})
            token = response.headers.get("x-csrf-token", "")
            if not token or token.lower() in ("required", "fetch"):
                raise AuthExpired("s4hana: the service root answered without a CSRF token")
            self._token = token
        return self._token

    def forget_session(self) -> None:
        """Drop the token and this host's SAP session cookies, so the next fetch starts a
        fresh security session."""
        self._token = None
        jar = self.http.session.cookies
        for cookie in list(CookieJar.__iter__(jar)):
            domain = cookie.domain.lstrip(".")
            ours = not domain or self.host == domain or self.host.endswith("." + domain)
            if ours and cookie.name.startswith(SESSION_COOKIES):
                jar.clear(cookie.domain, cookie.path, cookie.name)


def server_time(response: requests.Response) -> datetime:
    """The server's ``Date`` of an answer (UTC); the client's clock if it sent none."""
    try:
        stamp = parsedate_to_datetime(response.headers.get("Date", ""))
    except (TypeError, ValueError, IndexError):
        return datetime.now(tz=UTC)
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)
