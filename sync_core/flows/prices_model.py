"""The price flow's vendor-neutral pieces: an ERP price row, what Magento should hold at a
moment (effective dates applied, FM-T02), and the diff against what Magento holds (FM-T06).

Magento entries are flat ``key -> value`` (see :mod:`sync_core.connectors.magento.prices`):
``base|SKU``, ``tier|SKU|GROUP|QTY`` and ``special|SKU``.

Dates: a base or tier row counts from its ``valid_from`` (inclusive) to its ``valid_to``
(inclusive); a future row is not sent before its date. A special price is sent with its dates,
which Magento enforces itself (``price_from``/``price_to``): the active one, else the next one
to come, so it starts and ends exactly at its dates; once ended it is deleted from Magento.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal, Protocol

from sync_core.connectors.magento.prices import tier_key

Kind = Literal["base", "tier", "special"]
Entry = dict[str, Any]
TOLERANCE = 0.005
MAGENTO_TIME = "%Y-%m-%d %H:%M:%S"


@dataclass(frozen=True)
class ErpPrice:
    """One price the ERP holds, already in Magento's terms (SKU, customer group code)."""

    sku: str
    kind: Kind
    amount: Decimal
    group: str | None = None
    qty: float = 1.0
    valid_from: datetime | None = None
    valid_to: datetime | None = None
    source: str = ""

    def valid_at(self, now: datetime) -> bool:
        return (self.valid_from is None or self.valid_from <= now) and (
            self.valid_to is None or now <= self.valid_to
        )


class PriceSource(Protocol):
    """An ERP's prices. ``kinds`` says which Magento price kinds it owns: kinds it does not
    supply are left alone in Magento."""

    kinds: frozenset[str]

    def read(self) -> list[ErpPrice]: ...


@dataclass(frozen=True)
class Change:
    key: str
    old: Entry | None
    new: Entry | None
    change_pct: float

    def as_item(self) -> dict[str, Any]:
        return {"key": self.key, "old": self.old, "new": self.new, "change_pct": self.change_pct}


def _stamp(moment: datetime | None) -> str | None:
    return None if moment is None else moment.strftime(MAGENTO_TIME)


def _latest(rows: list[ErpPrice], now: datetime) -> ErpPrice | None:
    valid = [r for r in rows if r.valid_at(now)]
    if not valid:
        return None
    return max(valid, key=lambda r: r.valid_from or datetime.min.replace(tzinfo=now.tzinfo))


def _special(rows: list[ErpPrice], now: datetime) -> ErpPrice | None:
    active = _latest(rows, now)
    if active is not None:
        return active
    upcoming = [r for r in rows if r.valid_from is not None and r.valid_from > now]
    return min(upcoming, key=lambda r: r.valid_from or now) if upcoming else None


def desired(prices: Iterable[ErpPrice], now: datetime) -> dict[str, Entry]:
    """What Magento should hold at ``now``."""
    groups: dict[str, list[ErpPrice]] = {}
    for price in prices:
        groups.setdefault(_key(price), []).append(price)
    out: dict[str, Entry] = {}
    for key, rows in groups.items():
        chosen = _special(rows, now) if key.startswith("special|") else _latest(rows, now)
        if chosen is None:
            continue
        entry: Entry = {"price": float(chosen.amount)}
        if chosen.kind == "special":
            entry["price_from"] = _stamp(chosen.valid_from)
            entry["price_to"] = _stamp(chosen.valid_to)
        out[key] = entry
    return out


def _key(price: ErpPrice) -> str:
    if price.kind == "tier":
        return tier_key(price.sku, price.group or "", price.qty)
    return f"{price.kind}|{price.sku}"


def same(a: Entry | None, b: Entry | None) -> bool:
    if a is None or b is None:
        return a is b
    if abs(float(a["price"]) - float(b["price"])) > TOLERANCE:
        return False
    return all(a.get(k) == b.get(k) for k in ("price_from", "price_to"))


def change_pct(key: str, old: Entry | None, new: Entry | None, base: float | None) -> float:
    """How much the price a customer sees moves, in percent of the price before. A new tier
    or special price is measured against the base price; so is a deleted one."""
    before = float(old["price"]) if old is not None else base
    after = float(new["price"]) if new is not None else base
    if before is None or after is None:
        return 0.0
    if before == 0:
        return 0.0 if after == 0 else 100.0
    return round(abs(after - before) / before * 100, 2)


def diff(
    wanted: dict[str, Entry],
    current: dict[str, Entry],
    kinds: frozenset[str],
    skus: set[str],
    now: datetime | None = None,
) -> list[Change]:
    """The changes that make Magento hold ``wanted`` for ``skus`` (the SKUs both systems know),
    for the price kinds the ERP owns. Magento entries of those kinds and SKUs the ERP does not
    hold are deleted (a base price is never deleted); deleting a special price that has ended
    (``price_to`` before ``now``) changes no price a customer sees."""
    changes: list[Change] = []
    for key in sorted(set(wanted) | set(current)):
        kind, sku = key.split("|")[:2]
        if kind not in kinds or sku not in skus or (kind == "base" and key not in wanted):
            continue
        old, new = current.get(key), wanted.get(key)
        if same(old, new):
            continue
        base_entry = current.get(f"base|{sku}") or wanted.get(f"base|{sku}")
        base = float(base_entry["price"]) if base_entry else None
        pct = 0.0 if _ended(old, new, now) else change_pct(key, old, new, base)
        changes.append(Change(key, old, new, pct))
    return changes


def _ended(old: Entry | None, new: Entry | None, now: datetime | None) -> bool:
    ends = (old or {}).get("price_to")
    if new is not None or now is None or not ends:
        return False
    return str(ends) < now.strftime(MAGENTO_TIME)
