"""What the flows need from an ERP connector. Each ERP package implements these protocols."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from sync_core.model import Order, RemoteRef


@dataclass(frozen=True)
class ErpStockRow:
    """A quantity of an ERP item at an ERP location, with the ERP's version of that number."""

    item_code: str
    location: str
    qty: Decimal
    version: str


class ErpOrders(Protocol):
    system: str

    def find_order(self, external_ref: str) -> RemoteRef | None:
        """The ERP order carrying ``external_ref``, or None. Must not create anything."""
        ...

    def create_order(self, order: Order) -> RemoteRef:
        """Create the order; may raise UnknownOutcome when the answer is lost."""
        ...


class ErpStock(Protocol):
    system: str

    def stock_levels(self) -> Iterable[ErpStockRow]: ...
