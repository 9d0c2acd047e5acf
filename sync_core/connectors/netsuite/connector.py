"""NetSuite as an order sink and a stock source for the flows.

Orders are keyed by ``externalId`` (the store-namespaced Magento reference): looked up with
``GET salesOrder/eid:<ref>`` and written with ``PUT salesOrder/eid:<ref>`` (an upsert), so a
repeated write can never make a second order.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from sync_core.config import MappingConfig
from sync_core.connectors.base import ErpStockRow
from sync_core.connectors.netsuite.client import NetSuiteClient
from sync_core.errors import MappingError, RemoteNotFound, UnknownOutcome
from sync_core.model import Order, RemoteRef

ORDER_STATES = {"A": "pending_approval", "C": "cancelled", "H": "closed"}


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


class NetSuiteConnector:
    system = "netsuite"

    def __init__(self, client: NetSuiteClient, mapping: MappingConfig) -> None:
        self.client = client
        self.mapping = mapping
        self._items: dict[str, str] | None = None
        self._customers: dict[str, str] = {}

    # -- lookups ----------------------------------------------------------------------------
    def item_ids(self, refresh: bool = False) -> dict[str, str]:
        """ERP item code (itemid) -> internal id."""
        if self._items is None or refresh:
            rows = self.client.suiteql("SELECT id, itemid FROM item")
            self._items = {str(r["itemid"]): str(r["id"]) for r in rows}
        return self._items

    def _item_id(self, order: Order, index: int, sku: str) -> str:
        code = self.mapping.item_code(sku)
        found = self.item_ids().get(code) or self.item_ids(refresh=True).get(code)
        if found is None:
            raise MappingError(
                f"order {order.increment_id}",
                f"lines[{index}].sku",
                f"{sku!r} has no NetSuite item {code!r}",
            )
        return found

    def customer_id(self, order: Order) -> str:
        email = order.customer_email.lower()
        if email not in self._customers:
            account = self.mapping.accounts.get(email)
            query = (
                f"SELECT id FROM customer WHERE entityid = {_quote(account)}"
                if account
                else f"SELECT id FROM customer WHERE LOWER(email) = {_quote(email)}"
            )
            rows = list(self.client.suiteql(query))
            if rows:
                self._customers[email] = str(rows[0]["id"])
            elif self.mapping.default_customer:
                self._customers[email] = self.mapping.default_customer
            else:
                raise MappingError(
                    f"order {order.increment_id}",
                    "customer_email",
                    f"{email!r} has no NetSuite customer and no default is set",
                )
        return self._customers[email]

    # -- orders -----------------------------------------------------------------------------
    def find_order(self, external_ref: str) -> RemoteRef | None:
        try:
            record = self.client.get_record("salesOrder", f"eid:{external_ref}", fields="id,tranId")
        except RemoteNotFound:
            return None
        return RemoteRef(
            system=self.system,
            remote_id=str(record["id"]),
            display=str(record.get("tranId") or record["id"]),
        )

    def payload(self, order: Order) -> dict[str, Any]:
        return {
            "externalId": order.external_ref,
            "entity": {"id": self.customer_id(order)},
            "tranDate": order.created_at.date().isoformat(),
            "otherRefNum": order.increment_id,
            "memo": f"Magento {order.store_code} order {order.increment_id}",
            "item": {
                "items": [
                    {
                        "item": {"id": self._item_id(order, i, line.sku)},
                        "quantity": float(line.qty),
                        "rate": float(line.price),
                    }
                    for i, line in enumerate(order.lines)
                ]
            },
        }

    def create_order(self, order: Order) -> RemoteRef:
        internal_id = self.client.upsert("salesOrder", order.external_ref, self.payload(order))
        try:  # read back: a write the ERP acknowledged but did not keep must not count
            record = self.client.get_record("salesOrder", internal_id, fields="id,tranId")
        except RemoteNotFound as exc:
            raise UnknownOutcome(
                f"netsuite acknowledged order {order.external_ref} as {internal_id} "
                "but does not have it"
            ) from exc
        return RemoteRef(
            system=self.system,
            remote_id=internal_id,
            display=str(record.get("tranId") or internal_id),
        )

    def order_refs(self) -> set[str]:
        """Every sales order's external id, in one paged SuiteQL read."""
        rows = self.client.suiteql(
            "SELECT externalid FROM transaction WHERE type = 'SalesOrd' AND externalid IS NOT NULL"
        )
        return {str(r["externalid"]) for r in rows if r.get("externalid")}

    def order_states(self, refs: list[str]) -> dict[str, str]:
        """Canonical states (open, pending_approval, cancelled, closed) by external id."""
        wanted = set(refs)
        rows = self.client.suiteql(
            "SELECT externalid, status FROM transaction WHERE type = 'SalesOrd'"
        )
        return {
            str(r["externalid"]): ORDER_STATES.get(str(r.get("status")), "open")
            for r in rows
            if r.get("externalid") in wanted
        }

    # -- stock ------------------------------------------------------------------------------
    def stock_levels(self) -> Iterator[ErpStockRow]:
        codes = {v: k for k, v in self.item_ids().items()}
        rows = self.client.suiteql(
            "SELECT item, location, quantityonhand, "
            "TO_CHAR(lastmodifieddate, 'YYYY-MM-DD HH24:MI:SS') AS lastmodifieddate "
            "FROM inventoryitemlocations ORDER BY item, location"
        )
        for row in rows:
            code = codes.get(str(row["item"]))
            if code is None:
                continue
            yield ErpStockRow(
                item_code=code,
                location=str(row["location"]),
                qty=Decimal(str(row.get("quantityonhand") or 0)),
                version=str(row.get("lastmodifieddate") or ""),
            )
