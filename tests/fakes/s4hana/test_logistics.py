"""Deliveries, goods issue, stock and billing (FM-S05, FM-S06, FM-T03, FM-T04)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
import requests

from fakes.core.bridge import FakeFleet
from fakes.core.fake import Fake, create_fake
from tests.fakes.s4hana.conftest import (
    BILLING,
    CUSTOMER,
    DELIVERY,
    MATERIAL,
    OTHER,
    SO,
    STOCK,
    create_order,
    csrf_session,
)
from tests.fakes.s4hana.test_protocol import assert_sap_error


def stock(fake: Fake, material: str, plant: str = "1010", sloc: str = "0001") -> Decimal:
    for row in fake.state()["stock"]:
        if (row["material"], row["plant"], row["storage_location"]) == (material, plant, sloc):
            return Decimal(row["quantity"])
    return Decimal(0)


def order_status(http: requests.Session, number: str) -> tuple[str, str]:
    body = http.get(f"{SO}/A_SalesOrder('{number}')").json()["d"]
    return body["OverallDeliveryStatus"], body["OverallSDProcessStatus"]


def test_partial_then_full_delivery_event(fake: Fake, http: requests.Session) -> None:
    order = create_order(http, items=[{"Material": MATERIAL, "RequestedQuantity": "5"}])
    number, before = order["SalesOrder"], stock(fake, MATERIAL)
    first = fake.event(
        "deliver",
        sales_order=number,
        items=[{"item": "10", "quantity": 2, "plant": "1010", "storage_location": "0001"}],
    )
    assert first["delivery"] == "80000000"
    assert order_status(http, number) == ("B", "B")
    assert stock(fake, MATERIAL) == before - 2
    fake.event(
        "deliver",
        sales_order=number,
        items=[{"item": "10", "quantity": 3, "plant": "1010", "storage_location": "0002"}],
    )
    assert order_status(http, number)[0] == "C"
    assert stock(fake, MATERIAL, sloc="0002") >= 0
    items = http.get(
        f"{DELIVERY}/A_OutbDeliveryItem", params={"$filter": f"ReferenceSDDocument eq '{number}'"}
    ).json()["d"]["results"]
    assert [
        (
            i["DeliveryDocumentItem"],
            i["ReferenceSDDocumentItem"],
            i["ActualDeliveryQuantity"],
            i["StorageLocation"],
            i["GoodsMovementStatus"],
        )
        for i in items
    ] == [("000010", "000010", "2.000", "0001", "C"), ("000010", "000010", "3.000", "0002", "C")]


def test_delivery_errors_leave_nothing_behind(fake: Fake, http: requests.Session) -> None:
    number = create_order(http, items=[{"Material": MATERIAL, "RequestedQuantity": "5"}])[
        "SalesOrder"
    ]
    with pytest.raises(ValueError, match="VL/068"):
        fake.event("deliver", sales_order=number, items=[{"item": "10", "quantity": 6}])
    fake.event("set_stock", material=MATERIAL, plant="1010", storage_location="0001", quantity=1)
    with pytest.raises(ValueError, match="M7/021"):
        fake.event(
            "deliver",
            sales_order=number,
            items=[{"item": "10", "quantity": 4, "plant": "1010", "storage_location": "0001"}],
        )
    assert fake.state()["deliveries"] == []
    assert stock(fake, MATERIAL) == 1
    assert order_status(http, number) == ("A", "A")


def test_blocked_orders_cannot_be_delivered(fake: Fake, http: requests.Session) -> None:
    fake.event("block_customer", customer=CUSTOMER, blocked=True, kind="delivery")
    number = create_order(http)["SalesOrder"]
    with pytest.raises(ValueError, match="delivery block"):
        fake.event("deliver", sales_order=number, items=[])
    fake.event("set_credit_limit", customer=CUSTOMER, limit=1)
    fake.event("block_customer", customer=CUSTOMER, blocked=False, kind="delivery")
    held = create_order(http)["SalesOrder"]
    with pytest.raises(ValueError, match="credit"):
        fake.event("deliver", sales_order=held, items=[])


def test_api_delivery_then_post_goods_issue(fake: Fake, http: requests.Session) -> None:
    number = create_order(
        http,
        items=[
            {"Material": MATERIAL, "RequestedQuantity": "5"},
            {"Material": OTHER, "RequestedQuantity": "1"},
        ],
    )["SalesOrder"]
    created = http.post(
        f"{DELIVERY}/A_OutbDeliveryHeader",
        json={
            "to_DeliveryDocumentItem": [
                {
                    "ReferenceSDDocument": number,
                    "ReferenceSDDocumentItem": "10",
                    "ActualDeliveryQuantity": "2",
                },
                {"ReferenceSDDocument": number, "ReferenceSDDocumentItem": "000020"},
            ]
        },
    )
    assert created.status_code == 201, created.text
    header = created.json()["d"]
    delivery = header["DeliveryDocument"]
    assert header["OverallGoodsMovementStatus"] == "A"
    assert len(header["to_DeliveryDocumentItem"]["results"]) == 2
    assert order_status(http, number) == ("B", "B")
    before = stock(fake, MATERIAL)
    refused = requests.post(
        f"{DELIVERY}/PostGoodsIssue", params={"DeliveryDocument": f"'{delivery}'"}, auth=http.auth
    )
    assert refused.status_code == 403
    posted = http.post(f"{DELIVERY}/PostGoodsIssue", params={"DeliveryDocument": f"'{delivery}'"})
    assert posted.status_code == 200 and posted.json() == {"d": {"results": []}}
    after = http.get(f"{DELIVERY}/A_OutbDeliveryHeader('{delivery}')").json()["d"]
    assert (after["OverallGoodsMovementStatus"], after["OverallPickingStatus"]) == ("C", "C")
    assert after["ActualGoodsMovementDate"] is not None
    assert stock(fake, MATERIAL) == before - 2
    again = http.post(f"{DELIVERY}/PostGoodsIssue", params={"DeliveryDocument": f"'{delivery}'"})
    assert_sap_error(again, 400, "VL/609")
    assert http.delete(f"{DELIVERY}/A_OutbDeliveryHeader('{delivery}')").status_code == 400


def test_unposted_delivery_can_be_deleted(fake: Fake, http: requests.Session) -> None:
    number = create_order(http)["SalesOrder"]
    created = http.post(
        f"{DELIVERY}/A_OutbDeliveryHeader",
        json={
            "to_DeliveryDocumentItem": [
                {"ReferenceSDDocument": number, "ReferenceSDDocumentItem": "10"}
            ]
        },
    ).json()["d"]
    assert order_status(http, number)[0] == "C"
    url = f"{DELIVERY}/A_OutbDeliveryHeader('{created['DeliveryDocument']}')"
    assert http.delete(url, headers={"If-Match": created["__metadata"]["etag"]}).status_code == 204
    assert order_status(http, number) == ("A", "A")
    assert http.delete(f"{SO}/A_SalesOrder('{number}')").status_code == 204


def test_delivery_api_errors(http: requests.Session) -> None:
    number = create_order(http)["SalesOrder"]
    for items, code in [
        ([], "V1/102"),
        ([{"ReferenceSDDocument": number, "ReferenceSDDocumentItem": "90"}], "V1/025"),
        (
            [
                {
                    "ReferenceSDDocument": number,
                    "ReferenceSDDocumentItem": "10",
                    "ActualDeliveryQuantity": "9",
                }
            ],
            "VL/068",
        ),
    ]:
        response = http.post(
            f"{DELIVERY}/A_OutbDeliveryHeader", json={"to_DeliveryDocumentItem": items}
        )
        assert_sap_error(response, 400, code)


def test_stock_reads_and_set_stock_event(fake: Fake, http: requests.Session) -> None:
    fake.event("set_stock", material=MATERIAL, plant="1020", storage_location="0001", quantity=42)
    rows = http.get(
        f"{STOCK}/A_MatlStkInAcctMod",
        params={"$filter": f"Material eq '{MATERIAL}' and Plant eq '1020'"},
    ).json()["d"]["results"]
    assert [
        (r["StorageLocation"], r["MatlWrhsStkQtyInMatlBaseUnit"], r["InventoryStockType"])
        for r in rows
    ] == [("0001", "42", "01")]
    nav = http.get(f"{STOCK}/A_MaterialStock('{MATERIAL}')/to_MatlStkInAcctMod/$count").text
    assert nav == "3"
    with pytest.raises(ValueError):
        fake.event(
            "set_stock", material=MATERIAL, plant="9999", storage_location="0001", quantity=1
        )


def test_invoice_and_credit_memo_reconcile_per_order(fake: Fake, http: requests.Session) -> None:
    order = create_order(http, items=[{"Material": MATERIAL, "RequestedQuantity": "4"}])
    number, total = order["SalesOrder"], Decimal(order["TotalNetAmount"])
    with pytest.raises(ValueError):
        fake.event("bill", sales_order=number)
    fake.event("deliver", sales_order=number, items=[{"item": "10", "quantity": 4}])
    invoice = fake.event("bill", sales_order=number)
    memo = fake.event("credit_memo", sales_order=number, items=[{"item": "10", "quantity": 1}])
    docs = http.get(f"{BILLING}/A_BillingDocument", params={"$expand": "to_Item"}).json()["d"][
        "results"
    ]
    by_type = {d["BillingDocumentType"]: d for d in docs}
    assert by_type["F2"]["BillingDocument"] == invoice["billing_document"] == "90000000"
    assert Decimal(by_type["F2"]["TotalNetAmount"]) == total
    assert Decimal(by_type["G2"]["TotalNetAmount"]) == total / 4
    assert by_type["G2"]["SDDocumentCategory"] == "O" and memo["billing_document"] == "90000001"
    item = by_type["F2"]["to_Item"]["results"][0]
    assert (
        item["SalesDocument"],
        item["SalesDocumentItem"],
        item["ReferenceSDDocumentCategory"],
    ) == (number, "10", "J")
    assert order_status(http, number) == ("C", "C")
    with pytest.raises(ValueError):
        fake.event("credit_memo", sales_order=number, items=[{"item": "10", "quantity": 4}])


def test_auto_bill_on_goods_issue() -> None:
    fake = create_fake("s4hana", seed=1, options={"auto_bill": True})
    with FakeFleet({"s4hana": fake}):
        http = csrf_session(fake)
        number = create_order(http)["SalesOrder"]
        fake.event("deliver", sales_order=number, items=[])
        docs = fake.state()["billingDocuments"]
        assert [d["items"][0]["SalesDocument"] for d in docs] == [number]


def test_snapshot_shape(fake: Fake, http: requests.Session) -> None:
    number = create_order(http)["SalesOrder"]
    fake.event("deliver", sales_order=number, items=[{"item": "10", "quantity": 1}])
    state = fake.state()
    assert set(state) == {
        "salesOrders",
        "deliveries",
        "billingDocuments",
        "creditMemoRequests",
        "customerReturns",
        "businessPartners",
        "stock",
    }
    order = state["salesOrders"][0]
    assert order["items"][0]["deliveredQuantity"] == "1"
    assert state["deliveries"][0]["items"][0]["ReferenceSDDocument"] == number
    partner = state["businessPartners"][0]
    assert partner["salesAreas"][0]["SalesOrganization"] == "1010"
    assert json.loads(json.dumps(state)) == state
