"""Sales orders: deep insert, numbering, pricing, partner and material checks, blocks, changes."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import requests
from werkzeug.test import Client

from fakes.core.bridge import FakeFleet
from fakes.core.fake import Fake, create_fake
from tests.fakes.s4hana.conftest import (
    BP,
    CUSTOMER,
    MATERIAL,
    OTHER,
    SO,
    basic,
    create_order,
    csrf_session,
    order_body,
)
from tests.fakes.s4hana.test_protocol import assert_sap_error


def price(fake: Fake, material: str) -> Decimal:
    return fake.backend.prices[material]  # type: ignore[attr-defined,no-any-return]


def test_deep_insert_accepts_results_wrapper_and_plain_list(
    fake: Fake, http: requests.Session
) -> None:
    items = [
        {"Material": MATERIAL, "RequestedQuantity": "2"},
        {"Material": OTHER, "RequestedQuantity": "1"},
    ]
    wrapped = create_order(http, items={"results": items})
    plain = create_order(http, items=items)
    for order in (wrapped, plain):
        assert [i["SalesOrderItem"] for i in order["to_Item"]["results"]] == ["10", "20"]
    assert (wrapped["SalesOrder"], plain["SalesOrder"]) == ("1", "2")
    expected = (price(fake, MATERIAL) * 2 + price(fake, OTHER)).quantize(Decimal("0.01"))
    assert Decimal(plain["TotalNetAmount"]) == expected
    item = plain["to_Item"]["results"][0]
    assert item["NetAmount"] == f"{price(fake, MATERIAL) * 2:.2f}"
    assert (item["RequestedQuantity"], item["RequestedQuantityUnit"]) == ("2", "PC")
    assert (item["ProductionPlant"], item["SalesOrderItemCategory"]) == ("1010", "TAN")


def test_header_defaults_and_statuses(http: requests.Session) -> None:
    order = create_order(http)
    assert (order["TransactionCurrency"], order["CustomerPaymentTerms"]) == ("EUR", "0001")
    assert order["OverallSDProcessStatus"] == order["OverallDeliveryStatus"] == "A"
    assert (order["DeliveryBlockReason"], order["HeaderBillingBlockReason"]) == ("", "")
    assert order["CreatedByUser"] == "S4_COMM_USER"


def test_order_without_items_is_allowed(http: requests.Session) -> None:
    order = create_order(http, items=[])
    assert order["TotalNetAmount"] == "0.00" and order["to_Item"] == {"results": []}


def test_duplicate_customer_reference_creates_a_second_order(
    fake: Fake, http: requests.Session
) -> None:
    first, second = create_order(http), create_order(http)
    assert first["SalesOrder"] != second["SalesOrder"]
    refs = [o["PurchaseOrderByCustomer"] for o in fake.state()["salesOrders"]]
    assert refs == ["MAGENTO-100000001", "MAGENTO-100000001"]
    found = http.get(
        f"{SO}/A_SalesOrder",
        params={
            "$filter": f"SoldToParty eq '{CUSTOMER}' and "
            "PurchaseOrderByCustomer eq 'MAGENTO-100000001'",
            "$inlinecount": "allpages",
        },
    ).json()["d"]
    assert found["__count"] == "2"


def test_manual_price_condition(http: requests.Session) -> None:
    order = create_order(
        http,
        items=[
            {
                "Material": MATERIAL,
                "RequestedQuantity": "3",
                "to_PricingElement": [{"ConditionType": "PPR0", "ConditionRateValue": "9.99"}],
            }
        ],
    )
    assert order["TotalNetAmount"] == "29.97"
    element = http.get(
        f"{SO}/A_SalesOrderItem(SalesOrder='{order['SalesOrder']}',SalesOrderItem='10')/to_PricingElement"
    ).json()["d"]["results"][0]
    assert (element["ConditionType"], element["ConditionAmount"]) == ("PPR0", "29.97")
    assert element["ConditionIsManuallyChanged"] is True


def test_price_can_be_changed_through_the_pricing_element(http: requests.Session) -> None:
    order = create_order(http, items=[{"Material": MATERIAL, "RequestedQuantity": "2"}])
    element = (
        f"{SO}/A_SalesOrderItemPrElement(SalesOrder='{order['SalesOrder']}',SalesOrderItem='10',"
        "PricingProcedureStep='10',PricingProcedureCounter='1')"
    )
    assert http.patch(element, json={"ConditionRateValue": "1.5"}).status_code == 204
    header = http.get(f"{SO}/A_SalesOrder('{order['SalesOrder']}')").json()["d"]
    assert header["TotalNetAmount"] == "3.00"
    assert http.get(element).json()["d"]["ConditionIsManuallyChanged"] is True


def _rejected(http: requests.Session, body: dict[str, Any], code: str) -> dict[str, Any]:
    response = http.post(f"{SO}/A_SalesOrder", json=body)
    error = assert_sap_error(response, 400, code)
    assert error["innererror"]["errordetails"][-1]["code"] == "/IWBEP/CX_MGW_BUSI_EXCEPTION"
    return error


def test_unknown_sold_to_party_is_rejected(fake: Fake, http: requests.Session) -> None:
    error = _rejected(http, order_body(SoldToParty="99999999"), "V1/302")
    assert "99999999" in error["message"]["value"]
    assert error["innererror"]["errordetails"][0]["target"] == "SoldToParty"
    assert fake.state()["salesOrders"] == []


def test_sold_to_party_needs_the_sales_area(http: requests.Session) -> None:
    error = _rejected(http, order_body(SalesOrganization="1710"), "VP/200")
    assert "1710 10 00" in error["message"]["value"]


def test_required_fields_and_order_type(http: requests.Session) -> None:
    body = order_body()
    del body["SoldToParty"]
    _rejected(http, body, "V1/102")
    _rejected(http, order_body(SalesOrderType="ZZ"), "V1/010")


def test_material_checks(fake: Fake, http: requests.Session) -> None:
    _rejected(http, order_body(items=[{"Material": "NOPE", "RequestedQuantity": "1"}]), "V1/381")
    not_extended = [{"Material": MATERIAL, "RequestedQuantity": "1", "ProductionPlant": "1710"}]
    _rejected(http, order_body(items=not_extended), "M3/305")
    bad_sloc = [{"Material": MATERIAL, "RequestedQuantity": "1", "StorageLocation": "0009"}]
    _rejected(http, order_body(items=bad_sloc), "M3/308")
    _rejected(http, order_body(items=[{"Material": MATERIAL, "RequestedQuantity": "0"}]), "V1/384")
    wrong_unit = [{"Material": MATERIAL, "RequestedQuantity": "1", "RequestedQuantityUnit": "KG"}]
    _rejected(http, order_body(items=wrong_unit), "V1/383")
    assert fake.state()["salesOrders"] == []


def test_order_block_rejects_orders(fake: Fake, http: requests.Session) -> None:
    fake.event("block_customer", customer=CUSTOMER, blocked=True)
    error = _rejected(http, order_body(), "V1/462")
    assert "order block 01" in error["message"]["value"]
    area = http.get(
        f"{BP}/A_CustomerSalesArea(Customer='{CUSTOMER}',SalesOrganization='1010',"
        "DistributionChannel='10',Division='00')"
    ).json()["d"]
    assert area["OrderIsBlockedForCustomer"] == "01"
    fake.event("block_customer", customer=CUSTOMER, blocked=False)
    create_order(http)


def test_order_block_policy_hold_creates_with_delivery_block() -> None:
    fake = create_fake("s4hana", seed=1, options={"order_block_policy": "hold"})
    with FakeFleet({"s4hana": fake}):
        http = csrf_session(fake)
        fake.event("block_customer", customer=CUSTOMER, blocked=True)
        order = create_order(http)
        assert order["DeliveryBlockReason"] == "01"


def test_delivery_and_billing_blocks_are_copied(fake: Fake, http: requests.Session) -> None:
    fake.event("block_customer", customer=CUSTOMER, blocked=True, kind="delivery")
    fake.event("block_customer", customer=CUSTOMER, blocked=True, kind="billing")
    order = create_order(http)
    assert (order["DeliveryBlockReason"], order["HeaderBillingBlockReason"]) == ("01", "01")


def test_block_customer_patch_through_the_api(http: requests.Session) -> None:
    url = f"{BP}/A_Customer('{CUSTOMER}')"
    assert http.patch(url, json={"OrderIsBlockedForCustomer": "01"}).status_code == 204
    _rejected(http, order_body(), "V1/462")


def test_credit_limit_warning_in_sap_message(fake: Fake, http: requests.Session) -> None:
    fake.event("set_credit_limit", customer=CUSTOMER, limit="10")
    response = http.post(f"{SO}/A_SalesOrder", json=order_body())
    assert response.status_code == 201
    message = json.loads(response.headers["sap-message"])
    assert message["severity"] == "warning" and message["details"] == []
    assert {"code", "message", "severity", "details", "target"} == set(message)
    assert response.json()["d"]["TotalCreditCheckStatus"] == "B"
    fake.event("set_credit_limit", customer=CUSTOMER, limit=None)
    assert "sap-message" not in http.post(f"{SO}/A_SalesOrder", json=order_body()).headers


def test_update_header_and_item(http: requests.Session) -> None:
    order = create_order(http)
    number = order["SalesOrder"]
    header = f"{SO}/A_SalesOrder('{number}')"
    assert (
        http.patch(header, json={"RequestedDeliveryDate": "/Date(1770000000000)/"}).status_code
        == 204
    )
    assert http.get(header).json()["d"]["RequestedDeliveryDate"] == "/Date(1770000000000)/"
    assert_sap_error(http.patch(header, json={"SalesOrganization": "1710"}), 400, "V1/019")
    item = f"{SO}/A_SalesOrderItem(SalesOrder='{number}',SalesOrderItem='10')"
    assert http.patch(item, json={"RequestedQuantity": "5"}).status_code == 204
    changed = http.get(item).json()["d"]
    assert changed["RequestedQuantity"] == "5"
    assert http.get(header).json()["d"]["TotalNetAmount"] == changed["NetAmount"]
    assert Decimal(changed["NetAmount"]) == 5 * Decimal(order["TotalNetAmount"]) / 2


def test_merge_method_over_wsgi(fake: Fake) -> None:
    client = Client(fake.wsgi)
    token = client.get(
        "/sap/opu/odata/sap/API_SALES_ORDER_SRV/", headers={**basic(fake), "x-csrf-token": "fetch"}
    ).headers["x-csrf-token"]
    headers = {**basic(fake), "x-csrf-token": token}
    path = "/sap/opu/odata/sap/API_SALES_ORDER_SRV"
    assert (
        client.post(f"{path}/A_SalesOrder", json=order_body(), headers=headers).status_code == 201
    )
    merged = client.open(
        f"{path}/A_SalesOrder('1')",
        method="MERGE",
        json={"PurchaseOrderByCustomer": "M"},
        headers=headers,
    )
    assert merged.status_code == 204
    assert fake.state()["salesOrders"][0]["PurchaseOrderByCustomer"] == "M"


def test_items_can_be_added_and_deleted(http: requests.Session) -> None:
    order = create_order(http)
    number = order["SalesOrder"]
    added = http.post(
        f"{SO}/A_SalesOrder('{number}')/to_Item", json={"Material": OTHER, "RequestedQuantity": "4"}
    )
    assert added.status_code == 201 and added.json()["d"]["SalesOrderItem"] == "20"
    standalone = http.post(
        f"{SO}/A_SalesOrderItem",
        json={"SalesOrder": number, "Material": OTHER, "RequestedQuantity": "1"},
    )
    assert standalone.json()["d"]["SalesOrderItem"] == "30"
    item = f"{SO}/A_SalesOrderItem(SalesOrder='{number}',SalesOrderItem='20')"
    assert http.delete(item).status_code == 204
    assert http.get(f"{SO}/A_SalesOrder('{number}')/to_Item/$count").text == "2"
    assert http.delete(f"{SO}/A_SalesOrder('{number}')").status_code == 204
    assert http.get(f"{SO}/A_SalesOrder('{number}')").status_code == 404
    assert http.get(f"{SO}/A_SalesOrderItem/$count").text == "0"


def test_cancel_order_event_rejects_items(fake: Fake, http: requests.Session) -> None:
    order = create_order(http)
    result = fake.event("cancel_order", sales_order=order["SalesOrder"])
    assert result == {"sales_order": order["SalesOrder"], "rejected_items": ["10"]}
    body = http.get(f"{SO}/A_SalesOrder('{order['SalesOrder']}')?$expand=to_Item").json()["d"]
    assert body["OverallSDDocumentRejectionSts"] == "C"
    assert body["OverallSDProcessStatus"] == "C"
    assert body["to_Item"]["results"][0]["SalesDocumentRjcnReason"] == "10"
    assert body["TotalNetAmount"] == "0.00"
    assert body["__metadata"]["etag"] != order["__metadata"]["etag"]


def test_given_item_numbers_are_kept_and_checked(fake: Fake, http: requests.Session) -> None:
    order = create_order(
        http,
        items=[
            {"Material": MATERIAL, "RequestedQuantity": "1", "SalesOrderItem": "000100"},
            {"Material": OTHER, "RequestedQuantity": "1"},
        ],
    )
    assert [i["SalesOrderItem"] for i in order["to_Item"]["results"]] == ["100", "110"]
    twice = [{"Material": MATERIAL, "RequestedQuantity": "1", "SalesOrderItem": "10"}] * 2
    _rejected(http, order_body(items=twice), "V1/025")
    assert len(fake.state()["salesOrders"]) == 1
    assert create_order(http)["SalesOrder"] == "2"
