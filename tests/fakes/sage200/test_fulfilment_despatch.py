"""The warehouse's ``despatch`` event with a consignment number, after an operator moved a
line to another warehouse (``amend_order``): the line views show warehouse and tracking."""

from __future__ import annotations

from typing import Any

import pytest

from fakes.core.fake import Fake
from tests.fakes.sage200.conftest import SageClient


def _order(api: SageClient) -> dict[str, Any]:
    lines = [
        {"code": api.product(0)["code"], "line_quantity": 2},
        {"code": api.product(1)["code"], "line_quantity": 1},
    ]
    return api.order(lines, customer_document_no="mage-default-000000001")  # type: ignore[no-any-return]


def _other_site(api: SageClient, product_id: int, current: int) -> int:
    rows = api.json("GET", f"/warehouse_holdings?$filter=product_id eq {product_id}")
    return int(next(r["warehouse_id"] for r in rows if r["warehouse_id"] != current))


def test_a_despatch_from_two_warehouses_with_a_consignment_number(
    api: SageClient, fake: Fake
) -> None:
    order = _order(api)
    first, second = order["lines"]
    site = _other_site(api, second["product_id"], second["warehouse_id"])
    fake.event(
        "amend_order",
        id=order["id"],
        changes={"lines": [{"id": second["id"], "warehouse_id": site}]},
    )
    done = fake.event(
        "despatch",
        id=order["id"],
        lines=[{"line_id": first["id"], "quantity": 2}, {"line_id": second["id"], "quantity": 1}],
        consignment_no="1Z-9",
    )
    views = api.json("GET", "/sop_order_despatch_line_views")
    assert sorted((v["sop_order_line_id"], v["warehouse_id"]) for v in views) == sorted(
        [(first["id"], first["warehouse_id"]), (second["id"], site)]
    )
    assert {v["sop_despatch_consignment_no"] for v in views} == {"1Z-9"}
    assert {v["sop_order_customer_document_no"] for v in views} == {"mage-default-000000001"}
    receipt = api.json("GET", f"/sop_despatch_receipts/{done['despatch_id']}")
    assert receipt["consignment_no"] == "1Z-9"


def test_a_despatch_without_a_consignment_number_has_none(api: SageClient, fake: Fake) -> None:
    order = _order(api)
    fake.event(
        "despatch", id=order["id"], lines=[{"line_id": order["lines"][0]["id"], "quantity": 1}]
    )
    (view,) = api.json("GET", "/sop_order_despatch_line_views")
    assert view.get("sop_despatch_consignment_no") is None


def test_a_despatched_line_cannot_move_warehouse(api: SageClient, fake: Fake) -> None:
    order = _order(api)
    line = order["lines"][0]
    fake.event("despatch", id=order["id"], lines=[{"line_id": line["id"], "quantity": 1}])
    site = _other_site(api, line["product_id"], line["warehouse_id"])
    with pytest.raises(ValueError, match="warehouse of a despatched line cannot be changed"):
        fake.event(
            "amend_order",
            id=order["id"],
            changes={"lines": [{"id": line["id"], "warehouse_id": site}]},
        )
