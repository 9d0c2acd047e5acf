"""Standard vs Professional: base paths, endpoint coverage, release age, document numbers."""

from __future__ import annotations

import pytest

from fakes.core.fake import Fake
from fakes.sage200 import SPEC
from fakes.sage200.variants import Coverage
from tests.fakes.sage200.conftest import SageClient

PRO = "/uk/sage200extra/accounts/v1"
STD = "/uk/sage200/accounts/v1"


def test_professional_is_default_and_serves_its_base_only(api: SageClient) -> None:
    assert api.get(f"{PRO}/warehouses").status_code == 200
    response = api.get(f"{STD}/warehouses")
    assert response.status_code == 404
    assert response.get_json() == {"statusCode": 404, "message": "Resource not found"}


def test_standard_serves_its_base(make_api) -> None:
    api = make_api(variant="standard")
    assert api.get(f"{STD}/warehouses").status_code == 200
    assert api.get(f"{PRO}/warehouses").status_code == 404


def test_serve_both_bases_keeps_variant_coverage(make_api) -> None:
    api = make_api(variant="standard", serve_both_bases=True)
    assert api.get(f"{PRO}/warehouses").status_code == 200
    assert api.get(f"{PRO}/product_transactions/1/traceable_item_transactions").status_code == 404


def test_professional_only_endpoint(make_api) -> None:
    path = "/product_transactions/5/traceable_item_transactions"
    assert make_api().json("GET", path) == []
    assert make_api(variant="standard").get(path).status_code == 404


def test_standard_leaves_out_professional_only_fields(make_api) -> None:
    pro, std = make_api(), make_api(variant="standard")
    assert "traceable_type" in pro.product() and "traceable_type" not in std.product()
    assert "use_for_sales_trading" in pro.json("GET", "/warehouses")[0]
    assert "use_for_sales_trading" not in std.json("GET", "/warehouses")[0]
    std.order([{"code": "SKU-000001", "line_quantity": 1}])
    assert "confirmation_intent_type" not in std.json("GET", "/sop_confirm_despatch")[0]
    assert std.get("/products?$filter=traceable_type eq 'x'").status_code == 400


def test_old_professional_release_lacks_newer_endpoints(make_api) -> None:
    api = make_api(release="2021-12-31")
    assert api.get("/sop_confirm_despatch").status_code == 404
    assert api.get("/sop_despatch_receipts").status_code == 404
    order = api.order([{"code": "SKU-000001", "line_quantity": 1}])
    assert api.put(f"/sop_orders/{order['id']}", json={}).status_code == 200
    older = make_api(release="2021-01-01")
    order = older.order([{"code": "SKU-000001", "line_quantity": 1}])
    assert older.put(f"/sop_orders/{order['id']}", json={}).status_code == 404
    assert older.get(f"/sop_orders/{order['id']}").status_code == 200


def test_release_is_ignored_on_standard(make_api) -> None:
    api = make_api(variant="standard", release="2020-01-01")
    assert api.get("/sop_confirm_despatch").status_code == 200


def test_unavailable_endpoints_option(make_api) -> None:
    api = make_api(unavailable_endpoints=["warehouse_holdings", "sop_confirm_despatch"])
    assert api.get("/warehouse_holdings").status_code == 404
    assert api.get("/sop_confirm_despatch").status_code == 404
    assert api.get("/warehouses").status_code == 200


def test_absent_endpoint_is_404_before_auth(make_api) -> None:
    api = make_api(variant="standard")
    response = api.get("/product_transactions/1/traceable_item_transactions", headers={})
    assert response.status_code == 404
    assert api.get("/no_such_thing", headers={}).status_code == 404


def test_unsupported_verb_is_404_like_sage(api: SageClient) -> None:
    for method, path in (("DELETE", "/products/20001"), ("PATCH", "/sop_orders"),
                         ("POST", "/warehouses")):
        response = api.call(method, path, json={})
        assert response.status_code == 404, (method, path)
        assert response.get_json()["statusCode"] == 404


def test_document_no_generated_unless_manual_numbering(make_api) -> None:
    std = make_api(variant="standard", manual_document_no=True)
    order = std.order([{"code": "SKU-000001", "line_quantity": 1}], document_no="MINE-1")
    assert order["document_no"] == "0000000001"
    pro = make_api(manual_document_no=True)
    missing = pro.post("/sop_orders", json={"customer_id": 30001, "lines": []})
    assert missing.status_code == 400 and "document_no" in missing.get_json()["message"]
    assert pro.order([], document_no="SO-1")["document_no"] == "SO-1"
    again = pro.post("/sop_orders", json={"customer_id": 30001, "document_no": "SO-1"})
    assert again.status_code == 400 and "already exists" in again.get_json()["message"]


def test_bad_variant_option_is_refused() -> None:
    with pytest.raises(ValueError, match="variant"):
        Fake(SPEC, options={"variant": "enterprise"})


def test_coverage_describe_for_fit_report() -> None:
    described = Coverage(variant="standard").describe()
    assert "traceable_item_transactions" not in described
    assert described["sop_order"] == ["GET", "PUT", "DELETE"]
    old = Coverage(release=Coverage.from_options({"release": "2021-01-01"}).release).describe()
    assert old["sop_order"] == ["GET"] and "sop_confirm_despatch" not in old


def test_ready_extras_point_at_the_variant_base() -> None:
    from fakes.sage200 import ready_extras

    fake = Fake(SPEC, options={"variant": "standard"})
    extras = ready_extras(fake.backend, "http://127.0.0.1:9999/")
    assert extras["api_base_url"] == "http://127.0.0.1:9999/uk/sage200/accounts/v1"
    assert extras["credentials"]["token_url"] == "http://127.0.0.1:9999/oauth/token"
    assert extras["variant"] == "standard"
