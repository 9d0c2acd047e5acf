"""What the order policies ask of an ERP before and while an order is created (FM-T01, FM-T03).

Most ERPs accept a sales order for stock they do not have (NetSuite, Business One, S/4HANA,
Business Central and Sage 200 all create it and leave it open or backordered), so a stockout is
found by a stock lookup before the create: :class:`StockSnapshot` reads the ERP's stock
(``stock_levels``, summed over the mapped locations) at most once per ``ttl_s`` and subtracts
what this process created since. A failed read skips the check for that period rather than
holding orders back (fail open: an unreachable ERP fails the create anyway), except a throttled
one (429): the ERP asked us to wait, so the export fails and waits for its Retry-After.

Account holds are mostly the ERP's own answer: a blocked Business Central customer, a frozen
Business One partner, an S/4HANA sold-to party with an order block and a Sage 200 account on
hold each refuse the order with a :class:`~sync_core.errors.BusinessHold`, which the ERP's
``held_account`` recognises. NetSuite, whose credit hold only bites on accounts that enforce
it, is asked first (``account_hold``). Each ERP package may offer
``sync_core.connectors.<pkg>.order_state.build(erp) -> ErpOrderChecks | None``; without one the
defaults below apply (stock lookup, no account pre-check).
"""

from __future__ import annotations

import re
import threading
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol

from sync_core.clock import Clock
from sync_core.config import MappingConfig
from sync_core.connectors.base import ErpStockRow
from sync_core.connectors.registry import flow_module
from sync_core.errors import BusinessHold, SyncError, Throttled
from sync_core.model import Order


class ErpOrderChecks(Protocol):
    """One ERP's answers to the order policies."""

    def stock_rows(self) -> Iterable[ErpStockRow] | None:
        """The ERP's stock now, or None when it cannot be read without side effects."""
        ...

    def account_hold(self, order: Order) -> str | None:
        """Asked before the create: why the order's account is on hold, or None."""
        ...

    def held_account(self, error: BusinessHold) -> str | None:
        """The account a refused create names as held, or None for other business holds."""
        ...


class DefaultChecks:
    """Stock through ``stock_levels``; the ERP refuses held accounts itself, if at all."""

    def __init__(self, erp: Any) -> None:
        self.erp = erp

    def stock_rows(self) -> Iterable[ErpStockRow] | None:
        read = getattr(self.erp, "stock_levels", None)
        if read is None:
            return None
        rows: Iterable[ErpStockRow] = read()
        return rows

    def account_hold(self, order: Order) -> str | None:
        return None

    def held_account(self, error: BusinessHold) -> str | None:
        return None


def checks_for(erp: Any) -> ErpOrderChecks:
    """The ERP package's checks (``order_state.build``), else :class:`DefaultChecks`."""
    module = flow_module(str(getattr(erp, "system", "")), "order_state")
    built: ErpOrderChecks | None = None if module is None else module.build(erp)
    return built if built is not None else DefaultChecks(erp)


@dataclass(frozen=True)
class Shortfall:
    sku: str
    item_code: str
    wanted: Decimal
    available: Decimal

    @property
    def missing(self) -> Decimal:
        return self.wanted - max(self.available, Decimal(0))

    def describe(self) -> str:
        have = max(self.available, Decimal(0))
        return (
            f"SKU {self.sku}: ordered {_qty(self.wanted)}, ERP has {_qty(have)} "
            f"(short {_qty(self.missing)})"
        )


def _qty(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text if text != "-0" else "0"


@dataclass
class StockSnapshot:
    """ERP stock per item code, re-read at most every ``ttl_s`` seconds."""

    checks: ErpOrderChecks
    mapping: MappingConfig
    clock: Clock
    ttl_s: float = 300.0
    taken_at: datetime | None = None
    levels: dict[str, Decimal] | None = None
    taken: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    _reading: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def shortfalls(self, order: Order) -> list[Shortfall] | None:
        """What the ERP lacks for ``order`` (empty: nothing), or None when unknown."""
        asked = self.clock.now()
        found = self._short(order, self._levels())
        if found and (self.taken_at is None or self.taken_at < asked):
            # never hold on an old figure: one read after this check began (by this thread
            # or another that got there first)
            found = self._short(order, self._levels(read_since=asked))
        return found

    def _short(self, order: Order, levels: dict[str, Decimal] | None) -> list[Shortfall] | None:
        if levels is None:
            return None
        wanted: dict[str, Decimal] = defaultdict(Decimal)
        skus: dict[str, str] = {}
        for line in order.lines:
            code = self.mapping.item_code(line.sku)
            wanted[code] += line.qty
            skus.setdefault(code, line.sku)
        found = []
        for code, qty in wanted.items():
            available = levels.get(code, Decimal(0)) - self.taken[code]
            if qty > available:
                found.append(Shortfall(skus[code], code, qty, available))
        return found

    def consume(self, order: Order) -> None:
        """Count an order just created against the snapshot."""
        for line in order.lines:
            self.taken[self.mapping.item_code(line.sku)] += line.qty

    def _levels(self, read_since: datetime | None = None) -> dict[str, Decimal] | None:
        """The snapshot, read again when older than ``ttl_s`` or than ``read_since``; one
        thread reads while the others wait for its answer."""
        with self._reading:
            now = self.clock.now()
            taken = self.taken_at
            fresh = taken is not None and (now - taken).total_seconds() < self.ttl_s
            if read_since is not None and (taken is None or taken < read_since):
                fresh = False
            if not fresh:
                levels = self._read()
                self.taken_at, self.taken, self.levels = now, defaultdict(Decimal), levels
            return self.levels

    def _read(self) -> dict[str, Decimal] | None:
        try:
            rows = self.checks.stock_rows()
            if rows is None:
                return None
            return self._sum(rows)
        except Throttled:
            raise  # the ERP asked us to wait: the export waits (Retry-After)
        except SyncError:  # fail open: see the module docstring
            return None

    def _sum(self, rows: Iterable[ErpStockRow]) -> dict[str, Decimal]:
        mapped = set(self.mapping.locations.values())
        levels: dict[str, Decimal] = defaultdict(Decimal)
        for row in rows:
            if not mapped or row.location in mapped:
                levels[row.item_code] += row.qty
        return dict(levels)


class RefusalChecks(DefaultChecks):
    """Defaults, plus the account a refusal names, found by ``pattern`` (group 1) in the
    :class:`BusinessHold` message the ERP connector raised."""

    def __init__(self, erp: Any, pattern: re.Pattern[str]) -> None:
        super().__init__(erp)
        self.pattern = pattern

    def held_account(self, error: BusinessHold) -> str | None:
        found = self.pattern.search(error.message)
        return found.group(1) if found else None
