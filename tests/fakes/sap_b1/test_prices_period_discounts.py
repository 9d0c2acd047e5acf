"""Period discounts of a price list for every business partner (``SpecialPrices`` with
``CardCode`` ``*<price list>``): created through the Service Layer, read back, and applied to
documents of partners on that list unless the partner has its own special price."""

from __future__ import annotations

from tests.fakes.sap_b1.helpers import SL, error_of

ITEM = "SKU-000001"
KEY = "SpecialPrices(CardCode='*1',ItemCode='SKU-000001')"
PERIOD = {"DateFrom": "2026-02-01", "Dateto": "2026-02-28", "SpecialPrice": 55.0}


def _discount(sl: SL, card: str = "*1") -> int:
    return sl.post(
        "SpecialPrices",
        {"CardCode": card, "ItemCode": ITEM, "PriceListNum": 1, "SpecialPriceDataAreas": [PERIOD]},
    ).status_code


def test_a_price_list_discount_is_created_and_read_back(sl: SL) -> None:
    assert _discount(sl) == 201
    found = sl.get(KEY).get_json()
    (area,) = found["SpecialPriceDataAreas"]
    assert (found["CardCode"], area["SpecialPrice"]) == ("*1", 55.0)
    listed = sl.get("SpecialPrices").get_json()["value"]
    assert [row["CardCode"] for row in listed] == ["*1"]


def test_an_unknown_price_list_is_refused_like_an_unknown_partner(sl: SL) -> None:
    assert error_of(sl.post("SpecialPrices", {"CardCode": "*9", "ItemCode": ITEM}))[0] == 400
    assert error_of(sl.post("SpecialPrices", {"CardCode": "*x", "ItemCode": ITEM}))[0] == 400


def test_documents_take_the_discount_in_its_period_only(sl: SL) -> None:
    _discount(sl)
    lines = [{"ItemCode": ITEM}]
    listed = sl.get(f"Items('{ITEM}')").get_json()["ItemPrices"][0]["Price"]
    assert sl.order(lines, DocDate="2026-02-10")["DocumentLines"][0]["Price"] == 55.0
    assert sl.order(lines, DocDate="2026-03-01")["DocumentLines"][0]["Price"] == listed


def test_a_partners_own_special_price_wins_over_the_list_discount(sl: SL) -> None:
    _discount(sl)
    sl.post("SpecialPrices", {"CardCode": "C00001", "ItemCode": ITEM, "Price": 66.0})
    lines = [{"ItemCode": ITEM}]
    assert sl.order(lines, DocDate="2026-02-10")["DocumentLines"][0]["Price"] == 66.0
    assert (
        sl.order(lines, CardCode="C00002", DocDate="2026-02-10")["DocumentLines"][0]["Price"]
        == 55.0
    )
