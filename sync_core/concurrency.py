"""How much work may be in flight against one remote system at a time (FM-G08).

:class:`AdaptiveLimit` is additive-increase / multiplicative-decrease, as TCP does it: every
call that succeeds adds ``1 / limit`` (one step per full window of successes); a throttle (429
or a concurrency-limit error) cuts the limit by ``backoff``, at most once per window, because
the calls already in flight when the limit was cut carry old news and must not cut it again.
The limit never leaves ``[minimum, maximum]``; ``maximum`` is what the policies configure.

The limit can gate whole jobs (the worker runs at most ``limit`` jobs of the system at once,
each making one call at a time) or, tighter, the system's HTTP requests themselves
(:func:`gate_requests` mounts a :class:`LimitedAdapter` on the session for the system's base
URL): then more jobs may run than the limit while they read Magento or write the store, and
the ERP still never sees more than ``limit`` requests in flight.

Waiting out a ``Retry-After`` is not this module's job: the worker's circuit breaker holds
every call to the system until the time it named, and this limit shrinks meanwhile.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import requests
from requests.adapters import HTTPAdapter

from sync_core import gated_http
from sync_core.errors import Throttled

Outcome = Literal["ok", "throttled", "neutral"]
"""How a call ended, for the limit: it succeeded, it was throttled, or it tells nothing about
the system's capacity (a validation error, a deferred job, a lost lease...)."""


@dataclass(frozen=True)
class Ticket:
    """One slot taken; ``epoch`` is the limit's generation when it was taken."""

    epoch: int


class AdaptiveLimit:
    """A thread-safe, self-tuning cap on the calls in flight to one system."""

    def __init__(
        self,
        maximum: int,
        *,
        minimum: int = 1,
        backoff: float = 0.5,
        initial: float | None = None,
    ) -> None:
        if maximum < 1:
            raise ValueError(f"maximum must be at least 1, got {maximum}")
        if not 1 <= minimum <= maximum:
            raise ValueError(f"minimum must be between 1 and maximum ({maximum}), got {minimum}")
        if not 0.0 < backoff < 1.0:
            raise ValueError(f"backoff must be between 0 and 1 (exclusive), got {backoff}")
        self.maximum = maximum
        self.minimum = minimum
        self.backoff = backoff
        self._limit = float(maximum if initial is None else initial)
        self._limit = min(float(maximum), max(float(minimum), self._limit))
        self._in_flight = 0
        self._epoch = 0
        self._cond = threading.Condition()
        self.peak_in_flight = 0
        self.lowest = self.limit
        self.throttles = 0
        self.cuts = 0

    @property
    def limit(self) -> int:
        """How many calls may be in flight now."""
        return max(self.minimum, math.floor(self._limit))

    @property
    def in_flight(self) -> int:
        with self._cond:
            return self._in_flight

    def acquire(self, timeout: float | None = None) -> Ticket | None:
        """Wait for a free slot and take it; None when ``timeout`` seconds pass first."""
        with self._cond:
            if not self._cond.wait_for(lambda: self._in_flight < self.limit, timeout):
                return None
            self._in_flight += 1
            self.peak_in_flight = max(self.peak_in_flight, self._in_flight)
            return Ticket(self._epoch)

    def release(self, ticket: Ticket, outcome: Outcome = "neutral") -> None:
        """Give the slot back and learn from how the call ended."""
        with self._cond:
            self._in_flight -= 1
            if outcome == "throttled":
                self._shrink(ticket)
            elif outcome == "ok":
                self._limit = min(float(self.maximum), self._limit + 1.0 / self._limit)
            self._cond.notify_all()

    def _shrink(self, ticket: Ticket) -> None:
        self.throttles += 1
        if ticket.epoch != self._epoch:
            return  # taken before the last cut: that cut already answered this news
        self._limit = max(float(self.minimum), self._limit * self.backoff)
        self._epoch += 1
        self.cuts += 1
        self.lowest = min(self.lowest, self.limit)

    def snapshot(self) -> dict[str, Any]:
        with self._cond:
            return {
                "limit": self.limit,
                "maximum": self.maximum,
                "in_flight": self._in_flight,
                "peak_in_flight": self.peak_in_flight,
                "lowest": self.lowest,
                "throttles": self.throttles,
                "cuts": self.cuts,
            }


class SystemLimits:
    """One :class:`AdaptiveLimit` per remote system, each capped at ``maximum``."""

    def __init__(self, maximum: int, **options: Any) -> None:
        if maximum < 1:
            raise ValueError(f"policies.max_concurrency must be at least 1, got {maximum}")
        self.maximum = maximum
        self._options = options
        self._limits: dict[str, AdaptiveLimit] = {}
        self._lock = threading.Lock()

    def get(self, system: str) -> AdaptiveLimit:
        with self._lock:
            if system not in self._limits:
                self._limits[system] = AdaptiveLimit(self.maximum, **self._options)
            return self._limits[system]

    def snapshot(self) -> dict[str, dict[str, Any]]:
        with self._lock:
            limits = dict(self._limits)
        return {system: limit.snapshot() for system, limit in limits.items()}


Throttling = Callable[[requests.Response], bool]
"""Does this answer say "too many requests" (429, or a vendor's concurrency-limit error)?"""


def is_429(response: requests.Response) -> bool:
    return response.status_code == 429


class LimitedAdapter(HTTPAdapter):
    """An HTTP adapter that sends a request only while ``limit`` has a free slot. The slot is
    taken just before the request's first byte is written (:mod:`sync_core.gated_http`) and
    given back once the response's headers are in, so it covers the request's time on the
    wire and at the server, not the client's own preparation. When a mock has replaced
    ``HTTPAdapter.send`` (``responses``, the in-process fakes) no connection writes a byte:
    the slot is then taken on entry."""

    def __init__(
        self, limit: AdaptiveLimit, throttling: Throttling = is_429, **options: Any
    ) -> None:
        super().__init__(**options)
        self.limit = limit
        self.throttling = throttling

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = dict(gated_http.POOLS_BY_SCHEME)

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        manager.pool_classes_by_scheme = dict(gated_http.POOLS_BY_SCHEME)
        return manager

    def send(
        self, request: requests.PreparedRequest, *args: Any, **kwargs: Any
    ) -> requests.Response:
        pending = gated_http.pending
        pending.limit, pending.ticket = self.limit, None
        if not _sends_through_connections():
            pending.take()
        outcome: Outcome = "neutral"
        try:
            response = super().send(request, *args, **kwargs)
            outcome = _outcome(response, self.throttling)
            return response
        finally:
            ticket, pending.limit, pending.ticket = pending.ticket, None, None
            if ticket is not None:  # None: it failed before writing a byte
                self.limit.release(ticket, outcome)


def _sends_through_connections() -> bool:
    """Is ``HTTPAdapter.send`` requests' own (not a mock's), so that a connection writes the
    request? Looked up on every call: a mock patches the class while it is active."""
    send = HTTPAdapter.send
    return getattr(send, "__module__", None) == HTTPAdapter.__module__ and (
        getattr(send, "__qualname__", None) == "HTTPAdapter.send"
    )


def _outcome(response: requests.Response, throttling: Throttling) -> Outcome:
    if throttling(response):
        return "throttled"
    return "ok" if response.status_code < 500 else "neutral"


def gate_requests(
    session: requests.Session,
    base_url: str,
    limit: AdaptiveLimit,
    throttling: Throttling = is_429,
    pool_maxsize: int | None = None,
) -> LimitedAdapter:
    """Send every request of ``session`` to ``base_url`` through ``limit``."""
    size = pool_maxsize or max(10, 2 * limit.maximum)
    adapter = LimitedAdapter(limit, throttling, pool_connections=4, pool_maxsize=size)
    session.mount(base_url.rstrip("/") + "/", adapter)
    return adapter


def classified_throttling(classify: Callable[[requests.Response], object] | None) -> Throttling:
    """A throttling test from a vendor client's error classifier (its ``Throttled`` answers),
    falling back to the status 429 alone."""

    def throttling(response: requests.Response) -> bool:
        if response.status_code == 429:
            return True
        if classify is None or response.status_code < 400:
            return False
        return isinstance(classify(response), Throttled)

    return throttling
