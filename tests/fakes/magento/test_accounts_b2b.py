"""Customer accounts and groups, B2B companies (approval) and company credit."""

from __future__ import annotations

from typing import Any

import requests

from fakes.core.bridge import FakeFleet
from tests.fakes.magento.conftest import BASE, Api

NEW = {"email": "new.buyer@example.com", "firstname": "New", "lastname": "Buyer"}
COMPANY = {"company_name": "Acme Ltd", "company_email": "accounts@acme.test",
           "street": ["1 Mill Road"], "city": "Leeds", "country_id": "GB", "postcode": "LS1 1AA",
           "telephone": "0113 000000", "customer_group_id": 2}


def _create_customer(api: Api, token: str | None = None, **extra: Any) -> Any:
    body = {"customer": {**NEW, **extra}, "password": "Str0ng-Password"}
    return api.anonymous("POST", "/rest/V1/customers", body, token)


def _company(api: Api, admin_id: int, **extra: Any) -> Any:
    return api.post("/rest/V1/company/", {"company": {**COMPANY, "super_user_id": admin_id,
                                                      **extra}})


def test_create_customer_then_log_in(api: Api) -> None:
    created = _create_customer(api, group_id=2)
    assert created.status_code == 200
    body = created.get_json()
    assert (body["email"], body["group_id"], body["website_id"]) == (NEW["email"], 1, 1)
    assert api.get(f"/rest/V1/customers/{body['id']}").get_json()["email"] == NEW["email"]
    token = api.customer_token(NEW["email"], "Str0ng-Password")
    assert api.anonymous("POST", "/rest/V1/carts/mine", token=token).status_code == 200
    duplicate = _create_customer(api)
    assert duplicate.get_json() == {
        "message": "A customer with the same email address already exists in an associated "
                   "website."}


def test_admin_may_choose_the_group(api: Api) -> None:
    assert _create_customer(api, api.token, group_id=3).get_json()["group_id"] == 3


def test_create_customer_validation(api: Api) -> None:
    missing = api.anonymous("POST", "/rest/V1/customers", {"customer": {"email": "a@b.co"}})
    assert missing.status_code == 400
    assert [e["parameters"] for e in missing.get_json()["errors"]] == [
        {"fieldName": "firstname"}, {"fieldName": "lastname"}]
    email = api.anonymous("POST", "/rest/V1/customers",
                          {"customer": {**NEW, "email": "not-an-email"}})
    assert email.get_json()["parameters"] == {"value": "not-an-email", "fieldName": "email"}
    weak = api.anonymous("POST", "/rest/V1/customers", {"customer": NEW, "password": "short"})
    assert weak.get_json() == {"message": "The password needs at least %1 characters. Create a "
                                          "new password and try again.", "parameters": [8]}
    simple = api.anonymous("POST", "/rest/V1/customers",
                           {"customer": NEW, "password": "alllowercase"})
    assert simple.get_json()["parameters"] == [3]
    unknown = api.anonymous("POST", "/rest/V1/customers", {"customer": {**NEW, "colour": "red"}})
    assert unknown.get_json()["parameters"] == {"fieldName": "Colour"}


def test_update_and_delete_customer(api: Api) -> None:
    customer = api.get("/rest/V1/customers/3").get_json()
    changed = {"email": customer["email"], "firstname": "Renamed",
               "lastname": customer["lastname"], "group_id": 2}
    response = api.put("/rest/V1/customers/3", {"customer": changed})
    assert response.status_code == 200
    body = response.get_json()
    assert (body["firstname"], body["group_id"], body["addresses"]) == (
        "Renamed", 2, customer["addresses"])
    taken = api.get("/rest/V1/customers/4").get_json()["email"]
    clash = api.put("/rest/V1/customers/3", {"customer": {**changed, "email": taken}})
    assert clash.status_code == 400
    partial = api.put("/rest/V1/customers/3", {"customer": {"firstname": "Only"}})
    assert partial.get_json()["message"] == "One or more input exceptions have occurred."
    assert api.put("/rest/V1/customers/999", {"customer": changed}).status_code == 404
    assert api.anonymous("PUT", "/rest/V1/customers/3", {"customer": changed}).status_code == 401
    assert api.delete("/rest/V1/customers/3").get_json() is True
    assert api.get("/rest/V1/customers/3").status_code == 404


def test_customer_groups(api: Api) -> None:
    groups = api.get("/rest/V1/customerGroups/search?searchCriteria[sortOrders][0][field]=id"
                     "&searchCriteria[sortOrders][0][direction]=ASC").get_json()
    assert [g["code"] for g in groups["items"]] == [
        "NOT LOGGED IN", "General", "Wholesale", "Retailer"]
    assert api.get("/rest/V1/customerGroups/2").get_json()["code"] == "Wholesale"
    missing = api.get("/rest/V1/customerGroups/77")
    assert (missing.status_code, missing.get_json()["parameters"]) == (
        404, {"fieldName": "id", "fieldValue": 77})


def test_company_approval_flow(api: Api) -> None:
    created = _company(api, 5)
    assert created.status_code == 200
    company = created.get_json()
    assert (company["status"], company["reject_reason"], company["rejected_at"]) == (0, None, None)
    admin = api.get("/rest/V1/customers/5").get_json()
    assert admin["extension_attributes"]["company_attributes"]["company_id"] == company["id"]
    path = f"/rest/V1/company/{company['id']}"
    assert api.put(path, {"company": {"status": 1}}).get_json()["status"] == 1
    no_reason = api.put(path, {"company": {"status": 2}})
    assert no_reason.get_json()["message"].startswith(
        "Invalid attribute value. Rejected date&time and Rejected Reason can not be null")
    reason_only = api.put(path, {"company": {"reject_reason": "Bad credit"}})
    assert reason_only.status_code == 400
    rejected = api.put(path, {"company": {"status": 2, "reject_reason": "Bad credit"}}).get_json()
    assert (rejected["status"], rejected["rejected_at"]) == (2, "2026-01-05 09:00:00")
    assert api.fake.event("set_company_status", company_id=company["id"], status=3) == {
        "id": company["id"], "status": 3}
    assert api.get(path).get_json()["status"] == 3
    search = api.get("/rest/V1/company/?searchCriteria[filterGroups][0][filters][0][field]=status"
                     "&searchCriteria[filterGroups][0][filters][0][value]=3").get_json()
    assert [c["id"] for c in search["items"]] == [company["id"]]


def test_company_validation(api: Api) -> None:
    missing = api.post("/rest/V1/company/", {"company": {"company_name": "X"}})
    assert missing.status_code == 400
    assert {"fieldName": "city"} in [e["parameters"] for e in missing.get_json()["errors"]]
    unknown_admin = _company(api, 999)
    assert unknown_admin.status_code == 404
    _company(api, 6)
    taken = _company(api, 6, company_name="Other")
    assert taken.get_json()["message"].startswith("This customer is a user of a different company")
    bad_status = _company(api, 7, status=9)
    assert "status" in str(bad_status.get_json())
    assert api.get("/rest/V1/company/42").status_code == 404
    assert api.get("/rest/V1/company/1", token="nope").status_code == 401


def test_company_credit_limit_and_balance(api: Api) -> None:
    company = _company(api, 8).get_json()
    credit = api.get(f"/rest/V1/companyCredits/company/{company['id']}").get_json()
    assert (credit["credit_limit"], credit["balance"], credit["available_limit"]) == (0, 0, 0)
    path = f"/rest/V1/companyCredits/{credit['id']}"
    updated = api.put(path, {"creditLimit": {"credit_limit": 500, "currency_code": "GBP"}})
    assert updated.get_json()["available_limit"] == 500
    bought = api.post(f"{path}/decreaseBalance",
                      {"value": 120, "currency": "GBP", "operationType": 3})
    assert bought.get_json() is True
    refunded = api.post(f"{path}/increaseBalance",
                        {"value": 20, "currency": "GBP", "operationType": 5, "comment": "RMA"})
    assert refunded.get_json() is True
    assert api.get(path).get_json() == {
        "id": credit["id"], "company_id": company["id"], "credit_limit": 500.0,
        "balance": -100.0, "currency_code": "GBP", "exceed_limit": False,
        "available_limit": 400.0}
    history = api.get("/rest/V1/companyCredits/history?searchCriteria=").get_json()
    assert [(h["type"], h["amount"]) for h in history["items"]] == [
        (1, 0.0), (3, -120.0), (5, 20.0)]


def test_company_credit_errors(api: Api) -> None:
    company = _company(api, 9).get_json()
    path = f"/rest/V1/companyCredits/{company['id']}"
    purchase_up = api.post(f"{path}/increaseBalance",
                           {"value": 1, "currency": "GBP", "operationType": 3})
    assert purchase_up.get_json()["message"].startswith("Cannot process the request.")
    negative = api.post(f"{path}/decreaseBalance",
                        {"value": -1, "currency": "GBP", "operationType": 3})
    assert negative.get_json()["parameters"] == {"fieldName": "value", "fieldValue": -1}
    currency = api.post(f"{path}/decreaseBalance",
                        {"value": 1, "currency": "USD", "operationType": 3})
    assert currency.get_json()["parameters"] == {"fieldName": "currency", "fieldValue": "USD"}
    missing = api.get("/rest/V1/companyCredits/99")
    assert missing.status_code == 404
    assert missing.get_json() == {
        "message": "Requested company is not found. Row ID: %fieldName = %fieldValue.",
        "parameters": {"fieldName": "CompanyCreditID", "fieldValue": 99}}
    assert api.post(f"{path}/decreaseBalance", {"value": 1}).status_code == 400


def test_company_delete_unlinks_the_admin(api: Api) -> None:
    company = _company(api, 10).get_json()
    assert api.delete(f"/rest/V1/company/{company['id']}").get_json() is True
    customer = api.get("/rest/V1/customers/10").get_json()
    assert "company_attributes" not in customer["extension_attributes"]
    assert api.get(f"/rest/V1/companyCredits/company/{company['id']}").status_code == 404


def test_accounts_through_the_in_process_bridge(api: Api, fleet: FakeFleet) -> None:
    created = requests.post(f"{BASE}/rest/V1/customers", timeout=5,
                            json={"customer": NEW, "password": "Str0ng-Password"})
    assert created.status_code == 200
    token = requests.post(f"{BASE}/rest/V1/integration/customer/token", timeout=5,
                          json={"username": NEW["email"], "password": "Str0ng-Password"}).json()
    cart = requests.post(f"{BASE}/rest/V1/carts/mine", timeout=5,
                         headers={"Authorization": f"Bearer {token}"})
    assert cart.status_code == 200 and isinstance(cart.json(), int)
    entries = api.fake.entries()
    token_entry = [e for e in entries if e.path.endswith("/customer/token")][0]
    assert "Str0ng-Password" not in str(token_entry.to_dict())
