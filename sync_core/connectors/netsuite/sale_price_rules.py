"""NetSuite's dated prices: sale price rules (Pricing feature) read from the REST record service.

A ``salepricerule`` holds the dates (``startDate``/``endDate``, whole days, both inclusive),
the ``priceLevel``, ``currency``, ``priority`` and ``isInactive``; a ``salepriceruleentry``
holds one item's rate for the rule in ``quantityBreaks`` (``{lowerBound, rate}``). An active
rule of the configured price level and currency gives each of its items a dated base price: the
rate of the break that starts at quantity 0 or 1, from 00:00:00 of the first day to 23:59:59 of
the last (UTC, as the other ERPs' whole days here). A rule without ``startDate`` holds from
always, one without ``endDate`` until changed; higher breaks (tier prices) are not read.

Overlapping rules: the flow keeps the one that started last; NetSuite's ``priority`` between
rules is not applied.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

from sync_core.connectors.netsuite.client import RECORD
from sync_core.errors import SchemaDrift
from sync_core.flows.prices_model import ErpPrice

PAGE = 1000
RULE = "salePriceRule"
ENTRY = "salePriceRuleEntry"
LAST_SECOND = time(23, 59, 59)


@dataclass(frozen=True)
class Window:
    """An active rule's dates, already as moments."""

    rule_id: str
    valid_from: datetime | None
    valid_to: datetime | None


def record_ids(client: Any, record_type: str) -> Iterator[str]:
    """Every internal id of ``record_type``, page by page (``limit``/``offset``)."""
    offset = 0
    while True:
        params = {"limit": str(PAGE), "offset": str(offset)}
        response = client.http.request("GET", f"{RECORD}/{record_type}", params=params)
        body: Any = client.http.json(response)
        if not isinstance(body, dict) or not isinstance(body.get("items"), list):
            raise SchemaDrift(f"netsuite {record_type} list: no items array")
        yield from (str(row["id"]) for row in body["items"])
        if not body.get("hasMore"):
            return
        offset += PAGE


def window(rule: dict[str, Any], level: str, currency: str) -> Window | None:
    """The dates of ``rule`` if it is active on ``level`` in ``currency``, else None."""
    if rule.get("isInactive") or _ref(rule, "priceLevel") != level:
        return None
    if _ref(rule, "currency") != currency:
        return None
    start = _day(rule, "startDate")
    end = _day(rule, "endDate")
    return Window(
        str(rule["id"]),
        None if start is None else datetime.combine(start, time.min, UTC),
        None if end is None else datetime.combine(end, LAST_SECOND, UTC),
    )


def dated_price(sku: str, entry: dict[str, Any], dates: Window) -> ErpPrice | None:
    """The base price an entry gives ``sku`` within ``dates`` (None without a quantity-1 rate)."""
    breaks = (entry.get("quantityBreaks") or {}).get("items")
    if not isinstance(breaks, list):
        raise SchemaDrift(f"netsuite salepriceruleentry {entry.get('id')}: no quantityBreaks")
    first = [b for b in breaks if float(b.get("lowerBound") or 0) <= 1 and "rate" in b]
    if not first:
        return None
    rate = min(first, key=lambda b: float(b.get("lowerBound") or 0))["rate"]
    return ErpPrice(
        sku,
        "base",
        Decimal(str(rate)),
        valid_from=dates.valid_from,
        valid_to=dates.valid_to,
        source=f"sale price rule {dates.rule_id}",
    )


def read(client: Any, skus: dict[str, str], level: str, currency: str) -> list[ErpPrice]:
    """Dated base prices of the items in ``skus`` (internal id -> SKU) from active rules."""
    windows = {}
    for rule_id in record_ids(client, RULE):
        found = window(client.get_record(RULE, rule_id), level, currency)
        if found is not None:
            windows[rule_id] = found
    if not windows:
        return []
    out = []
    for entry_id in record_ids(client, ENTRY):
        entry = client.get_record(ENTRY, entry_id, expandSubResources="true")
        dates = windows.get(_ref(entry, "priceRule") or "")
        sku = skus.get(_ref(entry, "item") or "")
        if dates is None or sku is None:
            continue
        price = dated_price(sku, entry, dates)
        if price is not None:
            out.append(price)
    return out


def _ref(record: dict[str, Any], name: str) -> str | None:
    value = record.get(name)
    return str(value["id"]) if isinstance(value, dict) and value.get("id") is not None else None


def _day(rule: dict[str, Any], name: str) -> date | None:
    value = rule.get(name)
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        raise SchemaDrift(
            f"netsuite salepricerule {rule.get('id')}: {name} {value!r} is not a date"
        ) from None
