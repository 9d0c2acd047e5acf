"""The Magento fake's real responses against Adobe's admin schema (admin-schema-2.4.9.yaml).

Every implemented GET route and the success and error answers of the POST/PUT/DELETE routes are
validated with ``jsonschema`` against the reference definitions, *closed*: a property the
reference does not declare fails too, so field names are checked as well as types. The
storefront routes (guest carts, customer creation and token) are checked against
guest-schema-2.4.9.yaml as well; the ``/async`` answers, which no schema describes, against
:data:`contracts.magento.ASYNC_RESPONSE_SCHEMA` (written from Adobe's documentation).

Two documented differences between Magento's schema and what Magento sends are allowed:

* getters documented without ``|null`` are ``required`` in the schema, yet Magento writes them
  as ``null`` when unset (``DataObjectProcessor`` keeps required keys): :data:`KNOWN_NULLS`
  (an open bulk operation has no result yet; a fresh guest cart's customer and billing address
  have no names; ``Bulk operation status`` documents ``"error_code": null``);
* ``error-parameters`` is described as a list of ``{resources, fieldName, fieldValue}``, but
  Magento sends an object for named placeholders (``%fieldName``) and a list of values for
  positional ones (``%1``).
"""

from __future__ import annotations

from functools import cache
from typing import Any, NamedTuple

import pytest
from jsonschema import Draft4Validator
from werkzeug.test import Client

from contracts.magento import (
    ASYNC_RESPONSE_SCHEMA,
    GUEST_IMPLEMENTED,
    IMPLEMENTED,
    ReferenceNotFound,
    allow_null,
    extract_subset,
    guest_reference_path,
    json_schema,
    load_reference,
    reference_path,
    response_schema,
)
from contracts.magento.wire import WIRE_NULLS
from fakes.core.fake import Fake, create_fake
from fakes.magento.routes import implemented

KNOWN_NULLS = WIRE_NULLS  # one list for both contract tests
SKU = "SKU-000001"
ADDRESS = {"firstname": "Ada", "lastname": "Buyer", "street": ["1 High St"], "city": "Bath",
           "postcode": "BA1 1AA", "country_id": "GB", "telephone": "01225 000000",
           "email": "ada@example.org"}
SHIPPING = {"addressInformation": {"shipping_address": ADDRESS, "billing_address": ADDRESS,
                                   "shipping_carrier_code": "flatrate",
                                   "shipping_method_code": "flatrate"}}
WRONG_CARRIER = {"addressInformation": {**SHIPPING["addressInformation"],
                                        "shipping_carrier_code": "ups"}}
COMPANY = {"company_name": "Acme", "company_email": "a@acme.test", "street": ["1 Road"],
           "city": "Leeds", "country_id": "GB", "postcode": "LS1 1AA", "telephone": "0113",
           "customer_group_id": 1}

try:
    reference_path()
except ReferenceNotFound as missing:  # pragma: no cover - depends on the checkout
    pytest.skip(str(missing), allow_module_level=True)


def _patched(document: dict[str, Any]) -> dict[str, Any]:
    nulls = [(d, p) for d, p in KNOWN_NULLS if d in document["definitions"]]
    patched = allow_null(document, nulls)
    patched["definitions"]["error-parameters"] = {"type": ["array", "object"]}
    return patched


@cache
def subset(guest: bool = False) -> dict[str, Any]:
    if guest:
        reference = load_reference(guest_reference_path())
        return _patched(extract_subset(GUEST_IMPLEMENTED, reference))
    return _patched(extract_subset(IMPLEMENTED))


@cache
def validator(method: str, path: str, status: str,
              guest: bool = False) -> Draft4Validator | None:
    schema = response_schema(subset(guest), method, path, status)
    if schema is None:
        return None
    return Draft4Validator(json_schema(schema, subset(guest), closed=True))


def check(method: str, path: str, status: int, body: Any) -> None:
    """Against the admin schema, and the guest schema too for the storefront routes."""
    for guest in (False, True) if (method, path) in GUEST_IMPLEMENTED else (False,):
        found = validator(method, path, str(status), guest)
        assert found is not None, f"{method} {path} declares no schema for {status}"
        errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
                  for e in found.iter_errors(body)]
        which = "guest" if guest else "admin"
        assert not errors, f"{method} {path} {status} ({which}):\n" + "\n".join(errors[:10])


class Session:
    """A fake with history: paid, unpaid and eu orders, a shipment, an invoice, a refund."""

    def __init__(self) -> None:
        self.fake: Fake = create_fake("magento", seed=7)
        self.client = Client(self.fake.wsgi)
        creds = self.fake.credentials()
        token = self.client.post("/rest/V1/integration/admin/token", json={
            "username": creds["username"], "password": creds["password"]}).get_json()
        self.headers = {"Authorization": f"Bearer {token}"}
        self.customer_headers: dict[str, str] = {}
        self.ids: dict[str, Any] = {}
        place = self.fake.event
        place("place_order",
              lines=[{"sku": "SKU-000001", "qty": 2}, {"sku": "SKU-000002", "qty": 1}])
        place("place_order", lines=[{"sku": "SKU-000003", "qty": 1}], paid=False)
        place("place_order", lines=[{"sku": "SKU-000004", "qty": 3}], store_code="eu",
              customer_email="guest@example.org")
        place("place_order", lines=[{"sku": "SKU-000005", "qty": 1}], paid=False)
        self.call("POST", "/rest/V1/orders/1/comments", {"statusHistory": {
            "comment": "Sent to ERP", "is_customer_notified": 0, "is_visible_on_front": 0}})
        self.call("POST", "/rest/V1/order/1/ship", {
            "tracks": [{"track_number": "1Z", "title": "UPS", "carrier_code": "ups"}],
            "comment": {"comment": "Shipped", "is_visible_on_front": 0}})
        self.call("POST", "/rest/V1/order/3/refund", {"items": [{"order_item_id": 4, "qty": 1}]})
        self._commerce()
        self._storefront()

    def _commerce(self) -> None:
        """Prices, a processed bulk, a company with credit history."""
        self.call("POST", "/rest/V1/products/special-price", {"prices": [
            {"sku": SKU, "price": 3, "store_id": 0, "price_from": "2026-01-01 00:00:00",
             "price_to": "2026-12-31 00:00:00"}]})
        self.call("POST", "/rest/V1/products/tier-prices", {"prices": [
            {"sku": SKU, "price": 10, "price_type": "discount", "website_id": 0,
             "customer_group": "General", "quantity": 3}]})
        self.call("POST", "/rest/V1/products/cost", {"prices": [
            {"sku": SKU, "cost": 2, "store_id": 0}]})
        _, accepted = self.call("POST", "/rest/async/V1/inventory/source-items", {"sourceItems": [
            {"sku": SKU, "source_code": "default", "quantity": 50, "status": 1}]})
        self.ids["bulk"] = accepted["bulk_uuid"]
        self.fake.clock.advance(5)
        _, company = self.call("POST", "/rest/V1/company/", {"company": {**COMPANY,
                                                                         "super_user_id": 9}})
        self.ids["company"] = company["id"]
        self.call("PUT", f"/rest/V1/companyCredits/{company['id']}",
                  {"creditLimit": {"credit_limit": 100, "currency_code": "GBP"}})

    def _storefront(self) -> None:
        """A customer with a token and a cart, and a guest cart ready to pay."""
        _, self.ids["cart"] = self.call("POST", "/rest/V1/guest-carts", who="guest")
        cart = self.ids["cart"]
        self.call("POST", f"/rest/V1/guest-carts/{cart}/items",
                  {"cartItem": {"sku": SKU, "qty": 1, "quote_id": cart}}, who="guest")
        self.call("POST", f"/rest/V1/guest-carts/{cart}/shipping-information", SHIPPING,
                  who="guest")
        _, customer = self.call("POST", "/rest/V1/customers", {
            "customer": {"email": "shopper@example.org", "firstname": "Sam", "lastname": "Shop"},
            "password": "Str0ng-Password"}, who="guest")
        self.ids["customer"] = customer["id"]
        _, token = self.call("POST", "/rest/V1/integration/customer/token", {
            "username": "shopper@example.org", "password": "Str0ng-Password"}, who="guest")
        self.customer_headers = {"Authorization": f"Bearer {token}"}
        self.call("POST", "/rest/V1/carts/mine", who="customer")
        self.call("POST", "/rest/V1/carts/mine/items", {"cartItem": {"sku": SKU, "qty": 1}},
                  who="customer")

    def headers_for(self, who: str) -> dict[str, str]:
        return {"admin": self.headers, "customer": self.customer_headers, "guest": {}}[who]

    def call(self, method: str, url: str, body: Any = None, who: str = "admin") -> tuple[int, Any]:
        response = self.client.open(url.format(**self.ids), method=method, json=body,
                                    headers=self.headers_for(who))
        return response.status_code, response.get_json()


def who_for(path: str) -> str:
    if path.startswith("/V1/carts/mine"):
        return "customer"
    return "guest" if path in {p for _, p in GUEST_IMPLEMENTED} else "admin"


@pytest.fixture(scope="module")
def session() -> Session:
    return Session()


CRITERIA = ("searchCriteria[filterGroups][0][filters][0][field]=entity_id"
            "&searchCriteria[filterGroups][0][filters][0][value]=0"
            "&searchCriteria[filterGroups][0][filters][0][conditionType]=gt"
            "&searchCriteria[sortOrders][0][field]=entity_id"
            "&searchCriteria[sortOrders][0][direction]=ASC&searchCriteria[pageSize]=5"
            "&searchCriteria[currentPage]=1")

GETS = [
    ("/V1/orders/{id}", "/rest/V1/orders/1"),
    ("/V1/orders/{id}", "/rest/default/V1/orders/2"),
    ("/V1/orders/{id}", "/rest/eu/V1/orders/3"),
    ("/V1/orders", f"/rest/V1/orders?{CRITERIA}"),
    ("/V1/orders/{id}/statuses", "/rest/V1/orders/1/statuses"),
    ("/V1/orders/{id}/comments", "/rest/V1/orders/1/comments"),
    ("/V1/invoices", f"/rest/V1/invoices?{CRITERIA}"),
    ("/V1/invoices/{id}", "/rest/V1/invoices/1"),
    ("/V1/shipments", f"/rest/V1/shipments?{CRITERIA}"),
    ("/V1/shipment/{id}", "/rest/V1/shipment/1"),
    ("/V1/creditmemos", f"/rest/V1/creditmemos?{CRITERIA}"),
    ("/V1/creditmemo/{id}", "/rest/V1/creditmemo/1"),
    ("/V1/products", f"/rest/V1/products?{CRITERIA}"),
    ("/V1/products/{sku}", "/rest/V1/products/SKU-000001"),
    ("/V1/customers/{customerId}", "/rest/V1/customers/1"),
    ("/V1/customers/search", "/rest/V1/customers/search?searchCriteria[pageSize]=2"),
    ("/V1/inventory/sources", "/rest/V1/inventory/sources"),
    ("/V1/inventory/sources/{sourceCode}", "/rest/V1/inventory/sources/default"),
    ("/V1/inventory/source-items", "/rest/V1/inventory/source-items?searchCriteria[pageSize]=4"),
    ("/V1/inventory/get-product-salable-quantity/{sku}/{stockId}",
     "/rest/V1/inventory/get-product-salable-quantity/SKU-000001/1"),
    ("/V1/store/storeViews", "/rest/V1/store/storeViews"),
    ("/V1/store/storeGroups", "/rest/V1/store/storeGroups"),
    ("/V1/store/websites", "/rest/V1/store/websites"),
    ("/V1/store/storeConfigs", "/rest/V1/store/storeConfigs"),
    ("/V1/stockItems/{productSku}", f"/rest/V1/stockItems/{SKU}"),
    ("/V1/stockStatuses/{productSku}", f"/rest/V1/stockStatuses/{SKU}"),
    ("/V1/bulk/{bulkUuid}/status", "/rest/V1/bulk/{bulk}/status"),
    ("/V1/bulk/{bulkUuid}/detailed-status", "/rest/V1/bulk/{bulk}/detailed-status"),
    ("/V1/bulk/{bulkUuid}/operation-status/{status}", "/rest/V1/bulk/{bulk}/operation-status/1"),
    ("/V1/bulk", "/rest/V1/bulk?searchCriteria[pageSize]=5"),
    ("/V1/customerGroups/search", "/rest/V1/customerGroups/search?searchCriteria="),
    ("/V1/customerGroups/{id}", "/rest/V1/customerGroups/1"),
    ("/V1/company/", "/rest/V1/company/?searchCriteria="),
    ("/V1/company/{companyId}", "/rest/V1/company/{company}"),
    ("/V1/companyCredits/", "/rest/V1/companyCredits/?searchCriteria="),
    ("/V1/companyCredits/{creditId}", "/rest/V1/companyCredits/{company}"),
    ("/V1/companyCredits/company/{companyId}", "/rest/V1/companyCredits/company/{company}"),
    ("/V1/companyCredits/history", "/rest/V1/companyCredits/history?searchCriteria="),
    ("/V1/guest-carts/{cartId}", "/rest/V1/guest-carts/{cart}"),
    ("/V1/guest-carts/{cartId}/items", "/rest/V1/guest-carts/{cart}/items"),
    ("/V1/guest-carts/{cartId}/payment-methods", "/rest/V1/guest-carts/{cart}/payment-methods"),
    ("/V1/guest-carts/{cartId}/totals", "/rest/V1/guest-carts/{cart}/totals"),
    ("/V1/carts/mine", "/rest/V1/carts/mine"),
    ("/V1/carts/mine/items", "/rest/V1/carts/mine/items"),
    ("/V1/carts/mine/payment-methods", "/rest/V1/carts/mine/payment-methods"),
    ("/V1/carts/mine/totals", "/rest/V1/carts/mine/totals"),
]


def test_every_implemented_operation_is_in_the_reference_and_the_fake() -> None:
    assert sorted(implemented()) == sorted(IMPLEMENTED)
    document = extract_subset(IMPLEMENTED)
    assert document["swagger"] == "2.0"
    assert {p for _, p in IMPLEMENTED} == set(document["paths"])


def test_every_get_route_is_exercised() -> None:
    gets = {p for m, p in IMPLEMENTED if m == "GET"}
    assert gets == {p for p, _ in GETS}


@pytest.mark.parametrize(("path", "url"), GETS)
def test_get_responses_match_the_schema(session: Session, path: str, url: str) -> None:
    status, body = session.call("GET", url, who=who_for(path))
    assert status == 200, body
    if isinstance(body, dict) and "items" in body:
        assert body["items"], f"{url} returned no items to check"
    check("GET", path, status, body)


# Run in this order on one session: order 2 is commented, held, released, then canceled.
WRITES = [
    ("POST", "/V1/orders/{id}/comments", "/rest/V1/orders/2/comments",
     {"statusHistory": {"comment": "ok", "is_customer_notified": 1, "is_visible_on_front": 0}},
     {"statusHistory": {"comment": "x", "status": "closed"}}),
    ("POST", "/V1/orders/{id}/hold", "/rest/V1/orders/2/hold", None, None),
    ("POST", "/V1/orders/{id}/unhold", "/rest/V1/orders/2/unhold", None, None),
    ("POST", "/V1/orders/{id}/cancel", "/rest/V1/orders/2/cancel", None,
     "/rest/V1/orders/x/cancel"),
    ("POST", "/V1/orders", "/rest/V1/orders",
     {"entity": {"entity_id": 1, "increment_id": "000000001", "ext_order_id": "SO-1"}},
     {"entity": {"entity_id": 1, "increment_id": "000000002"}}),
    ("PUT", "/V1/orders/create", "/rest/V1/orders/create",
     {"entity": {"customer_email": "b@example.com", "grand_total": 10, "base_grand_total": 10,
                 "items": [{"sku": "SKU-000005", "qty_ordered": 1, "price": 10}]}},
     {"entity": {"increment_id": "000000001", "customer_email": "c@example.com"}}),
    ("POST", "/V1/order/{orderId}/invoice", "/rest/V1/order/4/invoice", None, {}),
    ("POST", "/V1/order/{orderId}/ship", "/rest/V1/order/3/ship",
     {"items": [{"order_item_id": 4, "qty": 1}],
      "arguments": {"extension_attributes": {"source_code": "wh-north"}}},
     {"tracks": [{"title": "UPS", "carrier_code": "ups"}]}),
    ("POST", "/V1/order/{orderId}/refund", "/rest/V1/order/1/refund",
     {"items": [{"order_item_id": 1, "qty": 1}], "arguments": {"shipping_amount": 0}},
     {"items": [{"order_item_id": 1, "qty": 99}]}),
    ("POST", "/V1/inventory/source-items", "/rest/V1/inventory/source-items",
     {"sourceItems": [{"sku": "SKU-000001", "source_code": "default", "quantity": 9,
                       "status": 1}]},
     {"sourceItems": [{"sku": "NOPE", "source_code": "default", "quantity": 1, "status": 1}]}),
    ("POST", "/V1/inventory/source-items-delete", "/rest/V1/inventory/source-items-delete",
     {"sourceItems": [{"sku": "SKU-000002", "source_code": "wh-south"}]}, {"sourceItems": []}),
]


class Bad(NamedTuple):
    """How to make a write fail: another body, URL or caller than the good call's."""

    body: Any = None
    url: str | None = None
    who: str | None = None


NO_FAILURE = Bad(who="none")  # a write with no way to fail (creating an empty guest cart)
TIER = {"sku": SKU, "price": 9, "price_type": "fixed", "website_id": 0,
        "customer_group": "Wholesale", "quantity": 2}
SPECIAL = {"sku": SKU, "price": 4, "store_id": 0, "price_from": "2026-02-01 00:00:00",
           "price_to": None}
PURCHASE = {"value": 5, "currency": "GBP", "operationType": 3}
WRITES += [
    ("POST", "/V1/products/base-prices", "/rest/V1/products/base-prices",
     {"prices": [{"sku": SKU, "price": 20, "store_id": 0}, {"sku": "NOPE", "price": 1,
                                                            "store_id": 5}]}, Bad({})),
    ("POST", "/V1/products/base-prices-information", "/rest/V1/products/base-prices-information",
     {"skus": [SKU]}, Bad({})),
    ("POST", "/V1/products/cost", "/rest/V1/products/cost",
     {"prices": [{"sku": SKU, "cost": -1, "store_id": 0}]}, Bad({"prices": "x"})),
    ("POST", "/V1/products/cost-information", "/rest/V1/products/cost-information",
     {"skus": [SKU]}, Bad({})),
    ("POST", "/V1/products/cost-delete", "/rest/V1/products/cost-delete", {"skus": [SKU]},
     Bad({"skus": ["NOPE"]})),
    ("POST", "/V1/products/special-price", "/rest/V1/products/special-price",
     {"prices": [SPECIAL, {**SPECIAL, "store_id": 1}]}, Bad({})),
    ("POST", "/V1/products/special-price-information",
     "/rest/V1/products/special-price-information", {"skus": [SKU]}, Bad({})),
    ("POST", "/V1/products/special-price-delete", "/rest/V1/products/special-price-delete",
     {"prices": [SPECIAL]}, Bad({})),
    ("POST", "/V1/products/tier-prices", "/rest/V1/products/tier-prices",
     {"prices": [TIER, {**TIER, "customer_group": "Nobody"}]}, Bad({})),
    ("PUT", "/V1/products/tier-prices", "/rest/V1/products/tier-prices", {"prices": [TIER]},
     Bad({})),
    ("POST", "/V1/products/tier-prices-information", "/rest/V1/products/tier-prices-information",
     {"skus": [SKU]}, Bad({})),
    ("POST", "/V1/products/tier-prices-delete", "/rest/V1/products/tier-prices-delete",
     {"prices": [TIER]}, Bad({})),
    ("PUT", "/V1/products/{productSku}/stockItems/{itemId}",
     f"/rest/V1/products/{SKU}/stockItems/1", {"stockItem": {"qty": 40}}, Bad({})),
    ("POST", "/V1/integration/customer/token", "/rest/V1/integration/customer/token",
     {"username": "shopper@example.org", "password": "Str0ng-Password"},
     Bad({"username": "shopper@example.org", "password": "wrong"})),
    ("POST", "/V1/customers", "/rest/V1/customers",
     {"customer": {"email": "second@example.org", "firstname": "Sue", "lastname": "Two"}},
     Bad({"customer": {"email": "second@example.org", "firstname": "Sue", "lastname": "Two"}})),
    ("PUT", "/V1/customers/{customerId}", "/rest/V1/customers/{customer}",
     {"customer": {"email": "shopper@example.org", "firstname": "Sam", "lastname": "Shopper"}},
     Bad({"customer": {"firstname": "Only"}})),
    ("DELETE", "/V1/customers/{customerId}", "/rest/V1/customers/12", None,
     Bad(url="/rest/V1/customers/999")),
    ("POST", "/V1/company/", "/rest/V1/company/", {"company": {**COMPANY, "super_user_id": 10}},
     Bad({"company": {"company_name": "X"}})),
    ("PUT", "/V1/company/{companyId}", "/rest/V1/company/{company}", {"company": {"status": 1}},
     Bad({"company": {"reject_reason": "late"}})),
    ("PUT", "/V1/companyCredits/{id}", "/rest/V1/companyCredits/{company}",
     {"creditLimit": {"credit_limit": 200}}, Bad({"creditLimit": {}}, "/rest/V1/companyCredits/9")),
    ("POST", "/V1/companyCredits/{creditId}/increaseBalance",
     "/rest/V1/companyCredits/{company}/increaseBalance", {**PURCHASE, "operationType": 5},
     Bad(PURCHASE)),
    ("POST", "/V1/companyCredits/{creditId}/decreaseBalance",
     "/rest/V1/companyCredits/{company}/decreaseBalance", PURCHASE,
     Bad({**PURCHASE, "currency": "XXX"})),
    ("DELETE", "/V1/company/{companyId}", "/rest/V1/company/{company}", None,
     Bad(url="/rest/V1/company/999")),
    ("POST", "/V1/guest-carts", "/rest/V1/guest-carts", None, NO_FAILURE),
    ("POST", "/V1/guest-carts/{cartId}/items", "/rest/V1/guest-carts/{cart}/items",
     {"cartItem": {"sku": "SKU-000002", "qty": 1}}, Bad({"cartItem": {"sku": "NOPE", "qty": 1}})),
    ("DELETE", "/V1/guest-carts/{cartId}/items/{itemId}", "/rest/V1/guest-carts/{cart}/items/3",
     None, Bad(url="/rest/V1/guest-carts/{cart}/items/999")),
    ("POST", "/V1/guest-carts/{cartId}/estimate-shipping-methods",
     "/rest/V1/guest-carts/{cart}/estimate-shipping-methods", {"address": {"country_id": "GB"}},
     Bad(url="/rest/V1/guest-carts/nope/estimate-shipping-methods")),
    ("POST", "/V1/guest-carts/{cartId}/shipping-information",
     "/rest/V1/guest-carts/{cart}/shipping-information", SHIPPING, Bad(WRONG_CARRIER)),
    ("POST", "/V1/guest-carts/{cartId}/payment-information",
     "/rest/V1/guest-carts/{cart}/payment-information",
     {"email": "ada@example.org", "paymentMethod": {"method": "checkmo"}},
     Bad({"email": "ada@example.org", "paymentMethod": {"method": "checkmo"}})),
    ("POST", "/V1/carts/mine", "/rest/V1/carts/mine", None, Bad(who="admin")),
    ("POST", "/V1/carts/mine/items", "/rest/V1/carts/mine/items",
     {"cartItem": {"sku": "SKU-000002", "qty": 1}}, Bad({"cartItem": {"sku": "NOPE", "qty": 1}})),
    ("DELETE", "/V1/carts/mine/items/{itemId}", "/rest/V1/carts/mine/items/4", None,
     Bad(url="/rest/V1/carts/mine/items/999")),
    ("POST", "/V1/carts/mine/estimate-shipping-methods",
     "/rest/V1/carts/mine/estimate-shipping-methods", {"address": {"country_id": "GB"}},
     Bad(who="guest")),
    ("POST", "/V1/carts/mine/shipping-information", "/rest/V1/carts/mine/shipping-information",
     SHIPPING, Bad(WRONG_CARRIER)),
    ("POST", "/V1/carts/mine/payment-information", "/rest/V1/carts/mine/payment-information",
     {"paymentMethod": {"method": "checkmo"}}, Bad({"paymentMethod": {"method": "checkmo"}})),
]


def test_every_write_route_is_exercised() -> None:
    writes = {(m, p) for m, p in IMPLEMENTED if m != "GET"}
    assert writes - {(w[0], w[1]) for w in WRITES} == {("POST", "/V1/integration/admin/token")}


@pytest.mark.parametrize(("method", "path", "url", "good", "bad"), WRITES,
                         ids=[f"{w[0]} {w[1]}" for w in WRITES])
def test_write_success_and_error_match_the_schema(session: Session, method: str, path: str,
                                                  url: str, good: Any, bad: Any) -> None:
    who = who_for(path)
    status, body = session.call(method, url, good if good is not None else {}, who=who)
    assert status == 200, body
    if validator(method, path, "200") is None:
        assert body == [], "MSI source-item writes answer an empty array"
    else:
        check(method, path, status, body)
    if bad is NO_FAILURE:
        return
    bad_url, bad_body, bad_who = _failing(url, bad, who)
    status, body = session.call(method, bad_url, bad_body, who=bad_who)
    assert status in (400, 401, 404), body
    check(method, path, status, body)


def _failing(url: str, bad: Any, who: str) -> tuple[str, Any, str]:
    if isinstance(bad, Bad):
        return bad.url or url, {} if bad.body is None else bad.body, bad.who or who
    if isinstance(bad, str):
        return bad, {}, who
    return url, {} if bad is None else bad, who


def test_async_and_bulk_answers_match_the_documented_shape(session: Session) -> None:
    validator_ = Draft4Validator(ASYNC_RESPONSE_SCHEMA)
    single = session.client.post("/rest/default/async/V1/products/base-prices",
                                 json={"prices": [{"sku": SKU, "price": 9, "store_id": 0}]},
                                 headers=session.headers)
    bulk = session.client.put("/rest/async/bulk/V1/customers/byCustomerId", json=[
        {"customerId": 2, "customer": {"email": "bulk@example.org", "firstname": "B",
                                       "lastname": "K"}}], headers=session.headers)
    for response in (single, bulk):
        assert response.status_code == 202
        assert not list(validator_.iter_errors(response.get_json()))
    refused = session.client.post("/rest/async/V1/products/base-prices", json={},
                                  headers=session.headers)
    assert refused.status_code == 400
    check("POST", "/V1/products/base-prices", 400, refused.get_json())


def test_admin_token_success_and_refusals(session: Session) -> None:
    creds = session.fake.credentials()
    good = session.client.post("/rest/V1/integration/admin/token", json={
        "username": creds["username"], "password": creds["password"]})
    check("POST", "/V1/integration/admin/token", 200, good.get_json())
    for body, status in (({"username": "admin", "password": "bad"}, 401), ({}, 400)):
        refused = session.client.post("/rest/V1/integration/admin/token", json=body)
        assert refused.status_code == status
        check("POST", "/V1/integration/admin/token", status, refused.get_json())


def test_auth_and_lookup_errors_match_error_response(session: Session) -> None:
    anonymous = Client(session.fake.wsgi).get("/rest/V1/orders/1")
    assert anonymous.status_code == 401
    check("GET", "/V1/orders/{id}", 401, anonymous.get_json())
    status, body = session.call("GET", "/rest/V1/orders/999")
    assert status == 404
    check("GET", "/V1/orders/{id}", 404, body)
    status, body = session.call("GET", "/rest/V1/products")
    assert status == 400
    check("GET", "/V1/products", 400, body)


def test_missing_reference_is_a_clear_error(tmp_path: Any, monkeypatch: Any) -> None:
    monkeypatch.setenv("HARNESS_REFERENCE_DIR", str(tmp_path))
    with pytest.raises(ReferenceNotFound, match="HARNESS_REFERENCE_DIR"):
        reference_path()


def test_unknown_operation_is_refused() -> None:
    with pytest.raises(KeyError, match="GET /V1/nowhere"):
        extract_subset([("GET", "/V1/nowhere")])
