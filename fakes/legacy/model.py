"""The legacy ERP's entities: orders, shipments, stock, and the import/export ledgers.

Plain dataclasses with ``to_dict`` for snapshots; the rules that create and change them live
in :mod:`fakes.legacy.state`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

CENT = Decimal("0.01")


def iso(moment: datetime) -> str:
    """ISO 8601 in UTC with a ``Z``, second precision: the ERP's timestamp format."""
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def money(value: Decimal) -> str:
    """At least two decimal places, more when the value has them (``20`` -> ``20.00``)."""
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent > -2:
        value = value.quantize(CENT)
    return format(value, "f")


@dataclass
class Item:
    code: str
    description: str
    price: Decimal


@dataclass
class Customer:
    ref: str
    email: str
    name: str


@dataclass
class OrderLine:
    line_no: int
    sku: str
    quantity: int
    unit_price: Decimal
    warehouse: str
    shipped_quantity: int = 0

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["unit_price"] = money(self.unit_price)
        return data


@dataclass
class Order:
    erp_order_no: str
    order_ref: str
    customer_ref: str
    order_date: date
    source: str  # file | soap
    source_file: str | None
    created_at: datetime
    lines: list[OrderLine] = field(default_factory=list)
    status: str = "open"  # open | partially_shipped | shipped | cancelled

    def line(self, line_no: int) -> OrderLine | None:
        return next((line for line in self.lines if line.line_no == line_no), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "erp_order_no": self.erp_order_no,
            "order_ref": self.order_ref,
            "customer_ref": self.customer_ref,
            "order_date": self.order_date.isoformat(),
            "status": self.status,
            "source": self.source,
            "source_file": self.source_file,
            "created_at": iso(self.created_at),
            "lines": [line.to_dict() for line in self.lines],
        }


@dataclass
class ShipmentLine:
    line_no: int
    sku: str
    quantity: int
    warehouse: str


@dataclass
class Shipment:
    shipment_no: str
    erp_order_no: str
    order_ref: str
    tracking: str
    shipped_at: datetime
    lines: list[ShipmentLine] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "shipment_no": self.shipment_no,
            "erp_order_no": self.erp_order_no,
            "order_ref": self.order_ref,
            "tracking": self.tracking,
            "shipped_at": iso(self.shipped_at),
            "lines": [asdict(line) for line in self.lines],
        }


@dataclass
class StockLevel:
    quantity: int
    updated_at: datetime


@dataclass(frozen=True)
class LineIn:
    """One order line as received (file row or SOAP line), before the ERP's checks."""

    line_no: int
    sku: str
    quantity: str
    unit_price: str
    warehouse: str
    forced: tuple[str, str] | None = None  # (code, message) from the partial_import fault


@dataclass
class LineReject:
    """A line the ERP refused, with the reason code and text."""

    line_no: int | None
    sku: str
    code: str
    message: str

    @property
    def reason(self) -> str:
        return f"{self.code}: {self.message}"


@dataclass
class CreateResult:
    """What the ERP made of one order: the order (if any line was accepted) and the rejects."""

    order: Order | None
    accepted: list[OrderLine]
    rejected: list[LineReject]

    @property
    def status(self) -> str:
        if not self.rejected:
            return "accepted"
        return "partial" if self.accepted else "rejected"


@dataclass
class ImportRecord:
    file: str
    seq: int | None
    status: str  # accepted | partial | rejected
    rows_total: int
    rows_accepted: int
    rows_rejected: int
    reason: str
    imported_at: datetime
    trigger: str  # schedule | event
    erp_orders: list[str] = field(default_factory=list)
    sequence_gap: list[int] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["imported_at"] = iso(self.imported_at)
        return data


@dataclass
class ExportRecord:
    name: str
    kind: str  # stock | shipments
    seq: int
    rows: int
    sum_quantity: int
    extracted_at: datetime
    written_at: datetime
    control_file: str
    columns: list[str]
    faults: list[str] = field(default_factory=list)
    duplicate_of: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["extracted_at"] = iso(self.extracted_at)
        data["written_at"] = iso(self.written_at)
        return data
