"""``builtin``: the sync_core engine, in-process, stepped on the world's simulated clock."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from scenarios.connectors.crash import CrashingSession, SimulatedCrash
from sync_core.config import EngineConfig, parse_config
from sync_core.engine import Engine

if TYPE_CHECKING:
    from scenarios.world import World

MAX_TICKS_PER_CYCLE = 20


MAPPING_KEYS = (
    "items",
    "locations",
    "accounts",
    "default_customer",
    "price_lists",
    "tax_codes",
    "stores",
)


def engine_config(world: World, **policies: Any) -> EngineConfig:
    magento = world.magento.credentials()
    page_size = int(world.connector_options.get("magento_page_size", 100))
    erp = world.erp_fake.credentials()
    return parse_config(
        {
            "magento": {
                "base_url": world.magento.base_url,
                "page_size": page_size,
                **_magento_auth(world, magento),
            },
            "erp": {
                "kind": world.erp,
                "base_url": world.erp_fake.base_url,
                "credentials": {k: str(v) for k, v in erp.items()},
                "options": dict(world.connector_options.get("erp_settings") or {}),
            },
            "mapping": {
                k: v
                for k, v in world.profile.items()
                if k in MAPPING_KEYS
            },
            "flows": dict(world.connector_options.get("flows") or {}),
            "policies": {**dict(world.connector_options.get("policies") or {}), **policies},
            "store_url": world.connector_options.get("store_url")
            or f"sqlite:///{world.workdir / 'engine.db'}",
            "seed": world.seed,
        },
        source="builtin connector",
    )


def _magento_auth(world: World, credentials: dict[str, str]) -> dict[str, str]:
    """The integration token, or an admin login (renewed on expiry) when the scenario asks."""
    if world.connector_options.get("magento_auth") == "admin":
        return {"username": credentials["username"], "password": credentials["password"]}
    return {"integration_token": credentials["integration_token"]}


class BuiltinConnector:
    name = "builtin"

    def __init__(self, world: World, name: str = "worker-1", **policies: Any) -> None:
        self.world = world
        self.config = engine_config(world, **policies)
        self.session = CrashingSession()
        self.worker_name = name
        self.engine = Engine(self.config, clock=world.clock, session=self.session, name=name)
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
            name=f"{self.worker_name}-restart-{self.crashes}",
        )

    def alerts(self) -> list[dict[str, Any]] | None:
        return [
            {"kind": a["kind"], "message": a["message"], "at": a["raised_at"]}
            for a in self.engine.store.alerts(open_only=False)
        ]

    def queue_depth(self) -> int:
        """Jobs waiting or running in the engine's outbox."""
        counts = self.engine.store.job_counts()
        return counts.get("pending", 0) + counts.get("running", 0)

    def quarantined(self) -> list[dict[str, Any]] | None:
        return [
            {"entity": d["entity_key"], "reason_class": d["reason_class"], "reason": d["reason"]}
            for d in self.engine.store.open_dead_letters()
        ]

    def close(self) -> None:
        self.engine.close()
