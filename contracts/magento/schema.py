"""The Magento admin Web API schema (Swagger 2.0): locate it, cut out the implemented subset.

The reference is Adobe's ``admin-schema-2.4.9.yaml`` (AdobeDocs/commerce-webapi), 1.1 MB and
493 paths; the storefront routes are also checked against ``guest-schema-2.4.9.yaml``. Both are
reference data outside this repository: ``$HARNESS_REFERENCE_DIR`` if set, else
``<repo root>/../shared/reference``, in its ``magento/`` folder.

:func:`extract_subset` keeps only the given ``(METHOD, path)`` operations and every definition
they reference, transitively, as a Swagger 2.0 document. :func:`json_schema` turns one schema of
that document into a standalone JSON Schema (draft 4) for ``jsonschema``; ``closed=True`` also
refuses properties the reference does not declare, which checks field names, not only types.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

REFERENCE_FILE = "admin-schema-2.4.9.yaml"
GUEST_REFERENCE_FILE = "guest-schema-2.4.9.yaml"
VENDOR_DIR = "magento"
REF_PREFIX = "#/definitions/"
TOP_KEYS = ("swagger", "info", "host", "basePath", "schemes", "securityDefinitions")

# The operations the Magento fake implements (checked against fakes.magento.routes in tests).
IMPLEMENTED: tuple[tuple[str, str], ...] = (
    ("POST", "/V1/integration/admin/token"),
    ("GET", "/V1/orders/{id}"),
    ("GET", "/V1/orders"),
    ("GET", "/V1/orders/{id}/statuses"),
    ("GET", "/V1/orders/{id}/comments"),
    ("POST", "/V1/orders/{id}/comments"),
    ("POST", "/V1/orders/{id}/cancel"),
    ("POST", "/V1/orders/{id}/hold"),
    ("POST", "/V1/orders/{id}/unhold"),
    ("POST", "/V1/orders"),
    ("PUT", "/V1/orders/create"),
    ("POST", "/V1/order/{orderId}/invoice"),
    ("POST", "/V1/order/{orderId}/ship"),
    ("POST", "/V1/order/{orderId}/refund"),
    ("GET", "/V1/invoices"),
    ("GET", "/V1/invoices/{id}"),
    ("GET", "/V1/shipments"),
    ("GET", "/V1/shipment/{id}"),
    ("GET", "/V1/creditmemos"),
    ("GET", "/V1/creditmemo/{id}"),
    ("GET", "/V1/products"),
    ("GET", "/V1/products/{sku}"),
    ("GET", "/V1/customers/{customerId}"),
    ("GET", "/V1/customers/search"),
    ("GET", "/V1/inventory/sources"),
    ("GET", "/V1/inventory/sources/{sourceCode}"),
    ("GET", "/V1/inventory/source-items"),
    ("POST", "/V1/inventory/source-items"),
    ("POST", "/V1/inventory/source-items-delete"),
    ("GET", "/V1/inventory/get-product-salable-quantity/{sku}/{stockId}"),
    ("GET", "/V1/store/storeViews"),
    ("GET", "/V1/store/storeGroups"),
    ("GET", "/V1/store/websites"),
    ("GET", "/V1/store/storeConfigs"),
    ("POST", "/V1/products/base-prices"),
    ("POST", "/V1/products/base-prices-information"),
    ("POST", "/V1/products/cost"),
    ("POST", "/V1/products/cost-information"),
    ("POST", "/V1/products/cost-delete"),
    ("POST", "/V1/products/special-price"),
    ("POST", "/V1/products/special-price-information"),
    ("POST", "/V1/products/special-price-delete"),
    ("POST", "/V1/products/tier-prices"),
    ("PUT", "/V1/products/tier-prices"),
    ("POST", "/V1/products/tier-prices-information"),
    ("POST", "/V1/products/tier-prices-delete"),
    ("GET", "/V1/stockItems/{productSku}"),
    ("PUT", "/V1/products/{productSku}/stockItems/{itemId}"),
    ("GET", "/V1/stockStatuses/{productSku}"),
    ("GET", "/V1/bulk/{bulkUuid}/status"),
    ("GET", "/V1/bulk/{bulkUuid}/detailed-status"),
    ("GET", "/V1/bulk/{bulkUuid}/operation-status/{status}"),
    ("GET", "/V1/bulk"),
    ("POST", "/V1/integration/customer/token"),
    ("POST", "/V1/customers"),
    ("PUT", "/V1/customers/{customerId}"),
    ("DELETE", "/V1/customers/{customerId}"),
    ("GET", "/V1/customerGroups/search"),
    ("GET", "/V1/customerGroups/{id}"),
    ("GET", "/V1/company/"),
    ("POST", "/V1/company/"),
    ("GET", "/V1/company/{companyId}"),
    ("PUT", "/V1/company/{companyId}"),
    ("DELETE", "/V1/company/{companyId}"),
    ("GET", "/V1/companyCredits/"),
    ("GET", "/V1/companyCredits/{creditId}"),
    ("GET", "/V1/companyCredits/company/{companyId}"),
    ("PUT", "/V1/companyCredits/{id}"),
    ("POST", "/V1/companyCredits/{creditId}/increaseBalance"),
    ("POST", "/V1/companyCredits/{creditId}/decreaseBalance"),
    ("GET", "/V1/companyCredits/history"),
    ("POST", "/V1/guest-carts"),
    ("GET", "/V1/guest-carts/{cartId}"),
    ("GET", "/V1/guest-carts/{cartId}/items"),
    ("POST", "/V1/guest-carts/{cartId}/items"),
    ("DELETE", "/V1/guest-carts/{cartId}/items/{itemId}"),
    ("POST", "/V1/guest-carts/{cartId}/estimate-shipping-methods"),
    ("POST", "/V1/guest-carts/{cartId}/shipping-information"),
    ("GET", "/V1/guest-carts/{cartId}/payment-methods"),
    ("GET", "/V1/guest-carts/{cartId}/totals"),
    ("POST", "/V1/guest-carts/{cartId}/payment-information"),
    ("POST", "/V1/carts/mine"),
    ("GET", "/V1/carts/mine"),
    ("GET", "/V1/carts/mine/items"),
    ("POST", "/V1/carts/mine/items"),
    ("DELETE", "/V1/carts/mine/items/{itemId}"),
    ("POST", "/V1/carts/mine/estimate-shipping-methods"),
    ("POST", "/V1/carts/mine/shipping-information"),
    ("GET", "/V1/carts/mine/payment-methods"),
    ("GET", "/V1/carts/mine/totals"),
    ("POST", "/V1/carts/mine/payment-information"),
)

# The implemented operations the guest schema (guest-schema-2.4.9.yaml) also describes.
GUEST_IMPLEMENTED: tuple[tuple[str, str], ...] = tuple(
    (method, path) for method, path in IMPLEMENTED
    if path.startswith("/V1/guest-carts")
    or (method, path) in {("POST", "/V1/customers"), ("POST", "/V1/integration/customer/token")}
)


class ReferenceNotFound(FileNotFoundError):
    """The reference schema is not where the harness looks for it."""


def repo_root() -> Path:
    """The repository root: the parent of the ``contracts`` package."""
    return Path(__file__).resolve().parents[2]


def reference_dir() -> Path:
    """``$HARNESS_REFERENCE_DIR``, else ``<repo root>/../shared/reference`` (may not exist)."""
    env = os.environ.get("HARNESS_REFERENCE_DIR")
    return Path(env) if env else repo_root().parent / "shared" / "reference"


def reference_path(base: Path | None = None, name: str = REFERENCE_FILE) -> Path:
    """The admin schema (or another of Adobe's schemas by file ``name``)."""
    path = (base or reference_dir()) / VENDOR_DIR / name
    if not path.is_file():
        raise ReferenceNotFound(
            f"Magento reference schema not found at {path}. Put Adobe's {name} "
            f"(AdobeDocs/commerce-webapi, src/openapi) in <dir>/{VENDOR_DIR}/ and set "
            "HARNESS_REFERENCE_DIR=<dir>, or keep it in ../shared/reference next to the repo."
        )
    return path


def guest_reference_path(base: Path | None = None) -> Path:
    return reference_path(base, GUEST_REFERENCE_FILE)


def load_reference(path: Path | None = None) -> dict[str, Any]:
    """The whole reference document (parsed once per path; treat it as read-only)."""
    return _load(str(path or reference_path()))


@lru_cache(maxsize=2)
def _load(path: str) -> dict[str, Any]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with open(path, encoding="utf-8") as handle:
        data = yaml.load(handle, Loader=loader)  # noqa: S506 - a safe loader either way
    if not isinstance(data, dict) or "paths" not in data:
        raise ValueError(f"{path} is not a Swagger document")
    return data


def extract_subset(
    operations: Iterable[tuple[str, str]] = IMPLEMENTED,
    reference: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A Swagger 2.0 document with only ``operations`` and the definitions they need."""
    source = reference if reference is not None else load_reference()
    paths: dict[str, dict[str, Any]] = {}
    for method, path in operations:
        operation = source["paths"].get(path, {}).get(method.lower())
        if operation is None:
            raise KeyError(f"{method.upper()} {path} is not in the reference schema")
        paths.setdefault(path, {})[method.lower()] = copy.deepcopy(operation)
    names = _closure(paths, source["definitions"])
    subset = {key: copy.deepcopy(source[key]) for key in TOP_KEYS if key in source}
    subset["paths"] = paths
    subset["definitions"] = {n: copy.deepcopy(source["definitions"][n]) for n in sorted(names)}
    return subset


def _closure(root: Any, definitions: dict[str, Any]) -> set[str]:
    found: set[str] = set()
    pending = list(_refs(root))
    while pending:
        name = pending.pop()
        if name in found:
            continue
        if name not in definitions:
            raise KeyError(f"definition {name!r} is referenced but not defined")
        found.add(name)
        pending.extend(_refs(definitions[name]))
    return found


def _refs(node: Any) -> Iterable[str]:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(REF_PREFIX):
            yield ref[len(REF_PREFIX):]
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def response_schema(subset: dict[str, Any], method: str, path: str,
                    status: str = "200") -> dict[str, Any] | None:
    """The declared schema of one response; an error status not listed uses ``default``."""
    responses = subset["paths"][path][method.lower()]["responses"]
    response = responses.get(status)
    if response is None and not status.startswith("2"):
        response = responses.get("default")
    response = response or {}
    schema = response.get("schema")
    return schema if isinstance(schema, dict) else None


def json_schema(schema: dict[str, Any], subset: dict[str, Any], *,
                closed: bool = False) -> dict[str, Any]:
    """A standalone draft-4 JSON Schema: ``schema`` plus the subset's definitions."""
    definitions = copy.deepcopy(subset["definitions"])
    if closed:
        for definition in definitions.values():
            _close(definition)
    return {"$schema": "http://json-schema.org/draft-04/schema#", **copy.deepcopy(schema),
            "definitions": definitions}


def _close(node: Any) -> None:
    if isinstance(node, dict):
        if node.get("type") == "object" and "properties" in node:
            node.setdefault("additionalProperties", False)
        for value in node.values():
            _close(value)
    elif isinstance(node, list):
        for value in node:
            _close(value)


def allow_null(subset: dict[str, Any], fields: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """A copy of ``subset`` where ``(definition, property)`` may also be ``null``."""
    patched = copy.deepcopy(subset)
    for definition, prop in fields:
        target = patched["definitions"][definition]["properties"][prop]
        patched["definitions"][definition]["properties"][prop] = {
            "anyOf": [target, {"type": "null"}]
        }
    return patched
