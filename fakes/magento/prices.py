"""The price storage services: base, special, tier and cost prices (``*Storage`` classes).

Every write validates each row, stores the valid ones and answers **200** with the failed rows
as ``[{"message", "parameters"}]`` (``PriceUpdateResultInterface``); a write where every row is
valid answers ``[]``. Catalog price scope is global (the default), so base prices apply to store
0, special prices must use ``store_id`` 0 and tier prices ``website_id`` 0.

Messages follow ``Validation\\Result`` usage: base, tier and cost messages keep their
placeholders (``Invalid attribute %fieldName = %fieldValue.``) and send the values as a list of
strings; special-price messages are rendered (``__($message, $info)``) and send the values too.
Special price dates must be exactly ``YYYY-MM-DD hh:mm:ss``.

The vendor fault ``partial_price_batch`` arms :attr:`PriceBook.rejections`: the next price
write refuses ``count`` of its otherwise valid rows with the storage's own "unknown SKU"
message, and stores the rest.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from fakes.magento.catalog import GROUP_IDS, Catalog, stamp
from fakes.magento.errors import NoSuchEntity, render
from fakes.magento.inputs import php_string

Row = dict[str, Any]
Failure = tuple[str, list[str]]  # message, parameters
STORE_IDS = (0, 1, 2)
WEBSITES = {0: "GBP", 1: "GBP", 2: "EUR"}
BASE_CURRENCY = "GBP"
INVALID_ATTRIBUTE = "Invalid attribute %fieldName = %fieldValue."
STORE_NOT_FOUND = "Requested store is not found. Row ID: SKU = %SKU, Store ID: %storeId."
SPECIAL_ROW = "Row ID: SKU = %SKU, Store ID: %storeId, Price From: %priceFrom, Price To: %priceTo."
SPECIAL_UNKNOWN = ("The product that was requested doesn't exist. Verify the product and try "
                   "again. " + SPECIAL_ROW)
SPECIAL_NOT_GLOBAL = "Could not change non global Price when price scope is global. " + SPECIAL_ROW
SPECIAL_STORE = "Requested store is not found. " + SPECIAL_ROW
SPECIAL_PRICE = "Invalid attribute Price = %price. " + SPECIAL_ROW
SPECIAL_DATE = "Invalid attribute %label = %priceTo. " + SPECIAL_ROW
TIER_ROW = ("Row ID: SKU = %SKU, Website ID: %websiteId, Customer Group: %customerGroup, "
            "Quantity: %qty.")
TIER_SKU = "Invalid attribute SKU = %SKU. " + TIER_ROW
TIER_PRICE = "Invalid attribute Price = %price. " + TIER_ROW
TIER_TYPE = "Invalid attribute Price Type = %priceType. " + TIER_ROW
TIER_QTY = "Invalid attribute Quantity = %qty. " + TIER_ROW
TIER_WEBSITE = "Invalid attribute Website ID = %websiteId. " + TIER_ROW
TIER_DUPLICATE = ("We found a duplicate website, tier price, customer group and quantity: "
                  "Customer Group = %customerGroup, Website ID = %websiteId, Quantity = %qty. "
                  + TIER_ROW)
TIER_GROUP = "No such entity with Customer Group = %customerGroup. " + TIER_ROW
ALL_GROUPS = "all groups"
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"


def _strings(*values: Any) -> list[str]:
    return [php_string(v) for v in values]


def _key(sku: Any, store_id: Any) -> str:
    return json.dumps([sku, store_id])


@dataclass
class Outcome:
    """Failed rows of one write, keyed by row index in the request (``Result``)."""

    failed: dict[int, list[Failure]] = field(default_factory=dict)

    def add(self, row: int, message: str, parameters: list[str]) -> None:
        self.failed.setdefault(row, []).append((message, parameters))

    def valid(self, rows: list[Row]) -> list[Row]:
        return [row for i, row in enumerate(rows) if i not in self.failed]

    def items(self) -> list[dict[str, Any]]:
        return [{"message": message, "parameters": parameters}
                for row in sorted(self.failed) for message, parameters in self.failed[row]]


@dataclass
class PriceBook:
    special: dict[str, Row] = field(default_factory=dict)
    tiers: dict[str, list[Row]] = field(default_factory=dict)
    costs: dict[str, Row] = field(default_factory=dict)
    rejections: list[dict[str, Any]] = field(default_factory=list)
    rejected: int = 0

    # -- base prices -------------------------------------------------------------------------
    def update_base(self, catalog: Catalog, prices: list[Row], now: datetime) -> list[Any]:
        outcome = Outcome()
        for index, price in enumerate(prices):
            _check_base(outcome, index, price, catalog, "Price", "price")
        self._reject(outcome, prices, _reject_invalid_sku)
        for price in outcome.valid(prices):
            product = catalog.products[price["sku"]]
            product["price"] = float(price["price"])
            product["updated_at"] = stamp(now)
        return outcome.items()

    def base_information(self, catalog: Catalog, skus: list[str]) -> list[Row]:
        return [{"price": catalog.products[s]["price"], "store_id": 0, "sku": s}
                for s in _known(catalog, skus)]

    # -- cost --------------------------------------------------------------------------------
    def update_cost(self, catalog: Catalog, prices: list[Row], now: datetime) -> list[Any]:
        outcome = Outcome()
        for index, price in enumerate(prices):
            _check_base(outcome, index, price, catalog, "Cost", "cost")
        self._reject(outcome, prices, _reject_invalid_sku)
        for price in outcome.valid(prices):
            self.costs[_key(price["sku"], 0)] = {"cost": float(price["cost"]), "store_id": 0,
                                                 "sku": price["sku"]}
            catalog.products[price["sku"]]["updated_at"] = stamp(now)
        return outcome.items()

    def cost_information(self, catalog: Catalog, skus: list[str]) -> list[Row]:
        known = _known(catalog, skus)
        return [dict(self.costs[_key(s, 0)]) for s in known if _key(s, 0) in self.costs]

    def delete_cost(self, catalog: Catalog, skus: list[str]) -> bool:
        missing = [s for s in skus if s not in catalog.products]
        if missing:
            text = "Requested product doesn't exist: %sku" if len(missing) == 1 else (
                "Requested products don't exist: %sku")
            raise NoSuchEntity(text, {"sku": ", ".join(map(php_string, missing))})
        for sku in skus:
            self.costs.pop(_key(sku, 0), None)
        return True

    # -- special prices ----------------------------------------------------------------------
    def update_special(self, catalog: Catalog, prices: list[Row], now: datetime) -> list[Any]:
        outcome = self._check_special(catalog, prices)
        for price in outcome.valid(prices):
            self.special[_key(price["sku"], price["store_id"])] = _special_row(price)
            catalog.products[price["sku"]]["updated_at"] = stamp(now)
        return outcome.items()

    def delete_special(self, catalog: Catalog, prices: list[Row], now: datetime) -> list[Any]:
        outcome = self._check_special(catalog, prices)
        for price in outcome.valid(prices):
            if self.special.pop(_key(price["sku"], price["store_id"]), None) is not None:
                catalog.products[price["sku"]]["updated_at"] = stamp(now)
        return outcome.items()

    def special_information(self, catalog: Catalog, skus: list[str]) -> list[Row]:
        known = set(_known(catalog, skus))
        return [dict(row) for row in self.special.values() if row["sku"] in known]

    def _check_special(self, catalog: Catalog, prices: list[Row]) -> Outcome:
        outcome = Outcome()
        for index, price in enumerate(prices):
            _check_special_row(outcome, index, price, catalog)
        self._reject(outcome, prices, _reject_special)
        return outcome

    # -- tier prices -------------------------------------------------------------------------
    def update_tiers(self, catalog: Catalog, prices: list[Row], now: datetime) -> list[Any]:
        outcome = self._check_tiers(catalog, prices, existing=True)
        for price in outcome.valid(prices):
            rows = self.tiers.setdefault(price["sku"], [])
            rows[:] = [r for r in rows if not _same_tier(r, price)] + [_tier_row(price)]
            catalog.products[price["sku"]]["updated_at"] = stamp(now)
        return outcome.items()

    def replace_tiers(self, catalog: Catalog, prices: list[Row], now: datetime) -> list[Any]:
        outcome = self._check_tiers(catalog, prices, existing=False)
        valid = outcome.valid(prices)
        for sku in {p["sku"] for p in valid}:
            self.tiers[sku] = []
            catalog.products[sku]["updated_at"] = stamp(now)
        for price in valid:
            self.tiers[price["sku"]].append(_tier_row(price))
        return outcome.items()

    def delete_tiers(self, catalog: Catalog, prices: list[Row], now: datetime) -> list[Any]:
        outcome = self._check_tiers(catalog, prices, existing=False)
        for price in outcome.valid(prices):
            rows = self.tiers.get(price["sku"], [])
            kept = [r for r in rows if not _deletes(r, price)]
            if len(kept) != len(rows):
                self.tiers[price["sku"]] = kept
                catalog.products[price["sku"]]["updated_at"] = stamp(now)
        return outcome.items()

    def tier_information(self, catalog: Catalog, skus: list[str]) -> list[Row]:
        return [dict(r) for s in _known(catalog, skus) for r in self.tiers.get(s, [])]

    def _check_tiers(self, catalog: Catalog, prices: list[Row], existing: bool) -> Outcome:
        outcome = Outcome()
        for index, price in enumerate(prices):
            _check_tier_row(outcome, index, price, catalog)
            _check_unique(outcome, index, price, prices)
            if existing:
                _check_existing(outcome, index, price, self.tiers.get(price.get("sku") or "", []))
            _check_group(outcome, index, price)
        self._reject(outcome, prices, _reject_tier)
        return outcome

    # -- the partial-batch fault -------------------------------------------------------------
    def arm_rejection(self, count: int, which: str, message: str | None) -> None:
        self.rejections.append({"count": count, "which": which, "message": message})

    def _reject(self, outcome: Outcome, prices: list[Row],
                failure: Callable[[Row], Failure]) -> None:
        if not self.rejections:
            return
        armed = self.rejections.pop(0)
        valid = [i for i in range(len(prices)) if i not in outcome.failed]
        for index in _pick(valid, int(armed["count"]), str(armed["which"])):
            message, parameters = failure(prices[index])
            outcome.add(index, armed["message"] or message, parameters)
            self.rejected += 1

    # -- what checkout charges ---------------------------------------------------------------
    def final_price(self, product: Row, qty: float, group_id: int, now: datetime) -> float:
        """Base price, lowered by an active special price and the best applicable tier."""
        base = float(product["price"])
        candidates = [base]
        special = self.special.get(_key(product["sku"], 0))
        if special is not None and _active(special, now):
            candidates.append(float(special["price"]))
        for tier in self.tiers.get(product["sku"], []):
            if _tier_applies(tier, qty, group_id):
                candidates.append(_tier_value(tier, base))
        return round(min(candidates), 4)

    def product_tiers(self, product: Row) -> list[Row]:
        """``tier_prices`` of the product repository (``ProductTierPriceInterface``)."""
        out = []
        for tier in self.tiers.get(product["sku"], []):
            extension: Row = {"website_id": tier["website_id"]}
            if tier["price_type"] == "discount":
                extension["percentage_value"] = tier["price"]
            out.append({"customer_group_id": _group_id(tier["customer_group"]),
                        "qty": tier["quantity"], "value": _tier_value(tier, product["price"]),
                        "extension_attributes": extension})
        return out

    def product_attributes(self, sku: str) -> list[Row]:
        out: list[Row] = []
        special = self.special.get(_key(sku, 0))
        if special is not None:
            out.append({"attribute_code": "special_price", "value": php_string(special["price"])})
            for code, value in (("special_from_date", special["price_from"]),
                                ("special_to_date", special["price_to"])):
                if value:
                    out.append({"attribute_code": code, "value": value})
        cost = self.costs.get(_key(sku, 0))
        if cost is not None:
            out.append({"attribute_code": "cost", "value": php_string(cost["cost"])})
        return out

    def snapshot(self) -> dict[str, Any]:
        return {"special": list(self.special.values()),
                "tier": [dict(r) for rows in self.tiers.values() for r in rows],
                "cost": list(self.costs.values())}


# -- base and cost rows --------------------------------------------------------------------------
def _known(catalog: Catalog, skus: list[str]) -> list[str]:
    return [s for s in dict.fromkeys(skus) if s in catalog.products]


def _check_base(outcome: Outcome, index: int, price: Row, catalog: Catalog, label: str,
                field_name: str) -> None:
    sku = price.get("sku")
    if not sku or sku not in catalog.products:
        outcome.add(index, INVALID_ATTRIBUTE, _strings("SKU", sku))
    value = price.get(field_name)
    if value is None or value < 0:
        outcome.add(index, INVALID_ATTRIBUTE, _strings(label, value))
    if price.get("store_id") not in STORE_IDS:
        outcome.add(index, STORE_NOT_FOUND, _strings(sku, price.get("store_id")))


def _reject_invalid_sku(price: Row) -> Failure:
    return INVALID_ATTRIBUTE, _strings("SKU", price.get("sku"))


# -- special price rows --------------------------------------------------------------------------
def _special_failure(template: str, price: Row, first: dict[str, Any] | None = None) -> Failure:
    """``addFailedItemPrice``: the message is rendered with the row's values, which are also
    sent as the parameters."""
    info = dict(first or {})
    info.update(SKU=price.get("sku"), storeId=price.get("store_id"),
                priceFrom=price.get("price_from"), priceTo=price.get("price_to"))
    values = {k: php_string(v) for k, v in info.items()}
    return render(template, values), list(values.values())


def _check_special_row(outcome: Outcome, index: int, price: Row, catalog: Catalog) -> None:
    failures = []
    if not price.get("sku") or price["sku"] not in catalog.products:
        failures.append(_special_failure(SPECIAL_UNKNOWN, price))
    if price.get("store_id") != 0:
        failures.append(_special_failure(SPECIAL_NOT_GLOBAL, price))
    if price.get("store_id") not in STORE_IDS:
        failures.append(_special_failure(SPECIAL_STORE, price))
    if price.get("price") is None or price["price"] < 0:
        failures.append(_special_failure(SPECIAL_PRICE, price, {"price": price.get("price")}))
    for label, key in (("Price From", "price_from"), ("Price To", "price_to")):
        if price.get(key) and not _is_datetime(str(price[key])):
            failures.append(_special_failure(SPECIAL_DATE, price, {"label": label}))
    for message, parameters in failures:
        outcome.add(index, message, parameters)


def _reject_special(price: Row) -> Failure:
    return _special_failure(SPECIAL_UNKNOWN, price)


def _is_datetime(value: str) -> bool:
    try:
        return datetime.strptime(value, TIME_FORMAT).strftime(TIME_FORMAT) == value
    except ValueError:
        return False


def _special_row(price: Row) -> Row:
    return {"price": float(price["price"]), "store_id": price["store_id"], "sku": price["sku"],
            "price_from": price.get("price_from"), "price_to": price.get("price_to")}


def _active(special: Row, now: datetime) -> bool:
    moment = stamp(now)
    starts, ends = special.get("price_from"), special.get("price_to")
    return (not starts or starts <= moment) and (not ends or moment <= ends)


# -- tier price rows -----------------------------------------------------------------------------
def _tier_params(price: Row, *first: Any) -> list[str]:
    return _strings(*first, price.get("sku"), price.get("website_id"),
                    price.get("customer_group"), price.get("quantity"))


def _check_tier_row(outcome: Outcome, index: int, price: Row, catalog: Catalog) -> None:
    if not price.get("sku") or price["sku"] not in catalog.products:
        outcome.add(index, TIER_SKU, _tier_params(price))
    value, kind = price.get("price"), price.get("price_type")
    if value is None or value < 0 or (kind == "discount" and value > 100):
        outcome.add(index, TIER_PRICE, _tier_params(price, value))
    if kind not in ("fixed", "discount"):
        outcome.add(index, TIER_TYPE, _tier_params(price, kind))
    qty = price.get("quantity")
    if price.get("sku") in catalog.products and (qty is None or qty < 1):
        outcome.add(index, TIER_QTY, _tier_params(price))
    if price.get("website_id") != 0:
        outcome.add(index, TIER_WEBSITE, _tier_params(price))


def _group(price: Row) -> str:
    return str(price.get("customer_group") or "").lower()


def _same_tier(a: Row, b: Row) -> bool:
    return (_group(a) == _group(b) and a.get("quantity") == b.get("quantity")
            and a.get("website_id") == b.get("website_id"))


def _check_unique(outcome: Outcome, index: int, price: Row, prices: list[Row]) -> None:
    for other in prices:
        if other is price or other.get("sku") != price.get("sku"):
            continue
        if (_group(other) == _group(price) and other.get("quantity") == price.get("quantity")
                and _same_website_new(other, price)):
            outcome.add(index, TIER_DUPLICATE, _tier_params(other))


def _same_website_new(a: Row, b: Row) -> bool:
    first, second = a.get("website_id"), b.get("website_id")
    if first == 0 or second == 0:
        website = max(int(first or 0), int(second or 0))
        return WEBSITES.get(website) == BASE_CURRENCY
    return bool(first == second)


def _check_existing(outcome: Outcome, index: int, price: Row, existing: list[Row]) -> None:
    for other in existing:
        differs = other.get("website_id") != price.get("website_id")
        all_websites = 0 in (other.get("website_id"), price.get("website_id"))
        if (_group(other) == _group(price) and other.get("quantity") == price.get("quantity")
                and differs and all_websites):
            outcome.add(index, TIER_DUPLICATE, _tier_params(other))


def _check_group(outcome: Outcome, index: int, price: Row) -> None:
    group = _group(price)
    if group != ALL_GROUPS and group not in {g.lower() for g in GROUP_IDS}:
        outcome.add(index, TIER_GROUP, _tier_params(price))


def _reject_tier(price: Row) -> Failure:
    return TIER_SKU, _tier_params(price)


def _tier_row(price: Row) -> Row:
    group = _group(price)
    code = next((g for g in GROUP_IDS if g.lower() == group), "ALL GROUPS")
    return {"price": float(price["price"]), "price_type": price["price_type"],
            "website_id": price["website_id"], "sku": price["sku"], "customer_group": code,
            "quantity": float(price["quantity"])}


def _deletes(existing: Row, price: Row) -> bool:
    return (_group(existing) == _group(price) and existing["quantity"] == price.get("quantity")
            and existing["price"] == price.get("price")
            and existing["price_type"] == price.get("price_type"))


def _group_id(code: str) -> int:
    return GROUP_IDS.get(code, 32000)


def _tier_applies(tier: Row, qty: float, group_id: int) -> bool:
    group = tier["customer_group"]
    return qty >= tier["quantity"] and (group == "ALL GROUPS" or GROUP_IDS.get(group) == group_id)


def _tier_value(tier: Row, base: float) -> float:
    if tier["price_type"] == "discount":
        return round(float(base) * (1 - float(tier["price"]) / 100), 4)
    return float(tier["price"])


def _pick(valid: list[int], count: int, which: str) -> list[int]:
    count = max(0, min(count, len(valid)))
    if which == "first":
        return valid[:count]
    if which == "spread" and count:
        step = len(valid) / count
        return [valid[int(i * step)] for i in range(count)]
    return valid[len(valid) - count:]
