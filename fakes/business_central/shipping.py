"""The warehouse ships a sales order from the locations that hold the goods.

In Business Central each sales line ships from its own Location Code; to ship a line from
another location the user changes the line's Location Code before posting the shipment, which
the application refuses once part of the line has shipped ("You cannot change Location Code
because Quantity Shipped is not 0"). This module is that operator action for the harness:
``lines`` as ``[{"sequence", "quantity", "location_code"?}]``; each named location must exist.
The shipment is then posted like ``ship_order`` (no invoice): one posted Sales Shipment whose
item ledger entries carry each line's location.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from fakes.business_central import posting
from fakes.business_central.company import Company
from fakes.business_central.errors import Dialog


def ship(
    company: Company,
    order: dict[str, Any],
    lines: list[dict[str, Any]],
    now: datetime,
    rules: posting.PostingRules,
) -> dict[str, Any]:
    """Move lines to their locations, then post the shipment; ValueError when refused."""
    by_sequence = {int(ln["sequence"]): ln for ln in company.lines(order, "salesOrderLines")}
    plan: dict[int, Decimal] = {}
    for entry in lines:
        sequence = int(entry["sequence"])
        line = by_sequence.get(sequence)
        if line is None:
            raise ValueError(f"sales order {order['number']} has no line {sequence}")
        code = entry.get("location_code")
        if code:
            _move(company, line, str(code), now)
        plan[sequence] = plan.get(sequence, Decimal(0)) + Decimal(str(entry["quantity"]))
    try:
        return posting.post_order(company, order, now, rules, invoice=False, ship_plan=plan)
    except Dialog as exc:
        raise ValueError(exc.message) from exc


def _move(company: Company, line: dict[str, Any], code: str, now: datetime) -> None:
    location = company.location_by_code(code)
    if location is None:
        raise ValueError(f"no location {code!r} in {company.name!r}")
    if line.get("locationId") == location["id"]:
        return
    if line.get("shippedQuantity"):
        raise ValueError(
            "You cannot change Location Code because Quantity Shipped is not 0 "
            f"(line {line['sequence']})"
        )
    line["locationId"] = location["id"]
    company.touch(line, now)
