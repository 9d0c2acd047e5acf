"""Entities as Sage 200 JSON, with the field names of the reference Swagger (snake_case).

Scalar fields are always returned; objects and arrays (``lines``, ``customer``,
``warehouse_holdings`` ...) only when named in ``$expand`` (Sage's "expandable fields").
Professional-only fields (``x-sage-professional-only``) are left out on a Standard site.
Each ``*_KEYS`` tuple is the exact key set of a renderer; queries are checked against it.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from fakes.sage200.fields import LINE_ECHOED, ORDER_ECHOED
from fakes.sage200.models import (
    COURIERS,
    LINE_CHARGE,
    STATUS_CANCELLED,
    ZERO,
    Customer,
    Despatch,
    DespatchLine,
    Holding,
    Order,
    OrderLine,
    PriceBand,
    Product,
    Warehouse,
)
from fakes.sage200.odata import Resource
from fakes.sage200.orders import (
    available_for_despatch,
    line_net,
    line_tax,
    progress,
    quantity_lines,
)
from fakes.sage200.wire import wire

if TYPE_CHECKING:
    from fakes.sage200.state import HoldingKey, Sage200Backend

Allocations = dict["HoldingKey", Decimal]
STAMPS = ("date_time_created", "date_time_updated")

ORDER_KEYS = (
    "id", "customer_id", "is_draft", "document_no", "customer_type", "document_date",
    "document_status", "despatch_receipt_status", "invoice_credit_status", "cancelled_status",
    "currency_id", "exchange_rate", "subtotal_goods_value", "subtotal_charge_net_value",
    "subtotal_charge_tax_value", "subtotal_discount_value", "total_net_value", "total_tax_value",
    "total_gross_value", "customer_document_no", "is_credit_limit_exceeded", "override_on_hold",
    "requested_delivery_date", "promised_delivery_date", *ORDER_ECHOED, *STAMPS,
)
LINE_KEYS = (
    "id", "sop_order_id", "line_number", "line_type", "product_id", "warehouse_id", "code",
    "description", "line_quantity", "allocated_quantity", "available_for_despatch",
    "despatch_receipt_quantity", "invoice_credit_quantity", "posted_invoice_credit_quantity",
    "stock_unit_line_quantity", "stock_unit_allocated_quantity",
    "stock_unit_despatch_receipt_quantity", "allocation_status", "despatch_receipt_status",
    "invoice_credit_status", "selling_unit_price", "unit_discount_percent", "unit_discount_value",
    "discounted_unit_price", "tax_code_id", "line_tax_value", "line_total_value", "is_complete",
    "is_line_deletable", *LINE_ECHOED, *STAMPS,
)
CUSTOMER_KEYS = (
    "id", "reference", "name", "short_name", "balance", "on_hold", "account_status_type",
    "currency_id", "credit_limit", "country_code_id", "default_tax_code_id", *STAMPS,
)
CONTACT_KEYS = (
    "id", "customer_id", "name", "first_name", "last_name", "default_telephone",
    "default_email", "is_default", *STAMPS,
)
PRODUCT_KEYS = (
    "id", "code", "name", "description", "barcode", "allow_sales_order", "free_stock_quantity",
    "product_group_id", "tax_code_id", "product_status_type", "weight", *STAMPS,
)
PRODUCT_PRO_KEYS = ("traceable_type", "sale_from_single_batch")
WAREHOUSE_KEYS = ("id", "name", "description", *STAMPS)
WAREHOUSE_PRO_KEYS = ("use_for_sales_trading",)
HOLDING_KEYS = (
    "id", "warehouse_id", "product_id", "reorder_level", "minimum_level", "maximum_level",
    "quantity_reserved", "confirmed_qty_in_stock", "unconfirmed_qty_in_stock",
    "quantity_in_stock", "quantity_in_stock_less_reserved", "quantity_on_order",
    "quantity_allocated_stock", "quantity_allocated_sop", "quantity_allocated_bom",
    "quantity_allocated", "free_stock_available", "free_stock_available_less_reserved",
    "warehouse_name", *STAMPS,
)
ADDRESS_KEYS = (
    "postal_name", "address_1", "address_2", "address_3", "address_4", "city", "county",
    "country", "postcode", "contact", "telephone_number", "fax_number", "email_address",
    "tax_number",
)
DESPATCH_KEYS = (
    "id", "despatch_no", "despatched_by", "despatch_date", "courier_id", "sop_incoterm_id",
    "sop_export_reason_id", "courier_name", "consignment_no", "weight", "pieces", "notes",
    *STAMPS,
)
DESPATCH_VIEW_KEYS = (
    "sop_despatch_id", "sop_despatch_document_no", "sop_despatch_date", "sop_despatch_courier_id",
    "sop_despatch_courier_name", "sop_despatch_consignment_no", "sop_despatch_pieces",
    "sop_despatch_weight", "sop_despatch_notes", "sop_despatch_user_name", "sop_order_id",
    "sop_order_document_no", "sop_order_document_date", "sop_order_customer_document_no",
    "customer_id", "customer_reference", "customer_name",
)
DESPATCH_LINE_VIEW_KEYS = (
    "sop_despatch_line_id", "sop_despatch_line_quantity", "sop_despatch_line_is_invoiced",
    "sop_despatch_id", "sop_despatch_document_no", "sop_despatch_date", "sop_despatch_user_name",
    "sop_order_line_id", "sop_order_line_item_code", "sop_order_line_item_description",
    "sop_order_line_print_sequence_number", "sop_order_line_quantity",
    "sop_order_line_despatch_quantity", "sop_order_id", "sop_order_document_no",
    "sop_order_document_date", "sop_order_document_status_type",
    "sop_order_customer_document_no", "customer_id", "customer_reference", "customer_name",
    "product_id", "product_code", "product_name", "warehouse_holding_id", "warehouse_id",
    "warehouse_name", "sop_despatch_courier_name", "sop_despatch_consignment_no",
    "date_time_updated",
)
PRICE_BAND_KEYS = (
    "id", "name", "description", "is_standard_band", "currency_id", "price_band_type_id",
    "price_band_type", "is_active", "is_time_based", "active_date_time_from",
    "active_date_time_to", *STAMPS,
)
PRICE_VIEW_KEYS = (
    "product_price_id", "product_id", "product_code", "product_name", "product_stock_unit_name",
    "price_band_id", "price_band_name", "product_price_use_standard", "product_price_price",
    "currency_id", "currency_name", "currency_symbol", "date_time_updated",
)
PENDING_KEYS = (
    "trader_id", "warehouse_id", "document_no", "document_date", "confirmation_intent_type",
)
SITE_KEYS = ("site_id", "site_name", "site_short_name", "company_id", "company_name")


def _out(data: dict[str, Any]) -> dict[str, Any]:
    return wire(data)  # type: ignore[no-any-return]


# -- sales orders -----------------------------------------------------------------------------


def order(b: Sage200Backend, o: Order) -> dict[str, Any]:
    goods = [x for x in o.lines if x.line_type != LINE_CHARGE]
    charges = [x for x in o.lines if x.line_type == LINE_CHARGE]
    net = sum((line_net(x) for x in o.lines), ZERO)
    tax = sum((line_tax(x) for x in o.lines), ZERO)
    qty_lines = quantity_lines(o)
    return _out({
        "id": o.id, "customer_id": o.customer_id, "is_draft": False, "document_no": o.document_no,
        "customer_type": "EnumCustomerTypeCredit", "document_date": o.document_date,
        "document_status": o.status,
        "despatch_receipt_status": _sum_progress(qty_lines, "despatched"),
        "invoice_credit_status": _sum_progress(qty_lines, "invoiced"),
        "cancelled_status": "Complete" if o.status == STATUS_CANCELLED else "None",
        "currency_id": 1, "exchange_rate": Decimal(1),
        "subtotal_goods_value": sum((line_net(x) for x in goods), ZERO),
        "subtotal_charge_net_value": sum((line_net(x) for x in charges), ZERO),
        "subtotal_charge_tax_value": sum((line_tax(x) for x in charges), ZERO),
        "subtotal_discount_value": ZERO, "total_net_value": net, "total_tax_value": tax,
        "total_gross_value": net + tax, "customer_document_no": o.customer_document_no,
        "is_credit_limit_exceeded": o.credit_exceeded, "override_on_hold": o.override_on_hold,
        "requested_delivery_date": o.requested_delivery_date,
        "promised_delivery_date": o.promised_delivery_date, **o.extras,
        "date_time_created": o.created, "date_time_updated": o.updated,
    })


def order_keys(o: Order) -> dict[str, Any]:
    """The order's key fields as :func:`order` renders them, without rendering the rest."""
    plain = {"id": o.id, "customer_id": o.customer_id, "document_no": o.document_no,
             "customer_document_no": o.customer_document_no}
    return {name: wire(o.extras.get(name, value)) for name, value in plain.items()}


def _sum_progress(lines: list[OrderLine], attr: str) -> str:
    done = sum((min(getattr(x, attr), x.quantity) for x in lines), ZERO)
    return progress(done, sum((x.quantity for x in lines), ZERO))


def line(b: Sage200Backend, x: OrderLine) -> dict[str, Any]:
    discount = x.price * x.discount_percent / 100
    return _out({
        "id": x.id, "sop_order_id": x.order_id, "line_number": x.line_number,
        "line_type": x.line_type, "product_id": x.product_id or 0,
        "warehouse_id": x.warehouse_id or 0, "code": x.code, "description": x.description,
        "line_quantity": x.quantity, "allocated_quantity": x.allocated,
        "available_for_despatch": max(ZERO, x.allocated - x.despatched),
        "despatch_receipt_quantity": x.despatched, "invoice_credit_quantity": x.invoiced,
        "posted_invoice_credit_quantity": x.invoiced, "stock_unit_line_quantity": x.quantity,
        "stock_unit_allocated_quantity": x.allocated,
        "stock_unit_despatch_receipt_quantity": x.despatched,
        "allocation_status": progress(x.allocated, x.quantity),
        "despatch_receipt_status": progress(x.despatched, x.quantity),
        "invoice_credit_status": progress(x.invoiced, x.quantity),
        "selling_unit_price": x.price, "unit_discount_percent": x.discount_percent,
        "unit_discount_value": discount.quantize(Decimal("0.00001")),
        "discounted_unit_price": (x.price - discount).quantize(Decimal("0.01")),
        "tax_code_id": x.tax_code_id, "line_tax_value": line_tax(x),
        "line_total_value": line_net(x),
        "is_complete": x.despatched >= x.quantity and x.invoiced >= x.quantity,
        "is_line_deletable": x.despatched == 0, **x.extras,
        "date_time_created": x.created, "date_time_updated": x.updated,
    })


def order_resource(b: Sage200Backend) -> Resource:
    def lines(row: Any) -> list[dict[str, Any]]:
        return [line(b, x) for x in b.orders[row["id"]].lines]

    def customer_of(row: Any) -> dict[str, Any]:
        return customer(b.customers[row["customer_id"]])

    def address(row: Any) -> dict[str, Any]:
        return _out(dict(b.orders[row["id"]].delivery_address))

    return Resource(
        fields=frozenset(ORDER_KEYS),
        expanders={"lines": lines, "customer": customer_of, "delivery_address": address},
        expanded_fields={"lines": frozenset(LINE_KEYS), "customer": frozenset(CUSTOMER_KEYS),
                         "delivery_address": frozenset(ADDRESS_KEYS)},
    )


def line_resource(b: Sage200Backend) -> Resource:
    def product_of(row: Any) -> dict[str, Any] | None:
        found = b.products.get(row["product_id"])
        return product(b, found, b.allocations()) if found else None

    def warehouse_of(row: Any) -> dict[str, Any] | None:
        found = b.warehouses.get(row["warehouse_id"])
        return warehouse(b, found) if found else None

    return Resource(
        fields=frozenset(LINE_KEYS),
        expanders={"product": product_of, "warehouse": warehouse_of},
        expanded_fields={"product": frozenset(PRODUCT_KEYS + PRODUCT_PRO_KEYS),
                         "warehouse": frozenset(WAREHOUSE_KEYS + WAREHOUSE_PRO_KEYS)},
    )


# -- customers, products, stock ---------------------------------------------------------------


def customer(c: Customer) -> dict[str, Any]:
    return _out({
        "id": c.id, "reference": c.reference, "name": c.name, "short_name": c.short_name,
        "balance": c.balance, "on_hold": c.on_hold, "account_status_type": "AccountStatusActive",
        "currency_id": 1, "credit_limit": c.credit_limit, "country_code_id": 13,
        "default_tax_code_id": 1, "date_time_created": c.created, "date_time_updated": c.updated,
    })


def contact(c: Customer) -> dict[str, Any]:
    """The customer's default contact, as ``$expand=contacts`` shows it. Sage keeps email
    addresses on contacts, not on the customer record [SelectCo ``SageODataBuilder``
    ``/customers?$expand=contacts``; Zynk "Sage 200 Online Customer Contact XML"]."""
    name = " ".join(p for p in (c.contact_first_name, c.contact_last_name) if p)
    return _out({
        "id": c.contact_id, "customer_id": c.id, "name": name,
        "first_name": c.contact_first_name, "last_name": c.contact_last_name,
        "default_telephone": c.telephone, "default_email": c.email, "is_default": True,
        "date_time_created": c.created, "date_time_updated": c.updated,
    })


def customer_resource(b: Sage200Backend) -> Resource:
    """Customers; ``contacts`` is expandable (not filterable: Sage filters contact columns
    client side only [CData Sage 200 "Customers" table notes])."""

    def contacts(row: Any) -> list[dict[str, Any]]:
        found = b.customers.get(row["id"])
        return [contact(found)] if found is not None and found.contact_id else []

    return Resource(
        fields=frozenset(CUSTOMER_KEYS), expanders={"contacts": contacts},
        expanded_fields={"contacts": frozenset(CONTACT_KEYS)},
    )


def product(b: Sage200Backend, p: Product, alloc: Allocations) -> dict[str, Any]:
    free = sum(
        (h.confirmed - alloc.get((h.product_id, h.warehouse_id), ZERO)
         for h in b.product_holdings(p.id)),
        ZERO,
    )
    data: dict[str, Any] = {
        "id": p.id, "code": p.code, "name": p.name, "description": p.description,
        "barcode": p.barcode, "allow_sales_order": p.allow_sales_order,
        "free_stock_quantity": free, "product_group_id": 1, "tax_code_id": 1,
        "product_status_type": "Active", "weight": p.weight,
        "date_time_created": p.created, "date_time_updated": p.updated,
    }
    if b.coverage.professional:
        data.update(traceable_type="EnumTraceableTypeNone", sale_from_single_batch=False)
    return _out(data)


def product_resource(b: Sage200Backend) -> Resource:
    def holdings(row: Any) -> list[dict[str, Any]]:
        alloc = b.allocations()
        return [holding(b, h, alloc) for h in b.product_holdings(row["id"])]

    keys = PRODUCT_KEYS + (PRODUCT_PRO_KEYS if b.coverage.professional else ())
    return Resource(
        fields=frozenset(keys), expanders={"warehouse_holdings": holdings},
        expanded_fields={"warehouse_holdings": frozenset(HOLDING_KEYS)},
    )


def warehouse(b: Sage200Backend, w: Warehouse) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": w.id, "name": w.name, "description": w.description,
        "date_time_created": w.created, "date_time_updated": w.updated,
    }
    if b.coverage.professional:
        data["use_for_sales_trading"] = True
    return _out(data)


def warehouse_resource(b: Sage200Backend) -> Resource:
    keys = WAREHOUSE_KEYS + (WAREHOUSE_PRO_KEYS if b.coverage.professional else ())
    return Resource(fields=frozenset(keys))


def holding(b: Sage200Backend, h: Holding, alloc: Allocations) -> dict[str, Any]:
    sop = alloc.get((h.product_id, h.warehouse_id), ZERO)
    return _out({
        "id": h.id, "warehouse_id": h.warehouse_id, "product_id": h.product_id,
        "reorder_level": h.reorder_level, "minimum_level": h.minimum_level,
        "maximum_level": h.maximum_level, "quantity_reserved": ZERO,
        "confirmed_qty_in_stock": h.confirmed, "unconfirmed_qty_in_stock": ZERO,
        "quantity_in_stock": h.confirmed, "quantity_in_stock_less_reserved": h.confirmed,
        "quantity_on_order": ZERO, "quantity_allocated_stock": ZERO,
        "quantity_allocated_sop": sop, "quantity_allocated_bom": ZERO, "quantity_allocated": sop,
        "free_stock_available": h.confirmed - sop,
        "free_stock_available_less_reserved": h.confirmed - sop,
        "warehouse_name": b.warehouses[h.warehouse_id].name,
        "date_time_created": h.created, "date_time_updated": h.updated,
    })


def holding_rows(b: Sage200Backend, holdings: Iterable[Holding]) -> list[dict[str, Any]]:
    alloc = b.allocations()
    return [holding(b, h, alloc) for h in sorted(holdings, key=lambda h: h.id)]


def holding_resource(b: Sage200Backend) -> Resource:
    def product_of(row: Any) -> dict[str, Any]:
        return product(b, b.products[row["product_id"]], b.allocations())

    def warehouse_of(row: Any) -> dict[str, Any]:
        return warehouse(b, b.warehouses[row["warehouse_id"]])

    return Resource(
        fields=frozenset(HOLDING_KEYS),
        expanders={"product": product_of, "warehouse": warehouse_of},
        expanded_fields={"product": frozenset(PRODUCT_KEYS + PRODUCT_PRO_KEYS),
                         "warehouse": frozenset(WAREHOUSE_KEYS + WAREHOUSE_PRO_KEYS)},
    )


# -- despatches -------------------------------------------------------------------------------


def despatch(d: Despatch) -> dict[str, Any]:
    return _out({
        "id": d.id, "despatch_no": d.despatch_no, "despatched_by": d.despatched_by,
        "despatch_date": d.despatch_date, "courier_id": d.courier_id,
        "sop_incoterm_id": d.sop_incoterm_id, "sop_export_reason_id": d.sop_export_reason_id,
        "courier_name": COURIERS.get(d.courier_id or 0), "consignment_no": d.consignment_no,
        "weight": d.weight, "pieces": d.pieces, "notes": d.notes,
        "date_time_created": d.created, "date_time_updated": d.updated,
    })


def _order_part(b: Sage200Backend, o: Order) -> dict[str, Any]:
    c = b.customers[o.customer_id]
    return {
        "sop_order_id": o.id, "sop_order_document_no": o.document_no,
        "sop_order_document_date": o.document_date,
        "sop_order_customer_document_no": o.customer_document_no,
        "customer_id": c.id, "customer_reference": c.reference, "customer_name": c.name,
    }


def despatch_view(b: Sage200Backend, d: Despatch) -> dict[str, Any]:
    return _out({
        "sop_despatch_id": d.id, "sop_despatch_document_no": d.despatch_no,
        "sop_despatch_date": d.despatch_date, "sop_despatch_courier_id": d.courier_id,
        "sop_despatch_courier_name": COURIERS.get(d.courier_id or 0),
        "sop_despatch_consignment_no": d.consignment_no, "sop_despatch_pieces": d.pieces,
        "sop_despatch_weight": d.weight, "sop_despatch_notes": d.notes,
        "sop_despatch_user_name": d.despatched_by, **_order_part(b, b.orders[d.order_id]),
    })


def despatch_line_view(b: Sage200Backend, d: Despatch, dl: DespatchLine) -> dict[str, Any]:
    o = b.orders[d.order_id]
    x = next(item for item in o.lines if item.id == dl.order_line_id)
    p = b.products.get(x.product_id or 0)
    site = b.warehouses.get(x.warehouse_id or 0)
    held = b.holding_for(p.id, site.id) if p and site else None
    return _out({
        "sop_despatch_line_id": dl.id, "sop_despatch_line_quantity": dl.quantity,
        "sop_despatch_line_is_invoiced": x.invoiced >= x.despatched,
        "sop_despatch_id": d.id, "sop_despatch_document_no": d.despatch_no,
        "sop_despatch_date": d.despatch_date, "sop_despatch_user_name": d.despatched_by,
        "sop_order_line_id": x.id, "sop_order_line_item_code": x.code or x.description[:30],
        "sop_order_line_item_description": x.description[:60],
        "sop_order_line_print_sequence_number": x.line_number,
        "sop_order_line_quantity": x.quantity, "sop_order_line_despatch_quantity": x.despatched,
        "sop_order_document_status_type": o.status, **_order_part(b, o),
        "product_id": p.id if p else None, "product_code": p.code if p else None,
        "product_name": p.name if p else None, "warehouse_holding_id": held.id if held else None,
        "warehouse_id": site.id if site else None, "warehouse_name": site.name if site else None,
        "sop_despatch_courier_name": COURIERS.get(d.courier_id or 0),
        "sop_despatch_consignment_no": d.consignment_no, "date_time_updated": d.updated,
    })


def despatch_item(b: Sage200Backend, o: Order, x: OrderLine, quantity: Decimal) -> dict[str, Any]:
    """A ``sop_despatch_receipt_item``: one order line as seen by confirm despatch."""
    c = b.customers[o.customer_id]
    p = b.products.get(x.product_id or 0)
    site = b.warehouses.get(x.warehouse_id or 0)
    data: dict[str, Any] = {
        "id": x.id, "sop_order_return_id": o.id, "document_no": o.document_no,
        "customer_id": c.id, "customer_reference": c.reference, "customer_name": c.name,
        "product_id": x.product_id, "item_code": x.code or x.description[:30],
        "item_name": (p.name if p else x.description)[:60], "unit_description": "Each",
        "selling_unit_description": "Each", "warehouse_name": site.name if site else None,
        "quantity": quantity, "line_quantity": x.quantity,
        "despatch_receipt_quantity": x.despatched,
        "outstanding_quantity": x.quantity - x.despatched,
        "available_quantity": available_for_despatch(x),
        "product_type": "EnumStockItemTypeStock" if p else None,
        "document_date": o.document_date,
    }
    if b.coverage.professional and p:
        data["traceable_type"] = "EnumTraceableTypeNone"
    return _out(data)


# -- prices and sites -------------------------------------------------------------------------


def price_band(band: PriceBand) -> dict[str, Any]:
    return _out({
        "id": band.id, "name": band.name, "description": band.description,
        "is_standard_band": band.is_standard_band, "currency_id": 1, "price_band_type_id": 0,
        "price_band_type": "Universal", "is_active": True,
        "is_time_based": band.is_time_based, "active_date_time_from": band.active_from,
        "active_date_time_to": band.active_to,
        "date_time_created": band.created, "date_time_updated": band.updated,
    })


def price_view(p: Product, band: PriceBand, price: Decimal | None = None) -> dict[str, Any]:
    """``p``'s price in ``band``: its own ``price`` there, else the Standard band's."""
    own = price is not None and not band.is_standard_band
    return _out({
        "product_price_id": p.id if band.is_standard_band else band.id * 100000 + p.id,
        "product_id": p.id, "product_code": p.code,
        "product_name": p.name, "product_stock_unit_name": "Each", "price_band_id": band.id,
        "price_band_name": band.name, "product_price_use_standard": not own,
        "product_price_price": price if own else p.price, "currency_id": 1,
        "currency_name": "Pound Sterling",
        "currency_symbol": "£", "date_time_updated": p.price_updated,
    })


def simple_resource(keys: tuple[str, ...], *order_by: tuple[str, bool]) -> Resource:
    return Resource(fields=frozenset(keys), default_order=order_by or (("id", False),))


CUSTOMER_RESOURCE = simple_resource(CUSTOMER_KEYS)
DESPATCH_RESOURCE = simple_resource(DESPATCH_KEYS)
DESPATCH_VIEW_RESOURCE = simple_resource(
    DESPATCH_VIEW_KEYS, ("sop_despatch_date", True), ("sop_despatch_id", True)
)
DESPATCH_LINE_VIEW_RESOURCE = simple_resource(
    DESPATCH_LINE_VIEW_KEYS, ("sop_despatch_id", True), ("sop_despatch_line_id", True)
)
PRICE_BAND_RESOURCE = simple_resource(PRICE_BAND_KEYS)
PRICE_VIEW_RESOURCE = simple_resource(PRICE_VIEW_KEYS, ("product_code", False))
PENDING_RESOURCE = simple_resource(PENDING_KEYS, ("document_no", False))
SITE_RESOURCE = simple_resource(SITE_KEYS, ("company_id", False))
