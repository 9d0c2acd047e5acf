"""The tested Magento document: the reference subset with Magento's documented wire differences.

Adobe's schemas are generated from the service interfaces' PHPDoc, and three things Magento
really sends are not in them. :func:`wire_document` applies exactly these to a copy of the
subset (the reference file itself is never changed), so a conformance test can use the
reference's own definitions without loosening its checks anywhere else:

* :data:`WIRE_NULLS`: getters documented without ``|null`` are ``required`` in the schema, yet
  Magento writes them as ``null`` when unset (``DataObjectProcessor`` keeps required keys). An
  open bulk operation has no result yet; a fresh guest cart's customer and billing address have
  no names; ``Bulk operation status`` documents ``"error_code": null``.
* ``error-parameters`` is described as a list of ``{resources, fieldName, fieldValue}``, but
  Magento sends an object for named placeholders (``%fieldName``) and a list of values for
  positional ones (``%1``) (``Webapi\\ErrorProcessor``): either an array or an object.
* Void service methods (MSI ``SourceItemsSaveInterface``/``SourceItemsDeleteInterface``) have
  no ``200`` in the schema, only errors; Magento answers ``200`` with ``[]``
  (``ServiceOutputProcessor::convertValue`` turns ``null`` into an empty array):
  :data:`VOID_SUCCESS` is added to operations that document no 2xx answer.

:func:`documented_statuses` is a separate, *stricter* transform for status checks: every
operation of the reference answers ``default`` ("Unexpected error"), which makes any status
conform. It replaces ``default`` by the error statuses Magento's REST front controller produces
(400 input/Webapi errors, 401 authorization, 404 no such entity or route, 500 masked
exceptions), each with the ``error-response`` schema, so an unexpected status is reported.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

from contracts.magento.schema import allow_null, extract_subset

ERROR_RESPONSE = {"$ref": "#/definitions/error-response"}
ERROR_STATUSES: dict[str, str] = {
    "400": "Bad request: input, type conversion or Webapi exception.",
    "401": "Authentication or authorization failed.",
    "404": "No such entity, or no route for the request.",
    "500": "Internal error, masked with a report id.",
}
ERROR_PARAMETERS = {
    "description": "A name -> value object (%name placeholders) or a list of values (%1).",
    "type": ["array", "object"],
}

VOID_SUCCESS = {
    "description": "A void service method: Magento answers an empty array.",
    "schema": {"type": "array", "maxItems": 0},
}

WIRE_NULLS: tuple[tuple[str, str], ...] = (
    ("sales-data-order-payment-interface", "account_status"),
    ("sales-data-order-payment-interface", "cc_last4"),
    ("sales-data-order-status-history-interface", "is_customer_notified"),
    ("sales-data-shipment-track-interface", "weight"),
    ("sales-data-shipment-track-interface", "qty"),
    ("sales-data-shipment-track-interface", "description"),
    ("sales-data-creditmemo-item-interface", "base_cost"),
    ("catalog-inventory-data-stock-item-interface", "low_stock_date"),
    ("customer-data-region-interface", "region_code"),
    ("customer-data-region-interface", "region"),
    ("asynchronous-operations-data-summary-operation-status-interface", "result_message"),
    ("asynchronous-operations-data-summary-operation-status-interface", "error_code"),
    ("asynchronous-operations-data-operation-interface", "result_serialized_data"),
    ("asynchronous-operations-data-operation-interface", "result_message"),
    ("asynchronous-operations-data-operation-interface", "error_code"),
    ("asynchronous-operations-data-bulk-operations-status-interface", "user_id"),
    ("asynchronous-operations-data-detailed-bulk-operations-status-interface", "user_id"),
    ("catalog-data-special-price-interface", "price_from"),
    ("catalog-data-special-price-interface", "price_to"),
    ("company-data-company-interface", "reject_reason"),
    ("company-data-company-interface", "rejected_at"),
    ("customer-data-customer-interface", "email"),
    ("customer-data-customer-interface", "firstname"),
    ("customer-data-customer-interface", "lastname"),
    ("quote-data-totals-interface", "weee_tax_applied_amount"),
    ("quote-data-totals-item-interface", "weee_tax_applied_amount"),
    ("quote-data-totals-item-interface", "weee_tax_applied"),
    *(
        ("quote-data-address-interface", name)
        for name in (
            "region",
            "region_id",
            "region_code",
            "country_id",
            "telephone",
            "postcode",
            "city",
            "firstname",
            "lastname",
            "email",
        )
    ),
)


def wire_document(
    operations: Iterable[tuple[str, str]], reference: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The subset of ``operations`` with Magento's wire differences (see the module doc)."""
    return apply_wire_differences(extract_subset(operations, reference))


def apply_wire_differences(subset: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``subset`` allowing what Magento sends beyond its schema (see module doc)."""
    definitions = subset["definitions"]
    nulls = [(d, p) for d, p in WIRE_NULLS if p in definitions.get(d, {}).get("properties", {})]
    patched = allow_null(subset, nulls)
    if "error-parameters" in patched["definitions"]:
        patched["definitions"]["error-parameters"] = copy.deepcopy(ERROR_PARAMETERS)
    for item in patched["paths"].values():
        for operation in item.values():
            responses = operation["responses"]
            if not any(str(status).startswith("2") for status in responses):
                responses["200"] = copy.deepcopy(VOID_SUCCESS)
    return patched


def documented_statuses(document: dict[str, Any]) -> dict[str, Any]:
    """A copy whose operations list Magento's error statuses in place of ``default``."""
    strict = copy.deepcopy(document)
    for item in strict["paths"].values():
        for operation in item.values():
            responses = operation["responses"]
            fallback = responses.pop("default", None)
            if fallback is None:
                continue
            for status, text in ERROR_STATUSES.items():
                responses.setdefault(
                    status, {"description": text, "schema": copy.deepcopy(ERROR_RESPONSE)}
                )
    return strict
