"""Price list lines (table 7001) through page 7005 published as an OData V4 web service:
publishing, field names, filters, paging, and the errors of an unpublished service."""

from __future__ import annotations

from urllib.parse import quote

import pytest
import requests

from fakes.core.fake import Fake
from tests.fakes.business_central.conftest import BC, error_of, make_fake

SERVICE = "PriceListLines"


def service_url(bc: BC, name: str = SERVICE, company: str = "CRONUS UK Ltd.") -> str:
    base = f"{bc.fake.base_url}/v2.0/{bc.creds['tenant']}/{bc.env}/ODataV4"
    return f"{base}/Company('{quote(company)}')/{name}"


def add(fake: Fake, code: str = "S00001", **line: object) -> None:
    values = {"asset_no": "1896-S", "unit_price": 99.5, **line}
    fake.event("add_price_list_line", price_list_code=code, **values)


@pytest.fixture
def published(bc: BC, fake: Fake) -> BC:
    fake.event("publish_web_service", service_name=SERVICE, object_id=7005)
    return bc


def test_unpublished_service_is_not_found(bc: BC, fake: Fake) -> None:
    add(fake)
    status, code, _ = error_of(bc.get(service_url(bc)))
    assert (status, code) == (404, "BadRequest_NotFound")


def test_lines_use_the_page_control_names(published: BC, fake: Fake) -> None:
    add(fake, starting_date="2026-12-01", ending_date="2026-12-31")
    body = published.get(service_url(published)).json()
    (line,) = body["value"]
    assert body["@odata.context"].endswith(
        "/ODataV4/$metadata#Company('CRONUS UK Ltd.')/" + SERVICE
    )
    assert line["Price_List_Code"] == "S00001" and line["Line_No"] == 10000
    assert line["Asset_Type"] == "Item" and line["Asset_No"] == "1896-S"
    assert line["Unit_Price"] == 99.5 and line["Status"] == "Active"
    assert (line["Starting_Date"], line["Ending_Date"]) == ("2026-12-01", "2026-12-31")
    assert line["Source_Type"] == "All_Customers" and line["Minimum_Quantity"] == 0
    assert "Price List Code" not in line and "unitPrice" not in line


def test_open_dates_are_blank_dates(published: BC, fake: Fake) -> None:
    add(fake)
    (line,) = published.values(service_url(published))
    assert line["Starting_Date"] == line["Ending_Date"] == "0001-01-01"


def test_filter_and_select(published: BC, fake: Fake) -> None:
    add(fake, status="Draft")
    add(fake, unit_price=80)
    add(fake, code="S00002", unit_price=70)
    url = service_url(published)
    clause = "Price_List_Code eq 'S00001' and Status eq 'Active'"
    rows = published.values(url, params={"$filter": clause, "$select": "Line_No,Unit_Price"})
    assert [(r["Line_No"], r["Unit_Price"]) for r in rows] == [(20000, 80)]
    assert set(rows[0]) == {"@odata.etag", "Line_No", "Unit_Price"}


def test_unknown_property_in_filter_is_rejected(published: BC, fake: Fake) -> None:
    add(fake)
    response = published.get(service_url(published), params={"$filter": "unitPrice gt 1"})
    assert response.status_code == 400


def test_server_driven_paging(published: BC, fake: Fake) -> None:
    for n in range(5):
        add(fake, unit_price=10 + n)
    headers = {"Prefer": "odata.maxpagesize=2"}
    url: str | None = service_url(published)
    prices = []
    while url:
        body = published.get(url, headers=headers).json()
        prices += [r["Unit_Price"] for r in body["value"]]
        url = body.get("@odata.nextLink")
    assert prices == [10, 11, 12, 13, 14]


def test_unknown_company_and_writes(published: BC, fake: Fake) -> None:
    add(fake)
    assert published.get(service_url(published, company="Nowhere Ltd.")).status_code == 404
    response = published.post(service_url(published), json={"Unit_Price": 1})
    assert response.status_code == 405


def test_token_required(published: BC) -> None:
    assert requests.get(service_url(published), timeout=5).status_code == 401


def test_bad_line_is_refused_naming_the_field(fake: Fake) -> None:
    with pytest.raises(ValueError, match="ending_date"):
        add(fake, starting_date="2026-12-02", ending_date="2026-12-01")
    with pytest.raises(ValueError, match="page 7005"):
        fake.event("publish_web_service", service_name="Items", object_id=31)


def test_published_by_option() -> None:
    fake = make_fake(web_services={SERVICE: 7005})
    backend = fake.backend
    assert backend.published == {SERVICE: 7005}  # type: ignore[attr-defined]
