"""The backend as a JSON picture for invariant checks (not a wire format).

Orders carry their lines; despatches name their order and line ids with product code and
warehouse name; holdings carry the derived stock figures plus product code and warehouse name,
so a scenario can compare them with Magento source items without another lookup.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fakes.sage200 import credit_notes, render
from fakes.sage200.wire import wire

if TYPE_CHECKING:
    from fakes.sage200.state import Sage200Backend


def _orders(b: Sage200Backend) -> list[dict[str, Any]]:
    rows = []
    for order in sorted(b.orders.values(), key=lambda o: o.id):
        row = render.order(b, order)
        row["customer_reference"] = b.customers[order.customer_id].reference
        row["lines"] = [render.line(b, x) for x in order.lines]
        row["delivery_address"] = wire(dict(order.delivery_address))
        rows.append(row)
    return rows


def _holdings(b: Sage200Backend) -> list[dict[str, Any]]:
    rows = render.holding_rows(b, b.holdings.values())
    for row in rows:
        row["product_code"] = b.products[row["product_id"]].code
    return rows


def _despatches(b: Sage200Backend) -> list[dict[str, Any]]:
    rows = []
    for record in sorted(b.despatches.values(), key=lambda d: d.id):
        order = b.orders[record.order_id]
        by_id = {line.id: line for line in order.lines}
        row = render.despatch(record)
        row.update(sop_order_id=order.id, document_no=order.document_no, lines=[
            {"id": dl.id, "sop_order_line_id": dl.order_line_id, "quantity": float(dl.quantity),
             "product_code": by_id[dl.order_line_id].code,
             "warehouse_name": _warehouse_name(b, by_id[dl.order_line_id].warehouse_id)}
            for dl in record.lines
        ])
        rows.append(row)
    return rows


def _warehouse_name(b: Sage200Backend, warehouse_id: int | None) -> str | None:
    site = b.warehouses.get(warehouse_id or 0)
    return site.name if site else None


def build(b: Sage200Backend) -> dict[str, Any]:
    alloc = b.allocations()
    band = b.price_bands[min(b.price_bands)]
    return {
        "variant": b.coverage.variant,
        "sop_orders": _orders(b),
        "customers": [render.customer(c) for c in sorted(b.customers.values(), key=lambda c: c.id)],
        "products": [render.product(b, p, alloc) for p in b.products.values()],
        "warehouses": [render.warehouse(b, w) for w in b.warehouses.values()],
        "warehouse_holdings": _holdings(b),
        "despatches": _despatches(b),
        "product_prices": [render.price_view(p, band) for p in b.products.values()],
        "sales_credit_notes": credit_notes.rows(b),
    }
