"""The pytest plugin, used the way a team would use it for its own connector."""

from __future__ import annotations

import pytest
import requests

pytest_plugins = ["pytester"]


def test_fleet_fixture_drives_fakes_in_process(fake_fleet) -> None:
    fleet = fake_fleet("magento", "netsuite")
    token = fleet.magento.credentials()["integration_token"]
    views = requests.get(f"{fleet.magento.base_url}/rest/V1/store/storeViews",
                         headers={"Authorization": f"Bearer {token}"}, timeout=5)
    assert views.status_code == 200
    assert fleet.netsuite.state()["salesOrders"] == []


def test_erp_fake_factory(erp_fake) -> None:
    fake = erp_fake("netsuite")
    assert fake.spec.name == "netsuite"


def test_vendor_sandbox_marker_skips_without_permission(pytester: pytest.Pytester,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HARNESS_ALLOW_VENDOR", raising=False)
    pytester.makepyfile("""
        import pytest

        @pytest.mark.vendor_sandbox
        def test_real_sandbox():
            raise AssertionError("must not run")

        def test_seed(harness_seed):
            assert harness_seed == 5
    """)
    result = pytester.runpytest("--harness-seed", "5")  # loaded through its entry point
    result.assert_outcomes(passed=1, skipped=1)
