"""Magento REST client: bearer auth (integration token, or an admin token fetched and renewed
on expiry), searchCriteria queries, order write-back, MSI source items.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

import requests

from sync_core.config import MagentoConfig
from sync_core.errors import AuthExpired
from sync_core.transport import HttpClient

Filter = tuple[str, str, str]  # field, value, condition type


def search_params(
    groups: Sequence[Sequence[Filter]],
    sort: Sequence[tuple[str, str]] = (),
    page_size: int | None = None,
    current_page: int | None = None,
) -> dict[str, str]:
    """Build Magento ``searchCriteria`` query parameters: groups are ANDed, filters ORed."""
    params: dict[str, str] = {}
    for g, group in enumerate(groups):
        for f, (field, value, condition) in enumerate(group):
            prefix = f"searchCriteria[filterGroups][{g}][filters][{f}]"
            params[f"{prefix}[field]"] = field
            params[f"{prefix}[value]"] = value
            params[f"{prefix}[conditionType]"] = condition
    for s, (field, direction) in enumerate(sort):
        params[f"searchCriteria[sortOrders][{s}][field]"] = field
        params[f"searchCriteria[sortOrders][{s}][direction]"] = direction
    if page_size is not None:
        params["searchCriteria[pageSize]"] = str(page_size)
    if current_page is not None:
        params["searchCriteria[currentPage]"] = str(current_page)
    return params


class MagentoClient:
    system = "magento"

    def __init__(
        self,
        config: MagentoConfig,
        session: requests.Session | None = None,
        timeout_s: float = 30.0,
    ) -> None:
        self.config = config
        self.http = HttpClient(
            config.base_url, "magento", timeout_s, session=session or requests.Session()
        )
        self._token: str | None = (
            config.integration_token.get_secret_value() if config.integration_token else None
        )
        self._stores: dict[int, str] | None = None
        self._stores_read = threading.Lock()  # the worker's threads read the views once

    # -- auth -------------------------------------------------------------------------------
    def _admin_token(self) -> str:
        if not (self.config.username and self.config.password):
            raise AuthExpired("magento: no integration token and no admin credentials")
        response = self.http.request(
            "POST",
            "/rest/V1/integration/admin/token",
            json={
                "username": self.config.username,
                "password": self.config.password.get_secret_value(),
            },
        )
        return str(self.http.json(response))

    def call(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        if self._token is None:
            self._token = self._admin_token()
        try:
            return self._send(method, path, **kwargs)
        except AuthExpired:
            if self.config.integration_token:
                raise
            self._token = self._admin_token()
            return self._send(method, path, **kwargs)

    def _send(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        headers = {"Authorization": f"Bearer {self._token}", **kwargs.pop("headers", {})}
        return self.http.request(method, "/rest/V1" + path, headers=headers, **kwargs)

    # -- reads ------------------------------------------------------------------------------
    def search(self, resource: str, params: dict[str, str]) -> tuple[list[dict[str, Any]], int]:
        body = self.http.json(self.call("GET", resource, params=params))
        return list(body.get("items") or []), int(body.get("total_count") or 0)

    def get_order(self, entity_id: int) -> dict[str, Any]:
        return dict(self.http.json(self.call("GET", f"/orders/{entity_id}")))

    def store_codes(self) -> dict[int, str]:
        """The store views' codes by id, read once: threads asking at the same time wait for
        the one read rather than each sending it."""
        if self._stores is None:
            with self._stores_read:
                if self._stores is None:
                    views = self.http.json(self.call("GET", "/store/storeViews"))
                    self._stores = {int(v["id"]): str(v["code"]) for v in views}
        return self._stores

    # -- writes -----------------------------------------------------------------------------
    def write_back(self, order: dict[str, Any], erp_reference: str, note: str) -> None:
        """Record the ERP's reference on the order (``ext_order_id``) with a comment, in one
        save: Magento saves the status histories sent with an order in the order's own
        transaction (``Order\\Relation``), so the two land together or not at all. An order
        that already holds the reference got both from an earlier attempt."""
        entity_id = order["entity_id"]
        if order.get("ext_order_id") == erp_reference:
            return
        history = {
            "comment": note,
            "is_customer_notified": 0,
            "is_visible_on_front": 0,
            "parent_id": entity_id,
        }
        self.call(
            "POST",
            "/orders",
            json={
                "entity": {
                    "entity_id": entity_id,
                    "increment_id": order["increment_id"],
                    "ext_order_id": erp_reference,
                    "status_histories": [history],
                }
            },
            params={"fields": "entity_id,ext_order_id"},  # not the whole order back
        )

    def set_source_items(self, items: list[dict[str, Any]]) -> None:
        self.call("POST", "/inventory/source-items", json={"sourceItems": items})

    def set_source_items_async(self, items: list[dict[str, Any]]) -> str:
        """Queue the update through Magento's bulk API; returns the bulk UUID to track."""
        response = self._send_raw(
            "POST", "/rest/async/bulk/V1/inventory/source-items", json=[{"sourceItems": items}]
        )
        body = self.http.json(response)
        return str(body["bulk_uuid"])

    def bulk_operations(self, bulk_uuid: str) -> list[dict[str, Any]]:
        """The operations of a bulk with Magento's status codes (1 complete, 2 retriably
        failed, 3 failed, 4 open, 5 rejected)."""
        body = self.http.json(self.call("GET", f"/bulk/{bulk_uuid}/status"))
        return list(body.get("operations_list") or [])

    def _send_raw(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        if self._token is None:
            self._token = self._admin_token()
        headers = {"Authorization": f"Bearer {self._token}"}
        return self.http.request(method, path, headers=headers, **kwargs)

    # -- fulfilment -------------------------------------------------------------------------
    def ship(
        self,
        order_entity_id: int,
        items: list[dict[str, Any]],
        tracks: list[dict[str, Any]],
        source_code: str,
        comment: str,
    ) -> int:
        """Create a shipment (``ShipOrderInterface``) from ``source_code`` with ``items``
        ``[{order_item_id, qty}]``; the comment carries our idempotency marker. Answers the
        shipment id."""
        body: dict[str, Any] = {
            "items": items,
            "notify": False,
            "appendComment": False,
            "comment": {"comment": comment, "is_visible_on_front": 0},
            "tracks": tracks,
            "arguments": {"extension_attributes": {"source_code": source_code}},
        }
        answer = self.http.json(self.call("POST", f"/order/{order_entity_id}/ship", json=body))
        return int(answer)

    def shipments_for(self, order_entity_id: int) -> list[dict[str, Any]]:
        """Every shipment of an order (``GET /V1/shipments`` filtered on ``order_id``)."""
        params = search_params([[("order_id", str(order_entity_id), "eq")]])
        items, _ = self.search("/shipments", params)
        return items

    # -- finance documents (reconciliation, FM-S06) ------------------------------------------
    def invoices(self, order_id: int) -> list[dict[str, Any]]:
        """The order's invoices (``GET /V1/invoices`` by ``order_id``)."""
        return self._documents("/invoices", order_id)

    def creditmemos(self, order_id: int) -> list[dict[str, Any]]:
        """The order's credit memos (``GET /V1/creditmemos`` by ``order_id``)."""
        return self._documents("/creditmemos", order_id)

    def _documents(self, resource: str, order_id: int) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        page = 1
        while True:
            params = search_params([[("order_id", str(order_id), "eq")]], [], 100, page)
            items, total = self.search(resource, params)
            found.extend(items)
            if len(found) >= total or not items:
                return found
            page += 1
