"""The Business One company database of the fake: entity stores, stock, prices, versions.

:class:`B1State` holds every table and the helpers all rules share: body parsing against the
schema (case-insensitive names, read-only properties, open ``U_`` fields), the item-warehouse
stock rows (``InStock``/``Committed``/``Ordered``), price determination and ETags.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Mapping
from typing import Any, NamedTuple

from fakes.core.backend import VendorBackend
from fakes.sap_b1 import errors, schema, values


class DocKind(NamedTuple):
    code: int
    table: str
    lines: str
    object_type: str


DOC_KINDS: dict[str, DocKind] = {
    "Orders": DocKind(17, "ORDR", "RDR1", "oOrders"),
    "DeliveryNotes": DocKind(15, "ODLN", "DLN1", "oDeliveryNotes"),
    "Invoices": DocKind(13, "OINV", "INV1", "oInvoices"),
    "CreditNotes": DocKind(14, "ORIN", "RIN1", "oCreditNotes"),
    "Returns": DocKind(16, "ORDN", "RDN1", "oReturns"),
}
SET_BY_CODE: dict[int, str] = {kind.code: name for name, kind in DOC_KINDS.items()}
COPY_FROM: dict[str, tuple[int, ...]] = {
    "Orders": (),
    "DeliveryNotes": (17,),
    "Invoices": (17, 15),
    "CreditNotes": (13,),
    "Returns": (15,),
}
KEYS: dict[str, tuple[str, ...]] = {
    **{name: ("DocEntry",) for name in DOC_KINDS},
    "BusinessPartners": ("CardCode",),
    "Items": ("ItemCode",),
    "PriceLists": ("PriceListNo",),
    "SpecialPrices": ("CardCode", "ItemCode"),
    "Warehouses": ("WarehouseCode",),
}
# Backend options (``Fake(..., options={...})``), with their defaults.
DEFAULT_OPTIONS: dict[str, Any] = {
    "page_size": 20,  # b1s.conf PageSize; B1S-PageSize / Prefer odata.maxpagesize override it
    "session_timeout_min": 30,  # sliding, on the simulated clock
    "version": "1000190",  # the Version the Login answer reports
    "route_id": ".node1",  # the load balancer's ROUTEID cookie
    "local_currency": "GBP",
    "next_link_style": "path",  # path: /b1s/v1/Orders?$skip=20 (manual) | relative: Orders?...
    "readonly_fields": "reject",  # reject changed read-only values | ignore (manual 3.5.3)
    "transaction_notification_duplicates": False,  # FM-S01: a customer's TN duplicate guard
    "allow_over_delivery": False,  # copy more than a base row's open quantity
    "block_negative_inventory": True,  # refuse deliveries that take stock below zero
    "enforce_credit_limit": False,  # refuse orders beyond the partner's CreditLimit
    "require_due_date_on_orders": True,  # B1 requires the delivery date on sales orders
    "full_entities": True,  # answer every property of the type (null when unset), as the SL
    "first_doc_num": 1001,  # DocNum series start, kept apart from DocEntry on purpose
}
OPEN = "bost_Open"
CLOSED = "bost_Close"
YES = "tYES"
NO = "tNO"

Key = Any
Entity = dict[str, Any]


class B1State(VendorBackend):
    """Tables and shared helpers; the rules live in the subclasses."""

    store: dict[str, dict[Key, Entity]]
    versions: dict[tuple[str, Key], int]
    counters: dict[str, int]
    sessions: dict[str, float]
    company_db: str
    username: str
    password: str
    rng_sessions: random.Random
    rng_batch: random.Random

    # -- options and time ---------------------------------------------------------------------
    def opt(self, name: str) -> Any:
        return self.ctx.options.get(name, DEFAULT_OPTIONS[name])

    def today(self) -> str:
        return values.today(self.clock.now())

    def next_counter(self, name: str, start: int = 1) -> int:
        value = self.counters.get(name, start)
        self.counters[name] = value + 1
        return value

    # -- lookups ------------------------------------------------------------------------------
    def entity(self, set_name: str, key: Key) -> Entity:
        found = self.store[set_name].get(key)
        if found is None:
            raise errors.not_found()
        return found

    def partner(self, card_code: Any) -> Entity | None:
        return self.store["BusinessPartners"].get(card_code)

    def item(self, item_code: Any) -> Entity | None:
        return self.store["Items"].get(item_code)

    def warehouse(self, code: Any) -> Entity | None:
        return self.store["Warehouses"].get(code)

    def default_warehouse(self, item: Entity) -> str:
        code = item.get("DefaultWarehouse")
        return str(code) if code else next(iter(self.store["Warehouses"]), "01")

    # -- versions and ETags -------------------------------------------------------------------
    def touch(self, set_name: str, key: Key) -> None:
        self.versions[(set_name, key)] = self.versions.get((set_name, key), 0) + 1

    def etag(self, set_name: str, key: Key) -> str:
        version = self.versions.get((set_name, key), 0)
        digest = hashlib.sha1(f"{set_name}:{key!r}:{version}".encode()).hexdigest()
        return f'W/"{digest}"'

    # -- stock --------------------------------------------------------------------------------
    def stock_row(self, item: Entity, whs: str) -> Entity:
        rows: list[Entity] = item.setdefault("ItemWarehouseInfoCollection", [])
        for row in rows:
            if row.get("WarehouseCode") == whs:
                return row
        row = {"WarehouseCode": whs, "InStock": 0.0, "Committed": 0.0, "Ordered": 0.0}
        row["ItemCode"] = item["ItemCode"]
        rows.append(row)
        return row

    def move_stock(
        self, item_code: str, whs: str, in_stock: float = 0.0, committed: float = 0.0
    ) -> None:
        item = self.item(item_code)
        if item is None:
            return
        row = self.stock_row(item, whs)
        row["InStock"] = round(float(row.get("InStock") or 0.0) + in_stock, 6)
        row["Committed"] = round(float(row.get("Committed") or 0.0) + committed, 6)
        self.refresh_item_totals(item)
        self.touch("Items", item_code)

    @staticmethod
    def refresh_item_totals(item: Entity) -> None:
        rows = item.get("ItemWarehouseInfoCollection") or []
        item["QuantityOnStock"] = round(sum(float(r.get("InStock") or 0) for r in rows), 6)
        item["QuantityOrderedByCustomers"] = round(
            sum(float(r.get("Committed") or 0) for r in rows), 6
        )
        item["QuantityOrderedFromVendors"] = round(
            sum(float(r.get("Ordered") or 0) for r in rows), 6
        )

    # -- prices -------------------------------------------------------------------------------
    def list_price(self, price_list: int, item: Entity) -> float:
        for row in item.get("ItemPrices") or []:
            if row.get("PriceList") == price_list:
                return float(row.get("Price") or 0.0)
        return 0.0

    def price_for(self, card_code: str, item: Entity, on: str) -> float:
        """Special price for the partner on date ``on``, else the period discount of the
        partner's price list (``CardCode`` ``*<list>``), else the partner's price list."""
        partner = self.partner(card_code) or {}
        price_list = int(partner.get("PriceListNum") or 1)
        base = self.list_price(price_list, item)
        specials = self.store["SpecialPrices"]
        special = specials.get((card_code, item["ItemCode"])) or specials.get(
            (f"*{price_list}", item["ItemCode"]))
        if special is None or special.get("Valid", YES) != YES:
            return base
        return _special_price(special, base, on)

    # -- parsing bodies -----------------------------------------------------------------------
    def parse_struct(self, type_name: str, body: Any, current: Mapping[str, Any] | None) -> Entity:
        """A request body for ``type_name`` in internal form; nested collections stay lists of
        raw dicts keyed by canonical names (their own parsing needs the matching current row)."""
        if not isinstance(body, dict):
            raise errors.invalid_body(f"expected a JSON object for {type_name}")
        parsed: Entity = {}
        for raw_name, raw in body.items():
            if raw_name.startswith(("odata.", "@odata.")):
                continue
            name = schema.require(type_name, raw_name)
            p = schema.prop(type_name, name)
            if p is None:
                parsed[name] = values.udf_value(raw)
            elif p.collection or schema.is_complex(p):
                parsed[name] = self._raw_collection(name, raw)
            elif not self._skip_readonly(type_name, name, values.coerce(p, raw), current):
                parsed[name] = values.coerce(p, raw)
        return parsed

    @staticmethod
    def _raw_collection(name: str, raw: Any) -> list[Any]:
        if raw is None:
            return []
        if not isinstance(raw, list):
            raise errors.invalid_value(name, raw)
        return raw

    def _skip_readonly(
        self, type_name: str, name: str, value: Any, current: Mapping[str, Any] | None
    ) -> bool:
        if name not in schema.readonly(type_name) or value is None:
            return False
        if current is not None and current.get(name) == value:
            return True
        if self.opt("readonly_fields") == "ignore":
            return True
        raise errors.read_only(name, type_name)

    def parse_rows(
        self, type_name: str, rows: list[Any], current: list[Entity], match: str
    ) -> list[Entity]:
        """Parse collection rows, each against the current row with the same ``match`` key."""
        by_key = {row.get(match): row for row in current}
        parsed: list[Entity] = []
        for raw in rows:
            if not isinstance(raw, dict):
                raise errors.invalid_body(f"expected JSON objects in the {type_name} collection")
            key = _raw_key(raw, match, type_name)
            parsed.append(self.parse_struct(type_name, raw, by_key.get(key)))
        return parsed


def _raw_key(raw: dict[str, Any], match: str, type_name: str) -> Any:
    for name, value in raw.items():
        if str(name).lower() == match.lower():
            p = schema.prop(type_name, match)
            return values.coerce(p, value) if p is not None else value
    return None


def in_period(on: str, start: Any, end: Any) -> bool:
    return (not start or str(start) <= on) and (not end or on <= str(end))


def _special_price(special: Entity, base: float, on: str) -> float:
    for area in special.get("SpecialPriceDataAreas") or []:
        if in_period(on, area.get("DateFrom"), area.get("Dateto")):
            if area.get("SpecialPrice") is not None:
                return float(area["SpecialPrice"])
            return round(base * (1 - float(area.get("Discount") or 0) / 100), 6)
    if not in_period(on, special.get("ValidFrom"), special.get("ValidTo")):
        return base
    if special.get("Price") is not None:
        return float(special["Price"])
    return round(base * (1 - float(special.get("DiscountPercent") or 0) / 100), 6)
