"""Sage 200 as an order sink and a stock source for the flows.

Coverage (FM-SG01)
    Before the first call of either flow the connector checks that the site answers every
    endpoint the flows need: ``GET sop_orders``, ``GET customers``, ``GET products`` and
    ``GET warehouse_holdings`` (``$top=1``). ``POST sop_orders`` shares its path with the GET
    and is not probed with a write against a live ledger; a 404 on the POST itself is a
    :class:`MissingEndpoint` too. One missing endpoint makes every call raise
    :class:`MissingEndpoint` (permanent, naming the endpoint), so orders are set aside with
    that reason and the stock import refuses: the integration does not half-run. A passed
    check is kept; a failed one is repeated on the next call, so a fixed site recovers.
Orders
    Sage has no idempotency key and ``customer_document_no`` (30 characters, not unique) is
    the reference field integrators dedupe on [vendor-apis 3.4]. It carries the order's
    external reference (``mage-<store>-<increment>``); one longer than 30 characters keeps
    its first 19 and adds ``~`` and 10 hex digits of its SHA-256, deterministically.
    ``find_order`` filters on it and keeps only exact matches (the oldest wins if an operator
    made copies); ``create_order`` posts one ``sop_orders`` document and reads it back (a POST
    Sage answered but did not keep is an unknown outcome, looked up before any retry).
    ``order_states`` reads document statuses for reconciliation (FM-G16) in small filters;
    ``amended_orders`` reports orders an operator changed in Sage (FM-SG05, see
    :mod:`.checks`). ``alerts`` lists what the connector noticed itself (tax variances).
Accounts (FM-SG03)
    ``mapping.accounts[email]`` (an account reference) when mapped: if Sage has no such
    account the order is held, never put on another account. Else the account whose contact
    has the email (several: held as ambiguous). Else ``mapping.default_customer`` (an account
    reference), else held. An account on hold is Sage's to refuse: its 400 is a
    :class:`~sync_core.errors.BusinessHold`.
Lines and warehouses
    Product by ``mapping.item_code(sku)``. Magento orders name no source, so each line goes
    to the product's holding in the warehouse mapped to Magento's ``default`` source, else to
    the product's first holding (its home warehouse). Prices go as the selling unit price;
    tax codes are Sage's defaults for the account and product unless ``erp.options.tax_codes``
    maps Magento's rates to Sage tax codes (FM-SG04, see :mod:`.checks`).
    The delivery address goes field by field; a value longer than Sage takes is a mapping
    error naming the field, never cut short.
Stock
    One row per warehouse holding: ``confirmed_qty_in_stock`` (physical stock Sage has
    confirmed), because Magento MSI source quantities are physical and Magento subtracts its
    own reservations; Sage's ``free_stock_available`` would subtract allocations of the same
    web orders a second time until Magento ships them. The price: stock Sage allocated to
    orders from other channels is not subtracted either. The version is the holding's
    ``date_time_updated`` as ISO 8601 UTC (a digest of the figures when Sage sends none). A
    row older than one already read for the same holding is counted in ``stale_rows`` and
    logged (FM-SG02); the stock flow refuses to apply it over the newer value.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sync_core.config import MappingConfig
from sync_core.connectors.base import ErpStockRow
from sync_core.connectors.magento import MagentoClient
from sync_core.connectors.sage200.checks import (
    Alerts,
    Charged,
    TaxCodes,
    kept_lines,
    line_changes,
    sent_lines,
    stamped_change,
    variance,
)
from sync_core.connectors.sage200.client import (
    SYSTEM,
    MissingEndpoint,
    Sage200Client,
    odata_string,
)
from sync_core.connectors.sage200.lookups import Account, Accounts, Product, Products
from sync_core.contract import number
from sync_core.errors import (
    BusinessHold,
    InvalidData,
    MappingError,
    RemoteNotFound,
    UnknownOutcome,
)
from sync_core.fulfilment_model import Shipment
from sync_core.model import Order, RemoteRef

log = logging.getLogger("sync_core.connectors.sage200")

REQUIRED_GETS = ("sop_orders", "customers", "products", "warehouse_holdings")
# Sage document status -> the engine's canonical order states (reconciliation flags
# "cancelled" and "closed" for orders Magento still considers live).
ORDER_STATES = {
    "EnumDocumentStatusLive": "open",
    "EnumDocumentStatusOnHold": "on_hold",
    "EnumDocumentStatusDispute": "on_hold",
    "EnumDocumentStatusComplete": "complete",
    "EnumDocumentStatusCancelled": "cancelled",
}
CANCELLED = "EnumDocumentStatusCancelled"
REFS_PER_QUERY = 20
REFERENCE_LENGTH = 30
LINE_STANDARD = "EnumLineTypeStandard"
HOME_SOURCE = "default"
STREET_LINES = 4
# Sage delivery address field -> (Magento field, Sage's maximum length) [sop_order swagger]
ADDRESS_FIELDS = {
    "postal_name": ("shipping_address.company", 60),
    "address_1": ("shipping_address.street[0]", 60),
    "address_2": ("shipping_address.street[1]", 60),
    "address_3": ("shipping_address.street[2]", 60),
    "address_4": ("shipping_address.street[3]", 60),
    "city": ("shipping_address.city", 60),
    "postcode": ("shipping_address.postcode", 10),
    "country": ("shipping_address.country_id", 60),
    "contact": ("shipping_address.name", 235),
    "telephone_number": ("shipping_address.telephone", 30),
    "email_address": ("customer_email", 255),
}
HOLDING_SELECT = (
    "id,product_id,warehouse_id,warehouse_name,confirmed_qty_in_stock,date_time_updated"
)


def document_ref(external_ref: str) -> str:
    """The order's reference as it fits ``customer_document_no`` (see the module docstring)."""
    if len(external_ref) <= REFERENCE_LENGTH:
        return external_ref
    digest = hashlib.sha256(external_ref.encode("utf-8")).hexdigest()[:10]
    return f"{external_ref[: REFERENCE_LENGTH - 11]}~{digest}"


def updated_at(row: dict[str, Any]) -> datetime | None:
    """A row's ``date_time_updated`` as an aware UTC datetime (Sage sends UTC; a value
    without a zone is read as UTC)."""
    raw = row.get("date_time_updated")
    if not isinstance(raw, str) or not raw:
        return None
    try:
        stamp = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        return None
    return (stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)).astimezone(UTC)


def stock_version(row: dict[str, Any]) -> str:
    """``date_time_updated`` as ISO 8601 UTC, or a digest of the figures without one."""
    stamp = updated_at(row)
    if stamp is not None:
        return stamp.isoformat()
    figures = f"{row.get('id')}|{row.get('confirmed_qty_in_stock')}"
    return "sha256:" + hashlib.sha256(figures.encode()).hexdigest()[:16]


class Sage200Connector:
    system = SYSTEM

    def __init__(
        self,
        client: Sage200Client,
        mapping: MappingConfig,
        tax_codes: TaxCodes | None = None,
        magento: MagentoClient | None = None,
    ) -> None:
        self.client = client
        self.mapping = mapping
        self.tax_codes = tax_codes or TaxCodes(None)
        self.magento = magento
        self.notices = Alerts()
        self._sent: dict[str, list[tuple[int, Decimal, Decimal]]] = {}
        self.products = Products(client)
        self.accounts = Accounts(client)
        self._covered = False
        self._newest: dict[tuple[str, str], datetime] = {}
        self.stale_rows = 0

    # -- coverage (FM-SG01) -----------------------------------------------------------------
    def coverage(self) -> dict[str, bool]:
        """Which of the endpoints the flows need the site answers (for a fit report)."""
        return {f"GET {resource}": self.client.exists(resource) for resource in REQUIRED_GETS}

    def check_coverage(self) -> None:
        """Refuse to run (:class:`MissingEndpoint`) unless every needed endpoint answers."""
        if self._covered:
            return
        for resource in REQUIRED_GETS:
            if not self.client.exists(resource):
                raise MissingEndpoint(self._missing(f"GET {resource}"), status=404)
        self._covered = True

    def _missing(self, endpoint: str) -> str:
        return (
            f"{SYSTEM} at {self.client.root} has no {endpoint} (404: not in this Sage 200 "
            f"product or release). The orders and stock flows need GET and POST sop_orders and "
            f"GET customers, products and warehouse_holdings, so the connector refuses to run "
            f"rather than half-run; check erp.credentials.api_base_path and the site's version"
        )

    # -- orders -----------------------------------------------------------------------------
    def find_order(self, external_ref: str) -> RemoteRef | None:
        self.check_coverage()
        ref = document_ref(external_ref)
        rows = self.client.collection(
            "sop_orders",
            {
                "$filter": f"customer_document_no eq {odata_string(ref)}",
                "$select": "id,document_no,customer_document_no",
            },
        )
        exact = [row for row in rows if row.get("customer_document_no") == ref]
        if not exact:
            return None
        if len(exact) > 1:
            log.warning("%s: %d sales orders carry %s; using the oldest", SYSTEM, len(exact), ref)
        first = min(exact, key=lambda row: int(row["id"]))
        return self._ref(first)

    def _ref(self, row: dict[str, Any]) -> RemoteRef:
        display = str(row.get("document_no") or row["id"])
        return RemoteRef(system=SYSTEM, remote_id=str(row["id"]), display=display)

    def create_order(self, order: Order) -> RemoteRef:
        self.check_coverage()
        account = self.account_for(order)
        raw = self._magento_order(order)
        body = self.payload(order, account)
        if raw is not None:
            for line, code in zip(body["lines"], self.tax_codes.for_lines(order, raw), strict=True):
                line["tax_code_id"] = code
        try:
            created = self.client.post("sop_orders", body)
        except RemoteNotFound as exc:
            raise MissingEndpoint(self._missing("POST sop_orders"), status=404) from exc
        except InvalidData as exc:
            if account.on_hold:
                raise BusinessHold(
                    f"order {order.increment_id}: Sage account {account.reference} is on hold "
                    f"({exc.message})",
                    status=exc.status,
                ) from exc
            raise
        if not isinstance(created, dict) or "id" not in created:
            raise UnknownOutcome(f"{SYSTEM} answered a sales order POST without an id")
        kept = self._read_back(order, created)
        self._sent[document_ref(order.external_ref)] = sent_lines(body)
        if raw is not None:
            found = variance(order, Charged.of(raw), kept)
            if found:
                self.notices.add("tax_variance", f"order {order.increment_id}", found)
        return self._ref(kept)

    def _magento_order(self, order: Order) -> dict[str, Any] | None:
        """The raw Magento order, for its tax rates and amounts, when tax codes are mapped."""
        if not self.tax_codes or self.magento is None:
            return None
        return self.magento.get_order(int(order.source_id))

    def _read_back(self, order: Order, created: dict[str, Any]) -> dict[str, Any]:
        """A write Sage acknowledged but did not keep must not count: read it back."""
        select = "id,document_no"
        if self.tax_codes:
            select += ",total_net_value,total_tax_value,total_gross_value"
        try:
            path = f"sop_orders/{int(created['id'])}"
            kept = self.client.get(path, {"$select": select})
        except RemoteNotFound as exc:
            raise UnknownOutcome(
                f"{SYSTEM} acknowledged order {order.external_ref} as {created['id']} "
                f"but does not have it"
            ) from exc
        return kept if isinstance(kept, dict) and "id" in kept else created

    # -- what the connector noticed (read by the engine after each stock run) ---------------
    def alerts(self) -> list[dict[str, str]]:
        """Tax variances found at creation (FM-SG04), as ``{kind, subject, detail}``."""
        return self.notices.current()

    def location_problems(self) -> list[str]:
        """No location checks beyond the stock flow's own; present because the engine reads
        :meth:`alerts` only from connectors that have this hook (see the report)."""
        return []

    def amended_orders(self, refs: list[str]) -> dict[str, str]:
        """Orders an operator changed in Sage since they were sent (FM-SG05), by reference:
        lines compared with what was sent, else the edit stamps (see :mod:`.checks`)."""
        self.check_coverage()
        by_document = {document_ref(ref): ref for ref in refs}
        documents = sorted(by_document)
        changed: dict[str, str] = {}
        for start in range(0, len(documents), REFS_PER_QUERY):
            chunk = documents[start : start + REFS_PER_QUERY]
            condition = " or ".join(f"customer_document_no eq {odata_string(d)}" for d in chunk)
            params = {"$filter": condition, "$expand": "lines"}
            for row in self.client.collection("sop_orders", params):
                document = str(row.get("customer_document_no"))
                ref = by_document.get(document)
                if ref is None or ref in changed or row.get("document_status") == CANCELLED:
                    continue
                found = self._amendment(document, row)
                if found:
                    changed[ref] = f"Sage order {row.get('document_no') or row['id']} {found}"
        return changed

    def _amendment(self, document: str, row: dict[str, Any]) -> str | None:
        sent = self._sent.get(document)
        if sent is None:
            return stamped_change(row, updated_at)
        changes = line_changes(sent, kept_lines(row))
        return ", ".join(changes) if changes else None

    def order_states(self, refs: list[str]) -> dict[str, str]:
        """Canonical states (open, on_hold, complete, cancelled) by external reference, read
        in small ``customer_document_no`` filters rather than a scan of every order."""
        by_document = {document_ref(ref): ref for ref in refs}
        states: dict[str, str] = {}
        documents = sorted(by_document)
        for start in range(0, len(documents), REFS_PER_QUERY):
            chunk = documents[start : start + REFS_PER_QUERY]
            condition = " or ".join(f"customer_document_no eq {odata_string(d)}" for d in chunk)
            params = {"$filter": condition, "$select": "id,customer_document_no,document_status"}
            for row in self.client.collection("sop_orders", params):
                ref = by_document.get(str(row.get("customer_document_no")))
                if ref is not None and ref not in states:
                    states[ref] = ORDER_STATES.get(str(row.get("document_status")), "open")
        return states

    def payload(self, order: Order, account: Account) -> dict[str, Any]:
        return {
            "customer_id": account.id,
            "customer_document_no": document_ref(order.external_ref),
            "document_date": order.created_at.astimezone(UTC).strftime("%Y-%m-%dT00:00:00Z"),
            "delivery_address": self.delivery_address(order),
            "lines": [
                self.line(order, i, line.sku, line.qty, line.price)
                for i, line in enumerate(order.lines)
            ],
        }

    # -- accounts (FM-SG03) -----------------------------------------------------------------
    def account_for(self, order: Order) -> Account:
        record = f"order {order.increment_id}"
        email = order.customer_email.strip()
        mapped = self.mapping.accounts.get(email) or self.mapping.accounts.get(email.lower())
        if mapped:
            found = self.accounts.by_reference(mapped)
            if found is None:
                raise MappingError(
                    record,
                    "customer_email",
                    f"{email!r} is mapped to Sage account {mapped!r}, which Sage does not have; "
                    f"held rather than put on another account",
                )
            return found
        return self._by_email_or_default(record, email)

    def _by_email_or_default(self, record: str, email: str) -> Account:
        matches = self.accounts.by_email(email)
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            refs = ", ".join(a.reference for a in matches)
            raise MappingError(
                record,
                "customer_email",
                f"{email!r} is a contact on {len(matches)} Sage accounts ({refs}); "
                f"map it in mapping.accounts",
            )
        default = self.mapping.default_customer
        if not default:
            raise MappingError(
                record,
                "customer_email",
                f"{email!r} is no contact of any Sage account and no default account is set "
                f"(mapping.default_customer)",
            )
        found = self.accounts.by_reference(default)
        if found is None:
            raise MappingError(
                record, "customer_email", f"default Sage account {default!r} does not exist"
            )
        return found

    # -- lines and address ------------------------------------------------------------------
    def line(
        self, order: Order, index: int, sku: str, qty: Decimal, price: Decimal
    ) -> dict[str, Any]:
        record, field = f"order {order.increment_id}", f"lines[{index}].sku"
        code = self.mapping.item_code(sku)
        product = self.products.by_code(code)
        if product is None:
            raise MappingError(record, field, f"{sku!r} has no Sage product {code!r}")
        if not product.allow_sales_order:
            raise MappingError(record, field, f"Sage product {code!r} is closed to sales orders")
        return {
            "line_type": LINE_STANDARD,
            "product_id": product.id,
            "warehouse_id": self._warehouse(record, field, product),
            "line_quantity": float(qty),
            "selling_unit_price": float(price),
        }

    def _warehouse(self, record: str, field: str, product: Product) -> int:
        home = (self.mapping.locations.get(HOME_SOURCE) or "").casefold()
        for holding in product.holdings:
            if home and holding.warehouse_name.casefold() == home:
                return holding.warehouse_id
        if not product.holdings:
            raise MappingError(record, field, f"Sage product {product.code!r} is in no warehouse")
        return product.holdings[0].warehouse_id

    def delivery_address(self, order: Order) -> dict[str, str]:
        address = order.shipping_address
        person = f"{address.firstname} {address.lastname}".strip()
        street = [s.strip() for s in address.street if s.strip()]
        if len(street) > STREET_LINES:
            street = [*street[: STREET_LINES - 1], ", ".join(street[STREET_LINES - 1 :])]
        values = {
            "postal_name": address.company or person,
            **{f"address_{n}": text for n, text in enumerate(street, start=1)},
            "city": address.city,
            "postcode": address.postcode,
            "country": address.country_id,
            "contact": person,
            "telephone_number": address.telephone or "",
            "email_address": order.customer_email,
        }
        for name, value in values.items():
            source, limit = ADDRESS_FIELDS[name]
            if len(value) > limit:
                raise MappingError(
                    f"order {order.increment_id}",
                    source,
                    f"has {len(value)} characters; Sage 200 takes at most {limit}",
                )
        return {name: value for name, value in values.items() if value}

    # -- fulfilment -------------------------------------------------------------------------
    def deliveries(self, since: str | None) -> Iterator[Shipment]:
        """Despatches as shipments (see :mod:`sync_core.connectors.sage200.fulfilment`)."""
        from sync_core.connectors.sage200 import fulfilment

        return fulfilment.deliveries(self, since)

    # -- stock ------------------------------------------------------------------------------
    def stock_levels(self) -> Iterator[ErpStockRow]:
        self.check_coverage()
        rows = list(self.client.collection("warehouse_holdings", {"$select": HOLDING_SELECT}))
        codes = self.products.codes(int(row["product_id"]) for row in rows)
        stale_before = self.stale_rows
        for row in rows:
            code = codes.get(int(row["product_id"]))
            if code is None:
                log.warning("%s: holding %s names unknown product", SYSTEM, row.get("id"))
                continue
            yield self._stock_row(code, row)
        if self.stale_rows > stale_before:
            log.warning(
                "%s: %d warehouse holdings are older than figures already read (stale export)",
                SYSTEM,
                self.stale_rows - stale_before,
            )

    def _stock_row(self, code: str, row: dict[str, Any]) -> ErpStockRow:
        location = str(row.get("warehouse_name") or row.get("warehouse_id"))
        stamp, key = updated_at(row), (code, location)
        newest = self._newest.get(key)
        if stamp is not None and newest is not None and stamp < newest:
            self.stale_rows += 1
        elif stamp is not None:
            self._newest[key] = stamp
        return ErpStockRow(
            item_code=code,
            location=location,
            qty=number(
                row,
                "confirmed_qty_in_stock",
                system=self.system,
                record=f"warehouse_holdings {row.get('id')}",
            ),
            version=stock_version(row),
        )
