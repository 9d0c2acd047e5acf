"""``naive``: the cron script many integrations start as, kept here as the anti-pattern it is.

Every cycle it asks Magento for orders created since its last run (by wall time of the run,
``gt``, so ties at the boundary are lost), pages by ``currentPage`` until a short page (and so
loops on Magento's repeated last page, bounded here only so the harness terminates), POSTs
each order to the ERP with no external id, retries a failed POST once (creating a duplicate
when the first one had in fact succeeded), skips what fails, never writes back, and copies the
ERP's stock into Magento's default source regardless of location. It has no outbox, no
lookup, no backoff, no circuit breaker and no quarantine.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

import requests

from scenarios.connectors.crash import CrashingSession, SimulatedCrash
from scenarios.erps import support

if TYPE_CHECKING:
    from scenarios.world import World

PAGE_SIZE = 20
MAX_PAGES = 30  # a real cron script has no such bound; the harness must end
# The naive script's other chores, one module per flow, each with ``cycle(naive)``: copy prices,
# push credit memos, and so on, each as carelessly as such scripts do. Absent modules are skipped.
CHORES = (
    "scenarios.connectors.naive_prices",
    "scenarios.connectors.naive_accounts",
    "scenarios.connectors.naive_returns",
    "scenarios.connectors.naive_order_state",
    "scenarios.connectors.naive_fulfilment",
)


def _chores() -> list[Any]:
    found = []
    for name in CHORES:
        try:
            found.append(importlib.import_module(name))
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
    return found


class NaiveConnector:
    name = "naive"

    def __init__(self, world: World) -> None:
        self.world = world
        self.last_run = "1970-01-01 00:00:00"
        self.session = CrashingSession()
        self.errors: list[str] = []
        magento = world.magento.credentials()
        token = magento["integration_token"]
        if world.connector_options.get("magento_auth") == "admin":  # logged in once, never again
            token = self.session.post(
                f"{world.magento.base_url}/rest/V1/integration/admin/token",
                json={"username": magento["username"], "password": magento["password"]},
                timeout=30,
            ).json()
        self.magento_headers = {"Authorization": f"Bearer {token}"}
        found = support(world.erp)
        if found is None or found.naive is None:
            raise NotImplementedError(f"naive has no {world.erp} variant yet")
        self.erp = found.naive(world, self.session)

    # -- the cron job ---------------------------------------------------------------------------
    def cycle(self) -> None:
        started = self.world.clock.now().strftime("%Y-%m-%d %H:%M:%S")
        try:
            for order in self._new_orders():
                self._push(order)
            self._copy_stock()
            for chore in _chores():
                chore.cycle(self)
        except (requests.RequestException, ValueError) as exc:
            self.errors.append(f"run aborted: {exc}")
        except SimulatedCrash:
            self.errors.append("crashed mid-run; the state file was not updated")
            return
        self.last_run = started  # the cron script's state file, written at the end of a run

    def arm_crash(self, after_requests: int, after_send: bool = True) -> None:
        self.session.arm(after_requests, after_send)

    def _new_orders(self) -> list[dict[str, Any]]:
        orders: list[dict[str, Any]] = []
        for page in range(1, MAX_PAGES + 1):
            params = {
                "searchCriteria[filterGroups][0][filters][0][field]": "created_at",
                "searchCriteria[filterGroups][0][filters][0][value]": self.last_run,
                "searchCriteria[filterGroups][0][filters][0][conditionType]": "gt",
                "searchCriteria[pageSize]": str(PAGE_SIZE),
                "searchCriteria[currentPage]": str(page),
            }
            response = self.session.get(
                f"{self.world.magento.base_url}/rest/V1/orders",
                params=params,
                headers=self.magento_headers,
                timeout=30,
            )
            items = response.json().get("items") or []
            orders.extend(i for i in items if i.get("state") == "processing")
            if len(items) < PAGE_SIZE:
                break
        return orders

    def _push(self, order: dict[str, Any]) -> None:
        for _attempt in range(2):
            try:
                response = self.erp.post_order(order)
            except requests.RequestException as exc:
                self.errors.append(f"order {order.get('increment_id')}: {exc}")
                continue
            if response.status_code >= 300:
                self.errors.append(f"order {order.get('increment_id')}: {response.status_code}")
            return

    def _copy_stock(self) -> None:
        """All ERP locations summed into Magento's default source: location blind. Through
        Magento's bulk API when the deployment uses it, fire and forget."""
        items = [
            {"sku": sku, "source_code": "default", "quantity": qty, "status": 1}
            for sku, qty in self.erp.stock_totals().items()
        ]
        if not items:
            return
        policies = self.world.connector_options.get("policies") or {}
        path = (
            "/rest/async/bulk/V1/inventory/source-items"
            if policies.get("stock_via_async_bulk")
            else "/rest/V1/inventory/source-items"
        )
        body: Any = [{"sourceItems": items}] if "bulk" in path else {"sourceItems": items}
        self.session.post(
            f"{self.world.magento.base_url}{path}",
            json=body,
            headers=self.magento_headers,
            timeout=30,
        )

    def alerts(self) -> list[dict[str, Any]] | None:
        return None

    def quarantined(self) -> list[dict[str, Any]] | None:
        return None

    def crash(self) -> None:
        """A cron script keeps nothing but its state file."""

    def close(self) -> None:
        self.session.close()
