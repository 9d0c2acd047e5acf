"""Sales orders: checkout placement, comments, cancel/hold/unhold and ``OrderRepository::save``.

Orders are stored as order dicts in Magento's field names (``sales-data-order-interface``),
with ``None`` for unset columns. ``(increment_id, store_id)`` is unique, as the
``SALES_ORDER_INCREMENT_ID_STORE_ID`` index makes it; a save that would break it answers
``Unique constraint violation found`` (``AlreadyExistsException``, 400).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from fakes.magento import rules
from fakes.magento.catalog import GROUP_IDS, Catalog, stamp
from fakes.magento.errors import UNIQUE_VIOLATION, InputError, entity_not_found
from fakes.magento.fields import INTERFACES
from fakes.magento.inventory import Inventory
from fakes.magento.rules import Order, money, num
from fakes.magento.stores import Store, by_id

UNKNOWN_SKU_PRICE = 10.0
SHIPPING_METHOD = "flatrate_flatrate"
SHIPPING_DESCRIPTION = "Flat Rate - Fixed"
EDITABLE_SKIP = {"entity_id", "items", "billing_address", "payment", "status_histories",
                 "extension_attributes"}
HISTORY_COLUMNS = ("comment", "entity_name", "is_customer_notified", "is_visible_on_front",
                   "status")


PAYMENT_TITLES = {"braintree": "Credit Card (Braintree)", "checkmo": "Check / Money order",
                  "banktransfer": "Bank Transfer Payment"}


@dataclass
class PlaceRequest:
    """What the ``place_order`` event (or a cart's checkout) asks for.

    ``prices`` are unit prices by SKU (the catalogue's final prices); ``guest_name`` makes the
    order a guest order for that name even when the email belongs to a customer account.
    """

    lines: list[dict[str, Any]]
    store: Store
    customer_email: str | None = None
    increment_id: str | None = None
    shipping_address: dict[str, Any] | str | None = None
    paid: bool = True
    billing_address: dict[str, Any] | None = None
    payment_method: str | None = None
    prices: dict[str, float] | None = None
    guest_name: tuple[str, str] | None = None


@dataclass
class Sales:
    """All sales documents and the counters behind their ids and increment ids."""

    orders: dict[int, Order] = field(default_factory=dict)
    invoices: dict[int, dict[str, Any]] = field(default_factory=dict)
    shipments: dict[int, dict[str, Any]] = field(default_factory=dict)
    creditmemos: dict[int, dict[str, Any]] = field(default_factory=dict)
    ids: dict[str, int] = field(default_factory=dict)
    sequences: dict[str, int] = field(default_factory=dict)
    statuses: dict[str, list[str]] = field(
        default_factory=lambda: {k: list(v) for k, v in rules.STATE_STATUSES.items()}
    )
    numbers: dict[tuple[str, str], int] = field(default_factory=dict)
    """``sales_order``'s unique key (increment_id, store_id) -> entity_id, as MySQL compares
    them (as text), so that checking a number does not read every order."""

    def next_id(self, table: str) -> int:
        self.ids[table] = self.ids.get(table, 0) + 1
        return self.ids[table]

    def next_increment(self, kind: str, store: Store) -> str:
        key = f"{kind}:{store.id}"
        self.sequences[key] = self.sequences.get(key, 0) + 1
        return store.increment_id(self.sequences[key])

    def get(self, order_id: int) -> Order:
        if not order_id:
            raise InputError("An ID is needed. Set the ID and try again.")
        order = self.orders.get(order_id)
        if order is None:
            raise entity_not_found()
        return order

    def clash(self, increment_id: Any, store_id: Any, entity_id: int | None) -> bool:
        """Another order than ``entity_id`` holds this number in this store."""
        holder = self.numbers.get(_number(increment_id, store_id))
        return holder is not None and holder != entity_id

    def add(self, order: Order) -> None:
        self.orders[order["entity_id"]] = order
        self.numbers[_number(order["increment_id"], order["store_id"])] = order["entity_id"]

    def renumber(self, order: Order, increment_id: Any, store_id: Any) -> None:
        """Move ``order``'s entry in the unique key before its number or store changes."""
        old = _number(order["increment_id"], order["store_id"])
        if self.numbers.get(old) == order["entity_id"]:
            del self.numbers[old]
        self.numbers[_number(increment_id, store_id)] = order["entity_id"]


def _number(increment_id: Any, store_id: Any) -> tuple[str, str]:
    return str(increment_id), str(store_id)


# -- placement -------------------------------------------------------------------------------
def place(sales: Sales, catalog: Catalog, inventory: Inventory, request: PlaceRequest,
          now: datetime, options: dict[str, Any]) -> Order:
    """Create an order as checkout would; reservations are appended for catalogue SKUs."""
    _check_lines(request.lines)
    store = request.store
    increment_id = request.increment_id or sales.next_increment("order", store)
    if sales.clash(increment_id, store.id, None):
        raise ValueError(f"{UNIQUE_VIOLATION}: increment_id {increment_id} in store {store.id}")
    order_id = sales.next_id("order")
    customer = _guest(request) or pick_customer(catalog, request.customer_email, order_id)
    order = _order_header(order_id, increment_id, store, customer, request, now)
    order["items"] = [_item(sales, catalog, line, order, options, _unit_price(request, line))
                      for line in request.lines]
    _totals(order, float(options["shipping_amount"]))
    _addresses(sales, order, customer, request)
    order["payment"] = _payment(sales, order, request.paid, request.payment_method)
    order["extension_attributes"] = _extension(order, request.shipping_address)
    sales.add(order)
    _reserve(inventory, catalog, order, -1.0, "order_placed")
    return order


def _check_lines(lines: Any) -> None:
    if not isinstance(lines, list) or not lines:
        raise ValueError("lines must be a non-empty list of {sku, qty}")
    for line in lines:
        if not isinstance(line, dict) or not isinstance(line.get("sku"), str):
            raise ValueError(f"each line needs a string sku: {line!r}")
        qty = line.get("qty", 1)
        if isinstance(qty, bool) or not isinstance(qty, int | float):
            raise ValueError(f"qty must be a number: {line!r}")


def pick_customer(catalog: Catalog, email: str | None, order_id: int) -> dict[str, Any]:
    if email is None and catalog.customers:
        customers = [catalog.customers[k] for k in sorted(catalog.customers)]
        return customers[(order_id - 1) % len(customers)]
    found = catalog.customer_by_email(email) if email is not None else None
    if found is not None:
        return found
    return {"id": None, "email": email, "firstname": "Guest", "lastname": "Customer",
            "group_id": GROUP_IDS["NOT LOGGED IN"], "addresses": []}


def _guest(request: PlaceRequest) -> dict[str, Any] | None:
    if request.guest_name is None:
        return None
    first, last = request.guest_name
    return {"id": None, "email": request.customer_email, "firstname": first, "lastname": last,
            "group_id": GROUP_IDS["NOT LOGGED IN"], "addresses": []}


def _unit_price(request: PlaceRequest, line: dict[str, Any]) -> float | None:
    if request.prices is None:
        return None
    return request.prices.get(str(line["sku"]))


def _order_header(order_id: int, increment_id: str, store: Store, customer: dict[str, Any],
                  request: PlaceRequest, now: datetime) -> Order:
    guest = customer["id"] is None
    return {
        "entity_id": order_id, "increment_id": increment_id, "store_id": store.id,
        "store_name": f"{store.website_name}\n{store.group_name}\n{store.name}",
        "state": rules.PROCESSING if request.paid else rules.NEW,
        "status": "processing" if request.paid else "pending",
        "protect_code": hashlib.sha1(f"{order_id}:{increment_id}".encode()).hexdigest()[5:11],
        "quote_id": order_id, "remote_ip": "127.0.0.1", "is_virtual": 0, "email_sent": 1,
        "customer_email": customer["email"], "customer_firstname": customer["firstname"],
        "customer_lastname": customer["lastname"], "customer_id": customer["id"],
        "customer_is_guest": 1 if guest else 0, "customer_group_id": customer["group_id"],
        "customer_note_notify": 1,
        "created_at": stamp(now), "updated_at": stamp(now),
        "order_currency_code": store.currency, "base_currency_code": store.currency,
        "global_currency_code": store.currency, "store_currency_code": store.currency,
        "base_to_global_rate": 1, "base_to_order_rate": 1,
        "store_to_base_rate": 0, "store_to_order_rate": 0,
        "shipping_description": SHIPPING_DESCRIPTION,
        "ext_order_id": None, "ext_customer_id": None,
        "hold_before_state": None, "hold_before_status": None,
        "status_histories": [],
    }


def _item(sales: Sales, catalog: Catalog, line: dict[str, Any], order: Order,
          options: dict[str, Any], unit_price: float | None = None) -> dict[str, Any]:
    sku = str(line["sku"])
    qty = float(line.get("qty", 1))
    product = catalog.products.get(sku)
    price = float(product["price"]) if product else UNKNOWN_SKU_PRICE
    if unit_price is not None:
        price = unit_price
    weight = float(product["weight"]) if product else 1.0
    row_total = money(price * qty)
    rate = float(options["tax_rate"])
    tax = money(row_total * rate / 100)
    return {
        "item_id": sales.next_id("order_item"), "order_id": order["entity_id"],
        "quote_item_id": None, "store_id": order["store_id"],
        "created_at": order["created_at"], "updated_at": order["updated_at"],
        "product_id": product["id"] if product else None, "product_type": "simple",
        "sku": sku, "name": product["name"] if product else sku,
        "weight": weight, "row_weight": money(weight * qty), "is_virtual": 0,
        "is_qty_decimal": 0, "no_discount": 0, "free_shipping": 0,
        "qty_ordered": qty, "qty_invoiced": 0.0, "qty_shipped": 0.0, "qty_refunded": 0.0,
        "qty_canceled": 0.0, "qty_backordered": None,
        "price": price, "base_price": price, "original_price": price,
        "base_original_price": price, "price_incl_tax": money(price * (1 + rate / 100)),
        "base_price_incl_tax": money(price * (1 + rate / 100)),
        "row_total": row_total, "base_row_total": row_total,
        "row_total_incl_tax": money(row_total + tax),
        "base_row_total_incl_tax": money(row_total + tax),
        "tax_percent": rate, "tax_amount": tax, "base_tax_amount": tax,
        "tax_invoiced": 0.0, "base_tax_invoiced": 0.0, "tax_refunded": None, "tax_canceled": None,
        "discount_percent": 0.0, "discount_amount": 0.0, "base_discount_amount": 0.0,
        "discount_invoiced": 0.0, "base_discount_invoiced": 0.0,
        "row_invoiced": 0.0, "base_row_invoiced": 0.0,
        "amount_refunded": 0.0, "base_amount_refunded": 0.0, "parent_item_id": None,
    }


def _totals(order: Order, shipping: float) -> None:
    items = order["items"]
    subtotal = money(sum(i["row_total"] for i in items))
    tax = money(sum(i["tax_amount"] for i in items))
    grand = money(subtotal + tax + shipping)
    qty = sum(i["qty_ordered"] for i in items)
    for prefix in ("", "base_"):
        order[f"{prefix}subtotal"] = subtotal
        order[f"{prefix}subtotal_incl_tax"] = money(subtotal + tax)
        order[f"{prefix}tax_amount"] = tax
        order[f"{prefix}shipping_amount"] = shipping
        order[f"{prefix}shipping_incl_tax"] = shipping
        order[f"{prefix}shipping_tax_amount"] = 0.0
        order[f"{prefix}discount_amount"] = 0.0
        order[f"{prefix}grand_total"] = grand
        order[f"{prefix}total_due"] = grand
        order[f"{prefix}total_qty_ordered"] = qty
    order["total_item_count"] = len(items)
    order["weight"] = money(sum(i["row_weight"] for i in items))


def _address(sales: Sales, order: Order, kind: str, customer: dict[str, Any],
             overrides: dict[str, Any]) -> dict[str, Any]:
    known = customer["addresses"][0] if customer.get("addresses") else {}
    address = {
        "address_type": kind, "entity_id": sales.next_id("order_address"),
        "parent_id": order["entity_id"], "customer_id": customer["id"],
        "customer_address_id": known.get("id"), "email": customer["email"],
        "firstname": customer["firstname"], "lastname": customer["lastname"],
        "company": known.get("company"), "street": known.get("street", ["1 Guest Street"]),
        "city": known.get("city", "London"), "postcode": known.get("postcode", "EC1A 1BB"),
        "country_id": known.get("country_id", "GB"), "telephone": known.get("telephone", "0"),
        "region": None, "region_id": None, "region_code": None,
    }
    fields = INTERFACES["order_address"]
    address.update({k: v for k, v in overrides.items()
                    if k in fields and k not in ("entity_id", "parent_id", "address_type")})
    if isinstance(address.get("street"), str):
        address["street"] = [address["street"]]
    return address


def _addresses(sales: Sales, order: Order, customer: dict[str, Any], request: PlaceRequest) -> None:
    given = request.shipping_address
    if given == "missing":
        billing = _address(sales, order, "billing", customer, {})
        billing.pop("street")
        order["billing_address"] = billing
        order["billing_address_id"] = billing["entity_id"]
        order["_shipping_address"] = None
        return
    overrides = given if isinstance(given, dict) else {}
    billing = request.billing_address or {}
    order["billing_address"] = _address(sales, order, "billing", customer, billing)
    order["billing_address_id"] = order["billing_address"]["entity_id"]
    order["_shipping_address"] = _address(sales, order, "shipping", customer, overrides)


def _payment(sales: Sales, order: Order, paid: bool, method: str | None) -> dict[str, Any]:
    grand = order["grand_total"]
    method = method or ("braintree" if paid else "checkmo")
    card = method == "braintree"
    return {
        "entity_id": sales.next_id("order_payment"), "parent_id": order["entity_id"],
        "method": method,
        "account_status": None, "cc_last4": "1111" if card else None,
        "cc_type": "VI" if card else None,
        "additional_information": [PAYMENT_TITLES.get(method, method)],
        "amount_ordered": grand, "base_amount_ordered": grand,
        "shipping_amount": order["shipping_amount"],
        "base_shipping_amount": order["shipping_amount"],
        "amount_paid": None, "base_amount_paid": None,
        "amount_refunded": None, "base_amount_refunded": None,
    }


def _extension(order: Order, requested: Any) -> dict[str, Any]:
    shipping: dict[str, Any] = {
        "method": SHIPPING_METHOD,
        "total": {"shipping_amount": order["shipping_amount"],
                  "base_shipping_amount": order["base_shipping_amount"],
                  "shipping_incl_tax": order["shipping_incl_tax"],
                  "base_shipping_incl_tax": order["base_shipping_incl_tax"],
                  "shipping_tax_amount": 0.0, "base_shipping_tax_amount": 0.0},
    }
    address = order.pop("_shipping_address")
    if address is not None:
        shipping["address"] = address
    return {
        "shipping_assignments": [{"shipping": shipping, "items": order["items"]}],
        "payment_additional_info": [{"key": "method_title",
                                     "value": order["payment"]["additional_information"][0]}],
        "applied_taxes": [],
        "item_applied_taxes": [],
        "converting_from_quote": True,
    }


def _reserve(inventory: Inventory, catalog: Catalog, order: Order, sign: float,
             event: str, qtys: dict[int, float] | None = None) -> None:
    obj = {"type": "order", "id": order["entity_id"], "increment_id": order["increment_id"]}
    for item in order["items"]:
        qty = item["qty_ordered"] if qtys is None else qtys.get(item["item_id"], 0.0)
        if item["sku"] in catalog.products and qty > 0:
            inventory.reserve(item["sku"], sign * qty, event, obj)


def shipping_address(order: Order) -> dict[str, Any] | None:
    assignments = (order.get("extension_attributes") or {}).get("shipping_assignments") or []
    if not assignments:
        return None
    address: dict[str, Any] | None = assignments[0]["shipping"].get("address")
    return address


# -- comments and actions --------------------------------------------------------------------
def add_comment(sales: Sales, order: Order, history: dict[str, Any], now: datetime) -> None:
    """``OrderService::addComment``: the status may only move within the order's state."""
    status = history.get("status")
    if status:
        if status not in sales.statuses.get(order["state"], []):
            raise InputError(
                'Unable to add comment: The status "%1" is not part of the order status history.',
                [status],
            )
        order["status"] = status
    notified = history.get("is_customer_notified")
    order["status_histories"].append({
        "entity_id": sales.next_id("order_status_history"), "parent_id": order["entity_id"],
        "comment": history.get("comment"), "created_at": stamp(now), "entity_name": "order",
        "is_customer_notified": None if notified is None else int(notified),
        "is_visible_on_front": int(history.get("is_visible_on_front") or 0),
        "status": order["status"],
    })
    touch(order, now)


def touch(order: Order, now: datetime) -> None:
    order["updated_at"] = stamp(now)


def cancel(order: Order, inventory: Inventory, catalog: Catalog, now: datetime) -> bool:
    """``OrderService::cancel``: ``false`` (not an error) when the order cannot be canceled."""
    if not rules.can_cancel(order):
        return False
    state = rules.CANCELED
    canceled: dict[int, float] = {}
    for item in order["items"]:
        if state != rules.PROCESSING and rules.to_refund(item):
            shippable = rules.to_ship(item) > rules.to_cancel(item)
            state = rules.PROCESSING if shippable else rules.COMPLETE
        canceled[item["item_id"]] = rules.to_cancel(item)
        item["qty_canceled"] = num(item["qty_canceled"]) + canceled[item["item_id"]]
    _cancel_totals(order)
    rules.set_state(order, state)
    _reserve(inventory, catalog, order, 1.0, "order_canceled", canceled)
    touch(order, now)
    return True


def _cancel_totals(order: Order) -> None:
    for prefix in ("", "base_"):
        order[f"{prefix}subtotal_canceled"] = money(
            num(order[f"{prefix}subtotal"]) - num(order.get(f"{prefix}subtotal_invoiced")))
        order[f"{prefix}tax_canceled"] = money(
            num(order[f"{prefix}tax_amount"]) - num(order.get(f"{prefix}tax_invoiced")))
        order[f"{prefix}shipping_canceled"] = money(
            num(order[f"{prefix}shipping_amount"]) - num(order.get(f"{prefix}shipping_invoiced")))
        order[f"{prefix}total_canceled"] = money(
            num(order[f"{prefix}grand_total"]) - num(order.get(f"{prefix}total_paid")))


def hold(order: Order, now: datetime) -> bool:
    if not rules.can_hold(order):
        raise InputError("A hold action is not available.")
    order["hold_before_state"] = order["state"]
    order["hold_before_status"] = order["status"]
    rules.set_state(order, rules.HOLDED)
    touch(order, now)
    return True


def unhold(order: Order, now: datetime) -> bool:
    if not rules.can_unhold(order):
        raise InputError("You cannot remove the hold.")
    order["state"] = order["hold_before_state"]
    order["status"] = order["hold_before_status"]
    order["hold_before_state"] = order["hold_before_status"] = None
    touch(order, now)
    return True


def set_status(sales: Sales, order: Order, state: str, status: str, now: datetime) -> None:
    """An operator (or an extension) moves the order; custom statuses join their state."""
    known = sales.statuses.setdefault(state, [])
    if status not in known:
        known.append(status)
    order["state"] = state
    order["status"] = status
    touch(order, now)


# -- OrderRepository::save -------------------------------------------------------------------
def save(sales: Sales, entity: dict[str, Any], now: datetime, default_store: Store) -> Order:
    """``POST /V1/orders``: update the columns given for an existing ``entity_id``.

    Without ``entity_id`` a new order is inserted from the entity; an ``entity_id`` that no
    order has is an ``UPDATE`` of no row, which Magento answers with the entity it was sent
    (``items`` read back from the database: an empty list when none were sent).
    """
    entity_id = entity.get("entity_id")
    if entity_id is None:
        return _insert(sales, entity, now, default_store)
    order = sales.orders.get(int(entity_id))
    if order is None:  # Order::getItems() loads the (empty) item collection when unset
        return {**entity, "items": entity.get("items") or []}
    changes = {k: v for k, v in entity.items() if k not in EDITABLE_SKIP}
    increment_id = changes.get("increment_id", order["increment_id"])
    store_id = changes.get("store_id", order["store_id"])
    if sales.clash(increment_id, store_id, order["entity_id"]):
        raise InputError(UNIQUE_VIOLATION)
    sales.renumber(order, increment_id, store_id)
    order.update(changes)
    save_histories(sales, order, entity.get("status_histories"), now)
    touch(order, now)
    return order


def save_histories(
    sales: Sales, order: Order, histories: list[dict[str, Any]] | None, now: datetime
) -> None:
    """``Order\\Relation::processRelation``: each status history sent with the order gets the
    order as its ``parent_id`` and is saved, in the order's transaction. One without
    ``entity_id`` is inserted (the database stamps ``created_at``). One with an id is an
    ``UPDATE`` of that row (``AbstractDb::save``): a history of another order moves to this
    one; an id of no row changes nothing. No status check: that is ``addComment``'s."""
    for given in histories or []:
        fields = {k: v for k, v in given.items() if k in HISTORY_COLUMNS and v is not None}
        if given.get("entity_id") is None:
            order["status_histories"].append({
                "entity_id": sales.next_id("order_status_history"),
                "parent_id": order["entity_id"], "comment": None, "created_at": stamp(now),
                "entity_name": None, "is_customer_notified": None, "is_visible_on_front": 0,
                "status": None, **fields,
            })
            continue
        found = _history(sales, order, int(given["entity_id"]))
        if found is not None:
            holder, row = found
            if holder is not order:
                holder["status_histories"].remove(row)
                order["status_histories"].append(row)
            row.update(fields, parent_id=order["entity_id"])


def _history(sales: Sales, order: Order, entity_id: int) -> tuple[Order, dict[str, Any]] | None:
    """The order holding history ``entity_id``, and the history (``order``'s own first)."""
    for holder in (order, *sales.orders.values()):
        for row in holder["status_histories"]:
            if int(row["entity_id"]) == entity_id:
                return holder, row
    return None


def _insert(sales: Sales, entity: dict[str, Any], now: datetime, default_store: Store) -> Order:
    store = by_id(int(entity.get("store_id") or default_store.id)) or default_store
    increment_id = entity.get("increment_id") or sales.next_increment("order", store)
    if sales.clash(increment_id, store.id, None):
        raise InputError(UNIQUE_VIOLATION)
    order_id = sales.next_id("order")
    order = _order_header(order_id, str(increment_id), store, _entity_customer(entity),
                          PlaceRequest(lines=[], store=store, paid=False), now)
    order["items"] = [_entity_item(sales, order, i) for i in entity.get("items") or []]
    _totals(order, num(entity.get("shipping_amount")))
    order["payment"] = {"entity_id": sales.next_id("order_payment"), "parent_id": order_id,
                        "method": "checkmo", "account_status": None, "cc_last4": None,
                        "additional_information": [], **(entity.get("payment") or {})}
    order.update({k: v for k, v in entity.items() if k not in EDITABLE_SKIP and v is not None})
    order.update({"entity_id": order_id, "increment_id": str(increment_id), "store_id": store.id})
    if entity.get("billing_address"):
        order["billing_address"] = {**entity["billing_address"], "parent_id": order_id,
                                    "entity_id": sales.next_id("order_address")}
    save_histories(sales, order, entity.get("status_histories"), now)
    sales.add(order)
    return order


def _entity_customer(entity: dict[str, Any]) -> dict[str, Any]:
    return {"id": entity.get("customer_id"), "email": entity.get("customer_email"),
            "firstname": entity.get("customer_firstname"),
            "lastname": entity.get("customer_lastname"),
            "group_id": entity.get("customer_group_id") or 0}


def _entity_item(sales: Sales, order: Order, given: dict[str, Any]) -> dict[str, Any]:
    qty = num(given.get("qty_ordered"))
    price = num(given.get("price"))
    item = {"qty_invoiced": 0.0, "qty_shipped": 0.0, "qty_refunded": 0.0, "qty_canceled": 0.0,
            "product_type": "simple", "tax_amount": 0.0, "row_weight": 0.0,
            "row_total": money(price * qty), "base_row_total": money(price * qty),
            "price": price, "base_price": price, "name": given.get("sku")}
    item.update({k: v for k, v in given.items() if v is not None})
    item.update({"item_id": sales.next_id("order_item"), "order_id": order["entity_id"],
                 "qty_ordered": qty})
    return item
