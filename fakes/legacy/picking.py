"""Shipping an order from more than one warehouse: the despatch screen's "pick from" column.

The ``ship_order`` event ships each line from the warehouse the order line was entered with.
A warehouse clerk may pick a line from another warehouse that holds the stock; the shipment
then records, per line, the warehouse the goods really left from, and that warehouse's stock
goes down. Everything else follows ``ship_order``: whole units, never more than the line has
left to ship, enough stock where it is picked, one shipment number, one tracking number
(``TRK`` + the shipment counter when the clerk gives none), the order's status after.

Lines: ``[{"line_no", "quantity", "warehouse"?}]``; the same order line may appear twice
with different warehouses (part from each).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fakes.legacy.model import Order, OrderLine, Shipment, ShipmentLine

if TYPE_CHECKING:
    from fakes.legacy.state import LegacyBackend

Pick = tuple[OrderLine, int, str]


def plan(backend: LegacyBackend, order: Order, lines: Any) -> list[Pick]:
    """Each requested line with its quantity and warehouse, checked; ValueError naming it."""
    if order.status == "cancelled":
        raise ValueError(f"order {order.erp_order_no} is cancelled")
    if not isinstance(lines, list) or not lines:
        raise ValueError("lines must be a non-empty list of {line_no, quantity, warehouse?}")
    picks: list[Pick] = []
    taken: dict[int, int] = {}
    drawn: dict[tuple[str, str], int] = {}
    for entry in lines:
        line = order.line(int(entry["line_no"]))
        if line is None:
            raise ValueError(f"order {order.erp_order_no} has no line {entry['line_no']}")
        quantity = int(entry["quantity"])
        warehouse = str(entry.get("warehouse") or line.warehouse)
        if warehouse not in backend.warehouses:
            raise ValueError(f"line {line.line_no}: unknown warehouse {warehouse!r}")
        already = line.shipped_quantity + taken.get(line.line_no, 0)
        if quantity <= 0 or already + quantity > line.quantity:
            raise ValueError(
                f"line {line.line_no}: cannot ship {quantity} "
                f"({already} of {line.quantity} shipped)"
            )
        level = backend.stock.get((line.sku, warehouse))
        need = drawn.get((line.sku, warehouse), 0) + quantity
        if level is None or level.quantity < need:
            raise ValueError(
                f"line {line.line_no}: insufficient stock of {line.sku} in {warehouse}"
            )
        taken[line.line_no] = taken.get(line.line_no, 0) + quantity
        drawn[(line.sku, warehouse)] = need
        picks.append((line, quantity, warehouse))
    return picks


def ship(backend: LegacyBackend, order: Order, picks: list[Pick], tracking: str | None) -> Shipment:
    """Record one shipment of ``picks`` and apply it to the order and the stock."""
    backend.shipment_counter += 1
    number = backend.shipment_counter
    shipment = Shipment(
        f"SH{number:06d}",
        order.erp_order_no,
        order.order_ref,
        tracking or f"TRK{number:010d}",
        backend.clock.now(),
    )
    for line, quantity, warehouse in picks:
        line.shipped_quantity += quantity
        level = backend.stock[(line.sku, warehouse)]
        backend._change_stock(line.sku, warehouse, level.quantity - quantity)
        shipment.lines.append(ShipmentLine(line.line_no, line.sku, quantity, warehouse))
    done = all(line.shipped_quantity >= line.quantity for line in order.lines)
    order.status = "shipped" if done else "partially_shipped"
    backend.shipments.append(shipment)
    return shipment
