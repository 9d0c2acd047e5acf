"""Backpressure on the orders poll. While the outbox already holds a backlog of due exports,
a poll adds nothing the worker could start sooner: jobs run oldest first, so a new order
queues behind the backlog whenever it is enqueued. It would still cost a full re-read of the
poll's overlap (every order changed in it), each time. So the poll holds off while the
backlog lasts, for a bounded time, and looks again within a second of the backlog draining.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sync_core.store import Store

log = logging.getLogger("sync_core.poll_hold")
RECHECK_S = 1.0  # a held poll looks at the backlog again this often (or at its own interval)


@dataclass
class PollHold:
    store: Store
    poll: str  # the scheduled run held, for the audit
    flow: str  # the jobs whose backlog holds it
    backlog: int  # due jobs that hold the poll; 0 never holds
    most_s: float  # the longest one hold lasts
    since: datetime | None = None

    def holds(self, now: datetime) -> int:
        """The due jobs holding the poll at ``now``; 0 when it should run. The start of each
        hold is audited, so a poll that stops running is explained."""
        if self.backlog <= 0:
            return 0
        if self.since is not None and (now - self.since).total_seconds() >= self.most_s:
            self.since = None  # held long enough: this poll runs, the next may hold again
            return 0
        due = self.store.due_count(self.flow, now, self.backlog)
        if due < self.backlog:
            self.since = None
            return 0
        if self.since is None:
            self.since = now
            detail = (
                f"{due} or more {self.flow} jobs due: the poll holds off until fewer are, "
                f"{self.most_s:g} s at most"
            )
            log.info("%s: %s", self.poll, detail)
            self.store.record(self.poll, "schedule", "hold", "backlog", detail, now)
        return due
