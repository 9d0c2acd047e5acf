"""The Pricing feature's records: price levels and effective-dated sale price rules.

NetSuite item prices carry no dates; with Pricing enabled, the REST record service exposes
``salepricerule`` (``name``, ``priceLevel``, ``currency``, ``priority``, ``startDate``,
``endDate``, ``isInactive``) and ``salepriceruleentry`` (``item``, ``priceRule`` and the
``quantityBreaks`` subrecord of ``{lowerBound, rate}``). Rules hold whole days (``YYYY-MM-DD``).

Rules enforced here, after Oracle's help pages for the two REST records:

* a rule is created active: ``isInactive: true`` on create is refused (the help page says the
  inactive property "must remain false"; the error wording here is the fake's own);
* an entry cannot be created or edited while its rule is inactive (documented limitation);
* ``endDate`` before ``startDate`` is refused (UI behaviour; wording unconfirmed);
* a rule with entries cannot be deleted (as other records with dependents).

Price levels are read-only and seeded with NetSuite's default list (1 Base Price, 2-4 Alternate
Price 1-3, 5 Online Price). What a rule means for a customer's price is not computed here: the
fake stores and serves the records, as NetSuite's record service does.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from fakes.netsuite.errors import bad_request
from fakes.netsuite.model import QUANTITY_BREAK, SALE_PRICE_RULE, SALE_PRICE_RULE_ENTRY
from fakes.netsuite.records import (
    WriteOptions,
    apply_fields,
    apply_line_fields,
    invalid_value,
    missing_value,
)

if TYPE_CHECKING:
    from fakes.netsuite.state import NetSuiteBackend

DEFAULT_LEVELS = {
    "1": "Base Price",
    "2": "Alternate Price 1",
    "3": "Alternate Price 2",
    "4": "Alternate Price 3",
    "5": "Online Price",
}
RULE_REQUIRED = ("name", "priceLevel", "currency")
ENTRY_REQUIRED = ("item", "priceRule")


def seed_levels(b: NetSuiteBackend) -> None:
    for rid, name in DEFAULT_LEVELS.items():
        b.records["priceLevel"][rid] = {
            "id": rid,
            "name": name,
            "externalId": None,
            "discountPct": 0.0,
            "isInactive": False,
            "isOnline": rid == "5",
        }
    b.counters["priceLevel"] = len(DEFAULT_LEVELS)


def build_rule(
    b: NetSuiteBackend, body: dict[str, Any], existing: dict[str, Any] | None, opts: WriteOptions
) -> dict[str, Any]:
    if existing is None and body.get("isInactive") is True:
        raise bad_request(
            "USER_ERROR",
            "A new sale price rule must be active: isInactive must remain false.",
            path="isInactive",
        )
    rule = copy.deepcopy(existing) if existing is not None else _blank_rule()
    apply_fields(SALE_PRICE_RULE, rule, body, opts, b.resolve_ref, ())
    for name in RULE_REQUIRED:
        if rule.get(name) in (None, ""):
            raise missing_value(name, name)
    start, end = rule.get("startDate"), rule.get("endDate")
    if start and end and end < start:
        raise bad_request(
            "USER_ERROR",
            f"The end date {end} of sale price rule "
            f"{rule['name']!r} is before its start date {start}.",
            path="endDate",
        )
    return rule


def build_entry(
    b: NetSuiteBackend, body: dict[str, Any], existing: dict[str, Any] | None, opts: WriteOptions
) -> dict[str, Any]:
    entry = copy.deepcopy(existing) if existing is not None else _blank_entry()
    apply_fields(SALE_PRICE_RULE_ENTRY, entry, body, opts, b.resolve_ref, ())
    for name in ENTRY_REQUIRED:
        if entry.get(name) is None:
            raise missing_value(name, name)
    rule = b.records["salePriceRule"][entry["priceRule"]["id"]]
    if rule.get("isInactive"):
        raise bad_request(
            "USER_ERROR",
            f"The sale price rule {rule['name']!r} is inactive: "
            "its entries cannot be created or edited.",
            path="priceRule",
        )
    if "quantityBreaks" in body:
        entry["quantityBreaks"] = _breaks(b, body["quantityBreaks"], opts)
    return entry


def _breaks(b: NetSuiteBackend, raw: Any, opts: WriteOptions) -> list[dict[str, Any]]:
    items = raw.get("items") if isinstance(raw, dict) else None
    if not isinstance(items, list):
        raise invalid_value(raw, "quantityBreaks", "quantityBreaks")
    out: list[dict[str, Any]] = []
    for index, line in enumerate(items):
        path = f"quantityBreaks.items[{index}]"
        if not isinstance(line, dict):
            raise invalid_value(line, "quantityBreaks", path)
        stored: dict[str, Any] = {"lowerBound": 0.0, "rate": None}
        apply_line_fields(QUANTITY_BREAK, stored, line, opts, b.resolve_ref, path, frozenset())
        if stored["rate"] is None:
            raise missing_value("rate", f"{path}.rate")
        if stored["rate"] < 0 or stored["lowerBound"] < 0:
            raise invalid_value(line, "quantityBreaks", path)
        out.append(stored)
    return sorted(out, key=lambda line: float(line["lowerBound"]))


def dependents(b: NetSuiteBackend, rule_id: str) -> bool:
    """Whether entries still point at the rule ``rule_id``."""
    return any(e["priceRule"]["id"] == rule_id for e in b.records["salePriceRuleEntry"].values())


def _blank_rule() -> dict[str, Any]:
    return {
        "id": None,
        "name": None,
        "externalId": None,
        "description": None,
        "startDate": None,
        "endDate": None,
        "priceLevel": None,
        "currency": None,
        "priority": None,
        "isInactive": False,
        "createdDate": None,
        "lastModifiedDate": None,
    }


def _blank_entry() -> dict[str, Any]:
    return {
        "id": None,
        "externalId": None,
        "item": None,
        "priceRule": None,
        "quantityBreaks": [],
        "createdDate": None,
        "lastModifiedDate": None,
    }


def schedule(
    b: NetSuiteBackend,
    item_code: str,
    price: float,
    start: str,
    end: str | None,
    level: str,
    currency: str,
    priority: int,
) -> dict[str, Any]:
    """A dated price as the pricing clerk enters it: one rule for ``start``..``end`` on
    price level ``level`` and one entry for the item, each made as a POST would make it."""
    item_id = next(
        (rid for rid, item in b.records["inventoryItem"].items() if item["itemId"] == item_code),
        None,
    )
    if item_id is None:
        raise ValueError(f"no inventory item with itemId {item_code!r}")
    rule_body: dict[str, Any] = {
        "name": f"{item_code} {start}..{end or ''}",
        "startDate": start,
        "priceLevel": {"id": str(level)},
        "currency": {"id": str(currency)},
        "priority": int(priority),
    }
    if end is not None:
        rule_body["endDate"] = end
    opts = WriteOptions()
    rule_id = b.create(SALE_PRICE_RULE, rule_body, opts)
    entry = {
        "item": {"id": item_id},
        "priceRule": {"id": rule_id},
        "quantityBreaks": {"items": [{"lowerBound": 0, "rate": float(price)}]},
    }
    return {
        "salePriceRule": rule_id,
        "salePriceRuleEntry": b.create(SALE_PRICE_RULE_ENTRY, entry, opts),
    }
