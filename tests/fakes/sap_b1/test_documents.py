"""Documents: create, prices, copy-from chains, stock, actions, PATCH, business errors."""

from __future__ import annotations

import pytest

from fakes.core.fake import Fake
from fakes.sap_b1 import SPEC
from tests.fakes.sap_b1.helpers import SL, error_of

ITEM = "SKU-000001"
OTHER = "SKU-000002"


@pytest.fixture(autouse=True)
def known_stock(fake: Fake) -> None:
    for item in (ITEM, OTHER):
        for whs in ("01", "02"):
            fake.event("set_stock", item_code=item, warehouse=whs, in_stock=50)


def deliver(sl: SL, order: int, line: int, qty: float, **extra: object):
    line_body = {"BaseType": 17, "BaseEntry": order, "BaseLine": line, "Quantity": qty, **extra}
    return sl.post("DeliveryNotes", {"CardCode": "C00001", "DocumentLines": [line_body]})


def test_create_order_answers_201_with_location_etag_and_body(sl: SL) -> None:
    response = sl.post("Orders", {
        "CardCode": "C00001", "DocDueDate": "20260110", "NumAtCard": "100000123",
        "Comments": "from the shop", "U_MagentoId": "100000123",
        "DocumentLines": [{"ItemCode": ITEM, "Quantity": "2", "UnitPrice": 10.5},
                          {"itemcode": OTHER, "quantity": 1, "WarehouseCode": "02"}],
    })
    body = response.get_json()
    assert response.status_code == 201
    assert response.headers["Location"].endswith(f"/b1s/v1/Orders({body['DocEntry']})")
    assert response.headers["ETag"] == body["odata.etag"]
    assert body["odata.metadata"].endswith("$metadata#Orders/@Element")
    assert (body["DocumentStatus"], body["Cancelled"], body["DocDueDate"]) == (
        "bost_Open", "tNO", "2026-01-10")
    assert body["U_MagentoId"] == "100000123"
    assert body["CardName"] == sl.get("BusinessPartners('C00001')").get_json()["CardName"]
    lines = body["DocumentLines"]
    assert [line["LineNum"] for line in lines] == [0, 1]
    assert (lines[0]["Quantity"], lines[0]["Price"], lines[0]["LineTotal"]) == (2.0, 10.5, 21.0)
    assert lines[0]["BaseType"] == -1 and lines[0]["RemainingOpenQuantity"] == 2.0
    list_price = sl.get(f"Items('{OTHER}')").get_json()["ItemPrices"][0]["Price"]
    assert lines[1]["Price"] == list_price and lines[1]["WarehouseCode"] == "02"
    assert body["DocTotal"] == round(21.0 + list_price, 2)
    assert body["DocNum"] != body["DocEntry"]


def test_order_commits_stock_and_a_delivery_takes_it_out(sl: SL) -> None:
    before = sl.stock(ITEM)
    order = sl.order([{"ItemCode": ITEM, "Quantity": 5}])
    assert sl.stock(ITEM) == {**before, "Committed": before["Committed"] + 5}
    response = deliver(sl, order["DocEntry"], 0, 2)
    assert response.status_code == 201
    assert sl.stock(ITEM) == {**before, "InStock": before["InStock"] - 2,
                              "Committed": before["Committed"] + 3}
    line = sl.get(f"Orders({order['DocEntry']})").get_json()["DocumentLines"][0]
    assert (line["RemainingOpenQuantity"], line["LineStatus"]) == (3.0, "bost_Open")


def test_full_delivery_closes_lines_then_the_order(sl: SL) -> None:
    order = sl.order([{"ItemCode": ITEM, "Quantity": 2}, {"ItemCode": OTHER, "Quantity": 1}])
    entry = order["DocEntry"]
    assert deliver(sl, entry, 0, 2).status_code == 201
    after_one = sl.get(f"Orders({entry})").get_json()
    assert after_one["DocumentStatus"] == "bost_Open"
    assert after_one["DocumentLines"][0]["LineStatus"] == "bost_Close"
    assert deliver(sl, entry, 1, 1).status_code == 201
    assert sl.get(f"Orders({entry})").get_json()["DocumentStatus"] == "bost_Close"
    closed = deliver(sl, entry, 1, 1)
    assert error_of(closed)[:2] == (400, -5002)


def test_over_delivery_is_refused_and_changes_nothing(sl: SL) -> None:
    order = sl.order([{"ItemCode": ITEM, "Quantity": 2}])
    before = sl.fake.state()
    status, code, message = error_of(deliver(sl, order["DocEntry"], 0, 3))
    assert (status, code) == (400, -5002)
    assert "[DLN1.Quantity][line: 1]" in message
    assert sl.fake.state() == before


def test_over_delivery_allowed_by_option() -> None:
    client = SL(Fake(SPEC, seed=7, options={"allow_over_delivery": True}))
    client.login()
    order = client.order([{"ItemCode": ITEM, "Quantity": 1}])
    assert deliver(client, order["DocEntry"], 0, 3).status_code == 201
    assert client.get(f"Orders({order['DocEntry']})").get_json()["DocumentStatus"] == "bost_Close"


def test_copy_from_checks(sl: SL) -> None:
    order = sl.order([{"ItemCode": ITEM, "Quantity": 2}])
    entry = order["DocEntry"]
    other_card = sl.post("DeliveryNotes", {"CardCode": "C00002", "DocumentLines": [
        {"BaseType": 17, "BaseEntry": entry, "BaseLine": 0}]})
    assert error_of(other_card) == (
        400, -5002, "Base document card and target document card do not match.")
    assert error_of(deliver(sl, entry, 5, 1))[:2] == (400, -5002)
    assert error_of(deliver(sl, 999, 0, 1))[:2] == (400, -5002)
    wrong_type = sl.post("Returns", {"CardCode": "C00001", "DocumentLines": [
        {"BaseType": 17, "BaseEntry": entry, "BaseLine": 0}]})
    assert error_of(wrong_type)[:2] == (400, -5002)


def test_invoice_from_delivery_moves_no_stock_credit_note_puts_it_back(sl: SL) -> None:
    order = sl.order([{"ItemCode": ITEM, "Quantity": 4}])
    delivery = deliver(sl, order["DocEntry"], 0, 4).get_json()
    after_delivery = sl.stock(ITEM)
    invoice = sl.post("Invoices", {"CardCode": "C00001", "DocumentLines": [
        {"BaseType": 15, "BaseEntry": delivery["DocEntry"], "BaseLine": 0}]}).get_json()
    assert invoice["DocumentLines"][0]["Quantity"] == 4.0
    assert sl.stock(ITEM) == after_delivery
    closed = sl.get(f"DeliveryNotes({delivery['DocEntry']})").get_json()
    assert closed["DocumentStatus"] == "bost_Close"
    partner = sl.get("BusinessPartners('C00001')").get_json()
    assert partner["CurrentAccountBalance"] == invoice["DocTotal"]
    credit = sl.post("CreditNotes", {"CardCode": "C00001", "DocumentLines": [
        {"BaseType": 13, "BaseEntry": invoice["DocEntry"], "BaseLine": 0, "Quantity": 1}]})
    assert credit.status_code == 201
    assert sl.stock(ITEM)["InStock"] == after_delivery["InStock"] + 1
    no_move = sl.post("CreditNotes", {"CardCode": "C00001", "DocumentLines": [
        {"BaseType": 13, "BaseEntry": invoice["DocEntry"], "BaseLine": 0, "Quantity": 1,
         "WithoutInventoryMovement": "tYES"}]})
    assert no_move.status_code == 201
    assert sl.stock(ITEM)["InStock"] == after_delivery["InStock"] + 1
    balance = sl.get("BusinessPartners('C00001')").get_json()["CurrentAccountBalance"]
    assert balance == round(invoice["DocTotal"] - 2 * invoice["DocumentLines"][0]["Price"], 2)


def test_invoice_from_order_takes_stock_and_releases_commitment(sl: SL) -> None:
    before = sl.stock(ITEM)
    order = sl.order([{"ItemCode": ITEM, "Quantity": 3}])
    response = sl.post("Invoices", {"CardCode": "C00001", "DocumentLines": [
        {"BaseType": 17, "BaseEntry": order["DocEntry"], "BaseLine": 0}]})
    assert response.status_code == 201
    assert sl.stock(ITEM) == {**before, "InStock": before["InStock"] - 3}


def test_return_from_delivery_puts_stock_back(sl: SL) -> None:
    order = sl.order([{"ItemCode": ITEM, "Quantity": 2}])
    delivery = deliver(sl, order["DocEntry"], 0, 2).get_json()
    before = sl.stock(ITEM)
    response = sl.post("Returns", {"CardCode": "C00001", "DocumentLines": [
        {"BaseType": 15, "BaseEntry": delivery["DocEntry"], "BaseLine": 0, "Quantity": 1}]})
    assert response.status_code == 201
    assert sl.stock(ITEM)["InStock"] == before["InStock"] + 1


def test_negative_stock_is_refused(sl: SL) -> None:
    sl.fake.event("set_stock", item_code=ITEM, warehouse="01", in_stock=1)
    order = sl.order([{"ItemCode": ITEM, "Quantity": 2}])
    status, code, message = error_of(deliver(sl, order["DocEntry"], 0, 2))
    assert (status, code) == (400, -10)
    assert "negative inventory" in message


def test_master_data_errors_on_documents(sl: SL, fake: Fake) -> None:
    cases = [
        ({"CardCode": "NOPE"}, (400, -10, "Invalid BP code [ORDR.CardCode] , 'NOPE'")),
        ({"DocumentLines": [{"ItemCode": "NOPE"}]}, (400, -10)),
        ({"DocumentLines": [{"ItemCode": ITEM, "WarehouseCode": "99"}]}, (400, -10)),
        ({"DocumentLines": [{"Quantity": 1}]}, (400, -5002)),
        ({"DocumentLines": []}, (400, -5002)),
        ({"DocumentLines": [{"ItemCode": ITEM, "Quantity": -1}]}, (400, -5002)),
        ({"DocDueDate": None}, (400, -5002)),
        ({"DocStatus": "O"}, (400, -1000)),
        ({"DocumentStatus": "bost_Close"}, (400, -1000)),
        ({"DocDate": "not a date"}, (400, -1000)),
    ]
    for override, expected in cases:
        body = {"CardCode": "C00001", "DocDueDate": "2026-01-10",
                "DocumentLines": [{"ItemCode": ITEM}], **override}
        if body["DocDueDate"] is None:
            del body["DocDueDate"]
        assert error_of(sl.post("Orders", body))[: len(expected)] == expected, override
    assert fake.state()["Orders"] == []


def test_frozen_partner_cannot_order(sl: SL, fake: Fake) -> None:
    fake.event("freeze_partner", card_code="C00003", frozen=True)
    response = sl.post("Orders", {"CardCode": "C00003", "DocDueDate": "2026-01-10",
                                  "DocumentLines": [{"ItemCode": ITEM}]})
    status, code, message = error_of(response)
    assert (status, code) == (400, -10) and "inactive" in message
    fake.event("freeze_partner", card_code="C00003", frozen=False)
    assert sl.order(CardCode="C00003")["CardCode"] == "C00003"


def test_malformed_bodies_are_sl_errors(sl: SL) -> None:
    raw = sl.client.post(sl.url("Orders"), data="{oops", headers=sl._headers(None),
                         content_type="application/json")
    assert error_of(raw)[:2] == (400, -1000)
    header = {"CardCode": "C00001", "DocDueDate": "2026-01-10"}
    for body in ([1, 2], {**header, "DocumentLines": "x"}, {**header, "DocumentLines": [5]},
                 {**header, "DocumentLines": [{"ItemCode": ITEM, "Quantity": {"n": 1}}]}):
        assert error_of(sl.post("Orders", body))[:2] == (400, -1000)


def test_return_no_content(sl: SL) -> None:
    response = sl.post("Orders", {"CardCode": "C00001", "DocDueDate": "2026-01-10",
                                  "DocumentLines": [{"ItemCode": ITEM}]},
                       headers={"Prefer": "return-no-content"})
    assert response.status_code == 204
    assert response.headers["Location"] == "/b1s/v1/Orders(1)"
    assert response.headers["Preference-Applied"] == "return-no-content"
    assert len(sl.fake.state()["Orders"]) == 1


def test_numatcard_duplicates_are_accepted_by_default(sl: SL) -> None:
    first = sl.order(NumAtCard="100000001")
    second = sl.order(NumAtCard="100000001")
    assert second["DocEntry"] == first["DocEntry"] + 1


def test_transaction_notification_option_rejects_duplicates() -> None:
    client = SL(Fake(SPEC, seed=7, options={"transaction_notification_duplicates": True}))
    client.login()
    first = client.order(NumAtCard="100000001")
    status, code, message = error_of(client.post("Orders", {
        "CardCode": "C00001", "DocDueDate": "2026-01-10", "NumAtCard": "100000001",
        "DocumentLines": [{"ItemCode": ITEM}]}))
    assert (status, code) == (400, -1) and message.startswith("(TN) Duplicate customer reference")
    assert client.order(NumAtCard="100000001", CardCode="C00002")
    client.post(f"Orders({first['DocEntry']})/Cancel")
    assert client.order(NumAtCard="100000001")


def test_delete_of_a_document_is_refused(sl: SL) -> None:
    order = sl.order()
    assert error_of(sl.delete(f"Orders({order['DocEntry']})")) == (
        400, -5006, "The requested action is not supported for this object.")


def test_close_cancel_reopen(sl: SL) -> None:
    before = sl.stock(ITEM)
    order = sl.order([{"ItemCode": ITEM, "Quantity": 3}])
    entry = order["DocEntry"]
    assert sl.post(f"Orders({entry})/Close").status_code == 204
    assert sl.stock(ITEM) == before
    assert error_of(sl.post(f"Orders({entry})/Close"))[:2] == (400, -5002)
    assert sl.post(f"Orders({entry})/Reopen").status_code == 204
    assert sl.stock(ITEM)["Committed"] == before["Committed"] + 3
    assert sl.post(f"Orders({entry})/Cancel").status_code == 204
    body = sl.get(f"Orders({entry})").get_json()
    assert (body["Cancelled"], body["DocumentStatus"]) == ("tYES", "bost_Close")
    assert sl.stock(ITEM) == before
    assert error_of(sl.post(f"Orders({entry})/Reopen"))[:2] == (400, -5002)


def test_cancel_after_a_partial_delivery_is_refused(sl: SL) -> None:
    order = sl.order([{"ItemCode": ITEM, "Quantity": 3}])
    deliver(sl, order["DocEntry"], 0, 1)
    assert error_of(sl.post(f"Orders({order['DocEntry']})/Cancel"))[:2] == (400, -5002)


def test_patch_merges_lines_by_linenum(sl: SL) -> None:
    order = sl.order([{"ItemCode": ITEM, "Quantity": 2}, {"ItemCode": OTHER, "Quantity": 1}])
    entry = order["DocEntry"]
    before = sl.stock(ITEM)
    response = sl.patch(f"Orders({entry})", {
        "Comments": "changed", "DocumentLines": [{"LineNum": 0, "Quantity": 5},
                                                 {"ItemCode": ITEM, "Quantity": 1}]})
    assert response.status_code == 204
    assert response.headers["ETag"] != order["odata.etag"]
    body = sl.get(f"Orders({entry})").get_json()
    assert body["Comments"] == "changed"
    assert [(line["LineNum"], line["ItemCode"], line["Quantity"])
            for line in body["DocumentLines"]] == [(0, ITEM, 5.0), (1, OTHER, 1.0), (2, ITEM, 1.0)]
    assert sl.stock(ITEM)["Committed"] == before["Committed"] + 4
    assert body["DocTotal"] == round(sum(line["LineTotal"] for line in body["DocumentLines"]), 2)


def test_patch_replace_collections_header(sl: SL) -> None:
    order = sl.order([{"ItemCode": ITEM, "Quantity": 2}, {"ItemCode": OTHER, "Quantity": 1}])
    entry = order["DocEntry"]
    response = sl.patch(f"Orders({entry})", {"DocumentLines": [{"LineNum": 1, "Quantity": 4}]},
                        headers={"B1S-ReplaceCollectionsOnPatch": "true"})
    assert response.status_code == 204
    lines = sl.get(f"Orders({entry})").get_json()["DocumentLines"]
    assert [(line["LineNum"], line["Quantity"]) for line in lines] == [(1, 4.0)]


def test_patch_cannot_undercut_or_drop_delivered_quantities(sl: SL) -> None:
    order = sl.order([{"ItemCode": ITEM, "Quantity": 3}, {"ItemCode": OTHER, "Quantity": 1}])
    entry = order["DocEntry"]
    deliver(sl, entry, 0, 2)
    undercut = sl.patch(f"Orders({entry})", {"DocumentLines": [{"LineNum": 0, "Quantity": 1}]})
    assert error_of(undercut)[:2] == (400, -5002)
    dropped = sl.patch(f"Orders({entry})", {"DocumentLines": [{"LineNum": 1, "Quantity": 2}]},
                       headers={"B1S-ReplaceCollectionsOnPatch": "true"})
    assert error_of(dropped)[:2] == (400, -5002)
    assert sl.patch(f"Orders({entry})", {"DocumentLines": [{"LineNum": 0, "Quantity": 2}]}
                    ).status_code == 204


def test_patch_read_only_and_locked_fields(sl: SL) -> None:
    order = sl.order()
    entry = order["DocEntry"]
    echo = {"DocEntry": entry, "DocumentStatus": "bost_Open", "Comments": "ok"}
    assert sl.patch(f"Orders({entry})", echo).status_code == 204
    status, code, message = error_of(sl.patch(f"Orders({entry})",
                                              {"DocumentStatus": "bost_Close"}))
    assert (status, code) == (400, -1000) and "read-only" in message
    line = {"LineNum": 0, "RemainingOpenQuantity": 0}
    assert error_of(sl.patch(f"Orders({entry})", {"DocumentLines": [line]}))[:2] == (400, -1000)
    assert error_of(sl.patch(f"Orders({entry})", {"CardCode": "C00002"}))[:2] == (400, -5002)


def test_readonly_ignore_option_follows_the_manual() -> None:
    client = SL(Fake(SPEC, seed=7, options={"readonly_fields": "ignore"}))
    client.login()
    order = client.order()
    response = client.patch(f"Orders({order['DocEntry']})", {"DocumentStatus": "bost_Close"})
    assert response.status_code == 204
    assert client.get(f"Orders({order['DocEntry']})").get_json()["DocumentStatus"] == "bost_Open"


def test_if_match_with_a_stale_etag_is_refused(sl: SL) -> None:
    order = sl.order()
    path = f"Orders({order['DocEntry']})"
    assert sl.patch(path, {"Comments": "one"}, headers={"If-Match": order["odata.etag"]}
                    ).status_code == 204
    stale = sl.patch(path, {"Comments": "two"}, headers={"If-Match": order["odata.etag"]})
    assert error_of(stale)[:2] == (412, -2039)


def test_posted_documents_take_header_changes_only(sl: SL) -> None:
    order = sl.order()
    delivery = deliver(sl, order["DocEntry"], 0, 1).get_json()
    path = f"DeliveryNotes({delivery['DocEntry']})"
    assert sl.patch(path, {"Comments": "shipped", "U_Tracking": "1Z"}).status_code == 204
    assert sl.get(path).get_json()["U_Tracking"] == "1Z"
    lines = sl.patch(path, {"DocumentLines": [{"LineNum": 0, "Quantity": 5}]})
    assert error_of(lines)[:2] == (400, -5002)


def test_special_prices_apply_in_their_period(sl: SL) -> None:
    response = sl.post("SpecialPrices", {
        "CardCode": "C00001", "ItemCode": ITEM, "Price": 99.0,
        "SpecialPriceDataAreas": [{"DateFrom": "2026-02-01", "Dateto": "2026-02-28",
                                   "SpecialPrice": 77.0}]})
    assert response.status_code == 201
    key = "SpecialPrices(CardCode='C00001',ItemCode='SKU-000001')"
    assert response.headers["Location"].endswith(key)
    lines = [{"ItemCode": ITEM}]
    assert sl.order(lines)["DocumentLines"][0]["Price"] == 99.0
    assert sl.order(lines, DocDate="2026-02-10")["DocumentLines"][0]["Price"] == 77.0
    other = sl.order(lines, CardCode="C00002")["DocumentLines"][0]["Price"]
    assert other == sl.get(f"Items('{ITEM}')").get_json()["ItemPrices"][0]["Price"]
    assert sl.get(key).get_json()["Price"] == 99.0
    assert sl.delete(key).status_code == 204


def test_credit_limit_option(sl: SL) -> None:
    client = SL(Fake(SPEC, seed=7, options={"enforce_credit_limit": True}))
    client.login()
    client.patch("BusinessPartners('C00001')", {"CreditLimit": 100.0})
    response = client.post("Orders", {"CardCode": "C00001", "DocDueDate": "2026-01-10",
                                      "DocumentLines": [{"ItemCode": ITEM, "UnitPrice": 101}]})
    assert error_of(response)[:2] == (400, -10)
    assert sl.order([{"ItemCode": ITEM, "UnitPrice": 101}])
