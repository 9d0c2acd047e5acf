"""The Business Central API v2.0 entity model: the single source of truth for field names, types,
read-only flags, enums and navigation, used by the store, the OData renderer and ``$metadata``.

Field lists follow the v2.0 resource docs (MicrosoftDocs ``api-reference/v2.0/resources``);
read-only flags follow the API page sources (``Editable = false`` in ALAppExtensions APIV2 pages).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

GUID = "Edm.Guid"
STR = "Edm.String"
DEC = "Edm.Decimal"
DATE = "Edm.Date"
DATETIME = "Edm.DateTimeOffset"
BOOL = "Edm.Boolean"
INT = "Edm.Int32"
INT64 = "Edm.Int64"
NAMESPACE = "Microsoft.NAV"
EMPTY_GUID = "00000000-0000-0000-0000-000000000000"
EMPTY_DATE = "0001-01-01"
EMPTY_DATETIME = "0001-01-01T00:00:00Z"

ENUMS: dict[str, tuple[str, ...]] = {
    "salesOrderEntityBufferStatus": ("Draft", "In Review", "Open", "Released"),
    "invoiceEntityAggregateStatus": (
        " ", "Draft", "In Review", "Open", "Paid", "Canceled", "Corrective",
    ),
    "salesCrMemoEntityBufferStatus": (
        "Draft", "In Review", "Open", "Canceled", "Corrective", "Paid",
    ),
    "invoiceLineAggLineType": (
        "Comment", "Account", "Item", "Resource", "Value", "Fixed Asset", "Charge",
    ),
    "salesLineType": (
        " ", "G/L Account", "Item", "Resource", "Fixed Asset", "Charge (Item)",
    ),
    "customerBlocked": (" ", "Ship", "Invoice", "All"),
    "contactType": ("Company", "Person"),
    "itemType": ("Inventory", "Service", "Non-Inventory"),
    "itemLedgerEntryType": (
        "Purchase", "Sale", "Positive Adjmt.", "Negative Adjmt.", "Transfer", "Consumption",
        "Output", " ", "Assembly Consumption", "Assembly Output",
    ),
    "itemLedgerDocumentType": (
        " ", "Sales Shipment", "Sales Invoice", "Sales Return Receipt", "Sales Credit Memo",
        "Purchase Receipt", "Purchase Invoice", "Purchase Return Shipment",
        "Purchase Credit Memo", "Transfer Shipment", "Transfer Receipt",
    ),
    "analysisSourceType": (" ", "Customer", "Vendor", "Item"),
}

CAPTIONS = {
    "id": "Id",
    "number": "No.",
    "lastModifiedDateTime": "Last Modified Date",
    "inventory": "Inventory",
}


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    read_only: bool = False
    max_length: int | None = None

    @property
    def is_enum(self) -> bool:
        return not self.type.startswith("Edm.")

    @property
    def edm_type(self) -> str:
        return f"{NAMESPACE}.{self.type}" if self.is_enum else self.type

    @property
    def caption(self) -> str:
        return CAPTIONS.get(self.name) or _words(self.name)

    def default(self) -> Any:
        if self.is_enum:
            return ENUMS[self.type][0]
        return _DEFAULTS[self.type]


_DEFAULTS: dict[str, Any] = {
    GUID: EMPTY_GUID,
    STR: "",
    DEC: Decimal(0),
    DATE: EMPTY_DATE,
    DATETIME: EMPTY_DATETIME,
    BOOL: False,
    INT: 0,
    INT64: 0,
}


def _words(name: str) -> str:
    out = "".join(f" {c}" if c.isupper() else c for c in name)
    return out[:1].upper() + out[1:]


@dataclass(frozen=True)
class EntityDef:
    """One entity set as the API serves it."""

    set_name: str
    type_name: str
    table: str
    fields: tuple[Field, ...]
    lines: str | None = None
    parent: str | None = None
    actions: tuple[str, ...] = ()
    insert: bool = True
    update: bool = True
    delete: bool = True
    _index: dict[str, Field] = field(default_factory=dict, compare=False, repr=False)
    _defaults: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._index.update({f.name: f for f in self.fields})

    def field(self, name: str) -> Field | None:
        return self._index.get(name)

    @property
    def names(self) -> list[str]:
        return [f.name for f in self.fields]

    @property
    def qualified_type(self) -> str:
        return f"{NAMESPACE}.{self.type_name}"

    def defaults(self) -> dict[str, Any]:
        """A fresh dict of default values (the values themselves are immutable)."""
        if not self._defaults:
            self._defaults.update({f.name: f.default() for f in self.fields})
        return dict(self._defaults)


def _f(name: str, type_: str = STR, ro: bool = False, ml: int | None = None) -> Field:
    return Field(name, type_, ro, ml)


def _address(prefix: str, ro: bool = False) -> tuple[Field, ...]:
    parts = (("AddressLine1", 100), ("AddressLine2", 50), ("City", 30), ("Country", 10),
             ("State", 30), ("PostCode", 20))
    return tuple(_f(f"{prefix}{p}", STR, ro, ml) for p, ml in parts)


def _plain_address(ro: bool = False) -> tuple[Field, ...]:
    parts = (("addressLine1", 100), ("addressLine2", 50), ("city", 30), ("state", 30),
             ("country", 10), ("postalCode", 20))
    return tuple(_f(p, STR, ro, ml) for p, ml in parts)


ID = _f("id", GUID, True)
MODIFIED = _f("lastModifiedDateTime", DATETIME, True)
TOTALS = (
    _f("discountAmount", DEC),
    _f("discountAppliedBeforeTax", BOOL, True),
    _f("totalAmountExcludingTax", DEC, True),
    _f("totalTaxAmount", DEC, True),
    _f("totalAmountIncludingTax", DEC, True),
)
DIMENSIONS = (
    _f("shortcutDimension1Code", STR, False, 20),
    _f("shortcutDimension2Code", STR, False, 20),
)
CUSTOMER_REF = (
    _f("customerId", GUID),
    _f("customerNumber", STR, False, 20),
    _f("customerName", STR, True, 100),
    _f("billToName", STR, True, 100),
    _f("billToCustomerId", GUID),
    _f("billToCustomerNumber", STR, False, 20),
)

SALES_ORDER = EntityDef(
    "salesOrders", "salesOrder", "Sales Order Entity Buffer",
    (ID, _f("number", STR, True, 20), _f("externalDocumentNumber", STR, False, 35),
     _f("orderDate", DATE), _f("postingDate", DATE), *CUSTOMER_REF,
     _f("shipToName", STR, False, 100), _f("shipToContact", STR, False, 100),
     *_address("sellTo"), *_address("billTo", True), *_address("shipTo"), *DIMENSIONS,
     _f("currencyId", GUID), _f("currencyCode", STR, False, 10), _f("pricesIncludeTax", BOOL),
     _f("paymentTermsId", GUID), _f("shipmentMethodId", GUID), _f("salesperson", STR, False, 20),
     _f("partialShipping", BOOL), _f("requestedDeliveryDate", DATE), *TOTALS,
     _f("fullyShipped", BOOL, True), _f("status", "salesOrderEntityBufferStatus", True),
     MODIFIED, _f("phoneNumber", STR, False, 30), _f("email", STR, False, 80)),
    lines="salesOrderLines", actions=("shipAndInvoice",),
)

LINE_CORE = (
    ID, _f("documentId", GUID), _f("sequence", INT), _f("itemId", GUID), _f("accountId", GUID),
    _f("lineType", "invoiceLineAggLineType"), _f("lineObjectNumber", STR, False, 20),
    _f("description", STR, False, 100), _f("unitOfMeasureId", GUID),
    _f("unitOfMeasureCode", STR, False, 10), _f("quantity", DEC), _f("unitPrice", DEC),
    _f("discountAmount", DEC), _f("discountPercent", DEC),
    _f("discountAppliedBeforeTax", BOOL, True), _f("amountExcludingTax", DEC, True),
    _f("taxCode", STR, False, 20), _f("taxPercent", DEC, True), _f("totalTaxAmount", DEC, True),
    _f("amountIncludingTax", DEC, True), _f("invoiceDiscountAllocation", DEC, True),
    _f("netAmount", DEC, True), _f("netTaxAmount", DEC, True),
    _f("netAmountIncludingTax", DEC, True), _f("shipmentDate", DATE),
)

SALES_ORDER_LINE = EntityDef(
    "salesOrderLines", "salesOrderLine", "Sales Invoice Line Aggregate",
    (*LINE_CORE, _f("shippedQuantity", DEC, True), _f("invoicedQuantity", DEC, True),
     _f("invoiceQuantity", DEC), _f("shipQuantity", DEC), _f("itemVariantId", GUID),
     _f("locationId", GUID)),
    parent="salesOrders",
)


def _all_ro(*fields: Field) -> tuple[Field, ...]:
    return tuple(Field(f.name, f.type, True, f.max_length) for f in fields)


POSTED_HEADER = (
    ID, _f("number", STR, True, 20), _f("externalDocumentNumber", STR, True, 35),
    _f("invoiceDate", DATE), _f("postingDate", DATE), _f("dueDate", DATE),
    _f("customerPurchaseOrderReference", STR, False, 35),
)

SALES_INVOICE = EntityDef(
    "salesInvoices", "salesInvoice", "Sales Invoice Entity Aggregate",
    _all_ro(
        *POSTED_HEADER, *CUSTOMER_REF, _f("shipToName"), _f("shipToContact"),
        *_address("sellTo"), *_address("billTo"), *_address("shipTo"), _f("currencyId", GUID),
        *DIMENSIONS, _f("currencyCode"), _f("orderId", GUID), _f("orderNumber"),
        _f("paymentTermsId", GUID), _f("shipmentMethodId", GUID), _f("salesperson"),
        _f("pricesIncludeTax", BOOL), _f("remainingAmount", DEC), *TOTALS,
        _f("status", "invoiceEntityAggregateStatus"), MODIFIED, _f("phoneNumber"), _f("email"),
    ),
    lines="salesInvoiceLines", insert=False, update=False, delete=False,
)

SALES_INVOICE_LINE = EntityDef(
    "salesInvoiceLines", "salesInvoiceLine", "Sales Invoice Line Aggregate",
    _all_ro(*LINE_CORE, _f("itemVariantId", GUID), _f("locationId", GUID)),
    parent="salesInvoices", insert=False, update=False, delete=False,
)

SALES_CREDIT_MEMO = EntityDef(
    "salesCreditMemos", "salesCreditMemo", "Sales Cr. Memo Entity Buffer",
    (ID, _f("number", STR, True, 20), _f("externalDocumentNumber", STR, False, 35),
     _f("creditMemoDate", DATE), _f("postingDate", DATE), _f("dueDate", DATE), *CUSTOMER_REF,
     *_address("sellTo"), *_address("billTo", True), *DIMENSIONS, _f("currencyId", GUID),
     _f("currencyCode", STR, False, 10), _f("paymentTermsId", GUID),
     _f("shipmentMethodId", GUID), _f("salesperson", STR, False, 20),
     _f("pricesIncludeTax", BOOL), *TOTALS, _f("status", "salesCrMemoEntityBufferStatus", True),
     MODIFIED, _f("invoiceId", GUID), _f("invoiceNumber", STR, False, 20),
     _f("phoneNumber", STR, False, 30), _f("email", STR, False, 80),
     _f("customerReturnReasonId", GUID)),
    lines="salesCreditMemoLines", actions=("post",),
)

SALES_CREDIT_MEMO_LINE = EntityDef(
    "salesCreditMemoLines", "salesCreditMemoLine", "Sales Invoice Line Aggregate",
    (*LINE_CORE, _f("itemVariantId", GUID), _f("locationId", GUID)),
    parent="salesCreditMemos",
)

SALES_SHIPMENT = EntityDef(
    "salesShipments", "salesShipment", "Sales Shipment Header",
    _all_ro(
        *POSTED_HEADER, _f("customerNumber"), _f("customerName"), _f("billToName"),
        _f("billToCustomerNumber"), _f("shipToName"), _f("shipToContact"), *_address("sellTo"),
        *_address("billTo"), *_address("shipTo"), _f("currencyCode"), _f("orderNumber"),
        _f("paymentTermsCode"), _f("shipmentMethodCode"), _f("salesperson"),
        _f("pricesIncludeTax", BOOL), MODIFIED, _f("phoneNumber"), _f("email"),
    ),
    lines="salesShipmentLines", insert=False, update=False, delete=False,
)

SALES_SHIPMENT_LINE = EntityDef(
    "salesShipmentLines", "salesShipmentLine", "Sales Shipment Line",
    _all_ro(
        ID, _f("documentId", GUID), _f("documentNo"), _f("sequence", INT),
        _f("lineType", "salesLineType"), _f("lineObjectNumber"), _f("description"),
        _f("unitOfMeasureCode"), _f("unitPrice", DEC), _f("quantity", DEC),
        _f("discountPercent", DEC), _f("taxPercent", DEC), _f("shipmentDate", DATE),
    ),
    parent="salesShipments", insert=False, update=False, delete=False,
)

CUSTOMER = EntityDef(
    "customers", "customer", "Customer",
    (ID, _f("number", STR, False, 20), _f("displayName", STR, False, 100),
     _f("type", "contactType"), *_plain_address(), _f("phoneNumber", STR, False, 30),
     _f("email", STR, False, 80), _f("website", STR, False, 80),
     _f("salespersonCode", STR, False, 20), _f("balanceDue", DEC, True), _f("creditLimit", DEC),
     _f("taxLiable", BOOL), _f("taxAreaId", GUID), _f("taxAreaDisplayName", STR, True),
     _f("taxRegistrationNumber", STR, False, 20), _f("currencyId", GUID),
     _f("currencyCode", STR, False, 10), _f("paymentTermsId", GUID), _f("shipmentMethodId", GUID),
     _f("paymentMethodId", GUID), _f("blocked", "customerBlocked"), MODIFIED),
)

ITEM = EntityDef(
    "items", "item", "Item",
    (ID, _f("number", STR, False, 20), _f("displayName", STR, False, 100), _f("type", "itemType"),
     _f("itemCategoryId", GUID), _f("itemCategoryCode", STR, False, 20), _f("blocked", BOOL),
     _f("gtin", STR, False, 14), _f("inventory", DEC, True), _f("unitPrice", DEC),
     _f("priceIncludesTax", BOOL), _f("unitCost", DEC), _f("taxGroupId", GUID),
     _f("taxGroupCode", STR, False, 20), _f("baseUnitOfMeasureId", GUID),
     _f("baseUnitOfMeasureCode", STR, False, 10), _f("generalProductPostingGroupId", GUID),
     _f("generalProductPostingGroupCode", STR, False, 20), _f("inventoryPostingGroupId", GUID),
     _f("inventoryPostingGroupCode", STR, False, 20), MODIFIED),
)

LOCATION = EntityDef(
    "locations", "location", "Location",
    (ID, _f("code", STR, False, 10), _f("displayName", STR, False, 100),
     _f("contact", STR, False, 100), *_plain_address(), _f("phoneNumber", STR, False, 30),
     _f("email", STR, False, 80), _f("website", STR, False, 80), MODIFIED),
)

ITEM_LEDGER_ENTRY = EntityDef(
    "itemLedgerEntries", "itemLedgerEntry", "Item Ledger Entry",
    _all_ro(
        ID, _f("entryNumber", INT), _f("itemNumber"), _f("postingDate", DATE),
        _f("entryType", "itemLedgerEntryType"), _f("sourceNumber"),
        _f("sourceType", "analysisSourceType"), _f("documentNumber"),
        _f("documentType", "itemLedgerDocumentType"), _f("description"), _f("quantity", DEC),
        _f("salesAmountActual", DEC), _f("costAmountActual", DEC), MODIFIED,
    ),
    insert=False, update=False, delete=False,
)

COMPANY = EntityDef(
    "companies", "company", "Company",
    _all_ro(
        ID, _f("systemVersion"), _f("timestamp", INT64), _f("name"), _f("displayName"),
        _f("businessProfileId"), _f("systemCreatedAt", DATETIME), _f("systemCreatedBy", GUID),
        _f("systemModifiedAt", DATETIME), _f("systemModifiedBy", GUID),
    ),
    insert=False, update=False, delete=False,
)

STANDARD: dict[str, EntityDef] = {
    d.set_name: d
    for d in (
        SALES_ORDER, SALES_ORDER_LINE, SALES_INVOICE, SALES_INVOICE_LINE, SALES_CREDIT_MEMO,
        SALES_CREDIT_MEMO_LINE, SALES_SHIPMENT, SALES_SHIPMENT_LINE, CUSTOMER, ITEM, LOCATION,
        ITEM_LEDGER_ENTRY,
    )
}
"""Entity sets under ``companies({id})``."""

DOCUMENT_SETS = ("salesOrders", "salesInvoices", "salesCreditMemos", "salesShipments")
