"""The transport shared by every connector: one ``requests`` session, timeouts, and the
mapping of transport failures and HTTP statuses onto the error tree.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.auth import AuthBase

from sync_core.errors import (
    AuthExpired,
    InvalidData,
    RemoteNotFound,
    RemoteUnavailable,
    SyncError,
    Throttled,
    TransportError,
    UnknownOutcome,
)

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class EngineSession(requests.Session):
    """A session that reads the proxy and CA settings of the environment once per origin
    rather than on every request (``requests`` does it per request: a tenth of a busy
    worker's CPU). They depend only on the origin; change the environment, restart."""

    def __init__(self) -> None:
        super().__init__()
        self._settings: dict[tuple[Any, ...], Any] = {}

    def merge_environment_settings(
        self, url: Any, proxies: Any, stream: Any, verify: Any, cert: Any
    ) -> Any:
        parts = urlsplit(str(url))
        proxied = tuple(sorted((proxies or {}).items()))
        key = (parts.scheme, parts.netloc, proxied, stream, verify, cert)
        if key not in self._settings:
            self._settings[key] = super().merge_environment_settings(
                url, proxies, stream, verify, cert
            )
        found = self._settings[key]
        return {**found, "proxies": dict(found["proxies"])}


class ConfiguredCredentialsOnly(AuthBase):
    """Leaves a request's own headers alone. Given as ``auth`` when a client authenticates by
    header (a bearer token), it keeps ``requests`` from reading ``~/.netrc``, whose entry for
    the host would replace that header (``requests``' documented precedence): the engine's
    credentials come from its configuration only."""

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        return request


CONFIGURED_ONLY = ConfiguredCredentialsOnly()


def parse_retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        try:
            from datetime import UTC, datetime

            return max(0.0, (parsedate_to_datetime(value) - datetime.now(tz=UTC)).total_seconds())
        except (TypeError, ValueError):
            return None


Classifier = Callable[[requests.Response], SyncError | None]


@dataclass
class HttpClient:
    """A thin, vendor-neutral HTTP client. Vendors add auth and a ``classify`` hook."""

    base_url: str
    system: str
    timeout_s: float = 30.0
    session: requests.Session = field(default_factory=requests.Session)
    auth: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    classify: Classifier | None = None
    requests_sent: int = 0

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        url = path if path.startswith("http") else self.base_url.rstrip("/") + path
        headers = {**self.headers, **kwargs.pop("headers", {})}
        self.requests_sent += 1
        with self._transport_errors(method, url):
            response = self.session.request(
                method,
                url,
                headers=headers,
                auth=kwargs.pop("auth", self.auth) or CONFIGURED_ONLY,
                timeout=self.timeout_s,
                **kwargs,
            )
        self.raise_for(response)
        return response

    @contextmanager
    def _transport_errors(self, method: str, url: str) -> Iterator[None]:
        try:
            yield
        except requests.RequestException as exc:
            kind = UnknownOutcome if method.upper() not in SAFE_METHODS else TransportError
            raise kind(f"{self.system} {method} {url}: {type(exc).__name__}") from exc

    def raise_for(self, response: requests.Response) -> None:
        if response.status_code < 400:
            return
        if self.classify is not None:
            mapped = self.classify(response)
            if mapped is not None:
                raise mapped
        raise default_error(self.system, response)

    def json(self, response: requests.Response) -> Any:
        try:
            return response.json()
        except ValueError as exc:
            method = (response.request.method or "GET").upper() if response.request else "GET"
            kind = UnknownOutcome if method not in SAFE_METHODS else TransportError
            raise kind(f"{self.system}: malformed response body") from exc


def default_error(system: str, response: requests.Response) -> SyncError:
    status = response.status_code
    text = response.text[:300]
    message = f"{system} answered {status}: {text}"
    if status == 429:
        return Throttled(
            message,
            retry_after=parse_retry_after(response.headers.get("Retry-After")),
            status=status,
        )
    if status == 401:
        return AuthExpired(message, status=status)
    if status == 404:
        return RemoteNotFound(message, status=status)
    if status >= 500:
        return RemoteUnavailable(message, status=status)
    return InvalidData(message, status=status)
