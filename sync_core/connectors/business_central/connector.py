"""Business Central as an order sink and a stock source for the flows.

**Orders.** A sales order is created in one request (deep insert of ``salesOrderLines``).
The Magento reference goes into ``externalDocumentNumber``, which Business Central neither
indexes as unique nor checks: a repeated POST makes a second order. So every create is preceded
by a lookup, ``$filter=externalDocumentNumber eq '<ref>'`` on ``salesOrders`` and then on
``salesInvoices`` (a fully shipped and invoiced order is deleted by posting; its invoice keeps
the reference and the order number).

**The reference.** ``externalDocumentNumber`` is ``Code[35]`` ("External Document No." of the
Sales Header): at most 35 characters, stored upper-case. ``mage-<store>-<increment>`` fits for
usual store codes and increment ids (``mage-default-000000001`` has 22 characters). A longer
one is replaced by :func:`erp_reference`: ``mage~<10 hex digits of its SHA-256>~<the
increment id's tail>``, deterministic (the lookup recomputes it) and still readable. Lookups
compare case-insensitively and send the literal upper-case, as the field stores it.

Every create is read back (``GET salesOrders({id})``): an answer for an order Business Central
did not keep is an :class:`UnknownOutcome`, so the retry looks up and sends it again (FM-G06).
For reconciliation, ``order_states`` reports orders that are gone as ``cancelled`` (deleting is
how Business Central cancels an order) and ``order_refs`` keeps the reconciler from re-sending
them (:class:`AccountedRefs`).

**Customers.** ``mapping.accounts`` (e-mail -> customer number), else the customer whose
``email`` matches, else ``mapping.default_customer``; none of these is a :class:`MappingError`.
A blocked customer (``blocked`` Ship, Invoice or All) is a :class:`BusinessHold`, before the
POST when we see it, or from Business Central's own refusal (``Application_DialogException``).

**Lines.** Items by number (``mapping.item_code(sku)``), as ``lineType`` Item with the Magento
price (``pricesIncludeTax`` false) in the order's currency (the API translates the local
currency's code to blank itself). No ``locationId``: an order names no Magento source, so the
location defaults from the customer or the company.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from sync_core.config import MappingConfig
from sync_core.connectors.base import ErpStockRow
from sync_core.connectors.business_central.client import (
    SYSTEM,
    BCClient,
    TargetMismatch,
    odata_quote,
)
from sync_core.connectors.business_central.guard import TargetGuard
from sync_core.connectors.business_central.stock import StockReader
from sync_core.errors import (
    BusinessHold,
    InvalidData,
    MappingError,
    RemoteNotFound,
    SchemaDrift,
    UnknownOutcome,
)
from sync_core.fulfilment_model import Shipment
from sync_core.model import Address, Order, RemoteRef

MAX_REFERENCE = 35
FILTER_CHUNK = 20
BLOCKED = {"ship", "invoice", "all"}
ADDRESS_LIMITS = {"name": 100, "line1": 100, "line2": 50, "city": 30, "country": 10, "post": 20}


def erp_reference(external_ref: str) -> str:
    """The order's reference as it fits ``externalDocumentNumber`` (``Code[35]``)."""
    if len(external_ref) <= MAX_REFERENCE:
        return external_ref
    digest = hashlib.sha256(external_ref.encode("utf-8")).hexdigest()[:10]
    tail = external_ref.rsplit("-", 1)[-1][-(MAX_REFERENCE - 16) :]
    return f"mage~{digest}~{tail}"


class AccountedRefs:
    """What :meth:`BusinessCentralConnector.order_refs` answers to the reconciler's "is this
    exported order in the ERP?": every exported order is accounted for. It is either still
    there (as an order, or as the invoice that posting left when it deleted the order), or it
    was deleted inside Business Central after the connector read it back at creation: Business
    Central cancels a sales order by deleting it, and sending it again would resurrect an order
    someone cancelled. A write that Business Central acknowledged but never kept is caught by
    that read-back and re-sent at once (FM-G06). :meth:`~BusinessCentralConnector.order_states`
    reports deleted orders as ``cancelled``, so the reconciler flags them (FM-G16)."""

    def __contains__(self, ref: object) -> bool:
        return True


def _order_state(row: dict[str, Any]) -> str:
    if str(row.get("status") or "") == "In Review":
        return "pending_approval"
    return "shipped" if row.get("fullyShipped") else "open"


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


class BusinessCentralConnector:
    system = SYSTEM

    def __init__(self, client: BCClient, mapping: MappingConfig) -> None:
        self.client = client
        self.mapping = mapping
        self.guard = TargetGuard(client)
        self.stock = StockReader(client)
        self._items: dict[str, dict[str, Any]] | None = None
        self._customers: dict[str, str] = {}

    def _url(self, path: str) -> str:
        return self.client.settings.company_url(path)

    def _ensure_target(self, what: str) -> None:
        try:
            self.guard.ensure()
        except TargetMismatch as exc:
            raise TargetMismatch(f"{what}: {exc.message}", status=exc.status) from exc

    # -- orders -----------------------------------------------------------------------------
    def find_order(self, external_ref: str) -> RemoteRef | None:
        self._ensure_target(external_ref)
        ref = erp_reference(external_ref)
        found = self._find_in("salesOrders", ref, "id,number,externalDocumentNumber")
        if found:
            first = min(found, key=lambda r: str(r.get("number")))
            return RemoteRef(
                system=self.system,
                remote_id=str(first["id"]),
                display=str(first.get("number") or first["id"]),
            )
        posted = [
            r
            for r in self._find_in(
                "salesInvoices", ref, "id,number,externalDocumentNumber,orderId,orderNumber"
            )
            if r.get("orderNumber")
        ]
        if posted:
            first = min(posted, key=lambda r: str(r.get("number")))
            return RemoteRef(
                system=self.system,
                remote_id=str(first.get("orderId") or first["id"]),
                display=str(first["orderNumber"]),
            )
        return None

    def _find_in(self, set_name: str, ref: str, select: str) -> list[dict[str, Any]]:
        rows = self.client.collect(
            self._url(set_name),
            {"$filter": f"externalDocumentNumber eq {odata_quote(ref.upper())}", "$select": select},
        )
        wanted = ref.casefold()
        return [r for r in rows if str(r.get("externalDocumentNumber", "")).casefold() == wanted]

    def create_order(self, order: Order) -> RemoteRef:
        self._ensure_target(f"order {order.increment_id}")
        body = self.payload(order)
        try:
            created = self.client.post(self._url("salesOrders"), body)
        except (BusinessHold, InvalidData, SchemaDrift) as exc:
            message = f"order {order.increment_id}: {exc.message}"
            raise type(exc)(message, status=exc.status) from exc
        if not created.get("id"):
            raise UnknownOutcome(f"{SYSTEM} created order {order.increment_id} without an id")
        kept = self._read_back(order, str(created["id"]))
        return RemoteRef(
            system=self.system,
            remote_id=str(kept["id"]),
            display=str(kept.get("number") or kept["id"]),
        )

    def _read_back(self, order: Order, order_id: str) -> dict[str, Any]:
        """A write Business Central acknowledged but did not keep must not count (FM-G06):
        the retry looks the order up and sends it again."""
        try:
            return self.client.get(
                self._url(f"salesOrders({order_id})"),
                {"$select": "id,number,externalDocumentNumber"},
            )
        except RemoteNotFound as exc:
            raise UnknownOutcome(
                f"{SYSTEM} acknowledged order {order.increment_id} as {order_id} but does not "
                "have it"
            ) from exc

    # -- reconciliation -----------------------------------------------------------------------
    def order_refs(self) -> AccountedRefs:
        """Every exported order is accounted for (see :class:`AccountedRefs`); no request."""
        return AccountedRefs()

    def order_states(self, refs: list[str]) -> dict[str, str]:
        """Canonical states by external reference: ``open``, ``pending_approval`` (status
        In Review), ``shipped`` (fully shipped, not yet invoiced), ``invoiced`` (fully posted,
        so deleted by posting; found through its invoice) and ``cancelled`` (gone: Business
        Central cancels a sales order by deleting it)."""
        self._ensure_target("reconciliation")
        wanted = {erp_reference(ref).casefold(): ref for ref in refs}
        rows = self.client.collect(
            self._url("salesOrders"), {"$select": "externalDocumentNumber,status,fullyShipped"}
        )
        states: dict[str, str] = {}
        for row in rows:
            ref = wanted.get(str(row.get("externalDocumentNumber") or "").casefold())
            if ref is not None:
                states[ref] = _order_state(row)
        missing = [erp_reference(ref) for ref in refs if ref not in states]
        for chunk in range(0, len(missing), FILTER_CHUNK):
            for row in self._invoices(missing[chunk : chunk + FILTER_CHUNK]):
                ref = wanted.get(str(row.get("externalDocumentNumber") or "").casefold())
                if ref is not None and row.get("orderNumber"):
                    states[ref] = "invoiced"
        return {ref: states.get(ref, "cancelled") for ref in refs}

    def _invoices(self, refs: list[str]) -> list[dict[str, Any]]:
        clause = " or ".join(f"externalDocumentNumber eq {odata_quote(r.upper())}" for r in refs)
        return self.client.collect(
            self._url("salesInvoices"),
            {"$filter": clause, "$select": "externalDocumentNumber,orderNumber"},
        )

    def payload(self, order: Order) -> dict[str, Any]:
        customer = self.customer_number(order)
        lines = [
            self._line(order, i, line.sku, line.qty, line.price)
            for i, line in enumerate(order.lines)
        ]
        body: dict[str, Any] = {
            "externalDocumentNumber": erp_reference(order.external_ref),
            "customerNumber": customer,
            "orderDate": order.created_at.date().isoformat(),
            "currencyCode": order.currency,
            "pricesIncludeTax": False,
            **_ship_to(order.shipping_address),
            "salesOrderLines": lines,
        }
        if len(order.customer_email) <= 80:
            body["email"] = order.customer_email
        return body

    def _line(
        self, order: Order, index: int, sku: str, qty: Decimal, price: Decimal
    ) -> dict[str, Any]:
        code = self.mapping.item_code(sku)
        item = self._item(code)
        if item is None:
            raise MappingError(
                f"order {order.increment_id}",
                f"lines[{index}].sku",
                f"{sku!r} has no Business Central item {code!r}",
            )
        if item.get("blocked"):
            raise BusinessHold(
                f"order {order.increment_id}: item {item['number']} (SKU {sku}) "
                "is blocked in Business Central"
            )
        return {
            "lineType": "Item",
            "lineObjectNumber": str(item["number"]),
            "quantity": _number(qty),
            "unitPrice": _number(price),
        }

    # -- lookups ----------------------------------------------------------------------------
    def items(self, refresh: bool = False) -> dict[str, dict[str, Any]]:
        """Item number (case-folded) -> ``{id, number, blocked}``."""
        if self._items is None or refresh:
            rows = self.client.collect(self._url("items"), {"$select": "id,number,blocked"})
            self._items = {str(r["number"]).casefold(): r for r in rows if r.get("number")}
        return self._items

    def _item(self, code: str) -> dict[str, Any] | None:
        key = code.casefold()
        found = self.items().get(key)
        if found is None or found.get("blocked"):  # new items appear, blocks are lifted
            found = self.items(refresh=True).get(key)
        return found

    def customer_number(self, order: Order) -> str:
        email = order.customer_email.strip()
        key = email.casefold()
        if key in self._customers:
            return self._customers[key]
        record = f"order {order.increment_id}"
        account = self.mapping.accounts.get(email) or self.mapping.accounts.get(email.lower())
        if account:
            customer = self._customer("number", account)
            if customer is None:
                raise MappingError(
                    record,
                    "customer_email",
                    f"maps to customer {account!r}, which does not exist in "
                    f"{self.guard.company_label}",
                )
        else:
            customer = self._customer("email", email)
        if customer is None and self.mapping.default_customer:
            customer = self._customer("number", self.mapping.default_customer)
            if customer is None:
                raise MappingError(
                    record,
                    "customer_email",
                    f"{email!r} has no customer and the default customer "
                    f"{self.mapping.default_customer!r} does not exist",
                )
        if customer is None:
            raise MappingError(
                record,
                "customer_email",
                f"{email!r} has no Business Central customer and no default customer is set",
            )
        if str(customer.get("blocked") or "").strip().lower() in BLOCKED:
            raise BusinessHold(
                f"{record}: customer {customer['number']} is blocked "
                f"({customer['blocked']}) in Business Central"
            )
        self._customers[key] = str(customer["number"])
        return self._customers[key]

    def _customer(self, field: str, value: str) -> dict[str, Any] | None:
        rows = self.client.collect(
            self._url("customers"),
            {
                "$filter": f"{field} eq {odata_quote(value)}",
                "$select": "id,number,email,blocked",
                "$orderby": "number",
            },
        )
        wanted = value.casefold()
        matches = [r for r in rows if str(r.get(field, "")).casefold() == wanted]
        return matches[0] if matches else None

    # -- fulfilment -------------------------------------------------------------------------
    def deliveries(self, since: str | None) -> Iterator[Shipment]:
        """Posted shipments (see :mod:`sync_core.connectors.business_central.fulfilment`)."""
        from sync_core.connectors.business_central import fulfilment

        return fulfilment.deliveries(self, since)

    # -- stock ------------------------------------------------------------------------------
    def stock_levels(self) -> Iterator[ErpStockRow]:
        self._ensure_target("stock")
        yield from self.stock.rows()


def _ship_to(address: Address) -> dict[str, Any]:
    limit = ADDRESS_LIMITS
    street = [s.strip() for s in address.street if s.strip()]
    values = {
        "shipToName": f"{address.firstname} {address.lastname}".strip()[: limit["name"]],
        "shipToAddressLine1": (street[0] if street else "")[: limit["line1"]],
        "shipToAddressLine2": ", ".join(street[1:])[: limit["line2"]],
        "shipToCity": address.city[: limit["city"]],
        "shipToCountry": address.country_id[: limit["country"]],
        "shipToPostCode": address.postcode[: limit["post"]],
    }
    if address.company:
        values["shipToContact"] = values["shipToName"]
        values["shipToName"] = address.company[: limit["name"]]
    if address.telephone and len(address.telephone) <= 30:
        values["phoneNumber"] = address.telephone
    return values
