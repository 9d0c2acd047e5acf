"""Invoices, shipments and credit memos: ``InvoiceOrder``, ``ShipOrder`` and ``RefundOrder``.

Each builds its document first (like the document factories), validates it, and only then
writes, so a refusal changes nothing. Validation messages are joined under
``"<Document> Document Validation Error(s):\\n"`` and answered with 400, as the
``DocumentValidationException`` of each service is.

* Items omitted: the whole remaining quantity. Items given: only those, a line of another
  order is ignored. Shipping more than is left of a line ships what is left (``ShipmentFactory``
  takes ``min(requested, qty to ship)``); an invoice for more than is left of a line is refused
  with ``We found an invalid quantity to invoice item "%1".``; a credit memo for more than is
  left to refund fails its validators.
* Item rows and taxes follow the collectors (:mod:`fakes.magento.doc_totals`): a partial
  document takes its share of what is left of the line, the one that takes the rest of a line
  gets exactly that rest, so a line's documents always add up to it.
* After each document the order state is resolved (``processing`` / ``complete`` /
  ``closed``) and the status reset to the state's default, as the services do.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fakes.magento import rules
from fakes.magento.catalog import Catalog, stamp
from fakes.magento.doc_totals import ItemAmounts, Remaining, dec, document_tax, item_amounts
from fakes.magento.doc_totals import to_invoice as left_to_invoice
from fakes.magento.doc_totals import to_refund as left_to_refund
from fakes.magento.errors import InputError, MagentoError
from fakes.magento.inputs import php_string
from fakes.magento.inventory import DeductionFailed, Inventory
from fakes.magento.orders import Sales, touch
from fakes.magento.rules import Order, money, num
from fakes.magento.stores import by_id

Lines = list[tuple[dict[str, Any], float]]
DEFAULT_SOURCE = "default"
SHIP_FAILED = "Could not save a shipment, see error log for details"
NOT_IN_ORDER = "The creditmemo contains product item that is not part of the original order."
OVER_REFUND = "The quantity to refund must not be greater than the unrefunded quantity."
SYMBOLS = {"GBP": "£", "EUR": "€", "USD": "$"}


def _refuse(document: str, messages: list[str]) -> InputError:
    return InputError(f"{document} Document Validation Error(s):\n" + "\n".join(messages))


def _qtys(items: list[dict[str, Any]] | None) -> dict[Any, float]:
    """``[{order_item_id, qty}]`` to ``{order_item_id: qty}``; a repeated id keeps its last qty."""
    return {i.get("order_item_id"): num(i.get("qty")) for i in items or []}


def _store(order: Order) -> Any:
    return by_id(int(order["store_id"]))


def _head(sales: Sales, kind: str, order: Order, now: datetime) -> dict[str, Any]:
    store = _store(order)
    increment = sales.next_increment(kind, store) if store else str(sales.ids.get(kind, 0) + 1)
    return {
        "entity_id": sales.next_id(kind), "increment_id": increment,
        "order_id": order["entity_id"], "store_id": order["store_id"],
        "billing_address_id": order.get("billing_address_id"),
        "created_at": stamp(now), "updated_at": stamp(now),
    }


def _comments(document: dict[str, Any], body: dict[str, Any], sales: Sales,
              now: datetime) -> list[dict[str, Any]]:
    comment, notify = body.get("comment"), bool(body.get("appendComment"))
    if not comment or not comment.get("comment"):
        return []
    return [{
        "entity_id": sales.next_id("comment"), "parent_id": document["entity_id"],
        "comment": comment.get("comment"), "is_customer_notified": int(notify),
        "is_visible_on_front": int(comment.get("is_visible_on_front") or 0),
        "created_at": stamp(now),
    }]


def _line(item: dict[str, Any], qty: float, parent_id: int, sales: Sales, kind: str,
          amounts: ItemAmounts) -> dict[str, Any]:
    row, tax = amounts.row_total, amounts.tax_amount
    return {
        "entity_id": sales.next_id(f"{kind}_item"), "parent_id": parent_id,
        "order_item_id": item["item_id"], "product_id": item.get("product_id"),
        "sku": item["sku"], "name": item.get("name"), "qty": qty,
        "price": item["price"], "base_price": item["base_price"],
        "price_incl_tax": item.get("price_incl_tax"),
        "base_price_incl_tax": item.get("price_incl_tax"),
        "row_total": row, "base_row_total": row,
        "row_total_incl_tax": amounts.row_total_incl_tax,
        "base_row_total_incl_tax": amounts.row_total_incl_tax,
        "tax_amount": tax, "base_tax_amount": tax,
        "discount_amount": 0.0, "base_discount_amount": 0.0,
    }


def _items(sales: Sales, kind: str, doc: dict[str, Any],
           lines: list[tuple[dict[str, Any], float, Remaining]]) -> list[dict[str, Any]]:
    amounts = item_amounts(lines)
    return [_line(item, qty, doc["entity_id"], sales, kind, money_of)
            for (item, qty, _), money_of in zip(lines, amounts, strict=True)]


def _money_totals(doc: dict[str, Any], order: Order, tax: float, shipping: float,
                  extra: float = 0.0) -> None:
    """Subtotals from the document's items (``Subtotal`` collector), its ``tax``, shipping and
    adjustments (``extra``)."""
    subtotal = sum(i["row_total"] for i in doc["items"])
    incl = sum(i["row_total_incl_tax"] for i in doc["items"])
    grand = money(subtotal + tax + shipping + extra)
    for prefix in ("", "base_"):
        doc[f"{prefix}subtotal"] = money(subtotal)
        doc[f"{prefix}subtotal_incl_tax"] = money(incl)
        doc[f"{prefix}tax_amount"] = money(tax)
        doc[f"{prefix}shipping_amount"] = money(shipping)
        doc[f"{prefix}shipping_incl_tax"] = money(shipping)
        doc[f"{prefix}shipping_tax_amount"] = 0.0
        doc[f"{prefix}discount_amount"] = 0.0
        doc[f"{prefix}grand_total"] = grand
    for key in ("order_currency_code", "base_currency_code", "store_currency_code",
                "global_currency_code"):
        doc[key] = order.get(key)


def _add(order: Order, key: str, amount: float) -> None:
    for prefix in ("", "base_"):
        order[f"{prefix}{key}"] = money(num(order.get(f"{prefix}{key}")) + amount)


# -- invoice -----------------------------------------------------------------------------
def invoice(sales: Sales, order: Order, body: dict[str, Any], now: datetime) -> int:
    lines = _invoice_lines(order, _qtys(body.get("items")))
    messages = _can_invoice_messages(order)
    if sum(qty for _, qty in lines) <= 0:
        messages.append("You can't create an invoice without products.")
    if messages:
        raise _refuse("Invoice", messages)
    doc = _build_invoice(sales, order, lines, now)
    doc["comments"] = _comments(doc, body, sales, now)
    if body.get("notify"):
        doc["email_sent"] = 1
    _register_invoice(order, doc, lines)
    _finish(order, now, in_progress=True)
    sales.invoices[doc["entity_id"]] = doc
    return int(doc["entity_id"])


def _can_invoice_messages(order: Order) -> list[str]:
    blocked = (rules.PAYMENT_REVIEW, rules.HOLDED, rules.CANCELED, rules.COMPLETE, rules.CLOSED)
    if order["state"] in blocked:
        return [f"An invoice cannot be created when an order has a status of {order['status']}"]
    if not rules.can_invoice(order):
        return ["The order does not allow an invoice to be created."]
    return []


def _invoice_lines(order: Order, qtys: dict[Any, float]) -> Lines:
    """``InvoiceService::prepareInvoice``."""
    lines = []
    for item in order["items"]:
        if rules.to_invoice(item) <= 0:
            continue
        if qtys:
            qty = max(float(int(qtys.get(item["item_id"], 0.0))), 0.0)
        else:
            qty = rules.to_invoice(item)
        if qty > rules.to_invoice(item):
            raise InputError('We found an invalid quantity to invoice item "%1".', [item["name"]])
        lines.append((item, qty))
    return [(item, qty) for item, qty in lines if qty > 0]


def _build_invoice(sales: Sales, order: Order, lines: Lines,
                   now: datetime) -> dict[str, Any]:
    doc = _head(sales, "invoice", order, now)
    doc["items"] = _items(sales, "invoice", doc,
                          [(item, qty, left_to_invoice(item)) for item, qty in lines])
    taken = {item["item_id"]: qty for item, qty in lines}
    last = all(taken.get(item["item_id"], 0.0) == rules.to_invoice(item)
               for item in order["items"] if rules.to_invoice(item) > 0)
    allowed = dec(order.get("tax_amount")) - dec(order.get("tax_invoiced"))
    tax = document_tax(sum(i["tax_amount"] for i in doc["items"]), allowed, last)
    shipping = 0.0 if num(order.get("shipping_invoiced")) else num(order["shipping_amount"])
    _money_totals(doc, order, tax, shipping)
    doc.update({"state": 2, "can_void_flag": 0, "total_qty": sum(q for _, q in lines),
                "is_used_for_refund": None})
    return doc


def _register_invoice(order: Order, doc: dict[str, Any], lines: Lines) -> None:
    """``Invoice::register`` and ``pay``: quantities invoiced, totals invoiced and paid."""
    for (item, qty), line in zip(lines, doc["items"], strict=True):
        item["qty_invoiced"] = num(item["qty_invoiced"]) + qty
        item["row_invoiced"] = money(num(item["row_invoiced"]) + line["row_total"])
        item["base_row_invoiced"] = item["row_invoiced"]
        item["tax_invoiced"] = money(num(item["tax_invoiced"]) + line["tax_amount"])
        item["base_tax_invoiced"] = item["tax_invoiced"]
    _add(order, "subtotal_invoiced", doc["subtotal"])
    _add(order, "tax_invoiced", doc["tax_amount"])
    _add(order, "shipping_invoiced", doc["shipping_amount"])
    _add(order, "total_invoiced", doc["grand_total"])
    _add(order, "total_paid", doc["grand_total"])
    for prefix in ("", "base_"):
        order[f"{prefix}total_due"] = money(max(num(order[f"{prefix}grand_total"])
                                                - num(order[f"{prefix}total_paid"]), 0))
    payment = order["payment"]
    payment["amount_paid"] = payment["base_amount_paid"] = order["total_paid"]


def _finish(order: Order, now: datetime, in_progress: bool) -> None:
    rules.set_state(order, rules.resolve_state(order, in_progress))
    touch(order, now)


# -- shipment ----------------------------------------------------------------------------
def ship(sales: Sales, order: Order, inventory: Inventory, catalog: Catalog,
         body: dict[str, Any], now: datetime, backorders: bool) -> int:
    lines = _ship_lines(order, _qtys(body.get("items")))
    messages = _can_ship_messages(order)
    if sum(qty for _, qty in lines) <= 0:
        messages.append("You can't create a shipment without products.")
    tracks = body.get("tracks") or []
    messages += ["Please enter a tracking number." for t in tracks if not t.get("track_number")]
    if messages:
        raise _refuse("Shipment", messages)
    source = _source_code(body)
    known = [(item["sku"], qty) for item, qty in lines if item["sku"] in catalog.products]
    try:
        inventory.deduct(known, source, backorders)
    except DeductionFailed:
        raise MagentoError(SHIP_FAILED) from None
    doc = _build_shipment(sales, order, lines, tracks, body, now)
    doc["extension_attributes"] = {"source_code": source}
    for item, qty in lines:
        item["qty_shipped"] = num(item["qty_shipped"]) + qty
    obj = {"type": "order", "id": order["entity_id"], "increment_id": order["increment_id"]}
    for sku, qty in known:
        inventory.reserve(sku, qty, "shipment_created", obj)
    _finish(order, now, in_progress=True)
    sales.shipments[doc["entity_id"]] = doc
    return int(doc["entity_id"])


def _can_ship_messages(order: Order) -> list[str]:
    blocked = (rules.PAYMENT_REVIEW, rules.HOLDED, rules.CANCELED)
    if order["state"] in blocked or order.get("is_virtual"):
        return [f"A shipment cannot be created when an order has a status of {order['status']}"]
    if not rules.can_ship(order):
        return ["The order does not allow a shipment to be created."]
    return []


def _ship_lines(order: Order, qtys: dict[Any, float]) -> Lines:
    """``ShipmentDocumentFactory`` + ``ShipmentFactory::prepareItems``."""
    if not qtys:
        qtys = {i["item_id"]: num(i["qty_ordered"]) for i in order["items"]}
    lines = []
    for item in order["items"]:
        asked = qtys.get(item["item_id"])
        if rules.to_ship(item) <= 0 or item.get("locked_do_ship") or not asked or asked <= 0:
            continue
        lines.append((item, float(max(int(min(asked, rules.to_ship(item))), 0))))
    return [(item, qty) for item, qty in lines if qty > 0]


def _source_code(body: dict[str, Any]) -> str:
    arguments = body.get("arguments") or {}
    extension = arguments.get("extension_attributes") or {}
    return str(extension.get("source_code") or DEFAULT_SOURCE)


def _build_shipment(sales: Sales, order: Order, lines: Lines, tracks: list[dict[str, Any]],
                    body: dict[str, Any], now: datetime) -> dict[str, Any]:
    doc = _head(sales, "shipment", order, now)
    doc["customer_id"] = order.get("customer_id")
    doc["items"] = [{
        "entity_id": sales.next_id("shipment_item"), "parent_id": doc["entity_id"],
        "order_item_id": item["item_id"], "product_id": item.get("product_id"),
        "sku": item["sku"], "name": item.get("name"), "price": item["price"],
        "weight": item.get("weight"), "row_total": money(item["price"] * qty), "qty": qty,
    } for item, qty in lines]
    doc["tracks"] = [_track(sales, doc, order, t, now) for t in tracks]
    doc["comments"] = _comments(doc, body, sales, now)
    doc.update({"total_qty": sum(q for _, q in lines), "packages": [],
                "email_sent": 1 if body.get("notify") else None,
                "shipping_address_id": _shipping_address_id(order)})
    return doc


def _track(sales: Sales, doc: dict[str, Any], order: Order, track: dict[str, Any],
           now: datetime) -> dict[str, Any]:
    return {
        "entity_id": sales.next_id("shipment_track"), "parent_id": doc["entity_id"],
        "order_id": order["entity_id"], "track_number": track.get("track_number"),
        "title": track.get("title"), "carrier_code": track.get("carrier_code"),
        "weight": None, "qty": None, "description": None,
        "created_at": stamp(now), "updated_at": stamp(now),
    }


def _shipping_address_id(order: Order) -> Any:
    from fakes.magento.orders import shipping_address

    address = shipping_address(order)
    return address.get("entity_id") if address else None


# -- credit memo -------------------------------------------------------------------------
def refund(sales: Sales, order: Order, inventory: Inventory, catalog: Catalog,
           body: dict[str, Any], now: datetime) -> int:
    qtys = _qtys(body.get("items"))
    arguments = body.get("arguments") or {}
    lines = _refund_lines(order, qtys)
    doc = _build_creditmemo(sales, order, lines, arguments, now)
    messages = _refund_messages(order, doc, lines, qtys)
    if messages:
        raise _refuse("Creditmemo", messages)
    lines = [(item, qty) for item, qty in lines if qty > 0]
    doc["items"] = [line for line in doc["items"] if line["qty"] > 0]
    doc["comments"] = _comments(doc, body, sales, now)
    _register_refund(order, doc, lines)
    _return_stock(order, lines, inventory, catalog, sales, arguments)
    rules.set_state(order, rules.resolve_state(order, in_progress=False))
    touch(order, now)
    sales.creditmemos[doc["entity_id"]] = doc
    return int(doc["entity_id"])


def _refund_lines(order: Order, qtys: dict[Any, float]) -> Lines:
    """``CreditmemoFactory::createByOrder``."""
    lines = []
    for item in order["items"]:
        if rules.to_refund(item) < 0:
            continue
        if qtys:
            if item["item_id"] not in qtys:
                continue
            qty = qtys[item["item_id"]]
        else:
            qty = rules.to_refund(item)
            if qty <= 0:
                continue
        lines.append((item, qty))
    return lines


def _build_creditmemo(sales: Sales, order: Order, lines: Lines,
                      arguments: dict[str, Any], now: datetime) -> dict[str, Any]:
    doc = _head(sales, "creditmemo", order, now)
    doc["items"] = _items(sales, "creditmemo", doc,
                          [(item, qty, left_to_refund(item)) for item, qty in lines])
    for line in doc["items"]:
        line["base_cost"] = None
    allowed = money(num(order["shipping_amount"]) - num(order.get("shipping_refunded")))
    given = arguments.get("shipping_amount")
    shipping = allowed if given is None else num(given)
    if shipping > allowed + 0.0001:
        symbol = SYMBOLS.get(str(order.get("order_currency_code")), "")
        raise InputError("Maximum shipping amount allowed to refund is: %1",
                         [f"{symbol}{allowed:.2f}"])
    positive = num(arguments.get("adjustment_positive"))
    negative = num(arguments.get("adjustment_negative"))
    _money_totals(doc, order, _creditmemo_tax(order, doc, lines), shipping, positive - negative)
    for prefix in ("", "base_"):
        doc[f"{prefix}adjustment_positive"] = positive
        doc[f"{prefix}adjustment_negative"] = negative
        doc[f"{prefix}adjustment"] = money(positive - negative)
    doc.update({"state": 2, "creditmemo_status": None, "invoice_id": None})
    return doc


def _creditmemo_tax(order: Order, doc: dict[str, Any], lines: Lines) -> float:
    """``Creditmemo\\Total\\Tax``: the items' tax, or all the order's invoiced tax not refunded
    yet when the memo takes the rest of every line (``Creditmemo::isLast``: every order item
    is on the memo, at quantity 0 when not asked for)."""
    taken = {item["item_id"]: qty for item, qty in lines}
    last = all(taken.get(item["item_id"], 0.0) == rules.to_refund(item)
               for item in order["items"])
    allowed = dec(order.get("tax_invoiced")) - dec(order.get("tax_refunded"))
    return document_tax(sum(i["tax_amount"] for i in doc["items"]), allowed, last)


def _refund_messages(order: Order, doc: dict[str, Any], lines: Lines,
                     qtys: dict[Any, float]) -> list[str]:
    messages = _can_refund_messages(order)
    for item, qty in lines:
        if qty > rules.to_refund(item):
            messages.append("The quantity to creditmemo must not be greater than the unrefunded "
                            f'quantity for product SKU "{item["sku"]}".')
    if doc["grand_total"] <= 0:
        messages.append("The credit memo's total must be positive.")
    available = num(order.get("base_total_paid")) - num(order.get("base_total_refunded"))
    if money(num(order.get("base_total_refunded")) + doc["base_grand_total"]) > money(
            num(order.get("base_total_paid"))):
        messages.append(f"The most money available to refund is {php_string(money(available))}.")
    ids = {i["item_id"]: i for i in order["items"]}
    for item_id, qty in qtys.items():
        known = ids.get(item_id)
        if known is None:
            messages.append(NOT_IN_ORDER)
        elif qty > rules.to_refund(known):
            messages.append(OVER_REFUND)
    return messages


def _can_refund_messages(order: Order) -> list[str]:
    blocked = (rules.PAYMENT_REVIEW, rules.HOLDED, rules.CANCELED, rules.CLOSED)
    if order["state"] in blocked:
        return [f"A creditmemo can not be created when an order has a status of {order['status']}"]
    if abs(money(num(order.get("total_paid"))) - num(order.get("total_refunded"))) < 0.0001:
        return ["The order does not allow a creditmemo to be created."]
    return []


def _register_refund(order: Order, doc: dict[str, Any], lines: Lines) -> None:
    for (item, qty), line in zip(lines, doc["items"], strict=True):
        item["qty_refunded"] = num(item["qty_refunded"]) + qty
        item["amount_refunded"] = money(num(item["amount_refunded"]) + line["row_total"])
        item["base_amount_refunded"] = item["amount_refunded"]
        item["tax_refunded"] = money(num(item.get("tax_refunded")) + line["tax_amount"])
    _add(order, "subtotal_refunded", doc["subtotal"])
    _add(order, "tax_refunded", doc["tax_amount"])
    _add(order, "shipping_refunded", doc["shipping_amount"])
    _add(order, "total_refunded", doc["grand_total"])
    _add(order, "total_offline_refunded", doc["grand_total"])
    _add(order, "adjustment_positive", doc["adjustment_positive"])
    _add(order, "adjustment_negative", doc["adjustment_negative"])
    payment = order["payment"]
    payment["amount_refunded"] = payment["base_amount_refunded"] = order["total_refunded"]


def _return_stock(order: Order, lines: Lines, inventory: Inventory,
                  catalog: Catalog, sales: Sales, arguments: dict[str, Any]) -> None:
    """Unshipped quantity goes back to salable; shipped quantity returns to its source when
    the item is in ``return_to_stock_items``."""
    extension = arguments.get("extension_attributes") or {}
    back_to_stock = set(extension.get("return_to_stock_items") or [])
    obj = {"type": "order", "id": order["entity_id"], "increment_id": order["increment_id"]}
    for item, qty in lines:
        if item["sku"] not in catalog.products or qty <= 0:
            continue
        before = num(item["qty_refunded"]) - qty
        left = num(item["qty_ordered"]) - num(item["qty_shipped"]) - num(item["qty_canceled"])
        unshipped = max(left - before, 0.0)
        released = min(qty, unshipped)
        if released:
            inventory.reserve(item["sku"], released, "creditmemo_created", obj)
        if item["item_id"] in back_to_stock and qty - released > 0:
            inventory.restock(item["sku"], _shipped_from(sales, order, item), qty - released)


def _shipped_from(sales: Sales, order: Order, item: dict[str, Any]) -> str:
    for shipment in sales.shipments.values():
        if shipment["order_id"] == order["entity_id"] and any(
                line["order_item_id"] == item["item_id"] for line in shipment["items"]):
            return str(shipment["extension_attributes"]["source_code"])
    return DEFAULT_SOURCE
