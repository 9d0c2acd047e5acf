"""What the returns flow relies on in the NetSuite fake: a credit memo's ``shippingCost`` from
the transform body, a line's ``location`` on a return authorization, and the external id that
finds a credit memo again."""

from __future__ import annotations

from typing import Any

import requests

from fakes.core.fake import Fake
from tests.fakes.netsuite.conftest import RECORD
from tests.fakes.netsuite.test_billing import billed_order, error, expanded, transform
from tests.fakes.netsuite.test_billing import order as order  # noqa: F401  (fixture)


def test_credit_memo_shipping_from_the_body(
    ns: requests.Session,
    order: str,  # noqa: F811
) -> None:
    invoice = billed_order(ns, order)
    first = transform(
        ns,
        invoice,
        "creditMemo",
        {"shippingCost": 0, "item": {"items": [{"orderLine": 1, "quantity": 1}]}},
    )
    assert first.status_code == 204
    assert expanded(ns, first.headers["Location"])["shippingCost"] == 0.0
    second = transform(
        ns,
        invoice,
        "creditMemo",
        {"shippingCost": 4.5, "item": {"items": [{"orderLine": 1, "quantity": 1}]}},
    )
    assert expanded(ns, second.headers["Location"])["shippingCost"] == 4.5
    bad = error(transform(ns, invoice, "creditMemo", {"shippingCost": -1}))
    assert bad["o:errorPath"] == "shippingCost"


def test_credit_memo_found_by_external_id_and_never_twice(
    ns: requests.Session,
    order: str,  # noqa: F811
) -> None:
    invoice = billed_order(ns, order)
    body = {
        "externalId": "mage-default-CM000000001",
        "item": {"items": [{"orderLine": 1, "quantity": 1}]},
    }
    assert transform(ns, invoice, "creditMemo", body).status_code == 204
    found = ns.get(f"{RECORD}/creditMemo/eid:mage-default-CM000000001")
    assert found.status_code == 200 and found.json()["tranId"] == "CM1"
    again = error(transform(ns, invoice, "creditMemo", body))
    assert "already exists" in again["detail"]


def test_return_authorization_line_location(
    ns: requests.Session,
    fake: Fake,
    order: str,  # noqa: F811
) -> None:
    billed_order(ns, order)
    items: list[dict[str, Any]] = [{"orderLine": 1, "quantity": 2, "location": {"id": "2"}}]
    body = {"orderStatus": {"id": "B"}, "item": {"items": items}}
    made = transform(ns, order, "returnAuthorization", body)
    assert made.status_code == 204
    line = fake.state()["returnAuthorizations"][0]["item"]
    rows = line["items"] if isinstance(line, dict) else line
    assert rows[0]["location"]["id"] == "2" and rows[0]["quantity"] == 2.0
    items[0]["location"] = {"id": "999"}
    assert error(transform(ns, order, "returnAuthorization", body))["o:errorPath"] == (
        "item.items[0].location"
    )
