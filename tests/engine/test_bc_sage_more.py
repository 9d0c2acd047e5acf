"""Business Central order states (FM-D05) and Sage 200 tax codes (FM-SG04) and amendments
(FM-SG05), connectors against their fakes in-process."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from fakes.core.bridge import FakeFleet
from sync_core.config import ConfigError, MappingConfig
from sync_core.connectors.sage200 import Sage200Connector
from sync_core.connectors.sage200.checks import TaxCodes, rate_key
from sync_core.errors import MappingError
from tests.engine import test_business_central_connector as bct
from tests.engine import test_sage200_connector as sgt

fleet = sgt.fleet  # the Sage 200 fixture


@pytest.fixture
def bc_fleet() -> Iterator[FakeFleet]:
    yield from bct.start()


class StubMagento:
    """The raw Magento order the connector reads for tax rates and amounts."""

    def __init__(self, rate: str, tax: str, grand_total: str, shipping: str = "5") -> None:
        self.raw = {
            "grand_total": grand_total,
            "shipping_amount": shipping,
            "shipping_tax_amount": "0",
            "items": [{"sku": "SKU-000001", "tax_percent": rate, "tax_amount": tax}],
        }

    def get_order(self, entity_id: int) -> dict[str, Any]:
        return self.raw


def sage(fleet: FakeFleet, codes: str, magento: StubMagento) -> Sage200Connector:
    plain = sgt.make(fleet)
    mapping = MappingConfig(locations=sgt.LOCATIONS)
    return Sage200Connector(plain.client, mapping, TaxCodes(codes), magento)  # type: ignore[arg-type]


def test_rate_keys_and_bad_option() -> None:
    assert rate_key("20.0") == rate_key(20) == "20" and rate_key("17.50") == "17.5"
    assert rate_key(None) == "0"
    with pytest.raises(ConfigError):
        TaxCodes("[1, 2]")
    assert not TaxCodes(None)


def test_mapped_rate_sends_the_tax_code_and_matching_totals_raise_nothing(fleet: FakeFleet) -> None:
    # 2 x 10.50 = 21.00 net, 20 % = 4.20 tax, + 5 shipping
    conn = sage(fleet, '{"20": "1"}', StubMagento("20", "4.20", "30.20"))
    created = conn.create_order(sgt.order(fleet))
    row = next(o for o in fleet.sage200.state()["sop_orders"] if str(o["id"]) == created.remote_id)
    assert row["lines"][0]["tax_code_id"] == 1
    assert conn.alerts() == []


def test_unmapped_rate_is_a_mapping_error_naming_order_line_and_rate(fleet: FakeFleet) -> None:
    conn = sage(fleet, '{"20": "1"}', StubMagento("17.5", "3.68", "29.68"))
    with pytest.raises(MappingError) as caught:
        conn.create_order(sgt.order(fleet, "000000042"))
    message = str(caught.value)
    assert "order 000000042" in message and "lines[0].tax_percent" in message
    assert "17.5%" in message
    assert fleet.sage200.state()["sop_orders"] == []


def test_wrongly_mapped_rate_is_a_totals_variance(fleet: FakeFleet) -> None:
    conn = sage(fleet, '{"5": "1"}', StubMagento("5", "1.05", "27.05"))  # Sage books 20 %
    conn.create_order(sgt.order(fleet, "000000007"))
    alerts = conn.alerts()
    assert [a["kind"] for a in alerts] == ["tax_variance"]
    assert "order 000000007" in alerts[0]["detail"] and "tax 4.2" in alerts[0]["detail"]
    assert conn.location_problems() == []


def test_amendment_is_reported_from_memory_and_from_stamps(fleet: FakeFleet) -> None:
    conn = sgt.make(fleet)
    first, second = sgt.order(fleet, "000000001"), sgt.order(fleet, "000000002")
    made = conn.create_order(first)
    conn.create_order(second)
    assert conn.amended_orders([first.external_ref, second.external_ref]) == {}
    row = next(o for o in fleet.sage200.state()["sop_orders"] if str(o["id"]) == made.remote_id)
    fleet.sage200.clock.advance(3600)
    fleet.sage200.event(
        "amend_order",
        id=int(made.remote_id),
        changes={"lines": [{"id": row["lines"][0]["id"], "line_quantity": 1}]},
    )
    found = conn.amended_orders([first.external_ref, second.external_ref])
    assert list(found) == [first.external_ref]
    assert "line 1 quantity 2 -> 1" in found[first.external_ref]
    restarted = sgt.make(fleet)  # nothing remembered: the edit stamp tells
    again = restarted.amended_orders([first.external_ref, second.external_ref])
    assert list(again) == [first.external_ref] and "edited in Sage" in again[first.external_ref]


def test_bc_states_shipped_open_and_deleted(bc_fleet: FakeFleet) -> None:
    conn = bct.connector(bc_fleet)
    shipped, kept, dropped = (bct.order(bc_fleet, f"00000000{n}") for n in (1, 2, 3))
    made = conn.create_order(shipped)
    conn.create_order(kept)
    gone = conn.create_order(dropped)
    bct.bc(bc_fleet).event("ship_order", number=made.display)
    bct.bc(bc_fleet).event("cancel_order", number=gone.display)
    refs = [shipped.external_ref, kept.external_ref, dropped.external_ref]
    assert conn.order_states(refs) == {refs[0]: "shipped", refs[1]: "open", refs[2]: "cancelled"}
