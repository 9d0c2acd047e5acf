"""SAP's own OData client, pyodata, unchanged against the fake (in-process and served)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from typing import Any

import pyodata
import pytest
import requests
from pyodata.exceptions import HttpError
from pyodata.vendor.SAP import BusinessGatewayError

from fakes.core.bridge import FakeFleet
from fakes.core.fake import Fake, create_fake
from fakes.core.server import serve
from tests.fakes.s4hana.conftest import CUSTOMER, DELIVERY, MATERIAL, OTHER, SO, order_body

HEADER = {k: v for k, v in order_body().items() if k != "to_Item"}


def client_for(fake: Fake, url: str) -> pyodata.Client:
    """pyodata's documented recipe: a requests session with auth and a fetched CSRF token."""
    session = requests.Session()
    creds = fake.credentials()
    session.auth = (creds["username"], creds["password"])
    token = session.head(url, headers={"x-csrf-token": "fetch"}, timeout=5)
    session.headers.update({"x-csrf-token": token.headers["x-csrf-token"]})
    return pyodata.Client(url, session)


@pytest.fixture
def odata(fake: Fake, fleet: FakeFleet) -> pyodata.Client:
    return client_for(fake, SO)


def _create(odata: pyodata.Client, **header: object) -> Any:
    request = odata.entity_sets.A_SalesOrder.create_entity()
    request.set(
        **{
            **HEADER,
            **header,
            "to_Item": [
                {"Material": MATERIAL, "RequestedQuantity": "2"},
                {"Material": OTHER, "RequestedQuantity": "3"},
            ],
        }
    )
    return request.execute()


def test_deep_insert_and_read_back_with_expand(odata: pyodata.Client) -> None:
    created = _create(odata)
    assert created.SalesOrder == "1"
    assert [i.SalesOrderItem for i in created.to_Item] == ["10", "20"]
    assert created.etag.startswith("W/\"datetimeoffset'")
    read = odata.entity_sets.A_SalesOrder.get_entity("1").expand("to_Item").execute()
    assert read.etag == created.etag
    assert isinstance(read.CreationDate, datetime)
    assert read.SoldToParty == CUSTOMER
    assert Decimal(read.TotalNetAmount) == sum(Decimal(i.NetAmount) for i in read.to_Item)
    assert [(i.Material, i.RequestedQuantity) for i in read.to_Item] == [
        (MATERIAL, "2"),
        (OTHER, "3"),
    ]


def test_filtered_and_counted_lists(odata: pyodata.Client) -> None:
    _create(odata, PurchaseOrderByCustomer="A")
    _create(odata, PurchaseOrderByCustomer="B")
    _create(odata, PurchaseOrderByCustomer="A")
    orders = odata.entity_sets.A_SalesOrder
    found = (
        orders.get_entities()
        .filter(f"SoldToParty eq '{CUSTOMER}' and PurchaseOrderByCustomer eq 'A'")
        .count(inline=True)
        .execute()
    )
    assert found.total_count == 2 and [o.SalesOrder for o in found] == ["1", "3"]
    assert orders.get_entities().count().execute() == 3
    chained = orders.get_entities().filter(PurchaseOrderByCustomer__startswith="B").execute()
    assert [o.SalesOrder for o in chained] == ["2"]
    ranged = orders.get_entities().filter(SalesOrder__in=["1", "2"]).order_by("SalesOrder desc")
    assert [o.SalesOrder for o in ranged.execute()] == ["2", "1"]
    items = orders.get_entity("1").nav("to_Item").get_entities().execute()
    assert [i.SalesOrderItem for i in items] == ["10", "20"]


def test_update_and_delete(odata: pyodata.Client) -> None:
    _create(odata)
    orders = odata.entity_sets.A_SalesOrder
    orders.update_entity("1").set(PurchaseOrderByCustomer="CHANGED").execute()
    assert orders.get_entity("1").execute().PurchaseOrderByCustomer == "CHANGED"
    item = odata.entity_sets.A_SalesOrderItem
    item.update_entity(SalesOrder="1", SalesOrderItem="20").set(RequestedQuantity="7").execute()
    assert item.get_entity(SalesOrder="1", SalesOrderItem="20").execute().RequestedQuantity == "7"
    orders.delete_entity("1").execute()
    with pytest.raises(HttpError) as raised:
        orders.get_entity("1").execute()
    assert raised.value.response.status_code == 404


def test_business_errors_reach_pyodata(odata: pyodata.Client) -> None:
    request = odata.entity_sets.A_SalesOrder.create_entity()
    request.set(**{**HEADER, "SoldToParty": "99999999"})
    with pytest.raises(HttpError) as raised:
        request.execute()
    error = BusinessGatewayError("", raised.value.response)
    assert "99999999" in str(error) and error.errordetails


def test_batch_changeset_commits_together(fake: Fake, odata: pyodata.Client) -> None:
    _create(odata)
    batch = odata.create_batch()
    changeset = odata.create_changeset()
    changeset.add_request(
        odata.entity_sets.A_SalesOrder.update_entity("1").set(PurchaseOrderByCustomer="BATCH")
    )
    changeset.add_request(
        odata.entity_sets.A_SalesOrderItem.update_entity(SalesOrder="1", SalesOrderItem="10").set(
            RequestedQuantity="9"
        )
    )
    batch.add_request(changeset)
    batch.add_request(odata.entity_sets.A_SalesOrder.get_entity("1"))
    updates, read = batch.execute()
    assert updates == [None, None]
    assert read.PurchaseOrderByCustomer == "BATCH"
    assert fake.state()["salesOrders"][0]["items"][0]["RequestedQuantity"] == "9"


def test_failed_changeset_is_rolled_back(fake: Fake, odata: pyodata.Client) -> None:
    _create(odata)
    batch = odata.create_batch()
    changeset = odata.create_changeset()
    changeset.add_request(
        odata.entity_sets.A_SalesOrder.update_entity("1").set(PurchaseOrderByCustomer="LOST")
    )
    changeset.add_request(
        odata.entity_sets.A_SalesOrder.update_entity("1").set(SalesOrganization="1710")
    )
    batch.add_request(changeset)
    with pytest.raises(HttpError) as raised:
        batch.execute()
    assert raised.value.response.status_code == 400
    assert fake.state()["salesOrders"][0]["PurchaseOrderByCustomer"] == "MAGENTO-100000001"


@pytest.fixture
def served() -> Iterator[tuple[Fake, str]]:
    fake = create_fake("s4hana", seed=1, options={"page_size": 5})
    with serve({"s4hana": fake}) as servers:
        yield fake, servers.served["s4hana"].base_url


def test_pyodata_over_real_http(served: tuple[Fake, str]) -> None:
    fake, base = served
    first = client_for(fake, f"{base}/sap/opu/odata/sap/API_SALES_ORDER_SRV")
    second = client_for(fake, f"{base}/sap/opu/odata/sap/API_SALES_ORDER_SRV")
    assert first.connection.headers["x-csrf-token"] != second.connection.headers["x-csrf-token"]
    assert [_create(c).SalesOrder for c in (first, second, first)] == ["1", "2", "3"]
    products = client_for(fake, f"{base}/sap/opu/odata/sap/API_PRODUCT_SRV")
    page = products.entity_sets.A_Product.get_entities().select("Product").execute()
    assert len(page) == 5 and page.next_url.startswith(f"{base}/sap/opu/odata/sap/API_PRODUCT_SRV/")
    following = products.entity_sets.A_Product.get_entities().next_url(page.next_url).execute()
    assert [p.Product for p in following] == [f"SKU-{i:06d}" for i in range(6, 11)]


def test_post_goods_issue_function_import(fake: Fake, fleet: FakeFleet) -> None:
    http = client_for(fake, SO).connection
    http.headers["Accept"] = "application/json"
    number = _create(client_for(fake, SO)).SalesOrder
    delivery = http.post(
        f"{DELIVERY}/A_OutbDeliveryHeader",
        json={
            "to_DeliveryDocumentItem": [
                {"ReferenceSDDocument": number, "ReferenceSDDocumentItem": "10"}
            ]
        },
    ).json()["d"]["DeliveryDocument"]
    request = client_for(fake, DELIVERY).functions.PostGoodsIssue.parameter(
        "DeliveryDocument", delivery
    )
    # pyodata 1.12 cannot map SAP's Collection(PickingReport) result to an entity set and
    # raises KeyError after the call; the goods issue itself has gone through.
    with contextlib.suppress(KeyError):
        request.execute()
    assert fake.state()["deliveries"][0]["OverallGoodsMovementStatus"] == "C"
