"""Sales order rules: create (atomic), PUT (line by line, not atomic), delete, despatch, cancel.

* POST validates the whole order first and reports the first error (400); nothing is stored.
* PUT saves the header, then each line in turn. When a line fails, the lines before it stay
  saved, later lines are not posted, and the 400 names only that first error [Swagger
  ``PutSOPOrder`` description].
* Lines of type ``EnumLineTypeStandard`` need a product (``product_id`` or ``code``) held in the
  line's warehouse (default: the product's first holding). New lines allocate free stock when
  ``allocate_on_entry`` is on. ``customer_document_no`` is *not* unique and there is no
  idempotency key: posting the same order twice creates two orders [vendor-apis 3.4].
* A despatch through the API may not exceed the allocated, undespatched quantity; an operator
  despatch (event) allocates what it needs first. Despatch lowers ``confirmed_qty_in_stock``.
* Accounts on hold: ``on_hold_policy`` ``reject`` (400) or ``hold`` (order status OnHold).
  Credit limit (when above 0): an order taking the account over it is
  ``is_credit_limit_exceeded`` and goes OnHold unless ``override_on_hold`` is true.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from fakes.sage200.errors import BadRequest, SageError
from fakes.sage200.fields import (
    ADDRESS_FIELDS,
    DESPATCH_RECEIPT_FIELDS,
    LINE_ECHOED,
    LINE_FIELDS,
    ORDER_ECHOED,
    ORDER_FIELDS,
    FieldType,
    clean,
)
from fakes.sage200.models import (
    COURIERS,
    DOCUMENT_STATUSES,
    LINE_CHARGE,
    LINE_COMMENT,
    LINE_FREE_TEXT,
    LINE_STANDARD,
    LINE_TYPES,
    STATUS_CANCELLED,
    STATUS_COMPLETE,
    STATUS_LIVE,
    STATUS_ON_HOLD,
    TAX_RATES,
    ZERO,
    Customer,
    Despatch,
    DespatchLine,
    Order,
    OrderLine,
    Product,
)
from fakes.sage200.wire import money

if TYPE_CHECKING:
    from fakes.sage200.state import Sage200Backend

HUNDRED = Decimal(100)
CONFIRM_FIELDS = {
    "sop_order_return_id": FieldType("int"),
    "despatch_receipt_date": FieldType("dt"),
    "items": FieldType("arr"),
    "tracking_items": FieldType("arr"),
}
ITEM_FIELDS = {"id": FieldType("int"), "quantity": FieldType("num")}
API_USER = "APIUSER"
OPERATOR = "MANAGER"


# -- values -----------------------------------------------------------------------------------


def line_net(line: OrderLine) -> Decimal:
    gross_unit = line.price * (1 - line.discount_percent / HUNDRED)
    return money(line.quantity * gross_unit)


def line_tax(line: OrderLine) -> Decimal:
    rate = TAX_RATES.get(line.tax_code_id, ("", ZERO))[1]
    return money(line_net(line) * rate / HUNDRED)


def order_gross(order: Order) -> Decimal:
    return sum((line_net(line) + line_tax(line) for line in order.lines), ZERO)


def progress(done: Decimal, total: Decimal) -> str:
    if done <= 0:
        return "None"
    return "Complete" if done >= total else "Partial"


def available_for_despatch(line: OrderLine) -> Decimal:
    """Allocated and not yet despatched (stock lines); outstanding (free text lines)."""
    if line.line_type == LINE_STANDARD:
        return max(ZERO, line.allocated - line.despatched)
    return line.quantity - line.despatched if line.line_type == LINE_FREE_TEXT else ZERO


def quantity_lines(order: Order) -> list[OrderLine]:
    return [line for line in order.lines if line.line_type in (LINE_STANDARD, LINE_FREE_TEXT)]


# -- create -----------------------------------------------------------------------------------


def _body(payload: Any, what: str = "sales order") -> dict[str, Any]:
    if not isinstance(payload, dict):
        raise BadRequest(f"The request body is not a valid {what}.")
    return payload


def create(b: Sage200Backend, payload: Any) -> Order:
    data = clean(_body(payload), ORDER_FIELDS)
    customer = _customer(b, data)
    status = _hold_status(b, customer)
    manual_no = _manual_document_no(b, data)
    now = b.now()
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    order = Order(
        id=0, document_no=manual_no or "", customer_id=customer.id,
        document_date=data.get("document_date", midnight), status=status,
        created=now, updated=now,
    )
    _apply_header(order, data)
    drafts = [_build_line(b, clean(raw, LINE_FIELDS), n) for n, raw in _raw_lines(data)]
    order.document_no = manual_no or f"{b.next_id('document_no'):010d}"
    order.id = b.next_id("order")
    b.orders[order.id] = order
    for line in drafts:
        _attach(b, order, line)
    _credit_check(b, order, customer)
    return order


def _customer(b: Sage200Backend, data: dict[str, Any]) -> Customer:
    if "customer_id" not in data:
        raise BadRequest("The customer_id field is required.")
    customer = b.customers.get(data["customer_id"])
    if customer is None:
        raise BadRequest(f"Customer record with Id {data['customer_id']} not found.")
    return customer


def _hold_status(b: Sage200Backend, customer: Customer) -> str:
    if not customer.on_hold:
        return STATUS_LIVE
    if b.option("on_hold_policy", "reject") == "hold":
        return STATUS_ON_HOLD
    raise BadRequest(f"The customer account '{customer.reference}' is on hold.")


def _manual_document_no(b: Sage200Backend, data: dict[str, Any]) -> str | None:
    """The caller's number under manual numbering (Professional setting), else None."""
    if not (b.coverage.professional and b.option("manual_document_no", False)):
        return None
    number = str(data.get("document_no", "")).strip()
    if not number:
        raise BadRequest("The document_no field is required.")
    if any(o.document_no == number for o in b.orders.values()):
        raise BadRequest(f"A sales order with document number '{number}' already exists.")
    return number


def _apply_header(order: Order, data: dict[str, Any]) -> None:
    if "delivery_address" in data:
        order.delivery_address = clean(data["delivery_address"], ADDRESS_FIELDS)
    for name in ("customer_document_no", "requested_delivery_date", "promised_delivery_date"):
        if name in data:
            setattr(order, name, data[name])
    if "document_date" in data:
        order.document_date = data["document_date"]
    if "override_on_hold" in data:
        order.override_on_hold = data["override_on_hold"]
    order.extras.update({k: data[k] for k in ORDER_ECHOED if k in data})


def _raw_lines(data: dict[str, Any]) -> list[tuple[int, dict[str, Any]]]:
    raw_lines = data.get("lines", [])
    for raw in raw_lines:
        if not isinstance(raw, dict):
            raise BadRequest("The lines collection contains an invalid sales order line.")
    return list(enumerate(raw_lines, start=1))


def _attach(b: Sage200Backend, order: Order, line: OrderLine) -> None:
    line.id, line.order_id = b.next_id("line"), order.id
    line.created = line.updated = b.now()
    order.lines.append(line)
    allocate(b, line, line.extras.pop("_to_allocate", None))


# -- line validation --------------------------------------------------------------------------


def _build_line(b: Sage200Backend, d: dict[str, Any], number: int) -> OrderLine:
    line_type = d.get("line_type", LINE_STANDARD)
    if line_type not in LINE_TYPES:
        raise BadRequest(f"'{line_type}' is not a valid line type.")
    now = b.now()
    line = OrderLine(
        id=0, order_id=0, line_number=number, line_type=line_type, product_id=None,
        warehouse_id=None, code="", description=d.get("description", ""), quantity=ZERO,
        price=_price(d, ZERO), discount_percent=_discount(d), tax_code_id=_tax_code(d),
        created=now, updated=now,
    )
    if line_type == LINE_STANDARD:
        _standard(b, line, d)
    else:
        _non_stock(line, d)
    line.extras = {k: d[k] for k in LINE_ECHOED if k in d}
    if "to_allocate_quantity" in d:
        line.extras["_to_allocate"] = _to_allocate(d["to_allocate_quantity"], line.quantity)
    return line


def _standard(b: Sage200Backend, line: OrderLine, d: dict[str, Any]) -> None:
    product = _product(b, d)
    if not product.allow_sales_order:
        raise BadRequest(f"The product '{product.code}' cannot be used on sales orders.")
    line.product_id, line.code = product.id, product.code
    line.description = d.get("description") or product.name
    line.warehouse_id = _warehouse(b, product, d.get("warehouse_id"))
    line.quantity = _quantity(d, LINE_STANDARD)
    line.price = _price(d, product.price)


def _non_stock(line: OrderLine, d: dict[str, Any]) -> None:
    if line.line_type == LINE_CHARGE:
        line.code = d.get("code", "")
        if not (line.code or line.description):
            raise BadRequest("Either code or description must be set for charge lines.")
        line.quantity = Decimal(1)
        return
    if not line.description:
        raise BadRequest(f"The description field is required for lines of type {line.line_type}.")
    if line.line_type == LINE_FREE_TEXT:
        line.quantity = _quantity(d, LINE_FREE_TEXT)
    else:
        line.price = ZERO


def _product(b: Sage200Backend, d: dict[str, Any]) -> Product:
    if "product_id" in d:
        found = b.products.get(d["product_id"])
        if found is None:
            raise BadRequest(f"Product record with Id {d['product_id']} not found.")
        return found
    if "code" in d:
        by_code = b.product_by_code(d["code"])
        if by_code is None:
            raise BadRequest(f"Product with code '{d['code']}' not found.")
        return by_code
    raise BadRequest("A product_id or code is required for lines of type EnumLineTypeStandard.")


def _warehouse(b: Sage200Backend, product: Product, warehouse_id: int | None) -> int:
    if warehouse_id is None:
        holdings = b.product_holdings(product.id)
        if not holdings:
            raise BadRequest(f"The product '{product.code}' has no warehouse holding.")
        return holdings[0].warehouse_id
    site = b.warehouses.get(warehouse_id)
    if site is None:
        raise BadRequest(f"Warehouse record with Id {warehouse_id} not found.")
    if b.holding_for(product.id, site.id) is None:
        raise BadRequest(f"The product '{product.code}' is not held in warehouse '{site.name}'.")
    return site.id


def _quantity(d: dict[str, Any], line_type: str) -> Decimal:
    if "line_quantity" not in d:
        raise BadRequest(f"The line_quantity field is required for lines of type {line_type}.")
    quantity: Decimal = d["line_quantity"]
    if quantity <= 0:
        raise BadRequest("The line quantity must be greater than zero.")
    return quantity


def _price(d: dict[str, Any], default: Decimal) -> Decimal:
    price: Decimal = d.get("selling_unit_price", default)
    if price < 0:
        raise BadRequest("The selling unit price cannot be negative.")
    return price


def _discount(d: dict[str, Any]) -> Decimal:
    discount: Decimal = d.get("unit_discount_percent", ZERO)
    if not ZERO <= discount <= HUNDRED:
        raise BadRequest("The unit discount percent must be between 0 and 100.")
    return discount


def _tax_code(d: dict[str, Any]) -> int:
    tax_code_id: int = d.get("tax_code_id", 1)
    if tax_code_id not in TAX_RATES:
        raise BadRequest(f"Tax code record with Id {tax_code_id} not found.")
    return tax_code_id


def _to_allocate(value: Decimal, quantity: Decimal) -> Decimal:
    if not ZERO <= value <= quantity:
        raise BadRequest("The quantity to allocate must be between 0 and the line quantity.")
    return value


# -- allocation and credit ----------------------------------------------------------------------


def allocate(b: Sage200Backend, line: OrderLine, requested: Decimal | None = None) -> None:
    """Allocate free stock to ``line`` up to ``requested`` (default: what is outstanding)."""
    if line.line_type != LINE_STANDARD or line.product_id is None or line.warehouse_id is None:
        return
    line.allocated = min(line.allocated, line.quantity)
    own = max(ZERO, line.allocated - line.despatched)
    if requested is None and not b.option("allocate_on_entry", True):
        b.touch_holding(line.product_id, line.warehouse_id)
        return
    outstanding = line.quantity - line.despatched
    target = outstanding if requested is None else min(requested, outstanding)
    free = b.free_stock(line.product_id, line.warehouse_id) + own
    line.allocated = line.despatched + max(ZERO, min(target, free))
    b.touch_holding(line.product_id, line.warehouse_id)


def _credit_check(b: Sage200Backend, order: Order, customer: Customer) -> None:
    if customer.credit_limit <= 0:
        order.credit_exceeded = False
        return
    open_orders = (
        o for o in b.orders.values()
        if o.customer_id == customer.id and o.status in (STATUS_LIVE, STATUS_ON_HOLD)
    )
    exposure = customer.balance + sum((order_gross(o) for o in open_orders), ZERO)
    order.credit_exceeded = exposure > customer.credit_limit
    if order.credit_exceeded and not order.override_on_hold and order.status == STATUS_LIVE:
        order.status = STATUS_ON_HOLD


# -- PUT --------------------------------------------------------------------------------------


def update(b: Sage200Backend, order_id: int, payload: Any) -> Order:
    """PUT: header first, then each line in turn; a failing line keeps the earlier ones."""
    order: Order = b.get(b.orders, order_id, "Sales order")
    data = clean(_body(payload), ORDER_FIELDS)
    raw_lines = _raw_lines(data)
    _check_amendable(order, data)
    _apply_header(order, data)
    if data.get("override_on_hold") and order.status == STATUS_ON_HOLD:
        order.status = STATUS_LIVE
    order.updated = b.now()
    try:
        for _, raw in raw_lines:
            _put_line(b, order, clean(raw, LINE_FIELDS))
    finally:
        _renumber(order)
        order.updated = b.now()
    return order


def _check_amendable(order: Order, data: dict[str, Any]) -> None:
    if order.status in (STATUS_CANCELLED, STATUS_COMPLETE):
        raise BadRequest("The sales order cannot be amended because it is complete or cancelled.")
    if "customer_id" in data and data["customer_id"] != order.customer_id:
        raise BadRequest("The customer of an existing sales order cannot be changed.")


def _put_line(b: Sage200Backend, order: Order, d: dict[str, Any]) -> None:
    if "id" not in d:
        _attach(b, order, _build_line(b, d, len(order.lines) + 1))
        return
    line = next((x for x in order.lines if x.id == d["id"]), None)
    if line is None:
        raise BadRequest(f"Sales order line record with Id {d['id']} not found on this order.")
    if d.get("is_to_delete"):
        _delete_line(b, order, line)
    else:
        _amend_line(b, line, d)


def _delete_line(b: Sage200Backend, order: Order, line: OrderLine) -> None:
    if line.despatched > 0:
        raise BadRequest("The line cannot be deleted because it has been despatched.")
    order.lines.remove(line)
    b.touch_holding(line.product_id, line.warehouse_id)


def _amend_line(b: Sage200Backend, line: OrderLine, d: dict[str, Any]) -> None:
    merged = _line_values(line)
    if "code" in d and "product_id" not in d:
        merged.pop("product_id", None)
    merged.update({k: v for k, v in d.items() if k != "id"})
    draft = _build_line(b, merged, line.line_number)
    moved = (draft.product_id, draft.warehouse_id) != (line.product_id, line.warehouse_id)
    if line.despatched > 0 and moved:
        raise BadRequest("The product or warehouse of a despatched line cannot be changed.")
    if draft.quantity < line.despatched:
        raise BadRequest("The line quantity cannot be less than the quantity despatched.")
    _copy_line(b, line, draft, moved)


def _line_values(line: OrderLine) -> dict[str, Any]:
    values: dict[str, Any] = {
        "line_type": line.line_type, "description": line.description,
        "selling_unit_price": line.price, "unit_discount_percent": line.discount_percent,
        "tax_code_id": line.tax_code_id, **line.extras,
    }
    if line.product_id is not None:
        values.update(product_id=line.product_id, warehouse_id=line.warehouse_id)
    if line.line_type != LINE_COMMENT:
        values["line_quantity"] = line.quantity
    if line.line_type == LINE_CHARGE:
        values["code"] = line.code
    return values


def _copy_line(b: Sage200Backend, line: OrderLine, draft: OrderLine, moved: bool) -> None:
    old = (line.product_id, line.warehouse_id)
    for name in ("line_type", "product_id", "warehouse_id", "code", "description", "quantity",
                 "price", "discount_percent", "tax_code_id"):
        setattr(line, name, getattr(draft, name))
    requested = draft.extras.pop("_to_allocate", None)
    line.extras = draft.extras
    if moved:
        line.allocated = line.despatched
        b.touch_holding(*old)
    allocate(b, line, requested)
    line.updated = b.now()


def _renumber(order: Order) -> None:
    for number, line in enumerate(order.lines, start=1):
        line.line_number = number


# -- operator changes, delete, cancel, invoice ------------------------------------------------


def amend(b: Sage200Backend, order_id: int, changes: dict[str, Any]) -> Order:
    """An operator edit in Sage: PUT rules, plus ``document_status``; errors are ValueErrors."""
    status = changes.pop("document_status", None)
    if status is not None and status not in DOCUMENT_STATUSES:
        raise ValueError(f"unknown document_status {status!r}")
    try:
        order = update(b, order_id, changes)
    except SageError as exc:
        raise ValueError(exc.message) from exc
    if status == STATUS_CANCELLED:
        return cancel(b, order_id)
    if status is not None:
        order.status = status
        _touch_lines(b, order.lines)
    return order


def delete(b: Sage200Backend, order_id: int) -> None:
    order: Order = b.get(b.orders, order_id, "Sales order")
    if any(line.despatched > 0 for line in order.lines):
        raise BadRequest("The sales order cannot be deleted because it has been despatched.")
    del b.orders[order_id]
    _touch_lines(b, order.lines)


def cancel(b: Sage200Backend, order_id: int) -> Order:
    order = _event_order(b, order_id)
    order.status = STATUS_CANCELLED
    order.updated = b.now()
    _touch_lines(b, order.lines)
    return order


def invoice(b: Sage200Backend, order_id: int) -> Order:
    """Invoice everything despatched and not yet invoiced; the account balance grows."""
    order = _event_order(b, order_id)
    customer = b.customers[order.customer_id]
    for line in order.lines:
        todo = (line.despatched if line.line_type in (LINE_STANDARD, LINE_FREE_TEXT)
                else line.quantity) - line.invoiced
        if todo > 0 and line.quantity > 0:
            share = todo / line.quantity
            customer.balance += money((line_net(line) + line_tax(line)) * share)
            line.invoiced += todo
            line.updated = b.now()
    _complete_if_done(order)
    order.updated = customer.updated = b.now()
    return order


def _event_order(b: Sage200Backend, order_id: int) -> Order:
    order = b.orders.get(order_id)
    if order is None:
        raise KeyError(f"no sales order with id {order_id}")
    return order


def _touch_lines(b: Sage200Backend, lines: Iterable[OrderLine]) -> None:
    for line in lines:
        b.touch_holding(line.product_id, line.warehouse_id)


def _complete_if_done(order: Order) -> None:
    lines = quantity_lines(order)
    if lines and all(x.despatched >= x.quantity and x.invoiced >= x.quantity for x in lines):
        order.status = STATUS_COMPLETE


# -- despatch ---------------------------------------------------------------------------------


def despatch(
    b: Sage200Backend,
    order_id: int,
    pairs: list[tuple[int, Decimal]],
    *,
    operator: bool = False,
    when: datetime | None = None,
    tracking: dict[str, Any] | None = None,
) -> Despatch:
    """Despatch ``(line id, quantity)`` pairs of one order, all or nothing."""
    try:
        order = _despatchable(b, order_id, operator)
        wanted = _despatch_plan(order, pairs, operator)
    except SageError as exc:
        if operator:
            raise ValueError(exc.message) from exc
        raise
    record = _record_despatch(b, order, when, tracking, OPERATOR if operator else API_USER)
    for line, quantity in wanted:
        _despatch_line(b, line, quantity, operator)
        record.lines.append(DespatchLine(b.next_id("despatch_line"), line.id, quantity))
    order.updated = b.now()
    b.despatches[record.id] = record
    return record


def _despatchable(b: Sage200Backend, order_id: int, operator: bool) -> Order:
    order = b.orders.get(order_id)
    if order is None:
        raise BadRequest(f"Sales order record with Id {order_id} not found.")
    if order.status != STATUS_LIVE and not (operator and order.status == STATUS_ON_HOLD):
        raise BadRequest(f"Sales order '{order.document_no}' cannot be despatched "
                         f"(status {order.status}).")
    return order


def _despatch_plan(
    order: Order, pairs: list[tuple[int, Decimal]], operator: bool
) -> list[tuple[OrderLine, Decimal]]:
    if not pairs:
        raise BadRequest("There are no sales order lines to despatch.")
    totals: dict[int, Decimal] = {}
    for line_id, quantity in pairs:
        totals[line_id] = totals.get(line_id, ZERO) + quantity
    return [_check_despatch(order, line_id, qty, operator) for line_id, qty in totals.items()]


def _check_despatch(
    order: Order, line_id: int, quantity: Decimal, operator: bool
) -> tuple[OrderLine, Decimal]:
    line = next((x for x in quantity_lines(order) if x.id == line_id), None)
    if line is None:
        raise BadRequest(f"Sales order line record with Id {line_id} not found on sales order "
                         f"'{order.document_no}'.")
    if quantity <= 0:
        raise BadRequest("The quantity to despatch must be greater than zero.")
    if quantity > line.quantity - line.despatched:
        raise BadRequest("The quantity to despatch exceeds the outstanding quantity.")
    allocated = line.allocated - line.despatched
    if not operator and line.line_type == LINE_STANDARD and quantity > allocated:
        raise BadRequest("The quantity to despatch exceeds the quantity allocated.")
    return line, quantity


def _despatch_line(b: Sage200Backend, line: OrderLine, quantity: Decimal, operator: bool) -> None:
    if operator:
        line.allocated = max(line.allocated, line.despatched + quantity)
    line.despatched += quantity
    line.updated = b.now()
    if line.product_id is not None and line.warehouse_id is not None:
        holding = b.holding_for(line.product_id, line.warehouse_id)
        if holding is not None:
            holding.confirmed -= quantity
            holding.updated = b.now()


def _record_despatch(
    b: Sage200Backend,
    order: Order,
    when: datetime | None,
    tracking: dict[str, Any] | None,
    user: str,
) -> Despatch:
    now = b.now()
    record = Despatch(
        id=b.next_id("despatch"), despatch_no=f"{b.next_id('despatch_no'):010d}",
        order_id=order.id, despatch_date=when or now,
        despatched_by=user,
        created=now, updated=now,
    )
    for name, value in (tracking or {}).items():
        setattr(record, name, value)
    return record


# -- despatch requests and receipts -----------------------------------------------------------


def tracking(b: Sage200Backend, raw: Any) -> dict[str, Any]:
    """The writable tracking fields of a despatch (``pending_sop_despatch_receipt``)."""
    values = clean(_body(raw, "despatch receipt"), DESPATCH_RECEIPT_FIELDS)
    courier_id = values.get("courier_id")
    if courier_id is not None and courier_id not in COURIERS:
        raise BadRequest(f"Courier record with Id {courier_id} not found.")
    return values


def confirm_despatch(b: Sage200Backend, payload: Any) -> tuple[Order, Despatch]:
    """POST ``sop_confirm_despatch``: despatch the listed lines of one order."""
    body = _body(payload, "despatch")
    head = clean(body, CONFIRM_FIELDS)
    if "sop_order_return_id" not in head:
        raise BadRequest("The sop_order_return_id field is required.")
    if "items" not in head:
        raise BadRequest("The items field is required.")
    pairs = [_despatch_item(raw) for raw in head["items"]]
    order_id = head["sop_order_return_id"]
    info = _tracking_for(b, order_id, head.get("tracking_items", []))
    record = despatch(b, order_id, pairs, when=head.get("despatch_receipt_date"), tracking=info)
    return b.orders[order_id], record


def _despatch_item(raw: Any) -> tuple[int, Decimal]:
    item = clean(_body(raw, "despatch item"), ITEM_FIELDS)
    if "id" not in item or "quantity" not in item:
        raise BadRequest("Each item needs an id and a quantity.")
    return item["id"], item["quantity"]


def _tracking_for(b: Sage200Backend, order_id: int, raw_items: list[Any]) -> dict[str, Any]:
    for raw in raw_items:
        if isinstance(raw, dict) and raw.get("sop_order_return_id") in (None, order_id):
            return tracking(b, raw)
    return {}


def update_despatch(b: Sage200Backend, despatch_id: int, payload: Any) -> Despatch:
    record: Despatch = b.get(b.despatches, despatch_id, "SOP despatch receipt")
    for name, value in tracking(b, payload).items():
        setattr(record, name, value)
    record.updated = b.now()
    return record
