"""Sage 200 (UK & Ireland) REST transport: Sage ID tokens, site headers, keyset paging and
the ``{"statusCode", "message"}`` error body mapped onto the error tree.

Where the API lives
    ``ErpConfig.base_url`` is the server root; the product's API base path follows it
    (``/uk/sage200extra/accounts/v1`` Professional, ``/uk/sage200/accounts/v1`` Standard). It
    comes from the optional credential ``api_base_path`` and defaults to Professional. Nothing
    is guessed at run time: a wrong path shows up as missing endpoints at the coverage check
    (:meth:`sync_core.connectors.sage200.connector.Sage200Connector.check_coverage`). A
    ``base_url`` that already ends in ``/accounts/v1`` is used as it is.

Auth
    Bearer tokens from ``token_url`` (Sage ID, ``POST /oauth/token``). With a ``refresh_token``
    credential (what Sage's authorization-code consent yields) the refresh grant is used and
    the rotated refresh token kept in memory (only in memory: Sage ID retires a used refresh
    token, so a restarted worker needs a token store, which the engine does not have yet);
    otherwise the ``client_credentials`` grant (the fake's stand-in for consent). A 401
    from the API re-authenticates once and repeats the call (a 401 is refused at the gateway,
    so repeating a write is safe). ``X-Site`` and ``X-Company`` go on every API call; when Sage
    rejects them, that is configuration, not expiry (:class:`AccessDenied`). Tokens and
    secrets never appear in an error message.

Errors [vendor-apis 3.4]
    429 -> Throttled (``Retry-After``, else the "Try again in N seconds" text); 5xx and the
    504 of a lost on-premise tunnel -> RemoteUnavailable; 403 -> AccessDenied; 404 ->
    RemoteNotFound (on a collection: the endpoint is not in this product, see
    :class:`MissingEndpoint`); 400 -> BusinessHold for account holds, SchemaDrift for a
    required field or an unknown property (the contract moved), else InvalidData. A 400
    names only the first problem Sage found.

Paging
    Keyset on ``id`` (``$filter=id gt <last>`` with ``$orderby=id``), so rows inserted or
    removed while we page cannot shift a page boundary the way ``$skip`` can.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import requests

from sync_core.config import ErpConfig
from sync_core.errors import (
    AuthExpired,
    BusinessHold,
    InvalidData,
    PermanentError,
    RemoteNotFound,
    RemoteUnavailable,
    SchemaDrift,
    SyncError,
    Throttled,
    TransportError,
)
from sync_core.transport import HttpClient, parse_retry_after

SYSTEM = "sage200"
DEFAULT_BASE_PATH = "/uk/sage200extra/accounts/v1"
PAGE_SIZE = 500
HOLD_WORDS = ("on hold", "credit limit")
DRIFT_WORDS = ("field is required", "could not find a property", "is required for")
SITE_WORDS = ("x-site", "x-company")
RETRY_TEXT = re.compile(r"try again in (\d+) seconds", re.IGNORECASE)
SAFE_QUERY = "$=,'()/:"


class MissingEndpoint(PermanentError):
    """The Sage 200 product or release at this site lacks an endpoint a flow needs."""

    reason = "missing_endpoint"


class AccessDenied(PermanentError):
    """Sage refused the site, company or module access: a configuration problem."""

    reason = "access_denied"


def error_text(response: requests.Response) -> str:
    """Sage's ``message`` (or a short piece of the body when it is not Sage's shape)."""
    try:
        body = response.json()
    except ValueError:
        return response.text[:200]
    if isinstance(body, dict) and body.get("message"):
        return str(body["message"])
    return response.text[:200]


def _retry_after(response: requests.Response, message: str) -> float | None:
    found = parse_retry_after(response.headers.get("Retry-After"))
    if found is None:
        match = RETRY_TEXT.search(message)
        found = float(match.group(1)) if match else None
    return found


def classify(response: requests.Response) -> SyncError | None:
    """Sage's status and message -> the error tree (None: the transport's default)."""
    status, message = response.status_code, error_text(response)
    text = f"{SYSTEM} {status}: {message}"
    lowered = message.lower()
    if status == 429:
        return Throttled(text, retry_after=_retry_after(response, message), status=429)
    if status == 401 and any(word in lowered for word in SITE_WORDS):
        return AccessDenied(text, status=401)
    if status == 401:
        return AuthExpired(text, status=401)
    if status == 403:
        return AccessDenied(text, status=403)
    if status == 404:
        return RemoteNotFound(text, status=404)
    if status == 400:
        return _bad_request(text, lowered)
    if status >= 500:
        return RemoteUnavailable(text, status=status)
    return None


def _bad_request(text: str, lowered: str) -> SyncError:
    if any(word in lowered for word in HOLD_WORDS):
        return BusinessHold(text, status=400)
    if any(word in lowered for word in DRIFT_WORDS):
        return SchemaDrift(text, status=400)
    return InvalidData(text, status=400)


def api_root(config: ErpConfig) -> str:
    """Server root plus the product's base path (see the module docstring)."""
    root = config.base_url.rstrip("/")
    if root.endswith("/accounts/v1"):
        return root
    given = config.credentials.get("api_base_path")
    path = given.get_secret_value() if given is not None else DEFAULT_BASE_PATH
    return root + "/" + path.strip("/")


def odata_string(value: str) -> str:
    """A string literal for ``$filter``: quoted, embedded quotes doubled."""
    return "'" + value.replace("'", "''") + "'"


def query_string(params: dict[str, str]) -> str:
    """OData options with spaces as ``%20``, the form Sage's own examples use."""
    return "&".join(f"{key}={quote(value, safe=SAFE_QUERY)}" for key, value in params.items())


@dataclass
class _Token:
    access: str | None = None
    refresh: str | None = None


class Sage200Client:
    system = SYSTEM

    def __init__(
        self, config: ErpConfig, session: requests.Session | None = None, timeout_s: float = 30.0
    ) -> None:
        self.root = api_root(config)
        self._token_url = config.secret("token_url")
        self._client_id = config.secret("client_id")
        self._client_secret = config.secret("client_secret")
        refresh = config.credentials.get("refresh_token")
        self._token = _Token(refresh=refresh.get_secret_value() if refresh else None)
        self.timeout_s = timeout_s
        self.http = HttpClient(
            self.root,
            SYSTEM,
            timeout_s,
            session=session or requests.Session(),
            headers={
                "X-Site": config.secret("site_id"),
                "X-Company": config.secret("company_id"),
                "Accept": "application/json",
            },
            classify=classify,
        )
        self.authentications = 0

    # -- auth -------------------------------------------------------------------------------
    def authenticate(self) -> None:
        """Get a fresh access token: the refresh grant when we hold a refresh token (falling
        back to client credentials if Sage ID refuses it), else client credentials."""
        self.authentications += 1
        if self._token.refresh:
            try:
                self._grant({"grant_type": "refresh_token", "refresh_token": self._token.refresh})
                return
            except AuthExpired:
                self._token.refresh = None
        self._grant({"grant_type": "client_credentials"})

    def _grant(self, form: dict[str, str]) -> None:
        data = {**form, "client_id": self._client_id, "client_secret": self._client_secret}
        try:
            response = self.http.session.post(self._token_url, data=data, timeout=self.timeout_s)
        except requests.RequestException as exc:
            raise TransportError(f"{SYSTEM} token endpoint: {type(exc).__name__}") from exc
        body = self._token_body(response, form["grant_type"])
        self._token.access = str(body["access_token"])
        if body.get("refresh_token"):
            self._token.refresh = str(body["refresh_token"])

    def _token_body(self, response: requests.Response, grant: str) -> dict[str, Any]:
        status = response.status_code
        if status == 429:
            raise Throttled(
                f"{SYSTEM} token endpoint throttled",
                retry_after=parse_retry_after(response.headers.get("Retry-After")),
                status=429,
            )
        if status >= 500:
            raise RemoteUnavailable(f"{SYSTEM} token endpoint answered {status}", status=status)
        try:
            body = response.json()
        except ValueError as exc:
            raise TransportError(f"{SYSTEM} token endpoint: malformed body") from exc
        if status >= 400 or not isinstance(body, dict) or not body.get("access_token"):
            code = body.get("error", "no token") if isinstance(body, dict) else "no token"
            raise AuthExpired(
                f"{SYSTEM} token endpoint refused the {grant} grant ({status} {code})",
                status=status,
            )
        return body

    # -- calls ------------------------------------------------------------------------------
    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        """One API call with the bearer token; a 401 re-authenticates once and repeats it."""
        if self._token.access is None:
            self.authenticate()
        try:
            return self.http.request(method, path, headers=self._bearer(), **kwargs)
        except AuthExpired:
            self.authenticate()
            return self.http.request(method, path, headers=self._bearer(), **kwargs)

    def _bearer(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._token.access}"}

    def get(self, resource: str, params: dict[str, str] | None = None) -> Any:
        path = f"/{resource}" + (f"?{query_string(params)}" if params else "")
        return self.http.json(self.request("GET", path))

    def post(self, resource: str, body: dict[str, Any]) -> Any:
        return self.http.json(self.request("POST", f"/{resource}", json=body))

    def rows(self, resource: str, params: dict[str, str] | None = None) -> list[dict[str, Any]]:
        """One page of a collection; anything but a JSON array is a contract change."""
        found = self.get(resource, params)
        if not isinstance(found, list) or not all(isinstance(row, dict) for row in found):
            raise SchemaDrift(f"{SYSTEM} {resource}: expected a JSON array of objects")
        return found

    def collection(
        self, resource: str, params: dict[str, str] | None = None, page_size: int = PAGE_SIZE
    ) -> Iterator[dict[str, Any]]:
        """Every row of a collection, keyset-paged on ``id`` (``$filter`` is combined)."""
        params = dict(params or {})
        base_filter = params.pop("$filter", None)
        if "$select" in params and "id" not in params["$select"].split(","):
            params["$select"] = "id," + params["$select"]
        last: int | None = None
        while True:
            condition = [f"({base_filter})"] if base_filter else []
            if last is not None:
                condition.append(f"id gt {last}")
            page_params = {**params, "$orderby": "id", "$top": str(page_size)}
            if condition:
                page_params["$filter"] = " and ".join(condition)
            page = self.rows(resource, page_params)
            yield from page
            if len(page) < page_size:
                return
            last = int(page[-1]["id"])

    def exists(self, resource: str) -> bool:
        """Whether the site answers ``GET <resource>`` (a 404 means it has no such endpoint)."""
        try:
            self.rows(resource, {"$top": "1"})
        except RemoteNotFound:
            return False
        return True
