"""Magento order actions the order policies and the order-state flow need: hold, unhold,
cancel, and a status-history comment (``OrderManagementInterface`` under ``/V1/orders/{id}``).

Each action is safe to repeat: it first looks at the order's state, so a job retried after a
crash does not ask Magento for a transition it already made (Magento answers 400 "A hold action
is not available." to a second hold). Magento refuses to cancel an order that has been invoiced
in full (``cancel`` answers ``false``): a paid order can only be refunded with a credit memo,
which moves money and is left to a person; :meth:`MagentoOrderActions.cancel` then says so.
"""

from __future__ import annotations

from typing import Any

from sync_core.connectors.magento.client import MagentoClient

HOLDED = "holded"
STOPPED = ("canceled", "closed", "complete")


class MagentoOrderActions:
    """Order-level actions on Magento, each idempotent against the order's current state."""

    def __init__(self, magento: MagentoClient) -> None:
        self.magento = magento

    def order(self, entity_id: int) -> dict[str, Any]:
        return self.magento.get_order(entity_id)

    def comment(self, entity_id: int, text: str) -> None:
        """Add an internal status-history comment (not shown to the customer)."""
        self.magento.call(
            "POST",
            f"/orders/{entity_id}/comments",
            json={
                "statusHistory": {
                    "comment": text,
                    "is_customer_notified": 0,
                    "is_visible_on_front": 0,
                    "parent_id": entity_id,
                }
            },
        )

    def hold(self, entity_id: int, state: str | None = None) -> bool:
        """Put the order on hold; False when it is already held or can no longer be held."""
        current = state if state is not None else str(self.order(entity_id).get("state"))
        if current == HOLDED or current in STOPPED:
            return False
        self.magento.call("POST", f"/orders/{entity_id}/hold")
        return True

    def unhold(self, entity_id: int, state: str | None = None) -> bool:
        """Release our hold; False when the order is not on hold."""
        current = state if state is not None else str(self.order(entity_id).get("state"))
        if current != HOLDED:
            return False
        self.magento.call("POST", f"/orders/{entity_id}/unhold")
        return True

    def cancel(self, entity_id: int, state: str | None = None) -> bool:
        """Cancel the order; False when Magento refuses (invoiced in full, held, finished)."""
        current = state if state is not None else str(self.order(entity_id).get("state"))
        if current == "canceled":
            return True
        if current == HOLDED:
            self.magento.call("POST", f"/orders/{entity_id}/unhold")
        response = self.magento.call("POST", f"/orders/{entity_id}/cancel")
        return bool(self.magento.http.json(response))
