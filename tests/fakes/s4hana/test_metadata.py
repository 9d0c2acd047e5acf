"""$metadata: served per service as XML, derived from SAP's reference EDMX where one exists."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pyodata.v2.model as pyodata_model
import pytest
import requests

from contracts.s4hana import SELECTIONS, derived_documents, file_name, parse_edmx, reference_dir
from contracts.s4hana.edmx import E, ServiceModel
from contracts.s4hana.extract import OVERALL_DELIVERY_STATUS, Selection
from contracts.s4hana.handwritten import handwritten_documents
from fakes.core.bridge import FakeFleet
from fakes.core.fake import Fake
from fakes.s4hana.services import METADATA_DIR, services
from tests.fakes.s4hana.conftest import BASE

REFERENCE = reference_dir()
needs_reference = pytest.mark.skipif(
    not REFERENCE.is_dir(), reason=f"S/4HANA reference EDMX folder missing: {REFERENCE}"
)
ADDED = {(OVERALL_DELIVERY_STATUS.entity_type, "OverallDeliveryStatus")}


@pytest.mark.parametrize("name", [svc.name for svc in services().values()])
def test_metadata_is_served_as_xml_that_pyodata_parses(
    fake: Fake, fleet: FakeFleet, name: str
) -> None:
    creds = fake.credentials()
    response = requests.get(
        f"{BASE}/{name}/$metadata", auth=(creds["username"], creds["password"]), timeout=5
    )
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/xml")
    schema = pyodata_model.MetadataBuilder(response.content).build()
    assert {s.name for s in schema.entity_sets} == set(parse_edmx(response.content).entity_sets)


@needs_reference
def test_committed_metadata_equals_what_the_extraction_derives() -> None:
    for service, text in derived_documents(REFERENCE).items():
        assert (METADATA_DIR / file_name(service)).read_text(encoding="utf-8") == text, service


def test_committed_handwritten_metadata_is_current() -> None:
    for service, text in handwritten_documents().items():
        assert (METADATA_DIR / file_name(service)).read_text(encoding="utf-8") == text, service


def _reference_model(selection_reference: str) -> ServiceModel:
    return parse_edmx((REFERENCE / selection_reference).read_bytes())


@needs_reference
@pytest.mark.parametrize("selection", SELECTIONS, ids=lambda s: s.service)
def test_served_types_agree_with_the_reference(selection: Selection) -> None:
    served = services()[selection.service.upper()].model
    reference = _reference_model(selection.reference)
    assert served.namespace == reference.namespace
    for name, entity_type in served.entity_types.items():
        original = reference.entity_types[name]
        assert entity_type.keys == original.keys
        for prop_name, prop in entity_type.properties.items():
            if (name, prop_name) in ADDED:
                continue
            assert prop == original.properties[prop_name], (name, prop_name)
        missing = set(original.properties) - set(entity_type.properties)
        assert not missing, f"{name} lost properties {missing}"
        assert set(entity_type.navigations) <= set(original.navigations)
    for set_name, entity_set in served.entity_sets.items():
        assert entity_set == reference.entity_sets[set_name]


@needs_reference
def test_sales_order_header_fields_are_the_edmx_ones() -> None:
    header = services()["API_SALES_ORDER_SRV"].model.entity_types["A_SalesOrderType"]
    for name in (
        "SalesOrder",
        "SalesOrderType",
        "SalesOrganization",
        "DistributionChannel",
        "OrganizationDivision",
        "SoldToParty",
        "PurchaseOrderByCustomer",
        "CreationDate",
        "LastChangeDateTime",
        "TotalNetAmount",
        "TransactionCurrency",
        "OverallSDProcessStatus",
        "OverallDeliveryStatus",
        "HeaderBillingBlockReason",
        "DeliveryBlockReason",
    ):
        assert name in header.properties
    assert header.etag_property is not None
    assert header.etag_property.name == "LastChangeDateTime"


def test_handwritten_services_use_sap_names() -> None:
    delivery = services()["API_OUTBOUND_DELIVERY_SRV;V=0002"].model
    assert delivery.namespace == "API_OUTBOUND_DELIVERY_SRV"
    item = delivery.entity_types["A_OutbDeliveryItemType"]
    assert {"ReferenceSDDocument", "ReferenceSDDocumentItem", "ActualDeliveryQuantity"} <= set(
        item.properties
    )
    assert delivery.function_imports["PostGoodsIssue"].http_method == "POST"
    stock = services()["API_MATERIAL_STOCK_SRV"].model.entity_types["A_MatlStkInAcctModType"]
    assert stock.keys[:3] == ("Material", "Plant", "StorageLocation")
    assert len(stock.keys) == 11
    assert "MatlWrhsStkQtyInMatlBaseUnit" in stock.properties


def test_trim_keeps_only_consistent_associations() -> None:
    for path in sorted(Path(METADATA_DIR).glob("*.xml")):
        root = ET.parse(path).getroot()
        declared = {a.get("Name") for a in root.iter(E + "Association")}
        used = {
            a.get("Association", "").rsplit(".", 1)[-1] for a in root.iter(E + "AssociationSet")
        }
        navs = {
            n.get("Relationship", "").rsplit(".", 1)[-1]
            for n in root.iter(E + "NavigationProperty")
        }
        assert used <= declared and navs <= declared, path.name
        assert not list(root.iter("{http://docs.oasis-open.org/odata/ns/edm}Annotations"))


def test_reference_dir_follows_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("HARNESS_REFERENCE_DIR", str(tmp_path))
    assert reference_dir() == tmp_path / "s4hana"
    with pytest.raises(FileNotFoundError):
        derived_documents()
    monkeypatch.delenv("HARNESS_REFERENCE_DIR")
    assert reference_dir().parts[-3:] == ("shared", "reference", "s4hana")
