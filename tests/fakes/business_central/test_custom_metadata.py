"""Custom API pages (FM-D03) with the ``custom_api_regression`` fault, and ``$metadata`` as the
CSDL of exactly what is served."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from lxml import etree

from fakes.core.bridge import FakeFleet
from fakes.core.fake import Fake
from tests.fakes.business_central.conftest import BC, error_of, make_fake

EDM = "{http://docs.oasis-open.org/odata/ns/edm}"
CUSTOM = [
    {"publisher": "contoso", "group": "magento", "version": "v1.0", "entity_set": "webOrders",
     "source": "salesOrders",
     "fields": {"orderNo": {"type": "Edm.String", "source": "number"},
                "webReference": {"type": "Edm.String", "source": "externalDocumentNumber"},
                "customerNumber": "Edm.String", "totalAmountIncludingTax": "Edm.Decimal"}},
    {"publisher": "contoso", "group": "magento", "version": "v1.0", "entity_set": "stockMoves",
     "source": "itemLedgerEntries",
     "fields": {"itemNumber": "Edm.String", "locationCode": "Edm.String",
                "quantity": "Edm.Decimal"}},
]


@pytest.fixture
def custom() -> Iterator[BC]:
    fake = make_fake(custom_apis=CUSTOM)
    with FakeFleet({"business-central": fake}):
        yield BC(fake)


def _custom_url(bc: BC, set_name: str) -> str:
    root = f"{bc.fake.base_url}/v2.0/{bc.creds['tenant']}/{bc.env}/api/contoso/magento/v1.0"
    return f"{root}/companies({bc.company_id})/{set_name}"


def test_custom_page_reads_and_writes(custom: BC) -> None:
    customer = custom.first("customers")["number"]
    created = custom.post(_custom_url(custom, "webOrders"),
                          json={"webReference": "MAG-9", "customerNumber": customer})
    assert created.status_code == 201
    body = created.json()
    assert set(body) == {"@odata.context", "@odata.etag", "id", "orderNo", "webReference",
                         "customerNumber", "totalAmountIncludingTax"}
    assert body["orderNo"] == "S-ORD101001"
    standard = custom.get(f"salesOrders({body['id']})").json()
    assert standard["externalDocumentNumber"] == "MAG-9"
    found = custom.values(f"{_custom_url(custom, 'webOrders')}?$filter=webReference eq 'MAG-9'")
    assert [o["orderNo"] for o in found] == ["S-ORD101001"]
    patched = custom.patch(f"{_custom_url(custom, 'webOrders')}({body['id']})",
                           json={"webReference": "MAG-10"},
                           headers={"If-Match": body["@odata.etag"]})
    assert patched.json()["webReference"] == "MAG-10"


def test_custom_page_exposes_hidden_location(custom: BC) -> None:
    moves = custom.values(f"{_custom_url(custom, 'stockMoves')}?$filter=locationCode eq 'NORTH'")
    assert moves and {m["locationCode"] for m in moves} == {"NORTH"}
    assert "locationCode" not in custom.first("itemLedgerEntries")


def test_regression_renames_field(custom: BC) -> None:
    custom.fake.add_fault({"target": {"path": "contoso/magento"},
                           "effect": {"kind": "vendor", "name": "custom_api_regression",
                                      "params": {"entity_set": "webOrders",
                                                 "rename": {"webReference": "externalRef"}}}})
    customer = custom.first("customers")["number"]
    old = custom.post(_custom_url(custom, "webOrders"),
                      json={"webReference": "MAG-1", "customerNumber": customer})
    status, code, message = error_of(old)
    assert (status, code) == (400, "BadRequest")
    assert "The property 'webReference' does not exist on type 'Microsoft.NAV.webOrder'" in message
    assert custom.values("salesOrders") == []
    listed = custom.values(_custom_url(custom, "webOrders"))
    assert listed == []
    new = custom.post(_custom_url(custom, "webOrders"),
                      json={"externalRef": "MAG-1", "customerNumber": customer})
    assert new.status_code == 201 and "webReference" not in new.json()


def test_regression_removes_and_requires(custom: BC) -> None:
    custom.fake.add_fault({"effect": {"kind": "vendor", "name": "custom_api_regression",
                                      "params": {"entity_set": "webOrders",
                                                 "remove": ["totalAmountIncludingTax"],
                                                 "require": ["webReference"]}},
                           "trigger": {"first": 1}})
    customer = custom.first("customers")["number"]
    missing = custom.post(_custom_url(custom, "webOrders"), json={"customerNumber": customer})
    assert error_of(missing)[:2] == (400, "BadRequest_RequiredParamNotProvided")
    ok = custom.post(_custom_url(custom, "webOrders"),
                     json={"customerNumber": customer, "webReference": "MAG-2"}).json()
    assert "totalAmountIncludingTax" not in ok
    root = _custom_url(custom, "webOrders").rsplit("/companies", 1)[0]
    names = _property_names(custom.get(f"{root}/$metadata").content, "webOrder")
    assert "totalAmountIncludingTax" not in names and "webReference" in names


def test_unknown_vendor_fault_is_refused(custom: BC) -> None:
    with pytest.raises(ValueError, match="not a business-central fault"):
        custom.fake.add_fault({"effect": {"kind": "vendor", "name": "nope"}})


def _schema(xml: bytes) -> Any:
    root = etree.fromstring(xml)
    assert root.tag == "{http://docs.oasis-open.org/odata/ns/edmx}Edmx"
    assert root.get("Version") == "4.0"
    schema = root.find(f".//{EDM}Schema")
    assert schema is not None and schema.get("Namespace") == "Microsoft.NAV"
    return schema


def _property_names(xml: bytes, type_name: str) -> list[str]:
    schema = _schema(xml)
    entity = schema.find(f"{EDM}EntityType[@Name='{type_name}']")
    assert entity is not None, type_name
    return [p.get("Name") for p in entity.findall(f"{EDM}Property")]


def _served(bc: BC) -> dict[str, tuple[str, list[str]]]:
    """entity set -> (type name, rendered field names) as the API actually answers."""
    order = bc.new_order().json()
    bc.post(f"salesOrders({order['id']})/Microsoft.NAV.shipAndInvoice")
    memo = bc.post("salesCreditMemos", json={"customerNumber": order["customerNumber"],
                                             "salesCreditMemoLines": [{"lineType": "Comment"}]})
    memo_id = memo.json()["id"]
    ship = bc.first("salesShipments")["id"]
    invoice = bc.first("salesInvoices")["id"]
    second = bc.new_order().json()["id"]
    urls = {
        "salesOrder": "salesOrders", "salesOrderLine": f"salesOrders({second})/salesOrderLines",
        "salesShipment": "salesShipments", "salesShipmentLine":
            f"salesShipments({ship})/salesShipmentLines",
        "salesInvoice": "salesInvoices", "salesInvoiceLine":
            f"salesInvoices({invoice})/salesInvoiceLines",
        "salesCreditMemo": "salesCreditMemos", "salesCreditMemoLine":
            f"salesCreditMemos({memo_id})/salesCreditMemoLines",
        "customer": "customers", "item": "items", "location": "locations",
        "itemLedgerEntry": "itemLedgerEntries", "company": f"{bc.api}/companies",
    }
    return {name: [k for k in bc.values(url)[0] if not k.startswith("@")]
            for name, url in urls.items()}


def test_metadata_lists_every_served_field(bc: BC) -> None:
    response = bc.get(f"{bc.api}/$metadata")
    assert response.status_code == 200 and response.headers["Content-Type"] == "application/xml"
    served = _served(bc)
    for type_name, fields in served.items():
        assert _property_names(response.content, type_name) == fields, type_name


def test_metadata_structure(bc: BC) -> None:
    schema = _schema(bc.get(f"{bc.api}/$metadata").content)
    action = schema.find(f"{EDM}Action[@Name='shipAndInvoice']")
    assert action is not None and action.get("IsBound") == "true"
    binding = action.find(f"{EDM}Parameter")
    assert binding is not None and binding.get("Type") == "Microsoft.NAV.salesOrder"
    order = schema.find(f"{EDM}EntityType[@Name='salesOrder']")
    assert order.find(f"{EDM}Key/{EDM}PropertyRef").get("Name") == "id"
    nav = order.find(f"{EDM}NavigationProperty")
    assert nav.get("Name") == "salesOrderLines" and nav.get("ContainsTarget") == "true"
    status = order.find(f"{EDM}Property[@Name='status']").get("Type")
    members = [m.get("Name") for m in schema.find(
        f"{EDM}EnumType[@Name='{status.split('.')[-1]}']").findall(f"{EDM}Member")]
    assert members == ["Draft", "In_x0020_Review", "Open", "Released"]
    sets = [s.get("Name") for s in schema.findall(f"{EDM}EntityContainer/{EDM}EntitySet")]
    assert sets == ["companies"]
    company_navs = {n.get("Name") for n in schema.find(
        f"{EDM}EntityType[@Name='company']").findall(f"{EDM}NavigationProperty")}
    assert {"salesOrders", "items", "itemLedgerEntries", "salesCreditMemos"} <= company_navs


def test_custom_metadata(custom: BC) -> None:
    root = _custom_url(custom, "webOrders").rsplit("/companies", 1)[0]
    xml = custom.get(f"{root}/$metadata").content
    assert _property_names(xml, "webOrder") == ["id", "orderNo", "webReference", "customerNumber",
                                                "totalAmountIncludingTax"]
    assert "locationCode" in _property_names(xml, "stockMove")


def test_fake_without_custom_apis_serves_none(fake: Fake) -> None:
    assert fake.backend.environments["production"].custom_apis == []  # type: ignore[attr-defined]
