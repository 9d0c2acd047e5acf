"""Sales pricing condition records (API_SLSPRICINGCONDITIONRECORD_SRV): the committed
metadata, the seeded PPR0 records, dated prices that split older validity periods as VK11 does,
and orders priced with the record valid on the day."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
import requests

from contracts.s4hana.extract import file_name
from contracts.s4hana.handwritten import build
from fakes.core.fake import Fake
from fakes.s4hana.pricing_conditions import SERVICE
from fakes.s4hana.services import METADATA_DIR
from tests.fakes.s4hana.conftest import BASE, MATERIAL, create_order, csrf_session

PRICING = f"{BASE}/API_SLSPRICINGCONDITIONRECORD_SRV"
DAY = 86_400


def _validities(http: requests.Session, material: str = MATERIAL) -> list[dict[str, Any]]:
    response = http.get(
        f"{PRICING}/A_SlsPrcgCndnRecdValidity",
        params={
            "$filter": f"Material eq '{material}' and ConditionType eq 'PPR0'",
            "$expand": "to_SlsPrcgConditionRecord",
        },
        timeout=5,
    )
    assert response.status_code == 200, response.text
    rows: list[dict[str, Any]] = response.json()["d"]["results"]
    return sorted(rows, key=lambda r: int(r["ConditionValidityStartDate"][6:-2]))


def _line_amount(fake: Fake) -> Decimal:
    """The net amount of a new order's item (2 pieces), in a fresh security session."""
    order = create_order(csrf_session(fake))
    return Decimal(order["to_Item"]["results"][0]["NetAmount"])


def _rates(rows: list[dict[str, Any]]) -> list[str]:
    return [r["to_SlsPrcgConditionRecord"]["ConditionRateValue"] for r in rows]


def test_the_committed_metadata_is_what_the_definition_builds() -> None:
    text = (METADATA_DIR / file_name(SERVICE.service)).read_text(encoding="utf-8")
    assert text == build(SERVICE)


def test_each_material_has_an_open_ended_list_price(http: requests.Session) -> None:
    (row,) = _validities(http)
    assert row["ConditionValidityEndDate"] == "/Date(253402214400000)/"  # 9999-12-31
    assert (row["SalesOrganization"], row["DistributionChannel"]) == ("1010", "10")
    record = row["to_SlsPrcgConditionRecord"]
    assert record["ConditionType"] == "PPR0" and record["ConditionRateValueUnit"] == "EUR"


def test_a_dated_price_splits_the_older_period_and_prices_orders_on_its_days(
    fake: Fake, http: requests.Session
) -> None:
    (before,) = _rates(_validities(http))
    today = fake.clock.now().date().toordinal()
    start = type(fake.clock.now().date()).fromordinal(today + 1).isoformat()
    end = type(fake.clock.now().date()).fromordinal(today + 2).isoformat()
    fake.event("price_condition", material=MATERIAL, amount="12.50", valid_from=start, valid_to=end)
    rows = _validities(http)
    assert _rates(rows) == [before, "12.500", before]
    assert rows[0]["ConditionRecord"] == rows[2]["ConditionRecord"] != rows[1]["ConditionRecord"]
    assert _line_amount(fake) == 2 * Decimal(before)
    fake.clock.advance(DAY)
    assert _line_amount(fake) == Decimal("25")
    fake.clock.advance(2 * DAY)
    assert _line_amount(fake) == 2 * Decimal(before)


def test_set_price_starts_a_new_record_today(fake: Fake, http: requests.Session) -> None:
    fake.event("set_price", material=MATERIAL, price="9.99")
    rows = _validities(http)
    assert _rates(rows)[-1] == "9.990"
    assert rows[-1]["ConditionValidityEndDate"] == "/Date(253402214400000)/"


def test_a_period_ending_before_it_starts_is_refused(fake: Fake) -> None:
    with pytest.raises(ValueError, match="valid to 2026-01-01 is before valid from 2026-02-01"):
        fake.event(
            "price_condition",
            material=MATERIAL,
            amount="1",
            valid_from="2026-02-01",
            valid_to="2026-01-01",
        )
