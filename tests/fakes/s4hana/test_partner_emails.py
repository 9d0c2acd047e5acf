"""Fidelity fixes: business partners' e-mail addresses (``A_AddressEmailAddress``, the way
API_BUSINESS_PARTNER finds a partner by e-mail) and the ``Date`` header on every answer."""

from __future__ import annotations

from email.utils import parsedate_to_datetime

import requests

from fakes.core.bridge import FakeFleet
from fakes.core.fake import Fake
from tests.fakes.s4hana.conftest import BP


def test_partner_found_by_email_through_the_address(
    fake: Fake, fleet: FakeFleet, http: requests.Session
) -> None:
    customer = fake.ctx.dataset.customers[1]
    search = customer.email.upper()[:20]
    emails = http.get(
        f"{BP}/A_AddressEmailAddress",
        params={"$filter": f"SearchEmailAddress eq '{search}'"},
        timeout=5,
    ).json()["d"]["results"]
    (row,) = [e for e in emails if e["EmailAddress"] == customer.email]
    assert row["IsDefaultEmailAddress"] is True and row["Person"] == ""
    addresses = http.get(
        f"{BP}/A_BusinessPartnerAddress",
        params={"$filter": f"AddressID eq '{row['AddressID']}'", "$expand": "to_EmailAddress"},
        timeout=5,
    ).json()["d"]["results"]
    (address,) = addresses
    assert address["BusinessPartner"] == "10000002"
    assert [e["EmailAddress"] for e in address["to_EmailAddress"]["results"]] == [customer.email]


def test_new_addresses_do_not_reuse_seeded_address_numbers(
    fake: Fake, fleet: FakeFleet, http: requests.Session
) -> None:
    response = http.post(
        f"{BP}/A_BusinessPartnerAddress",
        json={"BusinessPartner": "10000001", "CityName": "Walldorf", "Country": "DE"},
        timeout=5,
    )
    assert response.status_code == 201, response.text
    seeded = {c.id for c in fake.ctx.dataset.customers}
    assert int(response.json()["d"]["AddressID"]) > max(seeded)


def test_every_answer_is_dated_on_the_fake_clock(
    fake: Fake, fleet: FakeFleet, http: requests.Session
) -> None:
    response = http.get(f"{BP}/A_Customer", params={"$top": "1"}, timeout=5)
    assert parsedate_to_datetime(response.headers["Date"]) == fake.clock.now().replace(
        microsecond=0
    )
