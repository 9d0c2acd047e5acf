"""Business Central contract: a hand-written OpenAPI 3.0 document of the API v2.0 entity sets.

Microsoft publishes **no OpenAPI file** for the Business Central API; the only machine-readable
schema is each environment's OData CSDL ``$metadata``. ``api-v2.0.yaml`` was therefore written by
hand from Microsoft's API v2.0 reference (MicrosoftDocs/dynamics365smb-devitpro-pb,
``dev-itpro/api-reference/v2.0/resources/dynamics_<entity>.md`` for properties, types, enum
values and methods; the ``api`` pages for status codes and the required ``If-Match`` header; the
OData error-codes and API-limits pages for the error envelope, 409/412 and 429), not from the
harness fake.

It covers ``companies``, ``salesOrders`` (with ``salesOrderLines`` nested and company-wide, and
the ``Microsoft.NAV.shipAndInvoice`` action), ``customers``, ``items``, ``locations``,
``salesCreditMemos`` (with ``Microsoft.NAV.post``), and the read-only ``salesShipments``,
``salesInvoices`` and ``itemLedgerEntries``: the OData collection envelope
``{"@odata.context", "value"}``, ``@odata.etag`` on every entity, ``If-Match`` on PATCH and
DELETE, and the error envelope ``{"error": {"code", "message"}}``. Paths are relative to the
server ``/v2.0/{tenant}/{environment}/api/v2.0``.

:func:`load` returns a fresh dict each call, so callers may edit their copy.
"""

from __future__ import annotations

import re
from importlib import resources
from typing import Any

import yaml

DOCUMENT = "api-v2.0.yaml"
NAVIGATION = frozenset({"salesOrderLines"})  # properties that are OData navigation, not columns
_SEGMENT = re.compile(r"^([A-Za-z]+)(?:\(\{\w+\}\))?$")


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


def entity_sets(document: dict[str, Any] | None = None) -> dict[str, str]:
    """Entity set name -> schema name, from the collection responses of the GET operations."""
    doc = document if document is not None else load()
    found: dict[str, str] = {}
    for path, item in doc["paths"].items():
        last = path.rstrip("/").split("/")[-1]
        match = _SEGMENT.match(last)
        if "get" not in item or not match or "(" in last:
            continue
        ref = item["get"]["responses"]["200"]
        schema = ref.get("content", {}).get("application/json", {}).get("schema")
        if schema is None:
            schema = doc["components"]["responses"][ref["$ref"].rsplit("/", 1)[-1]]["content"][
                "application/json"]["schema"]
        collection = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
        found[match.group(1)] = collection["properties"]["value"]["items"]["$ref"].rsplit("/")[-1]
    return found


def properties(schema_name: str, document: dict[str, Any] | None = None) -> list[str]:
    """The entity columns of ``schema_name`` (annotations and navigation left out)."""
    doc = document if document is not None else load()
    props = doc["components"]["schemas"][schema_name]["properties"]
    return [name for name in props if not name.startswith("@") and name not in NAVIGATION]


__all__ = ["DOCUMENT", "NAVIGATION", "entity_sets", "load", "operations", "properties"]
