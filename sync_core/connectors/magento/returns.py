"""Magento's side of returns: credit memos read (``GET /V1/creditmemos``, ``/V1/creditmemo/{id}``)
and made (``POST /V1/order/{id}/refund``, ``RefundOrderInterface``).

A credit memo's items carry ``order_item_id`` and ``qty``; the memo carries
``shipping_amount``, ``adjustment`` (= ``adjustment_positive - adjustment_negative``) and its
``comments``. Whether a line went back to stock is an argument of the refund call
(``arguments.extension_attributes.return_to_stock_items``, order item ids) that core Magento
does not store on the memo; :func:`return_to_stock` reads it where a shop's module exposes it
(the memo's ``extension_attributes.return_to_stock_items``, or an item's ``back_to_stock``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sync_core.connectors.magento.client import Filter, MagentoClient, search_params


def return_to_stock(memo: dict[str, Any]) -> set[int] | None:
    """Order item ids the memo returned to stock; None when the memo does not say."""
    extension = memo.get("extension_attributes") or {}
    listed = extension.get("return_to_stock_items")
    flagged = [
        item
        for item in memo.get("items") or []
        if "back_to_stock" in item or "back_to_stock" in (item.get("extension_attributes") or {})
    ]
    if listed is None and not flagged:
        return None
    found = {int(i) for i in listed or []}
    for item in flagged:
        value = item.get(
            "back_to_stock", (item.get("extension_attributes") or {}).get("back_to_stock")
        )
        if value in (True, 1, "1", "true"):
            found.add(int(item["order_item_id"]))
    return found


class MagentoCredits:
    """Credit memos through the Magento client (auth, errors and paging are the client's)."""

    def __init__(self, magento: MagentoClient, page_size: int = 100) -> None:
        self.magento = magento
        self.page_size = page_size

    def page(self, condition: Filter, page: int = 1) -> tuple[list[dict[str, Any]], int]:
        """One page of credit memos matching ``condition``, oldest change first."""
        params = search_params(
            [[condition]], [("updated_at", "ASC"), ("entity_id", "ASC")], self.page_size, page
        )
        return self.magento.search("/creditmemos", params)

    def get(self, creditmemo_id: int) -> dict[str, Any]:
        return dict(
            self.magento.http.json(self.magento.call("GET", f"/creditmemo/{creditmemo_id}"))
        )

    def order(self, order_id: int) -> dict[str, Any]:
        return self.magento.get_order(order_id)

    def store_codes(self) -> dict[int, str]:
        return self.magento.store_codes()

    def shipments(self, order_id: int) -> list[dict[str, Any]]:
        return self.magento.shipments_for(order_id)

    def for_order(self, order_id: int) -> list[dict[str, Any]]:
        return self.magento.creditmemos(order_id)

    def refund(
        self,
        order_id: int,
        items: list[dict[str, Any]],
        shipping: Decimal,
        adjustment: Decimal,
        comment: str,
    ) -> int:
        """Refund ``items`` ``[{order_item_id, qty}]`` offline; answers the credit memo id."""
        arguments: dict[str, Any] = {"shipping_amount": float(shipping)}
        if adjustment > 0:
            arguments["adjustment_positive"] = float(adjustment)
        elif adjustment < 0:
            arguments["adjustment_negative"] = float(-adjustment)
        body = {
            "items": items,
            "notify": False,
            "appendComment": False,
            "comment": {"comment": comment, "is_visible_on_front": 0},
            "arguments": arguments,
        }
        answer = self.magento.http.json(
            self.magento.call("POST", f"/order/{order_id}/refund", json=body)
        )
        return int(answer)
