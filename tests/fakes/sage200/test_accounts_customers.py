"""Customer writes (``POST /customers``, ``PUT /customers/{id}``) as the account flow uses them."""

from __future__ import annotations

from tests.fakes.sage200.conftest import SageClient

NEW = {
    "reference": "mc42",
    "name": "Approval Ltd",
    "on_hold": True,
    "contacts": [
        {"is_default": True, "emails": [{"email": "ap@approval.example"}],
         "telephones": [{"number": "0113 000"}]},
    ],
}  # fmt: skip


def test_a_customer_is_created_on_hold_with_its_default_contact(api: SageClient) -> None:
    created = api.json("POST", "/customers", json=NEW)
    assert created["reference"] == "MC42" and created["on_hold"] is True
    assert created["credit_limit"] == 0
    row = api.json("GET", f"/customers/{created['id']}?$expand=contacts")
    (contact,) = row["contacts"]
    assert contact["default_email"] == "ap@approval.example"
    assert contact["default_telephone"] == "0113 000"
    found = api.json("GET", "/customers?$filter=reference eq 'MC42'")
    assert [c["id"] for c in found] == [created["id"]]


def test_a_second_customer_with_the_same_reference_is_refused(api: SageClient) -> None:
    api.json("POST", "/customers", json=NEW)
    again = api.post("/customers", json=NEW)
    assert again.status_code == 400
    assert "MC42" in again.get_data(as_text=True)


def test_reference_and_name_are_required_and_bounded(api: SageClient) -> None:
    missing = api.post("/customers", json={"reference": "X1"})
    assert missing.status_code == 400 and "name" in missing.get_data(as_text=True)
    long_ref = api.post("/customers", json={**NEW, "reference": "TOOLONGREF"})
    assert long_ref.status_code == 400 and "reference" in long_ref.get_data(as_text=True)


def test_put_changes_only_the_named_properties(api: SageClient) -> None:
    created = api.json("POST", "/customers", json=NEW)
    body = {"name": "Renamed Ltd", "contacts": [{"telephones": [{"number": "0200"}]}]}
    changed = api.json("PUT", f"/customers/{created['id']}", json=body)
    assert changed["name"] == "Renamed Ltd" and changed["on_hold"] is True
    row = api.json("GET", f"/customers/{created['id']}?$expand=contacts")
    assert row["contacts"][0]["default_telephone"] == "0200"
    assert row["contacts"][0]["default_email"] == "ap@approval.example"
    refused = api.put(f"/customers/{created['id']}", json={"reference": "OTHER"})
    assert refused.status_code == 400
