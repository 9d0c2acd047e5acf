"""Price bands and the prices products have in them (the Price Book API, ``price-book.json``
[SelectCo/sage200-api-client]).

A price band is a price list; ``product_price_views`` gives a product's price in each band
(``product_price_use_standard`` when the band takes the Standard band's price). A band can be
*time based*: ``is_time_based`` with ``active_date_time_from`` and ``active_date_time_to``
(date-times, UTC like every Sage stamp). Sage enters these dates as days, so the fake stores
the day the clerk gives at 00:00 and the band stays active through its last day (a reading of
"active to" as inclusive of that day; Sage's own rule at the boundary is unconfirmed). The API
serves bands and prices read-only; the clerk's changes are the control-plane event
``set_band_price``.
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from fakes.sage200.models import PriceBand

if TYPE_CHECKING:
    from fakes.sage200.state import Sage200Backend


def set_price(
    b: Sage200Backend,
    band_name: str,
    product_code: str,
    price: Decimal,
    active_from: str | None,
    active_to: str | None,
) -> dict[str, Any]:
    product = b.product_by_code(product_code)
    if product is None:
        raise KeyError(f"no product {product_code!r}")
    band = _band(b, band_name)
    if active_from is not None or active_to is not None:
        band.is_time_based = True
        band.active_from = _day(active_from)
        band.active_to = _day(active_to)
    b.band_prices[(band.id, product.id)] = price
    band.updated = product.price_updated = b.now()
    return {"price_band_id": band.id, "product_id": product.id, "price": float(price)}


def _band(b: Sage200Backend, name: str) -> PriceBand:
    found = next((x for x in b.price_bands.values() if x.name.casefold() == name.casefold()), None)
    if found is not None:
        return found
    if not name or len(name) > 20:
        raise ValueError(f"a price band name is 1 to 20 characters, not {name!r}")
    now = b.now()
    band = PriceBand(
        id=b.next_id("price_band"), name=name, description=name, is_standard_band=False,
        created=now, updated=now,
    )  # fmt: skip
    b.price_bands[band.id] = band
    return band


def _day(text: str | None) -> datetime | None:
    return None if text is None else datetime.combine(date.fromisoformat(text[:10]), time.min)
