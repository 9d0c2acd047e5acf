"""Account sync: Magento B2B companies become ERP accounts behind an approval gate; the ERP's
credit hold, credit limit and status flow back to Magento (FM-T07).

A scheduled pass over Magento's companies. For each company:

* **bind** (once): the ERP account is looked up by the external reference
  ``mage-company-<id>``, then by e-mail, and created only when neither finds one (created
  *held* when ``policies.account_approval`` is on); the account is bound in the store (entity
  ``account``, key ``magento-company:<id>``) with the state ``pending`` or ``approved``. A lost
  answer to the create leaves no binding: the next pass finds the account by its reference, so
  a retry never makes a second account.
* **gate**: until the ERP approves (its hold is released: NetSuite ``creditHoldOverride``,
  Business Central ``blocked``, B1 ``Frozen``, Sage 200 ``on_hold``), the Magento company is
  never active (an active one is set back to *pending*; one the merchant blocked stays
  blocked) and its credit limit is 0, whatever was set in Magento: it cannot order on terms.
* **approve**: the first pass that sees the account open activates the company and sets its
  credit limit to the ERP's; the binding becomes ``approved``.
* **follow**: afterwards each change of the ERP account (hold, release, credit limit; the
  last applied one is kept as a version) is applied once: a hold blocks the company (status 3),
  a release activates it again, a new limit becomes the company credit limit. Magento-side
  status edits between ERP changes are left alone.
* **addresses**: when the company's name, e-mail, phone or address changed since the last
  copy (a digest kept as a version; an account found rather than created gets its first copy
  at once), the ERP account is updated.
* **customers** (per profile): Magento customers of the groups in
  ``policies.account_customer_groups`` who belong to no company get an account too (reference
  ``mage-customer-<id>``, looked up first, created open: a consumer account has no approval
  gate in Magento), and their default billing address is kept in step the same way.

Companies Magento rejected are left alone. When the profile makes the ERP the owner of
accounts (``flows.accounts.source_of_truth: erp``), companies are only bound to accounts
found by reference or e-mail, never created. A company that cannot be mapped is recorded and
alerted, and the others go on; a retryable failure (ERP down) ends the pass, to be retried.
The ERP side is ``sync_core.connectors.<package>.accounts`` (``build(engine)``); an ERP
without one has no account flow (every packaged ERP has one).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import partial
from typing import TYPE_CHECKING, Any

from sync_core.alerts import Alert
from sync_core.connectors.magento.accounts import MagentoAccounts
from sync_core.connectors.registry import flow_module
from sync_core.errors import PermanentError
from sync_core.flows.accounts_model import (
    APPROVED,
    BLOCKED,
    PENDING,
    REJECTED,
    STATUS_NAMES,
    AccountDraft,
    Company,
    ErpAccount,
    ErpAccounts,
    MagentoCompanies,
    company_from,
    customer_from,
    in_company,
)
from sync_core.store import Job

if TYPE_CHECKING:
    from sync_core.engine import Engine

log = logging.getLogger("sync_core.flows.accounts")

FLOW = "accounts.sync"
ENTITY = "account"
ERP_SCOPE = "accounts.erp"
ADDRESS_SCOPE = "accounts.address"
DEFAULT_EVERY_S = 60.0


@dataclass
class AccountsResult:
    read: int = 0
    created: int = 0
    found: int = 0
    approved: int = 0
    blocked: int = 0
    updated: int = 0
    failed: list[str] = field(default_factory=list)


class AccountsFlow:
    name = FLOW

    def __init__(self, engine: Engine, erp: ErpAccounts, magento: MagentoCompanies) -> None:
        self.engine = engine
        self.erp = erp
        self.magento = magento
        self.system = erp.system
        settings = engine.config.flow("accounts")
        self.every_s = settings.every_s or DEFAULT_EVERY_S
        self.creates = settings.owner("accounts") == "magento"
        self.approval = engine.config.policies.account_approval
        self.customer_groups = list(engine.config.policies.account_customer_groups)
        self._fence: tuple[str, int] | None = None

    def handlers(self) -> Mapping[str, Callable[[Job], str]]:
        return {}

    # -- the pass --------------------------------------------------------------------------
    def run(self, fence: tuple[str, int]) -> AccountsResult:
        result = AccountsResult()
        self._fence = fence
        for raw in self.magento.companies():
            result.read += 1
            self._guarded(f"company {raw.get('id')}", result, partial(self._company, raw, result))
        for raw in self.magento.customers(self.customer_groups):
            if not in_company(raw):
                result.read += 1
                label = f"customer {raw.get('id')}"
                self._guarded(label, result, partial(self._customer, raw, result))
        self.engine.alerter.settle(
            "accounts:refused:",
            [Alert(f"accounts:refused:{f.split(':', 1)[0]}", "account_refused", f, "error")
             for f in result.failed],
        )  # fmt: skip
        return result

    def _guarded(self, label: str, result: AccountsResult, sync: Callable[[], None]) -> None:
        """One record: a permanent failure is recorded and alerted, and the pass goes on."""
        try:
            sync()
        except PermanentError as exc:
            message = f"{label}: {exc.message}"
            log.warning("account sync refused %s", message)
            result.failed.append(message)
            key = "magento-" + label.replace(" ", ":")
            now = self.engine.clock.now()
            self.engine.store.record(FLOW, key, "sync", exc.reason, exc.message, now)

    def _company(self, raw: dict[str, Any], result: AccountsResult) -> None:
        company = company_from(raw)
        if company.status == REJECTED:  # the merchant's refusal wins: nothing to sync
            return
        binding = self.engine.store.binding(self.system, ENTITY, company.key)
        if binding is None:
            if self.approval and self.creates:  # not active and no credit, even if this fails
                company = self._gate(company)
            binding = self._bind(company.key, company.draft, self.approval, result)
            if binding is None:
                return
        approved = binding["state"] == "approved"
        if not approved:  # first, and without the ERP: the gate holds even while it is down
            company = self._gate(company)
        account = self.erp.read(str(binding["remote_id"]))
        if not approved and not account.on_hold:
            self._approve(company, account, result)
        elif approved:
            self._follow(company, account, result)
        self._copy_address(company.key, company.draft, account.id, result)

    def _customer(self, raw: dict[str, Any], result: AccountsResult) -> None:
        """A customer of a configured group in no company: an open account, kept in step."""
        key, draft = customer_from(raw)
        binding = self.engine.store.binding(self.system, ENTITY, key)
        if binding is None:
            binding = self._bind(key, draft, False, result)
        if binding is not None:
            self._copy_address(key, draft, str(binding["remote_id"]), result)

    # -- bind ------------------------------------------------------------------------------
    def _bind(
        self, key: str, draft: AccountDraft, held: bool, result: AccountsResult
    ) -> dict[str, Any] | None:
        """Look the account up (reference, then e-mail), create it when the profile lets us,
        and bind it; None when there is none and we may not create."""
        account = self.erp.find(draft)
        action = "lookup"
        if account is None and not self.creates:
            return None
        if account is None:
            account = self.erp.create(draft, held=held)
            action = "create"
        result.created += action == "create"
        result.found += action == "lookup"
        state = "pending" if held else "approved"
        now = self.engine.clock.now()
        self.engine.store.bind(self.system, ENTITY, key, account.id, draft.ref, now, state)
        if action == "create":  # a found account gets Magento's contact on the next step
            self._versions(ADDRESS_SCOPE, key, draft.version())
        self._audit(key, action, f"{key} is {self.system} account {account.number} ({state})")
        return {"remote_id": account.id, "state": state}

    # -- gate, approve, follow -------------------------------------------------------------
    def _gate(self, company: Company) -> Company:
        """Before ERP approval: not active (pending, or blocked by the merchant), no credit.
        Answers the company as it now is."""
        if company.status == APPROVED:
            self.magento.set_status(company, PENDING)
            detail = f"set back to pending: awaiting {self.system} approval"
            self._audit(company.key, "gate", detail)
            company = replace(company, status=PENDING)
        if self.magento.credit_limit(company.id) != 0:
            self.magento.set_credit_limit(company.id, Decimal(0), "awaiting ERP approval")
            self._audit(company.key, "gate", "credit limit set to 0: awaiting ERP approval")
        return company

    def _approve(self, company: Company, account: ErpAccount, result: AccountsResult) -> None:
        self._apply(company, account, APPROVED)
        now = self.engine.clock.now()
        self.engine.store.bind(
            self.system, ENTITY, company.key, account.id, company.draft.ref, now, "approved"
        )
        result.approved += 1
        limit = account.credit_limit or Decimal(0)
        detail = f"{self.system} approved {account.number}: limit {limit}"
        self._audit(company.key, "approve", detail)

    def _follow(self, company: Company, account: ErpAccount, result: AccountsResult) -> None:
        if self.engine.store.version(ERP_SCOPE, company.key) == account.version():
            return
        status = BLOCKED if account.on_hold else APPROVED
        self._apply(company, account, status)
        if account.on_hold:
            result.blocked += 1
        detail = f"{self.system} {account.number} now {account.version()}"
        self._audit(company.key, "follow", f"{detail}: company {STATUS_NAMES[status]}")

    def _apply(self, company: Company, account: ErpAccount, status: int) -> None:
        """Make the company's status and credit limit what the ERP account says."""
        if company.status != status:
            self.magento.set_status(company, status)
        limit = account.credit_limit or Decimal(0)
        if self.magento.credit_limit(company.id) != limit:
            self.magento.set_credit_limit(company.id, limit, f"{self.system} {account.number}")
        self._versions(ERP_SCOPE, company.key, account.version())

    # -- addresses -------------------------------------------------------------------------
    def _copy_address(
        self, key: str, draft: AccountDraft, account_id: str, result: AccountsResult
    ) -> None:
        """Magento's contact and address onto the ERP account, when they changed (never when
        the ERP owns accounts)."""
        version = draft.version()
        if not self.creates or self.engine.store.version(ADDRESS_SCOPE, key) == version:
            return
        self.erp.update_contact(account_id, draft)
        self._versions(ADDRESS_SCOPE, key, version)
        result.updated += 1
        self._audit(key, "address", f"{self.system} account {account_id} updated")

    # -- records ---------------------------------------------------------------------------
    def _versions(self, scope: str, key: str, version: str) -> None:
        """Remember what was applied; fenced, so a pass whose lease moved on cannot."""
        now = self.engine.clock.now()
        self.engine.store.set_versions(scope, {key: version}, now, self._fence)

    def _audit(self, key: str, action: str, detail: str) -> None:
        self.engine.store.record(FLOW, key, action, "ok", detail, self.engine.clock.now())


def erp_adapter(engine: Engine) -> ErpAccounts | None:
    """The ERP package's account adapter (``sync_core.connectors.<pkg>.accounts``), if any."""
    module = flow_module(engine.config.erp.kind, "accounts")
    adapter: ErpAccounts | None = None if module is None else module.build(engine)
    return adapter


def attach(engine: Engine) -> AccountsFlow | None:
    """The account flow, unless the profile disables it or the ERP has no account adapter."""
    if not engine.config.flow("accounts").enabled:
        return None
    erp = erp_adapter(engine)
    if erp is None:
        return None
    return AccountsFlow(engine, erp, MagentoAccounts(engine.magento))
