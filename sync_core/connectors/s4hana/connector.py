"""SAP S/4HANA as an order sink and a stock source for the flows.

Orders are sales orders of API_SALES_ORDER_SRV, created by deep insert (``A_SalesOrder`` with
``to_Item``). SAP has no idempotent create: posting twice makes two orders. The Magento
reference goes into ``PurchaseOrderByCustomer`` (Edm.String, MaxLength 35 in the EDMX) and the
order is looked up by ``$filter=PurchaseOrderByCustomer eq '<ref>'`` before it is created.
The reference is the store-namespaced ``mage-<store>-<increment>`` whenever it fits in 35
characters (``mage-default-000000001`` has 22); a longer one is replaced by the compact
deterministic form of :func:`customer_reference`.

Sold-to party: ``mapping.accounts[email]``, else the business partner whose address has the
order's e-mail (API_BUSINESS_PARTNER: ``A_AddressEmailAddress`` -> ``A_BusinessPartnerAddress``
-> ``A_BusinessPartner.Customer``), else ``mapping.default_customer``, else the order is held
with a :class:`MappingError` naming the order (FM-S02).

Sales area and order type are fixed per connector (:class:`SalesArea`, default OR in
1010/10/00); the engine's profile has no place for them yet. Items: ``Material`` is
``mapping.item_code(sku)`` (checked against API_PRODUCT_SRV), the plant and storage location
those of the Magento ``default`` source in ``mapping.locations`` (``"PLANT/SLOC"``).
Prices and the ship-to address are left to SAP (pricing, partner determination).

Reconciliation reads: :meth:`S4Connector.order_refs` (every customer reference, paged) and
:meth:`S4Connector.order_states` (an order whose items are all rejected is ``cancelled``).

Stock: unrestricted-use own stock from API_MATERIAL_STOCK_SRV ``A_MatlStkInAcctMod``, summed
over batches per material x ``"PLANT/SLOC"``. That entity has no change timestamp, so the
version of a quantity is the ISO 8601 server time (the answer's ``Date``) of the read at which
this connector first saw it; a digest of the row detects the change. Unchanged quantities keep
their version, and a later read never carries an older one (the time never goes backwards,
even if the server's does). A restarted connector versions every quantity anew at its first
read, so the flow writes each one once more.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from sync_core.config import ConfigError, MappingConfig
from sync_core.connectors.base import ErpStockRow
from sync_core.connectors.pricing import Variances, price_policy
from sync_core.connectors.s4hana import pricing
from sync_core.connectors.s4hana.client import (
    PARTNER,
    PRODUCT,
    SALES,
    STOCK,
    S4Client,
    ServiceMissing,
    key_path,
    literal,
)
from sync_core.contract import number
from sync_core.errors import (
    BusinessHold,
    InvalidData,
    MappingError,
    PermanentError,
    RemoteNotFound,
    SchemaDrift,
    UnknownOutcome,
)
from sync_core.model import Order, RemoteRef

if TYPE_CHECKING:
    from sync_core.fulfilment_model import Shipment

log = logging.getLogger("sync_core.connectors.s4hana")

REFERENCE_LENGTH = 35
UNRESTRICTED = "01"
DEFAULT_SOURCE = "default"
REJECTED = "C"  # OverallSDDocumentRejectionSts: every item rejected
STATE_CHUNK = 20  # references per $filter, to keep URLs short


@dataclass(frozen=True)
class SalesArea:
    """Where web orders are booked (the profile does not carry these yet)."""

    order_type: str = "OR"
    organization: str = "1010"
    channel: str = "10"
    division: str = "00"


def customer_reference(external_ref: str) -> str:
    """``PurchaseOrderByCustomer`` for an order: its external reference when that fits in
    35 characters, else ``m-<10 hex of blake2b(external_ref)>-<its last 22 characters>``
    (35 exactly): the same for the same order on every run and every worker, readable by
    its end (the increment id), and distinct for references that differ anywhere."""
    if len(external_ref) <= REFERENCE_LENGTH:
        return external_ref
    digest = hashlib.blake2b(external_ref.encode("utf-8"), digest_size=5).hexdigest()
    head = f"m-{digest}-"
    return head + external_ref[-(REFERENCE_LENGTH - len(head)) :]


def split_location(location: str) -> tuple[str, str]:
    """``"1010/0001"`` -> (plant, storage location); a bare plant has no storage location."""
    plant, _, sloc = location.partition("/")
    if not plant or len(plant) > 4 or len(sloc) > 4 or "/" in sloc:
        raise ConfigError(f"mapping.locations: {location!r} is not PLANT/SLOC for S/4HANA")
    return plant, sloc


def join_location(plant: str, sloc: str) -> str:
    return f"{plant}/{sloc}" if sloc else plant


class References:
    """Customer references as read from SAP; membership is asked by external reference."""

    def __init__(self, values: Iterable[str]) -> None:
        self.values = frozenset(values)

    def __contains__(self, external_ref: object) -> bool:
        return isinstance(external_ref, str) and customer_reference(external_ref) in self.values

    def __len__(self) -> int:
        return len(self.values)


def _location(row: dict[str, Any]) -> str:
    return join_location(str(row.get("Plant") or ""), str(row.get("StorageLocation") or ""))


def _quantity(value: Any) -> Decimal:
    try:
        return Decimal(str(value if value not in (None, "") else 0))
    except InvalidOperation as exc:
        raise SchemaDrift(f"s4hana stock quantity {value!r} is not a number") from exc


class S4Connector:
    system = "s4hana"

    def __init__(
        self,
        client: S4Client,
        mapping: MappingConfig,
        sales_area: SalesArea | None = None,
        options: dict[str, str] | None = None,
    ) -> None:
        self.client = client
        self.mapping = mapping
        self.sales_area = sales_area or SalesArea()
        for location in mapping.locations.values():
            split_location(location)  # refuse a malformed mapping at start
        self._customers: dict[str, str] = {}
        self._materials: set[str] = set()
        self._email_lookup = True
        self._product_check = True
        self._versions: dict[tuple[str, str], tuple[str, str]] = {}
        self._as_of: datetime | None = None
        self.price_policy = price_policy(dict(options or {}))  # FM-S03, see .pricing
        self.variances = Variances(self.system)

    # -- customers --------------------------------------------------------------------------
    def sold_to(self, order: Order) -> str:
        email = order.customer_email.strip().lower()
        if email not in self._customers:
            found = self._account(email) or self._by_email(order, email)
            found = found or self.mapping.default_customer
            if not found:
                raise MappingError(
                    f"order {order.increment_id}",
                    "customer_email",
                    f"{email!r} has no S/4HANA business partner (no account mapping, no "
                    "partner with this e-mail) and no default customer is set",
                )
            self._customers[email] = found
        return self._customers[email]

    def _account(self, email: str) -> str | None:
        for key, account in self.mapping.accounts.items():
            if key.strip().lower() == email:
                return account
        return None

    def _by_email(self, order: Order, email: str) -> str | None:
        """The customer of the one business partner whose address has this e-mail."""
        if not self._email_lookup or not email:
            return None
        try:
            addresses = self.client.collection(
                f"{PARTNER}/A_AddressEmailAddress",
                {
                    "$filter": f"SearchEmailAddress eq {literal(email.upper()[:20])}",
                    "$select": "AddressID,EmailAddress",
                },
            )
            ids = sorted(
                {
                    str(a["AddressID"])
                    for a in addresses
                    if str(a.get("EmailAddress") or "").strip().lower() == email
                }
            )
            partners = sorted({bp for address_id in ids for bp in self._partners_of(address_id)})
        except (RemoteNotFound, ServiceMissing):  # e-mails are not exposed to this user
            log.warning("s4hana: A_AddressEmailAddress is not available; no e-mail lookup")
            self._email_lookup = False
            return None
        if len(partners) > 1:
            raise MappingError(
                f"order {order.increment_id}",
                "customer_email",
                f"{email!r} belongs to several business partners {partners}; map it in "
                "mapping.accounts",
            )
        return self._customer_of(order, partners[0]) if partners else None

    def _partners_of(self, address_id: str) -> set[str]:
        rows = self.client.collection(
            f"{PARTNER}/A_BusinessPartnerAddress",
            {"$filter": f"AddressID eq {literal(address_id)}", "$select": "BusinessPartner"},
        )
        return {str(r["BusinessPartner"]) for r in rows if r.get("BusinessPartner")}

    def _customer_of(self, order: Order, partner: str) -> str:
        record = self.client.get(
            f"{PARTNER}/{key_path('A_BusinessPartner', partner)}",
            {"$select": "BusinessPartner,Customer"},
        )
        customer = str(record.get("Customer") or "")
        if not customer:
            raise MappingError(
                f"order {order.increment_id}",
                "customer_email",
                f"business partner {partner} of {order.customer_email!r} is not a customer",
            )
        return customer

    # -- materials --------------------------------------------------------------------------
    def material(self, order: Order, index: int, sku: str) -> str:
        code = self.mapping.item_code(sku)
        if code in self._materials or not self._product_check:
            return code
        try:
            self.client.get(f"{PRODUCT}/{key_path('A_Product', code)}", {"$select": "Product"})
        except ServiceMissing:
            log.warning("s4hana: API_PRODUCT_SRV is not available; SAP checks materials")
            self._product_check = False
            return code
        except RemoteNotFound:
            raise MappingError(
                f"order {order.increment_id}",
                f"lines[{index}].sku",
                f"{sku!r} has no S/4HANA material {code!r}",
            ) from None
        self._materials.add(code)
        return code

    # -- orders -----------------------------------------------------------------------------
    def find_order(self, external_ref: str) -> RemoteRef | None:
        reference = customer_reference(external_ref)
        rows = self.client.collection(
            f"{SALES}/A_SalesOrder",
            {
                "$filter": f"PurchaseOrderByCustomer eq {literal(reference)}",
                "$select": "SalesOrder,PurchaseOrderByCustomer",
            },
        )
        numbers = sorted(
            (str(r["SalesOrder"]) for r in rows if r.get("PurchaseOrderByCustomer") == reference),
            key=lambda n: (len(n), n),
        )
        if not numbers:
            return None
        return RemoteRef(system=self.system, remote_id=numbers[0], display=numbers[0])

    def order_refs(self) -> References:
        """Every sales order's customer reference, in one paged read; ``ref in`` the result
        answers for an external reference (long ones through :func:`customer_reference`)."""
        rows = self.client.collection(
            f"{SALES}/A_SalesOrder",
            {"$filter": "PurchaseOrderByCustomer ne ''", "$select": "PurchaseOrderByCustomer"},
        )
        return References(str(r["PurchaseOrderByCustomer"]) for r in rows)

    def order_states(self, refs: list[str]) -> dict[str, str]:
        """Canonical states (``open``, ``cancelled``) by external reference: an order whose
        items are all rejected (``OverallSDDocumentRejectionSts`` C) is cancelled."""
        wanted = {customer_reference(ref): ref for ref in refs}
        states: dict[str, str] = {}
        names = sorted(wanted)
        for start in range(0, len(names), STATE_CHUNK):
            chunk = names[start : start + STATE_CHUNK]
            rows = self.client.collection(
                f"{SALES}/A_SalesOrder",
                {
                    "$filter": " or ".join(
                        f"PurchaseOrderByCustomer eq {literal(n)}" for n in chunk
                    ),
                    "$select": "SalesOrder,PurchaseOrderByCustomer,OverallSDDocumentRejectionSts",
                },
            )
            for row in rows:
                ref = wanted.get(str(row.get("PurchaseOrderByCustomer") or ""))
                if ref is not None and states.get(ref) != "open":
                    rejected = row.get("OverallSDDocumentRejectionSts") == REJECTED
                    states[ref] = "cancelled" if rejected else "open"
        return states

    def deliveries(self, since: str | None) -> Iterator[Shipment]:
        """Goods-issued outbound deliveries as shipments (see ``.fulfilment``)."""
        from sync_core.connectors.s4hana import fulfilment

        return fulfilment.deliveries(self, since)

    def payload(self, order: Order) -> dict[str, Any]:
        area = self.sales_area
        return {
            "SalesOrderType": area.order_type,
            "SalesOrganization": area.organization,
            "DistributionChannel": area.channel,
            "OrganizationDivision": area.division,
            "SoldToParty": self.sold_to(order),
            "PurchaseOrderByCustomer": customer_reference(order.external_ref),
            "CustomerPurchaseOrderDate": _date(order.created_at),
            "to_Item": [self._item(order, i) for i in range(len(order.lines))],
        }

    def _item(self, order: Order, index: int) -> dict[str, Any]:
        line = order.lines[index]
        item: dict[str, Any] = {
            "Material": self.material(order, index, line.sku),
            "RequestedQuantity": format(line.qty.normalize(), "f"),
        }
        location = self.mapping.locations.get(DEFAULT_SOURCE)
        if location:
            plant, sloc = split_location(location)
            item["ProductionPlant"] = plant
            if sloc:
                item["StorageLocation"] = sloc
        return item

    def create_order(self, order: Order) -> RemoteRef:
        body = self.payload(order)
        try:
            response = self.client.create(f"{SALES}/A_SalesOrder", body)
        except (InvalidData, SchemaDrift, BusinessHold, RemoteNotFound) as exc:
            raise _about(order, exc) from exc
        entity = (self.client.http.json(response) or {}).get("d") or {}
        number = str(entity.get("SalesOrder") or "")
        if not number:
            raise SchemaDrift(f"order {order.increment_id}: s4hana answered 201 without SalesOrder")
        warning = response.headers.get("sap-message")
        if warning:
            log.warning("s4hana order %s for %s: %s", number, order.external_ref, warning)
        self._read_back(order, number)
        self._check_prices(order, number)  # FM-S03
        return RemoteRef(system=self.system, remote_id=number, display=number)

    def _read_back(self, order: Order, number: str) -> None:
        """An order SAP acknowledged but does not have must not be bound (FM-G06): the
        outcome is unknown, so the retry looks the reference up before creating again."""
        try:
            self.client.get(
                f"{SALES}/{key_path('A_SalesOrder', number)}", {"$select": "SalesOrder"}
            )
        except RemoteNotFound as exc:
            raise UnknownOutcome(
                f"s4hana acknowledged order {order.external_ref} as sales order {number} "
                "but does not have it"
            ) from exc

    # -- stock ------------------------------------------------------------------------------
    def stock_levels(self) -> Iterator[ErpStockRow]:
        totals: dict[tuple[str, str], Decimal] = {}
        as_of: datetime | None = None
        for rows, served_at in self.client.pages(
            f"{STOCK}/A_MatlStkInAcctMod",
            {
                "$filter": f"InventoryStockType eq {literal(UNRESTRICTED)} "
                "and InventorySpecialStockType eq ''",
                "$select": "Material,Plant,StorageLocation,Batch,MatlWrhsStkQtyInMatlBaseUnit",
                "$orderby": "Material,Plant,StorageLocation,Batch",
            },
        ):
            as_of = as_of or served_at
            for row in rows:
                key = (str(row.get("Material") or ""), _location(row))
                qty = number(
                    row,
                    "MatlWrhsStkQtyInMatlBaseUnit",
                    system=self.system,
                    record=f"A_MatlStkInAcctMod material {key[0]} at {key[1]}",
                )
                totals[key] = totals.get(key, Decimal(0)) + qty
        if as_of is None:
            return
        self._as_of = max(as_of, self._as_of) if self._as_of else as_of  # never backwards
        stamp = self._as_of.isoformat()
        for (material, location), qty in sorted(totals.items()):
            version = self._version(material, location, qty, stamp)
            yield ErpStockRow(material, location, qty, version)

    def _version(self, material: str, location: str, qty: Decimal, stamp: str) -> str:
        digest = hashlib.sha256(f"{material}|{location}|{qty.normalize()}".encode()).hexdigest()
        known = self._versions.get((material, location))
        if known is not None and known[0] == digest[:16]:
            return known[1]
        self._versions[(material, location)] = (digest[:16], stamp)
        return stamp

    # -- prices and finance documents (FM-S03, FM-S06; see .pricing) ------------------------
    def _check_prices(self, order: Order, number: str) -> None:
        """Compare SAP's PPR0 rates of the created order with Magento's prices and apply the
        policy: ``magento`` sets Magento's rate, ``hold`` withdraws the order."""
        if self.price_policy is None:
            return
        found, items = pricing.check(self.client, order, number)
        self.variances.record(order, self.sold_to(order), found, self.price_policy)
        if found and self.price_policy == "hold":
            raise pricing.withdraw(self.client, order, number, found)
        if self.price_policy == "magento":
            for variance, item in zip(found, items, strict=True):
                pricing.set_price(self.client, number, item, variance.magento)

    def alerts(self) -> list[dict[str, str]]:
        """What the connector noticed itself: price variances on export (FM-S03)."""
        return self.variances.current()

    def finance_totals(self, refs: list[str]) -> dict[str, dict[str, Decimal]]:
        """Net invoiced and credited per external reference (FM-S06, see .pricing)."""
        numbers = pricing.sales_orders(self.client, {customer_reference(r): r for r in refs})
        return pricing.finance_totals(self.client, numbers)


def _date(moment: datetime) -> str:
    """Edm.DateTime on the wire: ``/Date(<ms since epoch, UTC midnight>)/``."""
    day = datetime(moment.year, moment.month, moment.day)
    return f"/Date({int((day - datetime(1970, 1, 1)).total_seconds()) * 1000})/"


def _about(order: Order, exc: PermanentError) -> PermanentError:
    """The same error class, its message naming the order."""
    return type(exc)(f"order {order.increment_id}: {exc.message}", status=exc.status)
