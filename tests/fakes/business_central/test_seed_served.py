"""Seeding through the profile, determinism, options, and one served (real HTTP) smoke test."""

from __future__ import annotations

import pytest
import requests

from fakes.business_central import SPEC
from fakes.core.dataset import build_dataset
from fakes.core.fake import Fake
from fakes.core.server import serve
from tests.fakes.business_central.conftest import SCOPE, make_fake

PROFILE = {
    "items": {"SKU-000001": "1000", "SKU-000002": "1001"},
    "locations": {"wh-north": "LEEDS"},
    "accounts": {},
}


def _company(fake: Fake, env: str = "production") -> dict[str, object]:
    state: dict[str, object] = fake.state()["environments"][env]["CRONUS UK Ltd."]
    return state


def test_seed_follows_profile() -> None:
    dataset = build_dataset(5, "small")
    first = dataset.customers[0]
    profile = {**PROFILE, "accounts": {first.email: "WEB-0001"}}
    fake = Fake(SPEC, seed=5, profile=profile)
    company = _company(fake)
    items = {i["number"]: i for i in company["items"]}  # type: ignore[attr-defined]
    assert {"1000", "1001", "SKU-000003"} <= set(items)
    codes = sorted(loc["code"] for loc in company["locations"])  # type: ignore[attr-defined]
    assert codes == ["LEEDS", "MAIN", "SOUTH"]
    expected = {
        "MAIN": dataset.stock[("SKU-000001", "default")],
        "LEEDS": dataset.stock[("SKU-000001", "wh-north")],
        "SOUTH": dataset.stock[("SKU-000001", "wh-south")],
    }
    assert items["1000"]["inventoryByLocation"] == {k: v for k, v in expected.items() if v}
    assert items["1000"]["inventory"] == sum(expected.values())
    assert items["1000"]["unitPrice"] == float(dataset.products[0].price)
    customers = {c["email"]: c["number"] for c in company["customers"]}  # type: ignore[attr-defined]
    assert customers[first.email] == "WEB-0001"
    assert customers[dataset.customers[1].email] == "C00002"
    ledger = company["itemLedgerEntries"]
    assert all(e["entryType"] == "Positive Adjmt." for e in ledger)  # type: ignore[attr-defined]


def test_same_seed_same_state_and_reseed_changes_it() -> None:
    assert make_fake().state() == make_fake().state()
    fake = make_fake()
    before = fake.state()
    fake.reseed(4)
    assert fake.state() != before
    assert fake.credentials() != make_fake().credentials()


def test_lazy_seeding_does_not_depend_on_access_order() -> None:
    touched = make_fake()
    sandbox = touched.backend.environments["sandbox"]  # type: ignore[attr-defined]
    last = list(sandbox.companies.values())[-1]
    assert len(last.tables["items"]) == 24
    env, primary = touched.backend.primary  # type: ignore[attr-defined]
    customer = next(iter(primary.records("customers")))
    touched.event("block_customer", number=customer["number"], blocked="All")
    test_company = touched.state()["environments"]["sandbox"]["CRONUS UK Test"]
    assert test_company == make_fake().state()["environments"]["sandbox"]["CRONUS UK Test"]


def test_reset_restores_seed(fake: Fake) -> None:
    backend = fake.backend
    env, company = backend.primary  # type: ignore[attr-defined]
    customer = next(iter(company.records("customers")))
    fake.event("block_customer", number=customer["number"], blocked="All")
    fake.reset()
    assert fake.state() == make_fake().state()


def test_bad_options_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown business-central option"):
        make_fake(colour="red")
    with pytest.raises(ValueError, match="etag_conflict_status"):
        make_fake(etag_conflict_status=500)
    custom = {"publisher": "p", "group": "g", "version": "v1.0", "entity_set": "x",
              "source": "items", "fields": {"nope": "Edm.String"}}
    with pytest.raises(ValueError, match="not a field of items"):
        make_fake(custom_apis=[custom])


def test_environments_and_companies_options() -> None:
    fake = make_fake(environments=["prod-uk", {"name": "uat", "type": "Sandbox"}],
                     companies=["Alpha Ltd"])
    state = fake.state()["environments"]
    assert list(state) == ["prod-uk", "uat"] and list(state["uat"]) == ["Alpha Ltd"]
    assert fake.credentials()["environment"] == "prod-uk"


def test_served_over_http_with_ready_file_credentials() -> None:
    fake = make_fake()
    with serve({"business-central": fake}) as servers:
        ready = servers.ready()["business-central"]
        base = ready["base_url"]
        creds = ready["credentials"]
        assert creds["token_url"] == f"{base}/{creds['tenant']}/oauth2/v2.0/token"
        assert set(creds) == {"tenant", "environment", "company_id", "token_url", "client_id",
                              "client_secret"}
        token = requests.post(creds["token_url"], timeout=5, data={
            "grant_type": "client_credentials", "client_id": creds["client_id"],
            "client_secret": creds["client_secret"], "scope": SCOPE}).json()["access_token"]
        api = f"{base}/v2.0/{creds['tenant']}/{creds['environment']}/api/v2.0"
        response = requests.get(f"{api}/companies({creds['company_id']})/items?$top=2",
                                headers={"Authorization": f"Bearer {token}"}, timeout=5)
        assert response.status_code == 200
        assert response.json()["@odata.context"].startswith(f"{base}/v2.0/")
        state = requests.get(f"{ready['control_url']}/state", timeout=5).json()
        assert set(state["environments"]) == {"production", "sandbox"}
