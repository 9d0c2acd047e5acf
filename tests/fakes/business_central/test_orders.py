"""Sales orders: deep insert, validation with Business Central's texts, lines, no uniqueness on
externalDocumentNumber, blocked customers."""

from __future__ import annotations

from typing import Any

import pytest

from tests.fakes.business_central.conftest import BC, error_of


def test_deep_insert_returns_entity_with_etag(bc: BC) -> None:
    item = bc.first("items")
    response = bc.new_order()
    order = response.json()
    assert response.status_code == 201
    assert response.headers["Location"].endswith(f"/salesOrders({order['id']})")
    assert order["@odata.etag"].startswith('W/"')
    assert order["@odata.context"].endswith("/salesOrders/$entity")
    assert (order["number"], order["status"]) == ("S-ORD101001", "Draft")
    assert order["externalDocumentNumber"] == "MAG-100000001"
    expected = round(2 * item["unitPrice"], 2)
    assert order["totalAmountExcludingTax"] == pytest.approx(expected)
    assert order["totalAmountIncludingTax"] == pytest.approx(round(expected * 1.2, 2))
    lines = bc.values(f"salesOrders({order['id']})/salesOrderLines")
    shape = [(ln["sequence"], ln["lineType"], ln["quantity"]) for ln in lines]
    assert shape == [(10000, "Item", 2)]
    assert lines[0]["shipQuantity"] == 2 and lines[0]["shippedQuantity"] == 0
    assert lines[0]["documentId"] == order["id"]


def test_customer_fields_come_from_the_customer(bc: BC) -> None:
    customer = bc.first("customers")
    order = bc.new_order(customerId=customer["id"]).json()
    assert order["customerName"] == customer["displayName"]
    assert order["sellToCity"] == customer["city"]
    assert order["billToCustomerNumber"] == customer["number"]
    assert order["currencyCode"] == "GBP"


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ({"customerNumber": None}, 'A "customerNumber" or a "customerId" must be provided.'),
        ({"customerNumber": "C99999"}, "The sell-to customer cannot be found."),
        ({"customerId": "11111111-2222-3333-4444-555555555555"},
         "The sell-to customer cannot be found."),
    ],
)
def test_customer_errors(bc: BC, header: dict[str, Any], message: str) -> None:
    status, code, text = error_of(bc.new_order(**header))
    assert (status, code) == (400, "Application_DialogException")
    assert text.startswith(message)


def test_currency_must_exist(bc: BC) -> None:
    assert bc.new_order(currencyCode="EUR").json()["currencyCode"] == "EUR"
    assert bc.new_order(currencyCode="").json()["currencyCode"] == "GBP"
    status, code, text = error_of(bc.new_order(currencyCode="XYZ"))
    assert (status, code) == (400, "Application_DialogException")
    assert text.startswith('The "currencyCode" does not match to a Currency.')


def test_totals_with_discount_and_prices_including_tax(bc: BC) -> None:
    item = bc.first("items")
    line = {"itemId": item["id"], "quantity": 1, "unitPrice": 120}
    gross = bc.new_order(lines=[line], pricesIncludeTax=True).json()
    assert (gross["totalAmountExcludingTax"], gross["totalTaxAmount"]) == (100, 20)
    discounted = bc.new_order(lines=[{**line, "discountPercent": 10}], discountAmount=8).json()
    assert discounted["totalAmountExcludingTax"] == 100
    assert discounted["totalTaxAmount"] == 20
    assert discounted["discountAmount"] == 8
    zero = bc.new_order(lines=[{**line, "taxCode": "ZERO"}]).json()
    assert (zero["totalAmountExcludingTax"], zero["totalTaxAmount"]) == (120, 0)


def test_customer_id_and_number_must_agree(bc: BC) -> None:
    other = bc.values("customers?$top=2")[1]
    status, code, text = error_of(bc.new_order(customerId=other["id"]))
    assert (status, code) == (400, "Application_DialogException")
    assert text.startswith("The sell-to customer values do not match to a specific Customer.")


def test_rejected_deep_insert_stores_nothing(bc: BC) -> None:
    lines = [{"lineObjectNumber": bc.first("items")["number"], "quantity": 1},
             {"lineObjectNumber": "NO-SUCH-ITEM", "quantity": 1}]
    status, code, text = error_of(bc.new_order(lines=lines))
    assert (status, code) == (400, "Application_DialogException")
    assert text.startswith("Item does not exist.")
    assert bc.values("salesOrders") == []
    assert bc.new_order().json()["number"] == "S-ORD101001"


@pytest.mark.parametrize(
    ("body", "status", "code", "start"),
    [
        ({"colour": "red"}, 400, "BadRequest", "The property 'colour' does not exist on type "
                                               "'Microsoft.NAV.salesOrder'."),
        ({"number": "X1"}, 400, "BadRequest_InvalidOperation", "Control 'No.' is read-only"),
        ({"status": "Open"}, 400, "BadRequest_InvalidOperation", "Control 'Status' is read-only"),
        ({"orderDate": "05/01/2026"}, 400, "BadRequest", "Unable to convert value to Date"),
        ({"partialShipping": "yes"}, 400, "BadRequest", "Cannot convert a primitive value to the "
                                                        "expected type 'Edm.Boolean'."),
        ({"externalDocumentNumber": "X" * 36}, 400, "Application_StringExceededLength",
         "The length of the string is 36, but it must be less than or equal to 35 characters."),
    ],
)
def test_header_validation(bc: BC, body: dict[str, Any], status: int, code: str, start: str
                           ) -> None:
    got = error_of(bc.new_order(**body))
    assert got[:2] == (status, code)
    assert got[2].startswith(start)


def test_line_validation(bc: BC) -> None:
    item = bc.first("items")["number"]
    cases = [
        ({"lineObjectNumber": item, "quantity": "two"}, "BadRequest"),
        ({"lineObjectNumber": item, "quantity": 1, "taxCode": "LUXURY"},
         "Internal_InvalidTableRelation"),
        ({"lineObjectNumber": item, "quantity": 1, "unitOfMeasureCode": "BOX"},
         "Internal_InvalidTableRelation"),
        ({"lineObjectNumber": item, "quantity": 1,
          "locationId": "11111111-2222-3333-4444-555555555555"}, "Internal_InvalidTableRelation"),
        ({"lineObjectNumber": item, "quantity": 2, "shipQuantity": 3},
         "Application_DialogException"),
        ({"lineType": "Account", "lineObjectNumber": "1000", "quantity": 1},
         "Application_DialogException"),
    ]
    for line, code in cases:
        assert error_of(bc.new_order(lines=[line]))[:2] == (400, code), line
    assert bc.values("salesOrders") == []


def test_malformed_json_is_a_vendor_error(bc: BC) -> None:
    response = bc.post("salesOrders", data="{not json",
                       headers={"Content-Type": "application/json"})
    assert error_of(response)[:2] == (400, "BadRequest")
    assert bc.post("salesOrders", json=[1, 2]).status_code == 400


def test_no_uniqueness_on_external_document_number(bc: BC) -> None:
    first = bc.new_order().json()
    second = bc.new_order().json()
    assert first["id"] != second["id"]
    assert (first["number"], second["number"]) == ("S-ORD101001", "S-ORD101002")
    found = bc.values("salesOrders?$filter=externalDocumentNumber eq 'MAG-100000001'")
    assert len(found) == 2


def test_blocked_customer_cannot_order(bc: BC) -> None:
    customer = bc.first("customers")
    bc.fake.event("block_customer", number=customer["number"], blocked="Ship")
    assert bc.get(f"customers({customer['id']})").json()["blocked"] == "Ship"
    status, code, text = error_of(bc.new_order())
    assert (status, code) == (400, "Application_DialogException")
    assert text.startswith(f"You cannot create this type of document when Customer "
                           f"{customer['number']} is blocked with type Ship")
    bc.fake.event("block_customer", number=customer["number"], blocked="")
    assert bc.new_order().status_code == 201


def test_lines_through_their_order(bc: BC) -> None:
    order = bc.new_order().json()
    lines_url = f"salesOrders({order['id']})/salesOrderLines"
    item = bc.values("items?$top=2")[1]
    added = bc.post(lines_url, json={"itemId": item["id"], "quantity": 4, "unitPrice": 10})
    assert added.status_code == 201
    line = added.json()
    assert (line["sequence"], line["lineObjectNumber"], line["amountExcludingTax"]) == \
        (20000, item["number"], 40)
    header = bc.get(f"salesOrders({order['id']})").json()
    assert header["@odata.etag"] != order["@odata.etag"]
    assert header["totalAmountExcludingTax"] == pytest.approx(order["totalAmountExcludingTax"] + 40)
    patched = bc.patch(f"{lines_url}({line['id']})", json={"quantity": 5},
                       headers={"If-Match": line["@odata.etag"]})
    assert patched.json()["amountExcludingTax"] == 50 and patched.json()["shipQuantity"] == 5
    gone = bc.delete(f"{lines_url}({line['id']})", headers={"If-Match": "*"})
    assert gone.status_code == 204
    assert len(bc.values(lines_url)) == 1


def test_top_level_lines_need_a_document_filter(bc: BC) -> None:
    order = bc.new_order().json()
    assert error_of(bc.get("salesOrderLines"))[:2] == (400, "Application_DialogException")
    found = bc.values(f"salesOrderLines?$filter=documentId eq {order['id']}")
    assert len(found) == 1
    line = found[0]
    assert bc.get(f"salesOrderLines({line['id']})").json()["id"] == line["id"]
    posted = bc.post("salesOrderLines", json={"documentId": order["id"], "lineType": "Comment",
                                              "description": "Gift wrap"})
    assert posted.status_code == 201 and posted.json()["sequence"] == 20000


def test_line_sequence_cannot_change(bc: BC) -> None:
    order = bc.new_order().json()
    line = bc.values(f"salesOrders({order['id']})/salesOrderLines")[0]
    response = bc.patch(f"salesOrderLines({line['id']})", json={"sequence": 30000},
                        headers={"If-Match": "*"})
    assert error_of(response)[2].startswith("The value for sequence cannot be modified.")


def test_customers_crud(bc: BC) -> None:
    created = bc.post("customers", json={"displayName": "Acme Ltd", "email": "ops@acme.test"})
    assert created.status_code == 201 and created.json()["number"] == "C90001"
    assert created.json()["blocked"] == " "
    duplicate = bc.post("customers", json={"number": "C90001", "displayName": "Again"})
    assert error_of(duplicate)[:2] == (409, "Internal_EntityWithSameKeyExists")
    customer = bc.first("customers")
    bc.new_order()
    refused = bc.delete(f"customers({customer['id']})", headers={"If-Match": "*"})
    assert error_of(refused)[:2] == (400, "Application_DialogException")
    ok = bc.delete(f"customers({created.json()['id']})", headers={"If-Match": "*"})
    assert ok.status_code == 204


def test_item_inventory_is_read_only(bc: BC) -> None:
    item = bc.first("items")
    response = bc.patch(f"items({item['id']})", json={"inventory": 999},
                        headers={"If-Match": item["@odata.etag"]})
    assert error_of(response)[:2] == (400, "BadRequest_InvalidOperation")
    assert error_of(response)[2].startswith("Control 'Inventory' is read-only")
    renamed = bc.patch(f"items({item['id']})", json={"displayName": "Renamed"},
                       headers={"If-Match": item["@odata.etag"]})
    assert renamed.status_code == 200 and renamed.json()["inventory"] == item["inventory"]
