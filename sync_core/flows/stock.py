"""Stock, ERP -> Magento MSI.

Absolute quantities per SKU x source. Each value carries the ERP's version; a value older than
the one already applied is never written (FM-G12). ERP locations with no mapped Magento source
are reported, never written elsewhere (FM-N04).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from sync_core.clock import Clock
from sync_core.config import MappingConfig, Policies
from sync_core.connectors.base import ErpStock, ErpStockRow
from sync_core.connectors.magento import MagentoClient
from sync_core.store import IN_CHUNK, Store

FLOW = "stock.import"
SCOPE = "stock"
BULKS = "stock.magento_bulks"
IN_TRANSIT = "fulfilment.in_transit"
"""Goods the ERP has delivered (so its figure no longer counts them) that Magento has not yet
shipped (so its source must still hold them for the shipment to deduct): a cursor of JSON,
``{"<delivery>@<source>": {"source": ..., "skus": {sku: qty}}}``, kept by the fulfilment flow."""


def in_transit(store: Store) -> dict[str, Decimal]:
    """``sku|source`` -> quantity delivered by the ERP and not yet shipped in Magento."""
    totals: dict[str, Decimal] = {}
    for part in json.loads(store.cursor(IN_TRANSIT) or "{}").values():
        for sku, qty in part["skus"].items():
            key = f"{sku}|{part['source']}"
            totals[key] = totals.get(key, Decimal(0)) + Decimal(str(qty))
    return totals


@dataclass
class StockResult:
    read: int = 0
    written: int = 0
    stale: int = 0
    unmapped_locations: set[str] = field(default_factory=set)


_SEQUENCE = re.compile(r"^(?P<name>[a-z][a-z0-9]*)-(?P<number>\d+)$")


def _order_key(version: str) -> tuple[int, object]:
    """Versions are compared as timestamps when they parse, as numbers when they are a named
    sequence (``ile-000123``: an append-only ledger's entry number), else not at all."""
    sequence = _SEQUENCE.match(version)
    if sequence:
        return (2, (sequence["name"], int(sequence["number"])))
    for parse in (
        datetime.fromisoformat,
        lambda v: datetime.strptime(v, "%m/%d/%Y %H:%M:%S"),
        lambda v: datetime.strptime(v, "%m/%d/%Y"),
    ):
        try:
            return (0, parse(version))
        except ValueError:
            continue
    return (1, version)


def is_older(candidate: str, applied: str | None) -> bool:
    """True only when both versions are timestamps, or numbers of the same sequence, and
    ``candidate`` is the older one; an opaque version (a digest) never counts as older, so a
    changed value is always applied."""
    if applied is None:
        return False
    applied = applied.split("#", 1)[0]
    a, b = _order_key(candidate), _order_key(applied)
    if a[0] != b[0] or a[0] == 1:
        return False
    if a[0] == 2 and a[1][0] != b[1][0]:  # type: ignore[index]
        return False  # two different sequences cannot be ordered
    return bool(a[1] < b[1])  # type: ignore[operator]


class StockFlow:
    def __init__(
        self,
        magento: MagentoClient,
        erp: ErpStock,
        store: Store,
        clock: Clock,
        mapping: MappingConfig,
        policies: Policies,
    ) -> None:
        self.magento = magento
        self.erp = erp
        self.store = store
        self.clock = clock
        self.mapping = mapping
        self.policies = policies

    def run(self, fence: tuple[str, int] | None = None) -> StockResult:
        result = StockResult()
        pending: dict[str, tuple[dict[str, object], str]] = {}
        transit = in_transit(self.store)
        for rows in _chunks(self.erp.stock_levels(), IN_CHUNK):
            result.read += len(rows)
            applied = self._applied(rows)
            for row in rows:
                self._consider(row, pending, result, transit, applied)
        batch = list(pending.items())
        size = self.policies.stock_batch_size
        for start in range(0, len(batch), size):
            chunk = batch[start : start + size]
            items = [item for _, (item, _) in chunk]
            if self.policies.stock_via_async_bulk:
                uuid = self.magento.set_source_items_async(items)
                self.store.record(
                    FLOW,
                    f"bulk:{uuid}",
                    "submit",
                    "open",
                    f"{len(items)} source items",
                    self.clock.now(),
                )
                self._track_bulk(uuid)
            else:
                self.magento.set_source_items(items)
            self.store.set_versions(
                SCOPE, {key: version for key, (_, version) in chunk}, self.clock.now(), fence
            )
            now_iso = self.clock.now().isoformat()
            for source in sorted({str(item["source_code"]) for _, (item, _) in chunk}):
                self.store.set_cursor(f"stock_changed:{source}", now_iso, self.clock.now())
            result.written += len(chunk)
        for location in sorted(result.unmapped_locations):
            self.store.record(
                FLOW,
                f"location:{location}",
                "skip",
                "unmapped_location",
                f"{self.erp.system} location {location} has no Magento source",
                self.clock.now(),
            )
        return result

    def _key(self, row: ErpStockRow) -> str | None:
        """``sku|source`` of an ERP stock row; None when its location maps to no source."""
        source = self.mapping.source_for(row.location)
        return None if source is None else f"{self.mapping.sku_for(row.item_code)}|{source}"

    def _applied(self, rows: list[ErpStockRow]) -> dict[str, str]:
        """The versions already applied for these rows, read in one query."""
        keys = [key for key in map(self._key, rows) if key is not None]
        return self.store.versions_among(SCOPE, keys)

    def _track_bulk(self, uuid: str) -> None:
        tracked = json.loads(self.store.cursor(BULKS) or "{}")
        tracked[uuid] = self.clock.now().isoformat()
        self.store.set_cursor(BULKS, json.dumps(tracked), self.clock.now())

    def check_bulks(self) -> list[str]:
        """Follow submitted bulks: forget the completed, send everything again when one
        failed, and name the ones still open past the alert threshold (stopped consumers)."""
        tracked: dict[str, str] = json.loads(self.store.cursor(BULKS) or "{}")
        still_open, stale = {}, []
        for uuid, submitted in tracked.items():
            statuses = {int(op.get("status", 4)) for op in self.magento.bulk_operations(uuid)}
            if statuses & {2, 3, 5}:
                self.store.clear_versions(SCOPE)  # the next run sends every level again
                continue
            if 4 in statuses:
                still_open[uuid] = submitted
                age = (self.clock.now() - datetime.fromisoformat(submitted)).total_seconds()
                if age > self.policies.alert_bulk_open_s:
                    stale.append(
                        f"Magento bulk {uuid} has been open for {age / 60:.0f} min: "
                        "are the queue consumers running?"
                    )
        self.store.set_cursor(BULKS, json.dumps(still_open), self.clock.now())
        return stale

    def _consider(
        self,
        row: ErpStockRow,
        pending: dict[str, tuple[dict[str, object], str]],
        result: StockResult,
        transit: dict[str, Decimal],
        versions: dict[str, str],
    ) -> None:
        key = self._key(row)
        if key is None:
            result.unmapped_locations.add(row.location)
            return
        sku, source = key.split("|", 1)
        applied = versions.get(key)
        # what the ERP delivered and Magento has yet to ship stays in the source until then
        qty = max(Decimal(0), row.qty) + transit.get(key, Decimal(0))
        stamp = f"{row.version}#{qty}"
        if applied == stamp:
            return
        if is_older(row.version, applied):
            result.stale += 1
            return
        pending[key] = (
            {
                "sku": sku,
                "source_code": source,
                "quantity": float(qty),
                "status": 1 if qty > 0 else 0,
            },
            stamp,
        )


def _chunks(rows: Iterable[ErpStockRow], size: int) -> Iterator[list[ErpStockRow]]:
    """``rows`` in lists of at most ``size``, read as they come."""
    chunk: list[ErpStockRow] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
