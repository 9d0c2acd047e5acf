"""Business Central's prices for the price flow: the item card's ``unitPrice`` (API v2.0
``items``) as the undated base price and, when the profile names the published page web
service ``erp.options["price_list_service"]``, the Active lines of the sales price list (see
:mod:`~sync_core.connectors.business_central.price_lines`) as dated base prices (FM-T02): a
line's price from its first to its last day, the item card's outside them; an Active line
without dates replaces the item card's price, and one without a first day wins over the card
until its last day. Without the service only the item card is read (the
standard API v2.0 has no price list lines); tier and special prices in Magento are left alone.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sync_core.connectors.business_central.price_lines import (
    FIELDS,
    PriceLine,
    line_filter,
    parse,
    service_url,
)
from sync_core.flows.prices_model import ErpPrice

if TYPE_CHECKING:
    from sync_core.engine import Engine


class BcPriceSource:
    kinds = frozenset({"base"})

    def __init__(self, engine: Engine) -> None:
        self.client = engine.erp.client  # type: ignore[attr-defined]
        self.mapping = engine.config.mapping
        options = engine.config.erp.options
        self.service = str(options.get("price_list_service") or "").strip()
        self.price_list = str(options.get("price_list_code") or "").strip() or None
        self._company_name: str | None = None

    def read(self) -> list[ErpPrice]:
        lines = self._lines() if self.service else []
        undated = {line.item for line in lines if line.valid_from is line.valid_to is None}
        url = self.client.settings.company_url("items")
        rows = self.client.collect(url, {"$select": "id,number,unitPrice,blocked"})
        blocked = {str(row["number"]) for row in rows if row.get("blocked")}
        dated = [_dated(self.mapping.sku_for(x.item), x) for x in lines if x.item not in blocked]
        return dated + [  # lines first: among prices equally dated the first one wins
            ErpPrice(
                self.mapping.sku_for(str(row["number"])),
                "base",
                Decimal(str(row["unitPrice"])),
                source="item unitPrice",
            )
            for row in rows
            if not row.get("blocked")
            and row.get("unitPrice") is not None
            and str(row["number"]) not in undated
        ]

    def _lines(self) -> list[PriceLine]:
        url = service_url(self.client.settings, self.company_name(), self.service)
        rows = self.client.collect(
            url, {"$filter": line_filter(self.price_list), "$select": FIELDS}
        )
        return [line for line in map(parse, rows) if line is not None]

    def company_name(self) -> str:
        """The OData V4 web services name the company, the API its id: the configured
        ``company_name`` or the name the API gives the configured company."""
        if self._company_name is None:
            settings: Any = self.client.settings
            named = settings.company_name or self.client.get(settings.company_url()).get("name")
            self._company_name = str(named)
        return self._company_name


def _dated(sku: str, line: PriceLine) -> ErpPrice:
    return ErpPrice(
        sku,
        "base",
        line.amount,
        valid_from=line.valid_from,
        valid_to=line.valid_to,
        source=f"price list line {line.where}",
    )


def build(engine: Engine) -> BcPriceSource | None:
    return BcPriceSource(engine) if hasattr(engine.erp, "client") else None
