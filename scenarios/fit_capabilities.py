"""The static capability table of the fit report: per ERP kind and flow, the calls it needs,
whether the builtin connector makes them, what it depends on, how a retry is kept from doing
the work twice, and the known risks.

Written from the connectors under ``sync_core/connectors/`` and the flows under
``sync_core/flows/`` (their code and docstrings say what they support and what they refuse)
and from the vendor facts of ``docs/vendor-apis.md``. A flow runs for an ERP only when its
package has the module the flow looks for (``prices.py``, ``accounts.py``, ``returns.py``,
``order_state.py``; fulfilment is the connector's ``deliveries()``); the table says
``not-implemented`` where it has none. :data:`REVERSE_RETURNS` is the returns flow when the
profile makes the ERP the owner of refunds (``flows.returns.source_of_truth: erp``).
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
    idempotency: str = ""  # what keeps a retry, replay or re-read from doing it twice
    risks: tuple[str, ...] = ()  # known risks and limits of the builtin connector's flow


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


# -- what every ERP shares: the Magento side and the engine's own guards ---------------------
MAGENTO_PRICES = _e(
    "POST /V1/products/base-prices, tier-prices, special-price (+ -information, -delete)",
    note="Magento answers 200 with per-row failures (FM-G05)",
)
MAGENTO_SHIPMENTS = _e("POST /V1/order/{id}/ship; GET /V1/shipments?order_id")
MAGENTO_ORDER_ACTIONS = _e("POST /V1/orders/{id}/hold, unhold, cancel, comments")
MAGENTO_COMPANIES = _e(
    "GET/PUT /V1/company, GET/PUT /V1/companyCredits",
    note="Adobe Commerce B2B modules",
)
MAGENTO_CREDIT_MEMOS = _e("GET /V1/creditmemos, /V1/creditmemo/{id}")
MAGENTO_REFUND = _e("POST /V1/order/{id}/refund (offline); GET /V1/creditmemos?order_id")

PRICE_IDEMPOTENCY = (
    "absolute values diffed against what Magento holds now: an unchanged price is not sent; "
    "each row's outcome is read back, a rejected row is retried and dead-lettered after "
    "MAX_REJECTIONS; a batch keeps Magento's prior values as its snapshot for rollback"
)
PRICE_NOTES = (
    "a batch with a change above policies.price_approval_pct waits for an operator's approval "
    "(FM-T06); an applied batch can be rolled back exactly",
)
SHIPMENT_IDEMPOTENCY = (
    "binding per delivery and source (shipment '<delivery>@<source>'), and a marker "
    "'[erp-delivery <system>:<delivery>@<source>]' in every shipment's comment, looked for "
    "before shipping, so a lost answer to the ship call never ships twice; quantities are "
    "capped at what each order item has left (excess is an alert, never sent)"
)
ACCOUNT_NEEDS = (
    "Adobe Commerce B2B (companies, company credit) on the Magento side: the flow reads "
    "companies, not plain customers (those only through policies.account_customer_groups)",
)
ACCOUNT_NOTES = (
    "a new account is created held and the Magento company stays pending with credit limit 0 "
    "until the ERP releases it (policies.account_approval); holds, releases and credit limits "
    "then flow back once each (FM-T07)",
)
CREDIT_IDEMPOTENCY = (
    "the credit memo's reference is looked up in the ERP before every create, so a lost "
    "answer is recovered, not sent again; the outbox takes one job per credit memo"
)
REFUND_IDEMPOTENCY = (
    "marker '[erp-credit <system>:<document>]' in every Magento credit memo's comment, "
    "looked for before refunding; binding per credit note; quantities capped at what is "
    "left to refund"
)
STATE_IDEMPOTENCY = (
    "binding order_state per order: each ERP change is acted on once; every Magento action "
    "first reads the order's state, so a retried hold or cancel is not asked twice"
)
STATE_NOTES = (
    "cancelled in the ERP: the Magento order is cancelled (an order invoiced in full is put "
    "on hold, its comment asking for a refund) and a status_mismatch alert names it (FM-G16)",
)
POLICY_NOTE = (
    "order policies before the create: policies.stockout (backorder | hold, from a stock "
    "read cached policies.stock_check_ttl_s; FM-T01) and policies.credit_hold (hold | "
    "reject; FM-T03), made visible on the Magento order with a comment"
)
STOCK_IDEMPOTENCY = (
    "absolute quantities per SKU x source, versioned: an older or repeated figure is not "
    "written again"
)
NO_RETURNS_CODE = (
    "the connector package has no returns.py: Magento credit memos are not exported and ERP "
    "credit notes are not imported (custom work)"
)
NETSUITE: dict[str, Capability] = {
    "orders_export": Capability(
        "supported",
        (
            _e("GET /record/v1/salesOrder/eid:<ref>"),
            _e("PUT /record/v1/salesOrder/eid:<ref> (upsert)"),
            _e("GET /record/v1/metadata-catalog/salesOrder (JSON Schema)"),
            _e("POST /query/v1/suiteql (customer, item, order reads; stock for FM-T01)"),
            _e("GET /record/v1/customer/<id>?fields=entityId,creditHoldOverride (FM-T03)"),
        ),
        notes=(
            "extra body fields (custom fields, or a standard field an admin made mandatory) "
            "come from erp_options order_fields / field:<id>; the connector checks them "
            "against the salesOrder metadata before the first write (FM-N03)",
            "erp_options create_via: upsert_verified (default: PUT then GET) or upsert (the PUT "
            "alone; pair it with policies.lookup_before_create: after_failure)",
            "customer: mapping.accounts[email] (entity id), else the customer with that email "
            "(SuiteQL), else mapping.default_customer, else the order is held",
            POLICY_NOTE,
        ),
        sources=("sync_core/connectors/netsuite/connector.py", "vendor-apis 2.3, 2.7"),
        idempotency="PUT salesOrder/eid:<ref> is an upsert: a repeat never makes a second order",
        risks=(
            "NetSuite refuses orders of a customer on credit hold only where the account "
            "enforces holds, so the customer is read before every create (one GET per order)",
        ),
    ),
    "stock_import": Capability(
        "supported",
        (_e("POST /query/v1/suiteql FROM inventoryitemlocations"),),
        needs=("mapping.locations: every NetSuite location id a Magento source reads",),
        notes=("quantityonhand per item x location, versioned by lastmodifieddate",),
        sources=("sync_core/connectors/netsuite/connector.py",),
        idempotency=STOCK_IDEMPOTENCY,
    ),
    "fulfilment_import": Capability(
        "supported",
        (
            _e("POST /query/v1/suiteql (ItemShip transactions + lines, createdfrom order)"),
            _e("GET /record/v1/itemFulfillment/<id>?fields=package&expandSubResources=true"),
            MAGENTO_SHIPMENTS,
        ),
        needs=("mapping.locations: the NetSuite location ids shipments leave from",),
        notes=(
            "item fulfilments of sales orders whose externalId starts mage- (ours), changed "
            "since the cursor (lastmodifieddate >=); one Magento shipment per fulfilment and "
            "source (FM-T05) with the packages' tracking numbers",
        ),
        sources=("sync_core/connectors/netsuite/fulfilment.py", "sync_core/flows/fulfilment.py"),
        idempotency=SHIPMENT_IDEMPOTENCY,
        risks=(
            "SuiteQL returns no sublists: each fulfilment is read once more for its "
            "packageTrackingNumber (one GET per fulfilment)",
        ),
    ),
    "prices": Capability(
        "supported",
        (
            _e("GET /record/v1/inventoryItem (limit/offset pages)"),
            _e("GET /record/v1/inventoryItem/<id>?fields=itemId,basePrice,isInactive"),
            _e("GET /record/v1/salePriceRule (limit/offset pages) and /<id>"),
            _e("GET /record/v1/salePriceRuleEntry/<id>?expandSubResources=true"),
            MAGENTO_PRICES,
        ),
        needs=("the Pricing feature enabled for dated prices (sale price rules)",),
        notes=(
            "base prices only (the base price level's basePrice): tier and special prices in "
            "Magento are left alone",
            "dated base prices from active sale price rules of erp_options.price_level "
            "(default 1, Base Price) and price_currency (default 1): the entry's quantity-1 "
            "rate from startDate 00:00 to endDate 23:59:59, whole days UTC (FM-T02)",
            *PRICE_NOTES,
            "no price check on order export: the Magento price is sent",
        ),
        sources=(
            "sync_core/connectors/netsuite/prices.py",
            "sync_core/connectors/netsuite/sale_price_rules.py",
            "sync_core/flows/prices.py",
        ),
        idempotency=PRICE_IDEMPOTENCY,
        risks=(
            "one GET per inventory item, sale price rule and rule entry per run (the REST "
            "record service, not SuiteQL): slow on a large catalogue and it counts against "
            "the account's concurrency limit",
            "overlapping sale price rules: the one that started last wins; NetSuite's rule "
            "priority is not applied",
            "other price levels and quantity breaks above 1 are not read",
        ),
    ),
    "accounts": Capability(
        "supported",
        (
            _e("GET /record/v1/customer/eid:mage-company-<id>"),
            _e("POST /query/v1/suiteql FROM customer (email)"),
            _e("PUT /record/v1/customer/eid:<ref> (upsert, creditHoldOverride ON)"),
            _e("PATCH /record/v1/customer/<id> (companyName, email, phone)"),
            MAGENTO_COMPANIES,
        ),
        needs=ACCOUNT_NEEDS,
        notes=(
            *ACCOUNT_NOTES,
            "approval: the credit controller sets creditLimit and creditHoldOverride AUTO; an "
            "account is held while creditHoldOverride is ON or it is inactive",
        ),
        sources=("sync_core/connectors/netsuite/accounts.py", "sync_core/flows/accounts.py"),
        idempotency="externalId mage-company-<id>: PUT customer/eid:<ref> is an upsert, so "
        "even a blind retry cannot make a second customer",
        risks=(
            "the address book (addressBook sublist) is not written: the harness fake does "
            "not model it",
            "the hold only stops orders where the account enforces credit holds (Customer "
            "Credit Limit Handling)",
        ),
    ),
    "returns": Capability(
        "supported",
        (
            _e("GET /record/v1/creditMemo/eid:<ref>"),
            _e("POST /query/v1/suiteql (invoice lines CustInvc, credited lines CustCred)"),
            _e(
                "POST /record/v1/invoice/<id>/!transform/creditMemo",
                "unconfirmed",
                note="vendor-apis 2.3 marks this transform unconfirmed; the fake serves it",
            ),
            _e("POST /record/v1/salesOrder/<id>/!transform/returnAuthorization (restock)"),
            MAGENTO_CREDIT_MEMOS,
        ),
        needs=("mapping.locations: the location a returned line goes back to",),
        notes=(
            "a credit memo transformed from the invoice of the exported order, externalId the "
            "memo's reference; goods back to stock: a return authorization (<ref>-RA) to the "
            "mapped location, made before the credit memo (policies.returns_restock)",
            "an order not invoiced yet waits (retryable) until NetSuite bills it",
        ),
        sources=("sync_core/connectors/netsuite/returns.py", "sync_core/flows/returns.py"),
        idempotency="externalId of the credit memo: GET creditMemo/eid:<ref> before the "
        "transform, and NetSuite refuses a second record with that id",
        risks=(
            "refunded amounts a transformed credit memo cannot carry (adjustments) are "
            "refused for a person to credit by hand",
            "core Magento does not store return-to-stock on the memo: without a module that "
            "exposes it, policies.returns_restock decides (magento | always | never)",
        ),
    ),
    "order_state": Capability(
        "supported",
        (
            _e("POST /query/v1/suiteql SELECT externalid, status FROM transaction (SalesOrd)"),
            MAGENTO_ORDER_ACTIONS,
        ),
        notes=(
            "status C (cancelled) cancels the Magento order, H (closed) holds it; A (pending "
            "approval) counts as open",
            *STATE_NOTES,
        ),
        sources=("sync_core/connectors/netsuite/connector.py", "sync_core/flows/order_state.py"),
        idempotency=STATE_IDEMPOTENCY,
        risks=(
            "the query reads every sales order of the account, not only the window's: it "
            "grows with the account's order history",
        ),
    ),
}

SAP_B1: dict[str, Capability] = {
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
            "customer: mapping.accounts[email] (CardCode), else the partner with that email, "
            "else mapping.default_customer, else held (FM-S02)",
            POLICY_NOTE + "; a frozen partner makes Service Layer refuse the order (-10), "
            "and that refusal names the held account",
        ),
        sources=("sync_core/connectors/sap_b1/connector.py", "vendor-apis 1.9"),
        idempotency="lookup by NumAtCard before create (free text, not unique)",
    ),
    "stock_import": Capability(
        "supported",
        (_e("GET /b1s/v1/Items (ItemWarehouseInfoCollection)"), _e("GET /Warehouses")),
        needs=("mapping.locations: Magento source -> B1 WarehouseCode",),
        notes=("warehouses are checked at start (FM-S04); version is the item's UpdateDate",),
        sources=("sync_core/connectors/sap_b1/connector.py",),
        idempotency=STOCK_IDEMPOTENCY,
    ),
    "fulfilment_import": Capability(
        "supported",
        (
            _e("GET /b1s/v1/DeliveryNotes?$filter=UpdateDate ge '<day>'"),
            _e("GET /b1s/v1/Orders (NumAtCard of the base orders)"),
            MAGENTO_SHIPMENTS,
        ),
        needs=("mapping.locations: B1 WarehouseCode -> Magento source",),
        notes=(
            "one Magento shipment per order a delivery note covers, per warehouse (FM-S05, "
            "FM-T05); TrackingNumber when filled; cancelled notes and lines not copied from "
            "an order are ignored",
        ),
        sources=("sync_core/connectors/sap_b1/fulfilment.py", "sync_core/flows/fulfilment.py"),
        idempotency=SHIPMENT_IDEMPOTENCY,
        risks=(
            "UpdateDate is a day: the whole day is read again every run (harmless, but the "
            "read grows with the day's deliveries)",
        ),
    ),
    "prices": Capability(
        "supported",
        (
            _e("GET /b1s/v1/Items ($select ItemCode,ItemPrices,Valid)"),
            _e("GET /b1s/v1/SpecialPrices (period discounts, CardCode *<list>)"),
            MAGENTO_PRICES,
        ),
        needs=("mapping.price_lists: Magento customer group -> B1 price list number, for tiers",),
        notes=(
            "erp_options.price_list is the base price list number (default 1)",
            "base, tier (per customer group, quantity 1) and special prices with their dates "
            "(period discounts of the base list, whole days UTC; FM-T02)",
            *PRICE_NOTES,
            "erp_options.price_policy (magento | erp | hold) adds a price-list check on order "
            "export (FM-S03)",
        ),
        sources=(
            "sync_core/connectors/sap_b1/prices.py",
            "sync_core/connectors/sap_b1/pricing.py",
        ),
        idempotency=PRICE_IDEMPOTENCY,
        risks=(
            "per-partner special prices have no Magento equivalent and are not read",
            "volume discounts (quantity breaks) are not read: tiers are quantity 1",
        ),
    ),
    "accounts": Capability(
        "supported",
        (
            _e("GET /b1s/v1/BusinessPartners('<prefix><id>')"),
            _e("GET /b1s/v1/BusinessPartners?$filter=EmailAddress eq '<email>'"),
            _e("POST /b1s/v1/BusinessPartners (cCustomer, Frozen tYES)"),
            _e("PATCH /b1s/v1/BusinessPartners('<code>') (name, e-mail, phone, address)"),
            MAGENTO_COMPANIES,
        ),
        needs=ACCOUNT_NEEDS,
        notes=(
            *ACCOUNT_NOTES,
            "the CardCode is erp_options.account_code_prefix (default MC) and the company id "
            "(MC1; a customer MCU7); approval: unfreeze and set CreditLimit",
        ),
        sources=("sync_core/connectors/sap_b1/accounts.py", "sync_core/flows/accounts.py"),
        idempotency="the CardCode is derived from the company, so it is the key: B1 refuses a "
        "second partner with that code, a retry cannot duplicate",
        risks=(
            "only the Frozen flag counts as a hold: a FrozenFrom/FrozenTo period is not read "
            "by the account flow",
        ),
    ),
    "returns": Capability(
        "supported",
        (
            _e("GET /b1s/v1/CreditNotes?$filter=NumAtCard eq '<ref>'"),
            _e("GET /b1s/v1/Orders(<id>), /Invoices, /DeliveryNotes (the base invoice rows)"),
            _e("POST /b1s/v1/CreditNotes (BaseType 13, BaseEntry, BaseLine)"),
            MAGENTO_CREDIT_MEMOS,
        ),
        needs=("mapping.locations: the warehouse a returned line goes back to",),
        notes=(
            "an A/R credit memo copied from the order's A/R invoice, so B1 closes what it "
            "credits and refuses crediting more than is open; a line not returned to stock "
            "is WithoutInventoryMovement",
            "invoiced and credited totals are also reconciled per order (FM-S06)",
            "an order not invoiced yet waits (retryable)",
        ),
        sources=(
            "sync_core/connectors/sap_b1/returns.py",
            "sync_core/connectors/sap_b1/pricing.py",
        ),
        idempotency="lookup by NumAtCard (the memo's reference) before every create",
        risks=(
            "no freight on the credit note (the order export sends none); an adjustment is "
            "refused for manual handling",
        ),
    ),
    "order_state": Capability(
        "supported",
        (
            _e("GET /b1s/v1/Orders?$filter=startswith(NumAtCard, 'mage-')"),
            MAGENTO_ORDER_ACTIONS,
        ),
        notes=(
            "Cancelled cancels the Magento order; closed with quantities still open (closed "
            "by hand) holds it; closed because fully delivered counts as open",
            *STATE_NOTES,
        ),
        sources=("sync_core/connectors/sap_b1/connector.py", "sync_core/flows/order_state.py"),
        idempotency=STATE_IDEMPOTENCY,
        risks=("reads every order of ours each run (one paged read), not only the window's",),
    ),
}

S4HANA: dict[str, Capability] = {
    "orders_export": Capability(
        "supported",
        (
            _e("GET API_SALES_ORDER_SRV/A_SalesOrder?$filter=PurchaseOrderByCustomer"),
            _e("POST API_SALES_ORDER_SRV/A_SalesOrder (deep insert to_Item)"),
            _e("GET API_PRODUCT_SRV/A_Product"),
            _e("GET API_BUSINESS_PARTNER/A_AddressEmailAddress, A_BusinessPartner"),
        ),
        needs=(
            "mapping.locations['default'] as 'PLANT/SLOC' (plant of the order items)",
            "sales area 1010/10/00 and order type OR: fixed in the connector, the profile "
            "cannot change them",
        ),
        notes=(
            "sold-to party: mapping.accounts[email], else the partner with that email, else "
            "mapping.default_customer, else held (FM-S02); credit limits are not in this API",
            POLICY_NOTE + "; a sold-to party with an order block is refused by SAP (V1/462), "
            "and that refusal names the held account",
        ),
        sources=("sync_core/connectors/s4hana/connector.py", "vendor-apis 2.4, 2.7"),
        idempotency="lookup by PurchaseOrderByCustomer before create (not unique)",
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
        idempotency=STOCK_IDEMPOTENCY,
    ),
    "fulfilment_import": Capability(
        "supported",
        (
            _e("GET API_OUTBOUND_DELIVERY_SRV;v=0002/A_OutbDeliveryHeader ($expand items)"),
            _e("GET API_SALES_ORDER_SRV/A_SalesOrder (PurchaseOrderByCustomer)"),
            MAGENTO_SHIPMENTS,
        ),
        needs=("mapping.locations: 'PLANT/SLOC' -> Magento source",),
        notes=(
            "only goods-issued deliveries (OverallGoodsMovementStatus C); one Magento "
            "shipment per sales order and source (FM-S05, FM-T05)",
        ),
        sources=("sync_core/connectors/s4hana/fulfilment.py", "sync_core/flows/fulfilment.py"),
        idempotency=SHIPMENT_IDEMPOTENCY,
        risks=(
            "the delivery API carries no tracking number (it lives in shipment / handling-unit "
            "documents): shipments have none",
            "LastChangeDate is a date: the day is read again every run",
        ),
    ),
    "prices": Capability(
        "supported",
        (
            _e(
                "GET API_SLSPRICINGCONDITIONRECORD_SRV/A_SlsPrcgCndnRecdValidity "
                "($expand to_SlsPrcgConditionRecord)"
            ),
            _e("A_SalesOrderItemPrElement (PPR0) read and PATCH", note="FM-S03 order check"),
            MAGENTO_PRICES,
        ),
        notes=(
            "erp_options.sales_organization and distribution_channel choose the condition "
            "records (default 1010 / 10)",
            "base prices from the list price (PPR0) condition records; each validity period "
            "is a dated base price, sent on its first day (FM-T02)",
            *PRICE_NOTES,
            "erp_options.price_policy (magento | erp | hold): SAP prices the order, then the "
            "PPR0 rates are compared (FM-S03)",
        ),
        sources=(
            "sync_core/connectors/s4hana/prices.py",
            "sync_core/connectors/s4hana/pricing.py",
        ),
        idempotency=PRICE_IDEMPOTENCY,
        risks=(
            "customer-specific condition records are not read; tier and special prices in "
            "Magento are left alone",
        ),
    ),
    "accounts": Capability(
        "supported",
        (
            _e(
                "GET API_BUSINESS_PARTNER/A_BusinessPartner?$filter=BusinessPartnerIDByExtSystem "
                "eq 'MAGE-COMPANY-<id>'"
            ),
            _e("GET API_BUSINESS_PARTNER/A_AddressEmailAddress?$filter=SearchEmailAddress eq ..."),
            _e(
                "POST API_BUSINESS_PARTNER/A_BusinessPartner (deep insert: address, e-mail, "
                "phone, customer with order block, sales area)"
            ),
            _e("GET API_BUSINESS_PARTNER/A_BusinessPartner('<bp>')?$expand=to_Customer"),
            _e(
                "GET API_CRDTMBUSINESSPARTNER/A_CreditManagementAccount (credit limit per "
                "credit segment)"
            ),
            _e(
                "PATCH A_BusinessPartner, A_BusinessPartnerAddress, A_AddressEmailAddress, "
                "A_AddressPhoneNumber (name, address, e-mail, phone)"
            ),
            MAGENTO_COMPANIES,
        ),
        needs=(
            *ACCOUNT_NEEDS,
            "API_CRDTMBUSINESSPARTNER in the communication arrangement for credit limits",
        ),
        notes=(
            *ACCOUNT_NOTES,
            "the gate is the customer's order block (erp_options.approval_order_block, default "
            "01): SD refuses sales orders until it is removed; a central block or a blocked "
            "credit account also counts as a hold",
            "credit limit: the credit account in erp_options.credit_segment (default 1000)",
        ),
        sources=("sync_core/connectors/s4hana/accounts.py", "sync_core/flows/accounts.py"),
        idempotency="lookup by BusinessPartnerIDByExtSystem (the company's reference, upper "
        "case), then by e-mail, before every create: SAP has no unique key on partners",
        risks=(
            "the credit management entity set name and facets are unconfirmed (no EDMX at "
            "hand); without the service the limit reads as none and Magento gets 0",
        ),
    ),
    "returns": Capability(
        "supported",
        (
            _e(
                "GET API_CREDIT_MEMO_REQUEST_SRV/A_CreditMemoRequest?$filter="
                "PurchaseOrderByCustomer eq '<ref>' and CreditMemoRequestType eq 'CR'"
            ),
            _e(
                "GET API_BILLING_DOCUMENT_SRV/A_BillingDocumentItem?$filter=SalesDocument eq "
                "'<order>' (+ A_BillingDocument: invoices M, not cancelled)"
            ),
            _e(
                "POST API_CREDIT_MEMO_REQUEST_SRV/A_CreditMemoRequest (CR, to_Item referencing "
                "the invoice items)"
            ),
            _e(
                "POST API_CUSTOMER_RETURN_SRV/A_CustomerReturn (CBAR, restocked lines to "
                "ProductionPlant/StorageLocation, billing block)"
            ),
            MAGENTO_CREDIT_MEMOS,
        ),
        needs=("mapping.locations: the plant/storage location a returned line goes back to",),
        notes=(
            "the money is a credit memo request copied from the order's invoice (SD copy "
            "control refuses crediting more than was billed); billing releases it into the G2 "
            "credit memo; SDDocumentReason from erp.options.credit_memo_reason",
            "goods returned to stock: a customer return of those lines with a billing block "
            "(erp.options.return_billing_block, default 08), so it never bills a second credit",
            "with flows.returns.source_of_truth: erp, S/4HANA credit memos become Magento "
            "credit memos (supported); billing documents are reconciled per order (FM-S06)",
            "an order not invoiced yet waits (retryable)",
        ),
        sources=(
            "sync_core/connectors/s4hana/credit_requests.py",
            "sync_core/connectors/s4hana/returns.py",
        ),
        idempotency="lookup by PurchaseOrderByCustomer (the memo's reference) before every "
        "create, the customer return first, then the credit memo request",
        risks=(
            "no freight on the credit (the order export sends none); an adjustment is refused "
            "for manual handling",
            "the goods receipt of the return (returns delivery) is the warehouse's step in SAP",
        ),
    ),
    "order_state": Capability(
        "supported",
        (
            _e("GET API_SALES_ORDER_SRV/A_SalesOrder?$filter=PurchaseOrderByCustomer eq ..."),
            MAGENTO_ORDER_ACTIONS,
        ),
        notes=(
            "an order whose items are all rejected (OverallSDDocumentRejectionSts C) is "
            "cancelled; everything else counts as open",
            *STATE_NOTES,
        ),
        sources=("sync_core/connectors/s4hana/connector.py", "sync_core/flows/order_state.py"),
        idempotency=STATE_IDEMPOTENCY,
        risks=(
            "delivery, billing and credit blocks on the order are not read: only "
            "cancellations reach Magento",
        ),
    ),
}

BUSINESS_CENTRAL: dict[str, Capability] = {
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
            "customer: mapping.accounts[email] (customer number), else the customer with "
            "that email, else mapping.default_customer, else held",
            POLICY_NOTE + "; a blocked customer (Ship, Invoice or All) is refused by the "
            "connector before sending, naming the customer",
        ),
        sources=("sync_core/connectors/business_central/connector.py", "vendor-apis 3.2"),
        idempotency="lookup by externalDocumentNumber on salesOrders, then salesInvoices "
        "(posting deletes the order), before create; not unique",
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
        idempotency=STOCK_IDEMPOTENCY,
    ),
    "fulfilment_import": Capability(
        "needs-setup",
        (
            _e("GET salesShipments?$filter=lastModifiedDateTime ge <since> (+ lines)"),
            _e("GET <stock_api>/itemLedgerEntries (Sale entries: documentNo, locationCode)"),
            _e("GET salesOrders / salesInvoices (order ids by number)"),
            MAGENTO_SHIPMENTS,
        ),
        needs=(
            "the item ledger route of the stock flow (Analytics API or a custom page with "
            "locationCode): API v2.0 shipment lines carry no location",
        ),
        notes=(
            "posted sales shipments whose externalDocumentNumber starts MAGE-; the lines are "
            "their Sale ledger entries per item and location, one Magento shipment per "
            "source (FM-T05)",
            "without the ledger route the shipment lines are used when the company has one "
            "location; with more the flow refuses (CoverageGap)",
        ),
        sources=(
            "sync_core/connectors/business_central/fulfilment.py",
            "sync_core/flows/fulfilment.py",
        ),
        idempotency=SHIPMENT_IDEMPOTENCY,
        risks=("API v2.0 exposes no Package Tracking No.: shipments carry no tracking number",),
    ),
    "prices": Capability(
        "supported",
        (
            _e("GET items ($select id,number,unitPrice,blocked)"),
            _e(
                "GET ODataV4/Company('<name>')/<price_list_service> (page 7005 Price List Line "
                "Review published as a web service: Unit_Price, Starting_Date, Ending_Date)",
                note="only when erp_options.price_list_service is set",
            ),
            MAGENTO_PRICES,
        ),
        needs=(
            "dated prices (FM-T02): publish page 7005 (Price List Line Review) on the Web "
            "Services page and name it in erp_options.price_list_service; "
            "erp_options.price_list_code picks the sales price list (default: lines assigned "
            "to All Customers)",
        ),
        notes=(
            "base prices: the item card's unitPrice (blocked items skipped); with the price "
            "list web service, each Active item line (one piece, no variant, company currency) "
            "is the base price from its Starting Date to the end of its Ending Date (UTC), the "
            "item card's outside them (FM-T02); tier and special prices in Magento are left "
            "alone",
            *PRICE_NOTES,
            "no price check on export: the Magento price is sent",
        ),
        sources=(
            "sync_core/connectors/business_central/prices.py",
            "sync_core/flows/prices.py",
        ),
        idempotency=PRICE_IDEMPOTENCY,
        risks=(
            "customer price groups (tier prices) are not read; overlapping Active lines: the "
            "latest Starting Date wins where Business Central takes the best (lowest) price",
        ),
    ),
    "accounts": Capability(
        "supported",
        (
            _e("GET customers?$filter=email eq '<email>'"),
            _e("POST customers (blocked All while awaiting approval)"),
            _e("GET customers(<id>); PATCH customers(<id>) with If-Match"),
            MAGENTO_COMPANIES,
        ),
        needs=ACCOUNT_NEEDS,
        notes=(
            *ACCOUNT_NOTES,
            "approval: clear blocked and set creditLimit; held while blocked is Ship, Invoice "
            "or All; every call first checks the configured company",
        ),
        sources=(
            "sync_core/connectors/business_central/accounts.py",
            "sync_core/flows/accounts.py",
        ),
        idempotency="lookup by e-mail before create: the v2.0 customer has no external "
        "reference field, the e-mail is the key both systems share",
        risks=(
            "two companies with one e-mail bind to the same customer; an e-mail changed in "
            "Business Central before the account is bound makes a retry create a second one",
            "a name, e-mail or address longer than Business Central takes is refused "
            "(MappingError naming the field), never cut",
        ),
    ),
    "returns": Capability(
        "supported",
        (
            _e("GET salesCreditMemos?$filter=externalDocumentNumber eq '<REF>'"),
            _e("GET salesInvoices (by orderId, else externalDocumentNumber)"),
            _e("POST salesCreditMemos (deep insert salesCreditMemoLines, invoiceId)"),
            _e("GET locations (locationId of the mapped warehouse)"),
            MAGENTO_CREDIT_MEMOS,
        ),
        needs=("mapping.locations: the warehouse a returned line goes back to",),
        notes=(
            "one sales credit memo per Magento credit memo, applied to the posted invoice of "
            "the exported order, left for Business Central's users to post; an order not "
            "invoiced yet waits (retryable)",
        ),
        sources=(
            "sync_core/connectors/business_central/returns.py",
            "sync_core/flows/returns.py",
        ),
        idempotency="lookup by externalDocumentNumber (Code[35], upper-case, not unique) "
        "before every create",
        risks=(
            "no shipping line (the order export sends none); an adjustment has no line to go "
            "on (no G/L account mapped) and is refused for manual handling",
        ),
    ),
    "order_state": Capability(
        "supported",
        (
            _e("GET salesOrders ($select externalDocumentNumber,status,fullyShipped)"),
            _e("GET salesInvoices?$filter=externalDocumentNumber eq ..."),
            MAGENTO_ORDER_ACTIONS,
        ),
        notes=(
            "an order that is gone and has no invoice is cancelled (Business Central cancels "
            "by deleting); posted ones are found through their invoice",
            *STATE_NOTES,
        ),
        sources=(
            "sync_core/connectors/business_central/connector.py",
            "sync_core/flows/order_state.py",
        ),
        idempotency=STATE_IDEMPOTENCY,
        risks=(
            "an order deleted for any other reason also reads as cancelled",
            "no Business Central status is read as a hold (In Review counts as open): holds "
            "do not flow back",
        ),
    ),
}

UNCONFIRMED_SAGE = "not in the reference Swagger (SOP and Stock only); the fake serves it"

SAGE200: dict[str, Capability] = {
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
            "account: mapping.accounts[email] (account reference) must exist, else held, "
            "never another account (FM-SG03); else the account whose contact has the email, "
            "else mapping.default_customer",
            POLICY_NOTE + "; Sage refuses an order for an account on hold, and that refusal "
            "names the account",
        ),
        sources=("sync_core/connectors/sage200/connector.py", "vendor-apis 3.2-3.4"),
        idempotency="lookup by customer_document_no before create (30 characters, not unique)",
    ),
    "stock_import": Capability(
        "supported",
        (_e("GET warehouse_holdings (confirmed_qty_in_stock)"), _e("GET products")),
        needs=("mapping.locations: Magento source -> Sage warehouse name",),
        notes=("versioned by date_time_updated; older rows are refused (FM-SG02)",),
        sources=("sync_core/connectors/sage200/connector.py",),
        idempotency=STOCK_IDEMPOTENCY,
    ),
    "fulfilment_import": Capability(
        "supported",
        (
            _e(
                "GET sop_order_despatch_line_views?$filter=date_time_updated ge <since>",
                "unconfirmed",
                note=UNCONFIRMED_SAGE,
            ),
            _e("GET sop_despatch_receipts", used=False),
            MAGENTO_SHIPMENTS,
        ),
        needs=("mapping.locations: Sage warehouse name -> Magento source",),
        notes=(
            "one read per run: despatch, order (customer_document_no starting mage-), product, "
            "quantity, warehouse and consignment number (the tracking number); one Magento "
            "shipment per despatch and source (FM-T05)",
        ),
        sources=("sync_core/connectors/sage200/fulfilment.py", "sync_core/flows/fulfilment.py"),
        idempotency=SHIPMENT_IDEMPOTENCY,
        risks=(
            "the view has no id to page on: it is paged with $top/$skip in line order, so a "
            "row added while paging can shift a page (the bindings absorb a re-read, not a "
            "skipped row until the next run)",
        ),
    ),
    "prices": Capability(
        "supported",
        (
            _e("GET product_price_views", "unconfirmed", note=UNCONFIRMED_SAGE),
            _e(
                "GET price_bands (is_time_based, active_date_time_from/_to)",
                note="price-book.json [SelectCo/sage200-api-client]",
            ),
            MAGENTO_PRICES,
        ),
        needs=("mapping.price_lists: Magento customer group -> Sage price band, for tiers",),
        notes=(
            "erp_options.price_band is the base band (default Standard)",
            "erp_options.dated_price_bands (comma-separated): time-based bands the web account "
            "is linked to; a product's own price there is its base price between the band's "
            "days, then the base band's again (FM-T02)",
            "base and tier (per customer group, quantity 1) prices from price bands, dated "
            "when the band is time based; Magento's special prices are left alone",
            *PRICE_NOTES,
        ),
        sources=("sync_core/connectors/sage200/prices.py", "vendor-apis 3.2"),
        idempotency=PRICE_IDEMPOTENCY,
        risks=(
            "price endpoint names are unconfirmed against a real Sage 200 (vendor-apis 3.2): "
            "check product_price_views on the site",
            "customer-specific prices and discounts are not read",
        ),
    ),
    "accounts": Capability(
        "supported",
        (
            _e("GET customers?$filter=reference eq '<prefix><id>'"),
            _e("GET customers?$expand=contacts (the e-mail lookup)"),
            _e("POST customers (on_hold true while awaiting approval)"),
            _e("PUT customers/{id} (name, default contact e-mail and telephone)"),
            MAGENTO_COMPANIES,
        ),
        needs=ACCOUNT_NEEDS,
        notes=(
            *ACCOUNT_NOTES,
            "the reference is erp_options.account_code_prefix (default MC) and the company id "
            "(MC1, a customer MCU7); approval: take it off hold and set credit_limit; held "
            "while on_hold or not AccountStatusActive",
        ),
        sources=("sync_core/connectors/sage200/accounts.py", "sync_core/flows/accounts.py"),
        idempotency="the reference is derived from the company, so it is the key: Sage "
        "refuses a second customer with that reference",
        risks=(
            "references are at most 8 characters: a longer prefix + id is refused "
            "(MappingError naming the field)",
            "the e-mail lookup reads every customer with its contacts: it grows with the "
            "sales ledger",
            "the customer record has no address fields here: addresses are not kept in step",
        ),
    ),
    "returns": Capability(
        "partial",
        (
            MAGENTO_CREDIT_MEMOS,
            _e("POST sales_credit_notes (posted sales ledger credit note)"),
            _e("GET sales_posted_transactions?$filter=reference eq ..."),
            _e("GET sop_orders/{id} ($select customer_id, document_no)"),
            _e(
                "SOP returns (write) / stock adjustment in",
                "missing",
                used=False,
                note="SOP returns are read-only views; the Stock API has transfers and "
                "stocktakes only",
            ),
        ),
        notes=(
            "a credit memo becomes one posted credit note on the order's account: reference "
            "= the memo reference without 'mage-' (Sage keeps 20 characters), "
            "second_reference = the Sage order's document_no, one nominal analysis item per "
            "line ('<code> x <qty>'), shipping and adjustment on "
            "erp.options.credit_nominal_code (default 4000), tax on "
            "erp.options.credit_tax_code_id (default 1)",
            "goods returned to stock raise a manual_restock alert (item, quantity, "
            "warehouse): Sage's API cannot move stock in, so FM-T04's restock is not met",
            "ERP-owned refunds are not read back (no credits() reader)",
        ),
        sources=("sync_core/connectors/sage200/returns.py", "sync_core/flows/returns.py"),
        idempotency=CREDIT_IDEMPOTENCY,
        risks=(
            "a posted credit note has no item lines: the lines live only in the nominal "
            "narratives, and nothing in Sage allocates it to the order's invoice",
            "one tax code for the whole credit note: a memo mixing tax rates is analysed "
            "on the configured code",
        ),
    ),
    "order_state": Capability(
        "supported",
        (
            _e("GET sop_orders?$filter=customer_document_no eq ... ($select document_status)"),
            MAGENTO_ORDER_ACTIONS,
        ),
        notes=(
            "document_status Cancelled cancels the Magento order; On Hold or Dispute holds it, "
            "and a return to Live releases our hold",
            *STATE_NOTES,
        ),
        sources=("sync_core/connectors/sage200/connector.py", "sync_core/flows/order_state.py"),
        idempotency=STATE_IDEMPOTENCY,
    ),
}

LEGACY: dict[str, Capability] = {
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
            "customer: mapping.accounts[email], else the ERP account with the order's e-mail "
            "(SOAP FindCustomersByReference, remembered once found), else "
            "mapping.default_customer; none of them is a MappingError: the order is held",
            "order policies: policies.stockout through SOAP GetStock (skipped with "
            "stock_source files, whose exports belong to the stock flow); policies.credit_hold "
            "through SOAP GetCustomer before the create (credit_hold set, or the account not "
            "approved); the ERP itself takes a held account's orders (FM-T03)",
        ),
        sources=("sync_core/connectors/legacy/connector.py", "vendor-apis 4.1-4.2"),
        idempotency="none native: FindOrdersByReference before every create, or the "
        "connector's own file ledger (lookup ledger)",
    ),
    "stock_import": Capability(
        "supported",
        (_e("SOAP GetStock or STOCK_*.csv exports with control files"),),
        needs=("mapping.locations: Magento source -> ERP warehouse",),
        notes=("processed-file ledger and sequence-gap alerts for exports (FM-L04)",),
        sources=("sync_core/connectors/legacy/connector.py",),
        idempotency=STOCK_IDEMPOTENCY,
    ),
    "fulfilment_import": Capability(
        "supported",
        (_e("SOAP ListShipments(since)"), MAGENTO_SHIPMENTS),
        needs=("mapping.locations: ERP warehouse -> Magento source",),
        notes=(
            "shipments with order_ref starting mage-, per line sku, quantity and warehouse, "
            "with the tracking number; read through SOAP whatever the order transport",
        ),
        sources=("sync_core/connectors/legacy/fulfilment.py", "sync_core/flows/fulfilment.py"),
        idempotency=SHIPMENT_IDEMPOTENCY,
    ),
    "prices": Capability(
        "supported",
        (
            _e("PRICE_<stamp>_<seq>.csv exports with .ctl control files (file gateway)"),
            MAGENTO_PRICES,
        ),
        needs=("mapping.price_lists: Magento customer group -> ERP price list, for tiers",),
        notes=(
            "erp_options.price_list is the base price list (default STD); base prices (min_qty "
            "1) and tiers per customer group (one per min_qty), each dated: a future price is "
            "sent on its first day, a dated price ends on its last (FM-T02)",
            "each export is checked whole before use: control totals (ROW_COUNT, SUM_QUANTITY, "
            "SUM_AMOUNT), header row, every record (a refusal names file, line and field); "
            "re-dropped, repeated and older exports are ignored by sequence number (FM-L04)",
            *PRICE_NOTES,
            "no price check on order export: the Magento price is sent",
        ),
        sources=(
            "sync_core/connectors/legacy/prices.py",
            "sync_core/connectors/legacy/pricefiles.py",
            "contracts/legacy/ORDER_FILE.md",
            "sync_core/flows/prices.py",
        ),
        idempotency=PRICE_IDEMPOTENCY,
        risks=(
            "prices arrive only as fast as the ERP's price export job runs; a refused export "
            "stops the price flow until a good one arrives (an alert says why)",
            "the ERP has no special prices: Magento's are left alone",
        ),
    ),
    "accounts": Capability(
        "supported",
        (
            _e("SOAP FindCustomersByReference(external_ref), then (email)"),
            _e("SOAP CreateCustomer (opens the account pending approval)"),
            _e("SOAP GetCustomer (status, credit_hold, credit_limit, balance)"),
            _e("SOAP UpdateCustomer (name, e-mail, phone, address)"),
            MAGENTO_COMPANIES,
        ),
        needs=ACCOUNT_NEEDS,
        notes=(
            *ACCOUNT_NOTES,
            "the ERP opens every new account pending its credit controller's approval, even "
            "for customer-group accounts; on hold while not approved or credit_hold is set",
        ),
        sources=("sync_core/connectors/legacy/accounts.py", "sync_core/flows/accounts.py"),
        idempotency="none native (CreateCustomer makes a new account per call, FM-L03): the "
        "external_ref mage-company-<id> is looked up before every create, so a lost answer is "
        "found on the next pass",
        risks=(
            "duplicates made outside the integration are logged and the approved one (else "
            "the lowest number) is bound",
        ),
    ),
    "returns": Capability(
        "supported",
        (
            _e("SOAP FindCreditNotesByReference(credit_ref)"),
            _e("SOAP CreateCreditNote (erp_order_no, lines with restock and warehouse)"),
            MAGENTO_CREDIT_MEMOS,
        ),
        needs=("mapping.locations: the warehouse a returned line goes back to",),
        notes=(
            "one credit note per memo on the exported order; restocked lines go back into the "
            "mapped warehouse's stock at once; the ERP refuses over-crediting and returning "
            "goods that never shipped",
            "no shipping on the note (orders carry none); a memo with an adjustment is refused "
            "for manual handling",
        ),
        sources=("sync_core/connectors/legacy/returns.py", "sync_core/flows/returns.py"),
        idempotency="none native (CreateCreditNote makes a note per call, FM-L03): "
        + CREDIT_IDEMPOTENCY,
        risks=("ERP-owned refunds are not read back (no credits() reader)",),
    ),
    "order_state": Capability(
        "supported",
        (_e("SOAP FindOrdersByReference(order_ref), one call per order"), MAGENTO_ORDER_ACTIONS),
        notes=(
            "cancelled when every order with the reference is cancelled, else open: the ERP "
            "has no hold state",
            *STATE_NOTES,
        ),
        sources=("sync_core/connectors/legacy/connector.py", "sync_core/flows/order_state.py"),
        idempotency=STATE_IDEMPOTENCY,
        risks=("one SOAP call per order in policies.reconcile_window_s, every run",),
    ),
}

CAPABILITIES: dict[str, dict[str, Capability]] = {
    "netsuite": NETSUITE,
    "sap-b1": SAP_B1,
    "s4hana": S4HANA,
    "business-central": BUSINESS_CENTRAL,
    "sage200": SAGE200,
    "legacy": LEGACY,
}

# The returns flow when the ERP owns refunds (flows.returns.source_of_truth: erp).
REVERSE_RETURNS: dict[str, Capability] = {
    "netsuite": Capability(
        "supported",
        (
            _e("POST /query/v1/suiteql (credit memos by lastmodifieddate)"),
            _e("GET /record/v1/creditMemo/<id>?expandSubResources=true; invoice createdFrom"),
            MAGENTO_REFUND,
        ),
        notes=(
            "NetSuite credit memos of orders this integration exported become Magento "
            "credit memos (offline refunds)",
        ),  # fmt: skip
        sources=("sync_core/connectors/netsuite/returns.py", "sync_core/flows/returns_reverse.py"),
        idempotency=REFUND_IDEMPOTENCY,
    ),
    "sap-b1": Capability(
        "supported",
        (
            _e("GET /b1s/v1/CreditNotes?$filter=UpdateDate ge '<day>'"),
            _e("GET /b1s/v1/Invoices(<id>), /DeliveryNotes(<id>) (the order it credits)"),
            MAGENTO_REFUND,
        ),
        notes=("credit notes by UpdateDate (a day, read again), cancelled ones left out",),
        sources=("sync_core/connectors/sap_b1/returns.py", "sync_core/flows/returns_reverse.py"),
        idempotency=REFUND_IDEMPOTENCY,
    ),
    "s4hana": Capability(
        "supported",
        (
            _e("GET API_BILLING_DOCUMENT_SRV/A_BillingDocument (category O, $expand to_Item)"),
            MAGENTO_REFUND,
        ),
        notes=(
            "credit memos by LastChangeDate (a date, read again), cancelled ones left out; "
            "items name Material, BillingQuantity and the sales order they credit",
            "billing documents are also reconciled per order (FM-S06)",
        ),
        sources=("sync_core/connectors/s4hana/returns.py", "sync_core/flows/returns_reverse.py"),
        idempotency=REFUND_IDEMPOTENCY,
    ),
    "business-central": Capability(
        "supported",
        (
            _e("GET salesCreditMemos?$filter=lastModifiedDateTime ge <since> (+ lines)"),
            _e("GET salesInvoices(<id>) (orderId)"),
            MAGENTO_REFUND,
        ),
        notes=("the order is the one the applied invoice was posted from",),
        sources=(
            "sync_core/connectors/business_central/returns.py",
            "sync_core/flows/returns_reverse.py",
        ),
        idempotency=REFUND_IDEMPOTENCY,
    ),
    "sage200": Capability(
        "not-implemented",
        (
            _e(
                "GET sales_posted_transactions (credit notes)",
                used=False,
                note="readable, but the lines live only in nominal narratives",
            ),
        ),
        notes=(
            "sync_core/connectors/sage200/returns.py has no credits() reader: Sage 200 credit "
            "notes are not imported into Magento (custom work)",
        ),
        sources=("sync_core/connectors/sage200/returns.py", "sync_core/flows/returns_reverse.py"),
    ),
    "legacy": Capability(
        "not-implemented",
        (
            _e(
                "SOAP FindCreditNotesByReference(credit_ref)",
                used=False,
                note="by reference only: the OrderService has no credit-note listing",
            ),
        ),
        notes=(
            "sync_core/connectors/legacy/returns.py has no credits() reader: credit notes made "
            "in the ERP are not imported into Magento (custom work)",
        ),
        sources=("sync_core/connectors/legacy/returns.py", "sync_core/flows/returns_reverse.py"),
    ),
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
