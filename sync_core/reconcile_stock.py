"""Streaming stock reconciliation: Magento's quantity per SKU x source against the ERP's, for
catalogues too large to hold in memory (a million SKUs and more, FM-G03 at scale).

Both sides arrive as iterables of rows in SKU order: Magento's ``(sku, source, qty)`` and the
ERP's ``(item, location, qty)``, which the mapping translates into Magento's codes (an ERP
location with no Magento source is noted and left out). The two streams are merged one SKU
at a time, so memory holds the rows of one SKU per side plus the differences kept, whatever the
size of the catalogue. The sources of one SKU may come in any order. A stream out of SKU order
is refused with an error naming the side, the record and both SKUs, never compared wrongly.

The verdicts match :mod:`sync_core.reconcile`: a Magento quantity that differs from the ERP's
(negative ERP stock counts as 0) is a ``stock_mismatch``; a row only one side has is counted as
``missing_in_magento`` or ``missing_in_erp``. Every difference is counted; the first
``max_diffs`` are kept with their detail.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import chain, zip_longest
from typing import Any

from sync_core.config import MappingConfig

StockRow = tuple[str, str, Decimal]  # sku (or ERP item), source (or ERP location), quantity
ZERO = Decimal(0)


class StockOrderError(ValueError):
    """A stock stream is not in SKU order, so a sorted merge cannot compare it."""


@dataclass
class StockReconciliation:
    checked: int = 0
    mismatched: int = 0
    missing_in_magento: int = 0
    missing_in_erp: int = 0
    unmapped_locations: set[str] = field(default_factory=set)
    diffs: list[dict[str, Any]] = field(default_factory=list)
    max_diffs: int = 1000

    @property
    def differences(self) -> int:
        return self.mismatched + self.missing_in_magento + self.missing_in_erp

    def record(self, kind: str, sku: str, source: str, detail: str) -> None:
        if len(self.diffs) < self.max_diffs:
            self.diffs.append({"kind": kind, "key": f"{sku}|{source}", "detail": detail})

    def as_dict(self) -> dict[str, Any]:
        return {
            "checked": self.checked,
            "mismatched": self.mismatched,
            "missing_in_magento": self.missing_in_magento,
            "missing_in_erp": self.missing_in_erp,
            "unmapped_locations": sorted(self.unmapped_locations),
            "diffs_kept": len(self.diffs),
        }


def reconcile_stock(
    magento: Iterable[StockRow],
    erp: Iterable[StockRow],
    mapping: MappingConfig,
    system: str,
    max_diffs: int = 1000,
) -> StockReconciliation:
    """Merge Magento's rows (sku, source, qty) with the ERP's (item, location, qty, in the
    ERP's codes), both in SKU order, and count every difference (see the module docstring)."""
    outcome = StockReconciliation(max_diffs=max_diffs)
    sources = {location: source for source, location in mapping.locations.items()}
    if mapping.items:
        erp = _translated(erp, mapping, sources, outcome)
        sources = {source: source for source in sources.values()}
    left, right = _Side("magento", iter(magento)), _Side(system, iter(erp))
    while True:
        _lockstep(left, right, sources, outcome)
        if not _settle_one_sku(left, right, sources, outcome):
            return outcome


class _Side:
    """One stream, with the row read but not yet used and the last SKU seen."""

    def __init__(self, name: str, rows: Iterator[StockRow]) -> None:
        self.name = name
        self.rows = rows
        self.pending: StockRow | None = None
        self.last = ""

    def stream(self) -> Iterator[StockRow]:
        if self.pending is None:
            return self.rows
        row, self.pending = self.pending, None
        return chain((row,), self.rows)

    def peek(self) -> StockRow | None:
        if self.pending is None:
            self.pending = next(self.rows, None)
        return self.pending

    def take_group(
        self, sku: str, sources: dict[str, str] | None, unmapped: set[str]
    ) -> dict[str, Decimal]:
        """The rows of ``sku`` from here on as ``{source: qty}`` (ERP locations through
        ``sources``; a row at a location with none is skipped and its location noted)."""
        levels: dict[str, Decimal] = {}
        row = self.peek()
        while row is not None and row[0] == sku:
            source = row[1] if sources is None else sources.get(row[1])
            if source is not None:
                levels[source] = row[2]
            else:
                unmapped.add(row[1])
            self.pending = None
            row = self.peek()
        self.last = sku
        if row is not None:
            self.check(row[0])
        return levels

    def check(self, sku: str) -> None:
        if sku < self.last:
            raise StockOrderError(
                f"{self.name} stock is not in SKU order: SKU {sku!r} comes after "
                f"{self.last!r}; sort the {self.name} stock by SKU before reconciling it"
            )


def _lockstep(
    left: _Side, right: _Side, sources: dict[str, str], outcome: StockReconciliation
) -> None:
    """The common case, row against row while both sides hold the same SKU, source and
    quantity (and the ERP's is not negative); stops at the first pair that differs."""
    last, checked = left.last, 0
    for mine, theirs in zip_longest(left.stream(), right.stream()):
        if mine is None or theirs is None:
            left.pending, right.pending = mine, theirs
            break
        sku, source, qty = mine
        if sku != theirs[0] or source != sources.get(theirs[1]) or qty != theirs[2] or qty < ZERO:
            left.pending, right.pending = mine, theirs
            break
        if sku < last:
            left.last = right.last = last
            left.check(sku)
        last = sku
        checked += 1
    left.last = right.last = last
    outcome.checked += checked


def _settle_one_sku(
    left: _Side, right: _Side, sources: dict[str, str], outcome: StockReconciliation
) -> bool:
    """Compare the rest of the lowest SKU either side is at; False when both are done."""
    mine, theirs = left.peek(), right.peek()
    while theirs is not None and sources.get(theirs[1]) is None:
        outcome.unmapped_locations.add(theirs[1])
        right.pending = None
        theirs = right.peek()
    if mine is None and theirs is None:
        return False
    if mine is not None:
        left.check(mine[0])
    if theirs is not None:
        right.check(theirs[0])
    sku = min(row[0] for row in (mine, theirs) if row is not None)
    have = left.take_group(sku, None, outcome.unmapped_locations)
    levels = right.take_group(sku, sources, outcome.unmapped_locations)
    outcome.checked += len(levels)
    _compare(outcome, sku, have, levels, right.name)
    return True


def _translated(
    rows: Iterable[StockRow],
    mapping: MappingConfig,
    sources: dict[str, str],
    outcome: StockReconciliation,
) -> Iterator[StockRow]:
    """ERP rows with item codes and locations in Magento's codes (needed only when items are
    mapped; then the mapped SKUs must still come in SKU order)."""
    skus = {item: sku for sku, item in mapping.items.items()}
    for item, location, qty in rows:
        source = sources.get(location)
        if source is None:
            outcome.unmapped_locations.add(location)
            continue
        yield (skus.get(item, item), source, qty)


def _compare(
    outcome: StockReconciliation,
    sku: str,
    mine: dict[str, Decimal],
    theirs: dict[str, Decimal],
    system: str,
) -> None:
    """The sources of one SKU where the two sides disagree (``checked`` is already counted)."""
    for source, qty in theirs.items():
        have = mine.get(source)
        if have is None:
            _missing_in_magento(outcome, sku, source, qty, system)
        elif have != (qty if qty > ZERO else ZERO):
            outcome.mismatched += 1
            outcome.record(
                "stock_mismatch",
                sku,
                source,
                f"stock {sku} @ {source}: Magento {have} but {system} {qty}",
            )
    for source in mine.keys() - theirs.keys():
        _missing_in_erp(outcome, sku, source, mine[source], system)


def _missing_in_magento(
    outcome: StockReconciliation, sku: str, source: str, qty: Decimal, system: str
) -> None:
    outcome.missing_in_magento += 1
    outcome.record(
        "missing_in_magento",
        sku,
        source,
        f"stock {sku} @ {source}: {system} has {qty}, Magento has no source item",
    )


def _missing_in_erp(
    outcome: StockReconciliation, sku: str, source: str, qty: Decimal, system: str
) -> None:
    outcome.missing_in_erp += 1
    outcome.record(
        "missing_in_erp",
        sku,
        source,
        f"stock {sku} @ {source}: Magento has {qty}, {system} has no stock row",
    )
