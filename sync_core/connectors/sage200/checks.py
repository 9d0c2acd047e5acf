"""Tax codes (FM-SG04) and operator amendments (FM-SG05) for the Sage 200 connector.

Tax codes (FM-SG04)
    ``erp.options["tax_codes"]`` is a JSON object from a Magento tax rate (percent, as Magento's
    order item ``tax_percent``) to a Sage tax code id, e.g. ``{"20": "1", "5": "4", "0": "2"}``
    (Sage 200 UK defaults: 1 standard 20 %, 2 zero rated, 3 exempt, 4 reduced 5 %). Rates are
    compared as numbers (``"20"``, ``"20.0"`` and ``"20.00"`` are one rate). Without the option
    nothing changes: no ``tax_code_id`` is sent and Sage applies its defaults for the account
    and product. With it, each line carries the mapped ``tax_code_id``; a line whose rate has no
    code is a :class:`~sync_core.errors.MappingError` naming the order, the line and the rate,
    so the order is held rather than booked at Sage's default rate.

    The canonical order carries no tax (see the report: a shared change), so the connector
    reads the Magento order itself (``GET /V1/orders/{entity_id}``, one request per export)
    for each item's ``tax_percent`` and ``tax_amount`` and the order's shipping. Items are
    matched to lines as the mapper makes them (items without ``parent_item_id``, in order).

    Totals: after the create, the order is read back and Sage's ``total_gross_value`` is
    compared with what Magento charged for the goods, ``grand_total - shipping_amount -
    shipping_tax_amount`` (no shipping charge line goes to Sage), and Sage's
    ``total_tax_value`` with the items' ``tax_amount``. A difference of more than a penny per
    line is a ``tax_variance`` alert (:meth:`Alerts.add`), read by the engine after each stock
    run; the order stays exported (it is in Sage; an operator corrects the tax code).

Amendments (FM-SG05)
    What was sent is remembered per reference (product id, quantity and price per line, in
    memory: lost on restart). ``amended_orders`` reads the orders with their lines and compares:
    a changed quantity or price, a line added or removed is an amendment. For an order sent
    before a restart, nothing is remembered, so the order's own stamps are used instead: a
    header or line ``date_time_updated`` later than ``date_time_created`` by more than
    :data:`GRACE_S` while nothing has been despatched or invoiced (Sage moves the stamps itself
    when it despatches or invoices) counts as an operator edit. Cancelled orders are left to
    ``order_states`` (a status mismatch, FM-G16).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from sync_core.config import ConfigError
from sync_core.errors import MappingError
from sync_core.model import Order

GRACE_S = 60.0
MAX_ALERTS = 500
CANCELLED = "EnumDocumentStatusCancelled"
Line = tuple[int, Decimal, Decimal]  # product id, quantity, unit price


def rate_key(value: Any) -> str:
    """A tax rate as a canonical string: ``20``, ``17.5``, ``0``."""
    try:
        number = Decimal(str(value if value not in (None, "") else 0))
    except InvalidOperation as exc:
        raise ValueError(f"{value!r} is not a tax rate") from exc
    text = format(number.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def money(value: Any) -> Decimal:
    return Decimal(str(value if value not in (None, "") else 0))


class TaxCodes:
    """Magento tax rate -> Sage tax code id, from ``erp.options["tax_codes"]``."""

    def __init__(self, raw: str | None) -> None:
        self.codes: dict[str, int] = {}
        if not raw:
            return
        try:
            parsed = json.loads(raw)
            if not isinstance(parsed, dict):
                raise ValueError("not a JSON object")
            self.codes = {rate_key(rate): int(code) for rate, code in parsed.items()}
        except (ValueError, TypeError) as exc:
            raise ConfigError(
                f"erp.options.tax_codes must be a JSON object rate -> Sage tax code id, "
                f'e.g. {{"20": "1", "0": "2"}}: {exc}'
            ) from exc

    def __bool__(self) -> bool:
        return bool(self.codes)

    def for_lines(self, order: Order, raw: dict[str, Any]) -> list[int]:
        """The Sage tax code id of each canonical line; an unmapped rate holds the order."""
        items = [i for i in raw.get("items") or [] if not i.get("parent_item_id")]
        record = f"order {order.increment_id}"
        if len(items) != len(order.lines):
            raise MappingError(
                record, "items", f"Magento has {len(items)} items for {len(order.lines)} lines"
            )
        codes = []
        for index, (line, item) in enumerate(zip(order.lines, items, strict=True)):
            rate = rate_key(item.get("tax_percent"))
            code = self.codes.get(rate)
            if code is None:
                mapped = ", ".join(f"{r}%" for r in sorted(self.codes)) or "none"
                raise MappingError(
                    record,
                    f"lines[{index}].tax_percent",
                    f"{line.sku}: Magento tax rate {rate}% has no Sage tax code in "
                    f"erp.options.tax_codes (mapped: {mapped}); held rather than booked at "
                    f"Sage's default rate",
                )
            codes.append(code)
        return codes


@dataclass(frozen=True)
class Charged:
    """What Magento charged for the goods of one order (shipping left out)."""

    goods_gross: Decimal
    goods_tax: Decimal

    @classmethod
    def of(cls, raw: dict[str, Any]) -> Charged:
        items = [i for i in raw.get("items") or [] if not i.get("parent_item_id")]
        shipping = money(raw.get("shipping_amount")) + money(raw.get("shipping_tax_amount"))
        return cls(
            goods_gross=money(raw.get("grand_total")) - shipping,
            goods_tax=sum((money(i.get("tax_amount")) for i in items), Decimal(0)),
        )


def variance(order: Order, charged: Charged, sage: dict[str, Any]) -> str | None:
    """A description of the difference between Sage's totals and Magento's, or None."""
    tolerance = Decimal("0.01") * max(1, len(order.lines))
    gross, tax = money(sage.get("total_gross_value")), money(sage.get("total_tax_value"))
    if abs(gross - charged.goods_gross) <= tolerance and abs(tax - charged.goods_tax) <= tolerance:
        return None
    return (
        f"order {order.increment_id} (Sage {sage.get('document_no') or sage.get('id')}): Sage "
        f"totals {gross} with tax {tax}, Magento charged {charged.goods_gross} with tax "
        f"{charged.goods_tax} for the goods (variance {gross - charged.goods_gross}); check "
        f"the tax codes"
    )


class Alerts:
    """What the connector noticed itself, as ``{kind, subject, detail}`` (bounded)."""

    def __init__(self) -> None:
        self._open: dict[tuple[str, str], dict[str, str]] = {}

    def add(self, kind: str, subject: str, detail: str) -> None:
        if len(self._open) >= MAX_ALERTS:
            self._open.pop(next(iter(self._open)))
        self._open[(kind, subject)] = {"kind": kind, "subject": subject, "detail": detail}

    def current(self) -> list[dict[str, str]]:
        return list(self._open.values())


def sent_lines(payload: dict[str, Any]) -> list[Line]:
    return [
        (int(line["product_id"]), money(line["line_quantity"]), money(line["selling_unit_price"]))
        for line in payload.get("lines") or []
    ]


def kept_lines(row: dict[str, Any]) -> list[Line]:
    return [
        (
            int(line.get("product_id") or 0),
            money(line.get("line_quantity")),
            money(line.get("selling_unit_price")),
        )
        for line in sorted(row.get("lines") or [], key=lambda x: int(x.get("line_number") or 0))
        if line.get("line_type") == "EnumLineTypeStandard"
    ]


def line_changes(sent: list[Line], kept: list[Line]) -> list[str]:
    """Per line (by position): quantity or price changed, lines added or removed."""
    changes = []
    for n, (before, after) in enumerate(zip(sent, kept, strict=False), start=1):
        if before[0] != after[0]:
            changes.append(f"line {n} product {before[0]} -> {after[0]}")
        if before[1] != after[1]:
            changes.append(f"line {n} quantity {_num(before[1])} -> {_num(after[1])}")
        if before[2] != after[2]:
            changes.append(f"line {n} price {_num(before[2])} -> {_num(after[2])}")
    for n, extra in enumerate(kept[len(sent) :], start=len(sent) + 1):
        changes.append(f"line {n} added (product {extra[0]}, quantity {_num(extra[1])})")
    for n in range(len(kept) + 1, len(sent) + 1):
        changes.append(f"line {n} removed")
    return changes


def stamped_change(row: dict[str, Any], parse: Any) -> str | None:
    """Without a memory of what was sent: an edit stamp no despatch or invoice explains."""
    if row.get("despatch_receipt_status") not in (None, "None") or row.get(
        "invoice_credit_status"
    ) not in (None, "None"):
        return None
    created: datetime | None = parse({"date_time_updated": row.get("date_time_created")})
    if created is None:
        return None
    limit = created + timedelta(seconds=GRACE_S)
    stamps = [parse(row), *(parse(line) for line in row.get("lines") or [])]
    latest = max((s for s in stamps if s is not None), default=None)
    if latest is None or latest <= limit:
        return None
    return f"edited in Sage at {latest.isoformat()} (created {created.isoformat()})"


def _num(value: Decimal) -> str:
    return format(value.normalize(), "f")
