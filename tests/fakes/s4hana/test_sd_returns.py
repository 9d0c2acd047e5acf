"""Credit memo requests (API_CREDIT_MEMO_REQUEST_SRV) and customer returns
(API_CUSTOMER_RETURN_SRV): committed metadata, deep insert with reference to an invoice, SD's
copy-control quantity check, lookups by customer reference, billing of a released request and
the goods receipt of a return."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pyodata.v2.model as pyodata_model
import pytest
import requests

from contracts.s4hana.credit_management import CREDIT_MANAGEMENT_SERVICE
from contracts.s4hana.extract import file_name
from contracts.s4hana.handwritten import build
from contracts.s4hana.sd_returns import SERVICES
from fakes.core.fake import Fake
from fakes.s4hana.services import METADATA_DIR
from tests.fakes.s4hana.conftest import BASE, CUSTOMER, MATERIAL, create_order

CMR = f"{BASE}/API_CREDIT_MEMO_REQUEST_SRV"
RETURNS = f"{BASE}/API_CUSTOMER_RETURN_SRV"
REF = "mage-default-CM000000001"


def _invoiced(fake: Fake, http: requests.Session) -> tuple[str, str]:
    """A sales order of 2 pieces, delivered and billed: (sales order, invoice)."""
    order = create_order(http)
    fake.event("deliver", sales_order=order["SalesOrder"], items=[])
    billed = fake.event("bill", sales_order=order["SalesOrder"])
    return str(order["SalesOrder"]), str(billed["billing_document"])


def _request(invoice: str, qty: str, **header: Any) -> dict[str, Any]:
    body = {
        "CreditMemoRequestType": "CR",
        "ReferenceSDDocument": invoice,
        "PurchaseOrderByCustomer": REF,
        "SDDocumentReason": "002",
        "to_Item": [{"Material": MATERIAL, "RequestedQuantity": qty}],
    }
    return {**body, **header}


@pytest.mark.parametrize("service", [*SERVICES, CREDIT_MANAGEMENT_SERVICE], ids=lambda s: s.service)
def test_committed_metadata_is_what_the_definition_builds(service: Any) -> None:
    text = (METADATA_DIR / file_name(service.service)).read_text(encoding="utf-8")
    assert text == build(service)
    schema = pyodata_model.MetadataBuilder(text.encode()).build()
    assert len(list(schema.entity_sets)) == len(service.sets)


def test_a_request_with_reference_copies_the_invoice_and_waits_for_release(
    fake: Fake, http: requests.Session
) -> None:
    _, invoice = _invoiced(fake, http)
    response = http.post(f"{CMR}/A_CreditMemoRequest", json=_request(invoice, "1"), timeout=5)
    assert response.status_code == 201, response.text
    created = response.json()["d"]
    assert created["SoldToParty"] == CUSTOMER
    assert created["ReferenceSDDocumentCategory"] == "M"
    assert created["HeaderBillingBlockReason"] == "08"
    (item,) = created["to_Item"]["results"]
    assert (item["CreditMemoRequestItemCategory"], item["ReferenceSDDocumentItem"]) == ("G2N", "10")
    assert Decimal(created["TotalNetAmount"]) == Decimal(item["NetAmount"]) > 0


def test_copy_control_refuses_more_than_the_invoice_has_open(
    fake: Fake, http: requests.Session
) -> None:
    _, invoice = _invoiced(fake, http)
    first = http.post(f"{CMR}/A_CreditMemoRequest", json=_request(invoice, "2"), timeout=5)
    assert first.status_code == 201
    again = http.post(f"{CMR}/A_CreditMemoRequest", json=_request(invoice, "1"), timeout=5)
    assert again.status_code == 400
    assert again.json()["error"]["code"] == "V1/384"


def test_a_request_is_found_by_its_customer_reference(fake: Fake, http: requests.Session) -> None:
    _, invoice = _invoiced(fake, http)
    http.post(f"{CMR}/A_CreditMemoRequest", json=_request(invoice, "1"), timeout=5)
    found = http.get(
        f"{CMR}/A_CreditMemoRequest",
        params={"$filter": f"PurchaseOrderByCustomer eq '{REF}' and SDDocumentReason eq '002'"},
        timeout=5,
    ).json()["d"]["results"]
    missing = http.get(
        f"{CMR}/A_CreditMemoRequest",
        params={"$filter": "PurchaseOrderByCustomer eq 'other'"},
        timeout=5,
    ).json()["d"]["results"]
    assert [r["PurchaseOrderByCustomer"] for r in found] == [REF] and missing == []


def test_wrong_type_and_unknown_reference_are_refused(fake: Fake, http: requests.Session) -> None:
    _, invoice = _invoiced(fake, http)
    wrong = _request(invoice, "1", CreditMemoRequestType="OR")
    answer = http.post(f"{CMR}/A_CreditMemoRequest", json=wrong, timeout=5)
    assert answer.json()["error"]["code"] == "V1/010"
    unknown = _request("99999999", "1")
    assert http.post(f"{CMR}/A_CreditMemoRequest", json=unknown, timeout=5).status_code == 400


def test_a_released_request_is_billed_as_a_g2_credit_memo(
    fake: Fake, http: requests.Session
) -> None:
    order, invoice = _invoiced(fake, http)
    created = http.post(f"{CMR}/A_CreditMemoRequest", json=_request(invoice, "1"), timeout=5)
    number = created.json()["d"]["CreditMemoRequest"]
    fake.event("release_credit_memo", credit_memo_request=number)
    state = fake.state()
    (credit,) = [d for d in state["billingDocuments"] if d["SDDocumentCategory"] == "O"]
    assert credit["items"][0]["SalesDocument"] == order
    (request,) = state["creditMemoRequests"]
    assert (
        request["HeaderBillingBlockReason"] == "" and request["OverallOrdReltdBillgStatus"] == "C"
    )


def _stock(fake: Fake, plant: str, sloc: str) -> Decimal:
    rows = fake.state()["stock"]
    found = [r for r in rows if (r["material"], r["plant"], r["storage_location"]) == (
        MATERIAL, plant, sloc)]  # fmt: skip
    return Decimal(found[0]["quantity"]) if found else Decimal(0)


def test_a_customer_return_takes_goods_back_to_its_storage_location(
    fake: Fake, http: requests.Session
) -> None:
    _, invoice = _invoiced(fake, http)
    body = {
        "CustomerReturnType": "CBAR",
        "ReferenceSDDocument": invoice,
        "PurchaseOrderByCustomer": REF,
        "HeaderBillingBlockReason": "08",
        "to_Item": [
            {
                "Material": MATERIAL,
                "RequestedQuantity": "1",
                "ProductionPlant": "1010",
                "StorageLocation": "0002",
            }
        ],
    }
    response = http.post(f"{RETURNS}/A_CustomerReturn", json=body, timeout=5)
    assert response.status_code == 201, response.text
    number = response.json()["d"]["CustomerReturn"]
    before = _stock(fake, "1010", "0002")
    fake.event("receive_return", customer_return=number)
    assert _stock(fake, "1010", "0002") == before + 1
    (item,) = fake.state()["customerReturns"][0]["items"]
    assert (item["CustomerReturnItemCategory"], item["ReturnsMaterialHasBeenReceived"]) == (
        "CBEN",
        "X",
    )
