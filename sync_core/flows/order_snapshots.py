"""The orders the poll has just read whole, kept in memory for their first export.

An export reads its order from Magento before mapping it. For an order the poll has only just
found, that read fetches what a search could have returned a moment earlier, one request per
order. So each poll reads the new orders it is about to enqueue whole, in searches of a page
each (``entity_id in (...)``), and an export's first attempt takes its order from here.

The copies are read before the jobs are enqueued, so no export can start before its copy is
kept. A copy is as old as the poll: only a first attempt on the job's first lease uses it, and
only while it is younger than ``max_age_s``. A retry, a job taken over after a crash, or a job
run by another worker process reads the order afresh. Nothing here is durable (the customer
data in an order stays out of the store). At most ``most`` copies are kept: when a poll finds
more new orders, the oldest get copies (jobs run oldest first) and the rest are read at their
export; a copy nobody took goes when it is too old to be used.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from datetime import datetime
from typing import Any


class OrderSnapshots:
    """Thread-safe: the poll adds, worker threads take."""

    def __init__(self, max_age_s: float, most: int) -> None:
        self.max_age_s = max_age_s
        self.most = most
        self._copies: OrderedDict[int, tuple[datetime, dict[str, Any]]] = OrderedDict()
        self._lock = threading.Lock()

    def switch_off(self) -> None:
        """Keep no copies from now on (a process that runs no exports would never use them)."""
        with self._lock:
            self.most = 0
            self._copies.clear()

    @property
    def enabled(self) -> bool:
        return self.max_age_s > 0 and self.most > 0

    def __len__(self) -> int:
        with self._lock:
            return len(self._copies)

    def room(self, now: datetime) -> int:
        """How many more copies may be kept at ``now`` (the stale ones are dropped first)."""
        with self._lock:
            self._drop_stale(now)
            return max(0, self.most - len(self._copies)) if self.enabled else 0

    def keep(self, orders: list[dict[str, Any]], read_at: datetime) -> int:
        """Keep ``orders`` (Magento order documents read at ``read_at``) while there is room;
        how many were kept. A copy kept earlier is never pushed out by a newer order's: the
        earlier ones are exported first."""
        if not self.enabled:
            return 0
        kept = 0
        with self._lock:
            self._drop_stale(read_at)
            for order in orders:
                entity_id = int(order["entity_id"])
                if entity_id not in self._copies and len(self._copies) >= self.most:
                    continue
                self._copies.pop(entity_id, None)
                self._copies[entity_id] = (read_at, order)
                kept += 1
        return kept

    def take(self, entity_id: int, now: datetime) -> dict[str, Any] | None:
        """The copy of ``entity_id`` if one younger than ``max_age_s`` is kept; it is
        dropped either way (one export uses it at most once)."""
        with self._lock:
            found = self._copies.pop(entity_id, None)
        if found is None:
            return None
        read_at, order = found
        return order if self._fresh(read_at, now) else None

    def _fresh(self, read_at: datetime, now: datetime) -> bool:
        return (now - read_at).total_seconds() <= self.max_age_s

    def _drop_stale(self, now: datetime) -> None:
        """Drop the copies too old to be used, oldest first (they are kept in reading order,
        and a copy read again moves to the end)."""
        while self._copies:
            entity_id, (read_at, _) = next(iter(self._copies.items()))
            if self._fresh(read_at, now):
                return
            del self._copies[entity_id]
