"""``$metadata`` (v1 CSDL 3.0, v2 CSDL 4.0) and agreement with the reference metadata."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from contracts.sap_b1 import (
    IMPLEMENTED_SETS,
    extract_subset,
    parse_v1,
    reference_metadata_path,
    write_v1,
)
from fakes.core.fake import Fake
from tests.fakes.sap_b1.helpers import SL

EDMX_V1 = "http://schemas.microsoft.com/ado/2007/06/edmx"
EDM_V1 = "http://schemas.microsoft.com/ado/2009/11/edm"
EDMX_V4 = "http://docs.oasis-open.org/odata/ns/edmx"
EDM_V4 = "http://docs.oasis-open.org/odata/ns/edm"
SAP_ATTRIBUTES = ("Alias", "Index", "Writable", "Table", "OldName", "UserField", "ServiceCode")


@cache
def reference_bytes() -> bytes | None:
    path = reference_metadata_path()
    return path.read_bytes() if path.is_file() else None


def need_reference() -> bytes:
    data = reference_bytes()
    if data is None:
        pytest.skip(f"reference metadata not found at {reference_metadata_path()} "
                    "(set HARNESS_REFERENCE_DIR)")
    return data


def test_v1_metadata_is_csdl3_and_small(sl: SL) -> None:
    response = sl.get("$metadata")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/xml")
    root = etree.fromstring(response.data)
    assert root.tag == f"{{{EDMX_V1}}}Edmx"
    schema = root.find(f".//{{{EDM_V1}}}Schema")
    assert schema is not None and schema.get("Namespace") == "SAPB1"
    sets = {es.get("Name"): es.get("EntityType") for es in root.iter(f"{{{EDM_V1}}}EntitySet")}
    assert sets["Orders"] == "SAPB1.Document" and set(sets) == set(IMPLEMENTED_SETS)
    text = response.get_data(as_text=True)
    assert not any(f' {attr}="' in text for attr in SAP_ATTRIBUTES)
    assert len(response.data) < 150_000


def test_v2_metadata_is_csdl4(sl2: SL) -> None:
    response = sl2.get("$metadata")
    root = etree.fromstring(response.data)
    assert root.tag == f"{{{EDMX_V4}}}Edmx" and root.get("Version") == "4.0"
    assert response.headers["OData-Version"] == "4.0"
    document = root.find(f".//{{{EDM_V4}}}EntityType[@Name='Document']")
    assert document is not None and document.get("OpenType") == "true"
    doc_date = document.find(f"{{{EDM_V4}}}Property[@Name='DocDate']")
    assert doc_date is not None and doc_date.get("Type") == "Edm.DateTimeOffset"
    close = root.find(f".//{{{EDM_V4}}}Action[@Name='Close']")
    assert close is not None and close.get("IsBound") == "true"
    imports = {a.get("Name") for a in root.iter(f"{{{EDM_V4}}}ActionImport")}
    assert imports == {"Login", "Logout"}
    members = root.findall(f".//{{{EDM_V4}}}EnumType[@Name='BoStatus']/{{{EDM_V4}}}Member")
    assert [m.get("Value") for m in members] == ["0", "1", "2", "3"]


def test_metadata_needs_a_session(fake: Fake) -> None:
    assert SL(fake).get("$metadata").status_code == 401


def test_packaged_metadata_is_the_extraction_of_the_reference() -> None:
    subset = extract_subset(need_reference())
    packaged = resources.files("fakes.sap_b1").joinpath("metadata_v1.xml").read_bytes()
    assert write_v1(subset.model) == packaged
    readonly = json.loads(resources.files("fakes.sap_b1").joinpath("readonly_v1.json").read_text())
    assert readonly == subset.readonly


def _reference_types() -> tuple[dict[str, str], dict[str, set[str]], dict[str, dict[str, str]]]:
    root = etree.fromstring(need_reference())
    sets = {es.get("Name"): es.get("EntityType") for es in root.iter(f"{{{EDM_V1}}}EntitySet")}
    props: dict[str, set[str]] = {}
    types: dict[str, dict[str, str]] = {}
    for tag in ("EntityType", "ComplexType"):
        for el in root.iter(f"{{{EDM_V1}}}{tag}"):
            found = {p.get("Name"): p.get("Type") for p in el.iter(f"{{{EDM_V1}}}Property")}
            props[el.get("Name")] = set(found)
            types[el.get("Name")] = found
    return sets, props, types


def _check_fields(type_name: str, entity: dict[str, Any], props: dict[str, set[str]],
                  types: dict[str, dict[str, str]], where: str) -> None:
    for name, value in entity.items():
        if name.startswith(("odata.", "@odata.", "U_")):
            continue
        assert name in props[type_name], f"{where}.{name} is not in the reference {type_name}"
        inner = types[type_name][name]
        if inner.startswith("Collection(SAPB1.") and value:
            row_type = inner[len("Collection(SAPB1.") : -1]
            for row in value:
                _check_fields(row_type, row, props, types, f"{where}.{name}")


def test_every_set_and_returned_field_exists_in_the_reference(sl: SL) -> None:
    sets, props, types = _reference_types()
    served = parse_v1(sl.get("$metadata").data)
    for set_name, type_name in served.sets.items():
        assert sets.get(set_name) == type_name, set_name
    order = sl.order([{"ItemCode": "SKU-000001", "Quantity": 1}])
    sl.post("DeliveryNotes", {"CardCode": "C00001", "DocumentLines": [
        {"BaseType": 17, "BaseEntry": order["DocEntry"], "BaseLine": 0}]})
    sl.post("SpecialPrices", {"CardCode": "C00001", "ItemCode": "SKU-000001", "Price": 1,
                              "SpecialPriceDataAreas": [{"SpecialPrice": 1}]})
    for set_name in [s for s in IMPLEMENTED_SETS if s != "B1Sessions"]:
        rows = sl.get(set_name, headers={"Prefer": "odata.maxpagesize=0"}).get_json()["value"]
        assert rows or set_name in ("Invoices", "CreditNotes", "Returns"), set_name
        type_name = served.sets[set_name].split(".")[1]
        for row in rows:
            _check_fields(type_name, row, props, types, set_name)


def test_served_types_match_reference_property_types() -> None:
    _, _, types = _reference_types()
    packaged = parse_v1(resources.files("fakes.sap_b1").joinpath("metadata_v1.xml").read_bytes())
    for name, struct in packaged.types.items():
        for prop in struct.props.values():
            assert types[name][prop.name] == prop.type, f"{name}.{prop.name}"


def test_reference_dir_follows_the_environment(monkeypatch: pytest.MonkeyPatch,
                                               tmp_path: Path) -> None:
    monkeypatch.setenv("HARNESS_REFERENCE_DIR", str(tmp_path))
    assert reference_metadata_path() == tmp_path / "sap-b1" / "service-layer-v1-metadata.xml"
