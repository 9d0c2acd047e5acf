"""The legacy ERP's credit notes: crediting an order, with or without goods back in stock.

A credit note (``CN%06d``) credits one order, named by ``erp_order_no`` or by its
``order_ref`` (when both are given they must name the same order; an ``order_ref`` several
live orders carry is ambiguous). It carries the caller's ``credit_ref`` and is never checked
against earlier notes with the same reference: like ``CreateOrder`` (FM-L03), two calls make
two notes, and ``FindCreditNotesByReference`` answers every copy.

All or nothing: any bad line refuses the whole note with a Client fault naming the line. A
line names an item of the order (``UNKNOWN_SKU``), a whole quantity above 0
(``BAD_QUANTITY``) and an amount >= 0 (``BAD_AMOUNT``); the order's quantity of that item
cannot be credited beyond what it ordered, over all its notes (``OVER_CREDIT``). A
``restock`` line returns the goods to its ``warehouse`` (default: the order line's): it must
exist (``UNKNOWN_WAREHOUSE``) and the goods must have shipped, less what earlier notes
returned (``NOT_SHIPPED``); the warehouse's stock goes up at once (``GetStock`` and the
stock exports show it). A cancelled order cannot be credited (``ORDER_CANCELLED``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from fakes.legacy.errors import ClientFault, OrderNotFound
from fakes.legacy.model import Order, iso, money

if TYPE_CHECKING:
    from fakes.legacy.state import LegacyBackend


@dataclass(frozen=True)
class CreditLineIn:
    """One credit note line as received, before the ERP's checks."""

    sku: str
    quantity: int
    amount: Decimal
    restock: bool
    warehouse: str | None


@dataclass
class CreditNoteLine:
    line_no: int
    sku: str
    quantity: int
    amount: Decimal
    restock: bool
    warehouse: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "line_no": self.line_no,
            "sku": self.sku,
            "quantity": self.quantity,
            "amount": money(self.amount),
            "restock": self.restock,
            "warehouse": self.warehouse,
        }


@dataclass
class CreditNote:
    credit_note_no: str
    credit_ref: str
    erp_order_no: str
    order_ref: str
    customer_ref: str
    credit_date: date
    created_at: datetime
    lines: list[CreditNoteLine] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal(0))

    def to_dict(self) -> dict[str, Any]:
        return {
            "credit_note_no": self.credit_note_no,
            "credit_ref": self.credit_ref,
            "erp_order_no": self.erp_order_no,
            "order_ref": self.order_ref,
            "customer_ref": self.customer_ref,
            "credit_date": self.credit_date.isoformat(),
            "total": money(self.total),
            "created_at": iso(self.created_at),
            "lines": [line.to_dict() for line in self.lines],
        }


class CreditBook:
    """Every credit note of one ERP, in the order they were made."""

    def __init__(self) -> None:
        self.notes: list[CreditNote] = []
        self.counter = 0

    def find(self, credit_ref: str) -> list[CreditNote]:
        return [n for n in self.notes if n.credit_ref == credit_ref]

    def of_order(self, erp_order_no: str) -> list[CreditNote]:
        return [n for n in self.notes if n.erp_order_no == erp_order_no]


def _fault(message: str, code: str, field: str) -> ClientFault:
    return ClientFault(message, code=code, field=field)


def resolve_order(backend: LegacyBackend, erp_order_no: str | None, order_ref: str | None) -> Order:
    """The order a credit note credits, by number or by reference."""
    if not erp_order_no and not order_ref:
        raise _fault("Name the order: erp_order_no or order_ref.", "MISSING_FIELD", "erp_order_no")
    if erp_order_no:
        order = backend.orders.get(erp_order_no)
        if order is None:
            raise OrderNotFound(f"Order {erp_order_no!r} does not exist.", field="erp_order_no")
        if order_ref and order.order_ref != order_ref:
            raise _fault(
                f"Order {erp_order_no} carries order_ref {order.order_ref!r}, not {order_ref!r}.",
                "ORDER_MISMATCH",
                "order_ref",
            )
        return order
    live = [
        o for o in backend.orders.values() if o.order_ref == order_ref and o.status != "cancelled"
    ]
    if not live:
        raise OrderNotFound(f"No open order carries order_ref {order_ref!r}.", field="order_ref")
    if len(live) > 1:
        numbers = ", ".join(o.erp_order_no for o in live)
        raise _fault(
            f"order_ref {order_ref!r} is on {len(live)} orders ({numbers}); name the erp_order_no.",
            "AMBIGUOUS_ORDER",
            "order_ref",
        )
    return live[0]


def _credited(book: CreditBook, order: Order) -> tuple[Counter[str], Counter[str]]:
    """Per item: quantity credited, and quantity returned to stock, by earlier notes."""
    credited: Counter[str] = Counter()
    returned: Counter[str] = Counter()
    for note in book.of_order(order.erp_order_no):
        for line in note.lines:
            credited[line.sku] += line.quantity
            if line.restock:
                returned[line.sku] += line.quantity
    return credited, returned


def _check_line(backend: LegacyBackend, order: Order, n: int, line: CreditLineIn) -> str | None:
    """The line's restock warehouse (None without restock); a fault when it is refused."""
    field = f"lines/line[{n}]"
    ordered = [x for x in order.lines if x.sku == line.sku]
    if not ordered:
        raise _fault(
            f"Line {n}: order {order.erp_order_no} has no item {line.sku!r}.",
            "UNKNOWN_SKU",
            f"{field}/sku",
        )
    if line.quantity <= 0:
        raise _fault(
            f"Line {n}: quantity {line.quantity} is not a whole number above 0.",
            "BAD_QUANTITY",
            f"{field}/quantity",
        )
    if not line.amount.is_finite() or line.amount < 0:
        raise _fault(
            f"Line {n}: amount {line.amount} is not >= 0.", "BAD_AMOUNT", f"{field}/amount"
        )
    if not line.restock:
        return None
    warehouse = line.warehouse or ordered[0].warehouse
    if warehouse not in backend.warehouses:
        raise _fault(
            f"Line {n}: warehouse {warehouse!r} does not exist.",
            "UNKNOWN_WAREHOUSE",
            f"{field}/warehouse",
        )
    return warehouse


def _check_totals(order: Order, book: CreditBook, lines: list[CreditLineIn]) -> None:
    credited, returned = _credited(book, order)
    ordered: Counter[str] = Counter()
    shipped: Counter[str] = Counter()
    for x in order.lines:
        ordered[x.sku] += x.quantity
        shipped[x.sku] += x.shipped_quantity
    for n, line in enumerate(lines, start=1):
        credited[line.sku] += line.quantity
        if credited[line.sku] > ordered[line.sku]:
            raise _fault(
                f"Line {n}: {credited[line.sku]} of {line.sku} credited in all on order "
                f"{order.erp_order_no}, which has {ordered[line.sku]}.",
                "OVER_CREDIT",
                f"lines/line[{n}]/quantity",
            )
        if line.restock:
            returned[line.sku] += line.quantity
            if returned[line.sku] > shipped[line.sku]:
                raise _fault(
                    f"Line {n}: {returned[line.sku]} of {line.sku} back to stock, but order "
                    f"{order.erp_order_no} shipped {shipped[line.sku]}.",
                    "NOT_SHIPPED",
                    f"lines/line[{n}]/restock",
                )


def create(
    backend: LegacyBackend,
    credit_ref: str,
    order: Order,
    credit_date: date,
    lines: list[CreditLineIn],
) -> CreditNote:
    """Check every line, then make the note and return the restocked goods to stock."""
    if not credit_ref:
        raise _fault("credit_ref must not be empty.", "MISSING_FIELD", "credit_ref")
    if order.status == "cancelled":
        raise _fault(f"Order {order.erp_order_no} is cancelled.", "ORDER_CANCELLED", "erp_order_no")
    book = backend.credit_book
    warehouses = [_check_line(backend, order, n, line) for n, line in enumerate(lines, start=1)]
    _check_totals(order, book, lines)
    book.counter += 1
    note = CreditNote(
        f"CN{book.counter:06d}",
        credit_ref,
        order.erp_order_no,
        order.order_ref,
        order.customer_ref,
        credit_date,
        backend.clock.now(),
    )
    for n, (line, warehouse) in enumerate(zip(lines, warehouses, strict=True), start=1):
        note.lines.append(
            CreditNoteLine(n, line.sku, line.quantity, line.amount, line.restock, warehouse)
        )
        if warehouse is not None:
            level = backend.stock.get((line.sku, warehouse))
            have = level.quantity if level is not None else 0
            backend._change_stock(line.sku, warehouse, have + line.quantity)
    book.notes.append(note)
    return note
