"""The static capability table of the fit report: per ERP kind and flow, the calls it needs,
whether the builtin connector makes them, what it depends on, and the idempotency mechanism.

Written from the connectors under ``sync_core/connectors/`` (their docstrings say what they
support and what they refuse) and from the vendor facts of ``docs/vendor-apis.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

FitStatus = Literal["supported", "needs-setup", "partial", "not-implemented", "unsupported"]
Availability = Literal["available", "missing", "unconfirmed"]


# -- the capability table --------------------------------------------------------------------
@dataclass(frozen=True)
class Endpoint:
    call: str
    availability: Availability = "available"
    used: bool = True  # the builtin connector makes this call
    note: str = ""


@dataclass(frozen=True)
class Capability:
    status: FitStatus
    endpoints: tuple[Endpoint, ...] = ()
    needs: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class Idempotency:
    mechanism: str
    field: str
    native: bool  # the ERP itself refuses or merges a repeat
    unique: bool  # the ERP enforces the reference as unique
    detail: str


def _e(
    call: str, availability: Availability = "available", used: bool = True, note: str = ""
) -> Endpoint:
    return Endpoint(call, availability, used, note)


NO_PRICE_IMPORT = (
    "no connector imports ERP prices into Magento (Magento's price APIs are served by the "
    "Magento fake, but no flow writes them)"
)

CAPABILITIES: dict[str, dict[str, Capability]] = {
    "netsuite": {
        "orders_export": Capability(
            "supported",
            (
                _e("GET /record/v1/salesOrder/eid:<ref>"),
                _e("PUT /record/v1/salesOrder/eid:<ref> (upsert)"),
                _e("GET /record/v1/metadata-catalog/salesOrder (JSON Schema)"),
                _e("POST /query/v1/suiteql (customer, item, order reads)"),
            ),
            notes=(
                "extra body fields (custom fields, or a standard field an admin made "
                "mandatory) come from erp_options order_fields / field:<id>; the connector "
                "checks them against the salesOrder metadata before the first write (FM-N03)",
            ),
            sources=("sync_core/connectors/netsuite/connector.py", "vendor-apis 2.3, 2.7"),
        ),
        "stock_import": Capability(
            "supported",
            (_e("POST /query/v1/suiteql FROM inventoryitemlocations"),),
            needs=("mapping.locations: every NetSuite location id a Magento source reads",),
            notes=("quantityonhand per item x location, versioned by lastmodifieddate",),
            sources=("sync_core/connectors/netsuite/connector.py",),
        ),
        "fulfilment_import": Capability(
            "not-implemented",
            (
                _e("itemFulfillment records", used=False),
                _e("POST salesOrder/<id>/!transform/itemFulfillment", used=False),
            ),
            notes=("the connector reads no item fulfilments",),
            sources=("vendor-apis 2.3",),
        ),
        "prices": Capability(
            "not-implemented", notes=(NO_PRICE_IMPORT, "no price check on export either")
        ),
        "accounts": Capability(
            "supported",
            (_e("POST /query/v1/suiteql FROM customer (entityid or email)"),),
            notes=(
                "mapping.accounts[email] (entity id), else the customer with that email, "
                "else mapping.default_customer, else the order is held",
                "customers are not created from Magento",
            ),
            sources=("sync_core/connectors/netsuite/connector.py",),
        ),
        "returns": Capability(
            "not-implemented",
            (
                _e("creditMemo record", used=False),
                _e(
                    "POST invoice/<id>/!transform/creditMemo",
                    "unconfirmed",
                    used=False,
                    note="vendor-apis 2.3 marks it unconfirmed",
                ),
            ),
            notes=("Magento credit memos are not exported (FM-T04 has no scenario yet)",),
            sources=("vendor-apis 2.3",),
        ),
    },
    "sap-b1": {
        "orders_export": Capability(
            "supported",
            (
                _e("GET /b1s/v1/Orders?$filter=NumAtCard eq '<ref>'"),
                _e("POST /b1s/v1/Orders"),
                _e("GET /b1s/v1/Items, /BusinessPartners"),
            ),
            notes=(
                "ref_udf (a U_ field on ORDR) is accepted by the connector class, but its "
                "build() does not pass erp.options to it yet: only NumAtCard is written",
            ),
            sources=("sync_core/connectors/sap_b1/connector.py", "vendor-apis 1.9"),
        ),
        "stock_import": Capability(
            "supported",
            (_e("GET /b1s/v1/Items (ItemWarehouseInfoCollection)"), _e("GET /Warehouses")),
            needs=("mapping.locations: Magento source -> B1 WarehouseCode",),
            notes=("warehouses are checked at start (FM-S04); version is the item's UpdateDate",),
            sources=("sync_core/connectors/sap_b1/connector.py",),
        ),
        "fulfilment_import": Capability(
            "supported",
            (_e("GET /b1s/v1/DeliveryNotes"),),
            notes=("one Magento shipment per order a delivery note covers, per warehouse",),
            sources=("sync_core/connectors/sap_b1/fulfilment.py",),
        ),
        "prices": Capability(
            "partial",
            (_e("GET /b1s/v1/Items (ItemPrices)"), _e("GET /b1s/v1/SpecialPrices")),
            needs=("erp_options.price_policy (magento | erp | hold) to turn the check on",),
            notes=("price-list check on order export (FM-S03) only", NO_PRICE_IMPORT),
            sources=("sync_core/connectors/sap_b1/pricing.py",),
        ),
        "accounts": Capability(
            "supported",
            (_e("GET /b1s/v1/BusinessPartners ($filter EmailAddress)"),),
            notes=(
                "mapping.accounts[email] (CardCode), else the partner with that email, else "
                "mapping.default_customer, else held (FM-S02)",
                "business partners are not created from Magento",
            ),
            sources=("sync_core/connectors/sap_b1/connector.py",),
        ),
        "returns": Capability(
            "partial",
            (_e("GET /b1s/v1/Invoices"), _e("GET /b1s/v1/CreditNotes"), _e("Returns", used=False)),
            notes=(
                "invoiced and credited totals are reconciled per order (FM-S06); Magento "
                "credit memos are not exported as credit notes (FM-T04 has no scenario yet)",
            ),
            sources=("sync_core/connectors/sap_b1/pricing.py",),
        ),
    },
    "s4hana": {
        "orders_export": Capability(
            "supported",
            (
                _e("GET API_SALES_ORDER_SRV/A_SalesOrder?$filter=PurchaseOrderByCustomer"),
                _e("POST API_SALES_ORDER_SRV/A_SalesOrder (deep insert to_Item)"),
                _e("GET API_PRODUCT_SRV/A_Product"),
            ),
            needs=(
                "mapping.locations['default'] as 'PLANT/SLOC' (plant of the order items)",
                "sales area 1010/10/00 and order type OR: fixed in the connector, the profile "
                "cannot change them",
            ),
            sources=("sync_core/connectors/s4hana/connector.py", "vendor-apis 2.4, 2.7"),
        ),
        "stock_import": Capability(
            "supported",
            (_e("GET API_MATERIAL_STOCK_SRV/A_MatlStkInAcctMod"),),
            needs=("mapping.locations: Magento source -> 'PLANT/SLOC'",),
            notes=(
                "the entity has no change timestamp: versions are the read time of a change, "
                "so a restarted connector rewrites every figure once",
            ),
            sources=("sync_core/connectors/s4hana/connector.py",),
        ),
        "fulfilment_import": Capability(
            "supported",
            (_e("GET API_OUTBOUND_DELIVERY_SRV;v=0002/A_OutbDeliveryHeader"),),
            notes=("only goods-issued deliveries; the delivery API carries no tracking number",),
            sources=("sync_core/connectors/s4hana/fulfilment.py",),
        ),
        "prices": Capability(
            "partial",
            (_e("A_SalesOrderItemPrElement (PPR0) read and PATCH"),),
            needs=("erp_options.price_policy (magento | erp | hold) to turn the check on",),
            notes=(
                "SAP prices the order, then the PPR0 rates are compared (FM-S03)",
                NO_PRICE_IMPORT,
            ),
            sources=("sync_core/connectors/s4hana/pricing.py",),
        ),
        "accounts": Capability(
            "supported",
            (
                _e("GET API_BUSINESS_PARTNER/A_AddressEmailAddress"),
                _e("GET API_BUSINESS_PARTNER/A_BusinessPartner"),
            ),
            notes=(
                "mapping.accounts[email], else the partner with that email, else "
                "mapping.default_customer, else held (FM-S02)",
                "credit limits are not in this API (vendor-apis 2.5)",
            ),
            sources=("sync_core/connectors/s4hana/connector.py",),
        ),
        "returns": Capability(
            "partial",
            (_e("GET API_BILLING_DOCUMENT_SRV (invoices M, credit memos O)"),),
            notes=(
                "billing documents reconciled per order (FM-S06); no credit memo request is "
                "created from a Magento credit memo",
            ),
            sources=("sync_core/connectors/s4hana/pricing.py", "vendor-apis 2.5"),
        ),
    },
    "business-central": {
        "orders_export": Capability(
            "supported",
            (
                _e("GET salesOrders?$filter=externalDocumentNumber eq '<REF>'"),
                _e("GET salesInvoices?$filter=externalDocumentNumber eq '<REF>'"),
                _e("POST salesOrders (deep insert salesOrderLines)"),
                _e("GET items, customers"),
            ),
            notes=(
                "environment and company are asserted before the first call (FM-D01, FM-D02)",
                "no locationId on lines: the location defaults from customer or company",
            ),
            sources=("sync_core/connectors/business_central/connector.py", "vendor-apis 3.2"),
        ),
        "stock_import": Capability(
            "needs-setup",
            (
                _e(
                    "GET items (inventory)",
                    used=False,
                    note="company total only: no per-location stock in the standard API",
                ),
                _e("GET api/microsoft/analytics/v1.0/.../itemLedgerEntries (locationCode)"),
                _e("GET <stock_api>/$metadata"),
            ),
            needs=(
                "the Analytics API (microsoft/analytics/v1.0) reachable in the environment, "
                "or a custom API page with entryNo, itemNo, locationCode, quantity "
                "(erp.credentials.stock_api)",
            ),
            notes=("figures summed per item x location from item ledger entries",),
            sources=("sync_core/connectors/business_central/stock.py", "failure-modes FM-D04"),
        ),
        "fulfilment_import": Capability(
            "not-implemented",
            (_e("GET salesShipments (+ salesShipmentLines)", used=False),),
            notes=("the connector reads posted shipments only to tell order states apart",),
            sources=("vendor-apis 3.2",),
        ),
        "prices": Capability(
            "not-implemented",
            (_e("GET items (unitPrice)", used=False),),
            notes=(NO_PRICE_IMPORT, "no price check on export: the Magento price is sent"),
        ),
        "accounts": Capability(
            "supported",
            (_e("GET customers?$filter=email / number"),),
            notes=(
                "mapping.accounts[email] (customer number), else the customer with that "
                "email, else mapping.default_customer, else held; a blocked customer is a "
                "business hold",
                "customers are not created from Magento",
            ),
            sources=("sync_core/connectors/business_central/connector.py",),
        ),
        "returns": Capability(
            "not-implemented",
            (_e("salesCreditMemos (+ lines)", used=False),),
            notes=("Magento credit memos are not exported (FM-T04 has no scenario yet)",),
            sources=("vendor-apis 3.2",),
        ),
    },
    "sage200": {
        "orders_export": Capability(
            "supported",
            (
                _e("GET sop_orders?$filter=customer_document_no eq '<ref>'"),
                _e("POST sop_orders"),
                _e("GET customers"),
                _e("GET products"),
            ),
            notes=(
                "the coverage check probes GET sop_orders, customers, products and "
                "warehouse_holdings before the first call; one missing endpoint stops both "
                "flows (FM-SG01)",
            ),
            sources=("sync_core/connectors/sage200/connector.py", "vendor-apis 3.2-3.4"),
        ),
        "stock_import": Capability(
            "supported",
            (_e("GET warehouse_holdings (confirmed_qty_in_stock)"), _e("GET products")),
            needs=("mapping.locations: Magento source -> Sage warehouse name",),
            notes=("versioned by date_time_updated; older rows are refused (FM-SG02)",),
            sources=("sync_core/connectors/sage200/connector.py",),
        ),
        "fulfilment_import": Capability(
            "not-implemented",
            (
                _e("GET sop_despatch_receipts", used=False),
                _e("GET sop_order_despatch_views", used=False),
            ),
            notes=("the connector reads no despatches",),
            sources=("fakes/sage200/variants.py (Swagger changelog)", "vendor-apis 3.2"),
        ),
        "prices": Capability(
            "not-implemented",
            (
                _e("GET price_bands", "unconfirmed", used=False),
                _e("GET product_price_views", "unconfirmed", used=False),
            ),
            notes=(
                "price endpoint names are unconfirmed (vendor-apis 3.2: the reference Swagger "
                "is SOP and Stock only)",
                NO_PRICE_IMPORT,
            ),
        ),
        "accounts": Capability(
            "supported",
            (_e("GET customers (contacts' emails)"),),
            notes=(
                "mapping.accounts[email] (account reference) must exist, else held, never "
                "another account (FM-SG03); else the account whose contact has the email, "
                "else mapping.default_customer",
                "accounts are not created from Magento",
            ),
            sources=("sync_core/connectors/sage200/connector.py",),
        ),
        "returns": Capability(
            "not-implemented",
            (
                _e(
                    "SOP returns / credit notes",
                    "unconfirmed",
                    used=False,
                    note="not in the reference Swagger (SOP and Stock only)",
                ),
                _e(
                    "POST sales_invoices / GET sales_posted_transactions",
                    "unconfirmed",
                    used=False,
                ),
            ),
            notes=("Magento credit memos are not exported (FM-T04 has no scenario yet)",),
            sources=("vendor-apis 3.2",),
        ),
    },
    "legacy": {
        "orders_export": Capability(
            "supported",
            (
                _e("SOAP FindOrdersByReference(order_ref)"),
                _e("SOAP CreateOrder (transport soap)"),
                _e("ORD_<YYYYMMDD>_<seq>.csv + .done trigger (transport files)"),
                _e("SOAP GetStock (item check; there is no item master operation)"),
            ),
            notes=(
                "rejected lines are never taken as success (FM-L01); WSDL and CSV header "
                "checks refuse a changed contract (FM-L02)",
            ),
            sources=("sync_core/connectors/legacy/connector.py", "vendor-apis 4.1-4.2"),
        ),
        "stock_import": Capability(
            "supported",
            (_e("SOAP GetStock or STOCK_*.csv exports with control files"),),
            needs=("mapping.locations: Magento source -> ERP warehouse",),
            notes=("processed-file ledger and sequence-gap alerts for exports (FM-L04)",),
            sources=("sync_core/connectors/legacy/connector.py",),
        ),
        "fulfilment_import": Capability(
            "not-implemented", notes=("the connector reads no despatch data",)
        ),
        "prices": Capability("not-implemented", notes=(NO_PRICE_IMPORT,)),
        "accounts": Capability(
            "needs-setup",
            (_e("customer lookup", "missing", used=False, note="the OrderService has none"),),
            needs=("mapping.accounts[email] or mapping.default_customer for every order",),
            notes=("an unmapped customer is a MappingError: the order is held",),
            sources=("sync_core/connectors/legacy/connector.py",),
        ),
        "returns": Capability(
            "not-implemented", notes=("no credit-note operation known to the connector",)
        ),
    },
}

IDEMPOTENCY: dict[str, Idempotency] = {
    "netsuite": Idempotency(
        "upsert by external id",
        "externalId",
        native=True,
        unique=True,
        detail="PUT salesOrder/eid:<ref> creates or updates, so a repeat never makes a second "
        "order; GET salesOrder/eid:<ref> looks it up. External ids are namespaced per store "
        "(FM-N05); only one integration may set a record type's external ids.",
    ),
    "sap-b1": Idempotency(
        "lookup by NumAtCard before create",
        "NumAtCard",
        native=False,
        unique=False,
        detail="$filter=NumAtCard eq '<ref>' before every POST and a read-back after it; "
        "NumAtCard is free text and not unique. A customer's SBO_SP_TransactionNotification "
        "duplicate guard (error -1) is answered with a lookup.",
    ),
    "s4hana": Idempotency(
        "lookup by PurchaseOrderByCustomer before create",
        "PurchaseOrderByCustomer",
        native=False,
        unique=False,
        detail="$filter=PurchaseOrderByCustomer eq '<ref>' before the deep insert; the field "
        "(MaxLength 35) is not unique (SD's duplicate PO check is unconfirmed); references "
        "longer than 35 characters get a compact deterministic form.",
    ),
    "business-central": Idempotency(
        "lookup by externalDocumentNumber before create",
        "externalDocumentNumber",
        native=False,
        unique=False,
        detail="$filter on salesOrders, then salesInvoices (posting deletes the order); the "
        "field is Code[35], upper-case, neither unique nor checked by BC; every create is "
        "read back.",
    ),
    "sage200": Idempotency(
        "lookup by customer_document_no before create",
        "customer_document_no",
        native=False,
        unique=False,
        detail="Sage 200 has no idempotency key; customer_document_no (30 characters, not "
        "unique) carries the reference, hash-shortened when longer; the POST is read back.",
    ),
    "legacy": Idempotency(
        "none native: lookup by reference via SOAP",
        "order_ref",
        native=False,
        unique=False,
        detail="CreateOrder and order-file imports make a new order for every copy (FM-L03): "
        "FindOrdersByReference before every create, and in files mode the connector's own "
        "ledger of files sent.",
    ),
}


# -- the report ------------------------------------------------------------------------------
