"""What a scenario script works with: the world, the connector under test, and helpers to place
orders, let simulated time pass, and judge the fakes' state."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from scenarios.connectors.base import ConnectorUnderTest, make_connector
from scenarios.erps import ErpSupport, support
from scenarios.invariants import orders_exactly_once, stock_converges
from scenarios.views import erp_orders
from scenarios.world import World


@dataclass
class Ctx:
    world: World
    connector: ConnectorUnderTest
    rng: random.Random
    excluded: set[int] = field(default_factory=set)
    metrics: dict[str, Any] = field(default_factory=dict)
    placed: list[dict[str, Any]] = field(default_factory=list)
    others: list[ConnectorUnderTest] = field(default_factory=list)
    samples: list[dict[str, Any]] = field(default_factory=list)
    """One per cycle, for the report's pictures: simulated time, the placed orders the ERP
    holds by then, and the connector's queue depth when it can tell."""
    placed_at: dict[str, float] = field(default_factory=dict)

    def another_instance(self) -> ConnectorUnderTest:
        """A second copy of the connector under test, as when two schedulers run at once.
        ``builtin`` copies share the durable store, as two workers of one deployment do."""
        copy = make_connector(self.connector.name, self.world, instance=len(self.others) + 2)
        self.others.append(copy)
        return copy

    def close(self) -> None:
        for other in self.others:
            other.close()

    @property
    def support(self) -> ErpSupport:
        found = support(self.world.erp)
        assert found is not None, f"no harness support for {self.world.erp}"
        return found

    def lines(self, count: int = 2) -> list[dict[str, Any]]:
        products = self.world.magento.ctx.dataset.products
        chosen = self.rng.sample(list(products), k=min(count, len(products)))
        return [{"sku": p.sku, "qty": self.rng.randint(1, 3)} for p in chosen]

    def place(self, count: int = 1, *, poison: bool = False, **fields: Any) -> list[dict[str, Any]]:
        """Place paid orders through Magento's storefront (a control-plane event)."""
        made = []
        for _ in range(count):
            payload = {
                "lines": fields.get("lines") or self.lines(self.rng.randint(1, 3)),
                **{k: v for k, v in fields.items() if k != "lines"},
            }
            result = self.world.magento.event("place_order", **payload)
            made.append(result)
            self.placed_at[str(result["increment_id"])] = self.world.clock.now().timestamp()
            if poison:
                self.excluded.add(int(result["entity_id"]))
        self.placed.extend(made)
        return made

    def cycles(self, count: int, step_s: float = 60.0) -> None:
        """Let the connector run ``count`` sync cycles, ``step_s`` simulated seconds apart."""
        for _ in range(count):
            self.connector.cycle()
            self.world.advance(step_s)
            self._sample()

    def _sample(self) -> None:
        depth = getattr(self.connector, "queue_depth", None)
        arrived: set[str] = self.samples[-1]["arrived"] if self.samples else set()
        if not set(self.placed_at) <= arrived:  # read the ERP only while orders are on the way
            arrived = {increment for _, increment in self.judge_refs()}
        self.samples.append(
            {
                "t": self.world.clock.now().timestamp(),
                "arrived": arrived,
                "queue_depth": depth() if callable(depth) else None,
            }
        )

    def judge_orders(self) -> list[str]:
        return orders_exactly_once(
            self.world.erp, self.world.magento.state(), self.world.erp_fake.state(), self.excluded
        )

    def judge_stock(self) -> list[str]:
        return stock_converges(
            self.world.erp,
            self.world.magento.state(),
            self.world.erp_fake.state(),
            self.world.profile,
        )

    def held(
        self, entity_id: int, connector: ConnectorUnderTest | None = None
    ) -> list[dict[str, Any]] | None:
        """A connector's quarantine entries for one Magento order (None: it cannot tell);
        by default those of the connector under test."""
        quarantined = (connector or self.connector).quarantined()
        if quarantined is None:
            return None
        return [q for q in quarantined if q["entity"] == f"magento-order:{entity_id}"]

    def held_back(
        self,
        placed: list[dict[str, Any]],
        why: str = "",
        mention: str | None = None,
        connector: ConnectorUnderTest | None = None,
    ) -> list[str]:
        """Evidence for each placed order the connector did not hold back with a reason that
        names ``mention`` (by default the order's increment id)."""
        evidence = []
        for order in placed:
            held = self.held(int(order["entity_id"]), connector)
            if held is None:
                return []
            named = mention or str(order["increment_id"])
            label = f"order {order['increment_id']}" + (f" ({why})" if why else "")
            if not held:
                evidence.append(f"{label} was not held back with a reason")
            elif named not in str(held[0]["reason"]):
                evidence.append(
                    f"the hold reason for {label} does not name {named!r}: {held[0]['reason']!r}"
                )
        return evidence

    def judge_refs(self) -> list[tuple[str, str]]:
        """(ERP order id, Magento increment id) for ERP orders that name a placed order."""
        placed = {str(p["increment_id"]) for p in self.placed}
        found = []
        for order in erp_orders(self.world.erp, self.world.erp_fake.state()):
            for ref in sorted(order.refs):
                increment = ref.rsplit("-", 1)[-1]
                if increment in placed:
                    found.append((order.id, increment))
                    break
        return found
