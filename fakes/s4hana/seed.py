"""Initial state from the shared dataset, through the seed profile, and the state snapshot.

- Materials: ``profile.item_code(sku)``; trading goods in pieces, list price = dataset price.
- Plants and storage locations: ``profile.locations[source]`` as ``"PLANT/SLOC"`` (default
  ``default`` -> ``1010/0001``, ``wh-north`` -> ``1010/0002``, ``wh-south`` -> ``1020/0001``);
  each material is extended to every plant and storage location; stock per source becomes
  unrestricted stock there.
- Customers: business partner ``profile.accounts[email]`` or ``"1000%04d" % id``, with an
  ``A_Customer`` and the sales area 1010/10/00 (EUR); the customer's e-mail is the default
  ``A_AddressEmailAddress`` of the partner's address (``SearchEmailAddress`` as SAP derives
  it: the first 20 characters, upper case).
"""

from __future__ import annotations

from datetime import datetime, time
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from fakes.core.dataset import Customer, Product
from fakes.s4hana import pricing_conditions, products, sd_returns

if TYPE_CHECKING:
    from fakes.s4hana.state import S4Backend

Record = dict[str, Any]
DEFAULT_LOCATIONS = {"default": "1010/0001", "wh-north": "1010/0002", "wh-south": "1020/0001"}
SALES_AREA = ("1010", "10", "00")
CURRENCY = "EUR"


def location_of(b: S4Backend, source: str) -> tuple[str, str]:
    code = b.ctx.profile.location(source) or DEFAULT_LOCATIONS.get(source, "1010/0001")
    plant, _, sloc = code.partition("/")
    return plant, sloc or "0001"


def populate(b: S4Backend) -> None:
    dataset = b.ctx.dataset
    created = dataset.created_at
    locations = {source: location_of(b, source) for source in dataset.sources}
    for product in dataset.products:
        _product(b, product, created, sorted(set(locations.values())))
    for (sku, source), qty in dataset.stock.items():
        material = b.ctx.profile.item_code(sku)
        plant, sloc = locations[source]
        current = products.quantity(b, material, plant, sloc)
        products.put_stock(b, material, plant, sloc, current + Decimal(qty))
    for customer in dataset.customers:
        _customer(b, customer, created)
    # Address numbers are unique system-wide (ADRC): new addresses continue after the seeded.
    b.counters["AddressID"] = max((c.id for c in dataset.customers), default=0)
    b.last_stamp = max(b.last_stamp, created)
    pricing_conditions.populate(b, _midnight(created))


def _midnight(moment: datetime) -> datetime:
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


def _product(
    b: S4Backend, product: Product, created: datetime, places: list[tuple[str, str]]
) -> None:
    material = b.ctx.profile.item_code(product.sku)
    b.tables[products.PRODUCT].put(
        {
            "Product": material,
            "ProductType": "HAWA",
            "BaseUnit": "PC",
            "ProductGroup": "L001",
            "Division": "00",
            "ItemCategoryGroup": "NORM",
            "GrossWeight": product.weight,
            "NetWeight": product.weight,
            "WeightUnit": "KG",
            "ProductStandardID": product.ean,
            "InternationalArticleNumberCat": "HE",
            "CreationDate": _midnight(created),
            "CreatedByUser": "DATA_MIGRATION",
            "ProductOldID": product.sku[:40],
        }
    )
    b.tables[products.DESCRIPTION].put(
        {"Product": material, "Language": "EN", "ProductDescription": product.name[:40]}
    )
    for plant in sorted({p for p, _ in places}):
        b.tables[products.PLANT].put(
            {
                "Product": material,
                "Plant": plant,
                "BaseUnit": "PC",
                "AvailabilityCheckType": "02",
                "ProfitCenter": "YB101",
                "MRPType": "PD",
            }
        )
    for plant, sloc in places:
        b.tables[products.SLOC].put({"Product": material, "Plant": plant, "StorageLocation": sloc})
    b.prices[material] = product.price


def _customer(b: S4Backend, customer: Customer, created: datetime) -> None:
    number = b.ctx.profile.accounts.get(customer.email) or f"1000{customer.id:04d}"
    name = customer.company[:40]
    b.tables["A_BusinessPartner"].put(
        {
            "BusinessPartner": number,
            "Customer": number,
            "BusinessPartnerCategory": "2",
            "BusinessPartnerFullName": name,
            "BusinessPartnerName": name,
            "OrganizationBPName1": name,
            "SearchTerm1": customer.lastname.upper()[:20],
            "BusinessPartnerGrouping": "BP02",
            "CorrespondenceLanguage": "EN",
            "Language": "EN",
            "CreationDate": _midnight(created),
            "CreationTime": time(9, 0, 0),
            "CreatedByUser": "DATA_MIGRATION",
        }
    )
    address_id = str(customer.id).rjust(5, "0")
    b.tables["A_BusinessPartnerAddress"].put(
        {
            "BusinessPartner": number,
            "AddressID": address_id,
            "FullName": f"{customer.firstname} {customer.lastname}"[:80],
            "StreetName": customer.street[:60],
            "CityName": customer.city[:40],
            "PostalCode": customer.postcode[:10],
            "Country": customer.country_id,
            "Language": "EN",
        }
    )
    b.tables["A_AddressEmailAddress"].put(
        {
            "AddressID": address_id,
            "Person": "",
            "OrdinalNumber": "1",
            "IsDefaultEmailAddress": True,
            "EmailAddress": customer.email,
            "SearchEmailAddress": customer.email.upper()[:20],
        }
    )
    b.tables["A_Customer"].put(
        {
            "Customer": number,
            "CustomerName": name,
            "CustomerFullName": name,
            "CustomerAccountGroup": "CUST",
            "CreationDate": _midnight(created),
            "CreatedByUser": "DATA_MIGRATION",
        }
    )
    org, channel, division = SALES_AREA
    b.tables["A_CustomerSalesArea"].put(
        {
            "Customer": number,
            "SalesOrganization": org,
            "DistributionChannel": channel,
            "Division": division,
            "Currency": CURRENCY,
            "CustomerPaymentTerms": "0001",
            "CustomerPricingProcedure": "01",
            "ShippingCondition": "01",
            "IncotermsClassification": "EXW",
            "IncotermsLocation1": customer.city[:70],
            "CustomerAccountAssignmentGroup": "01",
            "CustomerGroup": "01",
            "CustomerPriceGroup": {"Wholesale": "02", "Retailer": "03"}.get(customer.group, "01"),
        }
    )


# -- snapshot --------------------------------------------------------------------------------
def plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, datetime | time):
        return value.isoformat()
    return value


def _public(record: Record) -> Record:
    return {k: plain(v) for k, v in record.items() if not k.startswith("_")}


def snapshot(b: S4Backend) -> dict[str, Any]:
    return {
        "salesOrders": [_order(b, o) for o in b.rows("A_SalesOrder")],
        "deliveries": [
            _with_items(b, d, "A_OutbDeliveryItem", "DeliveryDocument")
            for d in b.rows("A_OutbDeliveryHeader")
        ],
        "billingDocuments": [
            _with_items(b, d, "A_BillingDocumentItem", "BillingDocument")
            for d in b.rows("A_BillingDocument")
        ],
        "creditMemoRequests": _documents(b, sd_returns.CREDIT_MEMO_REQUEST),
        "customerReturns": _documents(b, sd_returns.CUSTOMER_RETURN),
        "businessPartners": [_partner(b, p) for p in b.rows("A_BusinessPartner")],
        "stock": [
            {
                "material": r["Material"],
                "plant": r["Plant"],
                "storage_location": r["StorageLocation"],
                "quantity": plain(Decimal(r["MatlWrhsStkQtyInMatlBaseUnit"])),
            }
            for r in b.rows(products.STOCK)
        ],
    }


def _order(b: S4Backend, order: Record) -> Record:
    items = []
    for item in b.tables["A_SalesOrderItem"].where(SalesOrder=order["SalesOrder"]):
        extra = {
            "deliveredQuantity": plain(item["_delivered"]),
            "billedQuantity": plain(item["_billed"]),
        }
        items.append({**_public(item), **extra})
    return {**_public(order), "items": items}


def _with_items(b: S4Backend, header: Record, item_set: str, key: str) -> Record:
    items = [_public(i) for i in b.tables[item_set].where(**{key: header[key]})]
    return {**_public(header), "items": items}


def _documents(b: S4Backend, kind: sd_returns.Kind) -> list[Record]:
    return [
        {**_public(header), "items": [_public(i) for i in items]}
        for header, items in sd_returns.documents(b, kind)
    ]


def _partner(b: S4Backend, partner: Record) -> Record:
    customer = b.tables["A_Customer"].find(Customer=partner.get("Customer")) or {}
    areas = b.tables["A_CustomerSalesArea"].where(Customer=partner.get("Customer") or "")
    addresses = b.tables["A_BusinessPartnerAddress"].where(
        BusinessPartner=partner["BusinessPartner"]
    )
    ids = [a["AddressID"] for a in addresses]
    emails = [e for i in ids for e in b.tables["A_AddressEmailAddress"].where(AddressID=i)]
    phones = [p for i in ids for p in b.tables["A_AddressPhoneNumber"].where(AddressID=i)]
    return {
        **_public(partner),
        "customer": _public(customer) if customer else None,
        "salesAreas": [_public(a) for a in areas],
        "emails": [str(e.get("EmailAddress") or "") for e in emails],
        "phones": [str(p.get("PhoneNumber") or "") for p in phones],
        "creditLimit": plain(b.credit_limits.get(str(partner.get("Customer")))),
    }
