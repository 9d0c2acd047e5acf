"""``builtin``: the sync_core engine, in-process, stepped on the world's simulated clock."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import requests

from sync_core.config import EngineConfig, parse_config
from sync_core.engine import Engine

if TYPE_CHECKING:
    from scenarios.world import World

MAX_TICKS_PER_CYCLE = 20


def engine_config(world: World, **policies: Any) -> EngineConfig:
    magento = world.magento.credentials()
    page_size = int(world.connector_options.get("magento_page_size", 100))
    erp = world.erp_fake.credentials()
    return parse_config(
        {
            "magento": {
                "base_url": world.magento.base_url,
                "page_size": page_size,
                "integration_token": magento["integration_token"],
            },
            "erp": {
                "kind": world.erp,
                "base_url": world.erp_fake.base_url,
                "credentials": {k: str(v) for k, v in erp.items()},
            },
            "mapping": {
                k: v
                for k, v in world.profile.items()
                if k in ("items", "locations", "accounts", "default_customer")
            },
            "policies": policies,
            "store_url": f"sqlite:///{world.workdir / 'engine.db'}",
            "seed": world.seed,
        },
        source="builtin connector",
    )


class SimulatedCrash(BaseException):
    """The process dies here. A BaseException, so no ``except Exception`` in the engine
    can swallow it: whatever the engine had not committed is lost, as with SIGKILL."""


class CrashingSession(requests.Session):
    """A session that kills the process around its Nth request, when armed."""

    def __init__(self) -> None:
        super().__init__()
        self.countdown: int | None = None
        self.after_send = True

    def arm(self, after_requests: int, after_send: bool = True) -> None:
        self.countdown, self.after_send = after_requests, after_send

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        if self.countdown is not None:
            self.countdown -= 1
            if self.countdown <= 0:
                self.countdown = None
                if not self.after_send:
                    raise SimulatedCrash("crashed before sending")
                super().send(request, **kwargs)
                raise SimulatedCrash("crashed after sending, before reading the answer")
        return super().send(request, **kwargs)


class BuiltinConnector:
    name = "builtin"

    def __init__(self, world: World, **policies: Any) -> None:
        self.world = world
        self.config = engine_config(world, **policies)
        self.session = CrashingSession()
        self.engine = Engine(self.config, clock=world.clock, session=self.session)
        self.crashes = 0

    def cycle(self) -> None:
        """Tick until nothing more is due at this instant (bounded). A simulated crash
        restarts the engine from its durable store, as a supervisor would."""
        try:
            for _ in range(MAX_TICKS_PER_CYCLE):
                result = self.engine.tick()
                if result.jobs == 0:
                    return
        except SimulatedCrash:
            self.crash()

    def arm_crash(self, after_requests: int, after_send: bool = True) -> None:
        self.session.arm(after_requests, after_send)

    def crash(self) -> None:
        self.crashes += 1
        self.engine.close()
        self.session = CrashingSession()
        self.engine = Engine(
            self.config,
            clock=self.world.clock,
            session=self.session,
            name=f"worker-after-crash-{self.crashes}",
        )

    def quarantined(self) -> list[dict[str, Any]] | None:
        return [
            {"entity": d["entity_key"], "reason_class": d["reason_class"], "reason": d["reason"]}
            for d in self.engine.store.open_dead_letters()
        ]

    def close(self) -> None:
        self.engine.close()
