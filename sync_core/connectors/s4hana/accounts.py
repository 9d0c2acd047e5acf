"""SAP S/4HANA side of the account flow: business partners (API_BUSINESS_PARTNER) in the
customer role, gated by the customer's order block, with their credit limit from credit
management (API_CRDTMBUSINESSPARTNER).

* reference: ``BusinessPartnerIDByExtSystem`` (20 characters, an upper-case field) holds the
  Magento reference in upper case (``MAGE-COMPANY-7``); lookup by it, then by the e-mail of a
  partner address (``A_AddressEmailAddress`` by ``SearchEmailAddress``, as SAP derives it);
* create: one deep insert of the organisation (category 2) with its address, e-mail and
  telephone number and the customer with its sales area (``erp.options`` ``sales_organization``
  1010, ``distribution_channel`` 10, ``division`` 00, ``currency`` EUR). While the account
  awaits approval the customer carries the order block ``erp.options["approval_order_block"]``
  (default ``01``): SD refuses its sales orders until the credit controller removes it;
* hold: an order block on the customer, or a central block of the partner
  (``BusinessPartnerIsBlocked``), or a blocked credit account;
* credit limit: the credit account of the partner in ``erp.options["credit_segment"]``
  (default ``1000``); none when credit management has no account (or the service is not in
  the communication arrangement);
* contact updates PATCH the organisation name, the first address, its default e-mail and
  its telephone number (created when it has none).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sync_core.connectors.s4hana.client import (
    PARTNER,
    ROOT,
    CsrfRequired,
    S4Client,
    ServiceMissing,
    literal,
)
from sync_core.connectors.s4hana.connector import S4Connector
from sync_core.errors import MappingError, RemoteNotFound, SchemaDrift
from sync_core.flows.accounts_model import AccountDraft, ErpAccount

if TYPE_CHECKING:
    from sync_core.engine import Engine

CREDIT = f"{ROOT}/API_CRDTMBUSINESSPARTNER"
LIMITS = {"BusinessPartnerIDByExtSystem": 20, "OrganizationBPName1": 40, "StreetName": 60,
          "CityName": 40, "PostalCode": 10, "Country": 3, "EmailAddress": 241,
          "PhoneNumber": 30}  # fmt: skip


def _check(draft: AccountDraft, values: Mapping[str, Any]) -> None:
    for name, value in values.items():
        if name in LIMITS and len(str(value)) > LIMITS[name]:
            raise MappingError(draft.ref, name, f"is longer than {LIMITS[name]} characters")


def _key(entity_set: str, **keys: str) -> str:
    inner = ",".join(f"{k}={literal(v)}" for k, v in keys.items())
    return f"{entity_set}({inner})"


def address_body(draft: AccountDraft) -> dict[str, Any]:
    body = {
        "StreetName": ", ".join(draft.street),
        "CityName": draft.city,
        "PostalCode": draft.postcode,
        "Country": draft.country_id,
    }
    _check(draft, body)
    return body


class S4Accounts:
    system = "s4hana"

    def __init__(self, client: S4Client, options: Mapping[str, str] | None = None) -> None:
        self.client = client
        options = options or {}
        self.area = {
            "SalesOrganization": options.get("sales_organization", "1010"),
            "DistributionChannel": options.get("distribution_channel", "10"),
            "Division": options.get("division", "00"),
            "Currency": options.get("currency", "EUR"),
        }
        self.block = options.get("approval_order_block", "01")
        self.segment = options.get("credit_segment", "1000")

    # -- lookups -----------------------------------------------------------------------------
    def find(self, draft: AccountDraft) -> ErpAccount | None:
        rows = self.client.collection(
            f"{PARTNER}/A_BusinessPartner",
            {
                "$filter": f"BusinessPartnerIDByExtSystem eq {literal(draft.ref.upper())}",
                "$select": "BusinessPartner",
            },
        )
        numbers = sorted(str(r["BusinessPartner"]) for r in rows)
        if numbers:
            return self.read(numbers[0])
        found = self._by_email(draft.email)
        return self.read(found) if found else None

    def _by_email(self, email: str) -> str | None:
        wanted = email.strip().casefold()
        rows = self.client.collection(
            f"{PARTNER}/A_AddressEmailAddress",
            {
                "$filter": f"SearchEmailAddress eq {literal(email.upper()[:20])}",
                "$select": "AddressID,EmailAddress",
            },
        )
        for row in rows:
            if str(row.get("EmailAddress") or "").casefold() != wanted:
                continue
            partners = self.client.collection(
                f"{PARTNER}/A_BusinessPartnerAddress",
                {"$filter": f"AddressID eq {literal(str(row['AddressID']))}"},
            )
            for partner in partners:
                number = str(partner.get("BusinessPartner") or "")
                if number and self._is_customer(number):
                    return number
        return None

    def _is_customer(self, number: str) -> bool:
        partner = self.client.get(
            f"{PARTNER}/{_key('A_BusinessPartner', BusinessPartner=number)}",
            {"$select": "BusinessPartner,Customer"},
        )
        return bool(partner.get("Customer"))

    # -- create and read ---------------------------------------------------------------------
    def create(self, draft: AccountDraft, held: bool) -> ErpAccount:
        header = {
            "BusinessPartnerCategory": "2",
            "BusinessPartnerIDByExtSystem": draft.ref.upper(),
            "OrganizationBPName1": draft.name,
        }
        _check(draft, {**header, "EmailAddress": draft.email, "PhoneNumber": draft.phone})
        address: dict[str, Any] = {
            **address_body(draft),
            "to_EmailAddress": [{"EmailAddress": draft.email}],
        }
        if draft.phone:
            address["to_PhoneNumber"] = [{"PhoneNumber": draft.phone}]
        customer = {
            "OrderIsBlockedForCustomer": self.block if held else "",
            "to_CustomerSalesArea": [self.area],
        }
        body = {**header, "to_BusinessPartnerAddress": [address], "to_Customer": customer}
        response = self.client.create(f"{PARTNER}/A_BusinessPartner", body)
        created = (self.client.http.json(response) or {}).get("d") or {}
        number = str(created.get("BusinessPartner") or "")
        if not number:
            raise SchemaDrift(f"{draft.ref}: s4hana answered 201 without BusinessPartner")
        return self.read(number)

    def read(self, remote_id: str) -> ErpAccount:
        partner = self.client.get(
            f"{PARTNER}/{_key('A_BusinessPartner', BusinessPartner=remote_id)}",
            {"$expand": "to_Customer"},
        )
        customer = partner.get("to_Customer") or {}
        limit, credit_blocked = self._credit(remote_id)
        return ErpAccount(
            id=remote_id,
            number=remote_id,
            on_hold=bool(
                customer.get("OrderIsBlockedForCustomer")
                or partner.get("BusinessPartnerIsBlocked")
                or credit_blocked
            ),
            credit_limit=limit,
        )

    def _credit(self, partner: str) -> tuple[Decimal | None, bool]:
        try:
            rows = list(
                self.client.collection(
                    f"{CREDIT}/A_CreditManagementAccount",
                    {
                        "$filter": f"BusinessPartner eq {literal(partner)} and "
                        f"CreditSegment eq {literal(self.segment)}",
                    },
                )
            )
        except ServiceMissing:
            return None, False
        if not rows:
            return None, False
        row = rows[0]
        amount = row.get("CustomerCreditLimitAmount")
        limit = None if amount in (None, "") else Decimal(str(amount))
        return limit, bool(row.get("CreditAccountIsBlocked"))

    # -- contact -----------------------------------------------------------------------------
    def update_contact(self, remote_id: str, draft: AccountDraft) -> None:
        _check(draft, {"OrganizationBPName1": draft.name, "PhoneNumber": draft.phone})
        partner_path = f"{PARTNER}/{_key('A_BusinessPartner', BusinessPartner=remote_id)}"
        self._patch(partner_path, {"OrganizationBPName1": draft.name})
        addresses = list(
            self.client.collection(
                f"{PARTNER}/A_BusinessPartnerAddress",
                {"$filter": f"BusinessPartner eq {literal(remote_id)}", "$select": "AddressID"},
            )
        )
        if not addresses:
            raise RemoteNotFound(f"s4hana business partner {remote_id} has no address")
        address_id = str(addresses[0]["AddressID"])
        address = _key("A_BusinessPartnerAddress", BusinessPartner=remote_id, AddressID=address_id)
        self._patch(f"{PARTNER}/{address}", address_body(draft))
        self._communication(address, "to_EmailAddress", "A_AddressEmailAddress",
                            {"EmailAddress": draft.email})  # fmt: skip
        if draft.phone:
            self._communication(address, "to_PhoneNumber", "A_AddressPhoneNumber",
                                {"PhoneNumber": draft.phone})  # fmt: skip

    def _communication(
        self, address: str, nav: str, entity_set: str, values: dict[str, str]
    ) -> None:
        """Update the address's first e-mail or telephone number, or add one."""
        rows = list(self.client.collection(f"{PARTNER}/{address}/{nav}"))
        if not rows:
            self.client.create(f"{PARTNER}/{address}/{nav}", values)
            return
        row = rows[0]
        key = _key(
            entity_set,
            AddressID=str(row["AddressID"]),
            Person=str(row.get("Person") or ""),
            OrdinalNumber=str(row["OrdinalNumber"]),
        )
        self._patch(f"{PARTNER}/{key}", values)

    def _patch(self, path: str, body: dict[str, Any]) -> None:
        """PATCH; a refused CSRF token is fetched again and the PATCH repeated once (SAP
        refuses it before processing it)."""
        for attempt in (1, 2):
            headers = {"x-csrf-token": self.client.csrf_token(), "Content-Type": "application/json"}
            try:
                self.client.http.request("PATCH", path, json=body, headers=headers)
                return
            except CsrfRequired:
                if attempt == 2:
                    raise
                self.client.forget_session()


def build(engine: Engine) -> S4Accounts | None:
    erp = engine.erp
    if not isinstance(erp, S4Connector):
        return None
    return S4Accounts(erp.client, engine.config.erp.options)
