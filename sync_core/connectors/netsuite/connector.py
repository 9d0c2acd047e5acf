"""NetSuite as an order sink and a stock source for the flows.

Orders are keyed by ``externalId`` (the store-namespaced Magento reference): looked up with
``GET salesOrder/eid:<ref>`` and written with ``PUT salesOrder/eid:<ref>`` (an upsert), so a
repeated write can never make a second order.

Extra body fields (custom fields such as ``custbody_sales_channel``, or a standard field an
administrator made mandatory) come from the connector settings (``erp.options``):

``order_fields``  a JSON object of field id -> value, e.g. ``{"custbody_sales_channel": "web"}``
``field:<id>``    one field per key, e.g. ``field:custbody_sales_channel = web`` (wins over
                  ``order_fields``)

A value may name the order: ``{increment_id}``, ``{store_code}``, ``{external_ref}``,
``{customer_email}``. Before its first order write, and again after NetSuite refuses a write as
a contract change, the connector reads the ``salesOrder`` metadata (JSON Schema) and refuses to
write when a field it sends is not there (:class:`SchemaDrift` naming the field), so a removed or
renamed custom field holds orders back rather than losing the value (FM-N03).

``create_via`` chooses how an order is written. ``upsert_verified`` (default): the ``PUT``,
then a read of the order back (``GET``, which also yields its ``tranId``), so an answer for a
write NetSuite did not keep never counts. ``upsert``: the ``PUT`` alone, one request per order
(the ERP reference written back to Magento is then the internal id); the ``PUT`` to ``eid:``
is idempotent by itself, so pair it with ``policies.lookup_before_create: after_failure``.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

from sync_core.config import ConfigError, MappingConfig
from sync_core.connectors.base import ErpStockRow
from sync_core.connectors.netsuite.client import NetSuiteClient
from sync_core.contract import number, only_known
from sync_core.errors import MappingError, RemoteNotFound, SchemaDrift, UnknownOutcome
from sync_core.fulfilment_model import Shipment
from sync_core.model import Order, RemoteRef

ORDER_STATES = {"A": "pending_approval", "C": "cancelled", "H": "closed"}
ORDER_RECORD = "salesOrder"
PLACEHOLDERS = ("increment_id", "store_code", "external_ref", "customer_email")
CREATE_VIA = ("upsert_verified", "upsert")


def order_fields(options: Mapping[str, str]) -> dict[str, str]:
    """The extra sales-order body fields the settings ask for (see the module docstring)."""
    fields: dict[str, str] = {}
    raw = options.get("order_fields")
    if raw:
        try:
            parsed = json.loads(raw)
        except ValueError as exc:
            raise ConfigError(f"erp.options.order_fields is not JSON: {exc}") from exc
        if not isinstance(parsed, dict):
            raise ConfigError("erp.options.order_fields must be a JSON object")
        fields.update({str(k): str(v) for k, v in parsed.items()})
    for key, value in options.items():
        if key.startswith("field:") and key[6:]:
            fields[key[6:]] = value
    dummy = {name: "" for name in PLACEHOLDERS}
    for name, value in fields.items():
        try:
            value.format_map(dummy)
        except (KeyError, ValueError, IndexError) as exc:
            raise ConfigError(
                f"erp.options: the value of order field {name} ({value!r}) may only name "
                f"{', '.join('{' + p + '}' for p in PLACEHOLDERS)}"
            ) from exc
    return fields


def create_via(options: Mapping[str, str]) -> str:
    """How orders are written (see the module docstring); refuses an unknown choice."""
    chosen = options.get("create_via", CREATE_VIA[0])
    if chosen not in CREATE_VIA:
        raise ConfigError(
            f"erp.options.create_via: {chosen!r} is not one of {', '.join(CREATE_VIA)}"
        )
    return chosen


STOCK_COLUMNS = ("item", "location", "quantityonhand", "lastmodifieddate", "links")


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


class NetSuiteConnector:
    system = "netsuite"

    def __init__(
        self,
        client: NetSuiteClient,
        mapping: MappingConfig,
        options: Mapping[str, str] | None = None,
    ) -> None:
        self.client = client
        self.mapping = mapping
        self.extra_fields = order_fields(options or {})
        self.create_via = create_via(options or {})
        self._verifying = threading.Lock()  # one metadata read when threads create at once
        self._items: dict[str, str] | None = None
        self._customers: dict[str, str] = {}
        self._verified: frozenset[str] = frozenset()  # sent fields the metadata confirmed

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

    def _extra(self, order: Order) -> dict[str, str]:
        values = {
            "increment_id": order.increment_id,
            "store_code": order.store_code,
            "external_ref": order.external_ref,
            "customer_email": order.customer_email,
        }
        return {k: v.format_map(values) for k, v in self.extra_fields.items()}

    def payload(self, order: Order) -> dict[str, Any]:
        return {
            **self._extra(order),
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

    def check_fields(self, sent: set[str], order: Order, refresh: bool = False) -> None:
        """Every field we send exists on the account's sales order (metadata catalog)."""
        if not refresh and sent <= self._verified:
            return
        self._verified = frozenset()
        missing = sorted(sent - self.client.record_fields(ORDER_RECORD))
        if missing:
            raise SchemaDrift(
                f"netsuite {ORDER_RECORD} has no field(s) {', '.join(missing)} that the mapping "
                f"sends (order {order.increment_id}): removed or renamed in the account? Fix "
                "the mapping (erp.options) or the account, then replay"
            )
        self._verified = frozenset(sent)

    def create_order(self, order: Order) -> RemoteRef:
        body = self.payload(order)
        with self._verifying:
            self.check_fields(set(body), order)
        try:
            internal_id = self.client.upsert(ORDER_RECORD, order.external_ref, body)
        except SchemaDrift:
            self.check_fields(set(body), order, refresh=True)  # names a vanished field
            raise
        if self.create_via == "upsert":
            return RemoteRef(system=self.system, remote_id=internal_id, display=internal_id)
        try:  # read back: a write the ERP acknowledged but did not keep must not count
            record = self.client.get_record(ORDER_RECORD, internal_id, fields="id,tranId")
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

    # -- fulfilment -------------------------------------------------------------------------
    def deliveries(self, since: str | None) -> Iterator[Shipment]:
        """Item fulfilments as shipments (see :mod:`sync_core.connectors.netsuite.fulfilment`)."""
        from sync_core.connectors.netsuite import fulfilment

        return fulfilment.deliveries(self, since)

    # -- stock ------------------------------------------------------------------------------
    def stock_levels(self) -> Iterator[ErpStockRow]:
        codes = {v: k for k, v in self.item_ids().items()}
        rows = self.client.suiteql(
            "SELECT item, location, quantityonhand, "
            "TO_CHAR(lastmodifieddate, 'YYYY-MM-DD HH24:MI:SS') AS lastmodifieddate "
            "FROM inventoryitemlocations ORDER BY item, location"
        )
        for row in rows:
            record = f"inventoryitemlocations row item={row.get('item')}"
            only_known(row, STOCK_COLUMNS, system=self.system, record=record)
            code = codes.get(str(row["item"]))
            if code is None:
                continue
            qty = Decimal(0)  # SuiteQL leaves a null column out of the row
            if "quantityonhand" in row:
                qty = number(row, "quantityonhand", system=self.system, record=record)
            yield ErpStockRow(
                item_code=code,
                location=str(row["location"]),
                qty=qty,
                version=str(row.get("lastmodifieddate") or ""),
            )
