"""Order state, ERP -> Magento: what the ERP does to an exported order reaches Magento.

Every ``every_s`` (default 300 s) the flow reads the ERP's state of the orders the integration
exported within ``policies.reconcile_window_s`` (the connector's ``order_states(refs)``, the
same bulk read reconciliation uses) and acts on each change it has not acted on yet:

- ``cancelled`` in the ERP: the Magento order is cancelled, with a comment naming the ERP and
  its document. Magento cannot cancel an order invoiced in full: such an order is put on hold
  and its comment says a refund (credit memo) is needed. A ``status_mismatch`` alert names the
  order, as the disagreement may need a person (the customer paid).
- ``on_hold`` in the ERP (Sage 200's On Hold or Dispute) or ``closed`` (closed by hand with
  quantities still open): the Magento order is put on hold with a comment.
- back to a live state after one of those: our hold is released, with a comment.

What the flow last acted on is kept per order (binding ``order_state``), so each change is told
once. The ERP owns order state (``flows.order_state.source_of_truth`` can only be ``erp``);
``flows.order_state.enabled: false`` turns the flow off.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sync_core.alerts import Alert
from sync_core.connectors.magento.order_state import STOPPED, MagentoOrderActions
from sync_core.errors import PermanentError
from sync_core.store import Job

if TYPE_CHECKING:
    from sync_core.engine import Engine

FLOW = "order_state.sync"
ENTITY = "order_state"
EVERY_S = 300.0
KEY = "magento-order:"
CANONICAL = {"cancelled": "cancelled", "on_hold": "held", "closed": "closed"}


@dataclass
class OrderStateResult:
    checked: int = 0
    cancelled: list[str] = field(default_factory=list)
    held: list[str] = field(default_factory=list)
    released: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def canonical(erp_state: str) -> str:
    """``cancelled``, ``held``, ``closed`` or ``open`` (anything live or finished normally)."""
    return CANONICAL.get(erp_state, "open")


class OrderStateFlow:
    name = FLOW

    def __init__(self, engine: Engine, every_s: float = EVERY_S) -> None:
        self.engine = engine
        self.erp: Any = engine.erp
        self.system: str | None = str(engine.erp.system)
        self.every_s = every_s
        self.actions = MagentoOrderActions(engine.magento)

    def handlers(self) -> Mapping[str, Callable[[Job], str]]:
        return {}

    def run(self, fence: tuple[str, int]) -> OrderStateResult:
        result = OrderStateResult()
        bound = self._bound()
        if not bound:
            return result
        states = self.erp.order_states(sorted(bound))
        for ref, state in sorted(states.items()):
            if ref in bound:
                result.checked += 1
                self._settle(bound[ref], canonical(str(state)), result)
        return result

    def _bound(self) -> dict[str, dict[str, Any]]:
        """Exported orders of the window, by external reference."""
        store, now = self.engine.store, self.engine.clock.now()
        since = now - timedelta(seconds=self.engine.config.policies.reconcile_window_s)
        return {
            str(b["external_ref"]): b
            for b in store.bound(str(self.system), "order")
            if b["external_ref"] and b["synced_at"] >= since
        }

    def _settle(self, binding: dict[str, Any], state: str, result: OrderStateResult) -> None:
        key = str(binding["local_key"])
        known = self.engine.store.binding(str(self.system), ENTITY, key)
        before = str(known["state"]) if known else "open"
        if state == before or (state == "open" and before == "cancelled"):
            return
        try:
            told = self._tell(int(key.removeprefix(KEY)), binding, state, before)
        except PermanentError as exc:
            result.failed.append(f"{key}: {exc.message}")
            self._record(key, "failed", exc.message)
            return
        self.engine.store.bind(
            str(self.system), ENTITY, key, str(binding["remote_id"]),
            binding["external_ref"], self.engine.clock.now(), state,
        )  # fmt: skip
        self._record(key, state, told)
        bucket = {"cancelled": result.cancelled, "open": result.released}
        bucket.get(state, result.held).append(told)

    def _tell(self, entity_id: int, binding: dict[str, Any], state: str, before: str) -> str:
        """Act on Magento; answer the comment left on the order."""
        raw = self.actions.order(entity_id)
        current = str(raw.get("state"))
        where = f"{self.system} order {_display(binding)}"
        if state == "open":
            text = f"{where} is live again: our hold is lifted"
            self.actions.unhold(entity_id, current)
        elif state == "cancelled":
            text = self._cancel(entity_id, current, where)
            if current not in STOPPED:
                self._alert(raw, binding, text)
        else:
            why = "is on hold" if state == "held" else "was closed with quantities still open"
            text = f"{where} {why}: held here until it is settled there"
            self.actions.hold(entity_id, current)
        if current not in STOPPED or state == "cancelled":
            self.actions.comment(entity_id, text)
        return f"order {raw.get('increment_id')}: {text}"

    def _cancel(self, entity_id: int, current: str, where: str) -> str:
        cancelled = f"{where} was cancelled"
        if current in STOPPED:
            return f"{cancelled}; the Magento order is already {current}"
        if self.actions.cancel(entity_id, current):
            return f"{cancelled}: cancelled here too"
        self.actions.hold(entity_id)  # cancel() lifted a hold before trying
        return f"{cancelled}; Magento cannot cancel it (invoiced): held, refund it (credit memo)"

    def _alert(self, raw: dict[str, Any], binding: dict[str, Any], text: str) -> None:
        message = f"order {raw.get('increment_id')} was processing in Magento: {text}"
        self.engine.alerter.raise_alert(
            Alert(f"order_state:{binding['external_ref']}", "status_mismatch", message, "error")
        )

    def _record(self, key: str, outcome: str, detail: str) -> None:
        self.engine.store.record(FLOW, key, "settle", outcome, detail, self.engine.clock.now())


def _display(binding: dict[str, Any]) -> str:
    state = str(binding.get("state") or "")
    return state.split(":", 1)[-1] if ":" in state else str(binding["remote_id"])


def attach(engine: Engine) -> OrderStateFlow | None:
    """The flow, or None when disabled or the ERP connector cannot read order states."""
    settings = engine.config.flow(ENTITY)
    if not settings.enabled or not hasattr(engine.erp, "order_states"):
        return None
    return OrderStateFlow(engine, settings.every_s or EVERY_S)
