"""Item amounts of an invoice or credit memo, as Magento's total collectors compute them.

A partial document takes the item's *remaining* amount in proportion to the quantity
(``Invoice\\Item::calcRowTotal`` and ``Invoice\\Total\\Tax``: what the order item has not
invoiced yet over the quantity not invoiced yet; ``Creditmemo\\Item::calcRowTotal`` and
``Creditmemo\\Total\\Tax``: what it invoiced and has not refunded yet over the quantity not
refunded yet), rounded by the document's ``roundPrice``: half up to cents, carrying each rounding
delta to the next amount of the same kind on that document (``Math\\Calculator::deltaRound``).
An item whose quantity takes all that is left of the line (``isLast``) gets exactly the rest,
and a document that takes the rest of every line gets exactly the order's remaining tax; so the
documents of a line always add up to the line, however the cents fell. ``row_total_incl_tax``
is the order item's in proportion to the quantity ordered (no last-item rule: Magento's own).

Amounts are worked in :class:`~decimal.Decimal` from the stored two-decimal figures, so a half
cent is a half cent, never a binary fraction just under it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from fakes.magento import rules

CENT = Decimal("0.01")
ZERO = Decimal(0)


def dec(value: Any) -> Decimal:
    """A stored amount or quantity (float, int, None) as a Decimal."""
    return Decimal(str(float(value or 0)))


class DeltaRound:
    """One document's ``roundPrice``: a ``deltaRound`` calculator per rounding kind."""

    def __init__(self) -> None:
        self._delta: dict[str, Decimal] = {}

    def __call__(self, value: Decimal, kind: str = "regular") -> Decimal:
        if not value:
            return value
        value += self._delta.get(kind, ZERO)
        rounded = value.quantize(CENT, rounding=ROUND_HALF_UP)
        self._delta[kind] = value - rounded
        return rounded


@dataclass(frozen=True)
class ItemAmounts:
    """The money of one document item."""

    row_total: float
    tax_amount: float
    row_total_incl_tax: float


@dataclass(frozen=True)
class Remaining:
    """What is left of an order item for the document kind, and the quantity it is left on."""

    row: Decimal
    tax: Decimal
    qty: Decimal
    to_go: Decimal  # qty_to_invoice / qty_to_refund: taking all of it makes the item last

    def share(self, amount: Decimal, qty: Decimal, round_price: DeltaRound) -> Decimal:
        """``amount`` (this row or tax) for ``qty``: all of it when ``qty`` is all that is to
        go (``isLast``), else its rounded share."""
        if qty == self.to_go or self.qty <= 0:
            return amount
        return round_price(amount / self.qty * qty)


def to_invoice(item: dict[str, Any]) -> Remaining:
    """Of an order item: not invoiced yet, over the quantity ordered less invoiced."""
    return Remaining(
        row=dec(item.get("row_total")) - dec(item.get("row_invoiced")),
        tax=dec(item.get("tax_amount")) - dec(item.get("tax_invoiced")),
        qty=dec(item.get("qty_ordered")) - dec(item.get("qty_invoiced")),
        to_go=dec(rules.to_invoice(item)),
    )


def to_refund(item: dict[str, Any]) -> Remaining:
    """Of an order item: invoiced and not refunded yet, over the quantity invoiced less
    refunded."""
    return Remaining(
        row=dec(item.get("row_invoiced")) - dec(item.get("amount_refunded")),
        tax=dec(item.get("tax_invoiced")) - dec(item.get("tax_refunded")),
        qty=dec(item.get("qty_invoiced")) - dec(item.get("qty_refunded")),
        to_go=dec(rules.to_refund(item)),
    )


Line = tuple[dict[str, Any], float, Remaining]


def item_amounts(lines: list[Line]) -> list[ItemAmounts]:
    """The amounts of a document's items (order item, quantity, what is left of it), in the
    collectors' order: every row (and row incl. tax) first, then every tax."""
    round_price = DeltaRound()
    rows, with_tax = [], []
    for item, qty, left in lines:
        quantity = dec(qty)
        rows.append(left.share(left.row, quantity, round_price) if quantity > 0 else ZERO)
        with_tax.append(incl_tax(item, quantity, round_price) if quantity > 0 else ZERO)
    taxes = [
        left.share(left.tax, dec(qty), round_price) if qty > 0 else ZERO for _, qty, left in lines
    ]
    return [
        ItemAmounts(float(row), float(tax), float(incl))
        for row, tax, incl in zip(rows, taxes, with_tax, strict=True)
    ]


def incl_tax(item: dict[str, Any], qty: Decimal, round_price: DeltaRound) -> Decimal:
    """``row_total_incl_tax``: the order item's over the quantity ordered, times ``qty``."""
    ordered = dec(item.get("qty_ordered"))
    if not ordered:
        return ZERO
    return round_price(dec(item.get("row_total_incl_tax")) / ordered * qty, "including")


def document_tax(items_tax: float, allowed: Decimal, last: bool) -> float:
    """A document's tax: the order's remaining tax (``allowed``) when the document takes the
    rest of every line (``isLast``), else its items' tax capped at it."""
    return float(allowed if last else min(allowed, dec(items_tax)))
