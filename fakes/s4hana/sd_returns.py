"""Credit memo requests (API_CREDIT_MEMO_REQUEST_SRV) and customer returns
(API_CUSTOMER_RETURN_SRV): the SD documents that give money back and take goods back.

Both are created by deep insert (header with ``to_Item``) and read through the generic OData
reads. Rules (SD behaviour as documented; the message numbers of :data:`errors.CODES`):

- Types: a credit memo request is ``CR`` (items ``G2N``), a customer return ``CBAR`` (items
  ``CBEN``); any other type is not defined.
- With reference: ``ReferenceSDDocument`` on the header (or on an item) names an invoice
  (billing category ``M``; ``ReferenceSDDocumentCategory`` becomes ``M``); the sold-to party,
  sales area and currency are copied from it, and an item naming no reference item is matched
  to the invoice item of its material. An item may not take more than the invoice item billed
  less what earlier (not rejected) documents of the same kind already took from it: SD's
  copy control refuses it. Prices come from the invoice item.
- Without reference: sales area and sold-to party are required; the material's list price.
- A credit memo request is created with billing block ``08`` (check credit memo) unless the
  request names another one: billing waits for the release (event ``release_credit_memo``,
  which bills it into a G2 credit memo). A customer return item returns its goods to
  ``ProductionPlant``/``StorageLocation`` (default: the invoice item's plant); the event
  ``receive_return`` posts the goods receipt into unrestricted stock.
- ``PurchaseOrderByCustomer`` is not checked for duplicates (posting twice makes two).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from fakes.s4hana import billing, partners, products, sales
from fakes.s4hana.errors import business
from fakes.s4hana.odata.payload import EntityInput

if TYPE_CHECKING:
    from fakes.s4hana.state import S4Backend, Written

Record = dict[str, Any]
INVOICE = "M"
AREA = ("SalesOrganization", "DistributionChannel", "OrganizationDivision", "SoldToParty")


@dataclass(frozen=True)
class Kind:
    """One of the two document kinds: its entity sets, key names, type and item category."""

    header: str
    item: str
    number: str
    item_number: str
    type_field: str
    doc_type: str
    item_category: str
    date_field: str
    plant_field: str
    billing_block: str

    @property
    def category_field(self) -> str:
        return f"{self.item_number}Category"

    @property
    def text_field(self) -> str:
        return f"{self.item_number}Text"


CREDIT_MEMO_REQUEST = Kind(
    "A_CreditMemoRequest",
    "A_CreditMemoRequestItem",
    "CreditMemoRequest",
    "CreditMemoRequestItem",
    "CreditMemoRequestType",
    "CR",
    "G2N",
    "CreditMemoRequestDate",
    "Plant",
    "08",
)
CUSTOMER_RETURN = Kind(
    "A_CustomerReturn",
    "A_CustomerReturnItem",
    "CustomerReturn",
    "CustomerReturnItem",
    "CustomerReturnType",
    "CBAR",
    "CBEN",
    "CustomerReturnDate",
    "ProductionPlant",
    "",
)
FIRST_NUMBERS = {"CreditMemoRequest": 60000000, "CustomerReturn": 61000000}


# -- create ----------------------------------------------------------------------------------
def create_credit_memo_request(b: S4Backend, entity: EntityInput, user: str) -> Written:
    return _create(b, CREDIT_MEMO_REQUEST, entity, user)


def create_customer_return(b: S4Backend, entity: EntityInput, user: str) -> Written:
    return _create(b, CUSTOMER_RETURN, entity, user)


def _create(b: S4Backend, kind: Kind, entity: EntityInput, user: str) -> Written:
    values = entity.values
    doc_type = values.get(kind.type_field) or ""
    if doc_type != kind.doc_type:
        raise business("doc_type", f"Sales document type {doc_type or '(none)'} is not defined")
    invoice = _invoice(b, str(values.get("ReferenceSDDocument") or ""))
    header = _header(b, kind, entity, invoice, user)
    inputs = entity.children.get("to_Item", [])
    if not inputs:
        raise business("required", "Enter at least one item", "to_Item")
    items = [_item(b, kind, header, child, invoice, n) for n, child in enumerate(inputs, 1)]
    header[kind.number] = b.next_number(kind.number)
    header["TotalNetAmount"] = sum((i["NetAmount"] for i in items), Decimal(0))
    b.tables[kind.header].put(header)
    for item in items:
        b.tables[kind.item].put({**item, kind.number: header[kind.number]})
    return b.written(kind.header, header, [])


def _invoice(b: S4Backend, number: str) -> Record | None:
    if not number:
        return None
    found = b.tables[billing.HEADER].find(BillingDocument=number)
    if found is None or found.get("SDDocumentCategory") != INVOICE:
        raise business(
            "item_missing", f"Reference document {number} is not an invoice", "ReferenceSDDocument"
        )
    return found


def _header(
    b: S4Backend, kind: Kind, entity: EntityInput, invoice: Record | None, user: str
) -> Record:
    values = b.creatable(kind.header, entity.values)
    if invoice is not None:
        copied = {
            "SalesOrganization": invoice["SalesOrganization"],
            "DistributionChannel": invoice["DistributionChannel"],
            "OrganizationDivision": invoice["Division"],
            "SoldToParty": invoice["SoldToParty"],
        }
        for name, value in copied.items():
            if values.get(name) and values[name] != value:
                raise business(
                    "field_fixed", f"{name} {values[name]} differs from the reference {value}", name
                )
        values.update(copied)
    for name in AREA:
        if not values.get(name):
            raise business("required", f"Enter a value for field {name}", name)
    partners.customer_or_error(b, str(values["SoldToParty"]))
    today = b.today()
    return {
        kind.date_field: today,
        "PricingDate": today,
        "TransactionCurrency": invoice["TransactionCurrency"] if invoice else "EUR",
        "HeaderBillingBlockReason": kind.billing_block,
        **values,
        "ReferenceSDDocumentCategory": INVOICE if invoice else "",
        "CreationDate": today,
        "CreatedByUser": user.upper(),
        "LastChangeDate": today,
        "LastChangeDateTime": b.stamp(),
        "SalesDocApprovalStatus": "",
        "OverallSDProcessStatus": "A",
        "OverallSDDocumentRejectionSts": "A",
        **({"OverallOrdReltdBillgStatus": "A"} if kind is CREDIT_MEMO_REQUEST else {}),
    }


def _item(
    b: S4Backend, kind: Kind, header: Record, entity: EntityInput, invoice: Record | None, n: int
) -> Record:
    values = b.creatable(kind.item, entity.values)
    material = str(values.get("Material") or "")
    quantity = Decimal(values.get("RequestedQuantity") or 0)
    if quantity <= 0:
        raise business(
            "quantity", f"Enter a positive quantity for material {material}", "RequestedQuantity"
        )
    reference = _reference(b, kind, values, invoice, material)
    if reference is not None:
        material = material or reference["Material"]
        _check_open(b, kind, reference, quantity)
        price = reference["NetAmount"] / Decimal(reference["BillingQuantity"])
    else:
        price = products.price(b, material)
    product = products.require(b, material)
    item: Record = {
        **values,
        kind.item_number: str(values.get(kind.item_number) or n * 10),
        kind.category_field: kind.item_category,
        kind.text_field: products.description(b, material),
        "PurchaseOrderByCustomer": values.get("PurchaseOrderByCustomer")
        or header.get("PurchaseOrderByCustomer", ""),
        "Material": material,
        "RequestedQuantity": quantity,
        "RequestedQuantityUnit": product.get("BaseUnit") or "PC",
        "TransactionCurrency": header["TransactionCurrency"],
        "NetAmount": sales.money(price * quantity),
        "MaterialGroup": product.get("ProductGroup", ""),
        "SDProcessStatus": "A",
        "ReferenceSDDocument": reference["BillingDocument"] if reference else "",
        "ReferenceSDDocumentItem": reference["BillingDocumentItem"] if reference else "",
    }
    item.update(_plant(b, kind, values, reference, material))
    return item


def _reference(
    b: S4Backend, kind: Kind, values: Record, invoice: Record | None, material: str
) -> Record | None:
    """The invoice item an item copies: named by the item, else the invoice's of its material."""
    number = str(values.get("ReferenceSDDocument") or "") or (
        invoice["BillingDocument"] if invoice else ""
    )
    if not number:
        return None
    _invoice(b, number)
    rows = b.tables[billing.ITEM].where(BillingDocument=number)
    wanted = str(values.get("ReferenceSDDocumentItem") or "").lstrip("0")
    for row in rows:
        if wanted and row["BillingDocumentItem"] == wanted:
            return row
        if not wanted and row["Material"] == material:
            return row
    raise business(
        "item_missing",
        f"Invoice {number} has no item {wanted or 'for material ' + material}",
        "ReferenceSDDocumentItem",
    )


def _check_open(b: S4Backend, kind: Kind, reference: Record, quantity: Decimal) -> None:
    taken = sum(
        (
            Decimal(r["RequestedQuantity"])
            for r in b.tables[kind.item].all()
            if r.get("ReferenceSDDocument") == reference["BillingDocument"]
            and r.get("ReferenceSDDocumentItem") == reference["BillingDocumentItem"]
            and not r.get("SalesDocumentRjcnReason")
        ),
        Decimal(0),
    )
    billed = Decimal(reference["BillingQuantity"])
    if taken + quantity > billed:
        raise business(
            "quantity",
            f"Quantity {quantity} exceeds the quantity still open for reference "
            f"{reference['BillingDocument']}/{reference['BillingDocumentItem']} "
            f"({billed - taken} of {billed})",
            "RequestedQuantity",
        )


def _plant(
    b: S4Backend, kind: Kind, values: Record, reference: Record | None, material: str
) -> Record:
    plant = str(values.get(kind.plant_field) or (reference or {}).get("Plant") or "")
    if kind is CREDIT_MEMO_REQUEST:
        return {"Plant": plant, "OrderRelatedBillingStatus": "A"}
    sloc = str(values.get("StorageLocation") or "")
    plant, sloc = products.require_plant(b, material, plant or None, sloc or None)
    return {
        "ProductionPlant": plant,
        "StorageLocation": sloc or "",
        "ReferenceSDDocumentCategory": INVOICE if reference else "",
        "ReturnsMaterialHasBeenReceived": "",
    }


# -- events ----------------------------------------------------------------------------------
def receive_return(b: S4Backend, customer_return: str) -> dict[str, Any]:
    """Event ``receive_return``: the returned goods arrive and go to unrestricted stock."""
    header = b.get(CUSTOMER_RETURN.header, {"CustomerReturn": customer_return})
    received = []
    for item in b.tables[CUSTOMER_RETURN.item].where(CustomerReturn=customer_return):
        if item["ReturnsMaterialHasBeenReceived"] or item.get("SalesDocumentRjcnReason"):
            continue
        place = (item["Material"], item["ProductionPlant"], item["StorageLocation"] or "0001")
        current = products.quantity(b, *place)
        products.put_stock(b, *place, current + Decimal(item["RequestedQuantity"]))
        item.update({"ReturnsMaterialHasBeenReceived": "X", "SDProcessStatus": "C"})
        received.append(item["CustomerReturnItem"])
    header.update({"LastChangeDate": b.today(), "LastChangeDateTime": b.stamp()})
    return {"customer_return": customer_return, "received_items": received}


def release_credit_memo(b: S4Backend, credit_memo_request: str) -> dict[str, Any]:
    """Event ``release_credit_memo``: the billing block is removed and the request billed
    (a G2 credit memo, category O, crediting the sales order items of its invoice items)."""
    kind = CREDIT_MEMO_REQUEST
    header = b.get(kind.header, {"CreditMemoRequest": credit_memo_request})
    if header["OverallOrdReltdBillgStatus"] == "C":
        raise business("already_posted", f"Credit memo request {credit_memo_request} is billed")
    items = b.tables[kind.item].where(CreditMemoRequest=credit_memo_request)
    lines: list[dict[str, Any]] = []
    order = ""
    for item in items:
        source = b.tables[billing.ITEM].find(
            BillingDocument=item["ReferenceSDDocument"],
            BillingDocumentItem=item["ReferenceSDDocumentItem"],
        )
        if source is None:
            raise business("item_missing", f"Item {item[kind.item_number]} has no reference")
        order = str(source["SalesDocument"])
        lines.append({"item": source["SalesDocumentItem"], "quantity": item["RequestedQuantity"]})
    result = billing.credit_memo(b, order, lines)
    header.update(
        {
            "HeaderBillingBlockReason": "",
            "OverallOrdReltdBillgStatus": "C",
            "OverallSDProcessStatus": "C",
            "LastChangeDate": b.today(),
            "LastChangeDateTime": b.stamp(),
        }
    )
    for item in items:
        item.update({"OrderRelatedBillingStatus": "C", "SDProcessStatus": "C"})
    return {"credit_memo_request": credit_memo_request, **result}


# -- snapshot --------------------------------------------------------------------------------
def documents(b: S4Backend, kind: Kind) -> list[tuple[Record, list[Record]]]:
    """Every document of ``kind`` with its items (for the state snapshot)."""
    return [
        (h, b.tables[kind.item].where(**{kind.number: h[kind.number]})) for h in b.rows(kind.header)
    ]
