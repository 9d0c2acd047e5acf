"""Products, plant extension and material stock (API_PRODUCT_SRV, API_MATERIAL_STOCK_SRV).

Stock is kept as ``A_MatlStkInAcctMod`` rows of unrestricted-use stock (stock type ``01``,
no batch or special stock) per material, plant and storage location.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from fakes.s4hana import pricing_conditions
from fakes.s4hana.errors import business

if TYPE_CHECKING:
    from fakes.s4hana.state import S4Backend

Record = dict[str, Any]
PRODUCT, DESCRIPTION, PLANT, SLOC = (
    "A_Product",
    "A_ProductDescription",
    "A_ProductPlant",
    "A_ProductStorageLocation",
)
STOCK, MATERIAL_STOCK = "A_MatlStkInAcctMod", "A_MaterialStock"
UNRESTRICTED = "01"


def require(b: S4Backend, material: str) -> Record:
    product = b.tables[PRODUCT].find(Product=material)
    if product is None or product.get("IsMarkedForDeletion"):
        raise business("material_missing", f"Material {material} does not exist", "Material")
    return product


def set_price(b: S4Backend, material: str, amount: str | float) -> dict[str, Any]:
    """Event ``set_price``: the material's list price (PPR0) changes for new orders: a new
    condition record valid from today on."""
    require(b, material)
    b.prices[material] = Decimal(str(amount))
    pricing_conditions.add(b, material, b.prices[material], b.today())
    return {"material": material, "price": str(b.prices[material])}


def plants_of(b: S4Backend, material: str) -> list[Record]:
    return b.tables[PLANT].where(Product=material)


def require_plant(
    b: S4Backend, material: str, plant: str | None, sloc: str | None
) -> tuple[str, str]:
    """The item's plant (default: the material's first plant) and storage location, checked."""
    if not plant:
        plants = plants_of(b, material)
        if not plants:
            raise business(
                "material_plant",
                f"Material {material} is not maintained in any plant",
                "ProductionPlant",
            )
        plant = str(plants[0]["Plant"])
    if b.tables[PLANT].find(Product=material, Plant=plant) is None:
        raise business(
            "material_plant",
            f"Material {material} is not maintained in plant {plant}",
            "ProductionPlant",
        )
    if sloc and b.tables[SLOC].find(Product=material, Plant=plant, StorageLocation=sloc) is None:
        raise business(
            "storage_location",
            f"Material {material} is not maintained in storage location {plant}/{sloc}",
            "StorageLocation",
        )
    return plant, sloc or ""


def description(b: S4Backend, material: str) -> str:
    row = b.tables[DESCRIPTION].find(Product=material, Language="EN")
    return str(row["ProductDescription"]) if row else ""


def price(b: S4Backend, material: str) -> Decimal:
    """The PPR0 condition valid today, else the seeded list price."""
    found = pricing_conditions.price_on(b, material, b.now())
    return found if found is not None else b.prices.get(material, Decimal(0))


def stock_key(material: str, plant: str, sloc: str) -> dict[str, str]:
    return {
        "Material": material,
        "Plant": plant,
        "StorageLocation": sloc,
        "Batch": "",
        "Supplier": "",
        "Customer": "",
        "WBSElementInternalID": "0",
        "SDDocument": "",
        "SDDocumentItem": "0",
        "InventorySpecialStockType": "",
        "InventoryStockType": UNRESTRICTED,
    }


def stock_row(b: S4Backend, material: str, plant: str, sloc: str) -> Record | None:
    return b.tables[STOCK].find(**stock_key(material, plant, sloc))


def quantity(b: S4Backend, material: str, plant: str, sloc: str) -> Decimal:
    row = stock_row(b, material, plant, sloc)
    return Decimal(row["MatlWrhsStkQtyInMatlBaseUnit"]) if row else Decimal(0)


def put_stock(b: S4Backend, material: str, plant: str, sloc: str, qty: Decimal) -> Record:
    """Create or overwrite a stock row (and the storage-location extension it implies)."""
    unit = str((b.tables[PRODUCT].find(Product=material) or {}).get("BaseUnit") or "PC")
    row = stock_row(b, material, plant, sloc) or b.tables[STOCK].put(
        {**stock_key(material, plant, sloc), "MaterialBaseUnit": unit}
    )
    row["MatlWrhsStkQtyInMatlBaseUnit"] = qty
    if b.tables[MATERIAL_STOCK].find(Material=material) is None:
        b.tables[MATERIAL_STOCK].put({"Material": material, "MaterialBaseUnit": unit})
    if b.tables[SLOC].find(Product=material, Plant=plant, StorageLocation=sloc) is None:
        b.tables[SLOC].put({"Product": material, "Plant": plant, "StorageLocation": sloc})
    return row


def set_stock(b: S4Backend, material: str, plant: str, sloc: str, qty: Decimal) -> dict[str, Any]:
    """Event ``set_stock``: a stock count or movement sets the unrestricted quantity."""
    require(b, material)
    if qty < 0:
        raise ValueError("quantity must not be negative")
    if b.tables[PLANT].find(Product=material, Plant=plant) is None:
        raise ValueError(f"material {material} is not maintained in plant {plant}")
    put_stock(b, material, plant, sloc, qty)
    return {"material": material, "plant": plant, "storage_location": sloc, "quantity": str(qty)}


def issue(b: S4Backend, material: str, plant: str, sloc: str, qty: Decimal) -> None:
    """Goods issue: reduce unrestricted stock; SAP's deficit error when it would go negative."""
    available = quantity(b, material, plant, sloc)
    if available < qty:
        deficit = qty - available
        raise business(
            "stock_deficit",
            f"Deficit of SL Unrestricted-use {deficit} PC : {material} {plant} {sloc}",
            "StorageLocation",
        )
    put_stock(b, material, plant, sloc, available - qty)
