"""Business Central API v2.0 transport: Entra ID client credentials, company-scoped URLs,
OData paging, and the ``{"error": {"code", "message"}}`` envelope mapped onto the error tree.

* **Auth.** Service-to-service OAuth 2.0 client credentials against the tenant's Entra ID token
  endpoint (``https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token`` unless
  ``token_url`` says otherwise) with ``scope=https://api.businesscentral.dynamics.com/.default``.
  The bearer token is kept until Business Central answers 401 (``Authentication_TokenExpired``,
  a revoked consent, or an empty 401 with ``WWW-Authenticate``); the client then fetches a new
  token and repeats the call once. A 401 means the call was refused before it was processed,
  so repeating a write is safe. (No proactive refresh: the engine's clock is not ours to read.)
* **Scope.** Every data call goes to ``/v2.0/{tenant}/{environment}/api/<route>/companies({id})``
  with the configured company GUID in the URL: never the default company, a ``Company``
  header or ``?company=``. Each answer's ``@odata.context`` must name the same company, else
  :class:`TargetMismatch` (FM-D02: company asserted per request).
* **Paging.** ``@odata.nextLink`` is followed only when it stays on the configured host, so the
  bearer token never leaves it.
* **Errors.** See :func:`classify`. ``Request_EntityChanged`` (409, or 412 from proxies and
  older builds) is :class:`~sync_core.errors.LockContention`; :meth:`BCClient.update` re-reads
  the entity and repeats a PATCH with the fresh ETag.

Credentials (``config.erp.credentials``): ``tenant``, ``environment``, ``company_id``,
``client_id``, ``client_secret``; optional ``token_url``, ``environment_type`` (``Production``
by default, ``Sandbox``, or ``any`` to skip the check, e.g. on premises), ``company_name`` (the
expected company name, checked at start) and ``stock_api`` (see :mod:`.stock`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests

from sync_core.config import ErpConfig
from sync_core.errors import (
    AuthExpired,
    BusinessHold,
    InvalidData,
    LockContention,
    PermanentError,
    RemoteNotFound,
    RemoteUnavailable,
    SchemaDrift,
    SyncError,
    Throttled,
    UnknownOutcome,
)
from sync_core.transport import HttpClient, parse_retry_after

SYSTEM = "business-central"
SCOPE = "https://api.businesscentral.dynamics.com/.default"
ENTRA = "https://login.microsoftonline.com"
DEFAULT_STOCK_API = "microsoft/analytics/v1.0"
GUID_RE = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
CONTEXT_COMPANY_RE = re.compile(r"companies\(([^)]*)\)", re.IGNORECASE)
CORRELATION_RE = re.compile(r"\s*CorrelationId:\s*[0-9a-fA-F-]+\.?\s*$")
HOLD_WORDS = ("blocked", "credit limit", "on hold", "privacy blocked")
DRIFT_CODES = {"BadRequest_RequiredParamNotProvided"}
DRIFT_PHRASES = ("does not exist on type", "could not find a property named")
TARGET_CODES = {"Internal_CompanyNotFound", "NoEnvironment"}
BUSINESS_CODES = {"Application_DialogException", "Application_FieldValidationException"}


class TargetMismatch(PermanentError):
    """The configured environment or company is not the one this connector may write to
    (FM-D01, FM-D02). Retrying cannot help: the configuration must be fixed, then the
    dead-lettered work replayed."""

    reason = "target_mismatch"


class TokenRejected(AuthExpired):
    """Business Central refused the bearer token (expired, revoked, malformed): fetch another."""

    reason = "auth_expired"


@dataclass(frozen=True)
class Settings:
    """The connection settings read from ``config.erp``."""

    base_url: str
    tenant: str
    environment: str
    company_id: str
    client_id: str
    client_secret: str
    token_url: str
    environment_type: str
    company_name: str | None
    stock_api: str

    @classmethod
    def from_config(cls, config: ErpConfig) -> Settings:
        tenant = config.secret("tenant")

        def optional(key: str, default: str | None = None) -> str | None:
            value = config.credentials.get(key)
            text = value.get_secret_value().strip() if value is not None else ""
            return text or default

        return cls(
            base_url=config.base_url.rstrip("/"),
            tenant=tenant,
            environment=config.secret("environment"),
            company_id=config.secret("company_id").strip().strip("{}").lower(),
            client_id=config.secret("client_id"),
            client_secret=config.secret("client_secret"),
            token_url=optional("token_url", f"{ENTRA}/{tenant}/oauth2/v2.0/token") or "",
            environment_type=optional("environment_type", "Production") or "Production",
            company_name=optional("company_name"),
            stock_api=(optional("stock_api", DEFAULT_STOCK_API) or DEFAULT_STOCK_API).strip("/"),
        )

    def api_root(self, route: str = "v2.0") -> str:
        """``.../api/v2.0`` (standard) or ``.../api/{publisher}/{group}/{version}``."""
        return f"{self.base_url}/v2.0/{self.tenant}/{self.environment}/api/{route}"

    def company_url(self, path: str = "", route: str = "v2.0") -> str:
        if not GUID_RE.match(self.company_id):
            raise TargetMismatch(
                f"{SYSTEM}: company_id {self.company_id!r} is not a company GUID; the run refuses"
            )
        url = f"{self.api_root(route)}/companies({self.company_id})"
        return f"{url}/{path.lstrip('/')}" if path else url


# -- errors ---------------------------------------------------------------------------------------
def error_details(response: requests.Response) -> tuple[str, str]:
    """(code, message) from Business Central's envelope, or from an Entra ID token error."""
    try:
        body = response.json()
    except ValueError:
        return "", response.text[:200]
    if not isinstance(body, dict):
        return "", str(body)[:200]
    error = body.get("error")
    if isinstance(error, dict):
        message = CORRELATION_RE.sub("", str(error.get("message") or ""))
        return str(error.get("code") or ""), message
    if isinstance(error, str):  # Entra ID: {"error": "invalid_client", "error_description": ..}
        first = str(body.get("error_description") or "").splitlines()[:1]
        return error, first[0] if first else ""
    return "", response.text[:200]


def classify(response: requests.Response) -> SyncError | None:
    status = response.status_code
    code, text = error_details(response)
    message = f"{SYSTEM} {status} {code}: {text}".replace("  ", " ")
    lowered = text.lower()
    if status == 429 or code == "Application_TooManyRequests":
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        return Throttled(message, retry_after=retry_after, status=status)
    if status >= 500:
        return RemoteUnavailable(message, status=status)
    if _is_token_endpoint(response):
        return AuthExpired(message, status=status)  # bad client credentials: ops must act
    if status == 401:
        return TokenRejected(message, status=status)
    if code in TARGET_CODES:
        return TargetMismatch(message, status=status)
    if code == "Request_EntityChanged" or status == 412:
        return LockContention(message, status=status)
    if status == 404:
        return RemoteNotFound(message, status=status)
    if code in BUSINESS_CODES and any(word in lowered for word in HOLD_WORDS):
        return BusinessHold(message, status=status)
    if code in DRIFT_CODES or any(phrase in lowered for phrase in DRIFT_PHRASES):
        return SchemaDrift(message, status=status)
    return InvalidData(message, status=status)


def _is_token_endpoint(response: requests.Response) -> bool:
    url = response.request.url if response.request is not None else response.url
    return "/oauth2/" in str(url or "")


def odata_quote(value: str) -> str:
    """An OData string literal: single quotes doubled."""
    return "'" + value.replace("'", "''") + "'"


# -- the client -----------------------------------------------------------------------------------
class BCClient:
    """One service principal on one environment and company of one tenant."""

    system = SYSTEM

    def __init__(
        self, config: ErpConfig, session: requests.Session | None = None, timeout_s: float = 30.0
    ) -> None:
        self.settings = Settings.from_config(config)
        self.http = HttpClient(
            self.settings.base_url,
            SYSTEM,
            timeout_s,
            session=session or requests.Session(),
            classify=classify,
        )
        self._token: str | None = None
        self.tokens_fetched = 0

    # -- auth -------------------------------------------------------------------------------
    def _fetch_token(self) -> str:
        s = self.settings
        form = {
            "grant_type": "client_credentials",
            "client_id": s.client_id,
            "client_secret": s.client_secret,
            "scope": SCOPE,
        }
        response = self.http.request("POST", s.token_url, data=form)
        body = self.http.json(response)
        token = body.get("access_token") if isinstance(body, dict) else None
        if not isinstance(token, str) or not token:
            raise AuthExpired(f"{SYSTEM}: the token endpoint answered without an access_token")
        self._token = token
        self.tokens_fetched += 1
        return token

    def request(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        """A call with a bearer token; a refused token is replaced once, transparently."""
        headers = dict(kwargs.pop("headers", {}))
        token = self._token or self._fetch_token()
        try:
            return self.http.request(
                method, url, headers={**headers, "Authorization": f"Bearer {token}"}, **kwargs
            )
        except TokenRejected:
            self._token = None
        token = self._fetch_token()
        return self.http.request(
            method, url, headers={**headers, "Authorization": f"Bearer {token}"}, **kwargs
        )

    # -- JSON helpers -----------------------------------------------------------------------
    def _object(self, response: requests.Response, what: str) -> dict[str, Any]:
        body = self.http.json(response)
        if not isinstance(body, dict):
            kind = UnknownOutcome if response.request.method not in ("GET", None) else SchemaDrift
            raise kind(f"{SYSTEM} {what} answered {type(body).__name__}, not an object")
        self.check_scope(body, what)
        return body

    def check_scope(self, body: dict[str, Any], what: str) -> None:
        """The answer must come from the configured company (``@odata.context``)."""
        context = body.get("@odata.context")
        if not isinstance(context, str):
            return
        match = CONTEXT_COMPANY_RE.search(context)
        if match is None:
            return
        named = match.group(1).strip("'{}\" ").lower()
        if named != self.settings.company_id:
            raise TargetMismatch(
                f"{SYSTEM} {what} answered for company {named}, not the configured company "
                f"{self.settings.company_id}; the run refuses"
            )

    def get(self, url: str, params: dict[str, str] | None = None) -> dict[str, Any]:
        return self._object(self.request("GET", url, params=params or {}), f"GET {_short(url)}")

    def post(self, url: str, body: dict[str, Any]) -> dict[str, Any]:
        return self._object(self.request("POST", url, json=body), f"POST {_short(url)}")

    def collect(self, url: str, params: dict[str, str] | None = None) -> list[dict[str, Any]]:
        """Every entity of a collection, following ``@odata.nextLink`` on our own host."""
        return list(self.iterate(url, params))

    def iterate(self, url: str, params: dict[str, str] | None = None) -> Iterator[dict[str, Any]]:
        next_url: str | None = url
        query: dict[str, str] | None = params or {}
        seen: set[str] = set()
        while next_url is not None:
            body = self.get(next_url, query)
            rows = body.get("value")
            if not isinstance(rows, list):
                raise SchemaDrift(f"{SYSTEM} GET {_short(url)} answered without a value array")
            yield from (row for row in rows if isinstance(row, dict))
            link = body.get("@odata.nextLink")
            if not isinstance(link, str) or not rows or link in seen:
                return
            seen.add(link)
            next_url, query = self._own(link), None

    def _own(self, link: str) -> str:
        ours, theirs = urlsplit(self.settings.base_url), urlsplit(link)
        if not theirs.scheme:
            return self.settings.base_url + "/" + link.lstrip("/")
        if (theirs.scheme, theirs.netloc.lower()) != (ours.scheme, ours.netloc.lower()):
            raise SchemaDrift(f"{SYSTEM}: a next link points at another host ({theirs.netloc})")
        return link

    def update(self, url: str, changes: dict[str, Any], attempts: int = 3) -> dict[str, Any]:
        """PATCH with the entity's current ETag; on ``Request_EntityChanged`` (409/412) read
        the entity again and repeat with the fresh ETag, at most ``attempts`` times."""
        last: LockContention | None = None
        for _ in range(attempts):
            etag = str(self.get(url).get("@odata.etag") or "*")
            try:
                response = self.request("PATCH", url, json=changes, headers={"If-Match": etag})
            except LockContention as exc:
                last = exc
                continue
            return self._object(response, f"PATCH {_short(url)}")
        assert last is not None
        raise last


def _short(url: str) -> str:
    """A URL without scheme, host, tenant and query, for messages."""
    path = urlsplit(url).path
    marker = path.find("/api/")
    return path[marker + 5 :] if marker >= 0 else path
