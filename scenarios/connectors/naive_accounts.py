"""The naive script's account chore: every Magento company still pending is POSTed to the ERP
as a new account (no external reference, no lookup; a failed POST is retried once, so a lost
answer makes a second account), then activated in Magento at once with the standard terms
limit. It never waits for the ERP's approval and never reads a credit hold back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

import requests
from requests_oauthlib import OAuth1

if TYPE_CHECKING:
    from scenarios.connectors.naive import NaiveConnector

TERMS_LIMIT = 5000.0
Create = Callable[["NaiveConnector", dict[str, Any]], requests.Response]


def _netsuite(naive: NaiveConnector, company: dict[str, Any]) -> requests.Response:
    creds = naive.world.erp_fake.credentials()
    auth = OAuth1(
        creds["consumer_key"],
        creds["consumer_secret"],
        creds["token_id"],
        creds["token_secret"],
        signature_method="HMAC-SHA256",
        realm=creds["account"],
    )
    body = {"companyName": company["company_name"], "email": company["company_email"]}
    return naive.session.post(
        f"{naive.world.erp_fake.base_url}/services/rest/record/v1/customer",
        json=body,
        auth=auth,
        timeout=30,
    )


def _business_central(naive: NaiveConnector, company: dict[str, Any]) -> requests.Response:
    erp = naive.erp  # the naive script's Business Central half: its token and company URL
    body = {"displayName": company["company_name"], "email": company["company_email"]}
    return naive.session.post(
        f"{erp._company()}/customers", json=body, headers=erp._headers(), timeout=30
    )


def _sap_b1(naive: NaiveConnector, company: dict[str, Any]) -> requests.Response:
    body = {
        "CardCode": f"WEB{company['id']}",
        "CardName": company["company_name"],
        "EmailAddress": company["company_email"],
    }
    response: requests.Response = naive.erp._call("POST", "/BusinessPartners", json=body)
    return response  # B1 refuses a second partner with the same code: no duplicate there


def _sage200(naive: NaiveConnector, company: dict[str, Any]) -> requests.Response:
    body = {
        "reference": f"WEB{company['id']}",
        "name": company["company_name"][:60],
        "contacts": [{"emails": [{"email": company["company_email"]}]}],
    }
    response: requests.Response = naive.erp._call("POST", "/customers", json=body)
    return response  # Sage refuses a second account with the same reference


def _legacy(naive: NaiveConnector, company: dict[str, Any]) -> requests.Response:
    erp: Any = naive.erp  # the naive script's legacy half: its base URL and SOAP user
    body = (
        '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" '
        'xmlns:tns="urn:legacy-erp:order-service:v1"><soap:Body><tns:CreateCustomer>'
        f"<tns:name>{escape(str(company['company_name']))}</tns:name>"
        f"<tns:email>{escape(str(company['company_email']))}</tns:email>"
        "</tns:CreateCustomer></soap:Body></soap:Envelope>"
    )
    response: requests.Response = naive.session.post(
        f"{erp.base}/soap/OrderService",
        data=body.encode("utf-8"),
        auth=erp.auth,
        headers={"Content-Type": "text/xml; charset=utf-8", "SOAPAction": '""'},
        timeout=30,
    )
    return response  # the legacy ERP makes a new account for every call


def _s4hana(naive: NaiveConnector, company: dict[str, Any]) -> requests.Response:
    erp: Any = naive.erp  # the naive script's S/4HANA half: its session, auth and CSRF token
    body = {
        "BusinessPartnerCategory": "2",
        "OrganizationBPName1": company["company_name"][:40],
        "to_BusinessPartnerAddress": [
            {"Country": "GB", "to_EmailAddress": [{"EmailAddress": company["company_email"]}]}
        ],
        "to_Customer": {
            "to_CustomerSalesArea": [
                {"SalesOrganization": "1010", "DistributionChannel": "10", "Division": "00"}
            ]
        },
    }
    if erp.token is None:
        fetched = naive.session.head(
            f"{erp.base}/API_BUSINESS_PARTNER/",
            auth=erp.auth,
            headers={"x-csrf-token": "Fetch"},
            timeout=30,
        )
        erp.token = fetched.headers.get("x-csrf-token", "")
    response: requests.Response = naive.session.post(
        f"{erp.base}/API_BUSINESS_PARTNER/A_BusinessPartner",
        json=body,
        auth=erp.auth,
        headers={"x-csrf-token": erp.token, "Accept": "application/json"},
        timeout=30,
    )
    return response  # SAP has no unique key on a partner: a retried POST makes a second one


CREATES: dict[str, Create] = {
    "netsuite": _netsuite,
    "business-central": _business_central,
    "sap-b1": _sap_b1,
    "sage200": _sage200,
    "legacy": _legacy,
}
CREATES["s4hana"] = _s4hana


def _magento(naive: NaiveConnector, method: str, path: str, body: Any = None) -> Any:
    response = naive.session.request(
        method,
        f"{naive.world.magento.base_url}/rest/V1{path}",
        json=body,
        headers=naive.magento_headers,
        timeout=30,
    )
    return response.json()


def _create(naive: NaiveConnector, create: Create, company: dict[str, Any]) -> None:
    for _attempt in range(2):
        try:
            create(naive, company)
            return
        except requests.RequestException as exc:
            naive.errors.append(f"company {company.get('id')}: {exc}")


def cycle(naive: NaiveConnector) -> None:
    create = CREATES.get(naive.world.erp)
    if create is None:
        return
    listing = _magento(naive, "GET", "/company/?searchCriteria[pageSize]=100") or {}
    for company in listing.get("items") or []:
        if int(company.get("status") or 0) != 0:
            continue
        _create(naive, create, company)
        body = {k: v for k, v in company.items() if k != "extension_attributes"}
        _magento(naive, "PUT", f"/company/{company['id']}", {"company": {**body, "status": 1}})
        credit = _magento(naive, "GET", f"/companyCredits/company/{company['id']}")
        limit = {**credit, "credit_limit": TERMS_LIMIT}
        _magento(naive, "PUT", f"/companyCredits/{credit['id']}", {"creditLimit": limit})
