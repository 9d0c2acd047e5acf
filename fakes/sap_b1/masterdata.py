"""Master data: BusinessPartners, Items, Warehouses, PriceLists and SpecialPrices.

Collections are merged on PATCH by their natural key (``BPAddresses`` by ``RowNum``,
``ItemPrices`` by ``PriceList``, ``ItemWarehouseInfoCollection`` by ``WarehouseCode``,
``SpecialPriceDataAreas`` by ``RowNumber``) unless ``B1S-ReplaceCollectionsOnPatch`` asks for
replacement. Stock figures (``InStock``, ``Committed``, ``Ordered``) are read-only: only
documents (and control-plane events) move them. Records used by documents cannot be deleted.
A special price whose ``CardCode`` is ``*<n>`` is the period and volume discount of price list
``n`` for every business partner on it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fakes.sap_b1 import errors, schema
from fakes.sap_b1.doc_changes import DocumentChanges
from fakes.sap_b1.store import DOC_KINDS, NO, YES, Entity, Key

COLLECTIONS: dict[str, tuple[str, str]] = {
    "BPAddresses": ("BPAddress", "RowNum"),
    "ItemPrices": ("ItemPrice", "PriceList"),
    "ItemWarehouseInfoCollection": ("ItemWarehouseInfo", "WarehouseCode"),
    "SpecialPriceDataAreas": ("SpecialPriceDataArea", "RowNumber"),
}
NUMBERED = {"RowNum", "RowNumber"}
ROW_DEFAULTS: dict[str, Entity] = {
    "ItemWarehouseInfo": {"InStock": 0.0, "Committed": 0.0, "Ordered": 0.0},
}


def _required(entity: Entity, name: str) -> Any:
    value = entity.get(name)
    if value in (None, ""):
        raise errors.invalid_value(name, value)
    return value


class MasterData(DocumentChanges):
    # -- collections --------------------------------------------------------------------------
    def merge_collections(self, parsed: Entity, current: Entity, replace: bool) -> None:
        """Replace each raw collection in ``parsed`` by its merge with ``current``'s rows."""
        for name in [n for n in parsed if n in COLLECTIONS]:
            row_type, match = COLLECTIONS[name]
            old_rows: list[Entity] = current.get(name) or []
            defaults = ROW_DEFAULTS.get(row_type)
            rows = self.parse_rows(row_type, parsed[name], old_rows, match)
            if defaults is not None:
                rows = [self._with_row_defaults(row_type, row, old_rows, match) for row in rows]
            parsed[name] = _merge_rows([] if replace else old_rows, rows, match)

    def _with_row_defaults(
        self, row_type: str, row: Entity, old_rows: list[Entity], match: str
    ) -> Entity:
        if any(old.get(match) == row.get(match) for old in old_rows):
            return row
        return {**ROW_DEFAULTS[row_type], **row}

    # -- create -------------------------------------------------------------------------------
    def create_master(self, set_name: str, body: Any) -> Key:
        type_name = schema.set_type(set_name)
        parsed = self.parse_struct(type_name, body, None)
        creators: dict[str, Callable[[Entity], Key]] = {
            "BusinessPartners": self._new_partner,
            "Items": self._new_item,
            "Warehouses": self._new_warehouse,
            "PriceLists": self._new_price_list,
            "SpecialPrices": self._new_special_price,
        }
        key = creators[set_name](parsed)
        self.touch(set_name, key)
        return key

    def _new_partner(self, parsed: Entity) -> Key:
        code = parsed.get("CardCode")
        if not code:
            raise errors.bp_missing("OCRD")
        if code in self.store["BusinessPartners"]:
            raise errors.bp_exists(str(code))
        self.merge_collections(parsed, {}, replace=True)
        for row in parsed.get("BPAddresses", []):
            row["BPCode"] = code
        today = self.today()
        partner = {
            "CardCode": code, "CardType": "cCustomer", "GroupCode": 100, "Frozen": NO,
            "Valid": YES, "PriceListNum": 1, "CreditLimit": 0.0, "CurrentAccountBalance": 0.0,
            "Currency": self.opt("local_currency"), "CreateDate": today, "UpdateDate": today,
            **parsed,
        }
        self.store["BusinessPartners"][code] = partner
        return code

    def _new_item(self, parsed: Entity) -> Key:
        code = _required(parsed, "ItemCode")
        if code in self.store["Items"]:
            raise errors.item_exists(str(code))
        self.merge_collections(parsed, {}, replace=True)
        self._check_item_rows(parsed)
        today = self.today()
        item: Entity = {
            "ItemCode": code, "InventoryItem": YES, "SalesItem": YES, "PurchaseItem": YES,
            "ItemsGroupCode": 100, "Frozen": NO, "Valid": YES, "CreateDate": today,
            "UpdateDate": today, **parsed,
        }
        for whs in item.get("ItemWarehouseInfoCollection", []):
            whs["ItemCode"] = code
        for whs_code in self.store["Warehouses"]:
            self.stock_row(item, whs_code)
        self.refresh_item_totals(item)
        self.store["Items"][code] = item
        return code

    def _new_warehouse(self, parsed: Entity) -> Key:
        code = _required(parsed, "WarehouseCode")
        if code in self.store["Warehouses"]:
            raise errors.duplicate_key()
        self.store["Warehouses"][code] = {"WarehouseCode": code, "Inactive": NO, **parsed}
        for item in self.store["Items"].values():
            self.stock_row(item, code)
        return code

    def _new_price_list(self, parsed: Entity) -> Key:
        number = parsed.get("PriceListNo") or max(self.store["PriceLists"], default=0) + 1
        _required(parsed, "PriceListName")
        if number in self.store["PriceLists"]:
            raise errors.duplicate_key()
        base_default = 1 if 1 in self.store["PriceLists"] else number
        price_list = {"PriceListNo": number, "BasePriceList": base_default, "Factor": 1.0,
                      "Active": YES, **parsed}
        self.store["PriceLists"][number] = price_list
        base, factor = int(price_list["BasePriceList"]), float(price_list["Factor"])
        for item in self.store["Items"].values():
            price = round(self.list_price(base, item) * factor, 6)
            item.setdefault("ItemPrices", []).append(
                {"PriceList": number, "Price": price, "Currency": self.opt("local_currency"),
                 "BasePriceList": base, "Factor": factor}
            )
        return number

    def _new_special_price(self, parsed: Entity) -> Key:
        card, item = _required(parsed, "CardCode"), _required(parsed, "ItemCode")
        if self.partner(card) is None and not self._price_list_code(card):
            raise errors.bp_invalid("OSPP", str(card))
        if self.item(item) is None:
            raise errors.item_invalid("OSPP", 1, str(item))
        if (card, item) in self.store["SpecialPrices"]:
            raise errors.duplicate_key()
        self.merge_collections(parsed, {}, replace=True)
        self.store["SpecialPrices"][(card, item)] = {"Valid": YES, "AutoUpdate": YES, **parsed}
        return (card, item)

    def _price_list_code(self, card: Any) -> bool:
        """``*N``: period and volume discounts of price list N for every business partner."""
        text = str(card)
        return text[:1] == "*" and text[1:].isdigit() and int(text[1:]) in self.store["PriceLists"]

    # -- update -------------------------------------------------------------------------------
    def update_master(self, set_name: str, key: Key, body: Any, replace: bool) -> None:
        type_name = schema.set_type(set_name)
        current = self.entity(set_name, key)
        parsed = self.parse_struct(type_name, body, current)
        for name in schema.struct(type_name).keys:
            if name in parsed and parsed[name] != current.get(name):
                raise errors.field_locked(name)
        self.merge_collections(parsed, current, replace)
        if set_name == "Items":
            self._check_item_rows(parsed)
        current.update(parsed)
        if set_name == "Items":
            self.refresh_item_totals(current)
        if "UpdateDate" in schema.struct(type_name).props:
            current["UpdateDate"] = self.today()
        self.touch(set_name, key)

    def _check_item_rows(self, parsed: Entity) -> None:
        for row in parsed.get("ItemWarehouseInfoCollection", []):
            if self.warehouse(row.get("WarehouseCode")) is None:
                raise errors.warehouse_invalid("OITW", 1, str(row.get("WarehouseCode")))

    # -- delete -------------------------------------------------------------------------------
    def delete_master(self, set_name: str, key: Key) -> None:
        self.entity(set_name, key)
        if self._in_use(set_name, key):
            raise errors.linked_data(str(key))
        del self.store[set_name][key]
        self.versions.pop((set_name, key), None)
        if set_name == "Warehouses":
            self._drop_stock_rows(str(key))

    def _in_use(self, set_name: str, key: Key) -> bool:
        if set_name == "BusinessPartners":
            return self._documents_using("CardCode", key)
        if set_name == "Items":
            return self._lines_using("ItemCode", key)
        if set_name == "Warehouses":
            return self._lines_using("WarehouseCode", key) or self._stocked(key)
        if set_name == "PriceLists":
            partners = self.store["BusinessPartners"].values()
            return any(p.get("PriceListNum") == key for p in partners)
        return False

    def _documents_using(self, name: str, value: Any) -> bool:
        docs = (doc for set_name in DOC_KINDS for doc in self.store[set_name].values())
        return any(doc.get(name) == value for doc in docs)

    def _lines_using(self, name: str, value: Any) -> bool:
        return any(
            line.get(name) == value
            for set_name in DOC_KINDS
            for doc in self.store[set_name].values()
            for line in doc["DocumentLines"]
        )

    def _stocked(self, whs: Any) -> bool:
        return any(
            row.get("WarehouseCode") == whs and (row.get("InStock") or row.get("Committed"))
            for item in self.store["Items"].values()
            for row in item.get("ItemWarehouseInfoCollection") or []
        )

    def _drop_stock_rows(self, whs: str) -> None:
        for item in self.store["Items"].values():
            rows = item.get("ItemWarehouseInfoCollection") or []
            item["ItemWarehouseInfoCollection"] = [r for r in rows if r["WarehouseCode"] != whs]


def _merge_rows(old_rows: list[Entity], rows: list[Entity], match: str) -> list[Entity]:
    merged = [dict(row) for row in old_rows]
    for row in rows:
        key = row.get(match)
        target = next((m for m in merged if key is not None and m.get(match) == key), None)
        if target is not None:
            target.update(row)
            continue
        if match in NUMBERED and key is None:
            row = {**row, match: max((int(m.get(match) or 0) for m in merged), default=-1) + 1}
        merged.append(row)
    return merged
