"""The Pricing feature's REST records in the NetSuite fake: ``salepricerule`` (dated, on a price
level) and ``salepriceruleentry`` (an item's rate in ``quantityBreaks``), written, read, listed
page by page, queried through SuiteQL, and scheduled by the ``schedule_price`` event."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from fakes.core.fake import Fake
from tests.fakes.netsuite.conftest import RECORD, SUITEQL, first_ids
from tests.fakes.netsuite.test_billing import error

RULE = {
    "name": "Spring sale",
    "priceLevel": {"id": "1"},
    "currency": {"id": "1"},
    "priority": 1,
    "startDate": "2026-03-01",
    "endDate": "2026-03-31",
}


def create(ns: requests.Session, record: str, body: dict[str, Any]) -> str:
    response = ns.post(f"{RECORD}/{record}", json=body)
    assert response.status_code == 204, response.text
    return str(response.headers["Location"])


def entry_body(item: str, rule_url: str, rate: float = 9.5) -> dict[str, Any]:
    return {
        "item": {"id": item},
        "priceRule": {"id": rule_url.rsplit("/", 1)[-1]},
        "quantityBreaks": {
            "items": [{"lowerBound": 10, "rate": rate - 1}, {"lowerBound": 0, "rate": rate}]
        },
    }


def test_a_rule_keeps_its_dates_and_names_its_price_level(ns: requests.Session) -> None:
    url = create(ns, "salepricerule", RULE)
    rule = ns.get(url).json()
    assert (rule["startDate"], rule["endDate"]) == ("2026-03-01", "2026-03-31")
    assert rule["priceLevel"]["refName"] == "Base Price"
    assert rule["currency"]["id"] == "1" and rule["priority"] == 1
    assert rule.get("isInactive") is False
    level = ns.get(f"{RECORD}/pricelevel/5").json()
    assert level["name"] == "Online Price"


def test_an_entry_holds_the_item_rate_per_quantity_break(ns: requests.Session, fake: Fake) -> None:
    item = first_ids(fake)["item"]
    rule_url = create(ns, "salepricerule", RULE)
    url = create(ns, "salePriceRuleEntry", entry_body(item, rule_url))
    plain = ns.get(url).json()
    assert plain["priceRule"]["refName"] == "Spring sale"
    assert "items" not in plain["quantityBreaks"]
    breaks = ns.get(url, params={"expandSubResources": "true"}).json()["quantityBreaks"]
    assert [(b["lowerBound"], b["rate"]) for b in breaks["items"]] == [(0.0, 9.5), (10.0, 8.5)]


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({**RULE, "endDate": "2026-02-28"}, "endDate"),
        ({**RULE, "isInactive": True}, "isInactive"),
        ({**RULE, "priceLevel": {"id": "99"}}, "priceLevel"),
        ({**RULE, "startDate": "1.3.2026"}, "startDate"),
        ({k: v for k, v in RULE.items() if k != "name"}, "name"),
    ],
)
def test_bad_rules_are_refused_naming_the_field(
    ns: requests.Session, body: dict[str, Any], path: str
) -> None:
    response = ns.post(f"{RECORD}/salepricerule", json=body)
    assert response.status_code == 400
    assert error(response)["o:errorPath"] == path


def test_no_entry_on_an_inactive_rule_and_no_delete_while_entries_exist(
    ns: requests.Session, fake: Fake
) -> None:
    item = first_ids(fake)["item"]
    rule_url = create(ns, "salepricerule", RULE)
    entry_url = create(ns, "salepriceruleentry", entry_body(item, rule_url))
    assert ns.delete(rule_url).status_code == 400
    assert ns.patch(rule_url, json={"isInactive": True}).status_code == 204
    refused = ns.post(f"{RECORD}/salepriceruleentry", json=entry_body(item, rule_url))
    assert refused.status_code == 400
    assert "inactive" in error(refused)["detail"]
    assert ns.patch(entry_url, json={"quantityBreaks": {"items": []}}).status_code == 400
    assert ns.delete(entry_url).status_code == 204
    assert ns.delete(rule_url).status_code == 204


def test_bad_quantity_break_is_refused(ns: requests.Session, fake: Fake) -> None:
    item = first_ids(fake)["item"]
    rule_url = create(ns, "salepricerule", RULE)
    body = {**entry_body(item, rule_url), "quantityBreaks": {"items": [{"lowerBound": 0}]}}
    response = ns.post(f"{RECORD}/salepriceruleentry", json=body)
    assert response.status_code == 400
    assert error(response)["o:errorPath"] == "quantityBreaks.items[0].rate"


def test_rules_are_listed_page_by_page(ns: requests.Session) -> None:
    for n in range(3):
        create(ns, "salepricerule", {**RULE, "name": f"Rule {n}"})
    first = ns.get(f"{RECORD}/salepricerule", params={"limit": 2}).json()
    assert (first["count"], first["hasMore"], first["totalResults"]) == (2, True, 3)
    rest = ns.get(f"{RECORD}/salepricerule", params={"limit": 2, "offset": 2}).json()
    assert [r["id"] for r in first["items"] + rest["items"]] == ["1", "2", "3"]
    dated = ns.get(f"{RECORD}/salepricerule", params={"q": 'startDate ON_OR_AFTER "3/1/2026"'})
    assert dated.json()["totalResults"] == 3


def test_suiteql_reads_rules_and_entries(ns: requests.Session, fake: Fake) -> None:
    item = first_ids(fake)["item"]
    rule_url = create(ns, "salepricerule", RULE)
    create(ns, "salepriceruleentry", entry_body(item, rule_url))
    q = (
        "SELECT r.id, r.startdate, r.enddate, r.pricelevel, e.item FROM salepricerule r "
        "JOIN salepriceruleentry e ON e.pricerule = r.id WHERE r.isinactive = 'F'"
    )
    response = ns.post(SUITEQL, json={"q": q}, headers={"Prefer": "transient"})
    assert response.status_code == 200, response.text
    (row,) = response.json()["items"]
    assert (row["startdate"], row["enddate"], row["pricelevel"]) == ("3/1/2026", "3/31/2026", "1")
    assert row["item"] == item


def test_schedule_price_event_makes_a_rule_and_its_entry(fake: Fake) -> None:
    code = fake.state()["inventoryItems"][0]["itemId"]
    made = fake.event(
        "schedule_price", item_code=code, price=12.5, start="2026-04-01", end="2026-04-02"
    )
    state = fake.state()
    (rule,) = state["salePriceRules"]
    (entry,) = state["salePriceRuleEntries"]
    assert rule["id"] == made["salePriceRule"] and entry["id"] == made["salePriceRuleEntry"]
    assert (rule["startDate"], rule["endDate"], rule["priceLevel"]) == (
        "2026-04-01",
        "2026-04-02",
        {"id": "1"},
    )
    assert entry["quantityBreaks"] == [{"lowerBound": 0.0, "rate": 12.5}]
    with pytest.raises(ValueError, match="endDate|end date"):
        fake.event(
            "schedule_price", item_code=code, price=1.0, start="2026-04-02", end="2026-04-01"
        )
    with pytest.raises(ValueError, match="no inventory item"):
        fake.event("schedule_price", item_code="NOPE", price=1.0, start="2026-04-02")


def test_the_metadata_catalog_describes_both_records(ns: requests.Session) -> None:
    schema = ns.get(
        f"{RECORD}/metadata-catalog/salepricerule", headers={"Accept": "application/schema+json"}
    ).json()
    assert {"startDate", "endDate", "priceLevel", "priority"} <= set(schema["properties"])
    assert schema["properties"]["startDate"]["format"] == "date"
    entry = ns.get(
        f"{RECORD}/metadata-catalog/salepriceruleentry",
        headers={"Accept": "application/schema+json"},
    ).json()
    assert {"item", "priceRule", "quantityBreaks"} <= set(entry["properties"])
