"""Invoices, credit memos and return authorizations: billing a sales order, crediting an invoice,
authorising a return; and the sales order's status as billing moves it.

Rules modelled (NetSuite with Advanced Shipping, simplified):

* ``salesOrder/<id>/!transform/invoice`` bills order lines. With the default option
  ``billing_basis="fulfilled"`` a line may be billed up to its fulfilled-but-unbilled quantity
  (NetSuite's "Bill" button after fulfilment); ``billing_basis="ordered"`` allows billing up to
  the ordered-but-unbilled quantity (billing in advance of fulfilment). An empty body bills
  every line's billable quantity; ``{"item": {"items": [{"orderLine": n, "quantity": q}]}}``
  bills only those lines (``quantity`` defaults to what is billable). Billing more than is
  billable is ``400 USER_ERROR`` at ``item.items[i].quantity``; nothing billable (or an order in
  Pending Approval, Cancelled or Closed) is "You can not initialize invoice: invalid reference".
  The first invoice of an order carries the order's ``shippingCost``.
* ``invoice/<id>/!transform/creditMemo`` (REST API Browser 2026.1 lists the operation) credits
  invoice lines the same way (``orderLine``/``line`` = the invoice line); no more than invoiced
  minus already credited. The credit memo is applied to its invoice: the invoice's
  ``amountRemaining`` drops by the credit total and its status becomes B (Paid In Full) at zero;
  the credit memo is B (Fully Applied) with ``applied`` = ``total``. The first credit memo of an
  invoice carries the invoice's ``shippingCost`` (as the first invoice carries the order's)
  unless the body sets ``shippingCost`` (a writable credit memo body field).
  Crediting does not change the sales order (as in NetSuite).
* ``salesOrder/<id>/!transform/returnAuthorization`` authorises the return of fulfilled quantities
  (less those on other, not cancelled, return authorizations). ``orderStatus`` starts at the option
  ``default_return_status`` ("A" Pending Approval) or the body's ``orderStatus`` (A or B, Pending
  Receipt); PATCH may move it between A and B or to C (Cancelled).
* A requested line may set its ``location`` (``{"id": ...}``, e.g. the warehouse a return
  goes back to; an unknown location is an Invalid Field Value); else the source line's.
* Sales order status (``order_status``): lines closed (``isClosed``) are left out; all lines
  closed -> H (Closed); every open line fully fulfilled -> G (Billed) when every open line is fully
  billed, else F (Pending Billing); partly fulfilled -> E (Pending Billing/Partially Fulfilled)
  while some fulfilled quantity is unbilled, else D (Partially Fulfilled); nothing fulfilled -> B.
  A (Pending Approval) and C (Cancelled) are kept.
* PATCH on these records changes body fields only; their ``item`` lines cannot be edited (400).
  Deleting an invoice that has credit memos is refused; deleting one re-opens its order's billing.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from fakes.netsuite.errors import NetSuiteError, bad_request
from fakes.netsuite.model import RecordType
from fakes.netsuite.records import WriteOptions, apply_fields, invalid_value

if TYPE_CHECKING:
    from fakes.netsuite.state import NetSuiteBackend

EPS = 1e-9
HEAD_PREFIXES = ("custbody",)
RETURN_STATUS_CHANGES = {"A": ("A", "B", "C"), "B": ("A", "B", "C")}


@dataclass(frozen=True)
class LineRequest:
    line: int
    quantity: float | None
    path: str
    location: str | None = None


@dataclass(frozen=True)
class Source:
    """A source line that may be copied: its number, what is left and how it is priced."""

    line: dict[str, Any]
    left: float
    done_qty: float
    done_amount: float


# -- requests -----------------------------------------------------------------------------------
def line_requests(body: Any, target: str) -> list[LineRequest] | None:
    """The lines a transform body asks for; ``None`` means everything that is left."""
    if body in (None, {}):
        return None
    if not isinstance(body, dict):
        raise invalid_value(body, target, "")
    sublist = body.get("item")
    if sublist is None:
        return None
    items = sublist.get("items") if isinstance(sublist, dict) else None
    if not isinstance(items, list):
        raise invalid_value(sublist, "item", "item")
    return [_line_request(raw, i) for i, raw in enumerate(items)]


def _line_request(raw: Any, index: int) -> LineRequest:
    path = f"item.items[{index}]"
    if not isinstance(raw, dict):
        raise invalid_value(raw, "item", path)
    line = raw.get("orderLine", raw.get("line"))
    if not isinstance(line, int) or isinstance(line, bool):
        raise invalid_value(line, "orderLine", f"{path}.orderLine")
    quantity = raw.get("quantity")
    if quantity is not None and (isinstance(quantity, bool) or
                                 not isinstance(quantity, int | float) or quantity <= 0):
        raise invalid_value(quantity, "quantity", f"{path}.quantity")
    location = raw.get("location")
    if isinstance(location, dict):
        location = location.get("id")
    if location is not None and not isinstance(location, str | int):
        raise invalid_value(location, "location", f"{path}.location")
    return LineRequest(line, None if quantity is None else float(quantity), path,
                       None if location is None else str(location))


# -- quantities already copied ------------------------------------------------------------------
def copied(b: NetSuiteBackend, type_name: str, source_id: str,
           skip: set[str] | None = None) -> dict[int, tuple[float, float]]:
    """(quantity, amount) per source line already on ``type_name`` records made from it."""
    done: dict[int, tuple[float, float]] = {}
    for rid, record in b.records[type_name].items():
        if record["createdFrom"]["id"] != source_id or rid in (skip or set()):
            continue
        for line in record["item"]:
            qty, amount = done.get(line["orderLine"], (0.0, 0.0))
            done[line["orderLine"]] = (qty + line["quantity"], amount + line["amount"])
    return done


def billed(b: NetSuiteBackend, order_id: str) -> dict[int, float]:
    return {n: qty for n, (qty, _) in copied(b, "invoice", order_id).items()}


def _cancelled_returns(b: NetSuiteBackend) -> set[str]:
    return {rid for rid, ra in b.records["returnAuthorization"].items()
            if ra["orderStatus"]["id"] == "C"}


# -- building the new record --------------------------------------------------------------------
def transform(b: NetSuiteBackend, target: str, source: dict[str, Any], body: Any,
              header: dict[str, Any]) -> dict[str, Any]:
    """The new invoice, credit memo or return authorization made from ``source`` (not saved)."""
    requests = line_requests(body, target)
    if target == "invoice":
        sources = _billable(b, source)
    elif target == "creditMemo":
        sources = _creditable(b, source)
    else:
        sources = _returnable(b, source)
    lines = _plan(sources, requests, target)
    if not lines:
        raise _cannot_initialize(target, source["id"])
    _check_locations(b, lines, requests or [])
    record = _head(b, source, header, lines)
    if target == "invoice":
        record.update(_invoice_head(b, source))
    elif target == "creditMemo":
        record["shippingCost"] = _credit_shipping(b, source, body)
    elif target == "returnAuthorization":
        record["orderStatus"] = {"id": _return_status(b, body)}
    return record


def _billable(b: NetSuiteBackend, order: dict[str, Any]) -> list[Source]:
    if order["orderStatus"]["id"] in ("A", "C", "H"):
        raise _cannot_initialize("invoice", order["id"])
    done = copied(b, "invoice", order["id"])
    by_fulfilment = b.option("billing_basis") != "ordered"
    out = []
    for line in order["item"]:
        qty, amount = done.get(line["line"], (0.0, 0.0))
        ceiling = line["quantityFulfilled"] if by_fulfilment else line["quantity"]
        left = 0.0 if line.get("isClosed") and not by_fulfilment else ceiling - qty
        out.append(Source(line, max(left, 0.0), qty, amount))
    return out


def _creditable(b: NetSuiteBackend, invoice: dict[str, Any]) -> list[Source]:
    done = copied(b, "creditMemo", invoice["id"])
    out = []
    for line in invoice["item"]:
        qty, amount = done.get(line["line"], (0.0, 0.0))
        out.append(Source(line, max(line["quantity"] - qty, 0.0), qty, amount))
    return out


def _returnable(b: NetSuiteBackend, order: dict[str, Any]) -> list[Source]:
    if order["orderStatus"]["id"] in ("A", "C"):
        raise _cannot_initialize("returnAuthorization", order["id"])
    done = copied(b, "returnAuthorization", order["id"], _cancelled_returns(b))
    out = []
    for line in order["item"]:
        qty, amount = done.get(line["line"], (0.0, 0.0))
        out.append(Source(line, max(line["quantityFulfilled"] - qty, 0.0), qty, amount))
    return out


def _plan(sources: list[Source], requests: list[LineRequest] | None,
          target: str) -> list[dict[str, Any]]:
    by_line = {s.line["line"]: s for s in sources}
    if requests is None:
        requests = [LineRequest(n, None, f"item.items[{i}]") for i, n in enumerate(by_line)]
    lines: list[dict[str, Any]] = []
    for req in requests:
        source = by_line.get(req.line)
        if source is None:
            raise invalid_value(req.line, "orderLine", f"{req.path}.orderLine")
        quantity = source.left if req.quantity is None else req.quantity
        if quantity > source.left + EPS:
            raise _too_much(target, req, source.left)
        if quantity > EPS:
            lines.append(_new_line(source, quantity, len(lines) + 1))
            if req.location is not None:  # a line's location is writable (where goods return)
                lines[-1]["location"] = {"id": req.location}
    return lines


def _check_locations(b: NetSuiteBackend, lines: list[dict[str, Any]],
                     requests: list[LineRequest]) -> None:
    for req in requests:
        if req.location is not None and req.location not in b.records["location"]:
            raise invalid_value(req.location, "location", f"{req.path}.location")


def _new_line(source: Source, quantity: float, number: int) -> dict[str, Any]:
    line = source.line
    rate = line.get("rate") or 0.0
    if abs(source.done_qty + quantity - line["quantity"]) <= EPS:
        amount = round((line.get("amount") or 0.0) - source.done_amount, 2)
    else:
        amount = round(rate * quantity, 2)
    return {"line": number, "orderLine": line["line"], "item": dict(line["item"]),
            "quantity": round(quantity, 6), "rate": rate, "amount": amount,
            "location": _copy_ref(line.get("location")), "description": line.get("description")}


def _copy_ref(value: Any) -> dict[str, str] | None:
    return dict(value) if isinstance(value, dict) else None


def _head(b: NetSuiteBackend, source: dict[str, Any], header: dict[str, Any],
          lines: list[dict[str, Any]]) -> dict[str, Any]:
    now = b.now_iso()
    return {"id": None, "tranId": None, "externalId": header.get("externalId"),
            "createdFrom": {"id": source["id"]}, "entity": dict(source["entity"]),
            "tranDate": header.get("tranDate") or b.today(), "memo": header.get("memo"),
            "otherRefNum": source.get("otherRefNum"),
            "currency": _copy_ref(source.get("currency")), "createdDate": now,
            "lastModifiedDate": now, "item": lines}


def _invoice_head(b: NetSuiteBackend, order: dict[str, Any]) -> dict[str, Any]:
    return {"location": _copy_ref(order.get("location")),
            "shippingCost": _first_shipping(b, "invoice", order), "dueDate": None}


def _first_shipping(b: NetSuiteBackend, target: str, source: dict[str, Any]) -> Any:
    """The source's shipping cost goes onto the first record made from it only."""
    first = not any(r["createdFrom"]["id"] == source["id"] for r in b.records[target].values())
    return source.get("shippingCost") if first else None


def _credit_shipping(b: NetSuiteBackend, invoice: dict[str, Any], body: Any) -> Any:
    """The body's ``shippingCost`` (a credit memo body field), else the invoice's on the first
    credit memo made from it."""
    if isinstance(body, dict) and "shippingCost" in body:
        value = body["shippingCost"]
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise invalid_value(value, "shippingCost", "shippingCost")
        return float(value)
    return _first_shipping(b, "creditMemo", invoice)


def _return_status(b: NetSuiteBackend, body: Any) -> str:
    asked = body.get("orderStatus") if isinstance(body, dict) else None
    if asked is None:
        return "A" if b.approval_forced() else str(b.option("default_return_status"))
    key = asked.get("id") if isinstance(asked, dict) else asked
    if key not in ("A", "B"):
        raise invalid_value(key if key is not None else asked, "orderStatus", "orderStatus")
    return str(key)


def _cannot_initialize(target: str, rid: str) -> NetSuiteError:
    return bad_request("USER_ERROR", "Error while accessing resource: You can not initialize "
                       f"{target.lower()}: invalid reference {rid}.")


def _too_much(target: str, req: LineRequest, left: float) -> NetSuiteError:
    verb = {"invoice": "bill", "creditMemo": "credit", "returnAuthorization": "return"}[target]
    source = "invoice" if target == "creditMemo" else "order"
    return bad_request("USER_ERROR", f"You cannot {verb} more than the remaining quantity "
                       f"({left:g}) of {source} line {req.line}.", path=f"{req.path}.quantity")


# -- updates ------------------------------------------------------------------------------------
def update(b: NetSuiteBackend, rt: RecordType, body: dict[str, Any], existing: dict[str, Any],
           opts: WriteOptions) -> dict[str, Any]:
    """A PATCH of an invoice, credit memo or return authorization: body fields only."""
    if "item" in body:
        raise bad_request("USER_ERROR", f"The item lines of a {rt.label.lower()} cannot be "
                          "changed; credit or delete it instead.", path="item")
    record = copy.deepcopy(existing)
    writable = {k: v for k, v in body.items() if k != "orderStatus"}
    apply_fields(rt, record, writable, opts, b.resolve_ref, HEAD_PREFIXES)
    if rt.name == "returnAuthorization" and "orderStatus" in body:
        record["orderStatus"] = {"id": _return_status_change(existing, body["orderStatus"])}
    return record


def _return_status_change(existing: dict[str, Any], asked: Any) -> str:
    key = asked.get("id") if isinstance(asked, dict) else asked
    allowed = RETURN_STATUS_CHANGES.get(existing["orderStatus"]["id"], ())
    if key not in allowed:
        raise invalid_value(key if key is not None else asked, "orderStatus", "orderStatus")
    return str(key)


# -- reading ------------------------------------------------------------------------------------
def _sum(record: dict[str, Any]) -> float:
    return round(sum(line.get("amount") or 0.0 for line in record["item"]), 2)


def _total(record: dict[str, Any]) -> float:
    return round(_sum(record) + (record.get("shippingCost") or 0.0), 2)


def with_totals(b: NetSuiteBackend, type_name: str, record: dict[str, Any]) -> dict[str, Any]:
    """The stored record plus NetSuite's computed body fields."""
    out = dict(record)
    subtotal = _sum(record)
    out["subtotal"] = subtotal
    out["total"] = _total(record)
    if type_name == "invoice":
        credited = sum(_total(cm) for cm in b.records["creditMemo"].values()
                       if cm["createdFrom"]["id"] == record["id"])
        out["amountRemaining"] = max(round(out["total"] - credited, 2), 0.0)
        out["status"] = {"id": "B" if out["amountRemaining"] <= 0 else "A"}
    elif type_name == "creditMemo":
        out.update({"applied": out["total"], "unapplied": 0.0, "status": {"id": "B"}})
    else:
        out["status"] = record.get("orderStatus")
    return out


def order_lines_with_billing(b: NetSuiteBackend, order: dict[str, Any]) -> list[dict[str, Any]]:
    done = billed(b, order["id"]) if order.get("id") else {}
    return [{**line, "quantityBilled": done.get(line["line"], 0.0)} for line in order["item"]]


# -- the sales order's status -------------------------------------------------------------------
def order_status(b: NetSuiteBackend, order: dict[str, Any]) -> str:
    """The status NetSuite shows for the order's fulfilment and billing (see module doc)."""
    current = order["orderStatus"]["id"]
    if current in ("A", "C"):
        return str(current)
    lines = [line for line in order["item"] if not line.get("isClosed")]
    if not lines:
        return "H"
    done = billed(b, order["id"])
    fulfilled = [line["quantityFulfilled"] for line in order["item"]]
    all_shipped = all(line["quantityFulfilled"] >= line["quantity"] - EPS for line in lines)
    unbilled = any(line["quantityFulfilled"] > done.get(line["line"], 0.0) + EPS
                   for line in order["item"])
    if all_shipped:
        all_billed = all(done.get(line["line"], 0.0) >= line["quantity"] - EPS
                         for line in lines)
        return "G" if all_billed else "F"
    if any(qty > EPS for qty in fulfilled):
        return "E" if unbilled else "D"
    return "B"


def refresh_order(b: NetSuiteBackend, order: dict[str, Any]) -> None:
    status = order_status(b, order)
    if status != order["orderStatus"]["id"]:
        order["orderStatus"] = {"id": status}
        order["lastModifiedDate"] = b.now_iso()
