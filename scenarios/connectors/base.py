"""The protocol every connector under test follows, and the factory by name."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from scenarios.world import World


class ConnectorUnderTest(Protocol):
    name: str

    def cycle(self) -> None:
        """Run one sync cycle at the world's current simulated time."""
        ...

    def crash(self) -> None:
        """Die abruptly (as with SIGKILL) and come back; durable state survives."""
        ...

    def arm_crash(self, after_requests: int, after_send: bool = True) -> None:
        """Die around the Nth HTTP request of the next cycle (as with SIGKILL)."""
        ...

    def alerts(self) -> list[dict[str, Any]] | None:
        """The alerts the connector raised, if it can say (None: it has no alerting)."""
        ...

    def quarantined(self) -> list[dict[str, Any]] | None:
        """What the connector set aside with reasons, if it can say (None: cannot tell)."""
        ...

    def close(self) -> None: ...


def make_connector(name: str, world: World, instance: int = 1) -> ConnectorUnderTest:
    if name == "builtin":
        from scenarios.connectors.builtin import BuiltinConnector

        return BuiltinConnector(world, name=f"worker-{instance}")
    if name == "naive":
        from scenarios.connectors.naive import NaiveConnector

        return NaiveConnector(world)
    if name.startswith("daemon:"):
        from scenarios.connectors.daemon import DaemonConnector

        return DaemonConnector(world, name[len("daemon:") :])
    if name.startswith("cmd:"):
        from scenarios.connectors.external import ExternalConnector

        return ExternalConnector(world, name[4:])
    raise ValueError(
        f"unknown connector {name!r}; use builtin, naive, --connector-cmd or --connector-daemon"
    )
