"""Faults as data: a target x an effect x a trigger, evaluated per request.

A fault is plain, JSON-serialisable data so the same plan can be set from Python, over the
control plane, or from a scenario file. Randomness (the ``probability`` trigger) is drawn from
the fake's seeded stream, so a fault schedule replays exactly for the same seed.

Effects
    ``http_error``      answer with the vendor's own error body (status, code, message)
    ``throttle``        429 in the vendor's shape, with ``Retry-After``
    ``latency``         delay the request by ``delay_s`` (simulated time in-process); with
                        ``timing: response_time`` the answer instead leaves ``delay_s`` after
                        the request arrived, the fake's own processing included, as a real
                        ERP's measured response time does (work that takes longer is not cut)
    ``timeout``         the request never gets an answer and is not processed
    ``reset``           the connection is reset before the request is processed
    ``lose_response``   the request is processed and committed, then the answer is lost
                        (``after`` = ``timeout`` or ``reset``)
    ``silent_drop``     the vendor answers as if it succeeded, but nothing is stored
    ``malformed_body``  the answer is cut short (invalid JSON / XML)
    ``field_drift``     the JSON answer's fields change shape, as after an unannounced upgrade:
                        ``params.rename`` {old: new}, ``params.drop`` [names], ``params.retype``
                        [names] (numbers become strings), applied at every depth
    ``stale_read``      the answer this same request (method, path, query, body) got when the fault
                        first struck it, replayed: a lagging replica, cache or export, so an
                        older value arrives after a newer one (out-of-order delivery)
    ``concurrency_cap`` at most ``limit`` requests in flight; the rest get the vendor's
                        concurrency error
    ``vendor``          a vendor-specific effect named ``name`` (see ``fakes/<vendor>/faults.py``)
"""

from __future__ import annotations

import itertools
import random
import re
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

EffectKind = Literal[
    "http_error",
    "throttle",
    "latency",
    "timeout",
    "reset",
    "lose_response",
    "silent_drop",
    "malformed_body",
    "field_drift",
    "stale_read",
    "concurrency_cap",
    "vendor",
]

PRE_EFFECTS = {"http_error", "throttle", "timeout", "reset", "vendor"}
POST_EFFECTS = {"lose_response", "silent_drop", "malformed_body", "field_drift", "stale_read"}


class Target(BaseModel):
    """Which requests a fault applies to. Every given condition must hold."""

    model_config = ConfigDict(extra="forbid")

    method: str | None = None
    path: str | None = Field(default=None, description="regular expression searched in the path")
    body_contains: str | None = None
    query_contains: str | None = None

    @model_validator(mode="after")
    def _check_regex(self) -> Target:
        if self.path is not None:
            try:
                re.compile(self.path)
            except re.error as exc:
                raise ValueError(f"target.path is not a valid regular expression: {exc}") from exc
        return self

    def matches(self, request: RequestInfo) -> bool:
        if self.method and self.method.upper() != request.method:
            return False
        if self.path and not re.search(self.path, request.path):
            return False
        if self.body_contains and self.body_contains not in request.text:
            return False
        return not (self.query_contains and self.query_contains not in request.query)


class Effect(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: EffectKind
    status: int = 503
    code: str | None = None
    message: str | None = None
    retry_after_s: float | None = 30.0
    delay_s: float = 0.0
    after: Literal["timeout", "reset"] = "timeout"
    timing: Literal["added", "response_time"] = "added"
    limit: int = 1
    name: str | None = None
    params: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _check(self) -> Effect:
        if self.kind == "vendor" and not self.name:
            raise ValueError("effect.name is required when effect.kind is 'vendor'")
        if self.kind == "concurrency_cap" and self.limit < 1:
            raise ValueError("effect.limit must be at least 1")
        if self.delay_s < 0:
            raise ValueError("effect.delay_s must not be negative")
        return self


class Trigger(BaseModel):
    """When a matching request is struck. Every given condition must hold; none means always."""

    model_config = ConfigDict(extra="forbid")

    calls: list[int] | None = Field(default=None, description="1-based numbers of matching calls")
    first: int | None = Field(default=None, description="strike the first N matching calls")
    after: int | None = Field(default=None, description="spare the first N matching calls")
    probability: float | None = Field(default=None, ge=0.0, le=1.0)
    start: datetime | None = None
    end: datetime | None = None
    max_hits: int | None = None

    def fires(self, call_no: int, hits: int, now: datetime, rng: random.Random) -> bool:
        if self.max_hits is not None and hits >= self.max_hits:
            return False
        if self.calls is not None and call_no not in self.calls:
            return False
        if self.first is not None and call_no > self.first:
            return False
        if self.after is not None and call_no <= self.after:
            return False
        if self.start is not None and now < self.start:
            return False
        if self.end is not None and now >= self.end:
            return False
        return not (self.probability is not None and rng.random() >= self.probability)


class FaultSpec(BaseModel):
    """A fault as a user writes it."""

    model_config = ConfigDict(extra="forbid")

    id: str | None = None
    target: Target = Field(default_factory=Target)
    effect: Effect
    trigger: Trigger = Field(default_factory=Trigger)


@dataclass
class Fault:
    spec: FaultSpec
    id: str
    matched: int = 0
    hits: int = 0
    in_flight: int = 0
    peak_in_flight: int = 0
    peak_attempted: int = 0
    rejected: int = 0
    in_cap_s: float = 0.0
    """concurrency_cap: the seconds its admitted requests spent inside it, summed (wall time)."""
    _changed_at: float = field(default=0.0, repr=False)
    remembered: dict[tuple[str, str, str, bytes], tuple[int, bytes, str]] = field(
        default_factory=dict
    )
    """stale_read: (method, path, query, body) -> (status, body, content type) first answered."""

    def describe(self) -> dict[str, Any]:
        data = self.spec.model_dump(mode="json", exclude_none=True)
        data.update(id=self.id, matched=self.matched, hits=self.hits)
        if self.spec.effect.kind == "concurrency_cap":
            data.update(
                peak_in_flight=self.peak_in_flight,
                peak_attempted=self.peak_attempted,
                rejected=self.rejected,
                in_cap_s=round(self.in_cap_s, 6),
            )
        return data


@dataclass(frozen=True)
class RequestInfo:
    method: str
    path: str
    query: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


@dataclass
class Decision:
    """What the fault engine decided for one request."""

    delay_s: float = 0.0  # waited before the request is processed
    respond_after_s: float = 0.0  # the answer leaves no sooner, counted from arrival
    pre: Fault | None = None
    post: Fault | None = None
    caps: list[Fault] = field(default_factory=list)
    struck: list[Fault] = field(default_factory=list)


class FaultEngine:
    """Holds the active faults of one fake and decides which strike a request."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._faults: dict[str, Fault] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def add(self, spec: FaultSpec | dict[str, Any]) -> Fault:
        parsed = spec if isinstance(spec, FaultSpec) else FaultSpec.model_validate(spec)
        with self._lock:
            fault_id = parsed.id or f"F{next(self._ids)}"
            if fault_id in self._faults:
                raise ValueError(f"a fault with id {fault_id!r} already exists")
            fault = Fault(spec=parsed, id=fault_id)
            self._faults[fault_id] = fault
            return fault

    def clear(self, fault_id: str | None = None) -> int:
        with self._lock:
            if fault_id is None:
                count = len(self._faults)
                self._faults.clear()
                return count
            return 1 if self._faults.pop(fault_id, None) else 0

    def active(self) -> list[Fault]:
        with self._lock:
            return list(self._faults.values())

    def get(self, fault_id: str) -> Fault | None:
        with self._lock:
            return self._faults.get(fault_id)

    def reseed(self, rng: random.Random) -> None:
        self._rng = rng

    def decide(self, request: RequestInfo, now: datetime) -> Decision:
        decision = Decision()
        with self._lock:
            for fault in self._faults.values():
                if not fault.spec.target.matches(request):
                    continue
                effect = fault.spec.effect
                if effect.kind == "concurrency_cap":
                    decision.caps.append(fault)
                    continue
                fault.matched += 1
                if not fault.spec.trigger.fires(fault.matched, fault.hits, now, self._rng):
                    continue
                self._strike(decision, fault)
        return decision

    @staticmethod
    def _strike(decision: Decision, fault: Fault) -> None:
        kind = fault.spec.effect.kind
        if kind == "latency" and fault.spec.effect.timing == "response_time":
            decision.respond_after_s = max(decision.respond_after_s, fault.spec.effect.delay_s)
        elif kind == "latency":
            decision.delay_s += fault.spec.effect.delay_s
        elif kind in PRE_EFFECTS and decision.pre is None:
            decision.pre = fault
        elif kind in POST_EFFECTS and decision.post is None:
            decision.post = fault
        else:
            return
        fault.hits += 1
        decision.struck.append(fault)

    def enter_caps(self, caps: list[Fault]) -> Fault | None:
        """Count a request in flight under each cap; return the cap it would exceed, if any."""
        with self._lock:
            for cap in caps:
                cap.matched += 1
                cap.peak_attempted = max(cap.peak_attempted, cap.in_flight + 1)
            for cap in caps:
                if cap.in_flight >= cap.spec.effect.limit:
                    cap.rejected += 1
                    cap.hits += 1
                    return cap
            now = time.monotonic()
            for cap in caps:
                _count_time_in_cap(cap, now)
                cap.in_flight += 1
                cap.peak_in_flight = max(cap.peak_in_flight, cap.in_flight)
            return None

    def leave_caps(self, caps: list[Fault]) -> None:
        with self._lock:
            now = time.monotonic()
            for cap in caps:
                _count_time_in_cap(cap, now)
                cap.in_flight -= 1


def _count_time_in_cap(cap: Fault, now: float) -> None:
    """Add the time since the cap's count last changed, once per request then inside it: the
    sum is every admitted request's time in the cap (what an ERP's limit counts), however
    many overlapped."""
    if cap.in_flight:
        cap.in_cap_s += cap.in_flight * (now - cap._changed_at)
    cap._changed_at = now
