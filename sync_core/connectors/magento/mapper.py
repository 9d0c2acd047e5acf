"""Magento order payloads -> canonical :class:`sync_core.model.Order`.

Every refusal is a :class:`MappingError` naming the order and the field, so a poison order is
quarantined with a reason a person can act on.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import ValidationError

from sync_core.errors import MappingError
from sync_core.model import Address, Order, OrderLine

MAGENTO_TIME = "%Y-%m-%d %H:%M:%S"


def parse_time(value: str) -> datetime:
    return datetime.strptime(value, MAGENTO_TIME).replace(tzinfo=UTC)


def _decimal(record: str, field: str, value: Any) -> Decimal:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise MappingError(record, field, f"is not a number: {value!r}") from exc


def _shipping_address(raw: dict[str, Any]) -> dict[str, Any] | None:
    assignments = (raw.get("extension_attributes") or {}).get("shipping_assignments") or []
    for assignment in assignments:
        address = (assignment.get("shipping") or {}).get("address")
        if address:
            return dict(address)
    return None


def _address(record: str, raw: dict[str, Any] | None) -> Address:
    if not raw:
        raise MappingError(record, "shipping_address", "is missing")
    for key in ("firstname", "lastname", "city", "postcode", "country_id"):
        if not str(raw.get(key) or "").strip():
            raise MappingError(record, f"shipping_address.{key}", "is missing")
    street = [s for s in (raw.get("street") or []) if str(s).strip()]
    if not street:
        raise MappingError(record, "shipping_address.street", "is missing")
    return Address(
        firstname=raw["firstname"],
        lastname=raw["lastname"],
        street=street,
        city=raw["city"],
        postcode=raw["postcode"],
        country_id=raw["country_id"],
        telephone=raw.get("telephone"),
        company=raw.get("company"),
    )


def _lines(record: str, raw: dict[str, Any]) -> list[OrderLine]:
    lines: list[OrderLine] = []
    for index, item in enumerate(raw.get("items") or []):
        if item.get("parent_item_id"):
            continue  # children of configurable/bundle items ship under their parent line
        field = f"items[{index}]"
        sku = str(item.get("sku") or "").strip()
        if not sku:
            raise MappingError(record, f"{field}.sku", "is missing")
        qty = _decimal(record, f"{field}.qty_ordered", item.get("qty_ordered"))
        if qty <= 0:
            raise MappingError(record, f"{field}.qty_ordered", f"must be positive, got {qty}")
        price = _decimal(record, f"{field}.price", item.get("price", 0))
        if price < 0:
            raise MappingError(record, f"{field}.price", f"must not be negative, got {price}")
        lines.append(
            OrderLine(line_no=len(lines) + 1, sku=sku, name=item.get("name"), qty=qty, price=price)
        )
    if not lines:
        raise MappingError(record, "items", "has no orderable lines")
    return lines


def to_order(raw: dict[str, Any], store_codes: dict[int, str]) -> Order:
    """Map a Magento order; raise :class:`MappingError` on anything that cannot be mapped."""
    increment = str(raw.get("increment_id") or raw.get("entity_id"))
    record = f"order {increment}"
    store_id = int(raw.get("store_id") or 0)
    if store_id not in store_codes:
        raise MappingError(record, "store_id", f"{store_id} is not a known store view")
    email = str(raw.get("customer_email") or "").strip()
    if not email:
        raise MappingError(record, "customer_email", "is missing")
    try:
        return Order(
            source_id=str(raw["entity_id"]),
            increment_id=increment,
            store_code=store_codes[store_id],
            store_id=store_id,
            customer_email=email,
            customer_name=" ".join(
                p for p in (raw.get("customer_firstname"), raw.get("customer_lastname")) if p
            )
            or email,
            currency=str(raw.get("order_currency_code") or "USD"),
            grand_total=_decimal(record, "grand_total", raw.get("grand_total", 0)),
            lines=_lines(record, raw),
            shipping_address=_address(record, _shipping_address(raw)),
            created_at=parse_time(raw["created_at"]),
            updated_at=parse_time(raw["updated_at"]),
        )
    except (KeyError, ValueError, ValidationError) as exc:
        if isinstance(exc, MappingError):
            raise
        raise MappingError(record, "order", f"is malformed: {exc}") from exc
