"""Fidelity fixes: customer contacts (where Sage keeps email addresses) and form-encoded
query strings under the ``stale_stock`` fault."""

from __future__ import annotations

import requests

from fakes import mock
from fakes.sage200.render import CONTACT_KEYS, CUSTOMER_KEYS
from tests.fakes.sage200.conftest import SageClient


def test_customers_expand_contacts_with_default_email(api: SageClient) -> None:
    person = api.fake.ctx.dataset.customers[0]
    (row,) = [
        c
        for c in api.json("GET", "/customers?$expand=contacts")
        if c["reference"] == f"CUST{person.id:04d}"
    ]
    (contact,) = row["contacts"]
    assert set(contact) == set(CONTACT_KEYS)
    assert contact["default_email"] == person.email
    assert contact["customer_id"] == row["id"] and contact["is_default"] is True
    assert contact["name"] == f"{person.firstname} {person.lastname}"
    assert contact["id"] != row["id"]


def test_contacts_only_when_expanded_and_not_filterable(api: SageClient) -> None:
    assert set(api.customer()) == set(CUSTOMER_KEYS)
    one = api.json("GET", f"/customers/{api.customer()['id']}?$expand=contacts")
    assert one["contacts"][0]["customer_id"] == one["id"]
    picked = api.json("GET", "/customers?$expand=contacts&$select=id,contacts")[0]
    assert set(picked) == {"id", "contacts"}
    assert api.get("/customers?$filter=contacts/default_email eq 'x'").status_code == 400


def test_stale_stock_keeps_form_encoded_spaces() -> None:
    with mock("sage200", seed=1) as fleet:
        fake = fleet.sage200
        creds = fake.credentials()
        token = requests.post(
            creds["token_url"],
            data={
                "grant_type": "client_credentials",
                "client_id": creds["client_id"],
                "client_secret": creds["client_secret"],
            },
            timeout=5,
        ).json()["access_token"]
        headers = {
            "Authorization": f"Bearer {token}",
            "X-Site": creds["site_id"],
            "X-Company": creds["company_id"],
        }
        url = f"{fake.base_url}/uk/sage200extra/accounts/v1/warehouse_holdings"
        params = {"$filter": "id gt 40001", "$top": "2"}  # requests sends "id+gt+40001"
        fake.add_fault({"effect": {"kind": "vendor", "name": "stale_stock"}})
        response = requests.get(url, params=params, headers=headers, timeout=5)
        assert response.status_code == 200, response.text
        assert [row["id"] for row in response.json()] == [40002, 40003]
