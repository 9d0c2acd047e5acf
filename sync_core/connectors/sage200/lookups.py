"""Sage 200 reference data the order mapping needs, read once and refreshed on a miss.

Products
    ``products?$expand=warehouse_holdings``: id, code, whether sales orders may use it, and
    the warehouses that hold it (a sales order line needs ``product_id`` and ``warehouse_id``
    [SopSalesOrders swagger, ``sop_order_line``]). Codes are matched without regard to case,
    as Sage's SQL Server collation does.
Accounts
    By account reference (``customers?$filter=reference eq '...'``), and by email. Sage keeps
    email addresses on the customer's *contacts*, not on the customer record, and filters
    contact columns only client side [CData "Customers"; Zynk "Customer Contact XML"], so the
    email index is built from ``customers?$expand=contacts`` (every page, once) and brought up
    to date on a miss with ``$filter=date_time_updated ge <newest seen>``. A contact added
    without touching its customer's ``date_time_updated`` is only seen after a restart.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sync_core.connectors.sage200.client import Sage200Client, odata_string


@dataclass(frozen=True)
class Holding:
    id: int
    warehouse_id: int
    warehouse_name: str


@dataclass(frozen=True)
class Product:
    id: int
    code: str
    allow_sales_order: bool
    holdings: tuple[Holding, ...]


@dataclass(frozen=True)
class Account:
    id: int
    reference: str
    on_hold: bool


def _holding(raw: dict[str, Any]) -> Holding:
    return Holding(int(raw["id"]), int(raw["warehouse_id"]), str(raw.get("warehouse_name") or ""))


def _product(raw: dict[str, Any]) -> Product:
    raw_holdings = raw.get("warehouse_holdings") or []
    holdings = sorted((_holding(h) for h in raw_holdings), key=lambda h: h.id)
    return Product(
        id=int(raw["id"]),
        code=str(raw["code"]),
        allow_sales_order=raw.get("allow_sales_order") is not False,
        holdings=tuple(holdings),
    )


class Products:
    """Sage products by code and by id, with their warehouse holdings."""

    def __init__(self, client: Sage200Client) -> None:
        self.client = client
        self._by_code: dict[str, Product] = {}
        self._by_id: dict[int, Product] = {}
        self.loaded = False

    def load(self) -> None:
        rows = self.client.collection(
            "products",
            {
                "$select": "id,code,allow_sales_order,warehouse_holdings",
                "$expand": "warehouse_holdings",
            },
        )
        products = [_product(row) for row in rows]
        self._by_code = {p.code.casefold(): p for p in products}
        self._by_id = {p.id: p for p in products}
        self.loaded = True

    def by_code(self, code: str) -> Product | None:
        """The product with ``code``; an unknown code reloads the list once."""
        if not self.loaded:
            self.load()
        found = self._by_code.get(code.casefold())
        if found is None:
            self.load()
            found = self._by_code.get(code.casefold())
        return found

    def codes(self, product_ids: Iterable[int]) -> dict[int, str]:
        """Product id -> code for ``product_ids``; an id we do not know reloads once."""
        wanted = set(product_ids)
        if not self.loaded or not wanted <= self._by_id.keys():
            self.load()
        return {pid: self._by_id[pid].code for pid in wanted if pid in self._by_id}


def _stamp(value: Any) -> str | None:
    """A ``date_time_updated`` as an unquoted OData UTC literal (fractions dropped)."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _emails(row: dict[str, Any]) -> set[str]:
    found: set[str] = set()
    for contact in row.get("contacts") or []:
        if not isinstance(contact, dict):
            continue
        found.add(str(contact.get("default_email") or "").strip().lower())
        for item in contact.get("emails") or []:
            if isinstance(item, dict):
                found.add(str(item.get("email") or "").strip().lower())
    found.discard("")
    return found


def _account(row: dict[str, Any]) -> Account:
    return Account(int(row["id"]), str(row.get("reference") or ""), bool(row.get("on_hold")))


class Accounts:
    """Sage customer accounts by reference and by contact email."""

    SELECT = "id,reference,on_hold,date_time_updated"

    def __init__(self, client: Sage200Client) -> None:
        self.client = client
        self._by_reference: dict[str, Account] = {}
        self._by_email: dict[str, dict[int, Account]] = defaultdict(dict)
        self._emails_of: dict[int, set[str]] = {}
        self._newest: str | None = None
        self._indexed = False

    def by_reference(self, reference: str) -> Account | None:
        key = reference.casefold()
        if key not in self._by_reference:
            rows = self.client.rows(
                "customers",
                {"$filter": f"reference eq {odata_string(reference)}", "$select": self.SELECT},
            )
            exact = [r for r in rows if str(r.get("reference") or "").casefold() == key]
            if len(exact) != 1:
                return None
            self._by_reference[key] = _account(exact[0])
        return self._by_reference[key]

    def by_email(self, email: str) -> list[Account]:
        """Accounts with a contact at ``email`` (several means ambiguous)."""
        key = email.strip().lower()
        if not self._indexed:
            self._index(None)
        elif not self._by_email.get(key):
            self._index(self._newest)
        return sorted(self._by_email.get(key, {}).values(), key=lambda a: a.id)

    def _index(self, since: str | None) -> None:
        params = {"$expand": "contacts", "$select": f"{self.SELECT},contacts"}
        if since is not None:
            params["$filter"] = f"date_time_updated ge {since}"
        for row in self.client.collection("customers", params):
            self._add(row)
        self._indexed = True

    def _add(self, row: dict[str, Any]) -> None:
        account = _account(row)
        for old in self._emails_of.pop(account.id, set()):
            self._by_email[old].pop(account.id, None)
        emails = _emails(row)
        for email in emails:
            self._by_email[email][account.id] = account
        self._emails_of[account.id] = emails
        stamp = _stamp(row.get("date_time_updated"))
        if stamp is not None and (self._newest is None or stamp > self._newest):
            self._newest = stamp
