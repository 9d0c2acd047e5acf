"""Business partners and customers (API_BUSINESS_PARTNER): lookups for sales, blocks, creation.

Blocks follow SD: an *order block* (``OrderIsBlockedForCustomer`` on the customer or the
sales area) stops new sales orders; a *delivery block* and a *billing block* are copied into
the order header (``DeliveryBlockReason``, ``HeaderBillingBlockReason``).

Credit limits (event ``set_credit_limit``) are kept in credit management: the credit account
of the partner in credit segment ``1000`` (API_CRDTMBUSINESSPARTNER ``A_CreditManagementAccount``),
which the sales order credit check reads. Addresses are created with their e-mail addresses and
telephone numbers (deep insert ``to_EmailAddress``, ``to_PhoneNumber``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from fakes.s4hana.errors import business
from fakes.s4hana.odata.payload import EntityInput

if TYPE_CHECKING:
    from fakes.s4hana.state import S4Backend, Written

Record = dict[str, Any]
BP, ADDRESS, CUSTOMER, AREA = (
    "A_BusinessPartner",
    "A_BusinessPartnerAddress",
    "A_Customer",
    "A_CustomerSalesArea",
)
EMAIL, PHONE = "A_AddressEmailAddress", "A_AddressPhoneNumber"
CREDIT_ACCOUNT, CREDIT_SEGMENT = "A_CreditManagementAccount", "1000"
BLOCK_FIELDS = {
    "order": ("OrderIsBlockedForCustomer", "OrderIsBlockedForCustomer"),
    "delivery": ("DeliveryIsBlocked", "DeliveryIsBlockedForCustomer"),
    "billing": ("BillingIsBlockedForCustomer", "BillingIsBlockedForCustomer"),
}
DEFAULT_BLOCK = "01"


def customer_or_error(b: S4Backend, customer: str) -> Record:
    record = b.tables[CUSTOMER].find(Customer=customer)
    if record is None:
        raise business("sold_to_missing", f"Sold-to party {customer} does not exist", "SoldToParty")
    return record


def order_block(b: S4Backend, customer: Record, area: Record) -> str:
    return str(
        area.get("OrderIsBlockedForCustomer") or customer.get("OrderIsBlockedForCustomer") or ""
    )


def sales_area_for_order(b: S4Backend, values: dict[str, Any]) -> Record:
    """The sold-to party's sales area for the order's organisation; SAP errors otherwise."""
    sold_to = str(values.get("SoldToParty") or "")
    customer = customer_or_error(b, sold_to)
    partner = b.tables[BP].find(BusinessPartner=sold_to) or {}
    if partner.get("BusinessPartnerIsBlocked") or customer.get("DeletionIndicator"):
        raise business(
            "order_blocked", f"Sold-to party {sold_to} is blocked centrally", "SoldToParty"
        )
    org, channel, division = (
        values.get(k) for k in ("SalesOrganization", "DistributionChannel", "OrganizationDivision")
    )
    area = b.tables[AREA].find(
        Customer=sold_to, SalesOrganization=org, DistributionChannel=channel, Division=division
    )
    if area is None:
        raise business(
            "no_sales_area",
            f"Sold-to party {sold_to} is not defined for sales area {org} {channel} {division}",
            "SoldToParty",
        )
    block = order_block(b, customer, area)
    if block and b.options.order_block_policy != "hold":
        raise business(
            "order_blocked",
            f"Sold-to party {sold_to} is blocked for sales orders (order block {block})",
            "SoldToParty",
        )
    return area


def copied_blocks(b: S4Backend, area: Record, order: Record) -> dict[str, str]:
    """Header blocks an order inherits from its sold-to party (and, on hold, its order block)."""
    customer = b.tables[CUSTOMER].find(Customer=area["Customer"]) or {}
    delivery = (
        order.get("DeliveryBlockReason")
        or area.get("DeliveryIsBlockedForCustomer")
        or customer.get("DeliveryIsBlocked")
        or ""
    )
    if not delivery and b.options.order_block_policy == "hold":
        delivery = order_block(b, customer, area)
    billing = (
        order.get("HeaderBillingBlockReason")
        or area.get("BillingIsBlockedForCustomer")
        or customer.get("BillingIsBlockedForCustomer")
        or ""
    )
    return {"DeliveryBlockReason": delivery, "HeaderBillingBlockReason": billing}


def block(b: S4Backend, customer: str, blocked: bool, kind: str) -> dict[str, Any]:
    """Event ``block_customer``: set (``01``) or clear a block on the customer and its areas."""
    if kind not in BLOCK_FIELDS:
        raise ValueError(f"kind must be one of {sorted(BLOCK_FIELDS)}")
    record = customer_or_error(b, customer)
    central, per_area = BLOCK_FIELDS[kind]
    value = DEFAULT_BLOCK if blocked else ""
    record[central] = value
    areas = b.tables[AREA].where(Customer=customer)
    for area in areas:
        area[per_area] = value
    return {"customer": customer, "kind": kind, "block": value, "sales_areas": len(areas)}


def set_credit_limit(b: S4Backend, customer: str, limit: str | float | None) -> dict[str, Any]:
    """Event ``set_credit_limit``: credit management sets (or, with None, removes) a limit."""
    customer_or_error(b, customer)
    table = b.tables[CREDIT_ACCOUNT]
    if limit is None:
        b.credit_limits.pop(customer, None)
        table.delete((customer, CREDIT_SEGMENT))
    else:
        b.credit_limits[customer] = Decimal(str(limit))
        account = table.find(BusinessPartner=customer, CreditSegment=CREDIT_SEGMENT) or {
            "BusinessPartner": customer,
            "CreditSegment": CREDIT_SEGMENT,
            "CreditSegmentCurrency": "EUR",
            "CreditAccountIsBlocked": False,
            "CreditAccountBlockReason": "",
            "BusinessPartnerIsCritical": False,
        }
        account["CustomerCreditLimitAmount"] = b.credit_limits[customer]
        account["CreditLimitLastChangeDate"] = b.today()
        table.put(account)
    return {"customer": customer, "limit": None if limit is None else str(limit)}


# -- creation --------------------------------------------------------------------------------
def create_partner(b: S4Backend, entity: EntityInput, user: str) -> Written:
    values = entity.values
    number = values.get("BusinessPartner") or _free_number(b)
    if b.tables[BP].find(BusinessPartner=number) is not None:
        raise business("required", f"Business partner {number} already exists", "BusinessPartner")
    category = values.get("BusinessPartnerCategory") or "2"
    if category not in ("1", "2", "3"):
        raise business(
            "required",
            f"Business partner category {category} is not valid",
            "BusinessPartnerCategory",
        )
    partner = {
        **b.creatable(BP, values),
        "BusinessPartner": number,
        "BusinessPartnerCategory": category,
        **_stamps(b, user),
    }
    partner.update(_names(partner))
    b.tables[BP].put(partner)
    for address in entity.children.get("to_BusinessPartnerAddress", []):
        address.values["BusinessPartner"] = number
        create_address(b, address, user)
    for customer in entity.children.get("to_Customer", []):
        _create_customer(b, partner, customer, user)
    return b.written(BP, partner, [])


def _free_number(b: S4Backend) -> str:
    while True:
        candidate = f"1100{int(b.next_number('BusinessPartner')):04d}"
        if b.tables[BP].find(BusinessPartner=candidate) is None:
            return candidate


def _stamps(b: S4Backend, user: str) -> dict[str, Any]:
    now = b.now()
    return {
        "CreatedByUser": user.upper(),
        "CreationDate": b.today(),
        "CreationTime": now.time().replace(microsecond=0, tzinfo=None),
    }


def _names(partner: Record) -> dict[str, str]:
    if partner["BusinessPartnerCategory"] == "1":
        name = " ".join(filter(None, (partner.get("FirstName"), partner.get("LastName"))))
    else:
        name = " ".join(filter(None, (partner.get(f"OrganizationBPName{i}") for i in (1, 2))))
    return {"BusinessPartnerFullName": name, "BusinessPartnerName": name}


def _create_customer(b: S4Backend, partner: Record, entity: EntityInput, user: str) -> None:
    number = partner["BusinessPartner"]
    name = partner["BusinessPartnerFullName"]
    customer = {
        **b.creatable(CUSTOMER, entity.values),
        "Customer": number,
        "CustomerName": name,
        "CustomerFullName": name,
        "CreatedByUser": user.upper(),
        "CreationDate": b.today(),
    }
    b.tables[CUSTOMER].put(customer)
    partner["Customer"] = number
    for area in entity.children.get("to_CustomerSalesArea", []):
        area.values["Customer"] = number
        create_sales_area(b, area, user)


def create_address(b: S4Backend, entity: EntityInput, user: str) -> Written:
    number = entity.values.get("BusinessPartner", "")
    if b.tables[BP].find(BusinessPartner=number) is None:
        raise business(
            "sold_to_missing", f"Business partner {number} does not exist", "BusinessPartner"
        )
    address = {
        **b.creatable(ADDRESS, entity.values),
        "BusinessPartner": number,
        "AddressID": b.next_number("AddressID").rjust(5, "0"),
    }
    b.tables[ADDRESS].put(address)
    for nav, creator in (("to_EmailAddress", create_email), ("to_PhoneNumber", create_phone)):
        for child in entity.children.get(nav, []):
            child.values["AddressID"] = address["AddressID"]
            creator(b, child, user)
    return b.written(ADDRESS, address, [])


def _address_or_error(b: S4Backend, address_id: str) -> None:
    if not b.tables[ADDRESS].where(AddressID=address_id):
        raise business("sold_to_missing", f"Address {address_id} does not exist", "AddressID")


def _ordinal(b: S4Backend, table: str, address_id: str) -> str:
    taken = [int(r["OrdinalNumber"]) for r in b.tables[table].where(AddressID=address_id)]
    return str(max(taken, default=0) + 1)


def search_email(email: str) -> str:
    """``SearchEmailAddress`` as SAP derives it: the first 20 characters, upper case."""
    return email.upper()[:20]


def create_email(b: S4Backend, entity: EntityInput, user: str) -> Written:
    """An e-mail address of a partner address (the first one becomes the default)."""
    address_id = str(entity.values.get("AddressID") or "")
    _address_or_error(b, address_id)
    email = str(entity.values.get("EmailAddress") or "")
    first = not b.tables[EMAIL].where(AddressID=address_id)
    row = {
        "IsDefaultEmailAddress": first,
        **b.creatable(EMAIL, entity.values),
        "AddressID": address_id,
        "Person": "",
        "OrdinalNumber": _ordinal(b, EMAIL, address_id),
        "SearchEmailAddress": search_email(email),
    }
    return b.written(EMAIL, b.tables[EMAIL].put(row), [])


def update_email(b: S4Backend, row: Record, entity: EntityInput, user: str) -> Written:
    row.update(b.updatable(EMAIL, entity.values))
    row["SearchEmailAddress"] = search_email(str(row.get("EmailAddress") or ""))
    return b.written(EMAIL, row, [])


def create_phone(b: S4Backend, entity: EntityInput, user: str) -> Written:
    """A telephone number of a partner address (the first one becomes the default)."""
    address_id = str(entity.values.get("AddressID") or "")
    _address_or_error(b, address_id)
    first = not b.tables[PHONE].where(AddressID=address_id)
    row = {
        "IsDefaultPhoneNumber": first,
        "PhoneNumberType": "1",
        **b.creatable(PHONE, entity.values),
        "AddressID": address_id,
        "Person": "",
        "OrdinalNumber": _ordinal(b, PHONE, address_id),
    }
    row["InternationalPhoneNumber"] = str(row.get("PhoneNumber") or "")
    return b.written(PHONE, b.tables[PHONE].put(row), [])


def update_phone(b: S4Backend, row: Record, entity: EntityInput, user: str) -> Written:
    row.update(b.updatable(PHONE, entity.values))
    row["InternationalPhoneNumber"] = str(row.get("PhoneNumber") or "")
    return b.written(PHONE, row, [])


def delete_address(b: S4Backend, record: Record) -> None:
    table = b.tables[ADDRESS]
    table.delete(table.key_of(record))


def create_sales_area(b: S4Backend, entity: EntityInput, user: str) -> Written:
    values = entity.values
    customer_or_error(b, values.get("Customer", ""))
    keys = ("Customer", "SalesOrganization", "DistributionChannel", "Division")
    if not all(values.get(k) for k in keys):
        raise business(
            "required",
            "Enter Customer, SalesOrganization, DistributionChannel and Division",
            "SalesOrganization",
        )
    if b.tables[AREA].find(**{k: values[k] for k in keys}) is not None:
        raise business(
            "required",
            f"Customer {values['Customer']} already exists in sales area "
            f"{values['SalesOrganization']} {values['DistributionChannel']} "
            f"{values['Division']}",
        )
    area = {"Currency": "EUR", **b.creatable(AREA, values)}
    return b.written(AREA, b.tables[AREA].put(area), [])
