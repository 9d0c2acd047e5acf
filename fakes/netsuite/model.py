"""The record types the fake models, their fields and kinds (field names from the 2026.1 REST API
Browser as mirrored in wsjmnh/netsuite-record-rest-docs ``docs/schemas/*.md``).

Kinds drive validation, the ``q`` filter operators (string / number / date / boolean) and
rendering: ``ref`` fields hold ``{"id": ...}`` of another record, ``enum`` fields hold
``{"id": ...}`` of a fixed list, sublists are lists of line dicts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["string", "number", "integer", "date", "datetime", "boolean", "ref", "enum", "id"]

ORDER_STATUS = {
    "A": "Pending Approval", "B": "Pending Fulfillment", "C": "Cancelled",
    "D": "Partially Fulfilled", "E": "Pending Billing/Partially Fulfilled",
    "F": "Pending Billing", "G": "Billed", "H": "Closed",
}
CREDIT_HOLD = {"AUTO": "Auto", "ON": "On", "OFF": "Off"}
SHIP_STATUS = {"A": "Picked", "B": "Packed", "C": "Shipped"}
CURRENCIES = {"1": "British pound", "2": "US Dollar", "3": "Euro"}
ENUMS: dict[str, dict[str, str]] = {
    "orderStatus": ORDER_STATUS, "status": ORDER_STATUS, "creditHoldOverride": CREDIT_HOLD,
    "shipStatus": SHIP_STATUS,
}
CUSTOM_PREFIXES = {
    "salesOrder": ("custbody",), "itemFulfillment": ("custbody",), "customer": ("custentity",),
    "inventoryItem": ("custitem",), "location": ("custrecord",),
}
LINE_CUSTOM_PREFIX = "custcol"


@dataclass(frozen=True)
class Sublist:
    name: str
    fields: dict[str, Kind]
    refs: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class RecordType:
    """A record type: its canonical name, fields, reference targets and sublists."""

    name: str
    family: str
    label: str
    fields: dict[str, Kind]
    refs: dict[str, str] = field(default_factory=dict)
    sublists: dict[str, Sublist] = field(default_factory=dict)
    read_only: frozenset[str] = frozenset()
    writable: bool = True

    def kind(self, name: str) -> Kind | None:
        if name in self.fields:
            return self.fields[name]
        if name.startswith(CUSTOM_PREFIXES.get(self.name, ())):
            return "string"
        return None


ORDER_LINE = Sublist(
    "item",
    {"line": "integer", "item": "ref", "quantity": "number", "rate": "number", "amount": "number",
     "location": "ref", "quantityFulfilled": "number", "description": "string",
     "isClosed": "boolean"},
    {"item": "inventoryItem", "location": "location"},
)
FULFILLMENT_LINE = Sublist(
    "item",
    {"line": "integer", "orderLine": "integer", "item": "ref", "quantity": "number",
     "location": "ref", "itemReceive": "boolean", "description": "string"},
    {"item": "inventoryItem", "location": "location"},
)
ITEM_LOCATION = Sublist(
    "locations",
    {"location": "ref", "locationId": "integer", "location_display": "string",
     "quantityOnHand": "number", "quantityAvailable": "number", "quantityCommitted": "number"},
    {"location": "location"},
)

SALES_ORDER = RecordType(
    "salesOrder", "transaction", "Sales Order",
    {"id": "id", "tranId": "string", "externalId": "string", "entity": "ref", "tranDate": "date",
     "orderStatus": "enum", "status": "enum", "location": "ref", "memo": "string",
     "otherRefNum": "string", "currency": "ref", "email": "string", "shippingCost": "number",
     "subtotal": "number", "total": "number", "createdDate": "datetime",
     "lastModifiedDate": "datetime"},
    {"entity": "customer", "location": "location", "currency": "currency"},
    {"item": ORDER_LINE},
    frozenset({"id", "status", "subtotal", "total", "createdDate", "lastModifiedDate"}),
)
CUSTOMER = RecordType(
    "customer", "entity", "Customer",
    {"id": "id", "entityId": "string", "externalId": "string", "companyName": "string",
     "firstName": "string", "lastName": "string", "email": "string", "phone": "string",
     "isPerson": "boolean", "creditHoldOverride": "enum", "isInactive": "boolean",
     "dateCreated": "datetime", "lastModifiedDate": "datetime"},
    read_only=frozenset({"id", "dateCreated", "lastModifiedDate"}),
)
INVENTORY_ITEM = RecordType(
    "inventoryItem", "item", "Inventory Item",
    {"id": "id", "itemId": "string", "externalId": "string", "displayName": "string",
     "description": "string", "basePrice": "number", "isInactive": "boolean",
     "createdDate": "datetime", "lastModifiedDate": "datetime"},
    sublists={"locations": ITEM_LOCATION},
    read_only=frozenset({"id", "createdDate", "lastModifiedDate"}),
    writable=False,
)
LOCATION = RecordType(
    "location", "location", "Location",
    {"id": "id", "name": "string", "externalId": "string", "isInactive": "boolean"},
    read_only=frozenset({"id"}),
    writable=False,
)
ITEM_FULFILLMENT = RecordType(
    "itemFulfillment", "transaction", "Item Fulfillment",
    {"id": "id", "tranId": "string", "externalId": "string", "createdFrom": "ref",
     "entity": "ref", "tranDate": "date", "shipStatus": "enum", "memo": "string",
     "createdDate": "datetime", "lastModifiedDate": "datetime"},
    {"createdFrom": "salesOrder", "entity": "customer"},
    {"item": FULFILLMENT_LINE},
    frozenset({"id", "createdFrom", "entity", "createdDate", "lastModifiedDate"}),
    writable=False,
)
RECORD_TYPES: dict[str, RecordType] = {
    rt.name: rt for rt in (SALES_ORDER, CUSTOMER, INVENTORY_ITEM, LOCATION, ITEM_FULFILLMENT)
}
_BY_LOWER = {name.lower(): rt for name, rt in RECORD_TYPES.items()}
FIELD_LABELS = {
    "entity": "Customer", "memo": "Memo", "otherRefNum": "PO/Check Number", "location": "Location",
    "tranDate": "Date", "item": "Item", "quantity": "Quantity", "email": "Email",
    "companyName": "Company Name", "entityId": "Customer ID", "currency": "Currency",
}


def record_type(name: str) -> RecordType | None:
    """Look a record type up case-insensitively (``salesOrder`` and ``salesorder``)."""
    return _BY_LOWER.get(name.lower())


def label(field_name: str) -> str:
    return FIELD_LABELS.get(field_name, field_name)
