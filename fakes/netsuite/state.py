"""The NetSuite account behind the fake: records, stock, jobs, credentials; no HTTP.

Records are kept per type as stored dicts (references as ``{"id": ...}``, sublists as lists of
lines) and materialised with NetSuite's computed fields when read. Internal ids come from one
sequence per record family (transactions from 1001, customers from 101, items from 501; price
levels, sale price rules and their entries each from 1), as NetSuite numbers families
separately.

Options (``Fake(..., options={...})``):

``account_id`` ("1234567") the account; realm is its upper-case form, host label lower-case.
``oauth_timestamp_skew_s`` (300) allowed ``oauth_timestamp`` drift from the fake's clock or the
    wall clock (see ``auth.py``); ``None`` switches the check off.
``oauth2_key_type`` ("ec") certificate key: ``ec`` (ES256) or ``rsa`` (PS256, slower to make).
``async_delay_s`` (2.0) clock time until an async job runs.
``concurrency_error`` ("429") the overload error form: ``429``, ``400`` or ``401``.
``duplicate_error_code`` ("USER_ERROR") code of the duplicate-``externalId`` POST error.
``upsert_sublists`` ("replace") on an upsert that updates: ``replace`` or ``merge`` sublists.
``default_order_status`` ("B") status of new sales orders (``A`` = Pending Approval).
``mandatory_fields`` ({}) extra required fields per record type, e.g. ``{"salesOrder": ["memo"]}``.
``custom_fields`` the account's custom body fields per record type (id -> label), as the metadata
    catalog lists them; default ``custbody_sales_channel`` and ``custbody_magento_store`` on
    ``salesOrder``. (Writes keep any ``custbody*`` field, defined here or not.)
``offset_multiple_of_limit`` (False) refuse collection offsets that are not a multiple of limit.
``suiteql_dates`` ("date") SuiteQL date output: ``date`` (``M/D/YYYY``) or ``iso``.
``billing_basis`` ("fulfilled") what an invoice may bill: ``fulfilled`` (fulfilled but unbilled
    quantities) or ``ordered`` (ordered but unbilled; billing ahead of fulfilment). See billing.py.
``default_return_status`` ("A") status of new return authorizations (``B`` = Pending Receipt).
"""

from __future__ import annotations

import copy
import itertools
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from fakes.core.backend import VendorBackend, event
from fakes.netsuite import billing, customers, jobs, orders, pricing, seed, shipping
from fakes.netsuite.auth import AuthPolicy, AuthState
from fakes.netsuite.errors import NetSuiteError, bad_request, not_found
from fakes.netsuite.filters import FilterError, matches, parse
from fakes.netsuite.keys import make_credentials
from fakes.netsuite.model import CURRENCIES, RECORD_TYPES, TRANSFORMS, RecordType, record_type
from fakes.netsuite.records import WriteOptions, check_required, invalid_value

VERSIONS = itertools.count(1)
EXTERNAL_ID = re.compile(r"^[A-Za-z0-9_-]+$")
FAMILY_START = {"transaction": 1000, "entity": 100, "item": 500, "priceLevel": 0,
                "salePriceRule": 0, "salePriceRuleEntry": 0}
TRAN_PREFIX = {"salesOrder": "SO", "itemFulfillment": "IF", "invoice": "INV", "creditMemo": "CM",
               "returnAuthorization": "RMA"}
BILLING_TYPES = ("invoice", "creditMemo", "returnAuthorization")
DEFAULT_OPTIONS: dict[str, Any] = {
    "account_id": "1234567", "oauth_timestamp_skew_s": 300.0, "oauth2_key_type": "ec",
    "async_delay_s": 2.0, "concurrency_error": "429", "duplicate_error_code": "USER_ERROR",
    "upsert_sublists": "replace", "default_order_status": "B", "mandatory_fields": {},
    "offset_multiple_of_limit": False, "suiteql_dates": "date", "billing_basis": "fulfilled",
    "default_return_status": "A",
    "custom_fields": {"salesOrder": {"custbody_sales_channel": "Sales Channel",
                                     "custbody_magento_store": "Magento Store"}},
}
INVALID_QUERY = "Invalid search query. Detailed unprocessed description follows. "


class NetSuiteBackend(VendorBackend):
    """State and rules of one NetSuite account."""

    def load_seed(self) -> None:
        self.account = str(self.option("account_id"))
        self.creds = make_credentials(self.ctx.rng.stream("netsuite:credentials"), self.account)
        self.auth = AuthState()
        self.records: dict[str, dict[str, dict[str, Any]]] = {n: {} for n in RECORD_TYPES}
        self.external_ids: dict[str, dict[str, str]] = {n: {} for n in RECORD_TYPES}
        self.stock: dict[str, dict[str, dict[str, Any]]] = {}
        self.counters: dict[str, int] = {**FAMILY_START, **{name: 0 for name in TRAN_PREFIX},
                                         "job": 0}
        self.jobs: dict[str, dict[str, Any]] = {}
        self.idempotency: dict[str, str] = {}
        self.request_flags: dict[int, dict[str, Any]] = {}
        self.version = next(VERSIONS)
        seed.populate(self)
        pricing.seed_levels(self)

    # -- options, time, flags ----------------------------------------------------------------
    def option(self, name: str) -> Any:
        return self.ctx.options.get(name, DEFAULT_OPTIONS[name])

    def now(self) -> datetime:
        return self.clock.now()

    def now_iso(self) -> str:
        return self.now().strftime("%Y-%m-%dT%H:%M:%SZ")

    def today(self) -> str:
        return self.now().date().isoformat()

    def timestamp(self) -> float:
        return self.now().timestamp()

    def auth_policy(self) -> AuthPolicy:
        skew = self.option("oauth_timestamp_skew_s")
        key_type = str(self.option("oauth2_key_type"))
        return AuthPolicy(None if skew is None else float(skew), key_type)

    def flags(self) -> dict[str, Any]:
        """Flags vendor faults set for the request being handled (by thread)."""
        return self.request_flags.setdefault(threading.get_ident(), {})

    def current_flags(self) -> dict[str, Any]:
        return self.request_flags.get(threading.get_ident(), {})

    def flags_copy(self) -> dict[str, Any]:
        return copy.deepcopy(self.current_flags())

    def clear_flags(self) -> None:
        self.request_flags.pop(threading.get_ident(), None)

    @contextmanager
    def using_flags(self, flags: dict[str, Any]) -> Iterator[None]:
        ident = threading.get_ident()
        saved = self.request_flags.pop(ident, None)
        self.request_flags[ident] = copy.deepcopy(flags)
        try:
            yield
        finally:
            self.request_flags.pop(ident, None)
            if saved is not None:
                self.request_flags[ident] = saved

    def approval_forced(self) -> bool:
        return bool(self.current_flags().get("pending_approval"))

    def default_order_status(self) -> str:
        return str(self.option("default_order_status"))

    def required_fields(self, type_name: str) -> set[str]:
        static = set((self.option("mandatory_fields") or {}).get(type_name, ()))
        return static | set(self.current_flags().get("mandatory", {}).get(type_name, ()))

    def removed_fields(self, type_name: str) -> frozenset[str]:
        return frozenset(self.current_flags().get("removed_fields", {}).get(type_name, ()))

    def custom_fields(self, type_name: str) -> dict[str, str]:
        """The custom fields of a record type that exist now (id -> label)."""
        defined = dict((self.option("custom_fields") or {}).get(type_name, {}))
        removed = self.removed_fields(type_name)
        return {k: str(v) for k, v in defined.items() if k not in removed}

    def touch(self) -> None:
        self.version = next(VERSIONS)

    # -- lookups ------------------------------------------------------------------------------
    def rtype(self, name: str) -> RecordType:
        rt = record_type(name)
        if rt is None:
            raise NetSuiteError(404, "INVALID_URL", f"Record type '{name}' does not exist.")
        return rt

    def find_id(self, rt: RecordType, key: str) -> str:
        if key.startswith("eid:"):
            rid = self.external_ids[rt.name].get(key[4:])
        else:
            rid = key if key in self.records[rt.name] else None
        if rid is None:
            raise not_found()
        return rid

    def stored(self, rt: RecordType, key: str) -> dict[str, Any]:
        return self.records[rt.name][self.find_id(rt, key)]

    def materialize(self, rt: RecordType, record: dict[str, Any],
                    committed: dict[tuple[str, str], float] | None = None) -> dict[str, Any]:
        if rt.name == "salesOrder":
            return {**orders.with_totals(record),
                    "item": billing.order_lines_with_billing(self, record)}
        if rt.name in BILLING_TYPES:
            return billing.with_totals(self, rt.name, record)
        if rt.name == "inventoryItem":
            return self._item_with_locations(record, committed)
        return record

    def _item_with_locations(self, item: dict[str, Any],
                             committed: dict[tuple[str, str], float] | None) -> dict[str, Any]:
        committed = self.committed() if committed is None else committed
        lines = []
        for loc_id, entry in sorted(self.stock.get(item["id"], {}).items(), key=_id_order):
            on_hand = entry["quantityOnHand"]
            held = min(committed.get((item["id"], loc_id), 0.0), max(on_hand, 0.0))
            lines.append({"location": {"id": loc_id}, "locationId": _int_or(loc_id),
                          "location_display": self.ref_name("location", loc_id),
                          "quantityOnHand": on_hand, "quantityCommitted": held,
                          "quantityAvailable": on_hand - held})
        return {**item, "locations": lines}

    def committed(self) -> dict[tuple[str, str], float]:
        """Open sales-order demand per (item, location): NetSuite commits it from stock."""
        demand: dict[tuple[str, str], float] = {}
        for order in self.records["salesOrder"].values():
            if order["orderStatus"]["id"] not in orders.OPEN_STATUSES:
                continue
            for line in order["item"]:
                location = line.get("location") or order.get("location")
                if location and not line.get("isClosed"):
                    key = (line["item"]["id"], location["id"])
                    open_qty = line["quantity"] - line["quantityFulfilled"]
                    demand[key] = demand.get(key, 0.0) + max(open_qty, 0.0)
        return demand

    def ref_name(self, target: str, rid: str) -> str | None:
        record = self.records.get(target, {}).get(rid)
        if record is None:
            return None
        if target == "customer":
            return f"{record.get('entityId')} {record.get('companyName') or ''}".strip()
        if target == "inventoryItem":
            return str(record.get("itemId"))
        if target in ("location", "priceLevel", "salePriceRule"):
            return str(record.get("name"))
        if target == "salePriceRuleEntry":
            return None
        return f"{RECORD_TYPES[target].label} #{record.get('tranId')}"

    def resolve_ref(self, target: str, value: Any, path: str) -> dict[str, str]:
        """``{"id": ...}`` or ``{"externalId": ...}`` of an existing record, else 400."""
        if not isinstance(value, dict):
            raise invalid_value(value, path.rsplit(".", 1)[-1], path)
        field = path.rsplit(".", 1)[-1]
        if value.get("id") is not None:
            rid = str(value["id"])
            known = rid in CURRENCIES if target == "currency" else rid in self.records[target]
        elif value.get("externalId") is not None and target in self.records:
            found = self.external_ids[target].get(str(value["externalId"]))
            rid, known = (found or str(value["externalId"])), found is not None
        else:
            raise invalid_value(value, field, path)
        if not known:
            raise invalid_value(rid, field, path)
        return {"id": rid}

    def default_location_id(self) -> str:
        return min(self.records["location"], key=lambda k: _id_order((k, None)))

    # -- collections ---------------------------------------------------------------------------
    def collection_ids(self, rt: RecordType, q: str | None) -> list[str]:
        ids = sorted(self.records[rt.name], key=lambda k: _id_order((k, None)))
        if not q:
            return ids
        try:
            node = parse(q, lambda name: _field_kind(rt, name))
        except FilterError as exc:
            raise bad_request("INVALID_PARAMETER", INVALID_QUERY + f"Search error occurred: "
                              f"{exc}", query_param="q") from None
        committed = self.committed()
        return [rid for rid in ids
                if matches(node, _flat(rt, self.materialize(rt, self.records[rt.name][rid],
                                                             committed)))]

    # -- writes --------------------------------------------------------------------------------
    def execute(self, op: jobs.WriteOp) -> jobs.WriteResult:
        rt = self.rtype(op.record)
        if op.kind == "transform":
            return self.transform(rt, op.key or "", op.target or "", op.body)
        if op.kind == "delete":
            self.delete(rt, op.key or "")
            return jobs.WriteResult(rt.name, None)
        if not isinstance(op.body, dict):
            raise invalid_value(op.body, rt.name, "")
        if not rt.writable or (op.kind == "create" and not rt.creatable):
            raise NetSuiteError(405, "METHOD_NOT_ALLOWED",
                                f"The {op.kind} operation is not supported for {rt.name}.")
        return jobs.WriteResult(rt.name, self._write(rt, op))

    def _write(self, rt: RecordType, op: jobs.WriteOp) -> str:
        opts = WriteOptions(op.options.replace, op.options.name_validation,
                            op.options.removed_fields | self.removed_fields(rt.name))
        if op.kind == "create":
            return self.create(rt, op.body, opts)
        if op.kind == "upsert":
            return self.upsert(rt, op.key or "", op.body, opts)
        rid = self.find_id(rt, op.key or "")
        self._save(rt, self._build(rt, op.body, self.records[rt.name][rid], opts), rid)
        return rid

    def create(self, rt: RecordType, body: dict[str, Any], opts: WriteOptions,
               external_id: str | None = None) -> str:
        record = self._build(rt, body, None, opts)
        if external_id is not None:
            record["externalId"] = external_id
        self._check_duplicate(rt, record.get("externalId"))
        rid = self._next_id(rt)
        self._save(rt, record, rid)
        return rid

    def upsert(self, rt: RecordType, key: str, body: dict[str, Any], opts: WriteOptions) -> str:
        if not key.startswith("eid:"):
            raise bad_request("INVALID_ID", "Upsert requires an external ID in the URL "
                              "(eid:<externalId>); internal IDs are not allowed.")
        eid = key[4:]
        rid = self.external_ids[rt.name].get(eid)
        if rid is None and not rt.creatable:
            raise NetSuiteError(405, "METHOD_NOT_ALLOWED", f"The create operation is not "
                                f"supported for {rt.name}; use !transform.")
        if rid is None:
            return self.create(rt, body, opts, external_id=eid)
        if self.option("upsert_sublists") == "replace":
            opts = WriteOptions(opts.replace | frozenset(rt.sublists) & frozenset(body),
                                opts.name_validation, opts.removed_fields)
        record = self._build(rt, {**body, "externalId": eid}, self.records[rt.name][rid], opts)
        self._save(rt, record, rid)
        return rid

    def _build(self, rt: RecordType, body: dict[str, Any], existing: dict[str, Any] | None,
               opts: WriteOptions) -> dict[str, Any]:
        if rt.name == "salesOrder":
            record = orders.build_order(self, body, existing, opts)
        elif rt.name in BILLING_TYPES and existing is not None:
            record = billing.update(self, rt, body, existing, opts)
        elif rt.name == "salePriceRule":
            record = pricing.build_rule(self, body, existing, opts)
        elif rt.name == "salePriceRuleEntry":
            record = pricing.build_entry(self, body, existing, opts)
        else:
            record = customers.build_customer(self, body, existing, opts)
        check_required(record, self.required_fields(rt.name), self.custom_fields(rt.name))
        if existing is not None and record.get("externalId") != existing.get("externalId"):
            self._check_duplicate(rt, record.get("externalId"))
        return record

    def _check_duplicate(self, rt: RecordType, external_id: str | None) -> None:
        if external_id is not None and external_id in self.external_ids[rt.name]:
            raise bad_request(str(self.option("duplicate_error_code")),
                              "Error while accessing resource: This record already exists. "
                              f"A {rt.label} with external ID {external_id} exists.",
                              path="externalId")

    def _next_id(self, rt: RecordType) -> str:
        self.counters[rt.family] += 1
        return str(self.counters[rt.family])

    def _save(self, rt: RecordType, record: dict[str, Any], rid: str) -> None:
        old = self.records[rt.name].get(rid)
        now = self.now_iso()
        record["id"] = rid
        if old is None:
            record[_created_field(rt)] = now
            if rt.name in TRAN_PREFIX and not record.get("tranId"):
                self.counters[rt.name] += 1
                record["tranId"] = f"{TRAN_PREFIX[rt.name]}{self.counters[rt.name]}"
            if rt.name == "customer" and not record.get("entityId"):
                record["entityId"] = f"CUST{rid}"
        record["lastModifiedDate"] = now
        self._index(rt, rid, old, record)
        self.records[rt.name][rid] = record
        if rt.name == "salesOrder" and old is not None:
            billing.refresh_order(self, record)
        self.touch()

    def _index(self, rt: RecordType, rid: str, old: dict[str, Any] | None,
               new: dict[str, Any] | None) -> None:
        index = self.external_ids[rt.name]
        if old is not None and old.get("externalId") is not None:
            index.pop(old["externalId"], None)
        if new is not None and new.get("externalId") is not None:
            index[new["externalId"]] = rid

    def delete(self, rt: RecordType, key: str) -> None:
        rid = self.find_id(rt, key)
        record = self.records[rt.name][rid]
        if rt.name == "itemFulfillment":
            self._check_unbilled(record)
            self._reverse_fulfilment(record)
        elif not rt.writable:
            raise NetSuiteError(405, "METHOD_NOT_ALLOWED",
                                f"The delete operation is not supported for {rt.name}.")
        elif self._has_dependents(rt, rid):
            raise bad_request("USER_ERROR", "This record cannot be deleted because it has "
                              "dependent records.")
        self._index(rt, rid, record, None)
        del self.records[rt.name][rid]
        if rt.name == "invoice":
            self._refresh_source(record)
        self.touch()

    def _has_dependents(self, rt: RecordType, rid: str) -> bool:
        if rt.name == "customer":
            return any(o["entity"]["id"] == rid for o in self.records["salesOrder"].values())
        if rt.name == "salePriceRule":
            return pricing.dependents(self, rid)
        children = {"salesOrder": ("itemFulfillment", "invoice", "returnAuthorization"),
                    "invoice": ("creditMemo",)}.get(rt.name, ())
        return any(r["createdFrom"]["id"] == rid
                   for name in children for r in self.records[name].values())

    def _refresh_source(self, record: dict[str, Any]) -> None:
        order = self.records["salesOrder"].get(record["createdFrom"]["id"])
        if order is not None:
            billing.refresh_order(self, order)

    def _check_unbilled(self, shipment: dict[str, Any]) -> None:
        """A fulfilment whose quantities have been billed cannot be deleted."""
        order = self.records["salesOrder"].get(shipment["createdFrom"]["id"])
        if order is None or self.option("billing_basis") == "ordered":
            return
        done = billing.billed(self, order["id"])
        for line in order["item"]:
            taken = sum(x["quantity"] for x in shipment["item"] if x["orderLine"] == line["line"])
            if line["quantityFulfilled"] - taken < done.get(line["line"], 0.0) - billing.EPS:
                raise bad_request("USER_ERROR", "This record cannot be deleted because its "
                                  "quantities have been billed.")

    def _reverse_fulfilment(self, record: dict[str, Any]) -> None:
        order = self.records["salesOrder"].get(record["createdFrom"]["id"])
        for line in record["item"]:
            self.adjust_stock(line["item"]["id"], line["location"]["id"], line["quantity"])
            for order_line in order["item"] if order else []:
                if order_line["line"] == line["orderLine"]:
                    order_line["quantityFulfilled"] -= line["quantity"]
        if order is not None:
            billing.refresh_order(self, order)
            order["lastModifiedDate"] = self.now_iso()

    def transform(self, rt: RecordType, key: str, target: str, body: Any) -> jobs.WriteResult:
        name = next((t for t in TRANSFORMS.get(rt.name, ()) if t.lower() == target.lower()), None)
        if name is None:
            raise NetSuiteError(404, "INVALID_URL", f"The transformation of {rt.name} into "
                                f"{target} is not supported.")
        source = self.stored(rt, key)
        header = orders.fulfilment_header(body)
        target_rt = RECORD_TYPES[name]
        self._check_duplicate(target_rt, header.get("externalId"))
        if name == "itemFulfillment":
            record = orders.fulfil(self, source, orders.fulfil_requests(body), header)
        else:
            record = billing.transform(self, name, source, body, header)
        rid = self._next_id(target_rt)
        self._save(target_rt, record, rid)
        if name in ("itemFulfillment", "invoice"):
            billing.refresh_order(self, source)
        return jobs.WriteResult(target_rt.name, rid)

    def adjust_stock(self, item_id: str, location_id: str, delta: float) -> None:
        entry = self.stock.setdefault(item_id, {}).setdefault(
            location_id, {"quantityOnHand": 0.0, "lastModifiedDate": None})
        entry["quantityOnHand"] = round(entry["quantityOnHand"] + delta, 6)
        entry["lastModifiedDate"] = self.now_iso()
        self.records["inventoryItem"][item_id]["lastModifiedDate"] = self.now_iso()
        self.touch()

    # -- async jobs ----------------------------------------------------------------------------
    def run_due_jobs(self) -> None:
        jobs.run_due(self)

    # -- events --------------------------------------------------------------------------------
    @event("approve_order")
    def approve_order(self, id: str) -> dict[str, Any]:
        order = self._event_order(id)
        if order["orderStatus"]["id"] != "A":
            raise ValueError(f"sales order {id} is not pending approval")
        return self._set_status(order, "B")

    @event("cancel_order")
    def cancel_order(self, id: str) -> dict[str, Any]:
        order = self._event_order(id)
        if any(line["quantityFulfilled"] > 0 for line in order["item"]):
            raise ValueError(f"sales order {id} is already (partly) fulfilled")
        return self._set_status(order, "C")

    @event("set_stock")
    def set_stock(self, item_code: str, location_id: str, quantity: float) -> dict[str, Any]:
        item_id = next((rid for rid, item in self.records["inventoryItem"].items()
                        if item["itemId"] == item_code), None)
        if item_id is None:
            raise ValueError(f"no inventory item with itemId {item_code!r}")
        if str(location_id) not in self.records["location"]:
            raise ValueError(f"no location with id {location_id!r}")
        current = self.stock.get(item_id, {}).get(str(location_id), {}).get("quantityOnHand", 0.0)
        self.adjust_stock(item_id, str(location_id), float(quantity) - current)
        return {"item": item_id, "location": str(location_id), "quantityOnHand": float(quantity)}

    @event("fulfill")
    def fulfill_event(self, id: str, lines: list[dict[str, Any]] | None = None) -> dict[str, Any]:
        body = None if lines is None else {"item": {"items": [
            {"orderLine": entry["line"], "quantity": entry["quantity"]} for entry in lines]}}
        try:
            result = self.transform(RECORD_TYPES["salesOrder"], str(id), "itemFulfillment", body)
        except NetSuiteError as err:
            raise ValueError(err.detail) from None
        return {"itemFulfillment": result.id}

    @event("fulfill_lines")
    def fulfill_lines(self, id: str, lines: list[dict[str, Any]],
                      tracking: list[str] | None = None) -> dict[str, Any]:
        """Fulfil lines each from a location, with packages (:mod:`fakes.netsuite.shipping`)."""
        return shipping.fulfil(self, str(id), lines, list(tracking or []))

    @event("bill")
    def bill_event(self, id: str, lines: list[dict[str, Any]] | None = None) -> dict[str, Any]:
        """Bill a sales order (all billable quantities, or ``[{"line", "quantity"}]``)."""
        result = self._event_transform("salesOrder", str(id), "invoice", lines)
        return {"invoice": result.id}

    @event("credit")
    def credit_event(self, invoice_id: str,
                     lines: list[dict[str, Any]] | None = None) -> dict[str, Any]:
        """Credit an invoice (all uncredited quantities, or ``[{"line", "quantity"}]``)."""
        result = self._event_transform("invoice", str(invoice_id), "creditMemo", lines)
        return {"creditMemo": result.id}

    @event("schedule_price")
    def schedule_price(self, item_code: str, price: float, start: str, end: str | None = None,
                       price_level: str = "1", currency: str = "1",
                       priority: int = 1) -> dict[str, Any]:
        """A dated price: a sale price rule (``start``..``end``, whole days) on a price level
        and its entry for the item (:mod:`fakes.netsuite.pricing`)."""
        try:
            return pricing.schedule(self, item_code, price, start, end, price_level, currency,
                                    priority)
        except NetSuiteError as err:
            raise ValueError(err.detail) from None

    def _event_transform(self, source: str, rid: str, target: str,
                         lines: list[dict[str, Any]] | None) -> jobs.WriteResult:
        if rid not in self.records[source]:
            raise ValueError(f"no {source} with id {rid!r}")
        body = None if lines is None else {"item": {"items": [
            {"orderLine": entry["line"], "quantity": entry.get("quantity")} for entry in lines]}}
        try:
            return self.transform(RECORD_TYPES[source], rid, target, body)
        except NetSuiteError as err:
            raise ValueError(err.detail) from None

    def _event_order(self, rid: str) -> dict[str, Any]:
        order = self.records["salesOrder"].get(str(rid))
        if order is None:
            raise ValueError(f"no sales order with id {rid!r}")
        return order

    def _set_status(self, order: dict[str, Any], status: str) -> dict[str, Any]:
        order["orderStatus"] = {"id": status}
        order["lastModifiedDate"] = self.now_iso()
        self.touch()
        return {"id": order["id"], "orderStatus": status}

    # -- snapshot ------------------------------------------------------------------------------
    def snapshot(self) -> dict[str, Any]:
        self.run_due_jobs()
        committed = self.committed()

        def records(name: str) -> list[dict[str, Any]]:
            rt = RECORD_TYPES[name]
            return [copy.deepcopy(self.materialize(rt, self.records[name][rid], committed))
                    for rid in sorted(self.records[name], key=lambda k: _id_order((k, None)))]

        return {
            "account": self.account,
            "salesOrders": records("salesOrder"),
            "customers": records("customer"),
            "inventoryItems": records("inventoryItem"),
            "itemFulfillments": records("itemFulfillment"),
            "invoices": records("invoice"),
            "creditMemos": records("creditMemo"),
            "returnAuthorizations": records("returnAuthorization"),
            "locations": records("location"),
            "priceLevels": records("priceLevel"),
            "salePriceRules": records("salePriceRule"),
            "salePriceRuleEntries": records("salePriceRuleEntry"),
            "jobs": [jobs.job_snapshot(job) for job in self.jobs.values()],
        }


def valid_external_id(value: str) -> bool:
    return bool(EXTERNAL_ID.match(value))


def _created_field(rt: RecordType) -> str:
    return "dateCreated" if rt.name == "customer" else "createdDate"


def _id_order(pair: tuple[str, Any]) -> tuple[int, str]:
    key = pair[0]
    return (int(key), key) if key.isdigit() else (1 << 62, key)


def _int_or(value: str) -> int | str:
    return int(value) if value.isdigit() else value


def _field_kind(rt: RecordType, name: str) -> tuple[str, Any] | None:
    for field, kind in rt.fields.items():
        if field.lower() == name.lower():
            return field, kind
    return None


def _flat(rt: RecordType, record: dict[str, Any]) -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for name, value in record.items():
        if name in rt.sublists:
            continue
        flat[name] = value.get("id") if isinstance(value, dict) else value
    return flat
