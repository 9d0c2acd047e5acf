"""Sales orders (API_SALES_ORDER_SRV): creation with items, pricing, checks and statuses.

Rules (SD behaviour as documented; message numbers in :data:`errors.CODES` are unconfirmed):

- The sold-to party must be a customer defined for the order's sales area (FM-S02).
- An *order block* on the customer or its sales area rejects the order (option
  ``order_block_policy="hold"`` instead creates it with a delivery block, FM-T03); a customer
  *delivery block* or *billing block* is copied to the header, as SD copies them.
- ``PurchaseOrderByCustomer`` is not checked for duplicates: posting twice creates two
  orders (FM-S01).
- Each item's material must exist and be extended to its plant (and storage location, if
  given); items are numbered 10, 20, ...; the net value is quantity x price (the material's
  list price, or a manual ``PPR0`` condition sent in ``to_PricingElement``).
- A credit limit (event ``set_credit_limit``) that the order exceeds sets
  ``TotalCreditCheckStatus`` to ``B`` and answers with a ``sap-message`` warning.
- Statuses: item and header delivery status A (none), B (partly), C (fully delivered);
  rejected items count as completed.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from fakes.s4hana import partners, products
from fakes.s4hana.errors import ErrorDetail, business
from fakes.s4hana.odata.payload import EntityInput

if TYPE_CHECKING:
    from fakes.s4hana.state import S4Backend, Written

Record = dict[str, Any]
ORDER, ITEM, PRICE = "A_SalesOrder", "A_SalesOrderItem", "A_SalesOrderItemPrElement"
ORDER_TYPES = {"OR"}
REQUIRED = (
    "SalesOrderType",
    "SalesOrganization",
    "DistributionChannel",
    "OrganizationDivision",
    "SoldToParty",
)
FIXED = REQUIRED[:4]
CENT = Decimal("0.01")


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


# -- create ----------------------------------------------------------------------------------
def create_order(b: S4Backend, entity: EntityInput, user: str) -> Written:
    values = entity.values
    for name in REQUIRED:
        if not values.get(name):
            raise business("required", f"Enter a value for field {name}", name)
    if values["SalesOrderType"] not in ORDER_TYPES:
        raise business("doc_type", f"Sales document type {values['SalesOrderType']} is not defined")
    area = partners.sales_area_for_order(b, values)
    order = _header(b, entity, area, user)
    inputs = entity.children.get("to_Item", [])
    built = [
        _build_item(b, order, item, n) for item, n in zip(inputs, _numbers(inputs), strict=True)
    ]
    order["SalesOrder"] = b.next_number("SalesOrder")
    b.tables[ORDER].put(order)
    for item in built:
        _store_item(b, {**item, "SalesOrder": order["SalesOrder"]})
    refresh(b, order)
    return b.written(ORDER, order, _credit_check(b, order))


def _store_item(b: S4Backend, item: Record) -> None:
    b.tables[ITEM].put(item)
    b.tables[PRICE].put(_pricing_row(item))


def _numbers(inputs: list[EntityInput], taken: set[int] | None = None) -> list[str]:
    """Item numbers: the ones given (unique), the others the next free multiple of 10."""
    used = set(taken or ())
    numbers = []
    for item in inputs:
        given = str(item.values.get("SalesOrderItem") or "").strip()
        if given and (not given.isdigit() or int(given) in used or int(given) == 0):
            raise business(
                "item_missing", f"Item number {given} is invalid or used twice", "SalesOrderItem"
            )
        number = int(given) if given else (max(used, default=0) // 10 + 1) * 10
        used.add(number)
        numbers.append(str(number))
    return numbers


def _header(b: S4Backend, entity: EntityInput, area: Record, user: str) -> Record:
    today, stamp = b.today(), b.stamp()
    order: Record = {
        "SalesOrderDate": today,
        "PricingDate": today,
        "RequestedDeliveryDate": today,
        "TransactionCurrency": area.get("Currency") or "EUR",
        "CustomerPaymentTerms": area.get("CustomerPaymentTerms", ""),
        "IncotermsClassification": area.get("IncotermsClassification", ""),
        "ShippingCondition": area.get("ShippingCondition", ""),
        "CustomerPriceGroup": area.get("CustomerPriceGroup", ""),
        "PriceListType": area.get("PriceListType", ""),
    }
    order.update(b.creatable(ORDER, entity.values))
    order.update(partners.copied_blocks(b, area, order))
    order.update(
        {
            "SalesOrder": "",
            "CreationDate": today,
            "CreatedByUser": user.upper(),
            "LastChangeDate": today,
            "LastChangeDateTime": stamp,
            "TotalNetAmount": Decimal(0),
            "TotalCreditCheckStatus": "",
        }
    )
    return order


def create_item(b: S4Backend, entity: EntityInput, user: str) -> Written:
    order = b.get(ORDER, {"SalesOrder": entity.values.get("SalesOrder", "")})
    existing = {int(r["SalesOrderItem"]) for r in items_of(b, order)}
    item = _build_item(b, order, entity, _numbers([entity], existing)[0])
    _store_item(b, item)
    touch(b, order)
    return b.written(ITEM, item, _credit_check(b, order))


def _build_item(b: S4Backend, order: Record, entity: EntityInput, number: str) -> Record:
    values = entity.values
    material = values.get("Material") or ""
    product = products.require(b, material)
    plant, sloc = products.require_plant(
        b, material, values.get("ProductionPlant"), values.get("StorageLocation")
    )
    quantity = _quantity(values.get("RequestedQuantity"), material)
    unit = values.get("RequestedQuantityUnit") or product.get("BaseUnit") or "PC"
    if unit != (product.get("BaseUnit") or "PC"):
        raise business(
            "unit", f"Unit {unit} is not defined for material {material}", "RequestedQuantityUnit"
        )
    price, manual = _price(b, material, entity)
    item: Record = dict(b.creatable(ITEM, values))
    item.update(
        {
            "SalesOrder": order["SalesOrder"],
            "SalesOrderItem": number,
            "SalesOrderItemCategory": "TAN",
            "Material": material,
            "SalesOrderItemText": products.description(b, material),
            "PurchaseOrderByCustomer": values.get("PurchaseOrderByCustomer")
            or order.get("PurchaseOrderByCustomer", ""),
            "RequestedQuantity": quantity,
            "RequestedQuantityUnit": unit,
            "RequestedQuantitySAPUnit": "ST",
            "RequestedQuantityISOUnit": "PCE",
            "ProductionPlant": plant,
            "StorageLocation": sloc or "",
            "ShippingPoint": plant,
            "TransactionCurrency": order["TransactionCurrency"],
            "PricingDate": order["PricingDate"],
            "ItemGrossWeight": (product.get("GrossWeight") or Decimal(0)) * quantity,
            "ItemNetWeight": (product.get("NetWeight") or Decimal(0)) * quantity,
            "ItemWeightUnit": product.get("WeightUnit") or "KG",
            "MaterialGroup": product.get("ProductGroup", ""),
            "_price": price,
            "_manual_price": manual,
            "_delivered": Decimal(0),
            "_billed": Decimal(0),
        }
    )
    return item


def _quantity(raw: Any, material: str) -> Decimal:
    if raw is None or Decimal(raw) <= 0:
        raise business(
            "quantity",
            f"Enter a positive order quantity for material {material}",
            "RequestedQuantity",
        )
    return Decimal(raw)


def _price(b: S4Backend, material: str, entity: EntityInput) -> tuple[Decimal, bool]:
    for element in entity.children.get("to_PricingElement", []):
        condition = element.values.get("ConditionType")
        if condition != "PPR0" or element.values.get("ConditionRateValue") is None:
            raise business(
                "unit",
                f"Condition {condition or '(none)'} cannot be entered "
                "manually; only PPR0 with ConditionRateValue",
                "to_PricingElement",
            )
        return Decimal(element.values["ConditionRateValue"]), True
    return products.price(b, material), False


def _pricing_row(item: Record) -> Record:
    return {
        "SalesOrder": item["SalesOrder"],
        "SalesOrderItem": item["SalesOrderItem"],
        "PricingProcedureStep": "10",
        "PricingProcedureCounter": "1",
        "ConditionType": "PPR0",
        "ConditionCalculationType": "C",
        "ConditionCategory": "B",
        "ConditionOrigin": "A",
        "ConditionRateValue": item["_price"],
        "ConditionCurrency": item["TransactionCurrency"],
        "ConditionQuantity": Decimal(1),
        "ConditionQuantityUnit": item["RequestedQuantityUnit"],
        "ConditionBaseValue": item["RequestedQuantity"],
        "ConditionAmount": money(item["_price"] * item["RequestedQuantity"]),
        "TransactionCurrency": item["TransactionCurrency"],
        "ConditionIsManuallyChanged": bool(item["_manual_price"]),
    }


def _credit_check(b: S4Backend, order: Record) -> list[ErrorDetail]:
    limit = b.credit_limits.get(order["SoldToParty"])
    if limit is None:
        order["TotalCreditCheckStatus"] = ""
        return []
    exposure = sum(
        (
            open_value(b, o)
            for o in b.tables[ORDER].all()
            if o["SoldToParty"] == order["SoldToParty"]
        ),
        Decimal(0),
    )
    if exposure <= limit:
        order["TotalCreditCheckStatus"] = "A"
        return []
    order["TotalCreditCheckStatus"] = "B"
    text = (
        f"Credit limit exceeded for customer {order['SoldToParty']}: exposure "
        f"{money(exposure)} {order['TransactionCurrency']}, limit {money(limit)}"
    )
    return [ErrorDetail(b.code("credit_warning"), text, "", "warning")]


def open_value(b: S4Backend, order: Record) -> Decimal:
    total = Decimal(0)
    for item in items_of(b, order):
        if not item.get("SalesDocumentRjcnReason"):
            total += money(item["_price"] * (item["RequestedQuantity"] - item["_billed"]))
    return total


# -- read helpers ----------------------------------------------------------------------------
def items_of(b: S4Backend, order: Record) -> list[Record]:
    return b.tables[ITEM].where(SalesOrder=order["SalesOrder"])


def open_quantity(item: Record) -> Decimal:
    return Decimal(item["RequestedQuantity"]) - Decimal(item["_delivered"])


# -- statuses --------------------------------------------------------------------------------
def _status(done: Decimal, total: Decimal) -> str:
    if done <= 0:
        return "A"
    return "C" if done >= total else "B"


def refresh(b: S4Backend, order: Record) -> None:
    """Recompute item values and statuses, and the header's totals and overall statuses."""
    items = items_of(b, order)
    for item in items:
        _refresh_item(b, item)
    live = [i for i in items if not i.get("SalesDocumentRjcnReason")]
    delivery = _overall([i["DeliveryStatus"] for i in live or items])
    process = _overall([i["SDProcessStatus"] for i in items]) if items else "A"
    rejected = len(items) - len(live)
    order.update(
        {
            "TotalNetAmount": sum((i["NetAmount"] for i in live), Decimal(0)),
            "OverallDeliveryStatus": delivery,
            "OverallTotalDeliveryStatus": delivery,
            "OverallSDProcessStatus": process,
            "OverallSDDocumentRejectionSts": _status(Decimal(rejected), Decimal(len(items) or 1)),
        }
    )


def _refresh_item(b: S4Backend, item: Record) -> None:
    quantity = item["RequestedQuantity"]
    item["NetAmount"] = money(item["_price"] * quantity)
    delivered = _status(item["_delivered"], quantity)
    billed = _status(item["_billed"], quantity)
    item["DeliveryStatus"] = delivered
    if item.get("SalesDocumentRjcnReason") or delivered == "C" and billed == "C":
        item["SDProcessStatus"] = "C"
    else:
        item["SDProcessStatus"] = "A" if delivered == "A" and billed == "A" else "B"
    row = b.tables[PRICE].find(
        SalesOrder=item["SalesOrder"],
        SalesOrderItem=item["SalesOrderItem"],
        PricingProcedureStep="10",
        PricingProcedureCounter="1",
    )
    if row is not None:
        row.update(_pricing_row(item))


def _overall(statuses: list[str]) -> str:
    if not statuses or all(s == "A" for s in statuses):
        return "A"
    return "C" if all(s == "C" for s in statuses) else "B"


def touch(b: S4Backend, order: Record) -> None:
    refresh(b, order)
    order["LastChangeDateTime"] = b.stamp()
    order["LastChangeDate"] = b.today()


# -- change ----------------------------------------------------------------------------------
def update_order(b: S4Backend, order: Record, entity: EntityInput, user: str) -> Written:
    for name in FIXED:
        if name in entity.values and entity.values[name] != order.get(name):
            raise business(
                "field_fixed", f"Field {name} cannot be changed in an existing sales document", name
            )
    if "SoldToParty" in entity.values and entity.values["SoldToParty"] != order["SoldToParty"]:
        if any(i["_delivered"] for i in items_of(b, order)):
            raise business(
                "has_followups",
                "Sold-to party cannot be changed: subsequent "
                f"documents exist for sales order {order['SalesOrder']}",
                "SoldToParty",
            )
        partners.sales_area_for_order(b, {**order, **entity.values})
    order.update(b.updatable(ORDER, entity.values))
    touch(b, order)
    return b.written(ORDER, order, [])


def update_item(b: S4Backend, item: Record, entity: EntityInput, user: str) -> Written:
    values = b.updatable(ITEM, entity.values)
    if "RequestedQuantity" in values:
        quantity = _quantity(values["RequestedQuantity"], item["Material"])
        if quantity < item["_delivered"]:
            raise business(
                "quantity",
                f"Quantity {quantity} is less than the delivered quantity {item['_delivered']}",
                "RequestedQuantity",
            )
    _check_item_change(b, item, values)
    item.update(values)
    order = b.get(ORDER, {"SalesOrder": item["SalesOrder"]})
    touch(b, order)
    return b.written(ITEM, item, [])


def update_price_element(b: S4Backend, row: Record, entity: EntityInput, user: str) -> Written:
    """A manual price: PATCH ``ConditionRateValue`` of the item's PPR0 condition."""
    values = b.updatable(PRICE, entity.values)
    if "ConditionRateValue" in values:
        if row["ConditionType"] != "PPR0" or values["ConditionRateValue"] is None:
            raise business(
                "unit",
                f"Condition {row['ConditionType']} cannot be changed manually; only the PPR0 rate",
                "ConditionRateValue",
            )
        item = b.get(
            ITEM, {"SalesOrder": row["SalesOrder"], "SalesOrderItem": row["SalesOrderItem"]}
        )
        item["_price"], item["_manual_price"] = Decimal(values["ConditionRateValue"]), True
        touch(b, b.get(ORDER, {"SalesOrder": row["SalesOrder"]}))
    return b.written(PRICE, row, [])


def _check_item_change(b: S4Backend, item: Record, values: Record) -> None:
    material = str(values.get("Material", item["Material"]))
    moved = any(
        values.get(k, item.get(k)) != item.get(k)
        for k in ("Material", "ProductionPlant", "StorageLocation")
    )
    if not moved:
        return
    if item["_delivered"]:
        raise business(
            "has_followups",
            f"Item {item['SalesOrderItem']} has been delivered; "
            "material and plant cannot be changed",
            "Material",
        )
    products.require(b, material)
    products.require_plant(
        b,
        material,
        values.get("ProductionPlant", item["ProductionPlant"]),
        values.get("StorageLocation", item["StorageLocation"]),
    )


def delete_order(b: S4Backend, order: Record) -> None:
    items = items_of(b, order)
    if any(i["_delivered"] or i["_billed"] for i in items):
        raise business(
            "has_followups",
            f"Sales order {order['SalesOrder']} cannot be deleted: subsequent documents exist",
        )
    for item in items:
        _drop_item(b, item)
    b.tables[ORDER].delete((order["SalesOrder"],))


def delete_item(b: S4Backend, item: Record) -> None:
    if item["_delivered"] or item["_billed"]:
        raise business(
            "has_followups",
            f"Item {item['SalesOrderItem']} cannot be deleted: subsequent documents exist",
        )
    _drop_item(b, item)
    touch(b, b.get(ORDER, {"SalesOrder": item["SalesOrder"]}))


def _drop_item(b: S4Backend, item: Record) -> None:
    table = b.tables[PRICE]
    for row in table.where(SalesOrder=item["SalesOrder"], SalesOrderItem=item["SalesOrderItem"]):
        table.delete(table.key_of(row))
    b.tables[ITEM].delete((item["SalesOrder"], item["SalesOrderItem"]))


def cancel(b: S4Backend, sales_order: str, reason: str = "10") -> dict[str, Any]:
    """Reject every item that is not fully delivered (an operator cancels the order)."""
    order = b.get(ORDER, {"SalesOrder": sales_order})
    rejected = []
    for item in items_of(b, order):
        if item["DeliveryStatus"] != "C" and not item.get("SalesDocumentRjcnReason"):
            item["SalesDocumentRjcnReason"] = reason
            rejected.append(item["SalesOrderItem"])
    touch(b, order)
    return {"sales_order": sales_order, "rejected_items": rejected}
