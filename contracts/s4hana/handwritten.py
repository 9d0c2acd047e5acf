"""Hand-written ``$metadata`` for the S/4HANA services with no reference EDMX in the repo.

API_MATERIAL_STOCK_SRV, API_OUTBOUND_DELIVERY_SRV;v=0002 and API_BILLING_DOCUMENT_SRV are
written as small tables here, a subset of SAP's published documents: entity type, property,
association, set and function-import names, key order, Edm types and facets follow the
published EDMX files (kothahemanth/SalesOrder-Stock, I304296/salesOrderWorkflow and
ArgosML-tech/monitor_sd, read through the code corpus); labels are shortened.

A property is ``(name, type, label, flags)``: type is ``String(10)``, ``Decimal(13,3)``,
``DateTime``, ``DateTimeOffset``, ``Time`` or ``Boolean``; flags are space-separated tokens:
``nn`` Nullable="false", ``-c`` not creatable, ``-u`` not updatable, ``cm`` ETag property,
``upper`` / ``date`` / ``nonneg`` SAP display formats, ``unit:X`` sap:unit, ``sem:X`` sap:semantics.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from contracts.s4hana.edmx import EDM_NS, EDMX_NS, M_NS, SAP_NS
from contracts.s4hana.extract import serialize

Prop = tuple[str, str, str, str]
E = f"{{{EDM_NS}}}"
S = f"{{{SAP_NS}}}"
M = f"{{{M_NS}}}"


@dataclass(frozen=True)
class TypeDef:
    name: str
    keys: tuple[str, ...]
    props: tuple[Prop, ...]
    navs: tuple[tuple[str, str, str], ...] = ()  # (name, association, direction "fwd"/"back")
    label: str = ""


@dataclass(frozen=True)
class AssocDef:
    name: str
    from_type: str
    from_mult: str
    to_type: str
    to_mult: str
    keys: tuple[tuple[str, str], ...] = ()  # referential constraint (principal, dependent)
    set_name: str = ""  # the association set's name; default: the association's


@dataclass(frozen=True)
class SetDef:
    name: str
    type: str
    flags: str = ""


@dataclass(frozen=True)
class FunctionDef:
    name: str
    return_type: str
    action_for: str
    params: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class ServiceDef:
    service: str
    namespace: str
    types: tuple[TypeDef, ...]
    assocs: tuple[AssocDef, ...]
    sets: tuple[SetDef, ...]
    complex_types: tuple[tuple[str, tuple[Prop, ...]], ...] = ()
    functions: tuple[FunctionDef, ...] = field(default_factory=tuple)


READ_ONLY = "-c -u -d"

STOCK = ServiceDef(
    service="API_MATERIAL_STOCK_SRV",
    namespace="API_MATERIAL_STOCK_SRV",
    types=(
        TypeDef(
            "A_MaterialStockType",
            ("Material",),
            (
                ("Material", "String(40)", "Material", "nn upper"),
                ("MaterialBaseUnit", "String(3)", "Base Unit of Measure", "sem:unit-of-measure"),
            ),
            (("to_MatlStkInAcctMod", "assoc_54E8EB962C48178E40453A31481776EE", "fwd"),),
            "Material Master",
        ),
        TypeDef(
            "A_MatlStkInAcctModType",
            (
                "Material",
                "Plant",
                "StorageLocation",
                "Batch",
                "Supplier",
                "Customer",
                "WBSElementInternalID",
                "SDDocument",
                "SDDocumentItem",
                "InventorySpecialStockType",
                "InventoryStockType",
            ),
            (
                ("Material", "String(40)", "Stock Material", "nn upper"),
                ("Plant", "String(4)", "Plant", "nn upper"),
                ("StorageLocation", "String(4)", "Storage Location", "nn upper"),
                ("Batch", "String(10)", "Batch SID", "nn upper"),
                ("Supplier", "String(10)", "Supplier SID", "nn upper"),
                ("Customer", "String(10)", "Customer SID", "nn upper"),
                ("WBSElementInternalID", "String(8)", "WBS Internal ID", "nn nonneg"),
                ("SDDocument", "String(10)", "Sales order", "nn upper"),
                ("SDDocumentItem", "String(6)", "Sales order item", "nn nonneg"),
                ("InventorySpecialStockType", "String(1)", "Special Stock Type", "nn upper"),
                ("InventoryStockType", "String(2)", "Stock Type", "nn upper"),
                ("WBSElementExternalID", "String(24)", "WBS Element", "upper"),
                ("MaterialBaseUnit", "String(3)", "Base Unit of Measure", "sem:unit-of-measure"),
                ("MatlWrhsStkQtyInMatlBaseUnit", "Decimal(31,14)", "", "unit:MaterialBaseUnit"),
            ),
            (("to_MaterialStock", "assoc_F6B85CF893D9D7998DAB6F6B58E318D6", "fwd"),),
            "Material Stock",
        ),
    ),
    assocs=(
        AssocDef(
            "assoc_54E8EB962C48178E40453A31481776EE",
            "A_MaterialStockType",
            "1",
            "A_MatlStkInAcctModType",
            "*",
        ),
        AssocDef(
            "assoc_F6B85CF893D9D7998DAB6F6B58E318D6",
            "A_MatlStkInAcctModType",
            "1",
            "A_MaterialStockType",
            "1",
        ),
    ),
    sets=(
        SetDef("A_MaterialStock", "A_MaterialStockType", READ_ONLY),
        SetDef("A_MatlStkInAcctMod", "A_MatlStkInAcctModType", READ_ONLY),
    ),
)

DELIVERY_HEADER: tuple[Prop, ...] = (
    ("DeliveryDocument", "String(10)", "Delivery", "nn -c -u"),
    ("DeliveryDocumentType", "String(4)", "Delivery Type", "-u"),
    ("DocumentDate", "DateTime", "Document Date", "-c"),
    ("ActualGoodsMovementDate", "DateTime", "Act. Gds Mvmnt Date", ""),
    ("ActualGoodsMovementTime", "Time", "Act. Gds Mvmnt Time", "-c -u"),
    ("CreationDate", "DateTime", "Created On", "-c -u"),
    ("CreationTime", "Time", "Time", "-c -u"),
    ("DeliveryBlockReason", "String(2)", "Delivery Block", ""),
    ("DeliveryDate", "DateTime", "Delivery Date", ""),
    ("DeliveryVersion", "String(4)", "DLV.Version", "cm -c -u"),
    ("HeaderBillingBlockReason", "String(2)", "Billing Block", ""),
    ("HeaderGrossWeight", "Decimal(15,3)", "Total Weight", ""),
    ("HeaderNetWeight", "Decimal(15,3)", "Net Weight", ""),
    ("HeaderWeightUnit", "String(3)", "Unit of Weight", ""),
    ("LastChangeDate", "DateTime", "Changed On", "-c -u"),
    ("OverallDelivReltdBillgStatus", "String(1)", "Billing Status", "-c -u"),
    ("OverallGoodsMovementStatus", "String(1)", "Goods Movement Status", "-c -u"),
    ("OverallPickingConfStatus", "String(1)", "Conf. Status", "-c -u"),
    ("OverallPickingStatus", "String(1)", "Picking Status", "-c -u"),
    ("PlannedGoodsIssueDate", "DateTime", "Pland Gds Mvmnt Date", ""),
    ("SalesOrganization", "String(4)", "Sales Org.", "-c -u"),
    ("ShippingCondition", "String(2)", "Shipping Conditions", ""),
    ("ShippingPoint", "String(4)", "Shipping Point", ""),
    ("ShipToParty", "String(10)", "Ship-To Party", "-u"),
    ("SoldToParty", "String(10)", "Sold-To Party", "-c -u"),
)

DELIVERY_ITEM: tuple[Prop, ...] = (
    ("ActualDeliveredQtyInBaseUnit", "Decimal(13,3)", "Qty (stckp.unt)", "-c"),
    ("DeliveryVersion", "String(4)", "DLV.Version", "cm -c -u"),
    ("ActualDeliveryQuantity", "Decimal(13,3)", "Delivery qty", ""),
    ("BaseUnit", "String(3)", "Base Unit", "-c -u"),
    ("Batch", "String(10)", "Batch", ""),
    ("CreationDate", "DateTime", "Created On", "-c -u"),
    ("CreationTime", "Time", "Time", "-c -u"),
    ("DeliveryDocument", "String(10)", "Delivery", "nn -c -u"),
    ("DeliveryDocumentItem", "String(6)", "Item", "nn -c -u"),
    ("DeliveryDocumentItemCategory", "String(4)", "Item Category", "-c -u"),
    ("DeliveryDocumentItemText", "String(40)", "Item Description", ""),
    ("DeliveryQuantityUnit", "String(3)", "Sales Unit", ""),
    ("DistributionChannel", "String(2)", "Distribution Channel", "-c -u"),
    ("Division", "String(2)", "Division", "-c -u"),
    ("GoodsMovementStatus", "String(1)", "Goods Movement Sts", "-c -u"),
    ("GoodsMovementType", "String(3)", "Movement Type", "-c -u"),
    ("InternationalArticleNumber", "String(18)", "EAN/UPC", "-c -u"),
    ("IsCompletelyDelivered", "Boolean", "Delivery completed", "-c -u"),
    ("LastChangeDate", "DateTime", "Changed On", "-c -u"),
    ("Material", "String(40)", "Material", "-c -u"),
    ("OriginalDeliveryQuantity", "Decimal(13,3)", "Original Quantity", "-c -u"),
    ("PickingStatus", "String(1)", "Picking Status", "-c -u"),
    ("Plant", "String(4)", "Plant", ""),
    ("ReferenceSDDocument", "String(10)", "Reference Document", ""),
    ("ReferenceSDDocumentCategory", "String(4)", "Ref. Doc. Category", "-c -u"),
    ("ReferenceSDDocumentItem", "String(6)", "Reference Item", ""),
    ("StorageLocation", "String(4)", "Storage Location", ""),
)

PICKING_REPORT: tuple[Prop, ...] = tuple(
    (name, spec, label, "-c -u")
    for name, spec, label in (
        ("SystemMessageIdentification", "String(20)", "Message ID"),
        ("SystemMessageNumber", "String(3)", "Message Number"),
        ("SystemMessageType", "String(1)", "Message Type"),
        ("SystemMessageVariable1", "String(50)", "Message var."),
        ("SystemMessageVariable2", "String(50)", "Message var."),
        ("SystemMessageVariable3", "String(50)", "Message var."),
        ("SystemMessageVariable4", "String(50)", "Message var."),
        ("Batch", "String(10)", "Batch"),
        ("DeliveryQuantityUnit", "String(3)", "Sales Unit"),
        ("ActualDeliveryQuantity", "Decimal(13,3)", "Delivery Qty"),
        ("DeliveryDocumentItemText", "String(40)", "Item Descr."),
        ("Material", "String(40)", "Material"),
        ("DeliveryDocumentItem", "String(6)", "Item"),
        ("DeliveryDocument", "String(10)", "Delivery"),
    )
)

DELIVERY = ServiceDef(
    service="API_OUTBOUND_DELIVERY_SRV;v=0002",
    namespace="API_OUTBOUND_DELIVERY_SRV",
    types=(
        TypeDef(
            "A_OutbDeliveryHeaderType",
            ("DeliveryDocument",),
            DELIVERY_HEADER,
            (("to_DeliveryDocumentItem", "assoc_Header_Item", "fwd"),),
        ),
        TypeDef(
            "A_OutbDeliveryItemType", ("DeliveryDocument", "DeliveryDocumentItem"), DELIVERY_ITEM
        ),
    ),
    assocs=(
        AssocDef(
            "assoc_Header_Item",
            "A_OutbDeliveryHeaderType",
            "1",
            "A_OutbDeliveryItemType",
            "*",
            (("DeliveryDocument", "DeliveryDocument"),),
            "assoc_Header_Item_Set",
        ),
    ),
    sets=(
        SetDef("A_OutbDeliveryItem", "A_OutbDeliveryItemType", "-c searchable"),
        SetDef("A_OutbDeliveryHeader", "A_OutbDeliveryHeaderType", "searchable"),
    ),
    complex_types=(("PickingReport", PICKING_REPORT),),
    functions=(
        FunctionDef(
            "PostGoodsIssue",
            "Collection(API_OUTBOUND_DELIVERY_SRV.PickingReport)",
            "API_OUTBOUND_DELIVERY_SRV.A_OutbDeliveryHeaderType",
            (("DeliveryDocument", "10"),),
        ),
    ),
)

BILLING_HEADER: tuple[Prop, ...] = (
    ("BillingDocument", "String(10)", "Billing Document", "nn upper"),
    ("SDDocumentCategory", "String(4)", "SD Document Category", ""),
    ("BillingDocumentCategory", "String(1)", "Billing Category", "upper"),
    ("BillingDocumentType", "String(4)", "Billing Type", "upper"),
    ("CreationDate", "DateTime", "Created On", "date"),
    ("CreationTime", "Time", "Time", ""),
    ("LastChangeDate", "DateTime", "Changed On", "date"),
    ("LastChangeDateTime", "DateTimeOffset", "Time Stamp", "cm"),
    ("SalesOrganization", "String(4)", "Sales Organization", "upper"),
    ("DistributionChannel", "String(2)", "Distribution Channel", "upper"),
    ("Division", "String(2)", "Division", "upper"),
    ("BillingDocumentDate", "DateTime", "Billing Date", "date"),
    ("BillingDocumentIsCancelled", "Boolean", "Canceled", ""),
    ("CancelledBillingDocument", "String(10)", "Canceled Bill. Doc.", "upper"),
    ("TotalNetAmount", "Decimal(16,3)", "Net Value", "unit:TransactionCurrency"),
    ("TransactionCurrency", "String(5)", "Document Currency", "upper sem:currency-code"),
    ("TaxAmount", "Decimal(14,3)", "Tax Amount", "unit:TransactionCurrency"),
    ("TotalGrossAmount", "Decimal(17,3)", "", "unit:TransactionCurrency"),
    ("PayerParty", "String(10)", "Payer", "upper"),
    ("CustomerPaymentTerms", "String(4)", "Terms of Payment", "upper"),
    ("CompanyCode", "String(4)", "Company Code", "upper"),
    ("FiscalYear", "String(4)", "Fiscal Year", "nonneg"),
    ("AccountingDocument", "String(10)", "Document Number", "upper"),
    ("SoldToParty", "String(10)", "Sold-to Party", "upper"),
    ("PurchaseOrderByCustomer", "String(35)", "Customer Reference", ""),
    ("OverallSDProcessStatus", "String(1)", "Overall Status", "upper"),
    ("OverallBillingStatus", "String(1)", "Status", "upper"),
    ("AccountingPostingStatus", "String(1)", "Posting Status", "upper"),
)

BILLING_ITEM: tuple[Prop, ...] = (
    ("BillingDocument", "String(10)", "Billing Document", "nn upper"),
    ("BillingDocumentItem", "String(6)", "Item", "nn nonneg"),
    ("SalesDocumentItemCategory", "String(4)", "Sales Doc. Item Cat.", "upper"),
    ("CreationDate", "DateTime", "Created On", "date"),
    ("Division", "String(2)", "Division", "upper"),
    ("Material", "String(40)", "Material", "upper"),
    ("Batch", "String(10)", "Batch", "upper"),
    ("Plant", "String(4)", "Plant", "upper"),
    ("StorageLocation", "String(4)", "Storage Location", "upper"),
    ("BillingDocumentItemText", "String(40)", "Item Description", ""),
    ("BillingQuantity", "Decimal(13,3)", "Invoiced Quantity", "unit:BillingQuantityUnit"),
    ("BillingQuantityUnit", "String(3)", "Sales Unit", "sem:unit-of-measure"),
    ("BillingQuantityInBaseUnit", "Decimal(13,3)", "Billing Qty in SKU", "unit:BaseUnit"),
    ("BaseUnit", "String(3)", "Base Unit of Measure", "sem:unit-of-measure"),
    ("NetAmount", "Decimal(16,3)", "Net Value", "unit:TransactionCurrency"),
    ("TransactionCurrency", "String(5)", "Document Currency", "upper sem:currency-code"),
    ("GrossAmount", "Decimal(16,3)", "Gross Value", "unit:TransactionCurrency"),
    ("TaxAmount", "Decimal(14,3)", "Tax Amount", "unit:TransactionCurrency"),
    ("ReferenceSDDocument", "String(10)", "Reference Document", "upper"),
    ("ReferenceSDDocumentItem", "String(6)", "Reference Item", "nonneg"),
    ("ReferenceSDDocumentCategory", "String(4)", "Reference Document Category", ""),
    ("SalesDocument", "String(10)", "Sales Document", "upper"),
    ("SalesDocumentItem", "String(6)", "Sales Document Item", "nonneg"),
    ("SalesSDDocumentCategory", "String(4)", "Sales Document Category", ""),
)

BILLING = ServiceDef(
    service="API_BILLING_DOCUMENT_SRV",
    namespace="API_BILLING_DOCUMENT_SRV",
    types=(
        TypeDef(
            "A_BillingDocumentType",
            ("BillingDocument",),
            BILLING_HEADER,
            (("to_Item", "assoc_35B79867633D35B2FD84F13E02610402", "fwd"),),
            "Billing Document Header",
        ),
        TypeDef(
            "A_BillingDocumentItemType",
            ("BillingDocument", "BillingDocumentItem"),
            BILLING_ITEM,
            (("to_BillingDocument", "assoc_9352BC647D962607B845776023DBC0EA", "fwd"),),
            "Billing Document Item",
        ),
    ),
    assocs=(
        AssocDef(
            "assoc_35B79867633D35B2FD84F13E02610402",
            "A_BillingDocumentType",
            "1",
            "A_BillingDocumentItemType",
            "*",
        ),
        AssocDef(
            "assoc_9352BC647D962607B845776023DBC0EA",
            "A_BillingDocumentItemType",
            "1",
            "A_BillingDocumentType",
            "1",
        ),
    ),
    sets=(
        SetDef("A_BillingDocument", "A_BillingDocumentType", READ_ONLY),
        SetDef("A_BillingDocumentItem", "A_BillingDocumentItemType", READ_ONLY),
    ),
)

SERVICES: tuple[ServiceDef, ...] = (STOCK, DELIVERY, BILLING)
_TYPE = re.compile(r"^(\w+)(?:\((\d+)(?:,(\d+))?\))?$")


def _property_element(parent: ET.Element, prop: Prop) -> ET.Element:
    name, spec, label, flags = prop
    match = _TYPE.match(spec)
    assert match, spec
    kind, first, second = match.groups()
    tokens = set(flags.split())
    attrs = {"Name": name, "Type": f"Edm.{kind}"}
    if "nn" in tokens:
        attrs["Nullable"] = "false"
    attrs.update(_facets(kind, first, second))
    if "cm" in tokens:
        attrs["ConcurrencyMode"] = "Fixed"
    attrs.update(_sap_attrs(kind, label, tokens))
    return ET.SubElement(parent, E + "Property", attrs)


def _facets(kind: str, first: str | None, second: str | None) -> dict[str, str]:
    if kind == "String" and first:
        return {"MaxLength": first}
    if kind == "Decimal":
        return {"Precision": first or "0", "Scale": second or "0"}
    if kind in ("DateTime", "Time"):
        return {"Precision": "0"}
    if kind == "DateTimeOffset":
        return {"Precision": "7"}
    return {}


def _sap_attrs(kind: str, label: str, tokens: set[str]) -> dict[str, str]:
    attrs: dict[str, str] = {}
    if "upper" in tokens:
        attrs[S + "display-format"] = "UpperCase"
    if "nonneg" in tokens:
        attrs[S + "display-format"] = "NonNegative"
    if "date" in tokens or (kind == "DateTime" and "upper" not in tokens):
        attrs[S + "display-format"] = "Date"
    if label:
        attrs[S + "label"] = label
    if "-c" in tokens:
        attrs[S + "creatable"] = "false"
    if "-u" in tokens:
        attrs[S + "updatable"] = "false"
    for token in sorted(tokens):
        prefix, _, value = token.partition(":")
        if prefix in ("unit", "sem") and value:
            attrs[S + ("unit" if prefix == "unit" else "semantics")] = value
    return attrs


def _entity_type(schema: ET.Element, service: ServiceDef, type_def: TypeDef) -> None:
    attrs = {S + "content-version": "1"}
    if type_def.label:
        attrs = {S + "label": type_def.label, **attrs}
    element = ET.SubElement(schema, E + "EntityType", {"Name": type_def.name, **attrs})
    key = ET.SubElement(element, E + "Key")
    for name in type_def.keys:
        ET.SubElement(key, E + "PropertyRef", {"Name": name})
    for prop in type_def.props:
        _property_element(element, prop)
    for nav, assoc, _direction in type_def.navs:
        ET.SubElement(
            element,
            E + "NavigationProperty",
            {
                "Name": nav,
                "Relationship": f"{service.namespace}.{assoc}",
                "FromRole": f"FromRole_{assoc}",
                "ToRole": f"ToRole_{assoc}",
            },
        )


def _association(schema: ET.Element, service: ServiceDef, assoc: AssocDef) -> None:
    element = ET.SubElement(
        schema, E + "Association", {"Name": assoc.name, S + "content-version": "1"}
    )
    ends = (
        (assoc.from_type, assoc.from_mult, "FromRole"),
        (assoc.to_type, assoc.to_mult, "ToRole"),
    )
    for type_name, mult, role in ends:
        ET.SubElement(
            element,
            E + "End",
            {
                "Type": f"{service.namespace}.{type_name}",
                "Multiplicity": mult,
                "Role": f"{role}_{assoc.name}",
            },
        )
    if assoc.keys:
        constraint = ET.SubElement(element, E + "ReferentialConstraint")
        principal = ET.SubElement(constraint, E + "Principal", {"Role": f"FromRole_{assoc.name}"})
        dependent = ET.SubElement(constraint, E + "Dependent", {"Role": f"ToRole_{assoc.name}"})
        for left, right in assoc.keys:
            ET.SubElement(principal, E + "PropertyRef", {"Name": left})
            ET.SubElement(dependent, E + "PropertyRef", {"Name": right})


def _set_attrs(flags: str) -> dict[str, str]:
    tokens = set(flags.split())
    names = {"-c": "creatable", "-u": "updatable", "-d": "deletable", "searchable": "searchable"}
    attrs = {S + names[t]: ("true" if t == "searchable" else "false") for t in sorted(tokens)}
    attrs[S + "content-version"] = "1"
    return attrs


def _container(schema: ET.Element, service: ServiceDef) -> None:
    container = ET.SubElement(
        schema,
        E + "EntityContainer",
        {
            "Name": f"{service.namespace}_Entities",
            M + "IsDefaultEntityContainer": "true",
            S + "supported-formats": "atom json xlsx",
        },
    )
    for set_def in service.sets:
        attrs = {"Name": set_def.name, "EntityType": f"{service.namespace}.{set_def.type}"}
        ET.SubElement(container, E + "EntitySet", {**attrs, **_set_attrs(set_def.flags)})
    for assoc in service.assocs:
        _association_set(container, service, assoc)
    for function in service.functions:
        _function(container, function)


def _association_set(container: ET.Element, service: ServiceDef, assoc: AssocDef) -> None:
    sets = {s.type: s.name for s in service.sets}
    element = ET.SubElement(
        container,
        E + "AssociationSet",
        {
            "Name": assoc.set_name or assoc.name,
            "Association": f"{service.namespace}.{assoc.name}",
            **_set_attrs("-c -u -d"),
        },
    )
    ET.SubElement(
        element, E + "End", {"EntitySet": sets[assoc.from_type], "Role": f"FromRole_{assoc.name}"}
    )
    ET.SubElement(
        element, E + "End", {"EntitySet": sets[assoc.to_type], "Role": f"ToRole_{assoc.name}"}
    )


def _function(container: ET.Element, function: FunctionDef) -> None:
    element = ET.SubElement(
        container,
        E + "FunctionImport",
        {
            "Name": function.name,
            "ReturnType": function.return_type,
            M + "HttpMethod": "POST",
            S + "action-for": function.action_for,
        },
    )
    for name, length in function.params:
        ET.SubElement(
            element,
            E + "Parameter",
            {"Name": name, "Type": "Edm.String", "Mode": "In", "MaxLength": length},
        )


def build(service: ServiceDef) -> str:
    """The EDMX document for one hand-written service."""
    root = ET.Element(f"{{{EDMX_NS}}}Edmx", {"Version": "1.0"})
    data = ET.SubElement(root, f"{{{EDMX_NS}}}DataServices", {M + "DataServiceVersion": "2.0"})
    schema = ET.SubElement(
        data,
        E + "Schema",
        {
            "Namespace": service.namespace,
            "{http://www.w3.org/XML/1998/namespace}lang": "en",
            S + "schema-version": "1",
        },
    )
    for type_def in service.types:
        _entity_type(schema, service, type_def)
    for name, props in service.complex_types:
        complex_type = ET.SubElement(schema, E + "ComplexType", {"Name": name})
        for prop in props:
            _property_element(complex_type, prop)
    for assoc in service.assocs:
        _association(schema, service, assoc)
    _container(schema, service)
    return serialize(root)


def handwritten_documents() -> dict[str, str]:
    return {service.service: build(service) for service in SERVICES}
