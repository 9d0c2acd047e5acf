"""The fit report: capability table per ERP kind, profile validation, rendering."""

from __future__ import annotations

import importlib
import importlib.util
import inspect
from pathlib import Path

import pytest

from scenarios.fit import ProfileError, parse_profile, render_html, render_markdown, run_fit
from scenarios.fit_capabilities import CAPABILITIES, REVERSE_RETURNS

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
    assert report.flow("returns").status == "partial"
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
    orders = report.flow("orders_export")
    assert orders.status == "needs-setup"
    assert any("mapping.default_customer" in n for n in orders.needs)
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
        "order_state",
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
    report = run_fit("business-central", None, seed=0, run_scenarios=True, only=["FM-D04"])
    d04 = next(r for r in report.risks if r.id == "FM-D04")
    assert d04.result == "passed", d04.evidence
    assert all(r.result == "not run" for r in report.risks if r.id != "FM-D04")
    assert "passed" in render_html(report)


# -- the flows built after the first table: prices, accounts, returns, order state ----------
ERPS = ["netsuite", "sap-b1", "s4hana", "sage200", "business-central", "legacy"]
PACKAGES = {erp: erp.replace("-", "_") for erp in ERPS}
MAPPED = "mapping:\n  locations: {default: '1'}\n  default_customer: C1\n"


def _module(erp: str, name: str) -> object | None:
    full = f"sync_core.connectors.{PACKAGES[erp]}.{name}"
    return importlib.import_module(full) if importlib.util.find_spec(full) else None


def _has_method(module: object | None, method: str) -> bool:
    return module is not None and any(
        callable(getattr(cls, method, None))
        for _, cls in inspect.getmembers(module, inspect.isclass)
    )


@pytest.mark.parametrize("erp", ERPS)
def test_table_follows_the_connector_packages(erp: str) -> None:
    """A flow is not-implemented exactly when the ERP package lacks the module it looks for."""
    table = CAPABILITIES[erp]
    for flow, module in (("prices", "prices"), ("accounts", "accounts")):
        present = _module(erp, module) is not None
        assert (table[flow].status != "not-implemented") == present, (erp, flow)
    returns = _module(erp, "returns")
    assert (table["returns"].status != "not-implemented") == _has_method(returns, "create_credit")
    reverse = REVERSE_RETURNS[erp].status != "not-implemented"
    assert reverse == _has_method(returns, "credits"), erp
    connector = _module(erp, "connector")
    assert _has_method(connector, "order_states") and _has_method(connector, "deliveries")
    assert table["order_state"].status == "supported"
    assert table["fulfilment_import"].status in ("supported", "needs-setup")


def test_accounts_supported_on_netsuite_legacy_and_s4hana() -> None:
    netsuite = run_fit("netsuite", None, seed=0, run_scenarios=False).flow("accounts")
    assert netsuite.status == "supported"
    assert "eid:" in netsuite.idempotency and "upsert" in netsuite.idempotency
    assert "FM-T07" in netsuite.risks
    assert any("B2B" in n for n in netsuite.needs)
    for erp in ("legacy", "s4hana"):
        accounts = run_fit(erp, None, seed=0, run_scenarios=False).flow("accounts")
        assert accounts.status == "supported", erp
        assert "FM-T07" in accounts.risks, erp


def test_business_central_accounts_are_keyed_by_email() -> None:
    accounts = run_fit("business-central", None, seed=0, run_scenarios=False).flow("accounts")
    assert accounts.status == "supported"
    assert "e-mail" in accounts.idempotency and "no external" in accounts.idempotency
    assert any("same customer" in r for r in accounts.known_risks)


def test_sage200_returns_are_partial_its_api_cannot_restock(tmp_path: Path) -> None:
    returns = run_fit("sage200", None, seed=0, run_scenarios=False).flow("returns")
    assert returns.status == "partial"
    assert any("manual_restock" in n for n in returns.notes)
    assert any("sales_credit_notes" in e.call and e.used for e in returns.endpoints)
    path = _profile(tmp_path, "flows:\n  returns: {source_of_truth: erp}\n")
    reverse = run_fit("sage200", path, seed=0, run_scenarios=False).flow("returns")
    assert reverse.status == "not-implemented"
    assert any("no credits() reader" in n for n in reverse.notes)


def test_s4hana_returns_in_both_directions(tmp_path: Path) -> None:
    default = run_fit("s4hana", None, seed=0, run_scenarios=False).flow("returns")
    assert default.status == "supported"
    assert any("API_CREDIT_MEMO_REQUEST_SRV" in e.call and e.used for e in default.endpoints)
    path = _profile(tmp_path, "flows:\n  returns: {source_of_truth: erp}\n")
    reverse = run_fit("s4hana", path, seed=0, run_scenarios=False).flow("returns")
    assert reverse.status == "supported"
    assert any("API_BILLING_DOCUMENT_SRV" in e.call and e.used for e in reverse.endpoints)
    assert "[erp-credit" in reverse.idempotency


def test_b1_returns_look_up_num_at_card() -> None:
    returns = run_fit("sap-b1", None, seed=0, run_scenarios=False).flow("returns")
    assert returns.status == "supported"
    assert "NumAtCard" in returns.idempotency
    assert {"FM-T04", "FM-S06"} <= set(returns.risks)


@pytest.mark.parametrize("erp", ERPS)
def test_order_state_is_supported_everywhere(erp: str, tmp_path: Path) -> None:
    report = run_fit(erp, _profile(tmp_path, MAPPED), seed=0, run_scenarios=False)
    state = report.flow("order_state")
    assert state.status == "supported"
    assert "FM-G16" in state.risks
    assert "order_state" in state.idempotency
    assert report.flow("fulfilment_import").status in ("supported", "needs-setup")


def test_legacy_ledger_lookup_reads_no_order_states(tmp_path: Path) -> None:
    path = _profile(tmp_path, MAPPED + "erp_options: {transport: files, lookup: ledger}\n")
    state = run_fit("legacy", path, seed=0, run_scenarios=False).flow("order_state")
    assert state.status == "unsupported"
    assert any("lookup ledger" in n for n in state.notes)


def test_fulfilment_needs_locations_and_bc_v2_refuses_several(tmp_path: Path) -> None:
    bare = run_fit("sap-b1", None, seed=0, run_scenarios=False).flow("fulfilment_import")
    assert bare.status == "needs-setup"
    mapped = run_fit("sap-b1", _profile(tmp_path, MAPPED), seed=0, run_scenarios=False)
    assert mapped.flow("fulfilment_import").status == "supported"
    path = _profile(
        tmp_path,
        "mapping:\n  locations: {default: MAIN, wh-north: NORTH}\n"
        "erp_options:\n  stock_api: v2.0\n",
    )
    shipments = run_fit("business-central", path, seed=0, run_scenarios=False)
    fit = shipments.flow("fulfilment_import")
    assert fit.status == "unsupported"
    assert any("CoverageGap" in n for n in fit.notes)


def test_prices_per_erp_and_when_magento_owns_them(tmp_path: Path) -> None:
    expected = {"netsuite": "supported", "sap-b1": "supported", "legacy": "supported"}
    for erp, status in expected.items():
        assert run_fit(erp, None, seed=0, run_scenarios=False).flow("prices").status == status
    b1 = run_fit("sap-b1", None, seed=0, run_scenarios=False).flow("prices")
    assert {"FM-T02", "FM-T06", "FM-G05", "FM-S03"} <= set(b1.risks)
    path = _profile(tmp_path, "flows:\n  prices: {source_of_truth: magento}\n")
    owned = run_fit("sap-b1", path, seed=0, run_scenarios=False).flow("prices")
    assert owned.status == "not-implemented"
    assert any("source_of_truth magento" in n for n in owned.notes)


def test_sage_wrong_base_path_stops_every_implemented_flow(tmp_path: Path) -> None:
    path = _profile(tmp_path, "variant: standard\n" + MAPPED)
    report = run_fit("sage200", path, seed=0, run_scenarios=False)
    for name in ("fulfilment_import", "prices", "accounts", "order_state"):
        fit = report.flow(name)
        assert fit.status == "unsupported", name
        assert not any(e.availability == "missing" for e in fit.endpoints if "/V1" in e.call)
    assert report.flow("returns").status == "unsupported"


@pytest.mark.parametrize(
    ("erp", "data", "named"),
    [
        ("netsuite", {"flows": {"stock": {"source_of_truth": "magento"}}}, "flows.stock"),
        ("netsuite", {"flows": {"invoices": {}}}, "flows.invoices"),
        ("netsuite", {"erp_options": {"create_via": "post"}}, "create_via"),
        ("sap-b1", {"erp_options": {"price_list": "retail"}}, "price_list"),
        ("sap-b1", {"mapping": {"price_lists": {"wholesale": "B"}}}, "price_lists.wholesale"),
    ],
)
def test_bad_flow_and_price_settings_are_named(
    erp: str, data: dict[str, object], named: str
) -> None:
    with pytest.raises(ProfileError, match=named.replace(".", r"\.")):
        parse_profile(data, erp)


def test_new_option_keys_are_accepted() -> None:
    parse_profile({"erp_options": {"price_band": "Trade", "account_code_prefix": "MG"}}, "sage200")
    parse_profile({"erp_options": {"sales_organization": "1710"}}, "s4hana")
    parse_profile({"erp_options": {"create_via": "upsert"}}, "netsuite")


def test_markdown_shows_flow_idempotency_and_risks() -> None:
    text = render_markdown(run_fit("netsuite", None, seed=0, run_scenarios=False))
    assert "### Order state (ERP cancellations and holds -> Magento): supported" in text
    assert "- idempotency: binding order_state per order" in text
    assert "- risk: SuiteQL returns no sublists" in text
    assert "[erp-delivery" in render_html(run_fit("sap-b1", None, seed=0, run_scenarios=False))
