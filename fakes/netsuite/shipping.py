"""The warehouse ships a sales order: an item fulfilment with per-line locations and packages.

In NetSuite the warehouse fulfils from the sales order (the same ``!transform/itemFulfillment``
as the REST API): each line ships from a location (with multi-location inventory, lines of one
fulfilment may leave from different locations), and the fulfilment's ``package`` sublist
carries one line per parcel with its ``packageTrackingNumber``. This module is that operator
action for the harness: ``lines`` as ``[{"line", "quantity", "location"?}]`` (a location
internal id; absent: the order line's), ``tracking`` numbers one per package. The same order
line may be named twice, with two locations, to ship part from each.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fakes.netsuite.errors import NetSuiteError
from fakes.netsuite.model import RECORD_TYPES

if TYPE_CHECKING:
    from fakes.netsuite.state import NetSuiteBackend


def fulfil(
    b: NetSuiteBackend, order_id: str, lines: list[dict[str, Any]], tracking: list[str]
) -> dict[str, Any]:
    """Create the fulfilment; ValueError (with NetSuite's message) when NetSuite refuses it."""
    if str(order_id) not in b.records["salesOrder"]:
        raise ValueError(f"no sales order with id {order_id!r}")
    body = {"item": {"items": [_line(entry) for entry in lines]}}
    try:
        result = b.transform(RECORD_TYPES["salesOrder"], str(order_id), "itemFulfillment", body)
    except NetSuiteError as err:
        raise ValueError(err.detail) from None
    record = b.records["itemFulfillment"][str(result.id)]
    record["package"] = [
        {"packageTrackingNumber": str(number), "packageWeight": None, "packageDescr": None}
        for number in tracking
    ]
    b.touch()
    return {"itemFulfillment": result.id}


def _line(entry: dict[str, Any]) -> dict[str, Any]:
    line: dict[str, Any] = {"orderLine": int(entry["line"]), "quantity": entry["quantity"]}
    if entry.get("location") is not None:
        line["location"] = {"id": str(entry["location"])}
    return line
