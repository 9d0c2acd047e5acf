"""``fulfill_lines``: the warehouse fulfils lines from named locations with packages; the
fulfilment is read back over REST (``package`` sublist) and SuiteQL (line locations)."""

from __future__ import annotations

import pytest
import requests

from fakes.core.fake import Fake
from tests.fakes.netsuite.conftest import RECORD, SUITEQL, first_ids, order_body


@pytest.fixture
def order(ns: requests.Session, fake: Fake) -> str:
    location = ns.post(f"{RECORD}/salesOrder", json=order_body(first_ids(fake)))
    return str(location.headers["Location"]).rsplit("/", 1)[1]


def _on_hand(fake: Fake, item_id: str, location: str) -> float:
    item = next(i for i in fake.state()["inventoryItems"] if i["id"] == item_id)
    line = next(x for x in item["locations"] if x["location"]["id"] == location)
    return float(line["quantityOnHand"])


def test_lines_leave_from_their_locations_with_packages(
    ns: requests.Session, fake: Fake, order: str
) -> None:
    ids = first_ids(fake)
    other = fake.state()["locations"][1]["id"]
    before = _on_hand(fake, ids["item2"], other)
    done = fake.event(
        "fulfill_lines",
        id=order,
        lines=[{"line": 1, "quantity": 2}, {"line": 2, "quantity": 1, "location": other}],
        tracking=["1Z-A", "1Z-B"],
    )
    record = ns.get(
        f"{RECORD}/itemFulfillment/{done['itemFulfillment']}",
        params={"expandSubResources": "true"},
    ).json()
    assert [x["location"]["id"] for x in record["item"]["items"]] == [ids["location"], other]
    assert [p["packageTrackingNumber"] for p in record["package"]["items"]] == ["1Z-A", "1Z-B"]
    assert _on_hand(fake, ids["item2"], other) == before - 1
    rows = ns.post(
        SUITEQL,
        json={
            "q": "SELECT tl.location AS location, tl.quantity AS quantity "
            "FROM transactionline tl JOIN transaction t ON t.id = tl.transaction "
            "WHERE t.type = 'ItemShip' AND tl.item IS NOT NULL ORDER BY tl.id"
        },
        headers={"Prefer": "transient"},
    ).json()["items"]
    assert [(r["location"], float(r["quantity"])) for r in rows] == [
        (ids["location"], -2.0),
        (other, -1.0),
    ]
    assert ns.get(f"{RECORD}/salesOrder/{order}").json()["orderStatus"]["id"] == "F"


def test_a_fulfilment_without_tracking_has_no_packages(fake: Fake, order: str) -> None:
    fake.event("fulfill_lines", id=order, lines=[{"line": 1, "quantity": 1}])
    (shipment,) = fake.state()["itemFulfillments"]
    assert shipment["package"] == []


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ([{"line": 1, "quantity": 3}], "You cannot fulfill more than the remaining quantity"),
        ([{"line": 1, "quantity": 1, "location": "999"}], "999"),
    ],
    ids=["over", "location"],
)
def test_refusals_make_no_fulfilment(
    fake: Fake, order: str, lines: list[dict[str, object]], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        fake.event("fulfill_lines", id=order, lines=lines, tracking=["X"])
    assert fake.state()["itemFulfillments"] == []
    with pytest.raises(ValueError, match="no sales order with id '404'"):
        fake.event("fulfill_lines", id="404", lines=[{"line": 1, "quantity": 1}])
