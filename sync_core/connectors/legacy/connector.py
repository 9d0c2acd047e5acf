"""The legacy ERP as an order sink and a stock source for the flows.

The ERP has no idempotency of any kind (FM-L03): ``CreateOrder`` and the order-file import both
make a new order for every copy. So every create is preceded by a lookup of the order's
reference (``FindOrdersByReference(order_ref=external_ref)``, and in file mode the ledger of
files already sent), whatever the flow's own lookup policy.

Orders (setting ``transport``):

* ``soap``: ``CreateOrder``. A response with rejected lines is never taken as success (FM-L01):
  when some lines were accepted the ERP holds an incomplete order, and the job is dead-lettered
  with ``InvalidData`` naming the ERP order and every rejected line (complete the order in the
  ERP, then replay: the replay's lookup binds it). When every line was rejected nothing exists;
  if every reason is ``LOCKED`` the call is retried (``LockContention``), else dead-lettered.
* ``files``: one ``ORD_<YYYYMMDD>_<seq>.csv`` per order through the file gateway, data first,
  ``.done`` trigger last. The ERP imports on its own schedule, so the job waits
  (:class:`ImportPending`, a Throttled: no circuit trip) until the ack is there; the ack is
  reconciled with what was sent and then believed. Rejected rows: a transient reason
  (``LOCKED``, a taken sequence number) re-queues the order in a new file (up to
  ``max_resends``); ``HEADER_MISMATCH`` is SchemaDrift; any other reason, a partial import or
  an ack that does not reconcile dead-letters the job with the reasons.

The file's ``YYYYMMDD`` and ``created_at`` come from the order's own timestamps: connectors get
no clock from the engine (see the report); the ERP only checks that the date is real.

Customers: an order's account is ``mapping.accounts[email]``, else the ERP account with the
order's e-mail (``FindCustomersByReference``, SOAP lookups only; remembered once found, see
:mod:`sync_core.connectors.legacy.customers`), else ``mapping.default_customer``; anything
else is a MappingError.
Items: ``mapping.item_code(sku)`` must be an item the ERP lists in ``GetStock`` (it has no
item-master operation), checked before anything is sent. Lines go to the ``warehouse`` setting
or the warehouse mapped to Magento's ``default`` source.

Stock (setting ``stock_source``): ``GetStock`` rows, or the ``STOCK_*.csv`` exports
(:mod:`sync_core.connectors.legacy.stockfiles`, checked against their control files first).
The version is an ISO 8601 ``as_of``: that of the read or export in which the connector first
saw the row's current quantity (``as_of`` itself is when the ERP vouched for the figure, for
``GetStock`` simply the time of the read, so it would make every read look like a change and
hide frozen stock from the staleness monitor). An older export keeps its own older ``as_of``,
so the flow never lets it overwrite a newer figure.

The OrderService has no paging (``FindOrdersByReference`` and ``GetStock`` answer in full) and
no business-hold faults; ``UNKNOWN_CUSTOMER`` is a MappingError.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from contracts.legacy.layouts import ACK_SUFFIX, REJECT_SUFFIX, order_file_name, stem
from sync_core.config import MappingConfig
from sync_core.connectors.base import ErpStockRow
from sync_core.connectors.legacy import customers
from sync_core.connectors.legacy.client import (
    SoapClient,
    SoapFault,
    children,
    text,
)
from sync_core.connectors.legacy.gateway import FileGateway
from sync_core.connectors.legacy.ledger import Ledger, OrderFileRow
from sync_core.connectors.legacy.orderfile import (
    DRIFT_CODES,
    TRANSIENT_CODES,
    Ack,
    FileLine,
    parse_ack,
    parse_rejects,
    reconcile,
    render,
)
from sync_core.connectors.legacy.settings import LegacySettings
from sync_core.connectors.legacy.stockfiles import StockExports
from sync_core.errors import (
    InvalidData,
    LockContention,
    MappingError,
    RemoteNotFound,
    SchemaDrift,
    Throttled,
    UnknownOutcome,
)
from sync_core.fulfilment_model import Shipment
from sync_core.model import Order, RemoteRef

log = logging.getLogger("sync_core.connectors.legacy")
PRICE_PLACES = Decimal("0.0001")
FIRST_SEQ_KEY = "order_seq_floor"


class ImportPending(Throttled):
    """An order file is with the ERP and its import has not run yet: look again later.

    A Throttled without ``retry_after``: the job backs off on its own, and nothing else is
    held up (a Retry-After would pause every call to the ERP, a plain retryable error would
    count towards opening its circuit)."""

    reason = "import_pending"

    def __init__(self, message: str) -> None:
        super().__init__(message, retry_after=None)


def _earlier(version: str, than: str) -> bool:
    try:
        return datetime.fromisoformat(version) < datetime.fromisoformat(than)
    except (TypeError, ValueError):
        return False


def _named(external_ref: str) -> str:
    """``order <increment id> (<reference>)``: how a quarantine reason names the order."""
    return f"order {external_ref.rsplit('-', 1)[-1]} ({external_ref})"


def _ref(erp_order_no: str) -> RemoteRef:
    return RemoteRef(system="legacy", remote_id=erp_order_no, display=erp_order_no)


class LegacyConnector:
    system = "legacy"

    def __init__(
        self,
        soap: SoapClient,
        gateway: FileGateway,
        mapping: MappingConfig,
        settings: LegacySettings,
        ledger: Ledger | None = None,
    ) -> None:
        self.soap = soap
        self.gateway = gateway
        self.mapping = mapping
        self.settings = settings
        self.ledger = ledger
        self._items: set[str] | None = None
        self._not_found: str | None = None  # the reference just looked up and not found
        self._seen: dict[tuple[str, str], tuple[Decimal, str]] = {}  # stock: qty, version
        self._warehouses: set[str] | None = None  # as the last stock read showed them
        self._accounts: dict[str, str] = {}  # e-mail (casefolded) -> account found by it

    # -- lookups ----------------------------------------------------------------------------
    def item_codes(self, refresh: bool = False) -> set[str]:
        """Item codes the ERP knows (it has no item master call; GetStock lists them all)."""
        if self._items is None or refresh:
            self._items = {row.item_code for row in self._soap_stock()}
        return self._items

    def _item(self, order: Order, index: int, sku: str) -> str:
        code = self.mapping.item_code(sku)
        if self.settings.lookup == "ledger":
            return code  # no catalogue to ask: the ERP's row checks decide
        if code not in self.item_codes() and code not in self.item_codes(refresh=True):
            raise MappingError(
                f"order {order.increment_id}",
                f"lines[{index}].sku",
                f"{sku!r} has no legacy item {code!r}",
            )
        return code

    def customer_ref(self, order: Order) -> str:
        email = order.customer_email
        account = (
            self.mapping.accounts.get(email)
            or self.mapping.accounts.get(email.lower())
            or self._account_by_email(email)
            or self.mapping.default_customer
        )
        if not account:
            raise MappingError(
                f"order {order.increment_id}",
                "customer_email",
                f"{email!r} has no legacy account (none in mapping.accounts, none with this "
                "e-mail in the ERP): map it or set mapping.default_customer",
            )
        return account

    def _account_by_email(self, email: str) -> str | None:
        """The ERP account with this e-mail (``FindCustomersByReference``), remembered once
        found; never asked with ``lookup: ledger`` (no SOAP service)."""
        key = email.casefold()
        if self.settings.lookup != "soap" or not key:
            return None
        if key not in self._accounts:
            found = customers.best(customers.find(self.soap, email=email), email)
            if found is None:
                return None
            self._accounts[key] = found.customer_ref
        return self._accounts[key]

    def warehouse(self, order: Order) -> str:
        found = self.settings.warehouse or self.mapping.locations.get("default")
        if not found:
            raise MappingError(
                f"order {order.increment_id}",
                "warehouse",
                "has no legacy warehouse: set erp.credentials.warehouse or map the "
                "'default' source in mapping.locations",
            )
        return found

    def file_lines(self, order: Order) -> list[FileLine]:
        """The order in the ERP's terms; MappingError before anything is sent."""
        customer = self.customer_ref(order)
        warehouse = self.warehouse(order)
        lines = []
        for index, line in enumerate(order.lines):
            if line.qty != line.qty.to_integral_value():
                raise MappingError(
                    f"order {order.increment_id}",
                    f"lines[{index}].qty",
                    f"must be whole units for the legacy ERP, got {line.qty}",
                )
            lines.append(
                FileLine(
                    order.external_ref,
                    customer,
                    order.created_at.date().isoformat(),
                    line.line_no,
                    self._item(order, index, line.sku),
                    int(line.qty),
                    line.price.quantize(PRICE_PLACES, ROUND_HALF_UP),
                    warehouse,
                )
            )
        return lines

    # -- orders: lookup ---------------------------------------------------------------------
    def find_order(self, external_ref: str) -> RemoteRef | None:
        try:
            if self.settings.transport == "files":
                found = self._find_in_files(external_ref)
            else:
                found = self._find_by_soap(external_ref)
        except SchemaDrift as exc:
            raise SchemaDrift(f"{_named(external_ref)}: {exc.message}") from exc
        self._not_found = external_ref if found is None else None
        return found

    def _find_by_soap(self, external_ref: str) -> RemoteRef | None:
        response = self.soap.call("FindOrdersByReference", [("order_ref", external_ref)])
        numbers = sorted(text(o, "erp_order_no") for o in children(response, "orders/order"))
        if not numbers:
            return None
        if len(numbers) > 1:
            log.warning(
                "legacy holds %d orders for %s: %s", len(numbers), external_ref, ", ".join(numbers)
            )
        return _ref(numbers[0])

    def _find_in_files(self, external_ref: str) -> RemoteRef | None:
        ledger = self._ledger()
        self.collect_acks()
        row = ledger.latest_for(external_ref)
        if row is None:
            return self._find_by_soap(external_ref) if self.settings.lookup == "soap" else None
        return self._file_outcome(row)

    def _file_outcome(self, row: OrderFileRow) -> RemoteRef | None:
        """What the ledger says about the order's latest file; None: send it (again)."""
        if row.status in ("reserved", "putting"):
            self._finish_drop(row)
        elif row.status == "sent" and not self._already_with_erp(row.name):
            self._redrop(row)
        if row.status in ("reserved", "putting", "sent"):
            raise ImportPending(f"{row.order_ref}: {row.name} is waiting for the ERP's import")
        if row.status == "imported" and row.erp_order_no:
            return _ref(row.erp_order_no)
        if row.status == "partial":
            return self._completed_by_hand(row)
        if row.codes & DRIFT_CODES:
            raise SchemaDrift(f"{_named(row.order_ref)}: {row.detail}")
        resendable = row.status == "rejected" and row.codes and row.codes <= TRANSIENT_CODES
        if resendable and self._ledger().resends(row.order_ref) <= self.settings.max_resends:
            return None
        raise InvalidData(f"{_named(row.order_ref)}: {row.detail}")

    def _completed_by_hand(self, row: OrderFileRow) -> RemoteRef:
        """A partly imported order binds once the ERP holds every line (completed by hand)."""
        if self.settings.lookup == "soap":
            response = self.soap.call("FindOrdersByReference", [("order_ref", row.order_ref)])
            for order in children(response, "orders/order"):
                if len(children(order, "lines/line")) >= row.rows:
                    return _ref(text(order, "erp_order_no"))
        raise InvalidData(f"{_named(row.order_ref)}: {row.detail}")

    # -- orders: create ---------------------------------------------------------------------
    def create_order(self, order: Order) -> RemoteRef:
        if self._not_found != order.external_ref:
            self._not_found = None
        try:
            if self.settings.transport == "files":
                return self._create_by_file(order)
            return self._create_by_soap(order)
        except SchemaDrift as exc:
            if exc.message.startswith(_named(order.external_ref)):
                raise
            raise SchemaDrift(f"{_named(order.external_ref)}: {exc.message}") from exc

    def _looked_up(self, external_ref: str) -> RemoteRef | None:
        """Look the reference up, unless the call just before this one was ``find_order`` for
        it and found nothing (the flow's own lookup): every create has a lookup (FM-L03)."""
        just_looked = self._not_found == external_ref
        self._not_found = None
        return None if just_looked else self._find_by_soap(external_ref)

    def _create_by_soap(self, order: Order) -> RemoteRef:
        lines = self.file_lines(order)
        existing = self._looked_up(order.external_ref)
        if existing is not None:
            return existing
        fields: list[Any] = [
            ("order_ref", order.external_ref),
            ("customer_ref", lines[0].customer_ref),
            ("order_date", lines[0].order_date),
            (
                "lines",
                [
                    (
                        "line",
                        [
                            ("sku", ln.sku),
                            ("quantity", str(ln.quantity)),
                            ("unit_price", format(ln.unit_price, "f")),
                            ("warehouse", ln.warehouse),
                        ],
                    )
                    for ln in lines
                ],
            ),
        ]
        try:
            response = self.soap.call("CreateOrder", fields)
        except SoapFault as fault:
            raise self._order_fault(order, fault) from fault
        return self._created(order, lines, response)

    def _order_fault(self, order: Order, fault: SoapFault) -> Exception:
        if fault.code == "UNKNOWN_CUSTOMER":
            return MappingError(f"order {order.increment_id}", "customer_ref", fault.message)
        return InvalidData(f"order {order.increment_id}: {fault.message}", status=fault.status)

    def _created(self, order: Order, lines: list[FileLine], response: Any) -> RemoteRef:
        status = text(response, "status")
        number = text(response, "erp_order_no", required=False)
        accepted = children(response, "accepted_lines/line")
        rejected = [
            (text(r, "line_no"), text(r, "sku"), text(r, "code"), text(r, "reason"))
            for r in children(response, "rejected_lines/line")
        ]
        if len(accepted) + len(rejected) != len(lines):
            raise InvalidData(
                f"order {order.increment_id}: legacy CreateOrder answered {len(accepted)} "
                f"accepted + {len(rejected)} rejected lines for {len(lines)} sent "
                f"(ERP order {number or 'none'}): check it by hand"
            )
        if status == "accepted" and number and not rejected:
            self._read_back(order, number)
            return _ref(number)
        if not rejected:
            raise UnknownOutcome(
                f"order {order.increment_id}: legacy answered status {status!r} with no ERP "
                "order number and no rejected line: look it up before anything else"
            )
        described = "; ".join(f"line {n} {sku} ({code}: {why})" for n, sku, code, why in rejected)
        if number:
            raise InvalidData(
                f"order {order.increment_id}: legacy made {number} but rejected "
                f"{described}; complete {number} in the ERP, then replay"
            )
        if rejected and all(code in TRANSIENT_CODES for _, _, code, _ in rejected):
            raise LockContention(f"order {order.increment_id}: every line refused: {described}")
        raise InvalidData(f"order {order.increment_id}: legacy refused every line: {described}")

    def _read_back(self, order: Order, number: str) -> None:
        """An acknowledged order must be there under our reference (FM-G06: an ERP that
        answers success but keeps nothing)."""
        try:
            found = self.soap.call("GetOrder", [("erp_order_no", number)])
        except RemoteNotFound:
            found = None
        kept = found is not None and text(found, "order/order_ref") == order.external_ref
        if not kept:
            raise UnknownOutcome(
                f"order {order.increment_id}: legacy acknowledged it as {number} but does not "
                "have it"
            )

    def _create_by_file(self, order: Order) -> RemoteRef:
        ledger = self._ledger()
        self.collect_acks()
        row = ledger.latest_for(order.external_ref)
        if row is not None:
            found = self._file_outcome(row)  # waits, binds or refuses; None: send again
            if found is not None:
                return found
        lines = self.file_lines(order)
        if row is None and self.settings.lookup == "soap":
            existing = self._looked_up(order.external_ref)
            if existing is not None:
                return existing
        created_at = order.created_at.strftime("%Y-%m-%dT%H:%M:%SZ")
        day = order.created_at.strftime("%Y%m%d")
        reserved = ledger.reserve(
            order.external_ref,
            len(lines),
            self._seq_floor(),
            lambda seq: order_file_name(day, seq),
            lambda seq: render(seq, created_at, self.settings.sender, lines),
        )
        self._finish_drop(reserved)
        raise ImportPending(
            f"order {order.increment_id}: {reserved.name} dropped; waiting for the ERP's import"
        )

    def _finish_drop(self, row: OrderFileRow) -> None:
        """Put the data file, then its trigger; safe to repeat after a crash or lost answer."""
        ledger = self._ledger()
        if row.status == "reserved":
            if ledger.earlier_attempt(row.name, row.id):
                base = stem(row.name)  # the earlier attempt's answer is recorded: clear it
                for leftover in (base + ACK_SUFFIX, base + REJECT_SUFFIX):
                    self.gateway.delete("ack", leftover)
            ledger.advance(row.id, "putting")
        elif self._already_with_erp(row.name):
            ledger.advance(row.id, "sent")
            return
        self.gateway.put(row.name, row.data)
        self.gateway.put(row.name + ".done", b"")
        ledger.advance(row.id, "sent")

    def _redrop(self, row: OrderFileRow) -> None:
        """The file went out but is gone with no ack (dropped, or removed by someone): the ERP
        never imported it, so the same file goes out again."""
        self._ledger().alert(
            "order_file_vanished",
            row.name,
            "sent but neither in inbound/ nor acknowledged; sent again",
        )
        self.gateway.put(row.name, row.data)
        self.gateway.put(row.name + ".done", b"")

    def _already_with_erp(self, name: str) -> bool:
        """Whether the trigger went out: it is still in ``inbound/`` or the ack is back."""
        if name + ".done" in self.gateway.names("inbound"):
            return True
        return stem(name) + ACK_SUFFIX in self.gateway.names("ack")

    def _seq_floor(self) -> int:
        """Numbers at or below this are taken: from the ledger, else from the ERP's folders."""
        ledger = self._ledger()
        stored = ledger.meta(FIRST_SEQ_KEY)
        if stored is not None:
            return int(stored)
        seen = [0]
        for area in ("inbound/processed", "ack"):
            for name in self.gateway.names(area):
                seq = name.split(".", 1)[0].rsplit("_", 1)[-1]
                if name.startswith("ORD_") and seq.isdigit():
                    seen.append(int(seq))
        ledger.set_meta(FIRST_SEQ_KEY, str(max(seen)))
        return max(seen)

    # -- acks -------------------------------------------------------------------------------
    def collect_acks(self) -> None:
        """Record every ack of a file of ours that is still open, then pick it up."""
        ledger = self._ledger()
        for ack_name in self.gateway.names("ack"):
            if not ack_name.endswith(ACK_SUFFIX) or not ack_name.startswith("ORD_"):
                continue
            name = stem(ack_name) + ".csv"
            row = ledger.open_file(name)
            if row is None:
                if ledger.knows_file(name):
                    self._pick_up_ack(ack_name, None)
                continue  # not ours: another sender's
            ack = self._read_ack(row, ack_name)
            if ack is not None:
                self._record_ack(row, ack)
                self._pick_up_ack(ack_name, ack.reject_file or None)

    def _read_ack(self, row: OrderFileRow, ack_name: str) -> Ack | None:
        content = self.gateway.text("ack", ack_name)
        if content is None:
            return None
        try:
            ack = parse_ack(content)
            if ack.reject_file:
                rejects = self.gateway.text("ack", ack.reject_file)
                if rejects is None:
                    return None  # the ERP writes it before the ack; look again later
                ack.rejects = parse_rejects(rejects)
        except ValueError as exc:
            self._ledger().settle(
                row.id,
                "rejected",
                codes={"UNREADABLE_ACK"},
                detail=f"{row.name}: the ERP's answer is unreadable: {exc}",
            )
            self._ledger().alert("ack_unreadable", row.name, str(exc))
            return None
        return ack

    def _record_ack(self, row: OrderFileRow, ack: Ack) -> None:
        ledger = self._ledger()
        problems = reconcile(ack, row.rows)
        if problems:
            detail = f"{row.name}: the ack does not reconcile: {'; '.join(problems)}"
            ledger.alert("ack_totals", row.name, detail)
            ledger.settle(row.id, "rejected", codes={"CONTROL_TOTALS"}, detail=detail)
            return
        number = ack.erp_orders[0] if ack.erp_orders else None
        if ack.status == "accepted":
            ledger.settle(row.id, "imported", erp_order_no=number)
            return
        reasons = ack.describe_rejects()
        if ack.status == "partial":
            detail = (
                f"{row.name} imported partly as {number}; rejected {reasons}; complete "
                f"{number} in the ERP, then replay"
            )
            ledger.alert("partial_import", row.name, detail)
            ledger.settle(row.id, "partial", erp_order_no=number, codes=ack.codes, detail=detail)
            return
        detail = f"{row.name} rejected: {reasons}"
        if "DUPLICATE_FILE" in ack.codes:
            ledger.alert("sequence_taken", row.name, detail)
        ledger.settle(row.id, "rejected", codes=ack.codes, detail=detail)

    def _pick_up_ack(self, ack_name: str, reject_file: str | None) -> None:
        self.gateway.delete("ack", ack_name)
        if reject_file:
            self.gateway.delete("ack", reject_file)

    def _ledger(self) -> Ledger:
        if self.ledger is None:
            raise InvalidData("the legacy file transport needs a ledger (state_dir)")
        return self.ledger

    # -- stock ------------------------------------------------------------------------------
    def _soap_stock(self) -> list[ErpStockRow]:
        response = self.soap.call("GetStock")
        return [
            ErpStockRow(
                item_code=text(item, "sku"),
                location=text(item, "warehouse"),
                qty=Decimal(text(item, "quantity")),
                version=text(item, "as_of"),
            )
            for item in children(response, "items/item")
        ]

    def stock_levels(self) -> Iterator[ErpStockRow]:
        if self.settings.stock_source == "files":
            rows = StockExports(self.gateway, self._ledger()).rows()
        else:
            rows = self._soap_stock()
            self._items = {row.item_code for row in rows}
        self._warehouses = {row.location for row in rows} or self._warehouses
        yield from self._versioned(rows)

    def location_problems(self) -> list[str]:
        """The location mapping against the warehouses the last stock read showed."""
        known = self._warehouses
        if not known:
            return []
        problems = [
            f"Magento source {source} maps to legacy warehouse {code}, which the ERP does not have"
            for source, code in sorted(self.mapping.locations.items())
            if code not in known
        ]
        mapped = set(self.mapping.locations.values())
        problems += [
            f"legacy warehouse {code} has no Magento source: its stock is not synced"
            for code in sorted(known - mapped)
        ]
        if self.settings.warehouse and self.settings.warehouse not in known:
            problems.append(
                f"order lines go to legacy warehouse {self.settings.warehouse}, "
                "which the ERP does not have"
            )
        return problems

    def _versioned(self, rows: list[ErpStockRow]) -> list[ErpStockRow]:
        """Versions that move only when the quantity does.

        ``as_of`` is when the ERP last vouched for a figure (for ``GetStock``, the moment of
        the read), not when it changed; as a version it would make every read look new. So a
        row keeps the ``as_of`` of the read in which the connector first saw its quantity; a
        row older than that (a stale export) keeps its own, older ``as_of`` and the flow
        skips it."""
        versioned = []
        for row in rows:
            key = (row.item_code, row.location)
            seen = self._seen.get(key)
            if seen is not None and seen[0] == row.qty:
                row = replace(row, version=seen[1])
            elif seen is None or not _earlier(row.version, seen[1]):
                self._seen[key] = (row.qty, row.version)
            versioned.append(row)
        return versioned

    def order_states(self, refs: list[str]) -> dict[str, str]:
        """``cancelled`` or ``open`` by reference, for the status reconciliation (FM-G16)."""
        if self.settings.lookup != "soap":
            return {}
        states = {}
        for ref in refs:
            response = self.soap.call("FindOrdersByReference", [("order_ref", ref)])
            statuses = [text(o, "status") for o in children(response, "orders/order")]
            if statuses:
                live = any(status != "cancelled" for status in statuses)
                states[ref] = "open" if live else "cancelled"
        return states

    def deliveries(self, since: str | None) -> Iterator[Shipment]:
        """Shipments for the fulfilment flow (see :mod:`sync_core.connectors.legacy.fulfilment`)."""
        from sync_core.connectors.legacy import fulfilment

        return fulfilment.deliveries(self, since)

    def alerts(self) -> list[dict[str, str]]:
        """What the file transport raised for a person to look at (empty without a ledger)."""
        return self.ledger.alerts() if self.ledger is not None else []
