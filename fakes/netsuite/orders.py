"""Sales orders and item fulfilments: lines, amounts, statuses, stock.

Rules modelled (NetSuite behaviour, simplified):

* a line needs an ``item``; ``quantity`` defaults to 1 and must be positive; without ``rate``
  and ``amount`` the item's base price is the rate; ``amount = rate * quantity`` unless given;
  a line's ``location`` defaults to the order's; ``description`` to the item's display name;
* ``subtotal`` is the sum of line amounts, ``total`` adds ``shippingCost``;
* PATCH merges sublist lines (a line with ``line`` updates that line, one without is added);
  ``replace=item`` replaces the lines; lines already fulfilled cannot be removed or reduced
  below the fulfilled quantity;
* ``!transform/itemFulfillment`` fulfils all remaining quantities (empty body) or the given
  ``orderLine``/``quantity`` pairs; more than remains is refused; stock on hand drops at the
  line's location; the order becomes E (Pending Billing/Partially Fulfilled) or F (Pending
  Billing), or what billing.order_status says once invoices exist. An order
  in A (Pending Approval), C (Cancelled), H (Closed) or fully fulfilled cannot be transformed:
  "You can not initialize itemfulfillment: invalid reference <id>".
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from fakes.netsuite.errors import NetSuiteError, bad_request
from fakes.netsuite.model import ORDER_LINE, SALES_ORDER
from fakes.netsuite.records import (
    WriteOptions,
    apply_fields,
    apply_line_fields,
    invalid_value,
    missing_value,
)

if TYPE_CHECKING:
    from fakes.netsuite.state import NetSuiteBackend

LINE_READ_ONLY = frozenset({"line", "quantityFulfilled", "quantityBilled", "links"})
OPEN_STATUSES = ("B", "D", "E")
ORDER_PREFIXES = ("custbody",)


@dataclass(frozen=True)
class FulfilRequest:
    line: int
    quantity: float | None
    location: dict[str, str] | None
    path: str


def build_order(
    b: NetSuiteBackend, body: dict[str, Any], existing: dict[str, Any] | None, opts: WriteOptions
) -> dict[str, Any]:
    """A new version of the order (``existing`` untouched), validated, not yet stored."""
    order = copy.deepcopy(existing) if existing is not None else _blank_order(b)
    apply_fields(SALES_ORDER, order, body, opts, b.resolve_ref, ORDER_PREFIXES)
    if "item" in body:
        replace = existing is None or "item" in opts.replace
        order["item"] = merge_lines(b, order, body["item"], opts, replace)
    if existing is None:
        _defaults(b, order)
    elif "orderStatus" in body:
        _check_status_change(existing, order)
    _check_order(order)
    return order


def _blank_order(b: NetSuiteBackend) -> dict[str, Any]:
    return {"id": None, "tranId": None, "externalId": None, "entity": None,
            "tranDate": b.today(), "orderStatus": None, "location": None, "memo": None,
            "otherRefNum": None, "currency": {"id": "1"}, "email": None, "shippingCost": None,
            "createdDate": None, "lastModifiedDate": None, "item": []}


def _defaults(b: NetSuiteBackend, order: dict[str, Any]) -> None:
    if order.get("entity") and not order.get("email"):
        customer = b.records["customer"].get(order["entity"]["id"], {})
        order["email"] = customer.get("email")
    forced = b.approval_forced()
    if forced or order.get("orderStatus") is None:
        order["orderStatus"] = {"id": "A" if forced else b.default_order_status()}
    if order["orderStatus"]["id"] not in ("A", "B"):
        raise invalid_value(order["orderStatus"]["id"], "orderStatus", "orderStatus")


def _check_status_change(existing: dict[str, Any], order: dict[str, Any]) -> None:
    new = (order.get("orderStatus") or {}).get("id")
    if existing["orderStatus"]["id"] not in ("A", "B") or new not in ("A", "B"):
        raise invalid_value(new, "orderStatus", "orderStatus")


def _check_order(order: dict[str, Any]) -> None:
    if not order.get("entity"):
        raise missing_value("entity", "entity")
    if not order.get("item"):
        raise bad_request("USER_ERROR", "You must enter at least one line item for this "
                          "transaction.", path="item")


def merge_lines(
    b: NetSuiteBackend, order: dict[str, Any], raw: Any, opts: WriteOptions, replace: bool
) -> list[dict[str, Any]]:
    items = raw.get("items") if isinstance(raw, dict) else None
    if not isinstance(items, list):
        raise invalid_value(raw, "item", "item")
    existing = {line["line"]: line for line in order["item"]}
    result = [] if replace else [copy.deepcopy(line) for line in order["item"]]
    next_no = max(existing, default=0) + 1
    for index, entry in enumerate(items):
        path = f"item.items[{index}]"
        if not isinstance(entry, dict):
            raise invalid_value(entry, "item", path)
        key = entry.get("line")
        if key is None:
            result.append(new_line(b, entry, opts, path, order, next_no))
            next_no += 1
            continue
        if key not in existing:
            raise invalid_value(key, "line", f"{path}.line")
        merged = update_line(b, existing[key], entry, opts, path)
        _put_line(result, merged, replace)
    _check_removed(existing, result)
    return result


def _put_line(result: list[dict[str, Any]], line: dict[str, Any], replace: bool) -> None:
    if replace:
        result.append(line)
        return
    for index, current in enumerate(result):
        if current["line"] == line["line"]:
            result[index] = line


def _check_removed(existing: dict[int, dict[str, Any]], result: list[dict[str, Any]]) -> None:
    kept = {line["line"] for line in result}
    for number, line in existing.items():
        if number not in kept and line.get("quantityFulfilled", 0) > 0:
            raise bad_request("USER_ERROR", f"Line {number} has been fulfilled and cannot be "
                              "removed.", path="item")


def new_line(
    b: NetSuiteBackend, raw: dict[str, Any], opts: WriteOptions, path: str,
    order: dict[str, Any], number: int,
) -> dict[str, Any]:
    line: dict[str, Any] = {"line": number, "item": None, "quantity": 1.0, "rate": None,
                            "amount": None, "location": order.get("location"),
                            "quantityFulfilled": 0.0, "description": None, "isClosed": False}
    apply_line_fields(ORDER_LINE, line, raw, opts, b.resolve_ref, path, LINE_READ_ONLY)
    if not line.get("item"):
        raise missing_value("item", f"{path}.item")
    item = b.records["inventoryItem"][line["item"]["id"]]
    if line.get("description") is None:
        line["description"] = item.get("displayName")
    _price(line, raw, item.get("basePrice") or 0.0, path)
    return line


def update_line(
    b: NetSuiteBackend, line: dict[str, Any], raw: dict[str, Any], opts: WriteOptions, path: str
) -> dict[str, Any]:
    updated = copy.deepcopy(line)
    apply_line_fields(ORDER_LINE, updated, raw, opts, b.resolve_ref, path, LINE_READ_ONLY)
    if not updated.get("item"):
        raise missing_value("item", f"{path}.item")
    if updated["quantity"] is not None and updated["quantity"] < line["quantityFulfilled"]:
        raise bad_request("USER_ERROR", "The quantity cannot be less than the quantity "
                          f"already fulfilled ({line['quantityFulfilled']:g}).",
                          path=f"{path}.quantity")
    changed = "amount" not in raw and ("quantity" in raw or "rate" in raw)
    if changed:
        updated["amount"] = None
    _price(updated, raw, updated.get("rate") or 0.0, path)
    return updated


def _price(line: dict[str, Any], raw: dict[str, Any], base_price: float, path: str) -> None:
    quantity = line.get("quantity")
    if quantity is None:
        quantity = line["quantity"] = 1.0
    if quantity <= 0:
        raise invalid_value(quantity, "quantity", f"{path}.quantity")
    if line.get("rate") is None and line.get("amount") is None:
        line["rate"] = float(base_price)
    if line.get("rate") is None:
        line["rate"] = round(line["amount"] / quantity, 6)
    if line.get("amount") is None:
        line["amount"] = round(line["rate"] * quantity, 2)


def with_totals(order: dict[str, Any]) -> dict[str, Any]:
    """The stored order plus NetSuite's computed body fields."""
    out = dict(order)
    subtotal = round(sum(line.get("amount") or 0.0 for line in order["item"]), 2)
    out["subtotal"] = subtotal
    out["total"] = round(subtotal + (order.get("shippingCost") or 0.0), 2)
    out["status"] = order.get("orderStatus")
    return out


def fulfil_requests(body: Any) -> list[FulfilRequest] | None:
    """The lines a transform body asks for; ``None`` means all remaining quantities."""
    if body in (None, {}):
        return None
    if not isinstance(body, dict):
        raise invalid_value(body, "itemFulfillment", "")
    sublist = body.get("item")
    if sublist is None:
        return None
    items = sublist.get("items") if isinstance(sublist, dict) else None
    if not isinstance(items, list):
        raise invalid_value(sublist, "item", "item")
    return [req for i, raw in enumerate(items) if (req := _fulfil_request(raw, i)) is not None]


def _fulfil_request(raw: Any, index: int) -> FulfilRequest | None:
    path = f"item.items[{index}]"
    if not isinstance(raw, dict):
        raise invalid_value(raw, "item", path)
    line = raw.get("orderLine", raw.get("line"))
    if not isinstance(line, int) or isinstance(line, bool):
        raise invalid_value(line, "orderLine", f"{path}.orderLine")
    if raw.get("itemReceive") is False:
        return None
    quantity = raw.get("quantity")
    if quantity is not None and (isinstance(quantity, bool) or
                                 not isinstance(quantity, int | float) or quantity <= 0):
        raise invalid_value(quantity, "quantity", f"{path}.quantity")
    location = raw.get("location")
    if location is not None and not isinstance(location, dict):
        raise invalid_value(location, "location", f"{path}.location")
    return FulfilRequest(line, None if quantity is None else float(quantity), location, path)


def fulfil(
    b: NetSuiteBackend, order: dict[str, Any], requests: list[FulfilRequest] | None,
    header: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Create an item fulfilment for ``order`` and apply it; return the fulfilment record."""
    status = order["orderStatus"]["id"]
    if status not in OPEN_STATUSES:
        raise _cannot_initialize(order)
    plan = _plan(b, order, requests)
    if not plan:
        raise _cannot_initialize(order)
    record = _fulfilment_record(b, order, plan, header or {})
    _apply_plan(b, order, plan)
    return record


def _cannot_initialize(order: dict[str, Any]) -> NetSuiteError:
    return bad_request("USER_ERROR", "Error while accessing resource: You can not initialize "
                       f"itemfulfillment: invalid reference {order['id']}.")


def _plan(
    b: NetSuiteBackend, order: dict[str, Any], requests: list[FulfilRequest] | None
) -> list[tuple[dict[str, Any], float, dict[str, str]]]:
    lines = {line["line"]: line for line in order["item"]}
    if requests is None:
        requests = [FulfilRequest(n, None, None, f"item.items[{i}]")
                    for i, n in enumerate(lines)]
    plan = []
    for req in requests:
        line = lines.get(req.line)
        if line is None:
            raise invalid_value(req.line, "orderLine", f"{req.path}.orderLine")
        remaining = 0.0 if line.get("isClosed") else line["quantity"] - line["quantityFulfilled"]
        quantity = remaining if req.quantity is None else req.quantity
        if quantity > remaining + 1e-9:
            raise _too_much(req, remaining)
        if quantity > 0:
            location = _line_location(b, order, line, req)
            plan.append((line, quantity, location))
    return plan


def _too_much(req: FulfilRequest, remaining: float) -> NetSuiteError:
    return bad_request("USER_ERROR", f"You cannot fulfill more than the remaining quantity "
                       f"({remaining:g}) of order line {req.line}.", path=f"{req.path}.quantity")


def _line_location(
    b: NetSuiteBackend, order: dict[str, Any], line: dict[str, Any], req: FulfilRequest
) -> dict[str, str]:
    if req.location is not None:
        return b.resolve_ref("location", req.location, f"{req.path}.location")
    chosen = line.get("location") or order.get("location")
    return dict(chosen) if chosen else {"id": b.default_location_id()}


def _fulfilment_record(
    b: NetSuiteBackend, order: dict[str, Any], plan: list[tuple[dict[str, Any], float,
                                                                dict[str, str]]],
    header: dict[str, Any],
) -> dict[str, Any]:
    now = b.now_iso()
    lines = [{"line": i, "orderLine": line["line"], "item": dict(line["item"]),
              "quantity": quantity, "location": location, "itemReceive": True,
              "description": line.get("description")}
             for i, (line, quantity, location) in enumerate(plan, start=1)]
    return {"id": None, "tranId": None, "externalId": header.get("externalId"),
            "createdFrom": {"id": order["id"]}, "entity": dict(order["entity"]),
            "tranDate": header.get("tranDate") or b.today(), "shipStatus": {"id": "C"},
            "memo": header.get("memo"), "createdDate": now, "lastModifiedDate": now,
            "item": lines}


def _apply_plan(
    b: NetSuiteBackend, order: dict[str, Any],
    plan: list[tuple[dict[str, Any], float, dict[str, str]]],
) -> None:
    for line, quantity, location in plan:
        line["quantityFulfilled"] = round(line["quantityFulfilled"] + quantity, 6)
        b.adjust_stock(line["item"]["id"], location["id"], -quantity)
    done = all(line.get("isClosed") or line["quantityFulfilled"] >= line["quantity"]
               for line in order["item"])
    order["orderStatus"] = {"id": "F" if done else "D"}
    order["lastModifiedDate"] = b.now_iso()


def fulfilment_header(body: Any) -> dict[str, Any]:
    """Body fields a transform may set on the new fulfilment (memo, externalId, tranDate)."""
    if not isinstance(body, dict):
        return {}
    header = {key: body[key] for key in ("memo", "externalId", "tranDate") if key in body}
    for key, value in header.items():
        if value is not None and not isinstance(value, str):
            raise invalid_value(value, key, key)
    return header
