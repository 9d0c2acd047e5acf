"""Query options, counts, server paging, service document; v1 and v2 annotations."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from tests.fakes.sap_b1.helpers import SL, error_of


def codes(response) -> list[str]:
    return [row["CardCode"] for row in response.get_json()["value"]]


def test_service_document_lists_implemented_sets(sl: SL, sl2: SL) -> None:
    body = sl.get("").get_json()
    names = {entry["name"] for entry in body["value"]}
    assert {"Orders", "DeliveryNotes", "Invoices", "CreditNotes", "Returns", "BusinessPartners",
            "Items", "PriceLists", "SpecialPrices", "Warehouses"} <= names
    assert all(e["kind"] == "EntitySet" and e["url"] == e["name"] for e in body["value"])
    assert sl2.get("").get_json()["@odata.context"].endswith("/b1s/v2/$metadata")


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("CardCode eq 'C00003'", ["C00003"]),
        ("CardCode ne 'C00001' and CardCode le 'C00003'", ["C00002", "C00003"]),
        ("CardCode lt 'C00002' or CardCode gt 'C00011'", ["C00001", "C00012"]),
        ("not (CardCode ge 'C00002')", ["C00001"]),
        ("(CardCode eq 'C00001' or CardCode eq 'C00002') and CreditLimit gt 100",
         ["C00001", "C00002"]),
        ("startswith(CardCode,'C0001')", ["C00010", "C00011", "C00012"]),
        ("endswith(CardCode,'12')", ["C00012"]),
        ("contains(CardCode,'0011')", ["C00011"]),
        ("substringof('0011',CardCode)", ["C00011"]),
        ("CardType eq 'C' and CardCode eq 'C00001'", ["C00001"]),
        ("CardType eq 'cCustomer' and CardCode eq 'C00001'", ["C00001"]),
        ("CreateDate eq '20260105' and CardCode eq 'C00002'", ["C00002"]),
        ("CreateDate eq datetime'2026-01-05' and CardCode eq 'C00002'", ["C00002"]),
        ("CreateDate gt '2026-01-05T00:00:00'", []),
        ("CreateDate ge 2026-01-05 and CardCode eq 'C00002'", ["C00002"]),
        ("FrozenFrom eq null and CardCode eq 'C00004'", ["C00004"]),
        ("CardCode eq 5", []),
        ("CardCode gt CreditLimit", []),
        ("CreditLimit gt 9999.5 and CardCode eq 'C00005'", ["C00005"]),
    ],
)
def test_filter_expressions(sl: SL, expr: str, expected: list[str]) -> None:
    response = sl.get("BusinessPartners", query_string={"$filter": expr, "$select": "CardCode"})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert codes(response) == expected


def test_string_filters_are_case_sensitive_unless_asked(sl: SL) -> None:
    query = {"$filter": "startswith(CardCode,'c0000')"}
    assert codes(sl.get("BusinessPartners", query_string=query)) == []
    found = sl.get("BusinessPartners", query_string=query,
                   headers={"B1S-CaseInsensitive": "true"})
    assert len(codes(found)) == 9


@pytest.mark.parametrize(
    ("expr", "code"),
    [
        ("CardCode eq", -5002),
        ("CardCode eq 'x' and", -5002),
        ("(CardCode eq 'x'", -5002),
        ("DocStatus eq 'O'", -1000),
        ("toupper(CardName) eq 'X'", -1000),
        ("CardCode eq 'unterminated", -5002),
    ],
)
def test_bad_filters_are_sl_errors(sl: SL, expr: str, code: int) -> None:
    status, got, message = error_of(sl.get("BusinessPartners", query_string={"$filter": expr}))
    assert (status, got) == (400, code)
    if code == -1000:
        assert message.endswith("of 'BusinessPartner' is invalid")


def test_select_orderby_top_skip(sl: SL) -> None:
    query = {"$select": "CardCode,CardName", "$orderby": "CardCode desc", "$top": "3",
             "$skip": "1"}
    body = sl.get("BusinessPartners", query_string=query).get_json()
    assert [r["CardCode"] for r in body["value"]] == ["C00011", "C00010", "C00009"]
    assert set(body["value"][0]) == {"odata.etag", "CardCode", "CardName"}
    assert body["odata.metadata"].endswith("#BusinessPartners&$select=CardCode,CardName")


def test_unknown_select_property_is_rejected(sl: SL) -> None:
    response = sl.get("Orders", query_string={"$select": "DocEntry,DocStatus"})
    assert error_of(response) == (400, -1000, "Property 'DocStatus' of 'Document' is invalid")


def test_v1_inlinecount_is_a_string_and_v2_count_a_number(sl: SL, sl2: SL) -> None:
    v1 = sl.get("BusinessPartners", query_string={"$inlinecount": "allpages", "$top": "0"})
    assert v1.get_json()["odata.count"] == "12"
    assert v1.get_json()["value"] == []
    v2 = sl2.get("BusinessPartners", query_string={"$count": "true", "$top": "1"}).get_json()
    assert v2["@odata.count"] == 12
    assert len(v2["value"]) == 1
    assert "@odata.etag" in v2["value"][0]
    bad = sl.get("BusinessPartners", query_string={"$inlinecount": "sometimes"})
    assert error_of(bad)[:2] == (400, -1000)


def test_count_path_honours_filter(sl: SL) -> None:
    response = sl.get("Items/$count", query_string={"$filter": "startswith(ItemCode,'SKU-00000')"})
    assert response.status_code == 200
    assert response.get_data(as_text=True) == "9"


def test_default_page_is_20_with_a_skip_next_link(sl: SL, sl2: SL) -> None:
    body = sl.get("Items", query_string={"$select": "ItemCode"}).get_json()
    assert len(body["value"]) == 20
    link = body["odata.nextLink"]
    assert link.startswith("/b1s/v1/Items?") and "$skip=20" in link
    rest = sl.client.get(link, headers=sl._headers(None)).get_json()
    assert len(rest["value"]) == 4 and "odata.nextLink" not in rest
    v2 = sl2.get("Items", query_string={"$select": "ItemCode"}).get_json()
    assert v2["@odata.nextLink"].startswith("/b1s/v2/Items?")


def test_page_size_headers(sl: SL) -> None:
    by_header = sl.get("Items", headers={"B1S-PageSize": "5"}).get_json()
    assert len(by_header["value"]) == 5
    prefer = sl.get("Items", headers={"Prefer": "odata.maxpagesize=7"})
    assert prefer.headers["Preference-Applied"] == "odata.maxpagesize=7"
    assert len(prefer.get_json()["value"]) == 7
    unpaged = sl.get("Items", headers={"Prefer": "odata.maxpagesize=0"}).get_json()
    assert len(unpaged["value"]) == 24 and "odata.nextLink" not in unpaged


def test_following_next_links_sees_every_row_once(sl: SL) -> None:
    seen: list[str] = []
    url = sl.url("Items") + "?$select=ItemCode&$orderby=ItemCode desc&$top=13"
    while url:
        body = sl.client.get(url, headers={**sl._headers(None), "B1S-PageSize": "5"}).get_json()
        seen += [row["ItemCode"] for row in body["value"]]
        url = body.get("odata.nextLink")
        if url:
            assert parse_qs(urlsplit(url).query)["$orderby"] == ["ItemCode desc"]
    assert len(seen) == 13 == len(set(seen))
    assert seen[0] == "SKU-000024"


def test_relative_next_link_style_is_switchable() -> None:
    from fakes.core.fake import Fake
    from fakes.sap_b1 import SPEC

    client = SL(Fake(SPEC, seed=7, options={"next_link_style": "relative"}))
    client.login()
    link = client.get("Items").get_json()["odata.nextLink"]
    assert link.startswith("Items?") and "$skip=20" in link


def test_bad_top_is_rejected(sl: SL) -> None:
    assert error_of(sl.get("Items", query_string={"$top": "-1"}))[:2] == (400, -1000)


def test_entity_by_key_forms(sl: SL, sl2: SL) -> None:
    for path in ("BusinessPartners('C00002')", "BusinessPartners(CardCode='C00002')",
                 "businesspartners('C00002')"):
        response = sl.get(path)
        assert response.status_code == 200, path
        assert response.get_json()["CardCode"] == "C00002"
    assert response.headers["ETag"] == response.get_json()["odata.etag"]
    body = sl2.get("BusinessPartners('C00002')").get_json()
    assert body["@odata.context"].endswith("$metadata#BusinessPartners/$entity")
    assert body["CreateDate"] == "2026-01-05T00:00:00Z"
    assert sl.get("BusinessPartners('C00002')").get_json()["CreateDate"] == "2026-01-05"


def test_unknown_key_and_unknown_set(sl: SL) -> None:
    assert error_of(sl.get("BusinessPartners('NOPE')"))[:2] == (404, -2028)
    assert error_of(sl.get("Orders(99)"))[:2] == (404, -2028)
    assert error_of(sl.get("Quotations"))[:2] == (404, -1000)
    assert error_of(sl.get("Orders('x')"))[:2] == (404, -1000)


def test_entities_carry_every_property_of_their_type(sl: SL) -> None:
    item = sl.get("Items('SKU-000001')").get_json()
    assert item["ForeignName"] is None and item["ItemName"]
    assert item["ItemPrices"][0]["PriceList"] == 1
    price = item["ItemPrices"][0]
    assert price["AdditionalPrice1"] is None
    assert "UoMPrices" not in price  # a complex type the fake does not implement
