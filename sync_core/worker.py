"""The worker: claim due jobs under a lease, run their handler, and let the error class decide
what happens next (done, retry with backoff, or dead letter). A per-system circuit breaker
stops calls to a system that keeps failing; jobs wait without burning attempts.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from sync_core.circuit import CircuitBreaker
from sync_core.clock import Clock
from sync_core.errors import (
    CircuitOpen,
    PermanentError,
    RetryableError,
    SyncError,
    Throttled,
)
from sync_core.retry import RetryPolicy
from sync_core.store import Job, LeaseLost, Store

log = logging.getLogger("sync_core.worker")

Handler = Callable[[Job], str]


@dataclass
class WorkerStats:
    completed: int = 0
    retried: int = 0
    dead_lettered: int = 0
    deferred: int = 0
    lease_lost: int = 0


@dataclass
class Worker:
    store: Store
    handlers: dict[str, Handler]
    clock: Clock
    policy: RetryPolicy = field(default_factory=RetryPolicy)
    name: str = "worker-1"
    lease_s: float = 300.0
    rng: random.Random = field(default_factory=lambda: random.Random(0))
    breakers: dict[str, CircuitBreaker] = field(default_factory=dict)
    breaker_threshold: int = 5
    breaker_cooldown_s: float = 60.0
    stats: WorkerStats = field(default_factory=WorkerStats)

    def breaker(self, system: str) -> CircuitBreaker:
        if system not in self.breakers:
            self.breakers[system] = CircuitBreaker(
                system, self.breaker_threshold, self.breaker_cooldown_s
            )
        return self.breakers[system]

    def run_once(self, limit: int = 100) -> int:
        """Run the jobs due now (at most ``limit``); return how many were claimed."""
        jobs = self.store.claim(self.name, self.clock.now(), self.lease_s, limit)
        for job in jobs:
            self._run(job)
        return len(jobs)

    def _run(self, job: Job) -> None:
        breaker = self.breaker(job.system)
        now = self.clock.now()
        try:
            if not breaker.allow(now):
                raise CircuitOpen(job.system, breaker.retry_in(now))
            handler = self.handlers[job.flow]
            self.store.renew(job, now, self.lease_s)  # a long batch must not outlive a lease
            detail = handler(job)
        except LeaseLost:
            self.stats.lease_lost += 1
            return
        except CircuitOpen as exc:
            self._defer(job, exc)
            return
        except SyncError as exc:
            self._failed(job, breaker, exc)
            return
        breaker.success()
        self._settle(lambda: self.store.complete(job, self.clock.now(), detail))
        self.stats.completed += 1

    def observe(self, system: str, exc: SyncError) -> None:
        """Let a failure of any call to ``system`` steer its breaker: Retry-After pauses every
        call to it; other retryable failures count towards opening the circuit."""
        breaker = self.breaker(system)
        now = self.clock.now()
        if isinstance(exc, Throttled):
            if exc.retry_after:
                breaker.pause(now + timedelta(seconds=exc.retry_after))
        elif isinstance(exc, RetryableError):
            breaker.failure(now)
        else:
            breaker.success()  # the system answered; the record is what is wrong

    def _failed(self, job: Job, breaker: CircuitBreaker, exc: SyncError) -> None:
        now = self.clock.now()
        self.observe(job.system, exc)
        if isinstance(exc, RetryableError) and not isinstance(exc, PermanentError):
            attempts = job.attempts + 1
            age_s = (now - job.created_at).total_seconds() if job.created_at else float("inf")
            if self.policy.exhausted(attempts, age_s):
                self._dead(job, "retries_exhausted", f"{exc.reason}: {exc.message}")
                return
            retry_after = exc.retry_after if isinstance(exc, Throttled) else None
            delay = self.policy.delay(attempts, self.rng, retry_after)
            self._settle(
                lambda: self.store.retry_later(
                    job, now, now + timedelta(seconds=delay), exc.message, exc.reason
                )
            )
            self.stats.retried += 1
            return
        self._dead(job, exc.reason, exc.message)

    def _dead(self, job: Job, reason_class: str, reason: str) -> None:
        log.warning("dead-lettered %s %s: %s", job.flow, job.entity_key, reason)
        self._settle(lambda: self.store.dead_letter(job, self.clock.now(), reason_class, reason))
        self.stats.dead_lettered += 1

    def _defer(self, job: Job, exc: CircuitOpen) -> None:
        now = self.clock.now()
        at = now + timedelta(seconds=exc.retry_after)
        self._settle(
            lambda: self.store.retry_later(
                job, now, at, exc.message, exc.reason, count_attempt=False
            )
        )
        self.stats.deferred += 1

    def _settle(self, action: Callable[[], object]) -> None:
        try:
            action()
        except LeaseLost:
            self.stats.lease_lost += 1
