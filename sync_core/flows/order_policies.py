"""The order policies of the export: stockout at the ERP (FM-T01) and accounts on credit hold
(FM-T03), decided per ``policies.stockout`` and ``policies.credit_hold`` and made visible on the
Magento order.

- stockout ``backorder``: the ERP order is created; the write-back comment says which SKUs are
  backordered and by how much. ``hold``: no ERP order; the Magento order is put on hold with a
  comment naming each SKU and its shortfall.
- credit hold ``hold``: no ERP order; the Magento order is put on hold with a comment naming the
  account. ``reject``: no ERP order; the Magento order is cancelled with a comment. Magento
  cannot cancel an order invoiced in full (a paid order needs a refund, which moves money and
  is left to a person): such an order is put on hold, its comment saying it was rejected and
  must be refunded.

A stopped order is recorded under the binding ``order_policy`` (state ``hold:...`` or
``reject:...``) and its job completes: it is not a failure of the sync. Releasing the hold in
Magento sends the order through the export again, policies and all (see ``OrdersFlow.poll``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sync_core.clock import Clock
from sync_core.config import MappingConfig, Policies
from sync_core.connectors.magento import MagentoClient
from sync_core.connectors.magento.order_state import MagentoOrderActions
from sync_core.errors import BusinessHold
from sync_core.flows.order_checks import StockSnapshot, checks_for
from sync_core.model import Order

POLICY = "order_policy"
Action = Literal["hold", "reject"]


class PolicyStop(Exception):
    """The order must not reach the ERP: ``action`` says what Magento is told."""

    def __init__(self, kind: str, action: Action, reason: str) -> None:
        super().__init__(reason)
        self.kind = kind
        self.action = action
        self.reason = reason


@dataclass(frozen=True)
class Outcome:
    action: str
    comment: str


class OrderPolicies:
    def __init__(
        self,
        magento: MagentoClient,
        erp: Any,
        clock: Clock,
        policies: Policies,
    ) -> None:
        self.erp_name = str(getattr(erp, "system", "erp"))
        self.policies = policies
        self.clock = clock
        self._not_held: dict[str, datetime] = {}  # customer -> when the ERP said "not held"
        self.checks = checks_for(erp)
        self.actions = MagentoOrderActions(magento)
        mapping = getattr(erp, "mapping", None)
        self.stock = StockSnapshot(
            self.checks,
            mapping if isinstance(mapping, MappingConfig) else MappingConfig(),
            clock,
            policies.stock_check_ttl_s,
        )

    # -- decisions --------------------------------------------------------------------------
    def before_create(self, order: Order) -> str | None:
        """Raise :class:`PolicyStop` when the order must not be created; else the backorder
        note to add to the write-back comment (None when the ERP has the stock)."""
        held = self._account_hold(order)
        if held is not None:
            raise self._credit(order, held)
        shortfalls = self.stock.shortfalls(order)
        if not shortfalls:
            return None
        text = "; ".join(s.describe() for s in shortfalls)
        if self.policies.stockout == "hold":
            raise PolicyStop(
                "stockout",
                "hold",
                f"order {order.increment_id} held: {self.erp_name} lacks stock for {text}",
            )
        return f"backordered in {self.erp_name}: {text}"

    def _account_hold(self, order: Order) -> str | None:
        """The ERP's answer, or a recent "not held" for the same customer when the profile
        allows reusing it (``account_check_ttl_s``)."""
        ttl, now = self.policies.account_check_ttl_s, self.clock.now()
        seen = self._not_held.get(order.customer_email)
        if ttl and seen is not None and (now - seen).total_seconds() < ttl:
            return None
        held = self.checks.account_hold(order)
        if held is None:
            self._not_held[order.customer_email] = now
        else:
            self._not_held.pop(order.customer_email, None)
        return held

    def refused(self, order: Order, error: BusinessHold) -> PolicyStop | None:
        """The policy stop for an ERP refusal naming a held account, else None."""
        account = self.checks.held_account(error)
        if account is None:
            return None
        return self._credit(
            order, f"account {account} is on hold in {self.erp_name} ({error.message})"
        )

    def created(self, order: Order) -> None:
        self.stock.consume(order)

    def _credit(self, order: Order, why: str) -> PolicyStop:
        action: Action = "reject" if self.policies.credit_hold == "reject" else "hold"
        verb = "rejected" if action == "reject" else "held"
        return PolicyStop("credit_hold", action, f"order {order.increment_id} {verb}: {why}")

    # -- Magento ----------------------------------------------------------------------------
    def apply(self, raw: dict[str, Any], stop: PolicyStop) -> Outcome:
        """Tell Magento: hold or cancel the order, with a comment giving the reason."""
        entity_id = int(raw["entity_id"])
        state = str(raw.get("state"))
        if stop.action == "reject":
            if self.actions.cancel(entity_id, state):
                return self._comment(entity_id, "canceled", stop.reason)
            self.actions.hold(entity_id)
            return self._comment(
                entity_id,
                "holded",
                f"{stop.reason}. Magento cannot cancel this order (invoiced): refund it with a "
                "credit memo",
            )
        self.actions.hold(entity_id, state)
        return self._comment(entity_id, "holded", stop.reason)

    def _comment(self, entity_id: int, action: str, text: str) -> Outcome:
        self.actions.comment(entity_id, text)
        return Outcome(action, text)
