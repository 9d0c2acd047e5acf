"""The OrderService operations: a validated payload in, a response element out.

Each handler reads the (schema-valid) request element, calls the backend and builds the
``<OperationResponse>`` element in the contract's names. Business errors raise
:class:`fakes.legacy.errors.ClientFault` subclasses, rendered as typed SOAP faults.

``CreateOrder`` reports partial success in its response (``status`` accepted | partial |
rejected, ``accepted_lines`` and ``rejected_lines`` with a code and reason); order-level
problems (unknown customer, empty ``order_ref``) are Client faults. It never checks for an
existing order with the same ``order_ref`` (FM-L03).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from lxml import etree

from contracts.legacy.wsdl import NAMESPACE
from fakes.legacy.errors import ClientFault, OrderNotFound
from fakes.legacy.model import LineIn, Order, Shipment, iso, money

if TYPE_CHECKING:
    from fakes.legacy.state import LegacyBackend

Armed = dict[str, dict[str, Any]]
Handler = Callable[["LegacyBackend", etree._Element, Armed], etree._Element]
TNS = f"{{{NAMESPACE}}}"


def el(name: str, *children: etree._Element | str | int | None) -> etree._Element:
    """``<tns:name>`` with text (str/int) or child elements; ``None`` children are skipped."""
    node = etree.Element(TNS + name, nsmap={"tns": NAMESPACE})
    for child in children:
        if isinstance(child, etree._Element):
            node.append(child)
        elif child is not None:
            node.text = str(child)
    return node


def _text(payload: etree._Element, name: str) -> str | None:
    node = payload.find(TNS + name)
    return None if node is None else (node.text or "").strip()


def _date(text: str, field: str) -> date:
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        raise ClientFault(f"{field} {text!r} is not a date.", field=field,
                          code="SCHEMA_VALIDATION") from None


def _datetime(text: str, field: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ClientFault(f"{field} {text!r} is not a dateTime.", field=field,
                          code="SCHEMA_VALIDATION") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _order(order: Order) -> etree._Element:
    lines = [
        el("line", el("line_no", line.line_no), el("sku", line.sku), el("quantity", line.quantity),
           el("unit_price", money(line.unit_price)), el("warehouse", line.warehouse),
           el("shipped_quantity", line.shipped_quantity))
        for line in order.lines
    ]
    return el("order", el("erp_order_no", order.erp_order_no), el("order_ref", order.order_ref),
              el("customer_ref", order.customer_ref),
              el("order_date", order.order_date.isoformat()),
              el("status", order.status), el("source", order.source),
              el("created_at", iso(order.created_at)), el("lines", *lines))


def _shipment(shipment: Shipment) -> etree._Element:
    lines = [
        el("line", el("line_no", line.line_no), el("sku", line.sku), el("quantity", line.quantity),
           el("warehouse", line.warehouse))
        for line in shipment.lines
    ]
    return el("shipment", el("shipment_no", shipment.shipment_no),
              el("erp_order_no", shipment.erp_order_no), el("order_ref", shipment.order_ref),
              el("tracking", shipment.tracking), el("shipped_at", iso(shipment.shipped_at)),
              el("lines", *lines))


def _lines_in(backend: LegacyBackend, payload: etree._Element, armed: Armed) -> list[LineIn]:
    partial = backend.use_fault("partial_import", armed=armed)
    lines = []
    for position, node in enumerate(payload.iterfind(f"{TNS}lines/{TNS}line"), start=1):
        forced = None
        if partial is not None and position % partial["every"] == 0:
            forced = (partial["code"], partial["message"])
        lines.append(LineIn(position, _text(node, "sku") or "", _text(node, "quantity") or "",
                            _text(node, "unit_price") or "", _text(node, "warehouse") or "",
                            forced))
    return lines


def create_order(backend: LegacyBackend, payload: etree._Element, armed: Armed) -> etree._Element:
    order_ref = _text(payload, "order_ref") or ""
    customer_ref = _text(payload, "customer_ref") or ""
    if not order_ref:
        raise ClientFault("order_ref must not be empty.", field="order_ref", code="MISSING_FIELD")
    if customer_ref not in backend.customers:
        raise ClientFault(f"Customer {customer_ref!r} does not exist.", field="customer_ref",
                          code="UNKNOWN_CUSTOMER")
    order_date = _date(_text(payload, "order_date") or "", "order_date")
    result = backend.create_order(order_ref, customer_ref, order_date,
                                  _lines_in(backend, payload, armed), source="soap")
    accepted = [
        el("line", el("line_no", line.line_no), el("sku", line.sku), el("quantity", line.quantity),
           el("unit_price", money(line.unit_price)), el("warehouse", line.warehouse))
        for line in result.accepted
    ]
    rejected = [
        el("line", el("line_no", r.line_no), el("sku", r.sku), el("code", r.code),
           el("reason", r.message))
        for r in result.rejected
    ]
    number = result.order.erp_order_no if result.order else None
    return el("CreateOrderResponse", el("status", result.status),
              el("erp_order_no", number) if number else None,
              el("accepted_lines", *accepted), el("rejected_lines", *rejected))


def get_order(backend: LegacyBackend, payload: etree._Element, armed: Armed) -> etree._Element:
    number = _text(payload, "erp_order_no") or ""
    order = backend.get_order(number)
    if order is None:
        raise OrderNotFound(f"Order {number!r} does not exist.", field="erp_order_no")
    return el("GetOrderResponse", _order(order))


def find_orders(backend: LegacyBackend, payload: etree._Element, armed: Armed) -> etree._Element:
    orders = backend.find_orders(_text(payload, "order_ref") or "")
    return el("FindOrdersByReferenceResponse", el("orders", *[_order(o) for o in orders]))


def get_stock(backend: LegacyBackend, payload: etree._Element, armed: Armed) -> etree._Element:
    now = iso(backend.clock.now())
    rows = backend.stock_rows(_text(payload, "sku") or None, _text(payload, "warehouse") or None)
    items = [
        el("item", el("sku", sku), el("warehouse", wh), el("quantity", level.quantity),
           el("as_of", now))
        for sku, wh, level in rows
    ]
    return el("GetStockResponse", el("items", *items))


def list_shipments(backend: LegacyBackend, payload: etree._Element, armed: Armed) -> (
    etree._Element
):
    since = _datetime(_text(payload, "since") or "", "since")
    shipments = [_shipment(s) for s in backend.shipments_since(since)]
    return el("ListShipmentsResponse", el("shipments", *shipments))


HANDLERS: dict[str, Handler] = {
    "CreateOrder": create_order,
    "GetOrder": get_order,
    "FindOrdersByReference": find_orders,
    "GetStock": get_stock,
    "ListShipments": list_shipments,
}
