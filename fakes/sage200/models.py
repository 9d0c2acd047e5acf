"""The entities of the Sage 200 fake: plain dataclasses, no rules and no wire format."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

ZERO = Decimal(0)

LINE_STANDARD = "EnumLineTypeStandard"
LINE_FREE_TEXT = "EnumLineTypeFreeText"
LINE_CHARGE = "EnumLineTypeCharge"
LINE_COMMENT = "EnumLineTypeComment"
LINE_TYPES = (LINE_STANDARD, LINE_FREE_TEXT, LINE_CHARGE, LINE_COMMENT)

STATUS_LIVE = "EnumDocumentStatusLive"
STATUS_ON_HOLD = "EnumDocumentStatusOnHold"
STATUS_COMPLETE = "EnumDocumentStatusComplete"
STATUS_CANCELLED = "EnumDocumentStatusCancelled"
STATUS_DISPUTE = "EnumDocumentStatusDispute"
DOCUMENT_STATUSES = (STATUS_LIVE, STATUS_ON_HOLD, STATUS_COMPLETE, STATUS_CANCELLED, STATUS_DISPUTE)

PROGRESS_NONE = "None"
PROGRESS_PARTIAL = "Partial"
PROGRESS_COMPLETE = "Complete"

# Sage 200 UK default tax codes (assumption: code 1 = standard rate 20 %).
TAX_RATES: dict[int, tuple[str, Decimal]] = {
    1: ("Standard rate", Decimal("20")),
    2: ("Zero rated", ZERO),
    3: ("Exempt", ZERO),
    4: ("Reduced rate", Decimal("5")),
}
COURIERS: dict[int, str] = {1: "Royal Mail", 2: "DPD", 3: "DHL"}


@dataclass
class Stamped:
    created: datetime
    updated: datetime


@dataclass
class Warehouse(Stamped):
    id: int
    name: str
    description: str


@dataclass
class Product(Stamped):
    id: int
    code: str
    name: str
    description: str
    barcode: str
    weight: Decimal
    price: Decimal
    price_updated: datetime
    allow_sales_order: bool = True


@dataclass
class Holding(Stamped):
    id: int
    product_id: int
    warehouse_id: int
    confirmed: Decimal
    reorder_level: Decimal = ZERO
    minimum_level: Decimal = ZERO
    maximum_level: Decimal = ZERO


@dataclass
class Customer(Stamped):
    id: int
    reference: str
    name: str
    short_name: str
    email: str
    telephone: str
    on_hold: bool = False
    credit_limit: Decimal = ZERO
    balance: Decimal = ZERO
    contact_id: int = 0
    contact_first_name: str = ""
    contact_last_name: str = ""


@dataclass
class OrderLine(Stamped):
    id: int
    order_id: int
    line_number: int
    line_type: str
    product_id: int | None
    warehouse_id: int | None
    code: str
    description: str
    quantity: Decimal
    price: Decimal
    discount_percent: Decimal = ZERO
    tax_code_id: int = 1
    allocated: Decimal = ZERO
    despatched: Decimal = ZERO
    invoiced: Decimal = ZERO
    extras: dict[str, Any] = field(default_factory=dict)


@dataclass
class Order(Stamped):
    id: int
    document_no: str
    customer_id: int
    document_date: datetime
    status: str = STATUS_LIVE
    customer_document_no: str | None = None
    requested_delivery_date: datetime | None = None
    promised_delivery_date: datetime | None = None
    override_on_hold: bool = False
    credit_exceeded: bool = False
    delivery_address: dict[str, Any] = field(default_factory=dict)
    extras: dict[str, Any] = field(default_factory=dict)
    lines: list[OrderLine] = field(default_factory=list)


@dataclass
class DespatchLine:
    id: int
    order_line_id: int
    quantity: Decimal


@dataclass
class Despatch(Stamped):
    id: int
    despatch_no: str
    order_id: int
    despatch_date: datetime
    despatched_by: str
    lines: list[DespatchLine] = field(default_factory=list)
    courier_id: int | None = None
    consignment_no: str | None = None
    weight: Decimal | None = None
    pieces: int | None = None
    notes: str | None = None
    sop_incoterm_id: int | None = None
    sop_export_reason_id: int | None = None


@dataclass
class PriceBand(Stamped):
    id: int
    name: str
    description: str
    is_standard_band: bool = True
    is_time_based: bool = False
    active_from: datetime | None = None
    active_to: datetime | None = None
