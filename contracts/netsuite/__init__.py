"""NetSuite contract: a hand-written OpenAPI 3.0 document of the SuiteTalk REST record service.

Oracle publishes **no official machine-readable schema** for SuiteTalk REST web services: the REST
API Browser is HTML, and an account's own ``metadata-catalog`` describes only that account. The
document ``record-v1.yaml`` was therefore written by hand from Oracle's documented shapes, never
from the harness fake: the 2026.1 REST API Browser as rendered in wsjmnh/netsuite-record-rest-docs
(``docs/overview.md``; ``docs/records/<type>.md`` for methods, parameters and status codes;
``docs/schemas/<type>.md`` and ``docs/schemas/ns.md`` for property names and types) and Oracle's
help pages on record creation (204 + ``Location``), upsert (``PUT .../eid:<value>``), external ids,
collection paging, SuiteQL (``Prefer: transient``) and error handling (``o:errorDetails``).

It covers the routes the harness fake serves: ``salesOrder`` and ``customer`` (list with the
paging envelope, get by internal id or ``eid:``, create, upsert, PATCH, DELETE), ``inventoryItem``
and ``location`` (list and get; Oracle also documents writes for them, which the fake does not
model), ``itemFulfillment`` (list, get, DELETE; created by the ``salesOrder`` ``!transform``), and
``POST /services/rest/query/v1/suiteql``, with the three ways in (TBA OAuth 1.0, OAuth 2.0 client
credentials, bearer). Like Oracle's own
schemas, the record schemas list properties without ``required`` and allow others; only the
properties an integration uses are listed. Paths are absolute from the host root.

:func:`load` returns a fresh dict each call, so callers may edit their copy.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

import yaml

DOCUMENT = "record-v1.yaml"
RECORD_TYPES = ("salesOrder", "customer", "inventoryItem", "location", "itemFulfillment")
RECORD_PREFIX = "/services/rest/record/v1"
SUITEQL_PATH = "/services/rest/query/v1/suiteql"


def load() -> dict[str, Any]:
    """The OpenAPI document as a dict (a new copy on every call)."""
    text = resources.files(__name__).joinpath(DOCUMENT).read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def operations(document: dict[str, Any] | None = None) -> list[tuple[str, str]]:
    """Every ``(METHOD, path)`` the document describes, in document order."""
    doc = document if document is not None else load()
    methods = ("get", "put", "post", "patch", "delete")
    return [(m.upper(), path) for path, item in doc["paths"].items() for m in methods if m in item]


__all__ = ["DOCUMENT", "RECORD_PREFIX", "RECORD_TYPES", "SUITEQL_PATH", "load", "operations"]
