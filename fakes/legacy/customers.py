"""The legacy ERP's customer accounts: status, credit hold, credit limit and balance.

Every customer the order import and ``CreateOrder`` accept (the seeded master data) has an
account, ``approved`` with no hold, a credit limit of :data:`SEEDED_LIMIT` and no external
reference. ``CreateCustomer`` opens a new account ``pending`` approval with a credit limit of
0, numbered ``C%06d``; it never checks for an account with the same external reference or
e-mail (like ``CreateOrder``, FM-L03): two calls make two accounts. The new account is also a
customer the order import and ``CreateOrder`` accept: the ERP does not check status or credit
when it takes an order (its credit controller stops a held account's orders at despatch).

The credit controller works in the ERP (control-plane events): ``approve_customer`` approves
an account (and may set its limit), ``set_credit_hold`` puts one on credit hold or lifts the
hold, ``block_customer`` blocks it (status ``blocked``) or unblocks it (``approved``).

The balance is derived, never stored: the value of the account's orders that are not
cancelled less the total of its credit notes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from fakes.legacy.model import Customer, iso, money

if TYPE_CHECKING:
    from fakes.legacy.state import LegacyBackend

SEEDED_LIMIT = Decimal("5000.00")
STATUSES = ("pending", "approved", "blocked")
CONTACT_FIELDS = ("name", "email", "phone", "street", "city", "postcode", "country")


@dataclass
class Account:
    """One customer account as the ERP keeps it."""

    customer_ref: str
    name: str
    email: str
    created_at: datetime
    updated_at: datetime
    external_ref: str | None = None
    phone: str = ""
    street: str = ""
    city: str = ""
    postcode: str = ""
    country: str = ""
    status: str = "approved"  # pending | approved | blocked
    credit_hold: bool = False
    credit_limit: Decimal = SEEDED_LIMIT

    def to_dict(self, balance: Decimal) -> dict[str, Any]:
        return {
            "customer_ref": self.customer_ref,
            "external_ref": self.external_ref,
            "name": self.name,
            "email": self.email,
            "phone": self.phone,
            "street": self.street,
            "city": self.city,
            "postcode": self.postcode,
            "country": self.country,
            "status": self.status,
            "credit_hold": self.credit_hold,
            "credit_limit": money(self.credit_limit),
            "balance": money(balance),
            "created_at": iso(self.created_at),
            "updated_at": iso(self.updated_at),
        }


class AccountBook:
    """The accounts of one ERP, by customer reference."""

    def __init__(self, customers: dict[str, Customer], at: datetime) -> None:
        self.accounts: dict[str, Account] = {
            ref: Account(ref, c.name, c.email, at, at) for ref, c in sorted(customers.items())
        }
        self.counter = 0

    # -- reads ------------------------------------------------------------------------------
    def get(self, customer_ref: str) -> Account | None:
        return self.accounts.get(customer_ref)

    def find(self, external_ref: str | None, email: str | None) -> list[Account]:
        """Accounts with this external reference and/or e-mail (case-insensitive), all copies."""
        wanted = email.casefold() if email else None
        return [
            a
            for a in self.accounts.values()
            if (external_ref is None or a.external_ref == external_ref)
            and (wanted is None or a.email.casefold() == wanted)
        ]

    # -- writes -----------------------------------------------------------------------------
    def create(self, backend: LegacyBackend, fields: dict[str, str]) -> Account:
        """A new account pending approval; also a customer orders may name."""
        self.counter += 1
        ref = f"C{self.counter:06d}"
        while ref in self.accounts or ref in backend.customers:
            self.counter += 1
            ref = f"C{self.counter:06d}"
        now = backend.clock.now()
        account = Account(
            ref,
            fields["name"],
            fields["email"],
            now,
            now,
            status="pending",
            credit_limit=Decimal(0),
            external_ref=fields.get("external_ref") or None,
        )
        self._apply(account, fields)
        self.accounts[ref] = account
        backend.customers[ref] = Customer(ref, account.email, account.name)
        return account

    def update(self, backend: LegacyBackend, account: Account, fields: dict[str, str]) -> None:
        """Change the contact fields given; status and credit are the credit controller's."""
        self._apply(account, fields)
        account.updated_at = backend.clock.now()
        backend.customers[account.customer_ref] = Customer(
            account.customer_ref, account.email, account.name
        )

    @staticmethod
    def _apply(account: Account, fields: dict[str, str]) -> None:
        for name in CONTACT_FIELDS:
            if name in fields:
                setattr(account, name, fields[name])


def balance(backend: LegacyBackend, customer_ref: str) -> Decimal:
    """Open order value less credit notes (orders not cancelled)."""
    ordered = sum(
        (
            line.unit_price * line.quantity
            for order in backend.customer_orders(customer_ref)
            if order.status != "cancelled"
            for line in order.lines
        ),
        Decimal(0),
    )
    credited = sum(
        (note.total for note in backend.credit_book.notes if note.customer_ref == customer_ref),
        Decimal(0),
    )
    return ordered - credited


def account_dict(backend: LegacyBackend, account: Account) -> dict[str, Any]:
    return account.to_dict(balance(backend, account.customer_ref))


# -- the credit controller (events) ----------------------------------------------------------
def _account(backend: LegacyBackend, customer_ref: str) -> Account:
    account = backend.account_book.get(customer_ref)
    if account is None:
        raise ValueError(f"no customer {customer_ref!r}")
    return account


def _limit(value: Any) -> Decimal:
    try:
        limit = Decimal(str(value))
    except ArithmeticError:
        raise ValueError(f"credit_limit {value!r} is not a number") from None
    if not limit.is_finite() or limit < 0:
        raise ValueError(f"credit_limit {value!r} must be a number >= 0")
    return limit


def approve(backend: LegacyBackend, customer_ref: str, credit_limit: Any = None) -> dict[str, Any]:
    """The credit controller approves an account (optionally with a new credit limit)."""
    account = _account(backend, customer_ref)
    if credit_limit is not None:
        account.credit_limit = _limit(credit_limit)
    account.status = "approved"
    account.updated_at = backend.clock.now()
    return account_dict(backend, account)


def credit_hold(backend: LegacyBackend, customer_ref: str, on_hold: bool) -> dict[str, Any]:
    """The credit controller puts an account on credit hold, or lifts the hold."""
    if not isinstance(on_hold, bool):
        raise ValueError("on_hold must be true or false")
    account = _account(backend, customer_ref)
    account.credit_hold = on_hold
    account.updated_at = backend.clock.now()
    return account_dict(backend, account)


def block(backend: LegacyBackend, customer_ref: str, blocked: bool) -> dict[str, Any]:
    """The account is blocked (status ``blocked``) or unblocked (``approved``)."""
    if not isinstance(blocked, bool):
        raise ValueError("blocked must be true or false")
    account = _account(backend, customer_ref)
    account.status = "blocked" if blocked else "approved"
    account.updated_at = backend.clock.now()
    return account_dict(backend, account)
