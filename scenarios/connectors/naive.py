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

from typing import TYPE_CHECKING, Any

import requests
from requests_oauthlib import OAuth1

if TYPE_CHECKING:
    from scenarios.world import World

PAGE_SIZE = 20
MAX_PAGES = 30  # a real cron script has no such bound; the harness must end


class NaiveConnector:
    name = "naive"

    def __init__(self, world: World) -> None:
        self.world = world
        self.last_run = "1970-01-01 00:00:00"
        self.session = requests.Session()
        self.errors: list[str] = []
        magento = world.magento.credentials()
        self.magento_headers = {"Authorization": f"Bearer {magento['integration_token']}"}

    # -- the cron job ---------------------------------------------------------------------------
    def cycle(self) -> None:
        started = self.world.clock.now().strftime("%Y-%m-%d %H:%M:%S")
        try:
            for order in self._new_orders():
                self._push(order)
            self._copy_stock()
        except requests.RequestException as exc:
            self.errors.append(f"run aborted: {exc}")
        self.last_run = started

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
                response = self._post_order(order)
            except requests.RequestException as exc:
                self.errors.append(f"order {order.get('increment_id')}: {exc}")
                continue
            if response.status_code < 300:
                return
            self.errors.append(f"order {order.get('increment_id')}: {response.status_code}")
            return

    def _copy_stock(self) -> None:
        """All ERP locations summed into Magento's default source: location blind."""
        if self.world.erp != "netsuite":
            return
        auth = self._netsuite_auth()
        codes = {
            str(r["id"]): str(r["itemid"])
            for r in self._suiteql(auth, "SELECT id, itemid FROM item")
        }
        totals: dict[str, float] = {}
        for row in self._suiteql(auth, "SELECT item, quantityonhand FROM inventoryitemlocations"):
            sku = codes.get(str(row["item"]))
            if sku:
                totals[sku] = totals.get(sku, 0.0) + float(row.get("quantityonhand") or 0)
        items = [
            {"sku": sku, "source_code": "default", "quantity": qty, "status": 1}
            for sku, qty in totals.items()
        ]
        self.session.post(
            f"{self.world.magento.base_url}/rest/V1/inventory/source-items",
            json={"sourceItems": items},
            headers=self.magento_headers,
            timeout=30,
        )

    def quarantined(self) -> list[dict[str, Any]] | None:
        return None

    def crash(self) -> None:
        self.session = requests.Session()

    def close(self) -> None:
        self.session.close()

    # -- ERP specifics (a naive script is written for one ERP) --------------------------------
    def _post_order(self, order: dict[str, Any]) -> requests.Response:
        if self.world.erp != "netsuite":
            raise NotImplementedError(f"naive has no {self.world.erp} variant yet")
        auth = self._netsuite_auth()
        body = {
            "entity": {"id": self._netsuite_customer(auth, order)},
            "otherRefNum": order.get("increment_id"),
            "item": {
                "items": [
                    {
                        "item": {"id": self._netsuite_item(auth, item["sku"])},
                        "quantity": item.get("qty_ordered"),
                        "rate": item.get("price"),
                    }
                    for item in order.get("items") or []
                    if not item.get("parent_item_id")
                ]
            },
        }
        return self.session.post(
            f"{self.world.erp_fake.base_url}/services/rest/record/v1/salesOrder",
            json=body,
            auth=auth,
            timeout=30,
        )

    def _netsuite_auth(self) -> OAuth1:
        creds = self.world.erp_fake.credentials()
        return OAuth1(
            creds["consumer_key"],
            creds["consumer_secret"],
            creds["token_id"],
            creds["token_secret"],
            signature_method="HMAC-SHA256",
            realm=creds["account"],
        )

    def _suiteql(self, auth: OAuth1, query: str) -> list[dict[str, Any]]:
        response = self.session.post(
            f"{self.world.erp_fake.base_url}/services/rest/query/v1/suiteql",
            json={"q": query},
            auth=auth,
            headers={"Prefer": "transient"},
            timeout=30,
        )
        return list(response.json().get("items") or [])

    def _netsuite_item(self, auth: OAuth1, sku: str) -> str:
        rows = self._suiteql(auth, f"SELECT id FROM item WHERE itemid = '{sku}'")
        return str(rows[0]["id"]) if rows else "0"

    def _netsuite_customer(self, auth: OAuth1, order: dict[str, Any]) -> str:
        email = str(order.get("customer_email") or "")
        rows = self._suiteql(auth, f"SELECT id FROM customer WHERE email = '{email}'")
        return str(rows[0]["id"]) if rows else "1"
