"""Seeding through the profile, determinism, business partner creation, the control plane."""

from __future__ import annotations

import requests

from fakes.core.bridge import FakeFleet
from fakes.core.fake import Fake, create_fake
from tests.fakes.s4hana.conftest import BP, PRODUCT, SO, create_order, csrf_session
from tests.fakes.s4hana.test_protocol import assert_sap_error

PROFILE = {
    "items": {"SKU-000001": "TG11"},
    "locations": {"default": "1710/171A", "wh-north": "1710/171B", "wh-south": "1720/172A"},
    "accounts": {},
}


def test_profile_maps_materials_locations_and_accounts() -> None:
    base = create_fake("s4hana", seed=3)
    email = base.ctx.dataset.customers[0].email
    fake = create_fake("s4hana", seed=3, profile={**PROFILE, "accounts": {email: "17100001"}})
    state = fake.state()
    places = {(r["material"], r["plant"], r["storage_location"]) for r in state["stock"]}
    assert ("TG11", "1710", "171A") in places and ("TG11", "1720", "172A") in places
    assert not any(m == "SKU-000001" for m, _, _ in places)
    partners = [p["BusinessPartner"] for p in state["businessPartners"]]
    assert partners[0] == "17100001" and partners[1] == "10000002"
    dataset = fake.ctx.dataset
    expected = sum(
        q for (sku, src), q in dataset.stock.items() if sku == "SKU-000001" and src == "default"
    )
    row = next(
        r for r in state["stock"] if (r["material"], r["storage_location"]) == ("TG11", "171A")
    )
    assert int(row["quantity"]) == expected


def test_default_locations_and_sales_area(fake: Fake) -> None:
    state = fake.state()
    places = {(r["plant"], r["storage_location"]) for r in state["stock"]}
    assert places == {("1010", "0001"), ("1010", "0002"), ("1020", "0001")}
    area = state["businessPartners"][0]["salesAreas"][0]
    assert (area["SalesOrganization"], area["DistributionChannel"], area["Division"]) == (
        "1010",
        "10",
        "00",
    )


def test_same_seed_same_state_and_answers() -> None:
    answers = []
    for _ in range(2):
        fake = create_fake("s4hana", seed=9)
        with FakeFleet({"s4hana": fake}):
            http = csrf_session(fake)
            order = create_order(http)
            answers.append((fake.state(), order, http.headers["x-csrf-token"]))
    assert answers[0] == answers[1]
    assert create_fake("s4hana", seed=9).state() != create_fake("s4hana", seed=10).state()


def test_reset_restores_the_seed(fake: Fake, http: requests.Session) -> None:
    create_order(http)
    fake.reset()
    assert fake.state()["salesOrders"] == []
    assert fake.state() == create_fake("s4hana", seed=1).state()


def test_products_are_readable_with_plants(http: requests.Session) -> None:
    body = http.get(
        f"{PRODUCT}/A_Product('SKU-000001')",
        params={"$expand": "to_Plant/to_StorageLocation,to_Description"},
    ).json()["d"]
    assert body["BaseUnit"] == "PC" and body["ProductType"] == "HAWA"
    assert [p["Plant"] for p in body["to_Plant"]["results"]] == ["1010", "1020"]
    assert [
        s["StorageLocation"]
        for s in body["to_Plant"]["results"][0]["to_StorageLocation"]["results"]
    ] == ["0001", "0002"]
    assert body["to_Description"]["results"][0]["Language"] == "EN"


def test_business_partner_deep_create_then_order(fake: Fake, http: requests.Session) -> None:
    created = http.post(
        f"{BP}/A_BusinessPartner",
        json={
            "BusinessPartnerCategory": "2",
            "OrganizationBPName1": "New Shop Ltd",
            "to_BusinessPartnerAddress": {"results": [{"CityName": "Leeds", "Country": "GB"}]},
            "to_Customer": {
                "to_CustomerSalesArea": {
                    "results": [
                        {
                            "SalesOrganization": "1010",
                            "DistributionChannel": "10",
                            "Division": "00",
                            "Currency": "EUR",
                        }
                    ]
                }
            },
        },
    )
    assert created.status_code == 201, created.text
    number = created.json()["d"]["BusinessPartner"]
    assert number == "11000001" and created.json()["d"]["Customer"] == number
    assert created.json()["d"]["to_Customer"]["Customer"] == number
    order = create_order(http, SoldToParty=number)
    assert order["SoldToParty"] == number
    address = http.get(f"{BP}/A_BusinessPartner('{number}')/to_BusinessPartnerAddress").json()
    assert address["d"]["results"][0]["CityName"] == "Leeds"
    duplicate = http.post(f"{BP}/A_BusinessPartner", json={"BusinessPartner": number})
    assert_sap_error(duplicate, 400)


def test_control_plane_events_over_http(fake: Fake, fleet: FakeFleet) -> None:
    index = requests.get("https://s4.fake.test/__harness__/", timeout=5).json()
    assert {"expire_csrf", "deliver", "cancel_order", "set_stock", "block_customer"} <= set(
        index["events"]
    )
    assert set(index["vendor_faults"]) == {"session_expired", "document_locked", "etag_conflict"}
    bad = requests.post(
        "https://s4.fake.test/__harness__/events",
        json={"name": "deliver", "payload": {"sales_order": "404", "items": []}},
    )
    assert bad.status_code == 400
    ok = requests.post(
        "https://s4.fake.test/__harness__/events",
        json={
            "name": "set_stock",
            "payload": {
                "material": "SKU-000001",
                "plant": "1010",
                "storage_location": "0001",
                "quantity": 3,
            },
        },
    )
    assert ok.status_code == 200
    assert requests.get(f"{SO}/$metadata", timeout=5).status_code == 401


def test_bad_event_payloads_are_400_not_500(fake: Fake, fleet: FakeFleet) -> None:
    url = "https://s4.fake.test/__harness__/events"
    for payload in (
        {
            "name": "set_stock",
            "payload": {
                "material": "SKU-000001",
                "plant": "1010",
                "storage_location": "0001",
                "quantity": "lots",
            },
        },
        {"name": "set_price", "payload": {"material": "NOPE", "price": "1"}},
        {"name": "set_credit_limit", "payload": {"customer": "404", "limit": 5}},
        {"name": "block_customer", "payload": {"customer": "10000001", "kind": "weird"}},
        {"name": "deliver", "payload": {"sales_order": "1"}},
    ):
        assert requests.post(url, json=payload, timeout=5).status_code == 400, payload


def test_set_price_applies_to_new_orders(fake: Fake, http: requests.Session) -> None:
    before = create_order(http)
    fake.event("set_price", material="SKU-000001", price="10")
    after = create_order(http)
    assert after["TotalNetAmount"] == "20.00" != before["TotalNetAmount"]
    item = f"{SO}/A_SalesOrderItem(SalesOrder='{before['SalesOrder']}',SalesOrderItem='10')"
    assert http.get(item).json()["d"]["NetAmount"] == before["TotalNetAmount"]
