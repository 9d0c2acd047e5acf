"""Clocks for the fakes: a simulated clock for scenarios and a wall clock for served fakes.

Both expose the same small surface (``now``, ``time``, ``sleep``, ``advance``), which also
satisfies the engine's clock protocol, so one simulated clock can drive a whole scenario.
"""

from __future__ import annotations

import threading
import time as _time
from datetime import UTC, datetime, timedelta

EPOCH_START = datetime(2026, 1, 5, 9, 0, 0, tzinfo=UTC)


class SimClock:
    """A clock that moves only when told to: ``sleep`` and ``advance`` add simulated time."""

    def __init__(self, start: datetime = EPOCH_START) -> None:
        if start.tzinfo is None:
            raise ValueError("start must be timezone-aware")
        self._now = start
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def time(self) -> float:
        return self.now().timestamp()

    def monotonic(self) -> float:
        return self.time()

    def advance(self, seconds: float) -> datetime:
        if seconds < 0:
            raise ValueError("a clock cannot go backwards")
        with self._lock:
            self._now += timedelta(seconds=seconds)
            return self._now

    def sleep(self, seconds: float) -> None:
        self.advance(max(0.0, seconds))

    @property
    def simulated(self) -> bool:
        return True


class WallClock:
    """Real time plus an offset that the control plane may push forward."""

    def __init__(self) -> None:
        self._offset = 0.0
        self._lock = threading.Lock()

    def time(self) -> float:
        with self._lock:
            return _time.time() + self._offset

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.time(), tz=UTC)

    def monotonic(self) -> float:
        return _time.monotonic() + self._offset

    def advance(self, seconds: float) -> datetime:
        if seconds < 0:
            raise ValueError("a clock cannot go backwards")
        with self._lock:
            self._offset += seconds
        return self.now()

    def sleep(self, seconds: float) -> None:
        _time.sleep(max(0.0, seconds))

    @property
    def simulated(self) -> bool:
        return False


Clock = SimClock | WallClock
