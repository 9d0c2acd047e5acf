"""Magento side of the account flow: Adobe Commerce B2B companies (``/V1/company``), company
credit (``/V1/companyCredits``) and customers (``/V1/customers/search``), through
:class:`MagentoClient`.

A status change is a ``PUT /V1/company/:id`` of the company as read, with the new status (the
repository saves the whole entity). A credit limit is a ``PUT /V1/companyCredits/:id`` on the
company's credit record (found by ``GET /V1/companyCredits/company/:companyId``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sync_core.connectors.magento.client import MagentoClient, search_params
from sync_core.flows.accounts_model import Company

PAGE_SIZE = 100
WRITABLE = (
    "id", "status", "company_name", "legal_name", "company_email", "vat_tax_id", "reseller_id",
    "comment", "street", "city", "country_id", "region", "region_id", "postcode", "telephone",
    "customer_group_id", "sales_representative_id", "super_user_id",
)  # fmt: skip


class MagentoAccounts:
    def __init__(self, client: MagentoClient) -> None:
        self.client = client

    def companies(self) -> list[dict[str, Any]]:
        """Every company, oldest first (paged)."""
        found: list[dict[str, Any]] = []
        page = 1
        while True:
            params = search_params([], [("id", "ASC")], PAGE_SIZE, page)
            items, total = self.client.search("/company/", params)
            found.extend(items)
            if not items or len(found) >= total:
                return found
            page += 1

    def customers(self, group_ids: list[int]) -> list[dict[str, Any]]:
        """Every customer of these groups, oldest first (paged)."""
        if not group_ids:
            return []
        found: list[dict[str, Any]] = []
        groups = [[("group_id", ",".join(str(g) for g in group_ids), "in")]]
        page = 1
        while True:
            params = search_params(groups, [("entity_id", "ASC")], PAGE_SIZE, page)
            items, total = self.client.search("/customers/search", params)
            found.extend(items)
            if not items or len(found) >= total:
                return found
            page += 1

    def set_status(self, company: Company, status: int) -> None:
        body = {k: v for k, v in company.raw.items() if k in WRITABLE and v is not None}
        body["status"] = status
        self.client.call("PUT", f"/company/{company.id}", json={"company": body})

    def _credit(self, company_id: int) -> dict[str, Any]:
        response = self.client.call("GET", f"/companyCredits/company/{company_id}")
        return dict(self.client.http.json(response))

    def credit_limit(self, company_id: int) -> Decimal:
        return Decimal(str(self._credit(company_id).get("credit_limit") or 0))

    def set_credit_limit(self, company_id: int, limit: Decimal, comment: str) -> None:
        credit = self._credit(company_id)
        body = {
            "id": credit["id"],
            "company_id": company_id,
            "credit_limit": float(limit),
            "currency_code": credit.get("currency_code"),
            "credit_comment": comment,
        }
        self.client.call("PUT", f"/companyCredits/{credit['id']}", json={"creditLimit": body})
