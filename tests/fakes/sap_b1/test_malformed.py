"""Malformed requests get Service Layer 4xx errors, never a 500 or a traceback."""

from __future__ import annotations

import pytest

from tests.fakes.sap_b1.helpers import SL

CASES = [
    ("GET", "Orders(1", None),
    ("GET", "Orders()", None),
    ("GET", "Orders(1)/DocumentLines", None),
    ("GET", "BusinessPartners(CardCode='a',X='b')", None),
    ("GET", "SpecialPrices('C00001')", None),
    ("GET", "Orders?$filter=DocEntry eq 1e999", None),
    ("GET", "Orders?$filter=DocTotal gt 'abc'", None),
    ("GET", "Orders?$filter=DocDate eq 'yesterday'", None),
    ("GET", "Orders?$filter=DocumentLines eq 1", None),
    ("GET", "Orders?$filter=startswith(CardCode)", None),
    ("GET", "Orders?$orderby=DocEntry sideways", None),
    ("GET", "Orders?$skip=x", None),
    ("POST", "Orders", None),
    ("POST", "Orders", [1, 2]),
    ("POST", "Orders", {"CardCode": "C00001", "DocDueDate": "2026-01-10",
                        "DocumentLines": [{"ItemCode": "SKU-000001", "Quantity": 1e309}]}),
    ("POST", "Orders", {"CardCode": "C00001", "DocDueDate": "2026-01-10",
                        "DocumentLines": [{"ItemCode": "SKU-000001", "U_X": {"a": 1}}]}),
    ("POST", "Orders", {"CardCode": ["C00001"]}),
    ("POST", "Orders", {"CardCode": "C00001", "DocDueDate": "2026-01-10",
                        "DocumentLines": [{"BaseType": "x"}]}),
    ("POST", "BusinessPartners", {"CardName": "no code"}),
    ("POST", "BusinessPartners", {"CardCode": "C00001"}),
    ("POST", "BusinessPartners", {"CardCode": "N1", "BPAddresses": {"x": 1}}),
    ("POST", "Items", {"ItemCode": "SKU-000001"}),
    ("POST", "Items", {"ItemCode": "N1", "ItemWarehouseInfoCollection": [
        {"WarehouseCode": "99"}]}),
    ("POST", "Items", {"ItemCode": "N2", "ItemWarehouseInfoCollection": [
        {"WarehouseCode": "01", "InStock": 5}]}),
    ("POST", "Warehouses", {"WarehouseCode": "01"}),
    ("POST", "SpecialPrices", {"CardCode": "NOPE", "ItemCode": "SKU-000001"}),
    ("PATCH", "BusinessPartners('C00001')", None),
    ("PATCH", "BusinessPartners('C00001')", "text"),
    ("PATCH", "BusinessPartners('C00001')", {"CardCode": "OTHER"}),
    ("PATCH", "BusinessPartners('C00001')", {"CurrentAccountBalance": 5}),
    ("PATCH", "Items('SKU-000001')", {"ItemWarehouseInfoCollection": [
        {"WarehouseCode": "01", "InStock": 99999}]}),
    ("DELETE", "Warehouses('01')", None),
    ("PATCH", "Orders", {"Comments": "x"}),
    ("POST", "Items('SKU-000001')/Close", None),
    ("POST", "Orders(1)/Explode", None),
    ("DELETE", "Orders(77)", None),
]


@pytest.mark.parametrize(("method", "path", "body"), CASES)
def test_malformed_requests_get_sl_errors(sl: SL, method: str, path: str, body: object) -> None:
    sl.order()
    kwargs = {} if body is None else {"json": body}
    response = sl.client.open(sl.url(path), method=method, headers=sl._headers(None), **kwargs)
    assert 400 <= response.status_code < 500, (response.status_code, response.data[:300])
    error = response.get_json()["error"]
    assert isinstance(error["code"], int) and error["message"]["lang"] == "en-us"


def test_master_data_round_trip(sl: SL) -> None:
    created = sl.post("BusinessPartners", {"CardCode": "W1", "CardName": "Web customer",
                                           "CardType": "C", "EmailAddress": "w@example.com",
                                           "BPAddresses": [{"AddressName": "Ship To",
                                                            "AddressType": "S"}]})
    assert created.status_code == 201
    body = created.get_json()
    assert (body["CardType"], body["BPAddresses"][0]["AddressType"]) == ("cCustomer", "bo_ShipTo")
    assert body["BPAddresses"][0]["RowNum"] == 0 and body["BPAddresses"][0]["BPCode"] == "W1"
    patch = sl.patch("BusinessPartners('W1')", {"BPAddresses": [
        {"AddressName": "Bill To", "AddressType": "bo_BillTo"}]})
    assert patch.status_code == 204
    rows = sl.get("BusinessPartners('W1')").get_json()["BPAddresses"]
    assert [r["RowNum"] for r in rows] == [0, 1]
    item = sl.post("Items", {"ItemCode": "NEW-1", "ItemName": "New",
                             "ItemPrices": [{"PriceList": 1, "Price": 12.5}]})
    assert item.status_code == 201
    rows = item.get_json()["ItemWarehouseInfoCollection"]
    assert {r["WarehouseCode"] for r in rows} == {"01", "02", "03"}
    assert all(r["InStock"] == 0.0 for r in rows)
    assert sl.order([{"ItemCode": "NEW-1"}], CardCode="W1")["DocTotal"] == 12.5
    assert sl.delete("Items('NEW-1')").status_code == 400
    assert sl.post("Warehouses", {"WarehouseCode": "04", "WarehouseName": "Annex"}
                   ).status_code == 201
    stock = sl.get("Items('NEW-1')").get_json()["ItemWarehouseInfoCollection"]
    assert "04" in {r["WarehouseCode"] for r in stock}
    assert sl.delete("Warehouses('04')").status_code == 204
    price_list = sl.post("PriceLists", {"PriceListName": "Wholesale", "Factor": 0.9})
    assert price_list.get_json()["PriceListNo"] == 2
    prices = sl.get("Items('NEW-1')").get_json()["ItemPrices"]
    assert [(p["PriceList"], p["Price"]) for p in prices] == [(1, 12.5), (2, 11.25)]
