"""The legacy ERP backend: master data, orders, stock, shipments and its scheduled jobs.

No HTTP here. The ERP takes orders two ways, both without idempotency (FM-L03: the same
``order_ref`` twice makes two orders): order files dropped into ``inbound/`` and picked up by
the scheduled import (:mod:`fakes.legacy.importer`), and the SOAP ``CreateOrder``. It writes
stock and shipment exports to ``outbound/`` (:mod:`fakes.legacy.exporter`).

Schedule: the import job runs every ``import_interval_s`` simulated seconds (option, default
300; 0 = only on the ``run_import`` event), the export job every ``export_interval_s``
(default 0 = only on events). Jobs are run lazily by :meth:`LegacyBackend.tick`, which every
request, event and snapshot calls first: when the clock has passed the next slot, the job runs
once, stamped with the latest slot time (missed slots collapse into one run).

Options (``ctx.options``): ``root_dir`` (default: a new ``legacy-erp-*`` temp dir, never
deleted automatically; the layout folders in it are emptied on seed/reset),
``import_interval_s``, ``export_interval_s``, ``first_seq`` (1), ``require_auth`` (True),
``host_system_name`` ("LEGACY-ERP"), ``faults`` ({name: params}, see :mod:`fakes.legacy.faults`).
"""

from __future__ import annotations

import copy
import math
import re
import string
import tempfile
import threading
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from contracts.legacy.layouts import to_decimal
from fakes.core.backend import VendorBackend, event
from fakes.core.rng import SeededRandom
from fakes.legacy import customers, exporter, importer, picking
from fakes.legacy.credit_notes import CreditBook
from fakes.legacy.customers import AccountBook
from fakes.legacy.faults import normalise
from fakes.legacy.folders import DropFolders
from fakes.legacy.model import (
    CreateResult,
    Customer,
    ExportRecord,
    ImportRecord,
    Item,
    LineIn,
    LineReject,
    Order,
    OrderLine,
    Shipment,
    ShipmentLine,
    StockLevel,
    iso,
)
from fakes.legacy.price_events import PriceEvents
from fakes.legacy.seed import build_seed

TREE_KEY = "__drop_folders__"
WHOLE_NUMBER = re.compile(r"\+?[0-9]+")
PLAIN_DECIMAL = re.compile(r"\+?[0-9]*\.?[0-9]+")
PRICE_PLACES = 4


def _credentials(rng: SeededRandom) -> tuple[str, str]:
    stream = rng.stream("credentials")
    alphabet = string.ascii_letters + string.digits
    return "WSCONNECT", "".join(stream.choice(alphabet) for _ in range(20))


class LegacyBackend(PriceEvents, VendorBackend):
    """All state of one legacy ERP: entities on ``self``, files under ``self.folders``."""

    # -- seed ---------------------------------------------------------------------------------
    def load_seed(self) -> None:
        options = self.ctx.options
        options.setdefault("root_dir", tempfile.mkdtemp(prefix="legacy-erp-"))
        self.folders = DropFolders(options["root_dir"])
        self.folders.clear()
        self._load_master_data()
        self._load_ledgers()
        self.load_prices()  # the price book (fakes.legacy.price_events)
        configured = dict(options.get("faults") or {})
        self.active_faults = {name: normalise(name, p) for name, p in configured.items()}
        self.armed: dict[int, dict[str, dict[str, Any]]] = {}
        self.username, self.password = _credentials(self.ctx.rng)
        self.require_auth = bool(options.get("require_auth", True))
        self.host_system_name = str(options.get("host_system_name", "LEGACY-ERP"))
        self._load_schedule()

    def _load_master_data(self) -> None:
        seed = build_seed(self.ctx.dataset, self.ctx.profile)
        self.items: dict[str, Item] = seed.items
        self.warehouses: list[str] = seed.warehouses
        self.customers: dict[str, Customer] = seed.customers
        self.seeded_at = self.ctx.dataset.created_at
        self.seed_stock: dict[tuple[str, str], int] = dict(seed.stock)
        self.stock = {key: StockLevel(qty, self.seeded_at) for key, qty in seed.stock.items()}
        self.stock_history: list[tuple[datetime, str, str, int]] = []
        self.account_book = AccountBook(self.customers, self.seeded_at)  # fakes.legacy.customers
        self.credit_book = CreditBook()  # fakes.legacy.credit_notes

    def _load_ledgers(self) -> None:
        self.orders: dict[str, Order] = {}
        # order numbers by order reference and by customer, in creation order (neither changes)
        self.numbers_by_ref: dict[str, list[str]] = {}
        self.numbers_by_customer: dict[str, list[str]] = {}
        self.shipments: list[Shipment] = []
        self.imports: list[ImportRecord] = []
        self.used_seqs: set[int] = set()
        self.first_seq = int(self.ctx.options.get("first_seq", 1))
        self.sequence_gaps: list[dict[str, Any]] = []
        self.exports: list[ExportRecord] = []
        self.export_blobs: dict[str, tuple[bytes, bytes]] = {}
        self.export_seq: dict[str, int] = {"stock": 0, "shipments": 0}
        self.shipments_exported = 0
        self.order_counter = 0
        self.shipment_counter = 0

    def _load_schedule(self) -> None:
        now = self.clock.now()
        self.import_interval_s = float(self.ctx.options.get("import_interval_s", 300))
        self.export_interval_s = float(self.ctx.options.get("export_interval_s", 0))
        self.next_import_at = now + timedelta(seconds=self.import_interval_s)
        self.next_export_at = now + timedelta(seconds=self.export_interval_s)

    # -- checkpoints include the drop folders --------------------------------------------------
    def checkpoint(self) -> dict[str, Any]:
        with self.lock:
            data = super().checkpoint()
            data[TREE_KEY] = self.folders.tree()
            return data

    def restore(self, checkpoint: dict[str, Any]) -> None:
        with self.lock:
            data = dict(checkpoint)
            tree = data.pop(TREE_KEY, None)
            super().restore(data)
            if tree is not None:
                self.folders.restore_tree(tree)

    # -- schedule -----------------------------------------------------------------------------
    @staticmethod
    def _due_slot(next_at: datetime, interval_s: float, now: datetime) -> datetime | None:
        if interval_s <= 0 or now < next_at:
            return None
        missed = math.floor((now - next_at).total_seconds() / interval_s)
        return next_at + timedelta(seconds=missed * interval_s)

    def tick(self) -> None:
        """Run the scheduled jobs whose time has come (see the module docstring)."""
        now = self.clock.now()
        slot = self._due_slot(self.next_import_at, self.import_interval_s, now)
        if slot is not None:
            self.next_import_at = slot + timedelta(seconds=self.import_interval_s)
            importer.run_import(self, "schedule", slot)
        slot = self._due_slot(self.next_export_at, self.export_interval_s, now)
        if slot is not None:
            self.next_export_at = slot + timedelta(seconds=self.export_interval_s)
            exporter.export_stock(self, slot)
            exporter.export_shipments(self, slot)
        self.tick_prices()

    def handle_event(self, name: str, payload: dict[str, Any]) -> Any:
        with self.lock:
            self.tick()
            return super().handle_event(name, payload)

    # -- faults -------------------------------------------------------------------------------
    def arm(self, name: str, params: dict[str, Any]) -> None:
        """Switch a fault on for the current request only (fault engine, vendor effect)."""
        self.armed.setdefault(threading.get_ident(), {})[name] = params

    def take_armed(self) -> dict[str, dict[str, Any]]:
        return self.armed.pop(threading.get_ident(), {})

    def use_fault(
        self, name: str, kind: str | None = None, armed: dict[str, dict[str, Any]] | None = None
    ) -> dict[str, Any] | None:
        """The parameters of fault ``name`` if it applies now (counting down ``remaining``)."""
        if armed and name in armed:
            return armed[name]
        params = self.active_faults.get(name)
        if params is None or (kind and params.get("kind") not in (None, kind)):
            return None
        remaining = params.get("remaining")
        if remaining is not None:
            if remaining <= 1:
                del self.active_faults[name]
            else:
                params["remaining"] = remaining - 1
        return params

    def peek_fault(self, name: str, armed: dict[str, dict[str, Any]] | None = None) -> (
        dict[str, Any] | None
    ):
        """Like :meth:`use_fault` without counting down (for read-only paths)."""
        if armed and name in armed:
            return armed[name]
        return self.active_faults.get(name)

    # -- master data checks -------------------------------------------------------------------
    def line_problem(self, line: LineIn) -> tuple[str, str] | None:
        """Why the ERP refuses this line, as (code, message); None when it is fine."""
        if line.sku not in self.items:
            return "UNKNOWN_SKU", f"item {line.sku!r} does not exist"
        if line.warehouse not in self.warehouses:
            return "UNKNOWN_WAREHOUSE", f"warehouse {line.warehouse!r} does not exist"
        if not WHOLE_NUMBER.fullmatch(line.quantity) or int(line.quantity) <= 0:
            return "BAD_QUANTITY", f"quantity {line.quantity!r} is not a whole number above 0"
        price = to_decimal(line.unit_price) if PLAIN_DECIMAL.fullmatch(line.unit_price) else None
        exponent = price.as_tuple().exponent if price is not None else 0
        if price is None or (isinstance(exponent, int) and exponent < -PRICE_PLACES):
            return "BAD_PRICE", (f"unit_price {line.unit_price!r} is not a price >= 0 with at "
                                 f"most {PRICE_PLACES} decimals")
        return line.forced

    # -- orders -------------------------------------------------------------------------------
    def create_order(
        self,
        order_ref: str,
        customer_ref: str,
        order_date: date,
        lines: list[LineIn],
        *,
        source: str,
        source_file: str | None = None,
        at: datetime | None = None,
    ) -> CreateResult:
        """Create an order from the lines the ERP accepts; no duplicate check (FM-L03)."""
        if customer_ref not in self.customers:
            raise ValueError(f"customer {customer_ref!r} does not exist")
        accepted: list[OrderLine] = []
        rejected: list[LineReject] = []
        for line in lines:
            problem = self.line_problem(line)
            if problem is not None:
                rejected.append(LineReject(line.line_no, line.sku, *problem))
                continue
            accepted.append(OrderLine(line.line_no, line.sku, int(line.quantity),
                                      Decimal(line.unit_price.strip()), line.warehouse))
        if not accepted:
            return CreateResult(None, [], rejected)
        self.order_counter += 1
        order = Order(f"SO{self.order_counter:06d}", order_ref, customer_ref, order_date,
                      source, source_file, at or self.clock.now(), accepted)
        self.orders[order.erp_order_no] = order
        self.numbers_by_ref.setdefault(order_ref, []).append(order.erp_order_no)
        self.numbers_by_customer.setdefault(customer_ref, []).append(order.erp_order_no)
        return CreateResult(order, accepted, rejected)

    def get_order(self, erp_order_no: str) -> Order | None:
        return self.orders.get(erp_order_no)

    def find_orders(self, order_ref: str) -> list[Order]:
        return [self.orders[number] for number in self.numbers_by_ref.get(order_ref, [])]

    def customer_orders(self, customer_ref: str) -> list[Order]:
        return [self.orders[number] for number in self.numbers_by_customer.get(customer_ref, [])]

    # -- stock --------------------------------------------------------------------------------
    def _change_stock(self, sku: str, warehouse: str, quantity: int) -> StockLevel:
        now = self.clock.now()
        level = StockLevel(quantity, now)
        self.stock[(sku, warehouse)] = level
        self.stock_history.append((now, sku, warehouse, quantity))
        return level

    def stock_rows(self, sku: str | None = None, warehouse: str | None = None) -> (
        list[tuple[str, str, StockLevel]]
    ):
        return [
            (item, wh, level)
            for (item, wh), level in sorted(self.stock.items())
            if (sku is None or item == sku) and (warehouse is None or wh == warehouse)
        ]

    def stock_at(self, moment: datetime) -> dict[tuple[str, str], int]:
        """Quantities as they were at ``moment`` (for stale exports)."""
        quantities = dict(self.seed_stock)
        for at, sku, warehouse, quantity in self.stock_history:
            if at <= moment:
                quantities[(sku, warehouse)] = quantity
        return quantities

    # -- shipments ----------------------------------------------------------------------------
    def shipments_since(self, since: datetime) -> list[Shipment]:
        """Shipments with ``shipped_at >= since`` (inclusive: callers de-duplicate)."""
        return [s for s in self.shipments if s.shipped_at >= since]

    def _ship_plan(self, order: Order, lines: Any) -> list[tuple[OrderLine, int]]:
        if order.status == "cancelled":
            raise ValueError(f"order {order.erp_order_no} is cancelled")
        if not isinstance(lines, list) or not lines:
            raise ValueError("lines must be a non-empty list of {line_no, quantity}")
        plan: list[tuple[OrderLine, int]] = []
        for entry in lines:
            line = order.line(int(entry["line_no"]))
            quantity = int(entry["quantity"])
            if line is None:
                raise ValueError(f"order {order.erp_order_no} has no line {entry['line_no']}")
            if quantity <= 0 or line.shipped_quantity + quantity > line.quantity:
                raise ValueError(f"line {line.line_no}: cannot ship {quantity} "
                                 f"({line.shipped_quantity} of {line.quantity} shipped)")
            level = self.stock.get((line.sku, line.warehouse))
            if level is None or level.quantity < quantity:
                raise ValueError(f"line {line.line_no}: insufficient stock of {line.sku} "
                                 f"in {line.warehouse}")
            plan.append((line, quantity))
        return plan

    def _apply_shipment(self, order: Order, plan: list[tuple[OrderLine, int]],
                        tracking: str | None) -> Shipment:
        self.shipment_counter += 1
        shipment = Shipment(f"SH{self.shipment_counter:06d}", order.erp_order_no, order.order_ref,
                            tracking or f"TRK{self.shipment_counter:010d}", self.clock.now())
        for line, quantity in plan:
            line.shipped_quantity += quantity
            level = self.stock[(line.sku, line.warehouse)]
            self._change_stock(line.sku, line.warehouse, level.quantity - quantity)
            shipment.lines.append(ShipmentLine(line.line_no, line.sku, quantity, line.warehouse))
        done = all(line.shipped_quantity >= line.quantity for line in order.lines)
        order.status = "shipped" if done else "partially_shipped"
        self.shipments.append(shipment)
        return shipment

    # -- events -------------------------------------------------------------------------------
    @event("run_import")
    def run_import(self) -> dict[str, Any]:
        records = importer.run_import(self, "event", self.clock.now())
        return {"imports": [r.to_dict() for r in records]}

    @event("export_stock")
    def export_stock(self, sku: str | None = None, warehouse: str | None = None) -> dict[str, Any]:
        records = exporter.export_stock(self, self.clock.now(), sku=sku, warehouse=warehouse)
        return {"exports": [r.to_dict() for r in records]}

    @event("export_shipments")
    def export_shipments(self, since: str | None = None) -> dict[str, Any]:
        start = datetime.fromisoformat(since.replace("Z", "+00:00")) if since else None
        records = exporter.export_shipments(self, self.clock.now(), since=start)
        return {"exports": [r.to_dict() for r in records]}

    @event("redrop_export")
    def redrop_export(self, file: str) -> dict[str, Any]:
        """The ERP drops an earlier export again, same name and content (FM-L04)."""
        return exporter.redrop(self, file).to_dict()

    @event("ship_order")
    def ship_order(
        self, erp_order_no: str, lines: list[dict[str, Any]], tracking: str | None = None
    ) -> dict[str, Any]:
        order = self.orders.get(erp_order_no)
        if order is None:
            raise ValueError(f"no order {erp_order_no!r}")
        return self._apply_shipment(order, self._ship_plan(order, lines), tracking).to_dict()

    @event("ship_from_warehouses")
    def ship_from_warehouses(
        self, erp_order_no: str, lines: list[dict[str, Any]], tracking: str | None = None
    ) -> dict[str, Any]:
        """Ship lines each picked from a named warehouse (:mod:`fakes.legacy.picking`)."""
        order = self.orders.get(erp_order_no)
        if order is None:
            raise ValueError(f"no order {erp_order_no!r}")
        return picking.ship(self, order, picking.plan(self, order, lines), tracking).to_dict()

    @event("set_stock")
    def set_stock(self, sku: str, warehouse: str, quantity: int) -> dict[str, Any]:
        if sku not in self.items or warehouse not in self.warehouses:
            raise ValueError(f"unknown item {sku!r} or warehouse {warehouse!r}")
        if not isinstance(quantity, int) or quantity < 0:
            raise ValueError("quantity must be a whole number >= 0")
        level = self._change_stock(sku, warehouse, quantity)
        return {"sku": sku, "warehouse": warehouse, "quantity": quantity,
                "updated_at": iso(level.updated_at)}

    @event("cancel_order")
    def cancel_order(self, erp_order_no: str) -> dict[str, Any]:
        """An operator cancels an order inside the ERP (FM-G16)."""
        order = self.orders.get(erp_order_no)
        if order is None:
            raise ValueError(f"no order {erp_order_no!r}")
        order.status = "cancelled"
        return order.to_dict()

    @event("approve_customer")
    def approve_customer(self, customer_ref: str, credit_limit: Any = None) -> dict[str, Any]:
        """The credit controller approves an account (:mod:`fakes.legacy.customers`)."""
        return customers.approve(self, customer_ref, credit_limit)

    @event("set_credit_hold")
    def set_credit_hold(self, customer_ref: str, on_hold: bool = True) -> dict[str, Any]:
        """The credit controller puts an account on credit hold, or lifts it."""
        return customers.credit_hold(self, customer_ref, on_hold)

    @event("block_customer")
    def block_customer(self, customer_ref: str, blocked: bool = True) -> dict[str, Any]:
        """An account is blocked (status ``blocked``) or unblocked (``approved``)."""
        return customers.block(self, customer_ref, blocked)

    @event("set_fault")
    def set_fault(self, fault: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        """Switch a standing fault on (see :mod:`fakes.legacy.faults`)."""
        self.active_faults[fault] = normalise(fault, params)
        return {"faults": copy.deepcopy(self.active_faults)}

    @event("clear_fault")
    def clear_fault(self, fault: str | None = None) -> dict[str, Any]:
        """Switch one standing fault off, or all of them."""
        if fault is None:
            self.active_faults.clear()
        else:
            self.active_faults.pop(fault, None)
        return {"faults": copy.deepcopy(self.active_faults)}

    # -- snapshot -----------------------------------------------------------------------------
    def snapshot(self) -> dict[str, Any]:
        self.tick()
        return {
            "orders": [o.to_dict() for o in self.orders.values()],
            "imports": [r.to_dict() for r in self.imports],
            "sequence_gaps": list(self.sequence_gaps),
            "missing_sequences": importer.missing_sequences(self),
            "stock": [
                {"sku": sku, "warehouse": wh, "quantity": level.quantity,
                 "updated_at": iso(level.updated_at)}
                for sku, wh, level in self.stock_rows()
            ],
            "shipments": [s.to_dict() for s in self.shipments],
            "customers": [customers.account_dict(self, a)
                          for a in self.account_book.accounts.values()],
            "credit_notes": [n.to_dict() for n in self.credit_book.notes],
            "prices": self.price_snapshot(),
            "exports": [r.to_dict() for r in self.exports],
            "faults": copy.deepcopy(self.active_faults),
            "schedule": {
                "import_interval_s": self.import_interval_s,
                "next_import_at": iso(self.next_import_at),
                "export_interval_s": self.export_interval_s,
                "next_export_at": iso(self.next_export_at),
            },
            "files": {area: self.folders.names(area) for area in
                      ("inbound", "inbound/processed", "inbound/error", "outbound", "ack")},
        }

