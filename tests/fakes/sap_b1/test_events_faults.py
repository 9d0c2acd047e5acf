"""Control-plane events, vendor faults, core faults in the SL shape, seed, snapshot."""

from __future__ import annotations

import json

import pytest
from werkzeug.test import Client

from fakes.core.fake import Fake
from fakes.sap_b1 import SPEC
from tests.fakes.sap_b1.helpers import SL, error_of

ITEM = "SKU-000003"


@pytest.fixture
def order(sl: SL) -> dict:
    for whs in ("01", "02"):
        sl.fake.event("set_stock", item_code=ITEM, warehouse=whs, in_stock=10)
    return sl.order([{"ItemCode": ITEM, "Quantity": 4, "WarehouseCode": "01"},
                     {"ItemCode": "SKU-000004", "Quantity": 1}])


def test_deliver_event_splits_an_order_over_two_warehouses(sl: SL, order: dict) -> None:
    entry = order["DocEntry"]
    first = sl.fake.event("deliver", doc_entry=entry,
                          lines=[{"line_num": 0, "quantity": 3, "warehouse": "01"}])
    second = sl.fake.event("deliver", doc_entry=entry,
                           lines=[{"line_num": 0, "quantity": 1, "warehouse": "02"}])
    deliveries = sl.fake.state()["DeliveryNotes"]
    assert [d["DocEntry"] for d in deliveries] == [first, second]
    assert [(d["DocumentLines"][0]["WarehouseCode"], d["DocumentLines"][0]["Quantity"])
            for d in deliveries] == [("01", 3.0), ("02", 1.0)]
    assert sl.stock(ITEM, "01") == {"InStock": 7.0, "Committed": 0.0, "Ordered": 0.0}
    assert sl.stock(ITEM, "02")["InStock"] == 9.0
    line = sl.get(f"Orders({entry})").get_json()["DocumentLines"][0]
    assert (line["RemainingOpenQuantity"], line["LineStatus"]) == (0.0, "bost_Close")


def test_deliver_event_without_lines_ships_everything_open(sl: SL, order: dict) -> None:
    sl.fake.event("deliver", doc_entry=order["DocEntry"])
    assert sl.get(f"Orders({order['DocEntry']})").get_json()["DocumentStatus"] == "bost_Close"
    invoice = sl.fake.event("invoice", doc_entry=1)
    assert sl.get(f"Invoices({invoice})").get_json()["DocTotal"] == order["DocTotal"]


def test_event_errors_are_value_errors(sl: SL, order: dict) -> None:
    with pytest.raises(ValueError, match="-5002"):
        sl.fake.event("deliver", doc_entry=order["DocEntry"],
                      lines=[{"line_num": 0, "quantity": 99}])
    with pytest.raises(KeyError):
        sl.fake.event("deliver", doc_entry=999)
    with pytest.raises(KeyError):
        sl.fake.event("set_stock", item_code="NOPE", warehouse="01", in_stock=1)


def test_cancel_order_event(sl: SL, order: dict) -> None:
    assert sl.fake.event("cancel_order", doc_entry=order["DocEntry"]) == "cancelled"
    body = sl.get(f"Orders({order['DocEntry']})").get_json()
    assert body["Cancelled"] == "tYES"
    assert sl.stock(ITEM)["Committed"] == 0.0


def test_events_over_the_control_plane(fake: Fake) -> None:
    client = Client(fake.wsgi)
    response = client.post("/__harness__/events", json={
        "name": "freeze_partner", "payload": {"card_code": "C00002", "frozen": True}})
    assert response.get_json() == {"event": "freeze_partner", "result": "tYES"}
    bad = client.post("/__harness__/events", json={"name": "cancel_order",
                                                   "payload": {"doc_entry": 5}})
    assert bad.status_code == 400
    index = client.get("/__harness__/").get_json()
    assert {"expire_sessions", "deliver", "cancel_order", "set_stock",
            "freeze_partner"} <= set(index["events"])
    assert set(index["vendor_faults"]) == {"invalid_session", "transaction_notification"}


def test_invalid_session_fault_drops_the_session(sl: SL) -> None:
    sl.fake.add_fault({"target": {"path": "/Items"},
                       "effect": {"kind": "vendor", "name": "invalid_session"},
                       "trigger": {"first": 1}})
    assert error_of(sl.get("Items"))[:2] == (401, 301)
    assert sl.get("Warehouses").status_code == 401
    assert sl.login().status_code == 200
    assert sl.get("Items").status_code == 200


def test_transaction_notification_fault(sl: SL) -> None:
    sl.fake.add_fault({"target": {"method": "POST", "path": "/Orders$"},
                       "effect": {"kind": "vendor", "name": "transaction_notification",
                                  "params": {"message": "(TN) Source key exists"}}})
    response = sl.post("Orders", {"CardCode": "C00001", "DocDueDate": "2026-01-10",
                                  "DocumentLines": [{"ItemCode": ITEM}]})
    assert error_of(response) == (400, -1, "(TN) Source key exists")
    assert sl.fake.state()["Orders"] == []


@pytest.mark.parametrize(
    ("effect", "status", "code"),
    [
        ({"kind": "http_error", "status": 503}, 503, -1),
        ({"kind": "http_error", "status": 400, "code": "-5002", "message": "boom"}, 400, -5002),
        ({"kind": "throttle", "retry_after_s": 5}, 429, -1),
        ({"kind": "http_error", "status": 401}, 401, 301),
    ],
)
def test_core_faults_use_the_sl_error_shape(sl: SL, effect: dict, status: int, code: int) -> None:
    sl.fake.add_fault({"target": {"path": "/Items"}, "effect": effect, "trigger": {"first": 1}})
    response = sl.get("Items")
    body = response.get_json()
    assert (response.status_code, body["error"]["code"]) == (status, code)
    assert body["error"]["message"]["lang"] == "en-us"
    if status == 429:
        assert response.headers["Retry-After"] == "5"


def test_internal_errors_are_sl_shaped(sl: SL, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("kaput")

    monkeypatch.setattr(type(sl.fake.backend), "rows", boom)
    response = sl.get("Items")
    assert response.status_code == 500
    assert response.get_json()["error"]["message"]["value"] == "Internal error: RuntimeError"


def test_silent_drop_answers_201_but_keeps_nothing(sl: SL) -> None:
    sl.fake.add_fault({"target": {"method": "POST", "path": "/Orders$"},
                       "effect": {"kind": "silent_drop"}})
    response = sl.post("Orders", {"CardCode": "C00001", "DocDueDate": "2026-01-10",
                                  "DocumentLines": [{"ItemCode": ITEM}]})
    assert response.status_code == 201
    assert sl.fake.state()["Orders"] == []


def test_seed_follows_the_profile() -> None:
    profile = {"items": {"SKU-000001": "A-1"}, "locations": {"wh-north": "NORTH"},
               "accounts": {}}
    fake = Fake(SPEC, seed=3, profile=profile)
    email = fake.ctx.dataset.customers[0].email
    fake = Fake(SPEC, seed=3, profile={**profile, "accounts": {email: "CUST-1"}})
    state = fake.state()
    assert {w["WarehouseCode"] for w in state["Warehouses"]} == {"01", "NORTH", "03"}
    item = next(i for i in state["Items"] if i["ItemCode"] == "A-1")
    product = fake.ctx.dataset.products[0]
    assert item["ItemPrices"][0]["Price"] == float(product.price)
    north = next(r for r in item["ItemWarehouseInfoCollection"] if r["WarehouseCode"] == "NORTH")
    assert north["InStock"] == fake.ctx.dataset.stock[(product.sku, "wh-north")]
    partner = next(p for p in state["BusinessPartners"] if p["EmailAddress"] == email)
    assert partner["CardCode"] == "CUST-1"
    assert any(p["CardCode"] == "C00002" for p in state["BusinessPartners"])
    assert state["PriceLists"][0]["PriceListName"] == "Base Price"


def test_sources_mapped_to_one_warehouse_share_its_stock() -> None:
    fake = Fake(SPEC, seed=3, profile={"locations": {"wh-north": "01", "wh-south": "01"}})
    product = fake.ctx.dataset.products[0]
    item = next(i for i in fake.state()["Items"] if i["ItemCode"] == product.sku)
    assert [r["WarehouseCode"] for r in item["ItemWarehouseInfoCollection"]] == ["01"]
    total = sum(fake.ctx.dataset.stock[(product.sku, s)] for s in fake.ctx.dataset.sources)
    assert item["ItemWarehouseInfoCollection"][0]["InStock"] == total


def test_snapshot_is_json_and_deterministic(sl: SL, order: dict) -> None:
    state = sl.fake.state()
    assert set(state) == {"Orders", "DeliveryNotes", "Invoices", "CreditNotes", "Returns",
                          "BusinessPartners", "Items", "Warehouses", "PriceLists",
                          "SpecialPrices", "sessions"}
    assert state["sessions"] == 1
    assert state["Orders"][0]["DocumentLines"][1]["ItemCode"] == "SKU-000004"
    json.dumps(state)
    twin = SL(Fake(SPEC, seed=7))
    twin.login()
    for whs in ("01", "02"):
        twin.fake.event("set_stock", item_code=ITEM, warehouse=whs, in_stock=10)
    twin.order([{"ItemCode": ITEM, "Quantity": 4, "WarehouseCode": "01"},
                {"ItemCode": "SKU-000004", "Quantity": 1}])
    assert twin.fake.state() == state


def test_reset_restores_the_seed(sl: SL, order: dict) -> None:
    sl.fake.reset()
    state = sl.fake.state()
    assert state["Orders"] == [] and state["sessions"] == 0
    assert state == Fake(SPEC, seed=7).state()
