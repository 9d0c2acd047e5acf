"""The account flow's vocabulary: a Magento B2B company as an ERP account draft, the ERP's view
of an account, and the two ports the flow talks through (Magento side, ERP side).

Vendor-neutral: each ERP package maps its own fields (NetSuite ``creditHoldOverride`` and
``creditLimit``, Business Central ``blocked`` and ``creditLimit``, ...) onto :class:`ErpAccount`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol

from sync_core.errors import MappingError

# Adobe Commerce B2B company statuses (Magento\Company\Api\Data\CompanyInterface).
PENDING, APPROVED, REJECTED, BLOCKED = 0, 1, 2, 3
STATUS_NAMES = {PENDING: "pending", APPROVED: "active", REJECTED: "rejected", BLOCKED: "blocked"}
REF_PREFIX = "mage-company-"
CUSTOMER_REF_PREFIX = "mage-customer-"


@dataclass(frozen=True)
class AccountDraft:
    """What the ERP account is made from: the company's name, contact details and address."""

    ref: str
    name: str
    email: str
    short: str = ""
    """A short stable key for ERPs whose account codes are ours to choose: the company id, or
    ``U`` and the customer id."""
    phone: str = ""
    street: tuple[str, ...] = ()
    city: str = ""
    postcode: str = ""
    country_id: str = ""
    region: str = ""

    def version(self) -> str:
        """A short digest of the fields the ERP copy follows (address changes show here)."""
        text = "|".join(
            [self.name, self.email, self.phone, "/".join(self.street), self.city]
            + [self.postcode, self.country_id, self.region]
        )
        return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Company:
    """A Magento company as the flow reads it (``raw`` is the REST body, for writes)."""

    id: int
    status: int
    draft: AccountDraft
    raw: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def key(self) -> str:
        return f"magento-company:{self.id}"


@dataclass(frozen=True)
class ErpAccount:
    """The ERP's account: its id, its number, whether it may buy, and its credit limit."""

    id: str
    number: str
    on_hold: bool
    credit_limit: Decimal | None = None

    def version(self) -> str:
        """What Magento follows of this account: hold and credit limit."""
        limit = "-" if self.credit_limit is None else f"{self.credit_limit.normalize():f}"
        return f"{'hold' if self.on_hold else 'open'}:{limit}"


def company_from(raw: dict[str, Any]) -> Company:
    """A Magento company body (``GET /V1/company``) as a :class:`Company`; a company without a
    name or an e-mail cannot become an ERP account (:class:`MappingError` naming the field)."""
    company_id = int(raw["id"])
    for name in ("company_name", "company_email"):
        if not str(raw.get(name) or "").strip():
            raise MappingError(f"company {company_id}", name, "is empty: no ERP account")
    street = raw.get("street") or []
    draft = AccountDraft(
        ref=f"{REF_PREFIX}{company_id}",
        name=str(raw["company_name"]),
        email=str(raw["company_email"]),
        short=str(company_id),
        phone=str(raw.get("telephone") or ""),
        street=tuple(str(s) for s in (street if isinstance(street, list) else [street])),
        city=str(raw.get("city") or ""),
        postcode=str(raw.get("postcode") or ""),
        country_id=str(raw.get("country_id") or ""),
        region=str(raw.get("region") or ""),
    )
    return Company(company_id, int(raw.get("status") or 0), draft, raw)


def customer_from(raw: dict[str, Any]) -> tuple[str, AccountDraft]:
    """A Magento customer (``GET /V1/customers/search``) as (binding key, draft): the name and
    address of the default billing address, else the customer's own name."""
    customer_id = int(raw["id"])
    if not str(raw.get("email") or "").strip():
        raise MappingError(f"customer {customer_id}", "email", "is empty: no ERP account")
    addresses = raw.get("addresses") or []
    billing = next(
        (a for a in addresses if str(a.get("id")) == str(raw.get("default_billing"))),
        addresses[0] if addresses else {},
    )
    person = " ".join(str(raw.get(k) or "") for k in ("firstname", "lastname")).strip()
    street = billing.get("street") or []
    region = billing.get("region")
    draft = AccountDraft(
        ref=f"{CUSTOMER_REF_PREFIX}{customer_id}",
        name=str(billing.get("company") or person or raw["email"]),
        email=str(raw["email"]),
        short=f"U{customer_id}",
        phone=str(billing.get("telephone") or ""),
        street=tuple(str(s) for s in (street if isinstance(street, list) else [street])),
        city=str(billing.get("city") or ""),
        postcode=str(billing.get("postcode") or ""),
        country_id=str(billing.get("country_id") or ""),
        region=str((region or {}).get("region") or "") if isinstance(region, dict) else "",
    )
    return f"magento-customer:{customer_id}", draft


def in_company(raw: dict[str, Any]) -> bool:
    """Whether a Magento customer is a user of a B2B company (then the company is the account)."""
    extension = raw.get("extension_attributes") or {}
    return bool((extension.get("company_attributes") or {}).get("company_id"))


class ErpAccounts(Protocol):
    """The ERP side: look up, create, read and update accounts."""

    system: str

    def find(self, draft: AccountDraft) -> ErpAccount | None:
        """The account with this external reference, else the one with this e-mail."""
        ...

    def create(self, draft: AccountDraft, held: bool) -> ErpAccount:
        """A new account; ``held``: created blocked for sales until the ERP approves it."""
        ...

    def read(self, remote_id: str) -> ErpAccount:
        """The account as the ERP has it now (RemoteNotFound when gone)."""
        ...

    def update_contact(self, remote_id: str, draft: AccountDraft) -> None:
        """Copy the name, e-mail, phone and address of ``draft`` onto the account."""
        ...


class MagentoCompanies(Protocol):
    """The Magento side: companies, their status and their company credit."""

    def companies(self) -> list[dict[str, Any]]: ...

    def customers(self, group_ids: list[int]) -> list[dict[str, Any]]: ...

    def set_status(self, company: Company, status: int) -> None: ...

    def credit_limit(self, company_id: int) -> Decimal: ...

    def set_credit_limit(self, company_id: int, limit: Decimal, comment: str) -> None: ...
