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
INVOICE_STATUS = {"A": "Open", "B": "Paid In Full", "D": "Pending Approval", "E": "Rejected",
                  "V": "Voided"}
CREDIT_STATUS = {"A": "Open", "B": "Fully Applied", "V": "Voided"}
RETURN_STATUS = {
    "A": "Pending Approval", "B": "Pending Receipt", "C": "Cancelled", "D": "Partially Received",
    "E": "Pending Refund/Partially Received", "F": "Pending Refund", "G": "Refunded",
    "H": "Closed",
}
CURRENCIES = {"1": "British pound", "2": "US Dollar", "3": "Euro"}
ENUMS: dict[str, dict[str, str]] = {
    "orderStatus": ORDER_STATUS, "status": ORDER_STATUS, "creditHoldOverride": CREDIT_HOLD,
    "shipStatus": SHIP_STATUS,
}
CUSTOM_PREFIXES = {
    "salesOrder": ("custbody",), "itemFulfillment": ("custbody",), "customer": ("custentity",),
    "inventoryItem": ("custitem",), "location": ("custrecord",), "invoice": ("custbody",),
    "creditMemo": ("custbody",), "returnAuthorization": ("custbody",),
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
    creatable: bool = True
    enums: dict[str, dict[str, str]] = field(default_factory=dict)

    def enum_labels(self, name: str) -> dict[str, str] | None:
        """The id -> label list of an enum field (record-specific first, then shared)."""
        return self.enums.get(name, ENUMS.get(name))

    def kind(self, name: str) -> Kind | None:
        if name in self.fields:
            return self.fields[name]
        if name.startswith(CUSTOM_PREFIXES.get(self.name, ())):
            return "string"
        return None


ORDER_LINE = Sublist(
    "item",
    {"line": "integer", "item": "ref", "quantity": "number", "rate": "number", "amount": "number",
     "location": "ref", "quantityFulfilled": "number", "quantityBilled": "number",
     "description": "string", "isClosed": "boolean"},
    {"item": "inventoryItem", "location": "location"},
)
FULFILLMENT_LINE = Sublist(
    "item",
    {"line": "integer", "orderLine": "integer", "item": "ref", "quantity": "number",
     "location": "ref", "itemReceive": "boolean", "description": "string"},
    {"item": "inventoryItem", "location": "location"},
)
PACKAGE_LINE = Sublist(
    "package",
    {"packageTrackingNumber": "string", "packageWeight": "number", "packageDescr": "string"},
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
     "isPerson": "boolean", "creditHoldOverride": "enum", "creditLimit": "number",
     "isInactive": "boolean", "dateCreated": "datetime", "lastModifiedDate": "datetime"},
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
    {"item": FULFILLMENT_LINE, "package": PACKAGE_LINE},
    frozenset({"id", "createdFrom", "entity", "createdDate", "lastModifiedDate"}),
    writable=False,
)
BILLED_LINE = Sublist(
    "item",
    {"line": "integer", "orderLine": "integer", "item": "ref", "quantity": "number",
     "rate": "number", "amount": "number", "location": "ref", "description": "string"},
    {"item": "inventoryItem", "location": "location"},
)
TRANSACTION_HEAD: dict[str, Kind] = {
    "id": "id", "tranId": "string", "externalId": "string", "createdFrom": "ref",
    "entity": "ref", "tranDate": "date", "status": "enum", "memo": "string",
    "otherRefNum": "string", "currency": "ref", "subtotal": "number", "total": "number",
    "createdDate": "datetime", "lastModifiedDate": "datetime",
}
BILLING_READ_ONLY = frozenset({"id", "createdFrom", "entity", "currency", "status", "subtotal",
                               "total", "createdDate", "lastModifiedDate"})
INVOICE = RecordType(
    "invoice", "transaction", "Invoice",
    {**TRANSACTION_HEAD, "dueDate": "date", "amountRemaining": "number", "location": "ref",
     "shippingCost": "number"},
    {"createdFrom": "salesOrder", "entity": "customer", "currency": "currency",
     "location": "location"},
    {"item": BILLED_LINE},
    BILLING_READ_ONLY | {"amountRemaining"},
    creatable=False,
    enums={"status": INVOICE_STATUS},
)
CREDIT_MEMO = RecordType(
    "creditMemo", "transaction", "Credit Memo",
    {**TRANSACTION_HEAD, "applied": "number", "unapplied": "number", "shippingCost": "number"},
    {"createdFrom": "invoice", "entity": "customer", "currency": "currency"},
    {"item": BILLED_LINE},
    BILLING_READ_ONLY | {"applied", "unapplied"},
    creatable=False,
    enums={"status": CREDIT_STATUS},
)
RETURN_AUTHORIZATION = RecordType(
    "returnAuthorization", "transaction", "Return Authorization",
    {**TRANSACTION_HEAD, "orderStatus": "enum"},
    {"createdFrom": "salesOrder", "entity": "customer", "currency": "currency"},
    {"item": BILLED_LINE},
    BILLING_READ_ONLY,
    creatable=False,
    enums={"status": RETURN_STATUS, "orderStatus": RETURN_STATUS},
)
# Pricing feature (see pricing.py): price levels and effective-dated sale price rules.
PRICE_LEVEL = RecordType(
    "priceLevel", "priceLevel", "Price Level",
    {"id": "id", "name": "string", "externalId": "string", "discountPct": "number",
     "isInactive": "boolean", "isOnline": "boolean"},
    read_only=frozenset({"id"}),
    writable=False,
)
SALE_PRICE_RULE = RecordType(
    "salePriceRule", "salePriceRule", "Sale Price Rule",
    {"id": "id", "name": "string", "externalId": "string", "description": "string",
     "startDate": "date", "endDate": "date", "priceLevel": "ref", "currency": "ref",
     "priority": "integer", "isInactive": "boolean", "createdDate": "datetime",
     "lastModifiedDate": "datetime"},
    {"priceLevel": "priceLevel", "currency": "currency"},
    read_only=frozenset({"id", "createdDate", "lastModifiedDate"}),
)
QUANTITY_BREAK = Sublist("quantityBreaks", {"lowerBound": "number", "rate": "number"})
SALE_PRICE_RULE_ENTRY = RecordType(
    "salePriceRuleEntry", "salePriceRuleEntry", "Sale Price Rule Entry",
    {"id": "id", "externalId": "string", "item": "ref", "priceRule": "ref",
     "createdDate": "datetime", "lastModifiedDate": "datetime"},
    {"item": "inventoryItem", "priceRule": "salePriceRule"},
    {"quantityBreaks": QUANTITY_BREAK},
    frozenset({"id", "createdDate", "lastModifiedDate"}),
)
RECORD_TYPES: dict[str, RecordType] = {
    rt.name: rt for rt in (SALES_ORDER, CUSTOMER, INVENTORY_ITEM, LOCATION, ITEM_FULFILLMENT,
                           INVOICE, CREDIT_MEMO, RETURN_AUTHORIZATION, PRICE_LEVEL,
                           SALE_PRICE_RULE, SALE_PRICE_RULE_ENTRY)
}
TRANSFORMS: dict[str, tuple[str, ...]] = {
    "salesOrder": ("itemFulfillment", "invoice", "returnAuthorization"),
    "invoice": ("creditMemo",),
}
_BY_LOWER = {name.lower(): rt for name, rt in RECORD_TYPES.items()}
FIELD_LABELS = {
    "entity": "Customer", "memo": "Memo", "otherRefNum": "PO/Check Number", "location": "Location",
    "tranDate": "Date", "item": "Item", "quantity": "Quantity", "email": "Email",
    "companyName": "Company Name", "entityId": "Customer ID", "currency": "Currency",
    "dueDate": "Due Date", "amountRemaining": "Amount Remaining", "applied": "Applied",
    "unapplied": "Unapplied",
    "name": "Name", "priceLevel": "Price Level", "priceRule": "Price Rule",
}


def record_type(name: str) -> RecordType | None:
    """Look a record type up case-insensitively (``salesOrder`` and ``salesorder``)."""
    return _BY_LOWER.get(name.lower())


def label(field_name: str) -> str:
    return FIELD_LABELS.get(field_name, field_name)
