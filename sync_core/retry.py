"""When to try again: full-jitter exponential backoff with a cap, Retry-After honoured."""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class RetryPolicy:
    base_s: float = 2.0
    cap_s: float = 600.0
    max_attempts: int = 12
    give_up_after_s: float = 86_400.0

    def delay(self, attempt: int, rng: random.Random, retry_after: float | None = None) -> float:
        """Seconds to wait before attempt ``attempt + 1`` (``attempt`` counts from 1)."""
        if retry_after is not None:
            return min(max(0.0, retry_after), self.cap_s)
        ceiling = min(self.cap_s, self.base_s * (2 ** max(0, attempt - 1)))
        return rng.uniform(0, ceiling)

    def exhausted(self, attempts: int, age_s: float = float("inf")) -> bool:
        """Give up only when both the attempts and the time window are used up, so an outage
        shorter than the window never dead-letters work that would succeed after it."""
        return attempts >= self.max_attempts and age_s >= self.give_up_after_s
