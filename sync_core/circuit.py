"""A circuit breaker per remote system: closed -> open after repeated failures -> half-open
after a cool-down, where one probe decides whether it closes again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass
class CircuitBreaker:
    system: str
    threshold: int = 5
    cooldown_s: float = 60.0
    failures: int = 0
    opened_at: datetime | None = None
    probing: bool = False
    opened_count: int = 0
    paused_until: datetime | None = None

    def pause(self, until: datetime) -> None:
        """The system asked us to wait (Retry-After): no call to it before ``until``."""
        if self.paused_until is None or until > self.paused_until:
            self.paused_until = until

    def state(self, now: datetime) -> str:
        if self.opened_at is None:
            return "closed"
        if now - self.opened_at >= timedelta(seconds=self.cooldown_s):
            return "half-open"
        return "open"

    def allow(self, now: datetime) -> bool:
        """May a call go out now? In half-open state only one probe at a time."""
        if self.paused_until is not None and now < self.paused_until:
            return False
        state = self.state(now)
        if state == "closed":
            return True
        if state == "half-open" and not self.probing:
            self.probing = True
            return True
        return False

    def retry_in(self, now: datetime) -> float:
        waits = [1.0]
        if self.paused_until is not None:
            waits.append((self.paused_until - now).total_seconds())
        if self.opened_at is not None:
            waits.append(self.cooldown_s - (now - self.opened_at).total_seconds())
        return max(waits)

    def success(self) -> None:
        self.failures = 0
        self.opened_at = None
        self.probing = False

    def failure(self, now: datetime) -> None:
        self.failures += 1
        if self.probing or self.failures >= self.threshold:
            if self.opened_at is None or self.probing:
                self.opened_count += 1
            self.opened_at = now
            self.probing = False
