"""Adobe Commerce B2B: companies (``/V1/company``) and company credit (``/V1/companyCredits``).

Company statuses: 0 pending approval, 1 approved (active), 2 rejected, 3 blocked. A company
created over REST starts pending unless a status is given; rejecting stamps ``rejected_at``.
The company admin (``super_user_id``) must be an existing customer, whose
``extension_attributes.company_attributes`` then name the company.

Every company gets a credit record (credit id = company id) in the website's base currency with
limit 0. ``available_limit`` = ``credit_limit`` + ``balance``; a purchase decreases the balance
(it goes negative), a reimbursement or refund increases it. As ``CreditBalanceManagement``:
``decreaseBalance`` takes the operation types 2 (updated), 3 (purchased) and 4 (reimbursed),
``increaseBalance`` 2, 4, 5 (refunded) and 6 (reverted); type 1 (allocated) is accepted only
while the credit has no history and raises the limit instead of the balance. Texts follow the
Adobe Commerce 2.4.6 B2B sources (``SaveValidator`` classes, ``CreditBalanceManagement``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from fakes.magento.catalog import Catalog, stamp
from fakes.magento.errors import REQUIRED, InputError, NoSuchEntity, aggregate

PENDING, APPROVED, REJECTED, BLOCKED = 0, 1, 2, 3
STATUSES = (PENDING, APPROVED, REJECTED, BLOCKED)
REQUIRED_FIELDS = ("company_name", "company_email", "street", "city", "country_id", "postcode",
                   "telephone", "super_user_id", "customer_group_id")
ALLOCATED, UPDATED, PURCHASED, REIMBURSED, REFUNDED, REVERTED = 1, 2, 3, 4, 5, 6
DECREASE_TYPES = (UPDATED, PURCHASED, REIMBURSED)
INCREASE_TYPES = (UPDATED, REIMBURSED, REFUNDED, REVERTED)
NO_SUCH_ENTITY = "No such entity with %fieldName = %fieldValue"
CREDIT_NOT_FOUND = "Requested company is not found. Row ID: %fieldName = %fieldValue."
INVALID_VALUE = "Invalid attribute value. Row ID: %fieldName = %fieldValue."
OTHER_COMPANY = ("This customer is a user of a different company. Enter a different email "
                 "address to continue.")
REJECT_NEEDS_STATUS = ("Invalid attribute value. Rejected date&time and Rejected Reason can be "
                       "changed only when a company status is changed to Rejected.")
REJECT_NEEDS_REASON = ("Invalid attribute value. Rejected date&time and Rejected Reason can not "
                       "be null when a company status is changed to Rejected.")
CURRENCY = "GBP"
CURRENCIES = ("GBP", "EUR")


@dataclass
class Companies:
    companies: dict[int, dict[str, Any]] = field(default_factory=dict)
    credits: dict[int, dict[str, Any]] = field(default_factory=dict)
    history: list[dict[str, Any]] = field(default_factory=list)
    next_id: int = 1

    # -- companies ---------------------------------------------------------------------------
    def get(self, company_id: int) -> dict[str, Any]:
        company = self.companies.get(company_id)
        if company is None:
            raise NoSuchEntity(NO_SUCH_ENTITY, {"fieldName": "id", "fieldValue": company_id})
        return company

    def create(self, catalog: Catalog, data: dict[str, Any], now: datetime) -> dict[str, Any]:
        _check(catalog, data, None)
        _check_rejection(data, {"status": PENDING})
        company_id = self.next_id
        self.next_id += 1
        company = {**data, "id": company_id, "status": data.get("status", PENDING),
                   "sales_representative_id": data.get("sales_representative_id") or 1}
        _set_status(company, int(company["status"]), data.get("reject_reason"), now)
        self.companies[company_id] = company
        self.credits[company_id] = {"id": company_id, "company_id": company_id,
                                    "credit_limit": 0.0, "balance": 0.0,
                                    "currency_code": CURRENCY, "exceed_limit": False}
        _link_admin(catalog, company)
        return company

    def update(self, catalog: Catalog, company_id: int, data: dict[str, Any],
               now: datetime) -> dict[str, Any]:
        company = self.get(company_id)
        merged = {**company, **{k: v for k, v in data.items() if v is not None}}
        _check(catalog, merged, company_id)
        _check_rejection(data if "status" in data else {**data, "status": company["status"]},
                         company)
        status = int(merged.get("status", PENDING))
        company.update({k: v for k, v in merged.items() if k not in ("id", "status")})
        _set_status(company, status, data.get("reject_reason"), now)
        _link_admin(catalog, company)
        return company

    def set_status(self, company_id: int, status: int, reason: str | None,
                   now: datetime) -> dict[str, Any]:
        company = self.get(company_id)
        _set_status(company, status, reason, now)
        return company

    def delete(self, catalog: Catalog, company_id: int) -> bool:
        company = self.get(company_id)
        admin = catalog.customers.get(company.get("super_user_id") or 0)
        if admin is not None:
            admin["extension_attributes"].pop("company_attributes", None)
        del self.companies[company_id]
        self.credits.pop(company_id, None)
        return True

    # -- credit ------------------------------------------------------------------------------
    def credit(self, credit_id: int) -> dict[str, Any]:
        credit = self.credits.get(credit_id)
        if credit is None:
            raise NoSuchEntity(CREDIT_NOT_FOUND, {"fieldName": "CompanyCreditID",
                                                  "fieldValue": credit_id})
        return credit

    def credit_for(self, company_id: int) -> dict[str, Any]:
        for credit in self.credits.values():
            if credit["company_id"] == company_id:
                return credit
        raise NoSuchEntity(CREDIT_NOT_FOUND, {"fieldName": "CompanyID", "fieldValue": company_id})

    def update_credit(self, credit_id: int, data: dict[str, Any],
                      now: datetime) -> dict[str, Any]:
        credit = self.credit(credit_id)
        for key in ("credit_limit", "currency_code", "exceed_limit"):
            if data.get(key) is not None:
                credit[key] = data[key]
        self._record(credit, ALLOCATED if not self._has_history(credit_id) else UPDATED, 0.0,
                     str(data.get("credit_comment") or ""), now)
        return credit

    def change_balance(self, credit_id: int, value: float, currency: str, operation: int,
                       comment: str | None, now: datetime, increase: bool) -> bool:
        allowed = INCREASE_TYPES if increase else DECREASE_TYPES
        first = operation == ALLOCATED and not self._has_history(credit_id)
        if operation not in allowed and not first:
            raise InputError("Cannot process the request. Please check the operation type and "
                             "try again.")
        if value < 0:
            raise InputError(INVALID_VALUE, {"fieldName": "value", "fieldValue": value})
        credit = self.credit(credit_id)
        if currency not in CURRENCIES:
            raise InputError(INVALID_VALUE, {"fieldName": "currency", "fieldValue": currency})
        amount = value if increase else -value
        if operation == ALLOCATED:
            credit["credit_limit"] = round(float(credit["credit_limit"] or 0) + amount, 4)
        else:
            credit["balance"] = round(float(credit["balance"]) + amount, 4)
        self._record(credit, operation, amount, comment or "", now)
        return True

    def _has_history(self, credit_id: int) -> bool:
        return any(h["company_credit_id"] == credit_id for h in self.history)

    def _record(self, credit: dict[str, Any], kind: int, amount: float, comment: str,
                now: datetime) -> None:
        self.history.append({
            "id": len(self.history) + 1, "company_credit_id": credit["id"], "user_id": 1,
            "user_type": 2, "currency_credit": credit["currency_code"],
            "currency_operation": credit["currency_code"], "rate": 1.0, "rate_credit": 0.0,
            "amount": amount, "balance": credit["balance"],
            "credit_limit": credit["credit_limit"], "available_limit": available(credit),
            "type": kind, "datetime": stamp(now), "comment": comment,
        })

    def snapshot(self) -> dict[str, Any]:
        return {"companies": [dict(c) for c in self.companies.values()],
                "credits": [credit_out(c) for c in self.credits.values()]}


def available(credit: dict[str, Any]) -> float:
    return round(float(credit.get("credit_limit") or 0) + float(credit["balance"]), 4)


def credit_out(credit: dict[str, Any]) -> dict[str, Any]:
    return {**credit, "available_limit": available(credit)}


def _check(catalog: Catalog, data: dict[str, Any], company_id: int | None) -> None:
    """``SaveValidator\\RequiredFields``, ``CompanyStatus`` and ``CompanyAdmin``."""
    errors: list[tuple[str, Any]] = [(REQUIRED, {"fieldName": name}) for name in REQUIRED_FIELDS
                                     if data.get(name) in (None, "", [], 0)]
    if data.get("status", PENDING) not in STATUSES:
        errors.append(('Invalid value of "%value" provided for the %fieldName field.',
                       {"fieldName": "status", "value": data["status"]}))
    admin_id = data.get("super_user_id")
    if admin_id and int(admin_id) not in catalog.customers:
        raise NoSuchEntity(NO_SUCH_ENTITY, {"fieldName": "customerId", "fieldValue": admin_id})
    if admin_id:
        linked = catalog.customers[int(admin_id)]["extension_attributes"].get(
            "company_attributes") or {}
        if linked.get("company_id") and linked["company_id"] != company_id:
            errors.append((OTHER_COMPANY, None))
    if errors:
        raise aggregate(errors)


def _check_rejection(data: dict[str, Any], before: dict[str, Any]) -> None:
    """``SaveValidator\\RejectedFields``."""
    becomes_rejected = data.get("status") == REJECTED and before.get("status") != REJECTED
    changes = any(data.get(k) is not None and data.get(k) != before.get(k)
                  for k in ("reject_reason", "rejected_at"))
    if changes and not becomes_rejected:
        raise InputError(REJECT_NEEDS_STATUS)
    reason = data.get("reject_reason") or before.get("reject_reason")
    if data.get("status") == REJECTED and reason is None:
        raise InputError(REJECT_NEEDS_REASON)


def _set_status(company: dict[str, Any], status: int, reason: Any, now: datetime) -> None:
    if status not in STATUSES:
        raise ValueError(f"status must be one of {STATUSES}")
    company["status"] = status
    if status == REJECTED:
        company["reject_reason"] = reason or company.get("reject_reason")
        company["rejected_at"] = company.get("rejected_at") or stamp(now)
    else:
        company["reject_reason"] = company["rejected_at"] = None


def _link_admin(catalog: Catalog, company: dict[str, Any]) -> None:
    admin = catalog.customers[int(company["super_user_id"])]
    admin["extension_attributes"]["company_attributes"] = {
        "customer_id": admin["id"], "company_id": company["id"], "status": 1,
        "telephone": company.get("telephone"), "is_default": True,
    }
