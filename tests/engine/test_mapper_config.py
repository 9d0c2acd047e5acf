"""Mapping Magento orders and validating configuration: errors name the record and field."""

from __future__ import annotations

import copy

import pytest

from sync_core.config import ConfigError, load_config, parse_config
from sync_core.connectors.magento.client import search_params
from sync_core.connectors.magento.mapper import to_order
from sync_core.errors import MappingError
from sync_core.flows.stock import is_older

ORDER = {
    "entity_id": 5,
    "increment_id": "000000005",
    "store_id": 1,
    "customer_email": "a@b.test",
    "customer_firstname": "Ada",
    "customer_lastname": "L",
    "order_currency_code": "GBP",
    "grand_total": 30,
    "created_at": "2026-01-05 09:00:00",
    "updated_at": "2026-01-05 09:00:00",
    "items": [
        {"sku": "SKU-1", "qty_ordered": 2, "price": 10, "item_id": 1},
        {"sku": "SKU-1-child", "qty_ordered": 2, "price": 0, "parent_item_id": 1},
    ],
    "extension_attributes": {
        "shipping_assignments": [
            {
                "shipping": {
                    "address": {
                        "firstname": "Ada",
                        "lastname": "L",
                        "street": ["1 Way"],
                        "city": "Leeds",
                        "postcode": "LS1",
                        "country_id": "GB",
                    }
                }
            }
        ]
    },
}


def test_maps_order_and_skips_child_lines() -> None:
    order = to_order(ORDER, {1: "default"})
    assert [(line.sku, line.qty) for line in order.lines] == [("SKU-1", 2)]
    assert order.external_ref == "mage-default-000000005"


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda o: o["extension_attributes"].clear(), "shipping_address"),
        (lambda o: o["items"][0].update(qty_ordered=0), "items[0].qty_ordered"),
        (lambda o: o["items"][0].update(qty_ordered=-1), "items[0].qty_ordered"),
        (lambda o: o["items"][0].update(sku=""), "items[0].sku"),
        (lambda o: o.update(customer_email=None), "customer_email"),
        (lambda o: o.update(store_id=9), "store_id"),
    ],
)
def test_poison_orders_name_order_and_field(mutate, field) -> None:
    raw = copy.deepcopy(ORDER)
    mutate(raw)
    with pytest.raises(MappingError) as info:
        to_order(raw, {1: "default"})
    assert info.value.field == field
    assert "000000005" in str(info.value)


def test_search_params_shape() -> None:
    params = search_params(
        [[("a", "1", "eq"), ("b", "2", "gt")], [("c", "x", "in")]], [("updated_at", "ASC")], 10, 2
    )
    assert params["searchCriteria[filterGroups][0][filters][1][conditionType]"] == "gt"
    assert params["searchCriteria[filterGroups][1][filters][0][field]"] == "c"
    assert params["searchCriteria[sortOrders][0][direction]"] == "ASC"
    assert params["searchCriteria[currentPage]"] == "2"


def test_config_names_the_bad_key() -> None:
    with pytest.raises(ConfigError, match=r"erp\.kind"):
        parse_config({"magento": {"base_url": "x"}, "erp": {"kind": "oracle", "base_url": "y"}})


def test_config_reads_secrets_from_environment(tmp_path, monkeypatch) -> None:
    path = tmp_path / "engine.yaml"
    path.write_text(
        "magento: {base_url: 'http://m.test', integration_token: '${MAGE_TOKEN}'}\n"
        "erp: {kind: netsuite, base_url: 'http://n.test'}\n"
    )
    with pytest.raises(ConfigError, match="MAGE_TOKEN"):
        load_config(path)
    monkeypatch.setenv("MAGE_TOKEN", "tok-123")
    config = load_config(path)
    assert config.magento.integration_token is not None
    assert config.magento.integration_token.get_secret_value() == "tok-123"
    assert "tok-123" not in repr(config)


def test_stale_versions_are_detected() -> None:
    assert is_older("2026-01-05T09:00:00+00:00", "2026-01-05T10:00:00+00:00#5")
    assert not is_older("2026-01-05T11:00:00+00:00", "2026-01-05T10:00:00+00:00#5")
    assert not is_older("2026-01-05T11:00:00+00:00", None)


def test_sequence_versions_order_by_number_within_one_sequence() -> None:
    assert is_older("ile-000000000099", "ile-000000000100")
    assert not is_older("ile-000000000101", "ile-000000000100")
    assert not is_older("ile-000000000001", "seq-000000000100")  # different ledgers
    assert not is_older("ile-000000000001", "2026-01-05T10:00:00+00:00")
    assert not is_older("3f9a0c1d", "ff00aa11")  # digests never count as older
