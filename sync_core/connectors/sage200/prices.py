"""Sage 200's prices for the price flow: ``product_price_views`` (a product's price in each
price band) and ``price_bands`` (which bands are time based, and their dates).

* The base price is the band ``erp.options["price_band"]`` (default ``Standard``).
* ``erp.options["dated_price_bands"]`` (comma-separated band names) lists the time-based bands
  the web account is linked to, e.g. a promotion: a product's own price in such a band is its
  base price from ``active_date_time_from`` to ``active_date_time_to`` (FM-T02), sent when it
  starts and replaced by the base band's price once it ends. A product that takes the Standard
  price in that band (``product_price_use_standard``) has no dated price there.
* ``mapping.price_lists`` names a band per Magento customer group (tier prices, quantity 1),
  dated the same way when the band is time based.
* Dates: Sage enters a band's dates as days; an ``active_date_time_to`` at midnight counts
  through the end of that day. A band that is not active (``is_active`` false) prices nothing.
  Stamps without a zone are UTC, as every Sage stamp.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sync_core.errors import SchemaDrift
from sync_core.flows.prices_model import ErpPrice, Kind

if TYPE_CHECKING:
    from sync_core.engine import Engine


@dataclass(frozen=True)
class Band:
    name: str
    active: bool
    valid_from: datetime | None = None
    valid_to: datetime | None = None


def _stamp(raw: Any, name: str, field: str) -> datetime | None:
    if raw in (None, ""):
        return None
    try:
        stamp = datetime.fromisoformat(str(raw).replace("Z", "+00:00"))
    except ValueError as exc:
        raise SchemaDrift(f"sage200 price band {name!r}: {field} {raw!r} is no date") from exc
    return (stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)).astimezone(UTC)


def band(row: dict[str, Any]) -> Band:
    """A ``price_bands`` row: its dates only when it is time based."""
    name = str(row.get("name"))
    active = row.get("is_active") is not False
    if not row.get("is_time_based"):
        return Band(name, active)
    start = _stamp(row.get("active_date_time_from"), name, "active_date_time_from")
    end = _stamp(row.get("active_date_time_to"), name, "active_date_time_to")
    if end is not None and end.time() == time.min:
        end = datetime.combine(end.date(), time(23, 59, 59), tzinfo=UTC)
    return Band(name, active, start, end)


class SagePriceSource:
    def __init__(self, engine: Engine) -> None:
        self.client = engine.erp.client  # type: ignore[attr-defined]
        self.mapping = engine.config.mapping
        options = engine.config.erp.options
        self.base_band = options.get("price_band", "Standard")
        self.dated = {n.strip() for n in options.get("dated_price_bands", "").split(",")} - {""}
        self.bands = dict(self.mapping.price_lists)
        self.kinds = frozenset({"base", "tier"} if self.bands else {"base"})

    def read(self) -> list[ErpPrice]:
        bands = {b.name: b for b in map(band, self.client.rows("price_bands"))}
        out: list[ErpPrice] = []
        for row in self.client.rows("product_price_views"):
            out.extend(self._prices(row, bands))
        return out

    def _prices(self, row: dict[str, Any], bands: dict[str, Band]) -> list[ErpPrice]:
        if row.get("product_price_price") is None:
            return []
        name = str(row.get("price_band_name"))
        found = bands.get(name, Band(name, True))
        if not found.active:
            return []
        sku = self.mapping.sku_for(str(row["product_code"]))
        amount = Decimal(str(row["product_price_price"]))
        out = []
        if name == self.base_band:
            out.append(_price(sku, "base", amount, found, f"price band {name}"))
        elif name in self.dated and not row.get("product_price_use_standard"):
            out.append(_price(sku, "base", amount, found, f"time-based price band {name}"))
        for group, wanted in self.bands.items():
            if wanted == name:
                out.append(_price(sku, "tier", amount, found, f"price band {name}", group))
        return out


def _price(
    sku: str, kind: Kind, amount: Decimal, found: Band, source: str, group: str | None = None
) -> ErpPrice:
    return ErpPrice(
        sku,
        kind,
        amount,
        group,
        valid_from=found.valid_from,
        valid_to=found.valid_to,
        source=source,
    )


def build(engine: Engine) -> SagePriceSource | None:
    return SagePriceSource(engine) if hasattr(engine.erp, "client") else None
