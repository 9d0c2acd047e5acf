"""The SAP Business One backend: sessions, the entity API the routes call, events, snapshot.

All rules live in the layers below (:mod:`store`, :mod:`documents`, :mod:`doc_changes`,
:mod:`masterdata`); this class adds the Service Layer session (login, 30-minute sliding timeout
on the simulated clock) and the control-plane events that simulate what happens inside B1.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from fakes.core.backend import event
from fakes.sap_b1 import errors, seed
from fakes.sap_b1.errors import SLError
from fakes.sap_b1.masterdata import MasterData
from fakes.sap_b1.store import DOC_KINDS, KEYS, OPEN, YES, Entity, Key

T = TypeVar("T")
MASTER_SETS = ("BusinessPartners", "Items", "Warehouses", "PriceLists", "SpecialPrices")


def key_of(set_name: str, entity: Entity) -> Key:
    fields = KEYS[set_name]
    if len(fields) == 1:
        return entity[fields[0]]
    return tuple(entity[name] for name in fields)


def _event_call(func: Callable[[], T]) -> T:
    """Business errors inside an event become ``ValueError`` (the control plane's 400)."""
    try:
        return func()
    except SLError as exc:
        raise ValueError(f"{exc.code}: {exc.message}") from exc


class SapB1Backend(MasterData):
    """One B1 company database behind one Service Layer."""

    def load_seed(self) -> None:
        self.company_db, self.username, self.password = seed.credentials(self.ctx)
        self.store = seed.build_store(self.ctx, str(self.opt("local_currency")))
        self.versions = {}
        self.counters = {}
        self.sessions = {}
        self.rng_sessions = seed.session_rng(self.ctx)
        self.rng_batch = self.ctx.rng.stream("sap-b1:batch")

    # -- sessions -----------------------------------------------------------------------------
    def login(self, body: Any) -> str:
        if not isinstance(body, dict):
            raise errors.invalid_body("expected a JSON object")
        company = str(body.get("CompanyDB") or "")
        good = (
            company.lower() == self.company_db.lower()
            and body.get("UserName") == self.username
            and body.get("Password") == self.password
        )
        if not good:
            raise errors.login_failed()
        session_id = str(uuid.UUID(int=self.rng_sessions.getrandbits(128), version=4))
        self.sessions[session_id] = self.clock.time()
        return session_id

    def _timeout_s(self) -> float:
        return float(self.opt("session_timeout_min")) * 60

    def check_session(self, session_id: str | None) -> None:
        """Valid sessions slide their timeout forward; expired or unknown ones are refused."""
        now = self.clock.time()
        last = self.sessions.get(session_id or "")
        if last is None or now - last > self._timeout_s():
            self.sessions.pop(session_id or "", None)
            raise errors.invalid_session()
        self.sessions[session_id or ""] = now

    def logout(self, session_id: str | None) -> None:
        self.check_session(session_id)
        self.sessions.pop(session_id or "", None)

    def live_sessions(self) -> int:
        now = self.clock.time()
        return sum(1 for last in self.sessions.values() if now - last <= self._timeout_s())

    def drop_session(self, session_id: str) -> bool:
        return self.sessions.pop(session_id, None) is not None

    # -- the entity API -----------------------------------------------------------------------
    def rows(self, set_name: str) -> list[Entity]:
        return list(self.store[set_name].values())

    def create(self, set_name: str, body: Any) -> Key:
        if set_name in DOC_KINDS:
            return self.create_document(set_name, body)
        return self.create_master(set_name, body)

    def update(self, set_name: str, key: Key, body: Any, replace: bool) -> None:
        if set_name in DOC_KINDS:
            self.update_document(set_name, key, body, replace)
        else:
            self.update_master(set_name, key, body, replace)

    def delete(self, set_name: str, key: Key) -> None:
        if set_name in DOC_KINDS:
            self.entity(set_name, key)
            raise errors.not_supported()
        self.delete_master(set_name, key)

    def action(self, set_name: str, key: Key, name: str) -> None:
        if set_name not in DOC_KINDS:
            raise errors.resource_not_found(name)
        self.document_action(set_name, key, name)

    # -- events (things that happen inside B1) ------------------------------------------------
    @event("expire_sessions")
    def expire_sessions(self) -> int:
        """FM-G10: every session ends (timeout, SL restart, password change)."""
        count = len(self.sessions)
        self.sessions.clear()
        return count

    @event("deliver")
    def deliver(self, doc_entry: int, lines: list[dict[str, Any]] | None = None) -> int:
        """An operator ships (part of) an order: a DeliveryNote copied from it (FM-S05/T05)."""
        order = self.store["Orders"].get(int(doc_entry))
        if order is None:
            raise KeyError(f"no order with DocEntry {doc_entry}")
        wanted = lines if lines is not None else _open_lines(order)
        body = {
            "CardCode": order["CardCode"],
            "DocumentLines": [_copy_line(17, int(doc_entry), spec) for spec in wanted],
        }
        return _event_call(lambda: self.create_document("DeliveryNotes", body))

    @event("invoice")
    def invoice(self, doc_entry: int, base: str = "DeliveryNotes") -> int:
        """Accounting invoices an open delivery (or order): an Invoice copying its open rows."""
        if base not in ("DeliveryNotes", "Orders"):
            raise ValueError("base must be DeliveryNotes or Orders")
        source = self.store[base].get(int(doc_entry))
        if source is None:
            raise KeyError(f"no {base} with DocEntry {doc_entry}")
        code = DOC_KINDS[base].code
        body = {
            "CardCode": source["CardCode"],
            "DocumentLines": [_copy_line(code, int(doc_entry), s) for s in _open_lines(source)],
        }
        return _event_call(lambda: self.create_document("Invoices", body))

    @event("cancel_order")
    def cancel_order(self, doc_entry: int) -> str:
        """FM-G16: the ERP cancels an order without the shop knowing."""
        _event_call(lambda: self.document_action("Orders", int(doc_entry), "Cancel"))
        return "cancelled"

    @event("close_order")
    def close_order(self, doc_entry: int) -> str:
        _event_call(lambda: self.document_action("Orders", int(doc_entry), "Close"))
        return "closed"

    @event("set_stock")
    def set_stock(self, item_code: str, warehouse: str, in_stock: float) -> float:
        """A stock count or goods receipt sets ``InStock`` of one item in one warehouse."""
        item = self.item(item_code)
        if item is None or self.warehouse(warehouse) is None:
            raise KeyError(f"unknown item {item_code!r} or warehouse {warehouse!r}")
        current = float(self.stock_row(item, warehouse).get("InStock") or 0.0)
        self.move_stock(item_code, warehouse, in_stock=float(in_stock) - current)
        return float(in_stock)

    @event("freeze_partner")
    def freeze_partner(self, card_code: str, frozen: bool = True) -> str:
        """FM-T03: the account goes on hold (``Frozen``) or is released."""
        partner = self.partner(card_code)
        if partner is None:
            raise KeyError(f"no business partner {card_code!r}")
        partner["Frozen"] = YES if frozen else "tNO"
        partner.pop("FrozenFrom", None)
        partner.pop("FrozenTo", None)
        self.touch("BusinessPartners", card_code)
        return str(partner["Frozen"])

    # -- snapshot -----------------------------------------------------------------------------
    def snapshot(self) -> dict[str, Any]:
        picture: dict[str, Any] = {
            name: copy.deepcopy(self.rows(name)) for name in (*DOC_KINDS, *MASTER_SETS)
        }
        picture["sessions"] = self.live_sessions()
        return picture


def _open_lines(doc: Entity) -> list[dict[str, Any]]:
    return [
        {"line_num": line["LineNum"], "quantity": line["RemainingOpenQuantity"]}
        for line in doc["DocumentLines"]
        if line.get("LineStatus") == OPEN and line["RemainingOpenQuantity"] > 0
    ]


def _copy_line(base_type: int, entry: int, spec: dict[str, Any]) -> dict[str, Any]:
    if not isinstance(spec, dict) or "line_num" not in spec:
        raise ValueError("each line needs line_num (and optionally quantity, warehouse)")
    line: dict[str, Any] = {"BaseType": base_type, "BaseEntry": entry, "BaseLine": spec["line_num"]}
    if spec.get("quantity") is not None:
        line["Quantity"] = spec["quantity"]
    if spec.get("warehouse"):
        line["WarehouseCode"] = spec["warehouse"]
    return line
