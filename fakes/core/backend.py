"""The base of every vendor backend: state and rules only, no HTTP.

A backend owns all of one fake's mutable state. The fake serialises requests through its
``lock``; ``checkpoint``/``restore`` let the fault engine discard a request's writes (the
*silent drop* effect); ``@event`` marks methods the control plane may call to simulate
something happening inside the vendor system.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeVar

from fakes.core.clock import SimClock, WallClock
from fakes.core.dataset import Dataset, SeedProfile
from fakes.core.rng import SeededRandom

F = TypeVar("F", bound=Callable[..., Any])
_EVENT_ATTR = "_harness_event"
_NOT_STATE = {"ctx", "lock"}


def event(name: str) -> Callable[[F], F]:
    """Mark a backend method as a control-plane event called ``name``."""

    def mark(func: F) -> F:
        setattr(func, _EVENT_ATTR, name)
        return func

    return mark


class UnknownEvent(KeyError):
    pass


@dataclass
class FakeContext:
    vendor: str
    clock: SimClock | WallClock
    rng: SeededRandom
    dataset: Dataset
    profile: SeedProfile = field(default_factory=SeedProfile)
    options: dict[str, Any] = field(default_factory=dict)


class VendorBackend:
    """Subclasses implement ``load_seed`` and ``snapshot``; all state lives on ``self``."""

    events: ClassVar[dict[str, str]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        found = dict(getattr(cls, "events", {}))
        for attr, value in vars(cls).items():
            name = getattr(value, _EVENT_ATTR, None)
            if name:
                found[name] = attr
        cls.events = found

    def __init__(self, ctx: FakeContext) -> None:
        self.ctx = ctx
        self.lock = threading.RLock()
        self.load_seed()

    @property
    def clock(self) -> SimClock | WallClock:
        return self.ctx.clock

    def load_seed(self) -> None:
        """(Re)build all state from ``self.ctx.dataset`` and ``self.ctx.profile``."""
        raise NotImplementedError

    def snapshot(self) -> dict[str, Any]:
        """A JSON-serialisable picture of the entities, for invariant checks."""
        raise NotImplementedError

    def reset(self) -> None:
        with self.lock:
            for attr in [a for a in vars(self) if a not in _NOT_STATE]:
                delattr(self, attr)
            self.load_seed()

    def checkpoint(self) -> dict[str, Any]:
        with self.lock:
            return copy.deepcopy({k: v for k, v in vars(self).items() if k not in _NOT_STATE})

    def restore(self, checkpoint: dict[str, Any]) -> None:
        with self.lock:
            for attr in [a for a in vars(self) if a not in _NOT_STATE]:
                delattr(self, attr)
            vars(self).update(checkpoint)

    def handle_event(self, name: str, payload: dict[str, Any]) -> Any:
        method = self.events.get(name)
        if method is None:
            raise UnknownEvent(name)
        with self.lock:
            return getattr(self, method)(**payload)
