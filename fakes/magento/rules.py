"""Order rules of ``Magento\\Sales\\Model\\Order`` on plain order dicts: what may happen next.

Quantities: to invoice = ordered - invoiced - canceled; to ship = ordered - shipped - refunded -
canceled; to refund = invoiced - refunded; to cancel = min(to invoice, to ship).

``resolve_state`` is ``Order\\StateResolver``: once nothing is left to invoice, an order in
progress becomes ``processing``, ``complete`` when nothing is left to ship (and money is left
to refund), and ``closed`` once everything paid is refunded. Each state has a default status.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

Order = dict[str, Any]
Item = dict[str, Any]

NEW = "new"
PENDING_PAYMENT = "pending_payment"
PROCESSING = "processing"
COMPLETE = "complete"
CLOSED = "closed"
CANCELED = "canceled"
HOLDED = "holded"
PAYMENT_REVIEW = "payment_review"

DEFAULT_STATUS = {
    NEW: "pending",
    PENDING_PAYMENT: "pending_payment",
    PROCESSING: "processing",
    COMPLETE: "complete",
    CLOSED: "closed",
    CANCELED: "canceled",
    HOLDED: "holded",
    PAYMENT_REVIEW: "payment_review",
}
STATE_STATUSES: dict[str, list[str]] = {
    NEW: ["pending"],
    PENDING_PAYMENT: ["pending_payment"],
    PROCESSING: ["processing", "fraud"],
    COMPLETE: ["complete"],
    CLOSED: ["closed"],
    CANCELED: ["canceled"],
    HOLDED: ["holded"],
    PAYMENT_REVIEW: ["payment_review", "fraud"],
}


def money(value: float | Decimal | int) -> float:
    """Round half up to cents, as ``PriceCurrency::round`` does."""
    return float(Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def num(value: Any) -> float:
    return float(value or 0)


def to_invoice(item: Item) -> float:
    left = num(item["qty_ordered"]) - num(item["qty_invoiced"]) - num(item["qty_canceled"])
    return max(left, 0.0)


def to_ship(item: Item) -> float:
    left = num(item["qty_ordered"]) - num(item["qty_shipped"]) - num(item["qty_refunded"])
    return max(left - num(item["qty_canceled"]), 0.0)


def to_refund(item: Item) -> float:
    return max(num(item["qty_invoiced"]) - num(item["qty_refunded"]), 0.0)


def to_cancel(item: Item) -> float:
    return min(to_invoice(item), to_ship(item))


def can_unhold(order: Order) -> bool:
    return bool(order["state"] == HOLDED)


def is_payment_review(order: Order) -> bool:
    return bool(order["state"] == PAYMENT_REVIEW)


def can_invoice(order: Order) -> bool:
    if can_unhold(order) or is_payment_review(order):
        return False
    if order["state"] in (CANCELED, COMPLETE, CLOSED):
        return False
    return any(to_invoice(i) > 0 and not i.get("locked_do_invoice") for i in order["items"])


def can_ship(order: Order) -> bool:
    if can_unhold(order) or is_payment_review(order) or order["state"] == CANCELED:
        return False
    if order.get("is_virtual"):
        return False
    return any(
        to_ship(i) > 0 and not i.get("locked_do_ship")
        and num(i["qty_refunded"]) != num(i["qty_ordered"])
        for i in order["items"]
    )


def can_creditmemo(order: Order) -> bool:
    if can_unhold(order) or is_payment_review(order):
        return False
    if order["state"] in (CANCELED, CLOSED):
        return False
    return abs(money(num(order.get("total_paid"))) - num(order.get("total_refunded"))) >= 0.0001


def can_cancel(order: Order) -> bool:
    if can_unhold(order) or is_payment_review(order):
        return False
    if all(not to_invoice(i) for i in order["items"]):
        return False
    return order["state"] not in (CANCELED, COMPLETE, CLOSED)


def can_hold(order: Order) -> bool:
    return order["state"] not in (PAYMENT_REVIEW, CANCELED, COMPLETE, CLOSED, HOLDED)


def resolve_state(order: Order, in_progress: bool) -> str:
    state = str(order["state"])
    if state == CANCELED or can_unhold(order) or can_invoice(order):
        return state
    if in_progress:
        state = PROCESSING
    if num(order.get("total_refunded")) and not can_creditmemo(order):
        return CLOSED
    if (num(order.get("base_grand_total")) == 0 or can_creditmemo(order)) and not can_ship(order):
        return COMPLETE
    return state


def set_state(order: Order, state: str) -> None:
    order["state"] = state
    order["status"] = DEFAULT_STATUS.get(state, state)

