"""The naive script's account chore: every Magento company still pending is POSTed to the ERP
as a new account (no external reference, no lookup; a failed POST is retried once, so a lost
answer makes a second account), then activated in Magento at once with the standard terms
limit. It never waits for the ERP's approval and never reads a credit hold back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

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


CREATES: dict[str, Create] = {
    "netsuite": _netsuite,
    "business-central": _business_central,
    "sap-b1": _sap_b1,
    "sage200": _sage200,
}


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
