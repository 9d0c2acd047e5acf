"""NetSuite REST transport: OAuth 1.0a (HMAC-SHA256) per request, the ``o:errorDetails``
envelope mapped onto the error tree, record and SuiteQL calls with collection paging, and the
record metadata catalog (``metadata-catalog``, JSON Schema).

Writes carry ``X-NetSuite-PropertyNameValidation: Error`` so a field the account no longer has
(a removed or renamed custom field) is refused ("Invalid field name") instead of being dropped
without a word; that refusal, and a newly mandatory field ("Please enter value(s) for"), are
contract changes: :class:`SchemaDrift`, with ``o:errorPath`` (the field) in the message. A bad
value ("Invalid Field Value") is :class:`InvalidData`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import requests
from requests_oauthlib import OAuth1

from sync_core.config import ErpConfig
from sync_core.errors import AuthExpired, InvalidData, SchemaDrift, SyncError, Throttled
from sync_core.transport import HttpClient, parse_retry_after

RECORD = "/services/rest/record/v1"
SUITEQL = "/services/rest/query/v1/suiteql"
THROTTLE_CODES = {"SSS_REQUEST_LIMIT_EXCEEDED", "CONCURRENCY_LIMIT_EXCEEDED", "WS_REQUEST_BLOCKED"}
METADATA = f"{RECORD}/metadata-catalog"
DRIFT_WORDS = ("please enter value", "mandatory", "required field", "invalid field name")
WRITE_HEADERS = {"X-NetSuite-PropertyNameValidation": "Error"}


def _details(response: requests.Response) -> tuple[str, str, str]:
    """The first error's code, detail and ``o:errorPath`` (empty when absent)."""
    try:
        body = response.json()
        detail = (body.get("o:errorDetails") or [{}])[0]
        return (
            str(detail.get("o:errorCode") or ""),
            str(detail.get("detail") or body.get("title")),
            str(detail.get("o:errorPath") or ""),
        )
    except (ValueError, AttributeError, IndexError):
        return "", response.text[:200], ""


def classify(response: requests.Response) -> SyncError | None:
    code, detail, path = _details(response)
    where = f" (field {path})" if path else ""
    message = f"netsuite {response.status_code} {code}: {detail}{where}"
    retry_after = parse_retry_after(response.headers.get("Retry-After"))
    if response.status_code == 429 or code in THROTTLE_CODES:
        return Throttled(message, retry_after=retry_after, status=response.status_code)
    if response.status_code == 401:
        return AuthExpired(message, status=401)
    if response.status_code == 400 and any(w in detail.lower() for w in DRIFT_WORDS):
        return SchemaDrift(message, status=400)
    if response.status_code == 400:
        return InvalidData(message, status=400)
    return None


class NetSuiteClient:
    system = "netsuite"

    def __init__(
        self, config: ErpConfig, session: requests.Session | None = None, timeout_s: float = 30.0
    ) -> None:
        auth = OAuth1(
            config.secret("consumer_key"),
            config.secret("consumer_secret"),
            config.secret("token_id"),
            config.secret("token_secret"),
            signature_method="HMAC-SHA256",
            realm=config.secret("account"),
        )
        self.http = HttpClient(
            config.base_url,
            "netsuite",
            timeout_s,
            session=session or requests.Session(),
            auth=auth,
            classify=classify,
        )

    def get_record(self, record_type: str, key: str, **params: str) -> dict[str, Any]:
        response = self.http.request("GET", f"{RECORD}/{record_type}/{key}", params=params)
        return dict(self.http.json(response))

    def upsert(self, record_type: str, external_id: str, body: dict[str, Any]) -> str:
        """PUT to ``eid:``: creates or updates; returns the internal id from Location."""
        response = self.http.request(
            "PUT", f"{RECORD}/{record_type}/eid:{external_id}", json=body, headers=WRITE_HEADERS
        )
        location = response.headers.get("Location", "")
        if not location:
            raise InvalidData("netsuite upsert answered without a Location header")
        return location.rstrip("/").rsplit("/", 1)[-1]

    def record_fields(self, record_type: str) -> set[str]:
        """The body fields (standard and custom) the account's ``record_type`` has now, from
        its JSON Schema in the metadata catalog."""
        response = self.http.request(
            "GET",
            f"{METADATA}/{record_type}",
            headers={"Accept": "application/schema+json"},
        )
        properties = self.http.json(response).get("properties") or {}
        if not isinstance(properties, dict) or not properties:
            raise SchemaDrift(f"netsuite metadata for {record_type} lists no fields")
        return {str(name) for name in properties}

    def suiteql(self, query: str, page_size: int = 1000) -> Iterator[dict[str, Any]]:
        offset = 0
        while True:
            response = self.http.request(
                "POST",
                SUITEQL,
                params={"limit": str(page_size), "offset": str(offset)},
                json={"q": query},
                headers={"Prefer": "transient"},
            )
            body = self.http.json(response)
            items = body.get("items") or []
            yield from items
            if not body.get("hasMore") or not items:
                return
            offset += len(items)
