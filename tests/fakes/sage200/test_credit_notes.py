"""Sales ledger credit notes: ``POST sales_credit_notes``, read back through
``GET sales_posted_transactions`` as the returns flow uses them."""

from __future__ import annotations

from typing import Any

from tests.fakes.sage200.conftest import SageClient


def _note(customer_id: int, reference: str = "default-CM000000001", **extra: Any) -> dict[str, Any]:
    return {
        "customer_id": customer_id,
        "reference": reference,
        "second_reference": "0000000042",
        "document_goods_value": 30.0,
        "document_tax_value": 6.0,
        "nominal_analysis_items": [
            {"code": "4000", "narrative": "SKU-1 x 2", "value": 20.0},
            {"code": "4000", "narrative": "SKU-2 x 1", "value": 10.0},
        ],
        "tax_analysis_items": [{"tax_code_id": 1, "goods_amount": 30.0, "tax_amount": 6.0}],
        **extra,
    }


def test_a_posted_credit_note_is_found_by_its_reference_with_its_analysis(
    api: SageClient,
) -> None:
    customer = api.customer()
    created = api.json("POST", "/sales_credit_notes", json=_note(customer["id"]))
    assert created["trader_transaction_type"] == "TradingTransactionTypeCreditNote"
    assert created["document_gross_value"] == 36.0 and created["urn"] > 0
    found = api.json("GET", "/sales_posted_transactions?$filter=reference eq 'default-CM000000001'")
    assert [row["id"] for row in found] == [created["id"]]
    narratives = [item["narrative"] for item in found[0]["nominal_analysis_items"]]
    assert narratives == ["SKU-1 x 2", "SKU-2 x 1"]
    one = api.json("GET", f"/sales_posted_transactions/{created['id']}")
    assert one["second_reference"] == "0000000042"
    assert api.json("GET", f"/customers/{customer['id']}")["balance"] == customer["balance"] - 36


def test_the_api_keeps_no_key_a_second_post_is_a_second_credit(api: SageClient) -> None:
    customer_id = api.customer()["id"]
    api.json("POST", "/sales_credit_notes", json=_note(customer_id))
    api.json("POST", "/sales_credit_notes", json=_note(customer_id))
    assert len(api.fake.state()["sales_credit_notes"]) == 2


def test_analyses_must_add_up_to_the_document_values(api: SageClient) -> None:
    customer_id = api.customer()["id"]
    short = _note(customer_id, nominal_analysis_items=[{"code": "4000", "value": 20.0}])
    response = api.post("/sales_credit_notes", json=short)
    assert response.status_code == 400 and "nominal" in response.get_data(as_text=True)
    tax = _note(customer_id, tax_analysis_items=[{"tax_code_id": 1, "goods_amount": 30.0}])
    response = api.post("/sales_credit_notes", json=tax)
    assert response.status_code == 400 and "tax amounts" in response.get_data(as_text=True)
    assert api.fake.state()["sales_credit_notes"] == []


def test_bad_fields_name_the_field(api: SageClient) -> None:
    customer_id = api.customer()["id"]
    cases = {
        "reference": _note(customer_id, reference="x" * 21),
        "customer_id": {k: v for k, v in _note(customer_id).items() if k != "customer_id"},
        "99": _note(99),
        "code": _note(customer_id, nominal_analysis_items=[{"value": 30.0}]),
        "Tax code": _note(
            customer_id,
            tax_analysis_items=[{"tax_code_id": 9, "goods_amount": 30.0, "tax_amount": 6.0}],
        ),
    }
    for word, body in cases.items():
        response = api.post("/sales_credit_notes", json=body)
        assert response.status_code == 400, word
        assert word in response.get_json()["message"], response.get_json()


def test_credit_notes_are_not_readable_on_their_post_path(api: SageClient) -> None:
    assert api.get("/sales_credit_notes").status_code == 404
