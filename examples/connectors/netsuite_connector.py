#!/usr/bin/env python3
"""An example Magento -> NetSuite connector, written only from the vendors' public REST
documentation, as a team might write their own. The harness runs it once per sync cycle:

    erp-harness run --erp netsuite \\
        --connector-cmd "python examples/connectors/netsuite_connector.py"

It reads the HARNESS_* environment (base URLs, credentials, the mapping profile, a state
folder kept between cycles). Its four controls can be switched off one at a time with
``--without idempotency|paging|item-errors|location-mapping`` to watch the harness catch the
harm each control prevents.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

import requests
from requests_oauthlib import OAuth1

CONTROLS = ("idempotency", "paging", "item-errors", "location-mapping")
PAGE_SIZE = 20


class Connector:
    def __init__(self, without: set[str]) -> None:
        env = os.environ
        self.without = without
        self.magento = env["HARNESS_MAGENTO_URL"].rstrip("/") + "/rest/V1"
        self.magento_auth = {"Authorization": f"Bearer {env['HARNESS_MAGENTO_TOKEN']}"}
        self.netsuite = env["HARNESS_ERP_URL"].rstrip("/") + "/services/rest"
        self.auth = OAuth1(env["HARNESS_ERP_CONSUMER_KEY"], env["HARNESS_ERP_CONSUMER_SECRET"],
                           env["HARNESS_ERP_TOKEN_ID"], env["HARNESS_ERP_TOKEN_SECRET"],
                           signature_method="HMAC-SHA256", realm=env["HARNESS_ERP_ACCOUNT"])
        self.profile = json.loads(env.get("HARNESS_PROFILE") or "{}")
        self.state_file = Path(env["HARNESS_STATE_DIR"]) / "state.json"
        self.state: dict[str, Any] = (json.loads(self.state_file.read_text())
                                      if self.state_file.exists() else {"exported": []})
        self.http = requests.Session()

    def save(self) -> None:
        self.state_file.write_text(json.dumps(self.state))

    # -- NetSuite ---------------------------------------------------------------------------
    def suiteql(self, query: str) -> list[dict[str, Any]]:
        rows, offset = [], 0
        while True:
            response = self.http.post(f"{self.netsuite}/query/v1/suiteql", json={"q": query},
                                      params={"limit": 1000, "offset": offset},
                                      headers={"Prefer": "transient"}, auth=self.auth, timeout=30)
            response.raise_for_status()
            body = response.json()
            rows += body["items"]
            if not body.get("hasMore"):
                return rows
            offset += len(body["items"])

    def netsuite_order_exists(self, external_id: str) -> bool:
        response = self.http.get(f"{self.netsuite}/record/v1/salesOrder/eid:{external_id}",
                                 auth=self.auth, timeout=30)
        if response.status_code == 404:
            return False
        response.raise_for_status()
        return True

    # -- Magento ----------------------------------------------------------------------------
    def magento_orders(self) -> list[dict[str, Any]]:
        orders: list[dict[str, Any]] = []
        page = 1
        while True:
            params = {
                "searchCriteria[filterGroups][0][filters][0][field]": "state",
                "searchCriteria[filterGroups][0][filters][0][value]": "processing",
                "searchCriteria[sortOrders][0][field]": "entity_id",
                "searchCriteria[sortOrders][0][direction]": "ASC",
                "searchCriteria[pageSize]": PAGE_SIZE,
                "searchCriteria[currentPage]": page,
            }
            response = self.http.get(f"{self.magento}/orders", params=params,
                                     headers=self.magento_auth, timeout=30)
            response.raise_for_status()
            body = response.json()
            orders += body["items"]
            # Magento answers a page past the end with the last page again: stop on the total.
            if "paging" in self.without or len(orders) >= body["total_count"]:
                return orders
            page += 1

    # -- the sync ---------------------------------------------------------------------------
    def export_orders(self) -> None:
        items = {r["itemid"]: r["id"] for r in self.suiteql("SELECT id, itemid FROM item")}
        stores = {v["id"]: v["code"] for v in self.http.get(
            f"{self.magento}/store/storeViews", headers=self.magento_auth, timeout=30).json()}
        for order in self.magento_orders():
            external_id = f"mage-{stores[order['store_id']]}-{order['increment_id']}"
            if external_id in self.state["exported"]:
                continue
            try:
                self.export(order, external_id, items)
            except LookupError as problem:
                if "item-errors" in self.without:
                    raise
                print(f"skipped order {order['increment_id']}: {problem}")

    def export(self, order: dict[str, Any], external_id: str, items: dict[str, str]) -> None:
        if "idempotency" not in self.without and self.netsuite_order_exists(external_id):
            self.mark(external_id)
            return
        address = _shipping_address(order)
        if not all(address.get(k) for k in ("street", "city", "postcode", "country_id")):
            raise LookupError(f"order {order['increment_id']} has no complete shipping address")
        lines = []
        for line in order["items"]:
            if line.get("parent_item_id"):
                continue
            code = self.profile.get("items", {}).get(line["sku"], line["sku"])
            if code not in items or line["qty_ordered"] <= 0:
                raise LookupError(f"line {line['sku']} x{line['qty_ordered']} cannot be sent")
            lines.append({"item": {"id": items[code]}, "quantity": line["qty_ordered"],
                          "rate": line["price"]})
        customer = self.suiteql(f"SELECT id FROM customer WHERE email = "
                                f"'{order['customer_email'].replace(chr(39), chr(39) * 2)}'")
        if not customer:
            raise LookupError(f"no customer for {order['customer_email']}")
        body = {"entity": {"id": customer[0]["id"]}, "otherRefNum": order["increment_id"],
                "item": {"items": lines}}
        if "idempotency" in self.without:
            response = self.http.post(f"{self.netsuite}/record/v1/salesOrder", json=body,
                                      auth=self.auth, timeout=30)
        else:
            body["externalId"] = external_id
            response = self.http.put(f"{self.netsuite}/record/v1/salesOrder/eid:{external_id}",
                                     json=body, auth=self.auth, timeout=30)
        response.raise_for_status()
        self.mark(external_id)

    def mark(self, external_id: str) -> None:
        self.state["exported"].append(external_id)
        self.save()

    def import_stock(self) -> None:
        codes = {r["id"]: r["itemid"] for r in self.suiteql("SELECT id, itemid FROM item")}
        skus = {code: sku for sku, code in self.profile.get("items", {}).items()}
        sources = {loc: src for src, loc in self.profile.get("locations", {}).items()}
        levels: dict[tuple[str, str], float] = {}
        for row in self.suiteql("SELECT item, location, quantityonhand "
                                "FROM inventoryitemlocations"):
            code = codes.get(row["item"])
            if code is None:
                continue
            source = ("default" if "location-mapping" in self.without
                      else sources.get(row["location"]))
            if source is None:
                continue  # an ERP location no Magento source is mapped to: never guess
            key = (skus.get(code, code), source)
            levels[key] = levels.get(key, 0.0) + float(row.get("quantityonhand") or 0)
        payload = [{"sku": sku, "source_code": source, "quantity": qty, "status": int(qty > 0)}
                   for (sku, source), qty in levels.items()]
        self.http.post(f"{self.magento}/inventory/source-items", json={"sourceItems": payload},
                       headers=self.magento_auth, timeout=30).raise_for_status()


def _shipping_address(order: dict[str, Any]) -> dict[str, Any]:
    for assignment in order.get("extension_attributes", {}).get("shipping_assignments", []):
        address = assignment.get("shipping", {}).get("address")
        if address:
            return dict(address)
    return {}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--without", action="append", choices=CONTROLS, default=[],
                        help="switch one control off (repeatable)")
    args = parser.parse_args()
    connector = Connector(set(args.without))
    try:
        connector.export_orders()
        connector.import_stock()
    except (requests.RequestException, LookupError) as problem:
        print(f"cycle failed: {problem}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
