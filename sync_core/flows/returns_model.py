"""Returns and credit notes, vendor-neutral: what a Magento credit memo means to an ERP.

A :class:`CreditNote` is one Magento credit memo mapped for the ERP: which ERP order (and so
which invoice) it credits, its lines in ERP item codes with quantities and amounts, whether each
line goes back to stock and to which ERP warehouse, the refunded shipping and the adjustment.
Its ``reference`` is the credit memo's external reference in every ERP, the key a lost answer
is recovered by. An :class:`ErpCredit` is the reverse: an ERP credit note read for Magento.

ERP adapters (``sync_core.connectors.<erp>.returns``) implement :class:`ErpCredits`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from sync_core.model import RemoteRef


@dataclass(frozen=True)
class CreditLine:
    """One credited line: ``qty`` of ``item_code`` at ``price`` (net unit price)."""

    order_item_id: int
    sku: str
    item_code: str
    qty: Decimal
    price: Decimal
    row_total: Decimal
    tax: Decimal
    restock: bool = False
    location: str | None = None
    """The ERP warehouse the goods return to (only when ``restock``)."""


@dataclass(frozen=True)
class CreditNote:
    """One Magento credit memo, mapped for the ERP."""

    creditmemo_id: int
    increment_id: str
    reference: str
    order_entity_id: int
    order_increment_id: str
    order_ref: str
    erp_order_id: str
    lines: tuple[CreditLine, ...]
    shipping: Decimal
    adjustment: Decimal
    grand_total: Decimal
    currency: str
    customer_email: str

    @property
    def label(self) -> str:
        """How evidence and errors name it: the credit memo and its order."""
        return f"credit memo {self.increment_id} of order {self.order_increment_id}"

    @property
    def restocked(self) -> tuple[CreditLine, ...]:
        return tuple(line for line in self.lines if line.restock and line.qty > 0)


@dataclass(frozen=True)
class ErpCreditLine:
    sku: str
    qty: Decimal


@dataclass(frozen=True)
class ErpCredit:
    """An ERP credit note read for Magento (the ERP owns refunds)."""

    document_id: str
    display: str
    erp_order_id: str | None
    order_ref: str | None
    lines: tuple[ErpCreditLine, ...]
    shipping: Decimal
    version: str
    adjustment: Decimal = Decimal(0)


class ErpCredits(Protocol):
    """An ERP's credit notes, as the returns flow needs them."""

    system: str

    def find_credit(self, note: CreditNote) -> RemoteRef | None:
        """The ERP credit note carrying ``note.reference``, if one exists."""
        ...

    def create_credit(self, note: CreditNote) -> RemoteRef:
        """Create the ERP credit note (and the return to stock) for ``note``."""
        ...


class ErpCreditSource(Protocol):
    """An ERP whose credit notes can be read (for ``source_of_truth: erp``)."""

    system: str

    def credits(self, since: str | None) -> Iterable[ErpCredit]:
        """Credit notes changed since ``since`` (a version the adapter answered before)."""
        ...


def reference(store_code: str, increment_id: str) -> str:
    """A credit memo's external reference in the ERP (store-namespaced like orders)."""
    safe = "".join(c if c.isalnum() or c in "_-" else "_" for c in store_code)
    return f"mage-{safe}-CM{increment_id}"


def money(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"))
