"""Business partners with e-mail and telephone by deep insert, their updates, and credit
limits as credit management accounts (API_CRDTMBUSINESSPARTNER)."""

from __future__ import annotations

from decimal import Decimal

import requests

from fakes.core.fake import Fake
from tests.fakes.s4hana.conftest import BP, CUSTOMER, order_body
from tests.fakes.s4hana.conftest import SO as SALES

CREDIT = BP.replace("API_BUSINESS_PARTNER", "API_CRDTMBUSINESSPARTNER")


def _partner(http: requests.Session) -> dict[str, object]:
    body = {
        "BusinessPartnerCategory": "2",
        "OrganizationBPName1": "Phone Ltd",
        "BusinessPartnerIDByExtSystem": "MAGE-COMPANY-3",
        "to_BusinessPartnerAddress": [
            {
                "Country": "GB",
                "CityName": "Leeds",
                "to_EmailAddress": [{"EmailAddress": "Buyers.Of.Phone@ltd.example"}],
                "to_PhoneNumber": [{"PhoneNumber": "0113 000"}],
            }
        ],
        "to_Customer": {
            "OrderIsBlockedForCustomer": "01",
            "to_CustomerSalesArea": [
                {"SalesOrganization": "1010", "DistributionChannel": "10", "Division": "00"}
            ],
        },
    }
    response = http.post(f"{BP}/A_BusinessPartner", json=body, timeout=5)
    assert response.status_code == 201, response.text
    return dict(response.json()["d"])


def test_deep_insert_keeps_email_phone_and_the_order_block(
    fake: Fake, http: requests.Session
) -> None:
    number = str(_partner(http)["BusinessPartner"])
    found = http.get(
        f"{BP}/A_AddressEmailAddress",
        params={"$filter": "SearchEmailAddress eq 'BUYERS.OF.PHONE@LTD.'"},
        timeout=5,
    ).json()["d"]["results"]
    assert [r["EmailAddress"] for r in found] == ["Buyers.Of.Phone@ltd.example"]
    address = http.get(
        f"{BP}/A_BusinessPartnerAddress",
        params={"$filter": f"BusinessPartner eq '{number}'", "$expand": "to_PhoneNumber"},
        timeout=5,
    ).json()["d"]["results"][0]
    (phone,) = address["to_PhoneNumber"]["results"]
    assert (phone["PhoneNumber"], phone["IsDefaultPhoneNumber"]) == ("0113 000", True)
    refused = http.post(f"{SALES}/A_SalesOrder", json=order_body(SoldToParty=number), timeout=5)
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "V1/462"
    key = f"AddressID='{phone['AddressID']}',Person='',OrdinalNumber='1'"
    patched = http.patch(
        f"{BP}/A_AddressPhoneNumber({key})", json={"PhoneNumber": "0113 999"}, timeout=5
    )
    assert patched.status_code == 204, patched.text
    assert fake.state()["businessPartners"][-1]["phones"] == ["0113 999"]


def test_a_credit_limit_is_a_credit_management_account(fake: Fake, http: requests.Session) -> None:
    def accounts() -> list[dict[str, str]]:
        response = http.get(
            f"{CREDIT}/A_CreditManagementAccount",
            params={"$filter": f"BusinessPartner eq '{CUSTOMER}' and CreditSegment eq '1000'"},
            timeout=5,
        )
        assert response.status_code == 200, response.text
        return list(response.json()["d"]["results"])

    assert accounts() == []
    fake.event("set_credit_limit", customer=CUSTOMER, limit="2500")
    (account,) = accounts()
    assert Decimal(account["CustomerCreditLimitAmount"]) == 2500
    assert account["CreditSegmentCurrency"] == "EUR" and account["CreditAccountIsBlocked"] is False
    refused = http.post(f"{CREDIT}/A_CreditManagementAccount", json=account, timeout=5)
    assert refused.status_code == 501
    fake.event("set_credit_limit", customer=CUSTOMER, limit=None)
    assert accounts() == []
