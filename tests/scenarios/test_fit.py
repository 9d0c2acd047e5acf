"""The fit report: capability table per ERP kind, profile validation, rendering."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from scenarios.fit import ProfileError, parse_profile, render_html, render_markdown, run_fit

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "profiles" / "sage200-standard.yaml"


def _profile(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "profile.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_sage200_standard_flags_missing_endpoints_and_fm_sg01() -> None:
    report = run_fit("sage200", EXAMPLE, seed=0, run_scenarios=False)
    assert report.variant == "standard"
    missing = [e.call for _, e in report.missing()]
    assert any("traceable_item_transactions" in call for call in missing)
    assert any("FM-SG01" in w and "Standard" in w for w in report.warnings)
    assert "FM-SG01" in report.flow("orders_export").risks
    assert "FM-SG01" in report.flow("stock_import").risks
    # the example sets the Standard base path, so the core flows still fit
    assert report.flow("orders_export").status == "supported"
    assert report.flow("returns").status == "not-implemented"
    text = render_markdown(report)
    assert "## Missing endpoints" in text and "FM-SG01" in text
    assert "customer_document_no" in text


def test_sage200_standard_without_base_path_refuses_both_flows(tmp_path: Path) -> None:
    path = _profile(tmp_path, "variant: standard\nmapping:\n  locations: {default: HOME}\n")
    report = run_fit("sage200", path, seed=0, run_scenarios=False)
    for flow in ("orders_export", "stock_import"):
        fit = report.flow(flow)
        assert fit.status == "unsupported"
        assert all(e.availability == "missing" for e in fit.endpoints)
        assert any("FM-SG01" in n and "/uk/sage200/accounts/v1" in n for n in fit.notes)
    assert not report.ok


def test_business_central_without_analytics_api_flags_per_location_stock(tmp_path: Path) -> None:
    path = _profile(
        tmp_path,
        "mapping:\n  locations: {default: MAIN, wh-north: NORTH}\n"
        "erp_options:\n  stock_api: v2.0\n",
    )
    report = run_fit("business-central", path, seed=0, run_scenarios=False)
    stock = report.flow("stock_import")
    assert stock.status == "unsupported"
    assert any("FM-D04" in n and "per-location" in n for n in stock.notes)
    assert any("locationCode" in e.call and e.availability == "missing" for e in stock.endpoints)
    assert any("Analytics API" in n for n in stock.needs)
    assert "FM-D04" in stock.risks
    assert report.idempotency.field == "externalDocumentNumber"
    assert not report.idempotency.unique


def test_business_central_single_location_is_partial(tmp_path: Path) -> None:
    path = _profile(
        tmp_path, "mapping:\n  locations: {default: MAIN}\nerp_options:\n  stock_api: v2.0\n"
    )
    report = run_fit("business-central", path, seed=0, run_scenarios=False)
    assert report.flow("stock_import").status == "partial"


def test_business_central_default_needs_the_analytics_api() -> None:
    report = run_fit("business-central", None, seed=0, run_scenarios=False)
    stock = report.flow("stock_import")
    assert stock.status == "needs-setup"
    assert any("microsoft/analytics/v1.0" in n for n in stock.needs)


def test_netsuite_shows_upsert_and_custom_body_fields(tmp_path: Path) -> None:
    path = _profile(
        tmp_path,
        "mapping:\n  locations: {default: '1'}\n"
        "erp_options:\n  order_fields: {custbody_sales_channel: web}\n"
        "  'field:memo': '{increment_id}'\n",
    )
    report = run_fit("netsuite", path, seed=0, run_scenarios=False)
    assert report.idempotency.mechanism == "upsert by external id"
    assert report.idempotency.native and report.idempotency.unique
    needs = " ".join(report.flow("orders_export").needs)
    assert "custbody_sales_channel" in needs and "memo" in needs
    assert "upsert" in render_markdown(report)


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("variant: standard\nmappings: {}\n", "mappings"),
        ("mapping:\n  location: {}\n", "mapping.location"),
        ("erp_options:\n  bogus: x\n", "erp_options.bogus"),
        ("variant: enterprise\n", "variant"),
    ],
)
def test_bad_profile_key_is_named(tmp_path: Path, text: str, named: str) -> None:
    with pytest.raises(ProfileError, match=named.replace(".", r"\.")):
        run_fit("sage200", _profile(tmp_path, text), seed=0, run_scenarios=False)


def test_bad_option_values_are_refused() -> None:
    with pytest.raises(ProfileError, match="price_policy"):
        parse_profile({"erp_options": {"price_policy": "cheapest"}}, "sap-b1")
    with pytest.raises(ProfileError, match="transport"):
        parse_profile({"erp_options": {"transport": "ftp"}}, "legacy")
    with pytest.raises(ProfileError, match="unknown ERP kind"):
        parse_profile({}, "oracle-ebs")


def test_legacy_without_account_mapping_cannot_resolve_customers() -> None:
    report = run_fit("legacy", None, seed=0, run_scenarios=False)
    assert report.flow("accounts").status == "unsupported"
    assert "FindOrdersByReference" in report.idempotency.detail
    assert not report.idempotency.native


@pytest.mark.parametrize(
    "erp", ["netsuite", "sap-b1", "s4hana", "sage200", "business-central", "legacy"]
)
def test_every_erp_reports_every_flow(erp: str) -> None:
    report = run_fit(erp, None, seed=0, run_scenarios=False)
    assert [f.flow for f in report.flows] == [
        "orders_export",
        "stock_import",
        "fulfilment_import",
        "prices",
        "accounts",
        "returns",
    ]
    assert report.risks and all(r.result == "not run" for r in report.risks)
    assert report.to_json()["erp"] == erp


def test_html_is_self_contained_and_escaped(tmp_path: Path) -> None:
    path = _profile(
        tmp_path, "mapping:\n  locations: {default: '1'}\nerp_options:\n  'field:x<y>': '&'\n"
    )
    page = render_html(run_fit("netsuite", path, seed=0, run_scenarios=False))
    assert page.startswith("<!doctype html>")
    assert "x&lt;y&gt;" in page and "<y>" not in page
    assert "<script" not in page and "http://" not in page and "https://" not in page


def test_run_scenarios_for_one_business_central_subset() -> None:
    started = time.perf_counter()
    report = run_fit("business-central", None, seed=0, run_scenarios=True, only=["FM-D04"])
    assert time.perf_counter() - started < 20
    d04 = next(r for r in report.risks if r.id == "FM-D04")
    assert d04.result == "passed", d04.evidence
    assert all(r.result == "not run" for r in report.risks if r.id != "FM-D04")
    assert "passed" in render_html(report)
