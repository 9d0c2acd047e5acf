"""``ship_from_warehouses``: one shipment whose lines are picked from named warehouses, seen
in the state and over SOAP ``ListShipments``; the same checks as ``ship_order``."""

from __future__ import annotations

import pytest
from lxml import etree
from werkzeug.test import Client

from fakes.core.fake import Fake
from fakes.legacy import LegacyBackend
from tests.fakes.legacy.helpers import NS, action, drop, envelope, line, order_file


@pytest.fixture
def order(fake: Fake, backend: LegacyBackend) -> str:
    name, data = order_file(1, [line(quantity="3")])
    drop(backend, name, data)
    fake.event("run_import")
    fake.event("set_stock", sku="SKU-000001", warehouse="WH01", quantity=5)
    fake.event("set_stock", sku="SKU-000001", warehouse="WH02", quantity=1)
    return "SO000001"


def _stock(fake: Fake, warehouse: str) -> int:
    return int(
        next(
            s["quantity"]
            for s in fake.state()["stock"]
            if s["sku"] == "SKU-000001" and s["warehouse"] == warehouse
        )
    )


def test_a_line_picked_from_two_warehouses(fake: Fake, order: str) -> None:
    shipment = fake.event(
        "ship_from_warehouses",
        erp_order_no=order,
        lines=[
            {"line_no": 1, "quantity": 2},
            {"line_no": 1, "quantity": 1, "warehouse": "WH02"},
        ],
        tracking="1Z-1",
    )
    assert [(x["quantity"], x["warehouse"]) for x in shipment["lines"]] == [
        (2, "WH01"),
        (1, "WH02"),
    ]
    assert shipment["tracking"] == "1Z-1"
    assert (_stock(fake, "WH01"), _stock(fake, "WH02")) == (3, 0)
    assert fake.state()["orders"][0]["status"] == "shipped"


def test_listshipments_shows_the_warehouse_of_each_line(
    fake: Fake, order: str, client: Client, auth: dict[str, str]
) -> None:
    fake.event(
        "ship_from_warehouses",
        erp_order_no=order,
        lines=[{"line_no": 1, "quantity": 1, "warehouse": "WH02"}],
    )
    body = envelope(
        "<tns:ListShipments><tns:since>2000-01-01T00:00:00Z</tns:since></tns:ListShipments>"
    )
    response = client.post(
        "/soap/OrderService", data=body, headers={**auth, **action("ListShipments")}
    )
    assert response.status_code == 200
    root = etree.fromstring(response.get_data())
    ns = {"t": NS}
    (shipment,) = root.findall(".//t:shipment", ns)
    assert shipment.findtext("t:tracking", namespaces=ns) == "TRK0000000001"
    warehouses = [w.text for w in shipment.findall("t:lines/t:line/t:warehouse", ns)]
    assert warehouses == ["WH02"]


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (
            [{"line_no": 1, "quantity": 2, "warehouse": "WH02"}],
            "insufficient stock of SKU-000001 in WH02",
        ),
        ([{"line_no": 1, "quantity": 2}, {"line_no": 1, "quantity": 2}], r"cannot ship 2 \(2 of 3"),
        ([{"line_no": 1, "quantity": 1, "warehouse": "WH99"}], "unknown warehouse 'WH99'"),
        ([{"line_no": 7, "quantity": 1}], "has no line 7"),
        ([], "non-empty list"),
    ],
    ids=["stock", "over", "warehouse", "line", "empty"],
)
def test_refusals_change_nothing(
    fake: Fake, order: str, lines: list[dict[str, object]], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        fake.event("ship_from_warehouses", erp_order_no=order, lines=lines)
    state = fake.state()
    assert state["shipments"] == [] and state["orders"][0]["status"] == "open"
    assert (_stock(fake, "WH01"), _stock(fake, "WH02")) == (5, 1)
