"""Routes of customer accounts, customer groups, customer tokens and the B2B company services.

ACL resources: ``Magento_Customer::manage`` (customer save and delete; ``POST /V1/customers`` is
anonymous), ``Magento_Customer::group``, and from Adobe Commerce 2.4.6's
``Company/etc/webapi.xml``: ``Magento_Company::index`` (read), ``::add``, ``::manage`` and
``::delete``. The CompanyCredit webapi.xml was not available; its routes use
``Magento_Company::manage``, the parent of its only ACL resource (unconfirmed).
"""

from __future__ import annotations

from typing import Any

from fakes.magento import accounts
from fakes.magento.companies import credit_out
from fakes.magento.inputs import Param
from fakes.magento.output import prune
from fakes.magento.search import Columns, run
from fakes.magento.state import MagentoBackend
from fakes.magento.webapi import CRITERIA, Route
from fakes.magento.webapi import id_param as _id
from fakes.magento.webapi import optional as _opt

MANAGE = ("Magento_Customer::manage",)
GROUP = ("Magento_Customer::group",)
COMPANY_READ = ("Magento_Company::index",)
COMPANY_MANAGE = ("Magento_Company::manage",)
CUSTOMER_API = "Magento\\Customer\\Api\\"
COMPANY_REPOSITORY = "Magento\\Company\\Api\\CompanyRepositoryInterface::"
CREDIT_API = "Magento\\CompanyCredit\\Api\\"
COMPANY_COLUMNS = Columns.of("company")
CREDIT_COLUMNS = Columns.of("credit_limit")
HISTORY_COLUMNS = Columns({"id": "number", "company_credit_id": "number", "user_id": "number",
                           "user_type": "number", "amount": "number", "balance": "number",
                           "credit_limit": "number", "available_limit": "number",
                           "type": "number", "datetime": "datetime", "comment": "string"},
                          COMPANY_COLUMNS.unknown)
BALANCE = (_id("creditId"), Param("value", "float"), Param("currency", "string"),
           Param("operationType", "int"), _opt("comment", "string"),
           _opt("options", "credit_balance_options"))


def _company(company: dict[str, Any]) -> dict[str, Any]:
    return prune(company, "company")


def _companies(b: MagentoBackend, criteria: dict[str, Any]) -> dict[str, Any]:
    result = run(list(b.companies.companies.values()), criteria, COMPANY_COLUMNS)
    result["items"] = [prune(c, "company") for c in result["items"]]
    return result


def _credits(b: MagentoBackend, criteria: dict[str, Any]) -> dict[str, Any]:
    rows = [credit_out(c) for c in b.companies.credits.values()]
    result = run(rows, criteria, CREDIT_COLUMNS)
    result["items"] = [{k: v for k, v in r.items() if k != "credit_comment"}
                       for r in result["items"]]
    return result


def _credit(credit: dict[str, Any]) -> dict[str, Any]:
    return prune(credit_out(credit), "credit_limit")


def _balance(b: MagentoBackend, a: dict[str, Any], increase: bool) -> bool:
    return b.companies.change_balance(a["creditId"], a["value"], a["currency"],
                                      a["operationType"], a["comment"], b.now, increase)


ROUTES: tuple[Route, ...] = (
    Route("POST", "/V1/integration/customer/token", (),
          (Param("username", "string"), Param("password", "string")),
          lambda b, a, c: b.customer_token(a["username"], a["password"]), sync_only=True),
    # customers
    Route("POST", "/V1/customers", (),
          (Param("customer", "customer"), _opt("password", "string"),
           _opt("redirectUrl", "string")),
          lambda b, a, c: b.create_customer(a["customer"], a["password"], c.store, c.caller),
          CUSTOMER_API + "AccountManagementInterface::createAccount"),
    Route("PUT", "/V1/customers/:customerId", MANAGE,
          (_id("customerId"), Param("customer", "customer"), _opt("passwordHash", "string")),
          lambda b, a, c: b.update_customer(a["customerId"], a["customer"]),
          CUSTOMER_API + "CustomerRepositoryInterface::save"),
    Route("DELETE", "/V1/customers/:customerId", MANAGE, (_id("customerId"),),
          lambda b, a, c: b.delete_customer(a["customerId"]),
          CUSTOMER_API + "CustomerRepositoryInterface::deleteById"),
    Route("GET", "/V1/customerGroups/search", GROUP, (CRITERIA,),
          lambda b, a, c: b.customer_groups(a["searchCriteria"])),
    Route("GET", "/V1/customerGroups/:id", GROUP, (_id(),),
          lambda b, a, c: accounts.group(a["id"])),
    # companies
    Route("GET", "/V1/company/", COMPANY_READ, (CRITERIA,),
          lambda b, a, c: _companies(b, a["searchCriteria"])),
    Route("POST", "/V1/company/", ("Magento_Company::add",), (Param("company", "company"),),
          lambda b, a, c: _company(b.companies.create(b.catalog, a["company"], b.now)),
          COMPANY_REPOSITORY + "save"),
    Route("GET", "/V1/company/:companyId", COMPANY_READ, (_id("companyId"),),
          lambda b, a, c: _company(b.companies.get(a["companyId"]))),
    Route("PUT", "/V1/company/:companyId", COMPANY_MANAGE,
          (_id("companyId"), Param("company", "company")),
          lambda b, a, c: _company(b.companies.update(b.catalog, a["companyId"], a["company"],
                                                         b.now)),
          COMPANY_REPOSITORY + "save"),
    Route("DELETE", "/V1/company/:companyId", ("Magento_Company::delete",), (_id("companyId"),),
          lambda b, a, c: b.companies.delete(b.catalog, a["companyId"]),
          COMPANY_REPOSITORY + "deleteById"),
    # company credit
    Route("GET", "/V1/companyCredits/", COMPANY_MANAGE, (CRITERIA,),
          lambda b, a, c: _credits(b, a["searchCriteria"])),
    Route("GET", "/V1/companyCredits/:creditId", COMPANY_MANAGE,
          (_id("creditId"), _opt("reload", "bool")),
          lambda b, a, c: _credit(b.companies.credit(a["creditId"]))),
    Route("GET", "/V1/companyCredits/company/:companyId", COMPANY_MANAGE, (_id("companyId"),),
          lambda b, a, c: _credit(b.companies.credit_for(a["companyId"]))),
    Route("PUT", "/V1/companyCredits/:id", COMPANY_MANAGE,
          (_id(), Param("creditLimit", "credit_limit")),
          lambda b, a, c: _credit(b.companies.update_credit(a["id"], a["creditLimit"], b.now)),
          CREDIT_API + "CreditLimitRepositoryInterface::save"),
    Route("POST", "/V1/companyCredits/:creditId/increaseBalance", COMPANY_MANAGE, BALANCE,
          lambda b, a, c: _balance(b, a, True),
          CREDIT_API + "CreditBalanceManagementInterface::increase"),
    Route("POST", "/V1/companyCredits/:creditId/decreaseBalance", COMPANY_MANAGE, BALANCE,
          lambda b, a, c: _balance(b, a, False),
          CREDIT_API + "CreditBalanceManagementInterface::decrease"),
    Route("GET", "/V1/companyCredits/history", COMPANY_MANAGE, (CRITERIA,),
          lambda b, a, c: run(list(b.companies.history), a["searchCriteria"], HISTORY_COLUMNS)),
)
