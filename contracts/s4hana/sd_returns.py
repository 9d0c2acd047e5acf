"""Hand-written ``$metadata`` for the SD documents that credit or take back what was sold:
API_CREDIT_MEMO_REQUEST_SRV (credit memo requests, SD document type CR) and
API_CUSTOMER_RETURN_SRV (customer returns, the returns order CBAR).

A subset of SAP's published services (written in the tables of
:mod:`contracts.s4hana.handwritten`): the header and item entity sets with the properties a
client of a web shop's refunds needs. Entity type, property and navigation names, key order,
Edm types, lengths and creatable/updatable facets follow the published credit memo request
EDMX (read through a CDS import of it and SAP's sample payloads on the API Business Hub);
the customer return's facets mirror the credit memo request's where the two share a name.
Association names are unconfirmed (SAP generates them), labels are shortened.
"""

from __future__ import annotations

from contracts.s4hana.handwritten import AssocDef, Prop, ServiceDef, SetDef, TypeDef

CREDIT_MEMO_REQUEST = "API_CREDIT_MEMO_REQUEST_SRV"
CUSTOMER_RETURN = "API_CUSTOMER_RETURN_SRV"
RO = "-c -u"

# -- shared header and item properties (after each document's own number and type) ----------
HEADER_AREA: tuple[Prop, ...] = (
    ("SalesOrganization", "String(4)", "Sales Organization", "upper"),
    ("DistributionChannel", "String(2)", "Distribution Channel", "upper"),
    ("OrganizationDivision", "String(2)", "Division", "upper"),
    ("SoldToParty", "String(10)", "Sold-to Party", "upper"),
    ("CreationDate", "DateTime", "Created On", f"date {RO}"),
    ("CreatedByUser", "String(12)", "Created By", f"upper {RO}"),
    ("LastChangeDate", "DateTime", "Changed On", f"date {RO}"),
    ("LastChangeDateTime", "DateTimeOffset", "Time Stamp", RO),
    ("PurchaseOrderByCustomer", "String(35)", "Customer Reference", ""),
    ("CustomerPurchaseOrderDate", "DateTime", "Customer Reference Date", "date"),
)

HEADER_VALUES: tuple[Prop, ...] = (
    ("TotalNetAmount", "Decimal(16,3)", "Net Value", f"unit:TransactionCurrency {RO}"),
    ("TransactionCurrency", "String(5)", "Document Currency", "upper sem:currency-code"),
    ("SDDocumentReason", "String(3)", "Order Reason", "upper"),
    ("PricingDate", "DateTime", "Pricing Date", "date"),
    ("HeaderBillingBlockReason", "String(2)", "Billing Block", "upper"),
    ("CustomerPaymentTerms", "String(4)", "Terms of Payment", "upper"),
    ("ReferenceSDDocument", "String(10)", "Reference Document", "upper"),
    ("ReferenceSDDocumentCategory", "String(4)", "Reference Document Category", RO),
    ("SalesDocApprovalStatus", "String(1)", "Approval Status", f"upper {RO}"),
    ("OverallSDProcessStatus", "String(1)", "Overall Status", f"upper {RO}"),
    ("OverallSDDocumentRejectionSts", "String(1)", "Rejection Status", f"upper {RO}"),
)

ITEM_MATERIAL: tuple[Prop, ...] = (
    ("PurchaseOrderByCustomer", "String(35)", "Customer Reference", ""),
    ("Material", "String(40)", "Material", "upper"),
    ("RequestedQuantity", "Decimal(15,3)", "Requested Quantity", "unit:RequestedQuantityUnit"),
    ("RequestedQuantityUnit", "String(3)", "Requested Qty Unit", "sem:unit-of-measure"),
    ("TransactionCurrency", "String(5)", "Document Currency", f"upper sem:currency-code {RO}"),
    ("NetAmount", "Decimal(16,3)", "Net Value", f"unit:TransactionCurrency {RO}"),
    ("MaterialGroup", "String(9)", "Material Group", "upper"),
)

ITEM_STATUS: tuple[Prop, ...] = (
    ("ItemBillingBlockReason", "String(2)", "Billing Block", "upper"),
    ("SalesDocumentRjcnReason", "String(2)", "Reason for Rejection", "upper"),
    ("ReferenceSDDocument", "String(10)", "Reference Document", "upper"),
    ("ReferenceSDDocumentItem", "String(6)", "Reference Item", "nonneg"),
    ("SDProcessStatus", "String(1)", "Overall Status", f"upper {RO}"),
)

# -- API_CREDIT_MEMO_REQUEST_SRV -------------------------------------------------------------
CMR_HEADER: tuple[Prop, ...] = (
    ("CreditMemoRequest", "String(10)", "Credit Memo Request", "nn upper"),
    ("CreditMemoRequestType", "String(4)", "Sales Document Type", "upper"),
    *HEADER_AREA,
    ("CreditMemoRequestDate", "DateTime", "Document Date", "date"),
    *HEADER_VALUES,
    ("OverallOrdReltdBillgStatus", "String(1)", "Order-Related Billing Status", f"upper {RO}"),
)

CMR_ITEM: tuple[Prop, ...] = (
    ("CreditMemoRequest", "String(10)", "Credit Memo Request", f"nn upper {RO}"),
    ("CreditMemoRequestItem", "String(6)", "Item", "nn nonneg"),
    ("CreditMemoRequestItemCategory", "String(4)", "Item Category", "upper"),
    ("CreditMemoRequestItemText", "String(40)", "Item Description", ""),
    *ITEM_MATERIAL,
    ("Plant", "String(4)", "Plant", "upper"),
    *ITEM_STATUS,
    ("OrderRelatedBillingStatus", "String(1)", "Order-Related Billing Status", f"upper {RO}"),
)

CMR_TO_ITEM = "assoc_CreditMemoRequest_to_Item"
CMR_TO_HEADER = "assoc_CreditMemoRequestItem_to_Header"

CREDIT_MEMO_REQUEST_SERVICE = ServiceDef(
    service=CREDIT_MEMO_REQUEST,
    namespace=CREDIT_MEMO_REQUEST,
    types=(
        TypeDef(
            "A_CreditMemoRequestType",
            ("CreditMemoRequest",),
            CMR_HEADER,
            (("to_Item", CMR_TO_ITEM, "fwd"),),
            "Credit Memo Request Header",
        ),
        TypeDef(
            "A_CreditMemoRequestItemType",
            ("CreditMemoRequest", "CreditMemoRequestItem"),
            CMR_ITEM,
            (("to_CreditMemoRequest", CMR_TO_HEADER, "fwd"),),
            "Credit Memo Request Item",
        ),
    ),
    assocs=(
        AssocDef(
            CMR_TO_ITEM,
            "A_CreditMemoRequestType",
            "1",
            "A_CreditMemoRequestItemType",
            "*",
            (("CreditMemoRequest", "CreditMemoRequest"),),
        ),
        AssocDef(CMR_TO_HEADER, "A_CreditMemoRequestItemType", "*", "A_CreditMemoRequestType", "1"),
    ),
    sets=(
        SetDef("A_CreditMemoRequest", "A_CreditMemoRequestType"),
        SetDef("A_CreditMemoRequestItem", "A_CreditMemoRequestItemType"),
    ),
)

# -- API_CUSTOMER_RETURN_SRV -----------------------------------------------------------------
RETURN_HEADER: tuple[Prop, ...] = (
    ("CustomerReturn", "String(10)", "Customer Return", "nn upper"),
    ("CustomerReturnType", "String(4)", "Sales Document Type", "upper"),
    *HEADER_AREA,
    ("CustomerReturnDate", "DateTime", "Document Date", "date"),
    *HEADER_VALUES,
    ("DeliveryBlockReason", "String(2)", "Delivery Block", "upper"),
)

RETURN_ITEM: tuple[Prop, ...] = (
    ("CustomerReturn", "String(10)", "Customer Return", f"nn upper {RO}"),
    ("CustomerReturnItem", "String(6)", "Item", "nn nonneg"),
    ("CustomerReturnItemCategory", "String(4)", "Item Category", "upper"),
    ("CustomerReturnItemText", "String(40)", "Item Description", ""),
    *ITEM_MATERIAL,
    ("ProductionPlant", "String(4)", "Plant", "upper"),
    ("StorageLocation", "String(4)", "Storage Location", "upper"),
    *ITEM_STATUS,
    ("ReferenceSDDocumentCategory", "String(4)", "Reference Document Category", RO),
    ("ReturnsMaterialHasBeenReceived", "String(1)", "Material Received", f"upper {RO}"),
)

RETURN_TO_ITEM = "assoc_CustomerReturn_to_Item"
RETURN_TO_HEADER = "assoc_CustomerReturnItem_to_Header"

CUSTOMER_RETURN_SERVICE = ServiceDef(
    service=CUSTOMER_RETURN,
    namespace=CUSTOMER_RETURN,
    types=(
        TypeDef(
            "A_CustomerReturnType",
            ("CustomerReturn",),
            RETURN_HEADER,
            (("to_Item", RETURN_TO_ITEM, "fwd"),),
            "Customer Return Header",
        ),
        TypeDef(
            "A_CustomerReturnItemType",
            ("CustomerReturn", "CustomerReturnItem"),
            RETURN_ITEM,
            (("to_CustomerReturn", RETURN_TO_HEADER, "fwd"),),
            "Customer Return Item",
        ),
    ),
    assocs=(
        AssocDef(
            RETURN_TO_ITEM,
            "A_CustomerReturnType",
            "1",
            "A_CustomerReturnItemType",
            "*",
            (("CustomerReturn", "CustomerReturn"),),
        ),
        AssocDef(RETURN_TO_HEADER, "A_CustomerReturnItemType", "*", "A_CustomerReturnType", "1"),
    ),
    sets=(
        SetDef("A_CustomerReturn", "A_CustomerReturnType"),
        SetDef("A_CustomerReturnItem", "A_CustomerReturnItemType"),
    ),
)

SERVICES: tuple[ServiceDef, ...] = (CREDIT_MEMO_REQUEST_SERVICE, CUSTOMER_RETURN_SERVICE)
