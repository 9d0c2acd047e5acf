"""The price book's part of the legacy backend: seeding it, its events and its snapshot.

Mixed into :class:`fakes.legacy.state.LegacyBackend` (the events of a base class are
inherited by the backend's event table).

Events
    ``set_price``      ``sku``, ``price``, ``price_list?`` (``STD``), ``min_qty?`` (1),
                       ``effective_from?`` (today), ``effective_to?`` (open-ended): a pricing
                       clerk's change (rules in :mod:`fakes.legacy.prices`); 400 naming the
                       field when it is wrong
    ``export_prices``  ``sku?``, ``price_list?``: writes a price export now
                       (:mod:`fakes.legacy.price_export`); returns ``{"exports": [...]}``

Option ``price_export_interval_s`` (default 0: only on the event) schedules the export.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any, cast

from fakes.core.backend import VendorBackend, event
from fakes.legacy import price_export
from fakes.legacy.prices import PriceBook, change_price, check_change, seed_book

if TYPE_CHECKING:
    from fakes.legacy.state import LegacyBackend


class PriceEvents(VendorBackend):
    price_book: PriceBook

    def _erp(self) -> LegacyBackend:
        return cast("LegacyBackend", self)

    def load_prices(self) -> None:
        """Seed the price book and its export schedule (call after the ledgers are loaded)."""
        book = seed_book(self.ctx.dataset, self.ctx.profile)
        book.export_interval_s = float(self.ctx.options.get("price_export_interval_s", 0))
        book.next_export_at = self.clock.now() + timedelta(seconds=book.export_interval_s)
        self.price_book = book
        self._erp().export_seq.setdefault(price_export.KIND, 0)

    def tick_prices(self) -> None:
        price_export.tick(self._erp(), self.clock.now())

    def price_snapshot(self) -> list[dict[str, Any]]:
        return [r.to_dict() for r in self.price_book.current_and_future(self.clock.now().date())]

    @event("set_price")
    def set_price(
        self,
        sku: str,
        price: Any,
        price_list: str | None = None,
        min_qty: int = 1,
        effective_from: str | None = None,
        effective_to: str | None = None,
    ) -> dict[str, Any]:
        """A pricing clerk changes a price (see :mod:`fakes.legacy.prices`)."""
        now = self.clock.now()
        payload = {
            "sku": sku,
            "price": price,
            "price_list": price_list,
            "min_qty": min_qty,
            "effective_from": effective_from,
            "effective_to": effective_to,
        }
        change = check_change(self.price_book, set(self._erp().items), payload, now.date())
        return change_price(self.price_book, change, now).to_dict()

    @event("export_prices")
    def export_prices(
        self, sku: str | None = None, price_list: str | None = None
    ) -> dict[str, Any]:
        records = price_export.export_prices(
            self._erp(), self.clock.now(), sku=sku, price_list=price_list
        )
        return {"exports": [r.to_dict() for r in records]}
