"""``ship_from_locations``: lines moved to the location they leave from, then a posted Sales
Shipment whose item ledger entries carry that location; a shipped line cannot move."""

from __future__ import annotations

from typing import Any

import pytest

from tests.fakes.business_central.conftest import BC


def _company(bc: BC) -> dict[str, Any]:
    state: dict[str, Any] = bc.fake.state()["environments"]["production"]["CRONUS UK Ltd."]
    return state


def _order(bc: BC) -> dict[str, Any]:
    items = bc.values("items?$top=2")
    main = bc.location("MAIN")["id"]
    lines = [
        {"itemId": items[0]["id"], "quantity": 3, "locationId": main},
        {"itemId": items[1]["id"], "quantity": 2, "locationId": main},
    ]
    return dict(bc.new_order(lines=lines, externalDocumentNumber="MAGE-DEFAULT-1").json())


def test_one_shipment_from_two_locations(bc: BC) -> None:
    order = _order(bc)
    result = bc.fake.event(
        "ship_from_locations",
        number=order["number"],
        lines=[
            {"sequence": 10000, "quantity": 1},
            {"sequence": 20000, "quantity": 2, "location_code": "NORTH"},
        ],
    )
    number = result["shipment"]
    (shipment,) = bc.values(f"salesShipments?$filter=number eq '{number}'")
    assert (shipment["orderNumber"], shipment["externalDocumentNumber"]) == (
        order["number"],
        "MAGE-DEFAULT-1",
    )
    entries = [e for e in _company(bc)["itemLedgerEntries"] if e["documentNumber"] == number]
    assert sorted((e["locationCode"], e["quantity"]) for e in entries) == [
        ("MAIN", -1),
        ("NORTH", -2),
    ]
    lines = bc.values(f"salesOrders({order['id']})/salesOrderLines")
    assert [ln["locationId"] for ln in lines] == [
        bc.location("MAIN")["id"],
        bc.location("NORTH")["id"],
    ]


def test_a_shipped_line_cannot_change_location(bc: BC) -> None:
    order = _order(bc)
    bc.fake.event("ship_order", number=order["number"], lines=[{"sequence": 10000, "quantity": 1}])
    with pytest.raises(ValueError, match="Quantity Shipped is not 0"):
        bc.fake.event(
            "ship_from_locations",
            number=order["number"],
            lines=[{"sequence": 10000, "quantity": 1, "location_code": "NORTH"}],
        )
    assert len(bc.values("salesShipments")) == 1


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ([{"sequence": 10000, "quantity": 1, "location_code": "MOON"}], "no location 'MOON'"),
        ([{"sequence": 90000, "quantity": 1}], "has no line 90000"),
        ([{"sequence": 10000, "quantity": 4}], "cannot ship 4"),
    ],
    ids=["location", "line", "over"],
)
def test_refusals_post_nothing(bc: BC, lines: list[dict[str, Any]], message: str) -> None:
    order = _order(bc)
    with pytest.raises(ValueError, match=message):
        bc.fake.event("ship_from_locations", number=order["number"], lines=lines)
    assert bc.values("salesShipments") == []
