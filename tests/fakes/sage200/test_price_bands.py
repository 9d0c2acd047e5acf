"""Time-based price bands (``price_bands`` with ``active_date_time_from``/``_to``) and a
product's own price in a band (``product_price_views``), set by the pricing clerk's event."""

from __future__ import annotations

from tests.fakes.sage200.conftest import SageClient


def test_a_time_based_band_carries_its_days_and_its_own_price(api: SageClient) -> None:
    product = api.product()
    api.fake.event(
        "set_band_price",
        band="SPRING",
        product_code=product["code"],
        price=9.5,
        active_from="2026-12-01",
        active_to="2026-12-02",
    )
    (band,) = api.json("GET", "/price_bands?$filter=name eq 'SPRING'")
    assert band["is_time_based"] is True and band["is_standard_band"] is False
    assert (band["active_date_time_from"], band["active_date_time_to"]) == (
        "2026-12-01T00:00:00Z",
        "2026-12-02T00:00:00Z",
    )
    rows = api.json("GET", f"/product_price_views?$filter=product_id eq {product['id']}")
    by_band = {r["price_band_name"]: r for r in rows}
    assert by_band["SPRING"]["product_price_price"] == 9.5
    assert by_band["SPRING"]["product_price_use_standard"] is False
    assert by_band["Standard"]["product_price_use_standard"] is True
    assert by_band["Standard"]["product_price_price"] != 9.5


def test_a_band_without_its_own_price_takes_the_standard_price(api: SageClient) -> None:
    first, second = api.json("GET", "/products")[:2]
    api.fake.event("set_band_price", band="TRADE", product_code=first["code"], price=1.0)
    (band,) = api.json("GET", "/price_bands?$filter=name eq 'TRADE'")
    assert band["is_time_based"] is False and "active_date_time_from" not in band
    rows = api.json("GET", "/product_price_views?$filter=price_band_name eq 'TRADE'")
    other = next(r for r in rows if r["product_id"] == second["id"])
    standard = api.json(
        "GET",
        f"/product_price_views?$filter=price_band_name eq 'Standard' and "
        f"product_id eq {second['id']}",
    )[0]
    assert other["product_price_use_standard"] is True
    assert other["product_price_price"] == standard["product_price_price"]
