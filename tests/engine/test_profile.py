"""The mapping profile: the shipped example loads; a bad profile fails fast naming the key."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from sync_core.config import ConfigError, load_config, parse_config

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "profiles" / "engine-netsuite.yaml"
SECRETS = (
    "MAGENTO_TOKEN",
    "NS_CONSUMER_KEY",
    "NS_CONSUMER_SECRET",
    "NS_TOKEN_ID",
    "NS_TOKEN_SECRET",
)


@pytest.fixture
def secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in SECRETS:
        monkeypatch.setenv(name, f"value-of-{name.lower()}")


def _example() -> dict[str, object]:
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_the_example_profile_loads(secrets: None) -> None:
    config = load_config(EXAMPLE)
    assert config.mapping.price_lists == {"wholesale": "2", "retail": "1"}
    assert config.flow("prices").owner("prices") == "erp"
    assert config.flow("returns").direction("returns") == "magento->erp"
    assert config.flow("order_state").enabled
    assert config.policies.stockout == "hold"
    assert "value-of" not in repr(config.erp.credentials)  # secrets never print


def test_an_unset_secret_names_the_key_and_the_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in SECRETS:
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(
        ConfigError,
        match=r"magento.integration_token: environment variable "
        r"MAGENTO_TOKEN is not set",
    ):
        load_config(EXAMPLE)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"flows": {"orders": {"source_of_truth": "erp"}}},
            "flows.orders.source_of_truth: 'erp' cannot own orders (allowed: magento)",
        ),
        ({"flows": {"pricez": {}}}, "flows.pricez.[key]: Input should be 'orders'"),
        ({"policies": {"stockout": "ignore"}}, "policies.stockout: Input should be 'backorder' or"),
        ({"policies": {"price_approval_pct": -1}}, "policies.price_approval_pct: Input should be"),
        ({"mapping": {"locations": ["default"]}}, "mapping.locations: Input should be a valid"),
        ({"erp": {"kind": "navision", "base_url": "x"}}, "erp.kind: Input should be"),
        ({"policies": {"retries": 3}}, "policies.retries: Extra inputs are not permitted"),
    ],
)
def test_a_bad_profile_fails_naming_the_key(
    secrets: None, change: dict[str, object], message: str
) -> None:
    data = _example()
    for key, value in change.items():
        section = data.get(key)
        data[key] = {**section, **value} if isinstance(section, dict) else value  # type: ignore[dict-item]
    with pytest.raises(ConfigError) as caught:
        parse_config(data, "profile.yaml")
    assert str(caught.value).startswith("profile.yaml: ")
    assert message in str(caught.value)
