"""The customer's credit limit and credit hold, as the account flow writes and reads them."""

from __future__ import annotations

import requests

from fakes.core.fake import Fake
from tests.fakes.netsuite.conftest import RECORD


def test_credit_limit_is_written_and_read_back(ns: requests.Session, fake: Fake) -> None:
    created = ns.put(
        f"{RECORD}/customer/eid:mage-company-77",
        json={"companyName": "Held Ltd", "creditHoldOverride": {"id": "ON"}},
    )
    assert created.status_code == 204, created.text
    customer = ns.get(created.headers["Location"]).json()
    assert customer["creditHoldOverride"]["id"] == "ON"
    assert customer.get("creditLimit") is None
    changed = ns.patch(
        created.headers["Location"],
        json={"creditHoldOverride": {"id": "AUTO"}, "creditLimit": 7500},
    )
    assert changed.status_code == 204, changed.text
    again = ns.get(created.headers["Location"]).json()
    assert again["creditLimit"] == 7500 and again["creditHoldOverride"]["id"] == "AUTO"
    stored = next(c for c in fake.state()["customers"] if c["externalId"] == "mage-company-77")
    assert stored["creditLimit"] == 7500


def test_a_credit_limit_that_is_not_a_number_is_refused(ns: requests.Session) -> None:
    answer = ns.post(f"{RECORD}/customer", json={"companyName": "Bad Ltd", "creditLimit": "lots"})
    assert answer.status_code == 400
    assert "creditLimit" in answer.text
