"""SAP Business One as an order sink and a stock source for the flows.

Orders
    The store-namespaced Magento reference (``mage-<store>-<increment>``) goes into
    ``NumAtCard``, the customer reference every B1 sales document has, and optionally also into
    a user-defined field (``ref_udf``, for example ``U_MageRef``; it must exist in the company
    database as a UDF on ORDR). Business One has no idempotency of its own: a second POST makes
    a second ``DocEntry``. So :meth:`find_order` looks the reference up with ``$filter`` before
    every create, and a refusal by a customer's ``SBO_SP_TransactionNotification`` duplicate
    guard (error -1) is answered by a lookup: when the order is there, it is the one we made.
    After a create the order is read back by its reference, so an acknowledged write the
    company database did not keep is an unknown outcome, never a binding.
    Lines map SKUs through ``mapping.items`` and must name an existing item; the business
    partner is ``mapping.accounts[email]``, else the customer whose ``EmailAddress`` matches,
    else ``mapping.default_customer``; otherwise the order is refused with a
    :class:`MappingError` naming it (held, never dropped, never on a guessed account).

Stock
    ``Items`` with their ``ItemWarehouseInfoCollection``: one row per item x warehouse with
    ``InStock``. The version is the item's change timestamp, ``UpdateDate`` + ``UpdateTime``
    as ISO 8601 (``2026-01-05T14:03:00``, or the date alone when the SL gives no time). B1
    keeps that stamp per item (OITM), not per warehouse row, and whether every inventory
    posting moves it is not documented: the stock flow stamps each value with version *and*
    quantity, so a changed quantity under an unchanged version is still applied, and only a
    value whose item stamp is strictly older than the applied one is refused. An item with no
    timestamp at all gets a stable digest of its item code: it never changes, so it never
    makes a value look stale (a digest of the quantities would change with every count and,
    compared as a string, could make a fresh value look older than the applied one).
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sync_core.config import MappingConfig
from sync_core.connectors import pricing as shared_pricing
from sync_core.connectors.base import ErpStockRow
from sync_core.connectors.sap_b1 import pricing
from sync_core.connectors.sap_b1.client import B1Client, TransactionRejected, odata_quote
from sync_core.contract import number
from sync_core.errors import MappingError, RemoteNotFound, SchemaDrift, UnknownOutcome
from sync_core.model import Order, RemoteRef

if TYPE_CHECKING:
    from sync_core.fulfilment_model import Shipment

log = logging.getLogger("sync_core.connectors.sap_b1")
ORDER_FIELDS = "DocEntry,DocNum,NumAtCard,CardCode,Cancelled,DocumentStatus"
REF_PREFIX = "mage-"  # every external reference starts so (sync_core.model.Order)
STOCK_FIELDS = "ItemCode,UpdateDate,UpdateTime,ItemWarehouseInfoCollection"
DURATION_RE = re.compile(r"^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)(?:\.\d+)?S)?$", re.IGNORECASE)
CLOCK_RE = re.compile(r"^(?:\d{4}-\d{2}-\d{2}T)?(\d{2}):?(\d{2})(?::?(\d{2}))?")


def version_of(item: dict[str, Any]) -> str:
    """The item's change timestamp as ISO 8601; with none, a stable digest of its code."""
    date = str(item.get("UpdateDate") or "")[:10]
    if date:
        time = _time(str(item.get("UpdateTime") or ""))
        return f"{date}T{time}" if time else date
    return "sha1:" + hashlib.sha1(str(item.get("ItemCode")).encode()).hexdigest()[:16]


def _time(text: str) -> str | None:
    """``14:03``, ``14:03:07``, ``1403`` or ``PT14H03M07S`` as ``HH:MM:SS``; else None."""
    match = DURATION_RE.match(text.strip()) or CLOCK_RE.match(text.strip())
    if match is None:
        return None
    hours, minutes, seconds = (int(part or 0) for part in match.groups())
    if hours > 23 or minutes > 59 or seconds > 59:
        return None
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}"


def order_state(doc: dict[str, Any]) -> str:
    if doc.get("Cancelled") == "tYES":
        return "cancelled"
    if doc.get("DocumentStatus") != "bost_Close":
        return "open"
    lines = doc.get("DocumentLines") or []
    still_open = any(float(line.get("RemainingOpenQuantity") or 0) > 0 for line in lines)
    return "closed" if still_open else "delivered"


class SapB1Connector:
    system = "sap-b1"

    def __init__(
        self, client: B1Client, mapping: MappingConfig, ref_udf: str | None = None
    ) -> None:
        if ref_udf is not None and not ref_udf.startswith("U_"):
            raise ValueError(f"ref_udf {ref_udf!r} must be a user-defined field (U_...)")
        self.client = client
        self.mapping = mapping
        self.ref_udf = ref_udf
        self._items: set[str] | None = None
        self._partners: dict[str, str] = {}
        self._warehouses_checked = False
        options = getattr(getattr(client, "config", None), "options", None) or {}
        self.price_policy = shared_pricing.price_policy(dict(options))  # FM-S03, see .pricing
        self.variances = shared_pricing.Variances(self.system)

    # -- lookups ------------------------------------------------------------------------------
    def item_codes(self, refresh: bool = False) -> set[str]:
        if self._items is None or refresh:
            rows = self.client.query("Items", {"$select": "ItemCode"})
            self._items = {str(r["ItemCode"]) for r in rows if r.get("ItemCode")}
        return self._items

    def _item_code(self, order: Order, index: int, sku: str) -> str:
        code = self.mapping.item_code(sku)
        if code in self.item_codes() or code in self.item_codes(refresh=True):
            return code
        raise MappingError(
            f"order {order.increment_id}",
            f"lines[{index}].sku",
            f"{sku!r} has no SAP Business One item {code!r}",
        )

    def _partner_exists(self, card_code: str) -> bool:
        try:
            self.client.get(f"/BusinessPartners({odata_quote(card_code)})", {"$select": "CardCode"})
        except RemoteNotFound:
            return False
        return True

    def _partner_by_email(self, email: str) -> str | None:
        flt = f"EmailAddress eq {odata_quote(email)} and CardType eq 'cCustomer'"
        params = {"$filter": flt, "$select": "CardCode", "$orderby": "CardCode"}
        for row in self.client.query("BusinessPartners", params):
            if row.get("CardCode"):
                return str(row["CardCode"])
        return None

    def card_code(self, order: Order) -> str:
        """The business partner for the order's customer, by the documented precedence."""
        email = order.customer_email.strip().lower()
        if email in self._partners:
            return self._partners[email]
        record = f"order {order.increment_id}"
        mapped = self.mapping.accounts.get(email) or self.mapping.accounts.get(order.customer_email)
        if mapped:
            if not self._partner_exists(mapped):
                raise MappingError(
                    record,
                    "customer_email",
                    f"maps to business partner {mapped!r}, which "
                    "does not exist in SAP Business One",
                )
            found: str | None = mapped
        else:
            found = self._partner_by_email(order.customer_email.strip())
        if found is None:
            found = self.mapping.default_customer
        if found is None:
            raise MappingError(
                record,
                "customer_email",
                f"{order.customer_email!r} has no SAP Business One business partner (no "
                "account mapping, no customer with that EmailAddress) and no default_customer "
                "is set: order held",
            )
        self._partners[email] = found
        return found

    # -- orders -------------------------------------------------------------------------------
    def find_order(self, external_ref: str) -> RemoteRef | None:
        field = self.ref_udf or "NumAtCard"
        params = {
            "$filter": f"{field} eq {odata_quote(external_ref)}",
            "$select": ORDER_FIELDS,
            "$orderby": "DocEntry",
        }
        for row in self.client.query("Orders", params):
            return self._ref(row)
        return None

    def _ref(self, row: dict[str, Any]) -> RemoteRef:
        entry = row.get("DocEntry")
        if entry is None:
            raise SchemaDrift("sap-b1 order answered without a DocEntry")
        number = row.get("DocNum")
        return RemoteRef(
            system=self.system,
            remote_id=str(entry),
            display=str(number) if number is not None else str(entry),
        )

    def payload(self, order: Order) -> dict[str, Any]:
        day = order.created_at.date().isoformat()
        body: dict[str, Any] = {
            "CardCode": self.card_code(order),
            "NumAtCard": order.external_ref,
            "DocDate": day,
            "DocDueDate": day,
            "Comments": f"Magento {order.store_code} order {order.increment_id}",
            "DocumentLines": [
                {
                    "ItemCode": self._item_code(order, i, line.sku),
                    "Quantity": float(line.qty),
                    "UnitPrice": float(line.price),
                }
                for i, line in enumerate(order.lines)
            ],
        }
        if self.ref_udf:
            body[self.ref_udf] = order.external_ref
        return body

    def create_order(self, order: Order) -> RemoteRef:
        body = self.payload(order)
        self._check_prices(order, body)  # FM-S03
        try:
            self.client.create("Orders", body)
        except TransactionRejected:
            # A duplicate guard in SBO_SP_TransactionNotification refuses a second document
            # with the same reference: if ours is there, it is the order we already made.
            found = self.find_order(order.external_ref)
            if found is None:
                raise
            return found
        # Read back by reference rather than trust the answer: an acknowledged write the
        # company database did not keep must not be bound (and a DocEntry in a 201 that was
        # never stored may later name another order).
        found = self.find_order(order.external_ref)
        if found is None:
            raise UnknownOutcome(
                f"sap-b1 acknowledged order {order.external_ref} but has no order with "
                f"{self.ref_udf or 'NumAtCard'} {order.external_ref!r}"
            )
        return found

    # -- reconciliation -----------------------------------------------------------------------
    def _ours(self, select: str) -> Iterator[dict[str, Any]]:
        field = self.ref_udf or "NumAtCard"
        params = {"$filter": f"startswith({field}, {odata_quote(REF_PREFIX)})", "$select": select}
        yield from self.client.query("Orders", params)

    def order_refs(self) -> set[str]:
        """The external reference of every order this integration made, in one paged read."""
        field = self.ref_udf or "NumAtCard"
        return {str(row[field]) for row in self._ours(field) if row.get(field)}

    def order_states(self, refs: list[str]) -> dict[str, str]:
        """Canonical states by external reference: ``open``, ``delivered`` (closed because
        every row was copied on), ``closed`` (closed with quantities still open: closed by
        hand) and ``cancelled``."""
        field = self.ref_udf or "NumAtCard"
        wanted = set(refs)
        states: dict[str, str] = {}
        select = f"{field},Cancelled,DocumentStatus,DocumentLines"
        for row in self._ours(select):
            ref = str(row.get(field) or "")
            if ref in wanted:
                states[ref] = order_state(row)
        return states

    # -- fulfilment ---------------------------------------------------------------------------
    def deliveries(self, since: str | None) -> Iterator[Shipment]:
        """Delivery notes as shipments (see :mod:`sync_core.connectors.sap_b1.fulfilment`)."""
        from sync_core.connectors.sap_b1 import fulfilment

        return fulfilment.deliveries(self, since)

    # -- stock --------------------------------------------------------------------------------
    def check_warehouses(self) -> list[str]:
        """Problems of ``mapping.locations`` against B1's warehouses (logged once)."""
        rows = self.client.query("Warehouses", {"$select": "WarehouseCode,Inactive"})
        active = {str(r["WarehouseCode"]): r.get("Inactive") != "tYES" for r in rows}
        problems = []
        for source, code in sorted(self.mapping.locations.items()):
            if code not in active:
                problems.append(f"source {source} maps to warehouse {code}, not in SAP B1")
            elif not active[code]:
                problems.append(f"source {source} maps to warehouse {code}, which is inactive")
        for code in sorted(set(active) - set(self.mapping.locations.values())):
            problems.append(f"warehouse {code} has no Magento source: its stock is not synced")
        return problems

    def stock_levels(self) -> Iterator[ErpStockRow]:
        if not self._warehouses_checked:
            for problem in self.check_warehouses():
                log.warning("sap-b1 location mapping: %s", problem)
            self._warehouses_checked = True
        params = {
            "$select": STOCK_FIELDS,
            "$filter": "InventoryItem eq 'tYES'",
            "$orderby": "ItemCode",
        }
        for item in self.client.query("Items", params):
            code = item.get("ItemCode")
            if not code:
                continue
            version = version_of(item)
            for row in item.get("ItemWarehouseInfoCollection") or []:
                warehouse = row.get("WarehouseCode")
                if not warehouse:
                    continue
                yield ErpStockRow(
                    item_code=str(code),
                    location=str(warehouse),
                    qty=number(
                        row,
                        "InStock",
                        system=self.system,
                        record=f"Items('{code}') warehouse {warehouse}",
                    ),
                    version=version,
                )

    # -- prices and finance documents (FM-S03, FM-S06; see .pricing) --------------------------
    def _check_prices(self, order: Order, body: dict[str, Any]) -> None:
        """Compare each line's Magento price with B1's for the partner and apply the policy:
        ``hold`` refuses the order, ``erp`` drops ``UnitPrice`` so B1 prices every line."""
        if self.price_policy is None:
            return
        card = str(body["CardCode"])
        codes = [str(line["ItemCode"]) for line in body["DocumentLines"]]
        found = pricing.check(pricing.B1Prices(self.client), order, card, codes)
        self.variances.record(order, card, found, self.price_policy)
        if found and self.price_policy == "hold":
            raise shared_pricing.hold(order, card, self.system, found)
        if self.price_policy == "erp":
            for line in body["DocumentLines"]:
                line.pop("UnitPrice", None)

    def alerts(self) -> list[dict[str, str]]:
        """What the connector noticed itself: price variances on export (FM-S03)."""
        return self.variances.current()

    def finance_totals(self, refs: list[str]) -> dict[str, dict[str, Decimal]]:
        """Net invoiced and credited per external reference (FM-S06, see .pricing)."""
        field = self.ref_udf or "NumAtCard"
        wanted = set(refs)
        orders = {
            int(row["DocEntry"]): str(row[field])
            for row in self._ours(f"DocEntry,{field}")
            if row.get(field) in wanted
        }
        return pricing.finance_totals(self.client, orders)
