"""Every time read and every wait of the engine goes through a clock, so scenarios can run it
on simulated time. Any object with ``now()`` and ``sleep()`` will do.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime: ...

    def sleep(self, seconds: float) -> None: ...


class SystemClock:
    """Wall-clock time, UTC."""

    def now(self) -> datetime:
        return datetime.now(tz=UTC)

    def sleep(self, seconds: float) -> None:
        time.sleep(max(0.0, seconds))
