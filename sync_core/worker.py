"""The worker: claim due jobs under a lease, run their handler, and let the error class decide
what happens next (done, retry with backoff, or dead letter). A per-system circuit breaker
stops calls to a system that keeps failing; jobs wait without burning attempts.

With ``max_concurrency`` above 1 the jobs run on a thread pool (ERP calls are I/O bound), at
most as many per system as its :class:`~sync_core.concurrency.AdaptiveLimit` allows now:
throttling shrinks it, successes grow it back (FM-G08). After :meth:`Worker.gate_requests` the
limit gates that system's HTTP requests instead, and more of its jobs may run at once. Each job
keeps its own lease and fencing token; the breaker and the counters are shared under a lock.
With ``max_concurrency`` 1 the jobs run one after another on the calling thread.

Jobs are claimed as threads are free for them (at most ``CLAIM_BATCH`` at once, one per idle
thread), so several workers sharing a store split the due jobs between them instead of one
worker leasing a whole batch. ``run_once`` runs the jobs due now and returns when they are
done (a tick); ``serve`` keeps handing jobs to threads until it is stopped (a worker process).
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import requests

from sync_core.circuit import CircuitBreaker
from sync_core.clock import Clock
from sync_core.concurrency import (
    AdaptiveLimit,
    Outcome,
    SystemLimits,
    Ticket,
    classified_throttling,
    gate_requests,
)
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
JOBS_PER_REQUEST_SLOT = 2
# Jobs claimed in one transaction, at most one per idle thread: few enough that workers
# sharing a store still split the work and a crash strands few leases
CLAIM_BATCH = 4
"""When a system's requests are gated (not its jobs), this many jobs per request slot may run:
the rest of a job's time goes to Magento and the store."""


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
    max_concurrency: int = 1
    limits: SystemLimits | None = None
    request_gated: set[str] = field(default_factory=set)
    _lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    def breaker(self, system: str) -> CircuitBreaker:
        with self._lock:
            if system not in self.breakers:
                self.breakers[system] = CircuitBreaker(
                    system, self.breaker_threshold, self.breaker_cooldown_s
                )
            return self.breakers[system]

    def gate(self, system: str) -> AdaptiveLimit:
        """The adaptive concurrency limit of ``system`` (capped at ``max_concurrency``)."""
        with self._lock:
            if self.limits is None:
                self.limits = SystemLimits(max(1, self.max_concurrency))
            return self.limits.get(system)

    def gate_requests(
        self,
        session: requests.Session,
        system: str,
        base_url: str,
        classify: Callable[[requests.Response], object] | None = None,
    ) -> None:
        """Gate ``system``'s HTTP requests on ``session`` (rather than its jobs) with its
        limit; ``classify`` is the vendor client's error classifier, so its concurrency-limit
        errors count as throttling too. Its jobs may then run ``JOBS_PER_REQUEST_SLOT`` times
        the maximum at once; the ERP still sees no more requests in flight than the limit."""
        pool = JOBS_PER_REQUEST_SLOT * self.max_concurrency + 4
        gate_requests(session, base_url, self.gate(system), classified_throttling(classify), pool)
        with self._lock:
            self.request_gated.add(system)

    def run_once(self, limit: int = 100) -> int:
        """Run the jobs due now (at most ``limit``); return how many were claimed.

        Jobs are claimed as threads are free to start them, one at a time when running
        serially and at most ``CLAIM_BATCH`` at once (one per idle thread) when concurrent, so
        workers sharing the store split the work between them and a crash strands few leases.
        Only jobs due when the run began are taken; a job met a second time (retried with no
        delay) ends the run after it, as a fixed batch would have."""
        start = self.clock.now()
        if self.max_concurrency <= 1:
            return self._run_serially(start, limit)
        return self._run_concurrently(start, limit)

    def _claim_one(self, start: datetime) -> Job | None:
        jobs = self.store.claim(self.name, self.clock.now(), self.lease_s, 1, due_by=start)
        return jobs[0] if jobs else None

    def _run_serially(self, start: datetime, limit: int) -> int:
        seen: set[int] = set()
        while len(seen) < limit and (job := self._claim_one(start)) is not None:
            self._run(job)
            if job.id in seen:
                return len(seen) + 1
            seen.add(job.id)
        return len(seen)

    def _run_concurrently(self, start: datetime, limit: int) -> int:
        """Keep up to the pool's threads busy; a job of a system whose jobs are gated waits
        for a slot of its limit before it is handed over. Waits for all of them; an
        unexpected exception surfaces after the rest ran."""
        widen = JOBS_PER_REQUEST_SLOT if self.request_gated else 1
        threads = self.max_concurrency * widen
        free = threading.Semaphore(threads)
        futures: list[Future[None]] = []
        seen: set[int] = set()
        with ThreadPoolExecutor(threads, thread_name_prefix=f"{self.name}-job") as pool:
            while len(futures) < limit:
                free.acquire()
                claimed = self._claim_for(free, min(CLAIM_BATCH, limit - len(futures)), start)
                repeated = False
                for job in claimed:
                    futures.append(self._submit(pool, job, free))
                    repeated = repeated or job.id in seen
                    seen.add(job.id)
                if not claimed or repeated:
                    break
        for future in futures:
            future.result()
        return len(futures)

    def serve(self, stop: threading.Event, idle_s: float = 0.2) -> int:
        """Run jobs as they fall due until ``stop`` is set, handing each to a thread as one
        is free, with no pause between batches: a long-running worker process keeps the
        ERP's slots busy instead of waiting for a batch's slowest job before it claims the
        next (``run_once`` does that, so that a tick ends with its work done). Waits
        ``idle_s`` when nothing is due. Returns how many jobs it ran; an unexpected
        exception stops it and surfaces once the jobs in hand are done."""
        threads = self.max_concurrency * (JOBS_PER_REQUEST_SLOT if self.request_gated else 1)
        free = threading.Semaphore(threads)
        failures: list[BaseException] = []
        ran = 0

        def settled(future: Future[None]) -> None:
            error = future.exception()
            if error is not None:
                failures.append(error)
                stop.set()

        with ThreadPoolExecutor(threads, thread_name_prefix=f"{self.name}-job") as pool:
            while not stop.is_set():
                if not free.acquire(timeout=idle_s):
                    continue
                claimed = self._claim_for(free, CLAIM_BATCH)
                for job in claimed:
                    self._submit(pool, job, free).add_done_callback(settled)
                ran += len(claimed)
                if not claimed:
                    stop.wait(idle_s)
        if failures:
            raise failures[0]
        return ran

    def _claim_for(
        self, free: threading.Semaphore, most: int, due_by: datetime | None = None
    ) -> list[Job]:
        """Claim a job for the idle thread the caller holds, and for up to ``most`` - 1 more
        idle threads taken without waiting; the threads left without a job are freed."""
        slots = 1 + _take_free(free, most - 1)
        claimed = self.store.claim(self.name, self.clock.now(), self.lease_s, slots, due_by)
        for _ in range(slots - len(claimed)):
            free.release()
        return claimed

    def _submit(
        self, pool: ThreadPoolExecutor, job: Job, free: threading.Semaphore
    ) -> Future[None]:
        gate: AdaptiveLimit | None = None
        ticket: Ticket | None = None
        if job.system not in self.request_gated:  # else its requests wait for a slot
            gate = self.gate(job.system)
            ticket = gate.acquire()
        future = pool.submit(self._run_gated, job, gate, ticket)
        future.add_done_callback(lambda _: free.release())
        return future

    def _run_gated(self, job: Job, gate: AdaptiveLimit | None, ticket: Ticket | None) -> None:
        outcome: Outcome = "neutral"
        try:
            outcome = self._run(job)
        finally:
            if gate is not None and ticket is not None:
                gate.release(ticket, outcome)

    def _run(self, job: Job) -> Outcome:
        breaker = self.breaker(job.system)
        now = self.clock.now()
        try:
            with self._lock:
                if not breaker.allow(now):
                    raise CircuitOpen(job.system, breaker.retry_in(now))
            handler = self.handlers[job.flow]
            if self._lease_runs_short(job, now):  # a long batch must not outlive a lease
                self.store.renew(job, now, self.lease_s)
            detail = handler(job)
        except LeaseLost:
            self._count("lease_lost")
            return "neutral"
        except CircuitOpen as exc:
            self._defer(job, exc)
            return "neutral"
        except SyncError as exc:
            self._failed(job, breaker, exc)
            return "throttled" if isinstance(exc, Throttled) else "neutral"
        with self._lock:
            breaker.success()
        self._settle(lambda: self.store.complete(job, self.clock.now(), detail))
        self._count("completed")
        return "ok"

    def _lease_runs_short(self, job: Job, now: datetime) -> bool:
        """Whether ``job``'s lease needs renewing before its handler runs: unless it was
        claimed moments ago (over half its lease left), when renewing would only repeat the
        claim's own write. A job that waited long enough is renewed, and a lease another
        worker took meanwhile surfaces as LeaseLost before any work."""
        if job.lease_until is None:
            return True
        return (job.lease_until - now).total_seconds() < self.lease_s / 2

    def _count(self, name: str) -> None:
        with self._lock:
            setattr(self.stats, name, getattr(self.stats, name) + 1)

    def observe(self, system: str, exc: SyncError) -> None:
        """Let a failure of any call to ``system`` steer its breaker: Retry-After pauses every
        call to it; other retryable failures count towards opening the circuit."""
        breaker = self.breaker(system)
        now = self.clock.now()
        with self._lock:
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
            self._count("retried")
            return
        self._dead(job, exc.reason, exc.message)

    def _dead(self, job: Job, reason_class: str, reason: str) -> None:
        log.warning("dead-lettered %s %s: %s", job.flow, job.entity_key, reason)
        self._settle(lambda: self.store.dead_letter(job, self.clock.now(), reason_class, reason))
        self._count("dead_lettered")

    def _defer(self, job: Job, exc: CircuitOpen) -> None:
        now = self.clock.now()
        at = now + timedelta(seconds=exc.retry_after)
        self._settle(
            lambda: self.store.retry_later(
                job, now, at, exc.message, exc.reason, count_attempt=False
            )
        )
        self._count("deferred")

    def _settle(self, action: Callable[[], object]) -> None:
        try:
            action()
        except LeaseLost:
            self._count("lease_lost")


def _take_free(free: threading.Semaphore, most: int) -> int:
    """Take up to ``most`` more idle threads without waiting; how many were taken."""
    taken = 0
    while taken < most and free.acquire(blocking=False):
        taken += 1
    return taken
