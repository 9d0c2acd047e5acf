"""Writable fields of the request bodies the fake accepts, with their Swagger types.

Types and lengths are those of the reference Swagger (``SopSalesOrders.swagger.json``). Read-only
and unknown properties in a request body are ignored, as ASP.NET Web API model binding does.
Fields the fake stores without acting on them (analysis codes, spare fields, comments) are kept
verbatim and echoed back.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from fakes.sage200.errors import BadRequest
from fakes.sage200.odata import ODataError, parse_datetime

MAX_NUMBER = Decimal("1e12")


@dataclass(frozen=True)
class FieldType:
    kind: str  # int | num | bool | str | dt | obj | arr
    max_length: int | None = None


def _series(prefix: str, count: int, spec: FieldType) -> dict[str, FieldType]:
    return {f"{prefix}{n}": spec for n in range(1, count + 1)}


CUSTOM_FIELDS: dict[str, FieldType] = {
    **_series("analysis_code_", 20, FieldType("str", 60)),
    **_series("spare_text_", 10, FieldType("str", 100)),
    **_series("spare_number_", 10, FieldType("num")),
    **_series("spare_date_", 5, FieldType("dt")),
    **_series("spare_bool_", 5, FieldType("bool")),
}

ORDER_FIELDS: dict[str, FieldType] = {
    "customer_id": FieldType("int"),
    "document_no": FieldType("str", 20),
    "customer_document_no": FieldType("str", 30),
    "document_date": FieldType("dt"),
    "requested_delivery_date": FieldType("dt"),
    "promised_delivery_date": FieldType("dt"),
    "override_on_hold": FieldType("bool"),
    "is_editing": FieldType("bool"),
    "is_to_sequence_lines": FieldType("bool"),
    "suppress_warnings": FieldType("bool"),
    "recalculate_prices": FieldType("bool"),
    "use_invoice_address": FieldType("bool"),
    "customer_delivery_address_id": FieldType("int"),
    "customer_type": FieldType("str", 50),
    "exchange_rate": FieldType("num"),
    "settlement_discount_days": FieldType("int"),
    "settlement_discount_percent": FieldType("num"),
    "document_discount_percent": FieldType("num"),
    "document_created_by": FieldType("str", 30),
    "order_priority": FieldType("str", 1),
    "delivery_address": FieldType("obj"),
    "lines": FieldType("arr"),
    "memos": FieldType("arr"),
    **CUSTOM_FIELDS,
}
ORDER_ECHOED = (
    "document_created_by", "order_priority", "settlement_discount_days",
    "settlement_discount_percent", "use_invoice_address", *CUSTOM_FIELDS,
)

LINE_FIELDS: dict[str, FieldType] = {
    "id": FieldType("int"),
    "line_type": FieldType("str", 20),
    "product_id": FieldType("int"),
    "warehouse_id": FieldType("int"),
    "code": FieldType("str", 30),
    "description": FieldType("str", 6000),
    "line_quantity": FieldType("num"),
    "to_allocate_quantity": FieldType("num"),
    "tax_code_id": FieldType("int"),
    "selling_unit_price": FieldType("num"),
    "unit_discount_percent": FieldType("num"),
    "cost_price": FieldType("num"),
    "requested_delivery_date": FieldType("dt"),
    "promised_delivery_date": FieldType("dt"),
    "picking_list_comment": FieldType("str", 160),
    "despatch_note_comment": FieldType("str", 160),
    "nominal_reference": FieldType("str", 8),
    "is_to_delete": FieldType("bool"),
    **CUSTOM_FIELDS,
}
LINE_ECHOED = (
    "cost_price", "requested_delivery_date", "promised_delivery_date", "picking_list_comment",
    "despatch_note_comment", "nominal_reference", *CUSTOM_FIELDS,
)

ADDRESS_FIELDS: dict[str, FieldType] = {
    name: FieldType("str", length)
    for name, length in (
        ("postal_name", 60), ("address_1", 60), ("address_2", 60), ("address_3", 60),
        ("address_4", 60), ("city", 60), ("county", 60), ("country", 60), ("postcode", 10),
        ("contact", 235), ("telephone_number", 30), ("fax_number", 30),
        ("email_address", 255), ("tax_number", 30),
    )
}

DESPATCH_RECEIPT_FIELDS: dict[str, FieldType] = {
    "courier_id": FieldType("int"),
    "sop_incoterm_id": FieldType("int"),
    "sop_export_reason_id": FieldType("int"),
    "consignment_no": FieldType("str", 60),
    "weight": FieldType("num"),
    "pieces": FieldType("int"),
    "notes": FieldType("str", 256),
}


def _int(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise BadRequest(f"The value of '{name}' is not a valid integer.")
    if isinstance(value, float) and not value.is_integer():
        raise BadRequest(f"The value of '{name}' is not a valid integer.")
    if abs(value) > 2**63 - 1:
        raise BadRequest(f"The value of '{name}' is out of range.")
    return int(value)


def _num(name: str, value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise BadRequest(f"The value of '{name}' is not a valid number.")
    try:
        number = Decimal(str(value))
    except InvalidOperation as exc:
        raise BadRequest(f"The value of '{name}' is not a valid number.") from exc
    if not number.is_finite() or abs(number) > MAX_NUMBER:
        raise BadRequest(f"The value of '{name}' is out of range.")
    return number


def _str(name: str, value: Any, max_length: int | None) -> str:
    if not isinstance(value, str):
        raise BadRequest(f"The value of '{name}' is not a valid string.")
    if max_length is not None and len(value) > max_length:
        raise BadRequest(
            f"The field {name} must be a string with a maximum length of {max_length}."
        )
    return value


def _dt(name: str, value: Any) -> datetime:
    if not isinstance(value, str):
        raise BadRequest(f"The value of '{name}' is not a valid date-time.")
    try:
        return parse_datetime(value)
    except ODataError as exc:
        raise BadRequest(f"The value '{value}' is not valid for {name}.") from exc


def convert(name: str, spec: FieldType, value: Any) -> Any:
    """``value`` as the Python type of ``spec``, or the 400 Sage would give."""
    if spec.kind == "int":
        return _int(name, value)
    if spec.kind == "num":
        return _num(name, value)
    if spec.kind == "bool":
        if not isinstance(value, bool):
            raise BadRequest(f"The value of '{name}' is not a valid boolean.")
        return value
    if spec.kind == "str":
        return _str(name, value, spec.max_length)
    if spec.kind == "dt":
        return _dt(name, value)
    expected = dict if spec.kind == "obj" else list
    if not isinstance(value, expected):
        raise BadRequest(f"The value of '{name}' is not a valid {spec.kind}.")
    return value


def clean(body: Mapping[str, Any], specs: Mapping[str, FieldType]) -> dict[str, Any]:
    """The known, non-null writable fields of ``body``, converted; the first bad one is a 400."""
    cleaned: dict[str, Any] = {}
    for name, value in body.items():
        spec = specs.get(name)
        if spec is None or value is None:
            continue
        cleaned[name] = convert(name, spec, value)
    return cleaned
