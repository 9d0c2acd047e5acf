"""The S/4HANA backend: entity tables for every served entity set, and the operations on them.

Reads are generic (any entity set, any navigation). Writes go to the business modules
(:mod:`sales`, :mod:`partners`, :mod:`logistics`, :mod:`billing`, :mod:`sd_returns`);
entity sets without special rules get a plain update of their updatable properties; anything
else answers SAP's "method not implemented". Control-plane events simulate what happens inside SAP.

Options (``ctx.options``): ``page_size`` (server-driven paging, default 100),
``require_if_match`` (428 without If-Match, default False), ``order_block_policy``
(``reject``/``hold``), ``session_idle_s`` (1800), ``auto_bill`` (invoice on goods issue).
"""

from __future__ import annotations

import string
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from fakes.core.backend import VendorBackend, event
from fakes.s4hana import (
    billing,
    logistics,
    partners,
    pricing_conditions,
    products,
    sales,
    sd_returns,
    seed,
)
from fakes.s4hana.edm import etag
from fakes.s4hana.errors import (
    CODES,
    ErrorContext,
    ErrorDetail,
    SapError,
    not_found,
    not_implemented,
    precondition_failed,
    precondition_required,
    sap_timestamp,
    transaction_id,
)
from fakes.s4hana.odata.payload import EntityInput
from fakes.s4hana.services import ROOT, find_service, service_of, set_index
from fakes.s4hana.session import Auth
from fakes.s4hana.store import Record, Table, join_of

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
FIRST_NUMBERS = {
    "SalesOrder": 0,
    "DeliveryDocument": 79999999,
    "BillingDocument": 89999999,
    "BusinessPartner": 0,
    "AddressID": 0,
    **sd_returns.FIRST_NUMBERS,
}


@dataclass
class Written:
    """The entity a write produced, and the warnings that go into ``sap-message``."""

    entity_set: str
    record: Record
    messages: list[ErrorDetail] = field(default_factory=list)


@dataclass(frozen=True)
class Options:
    page_size: int = 100
    require_if_match: bool = False
    order_block_policy: str = "reject"
    session_idle_s: float = 1800.0
    auto_bill: bool = False

    @classmethod
    def from_ctx(cls, options: dict[str, Any]) -> Options:
        known = {k: v for k, v in options.items() if k in cls.__dataclass_fields__}
        return cls(**known)


Creator = Callable[["S4Backend", EntityInput, str], Written]
Updater = Callable[["S4Backend", Record, EntityInput, str], Written]
Deleter = Callable[["S4Backend", Record], None]

CREATE: dict[str, Creator] = {
    "A_SalesOrder": sales.create_order,
    "A_SalesOrderItem": sales.create_item,
    "A_BusinessPartner": partners.create_partner,
    "A_BusinessPartnerAddress": partners.create_address,
    "A_CustomerSalesArea": partners.create_sales_area,
    "A_AddressEmailAddress": partners.create_email,
    "A_AddressPhoneNumber": partners.create_phone,
    "A_OutbDeliveryHeader": logistics.create_delivery,
    "A_CreditMemoRequest": sd_returns.create_credit_memo_request,
    "A_CustomerReturn": sd_returns.create_customer_return,
}
UPDATE: dict[str, Updater] = {
    "A_SalesOrder": sales.update_order,
    "A_SalesOrderItem": sales.update_item,
    "A_SalesOrderItemPrElement": sales.update_price_element,
    "A_OutbDeliveryHeader": logistics.update_delivery,
    "A_AddressEmailAddress": partners.update_email,
    "A_AddressPhoneNumber": partners.update_phone,
}
DELETE: dict[str, Deleter] = {
    "A_SalesOrder": sales.delete_order,
    "A_SalesOrderItem": sales.delete_item,
    "A_OutbDeliveryHeader": logistics.delete_delivery,
    "A_BusinessPartnerAddress": partners.delete_address,
}
GENERIC_UPDATE = {
    "A_BusinessPartner",
    "A_BusinessPartnerAddress",
    "A_Customer",
    "A_CustomerSalesArea",
    "A_Product",
    "A_ProductDescription",
    "A_ProductPlant",
    "A_ProductStorageLocation",
    "A_CreditMemoRequest",
    "A_CustomerReturn",
}


class S4Backend(VendorBackend):
    """State of one S/4HANA system: master data, documents, stock and security sessions."""

    def load_seed(self) -> None:
        self.options = Options.from_ctx(self.ctx.options)
        self.tables: dict[str, Table] = {
            name: Table(svc.entity_type(name).keys) for name, svc in set_index().items()
        }
        self.counters = dict(FIRST_NUMBERS)
        self.prices: dict[str, Decimal] = {}
        self.credit_limits: dict[str, Decimal] = {}
        self.last_stamp = EPOCH
        self.error_serial = 0
        rng = self.ctx.rng.stream("credentials")
        password = "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(24))
        self.auth = Auth(
            "S4_COMM_USER",
            password,
            self.ctx.rng.stream("sessions"),
            idle_s=self.options.session_idle_s,
        )
        seed.populate(self)

    def snapshot(self) -> dict[str, Any]:
        return seed.snapshot(self)

    # -- time and numbers ------------------------------------------------------------------
    def now(self) -> datetime:
        return self.clock.now().astimezone(UTC)

    def today(self) -> datetime:
        return self.now().replace(hour=0, minute=0, second=0, microsecond=0)

    def stamp(self) -> datetime:
        """A change timestamp, strictly increasing even when the simulated clock stands still."""
        self.last_stamp = max(self.now(), self.last_stamp + timedelta(microseconds=1))
        return self.last_stamp

    def next_number(self, kind: str) -> str:
        self.counters[kind] += 1
        return str(self.counters[kind])

    def code(self, kind: str) -> str:
        return CODES[kind]

    # -- reads -----------------------------------------------------------------------------
    def get(self, entity_set: str, key: dict[str, Any]) -> Record:
        table = self.tables[entity_set]
        found = table.get(tuple(key.get(name) for name in table.keys))
        if found is None:
            raise not_found(service_of(entity_set).entity_type(entity_set).name)
        return found

    def rows(self, entity_set: str) -> list[Record]:
        return self.tables[entity_set].all()

    def related(self, entity_set: str, record: Record, nav: str) -> tuple[str, list[Record], bool]:
        model = service_of(entity_set).model
        target = model.nav_target(entity_set, nav)
        join = join_of(model, entity_set, nav, model.type_of(target.entity_set))
        wanted = {dst: record.get(src) for src, dst in join.items()}
        return target.entity_set, self.tables[target.entity_set].where(**wanted), target.many

    # -- writes ----------------------------------------------------------------------------
    def written(self, entity_set: str, record: Record, messages: list[ErrorDetail]) -> Written:
        return Written(entity_set, record, messages)

    def creatable(self, entity_set: str, values: dict[str, Any]) -> dict[str, Any]:
        props = service_of(entity_set).entity_type(entity_set).properties
        return {k: v for k, v in values.items() if props[k].creatable}

    def updatable(self, entity_set: str, values: dict[str, Any]) -> dict[str, Any]:
        entity_type = service_of(entity_set).entity_type(entity_set)
        return {
            k: v
            for k, v in values.items()
            if entity_type.properties[k].updatable and k not in entity_type.keys
        }

    def create(
        self, entity: EntityInput, parent: tuple[str, Record, str] | None, user: str
    ) -> Written:
        if parent is not None:
            source_set, record, nav = parent
            target, _, _ = self.related(source_set, record, nav)
            model = service_of(source_set).model
            join = join_of(model, source_set, nav, model.type_of(target))
            entity.values.update({dst: record.get(src) for src, dst in join.items()})
        self._capability(entity.entity_set, "creatable", "CREATE_ENTITY")
        creator = CREATE.get(entity.entity_set)
        if creator is None:
            raise not_implemented(f"{entity.entity_set.upper()}_CREATE_ENTITY")
        return creator(self, entity, user)

    def update(
        self,
        entity_set: str,
        key: dict[str, Any],
        entity: EntityInput,
        if_match: str | None,
        user: str,
    ) -> Written:
        self._capability(entity_set, "updatable", "UPDATE_ENTITY")
        record = self.get(entity_set, key)
        self._check_etag(entity_set, record, if_match)
        updater = UPDATE.get(entity_set)
        if updater is not None:
            return updater(self, record, entity, user)
        if entity_set not in GENERIC_UPDATE:
            raise not_implemented(f"{entity_set.upper()}_UPDATE_ENTITY")
        record.update(self.updatable(entity_set, entity.values))
        return Written(entity_set, record)

    def delete(self, entity_set: str, key: dict[str, Any], if_match: str | None) -> None:
        self._capability(entity_set, "deletable", "DELETE_ENTITY")
        record = self.get(entity_set, key)
        self._check_etag(entity_set, record, if_match)
        deleter = DELETE.get(entity_set)
        if deleter is None:
            raise not_implemented(f"{entity_set.upper()}_DELETE_ENTITY")
        deleter(self, record)

    def call(self, service_name: str, function: str, params: dict[str, Any]) -> Any:
        if function == "PostGoodsIssue":
            return logistics.post_goods_issue(self, str(params.get("DeliveryDocument", "")))
        raise not_implemented(f"EXECUTE_ACTION ({function})")

    def _capability(self, entity_set: str, flag: str, method: str) -> None:
        declared = service_of(entity_set).model.entity_sets[entity_set]
        if not getattr(declared, flag):
            raise not_implemented(f"{entity_set.upper()}_{method}")

    def etag_of(self, entity_set: str, record: Record) -> str | None:
        prop = service_of(entity_set).entity_type(entity_set).etag_property
        if prop is None or record.get(prop.name) is None:
            return None
        return etag(prop, record[prop.name])

    def _check_etag(self, entity_set: str, record: Record, if_match: str | None) -> None:
        current = self.etag_of(entity_set, record)
        if current is None:
            return
        if if_match is None:
            if self.options.require_if_match:
                raise precondition_required()
            return
        offered = {tag.strip() for tag in if_match.split(",")}
        if "*" in offered:
            return
        if not offered & {current, current.removeprefix("W/")}:
            raise precondition_failed()

    # -- errors ----------------------------------------------------------------------------
    def error_context(self, path: str) -> ErrorContext:
        self.error_serial += 1
        name = path.removeprefix(ROOT + "/").split("/", 1)[0] if path.startswith(ROOT) else ""
        svc = find_service(name)
        return ErrorContext(
            service_id=svc.technical_name if svc else "",
            component=svc.component if svc else "",
            version=svc.version if svc else "0001",
            transaction=transaction_id(self.ctx.rng.seed, self.error_serial),
            timestamp=sap_timestamp(self.now()),
        )

    def batch_boundary(self) -> str:
        self.error_serial += 1
        return transaction_id(self.ctx.rng.seed, self.error_serial)

    # -- events ----------------------------------------------------------------------------
    @event("expire_csrf")
    def expire_csrf(self) -> dict[str, int]:
        """Every security session ends: CSRF tokens and session cookies stop working."""
        return {"expired_sessions": self.auth.expire_all()}

    @event("deliver")
    def deliver(self, sales_order: str, items: list[dict[str, Any]]) -> dict[str, Any]:
        """Shipping creates an outbound delivery for ``items`` and posts goods issue (FM-S05)."""
        return _event(lambda: logistics.deliver(self, sales_order, items))

    @event("cancel_order")
    def cancel_order(self, sales_order: str, reason: str = "10") -> dict[str, Any]:
        """An operator rejects every open item of ``sales_order`` (FM-G16)."""
        return _event(lambda: sales.cancel(self, sales_order, reason))

    @event("set_stock")
    def set_stock(
        self, material: str, plant: str, storage_location: str, quantity: int | float | str
    ) -> dict[str, Any]:
        """Unrestricted stock of ``material`` at ``plant``/``storage_location`` is set."""
        return _event(
            lambda: products.set_stock(
                self, material, plant, storage_location, Decimal(str(quantity))
            )
        )

    @event("block_customer")
    def block_customer(
        self, customer: str, blocked: bool = True, kind: str = "order"
    ) -> dict[str, Any]:
        """Set or clear an order, delivery or billing block on a customer and its sales areas."""
        return _event(lambda: partners.block(self, customer, blocked, kind))

    @event("set_credit_limit")
    def set_credit_limit(self, customer: str, limit: str | float | None) -> dict[str, Any]:
        """Credit management gives ``customer`` a limit (None removes it)."""
        return _event(lambda: partners.set_credit_limit(self, customer, limit))

    @event("set_price")
    def set_price(self, material: str, price: str | float) -> dict[str, Any]:
        """The list price (PPR0) of ``material`` changes; existing orders keep theirs."""
        return _event(lambda: products.set_price(self, material, price))

    @event("price_condition")
    def price_condition(
        self, material: str, amount: str | float, valid_from: str, valid_to: str
    ) -> dict[str, Any]:
        """A PPR0 price for ``material`` valid ``valid_from``..``valid_to`` (ISO days)."""
        return _event(
            lambda: pricing_conditions.price_condition(self, material, amount, valid_from, valid_to)
        )

    @event("bill")
    def bill(self, sales_order: str) -> dict[str, Any]:
        """Billing invoices every goods-issued, not yet billed quantity of ``sales_order``."""
        return _event(lambda: billing.invoice(self, sales_order))

    @event("credit_memo")
    def credit_memo(
        self, sales_order: str, items: list[dict[str, Any]] | None = None
    ) -> dict[str, Any]:
        """A credit memo (G2) for ``items`` [{item, quantity}] (default: all that is billed)."""
        return _event(lambda: billing.credit_memo(self, sales_order, items))

    @event("release_credit_memo")
    def release_credit_memo(self, credit_memo_request: str) -> dict[str, Any]:
        """Billing releases a credit memo request and bills it into a G2 credit memo."""
        return _event(lambda: sd_returns.release_credit_memo(self, credit_memo_request))

    @event("receive_return")
    def receive_return(self, customer_return: str) -> dict[str, Any]:
        """The goods of a customer return arrive and are posted to unrestricted stock."""
        return _event(lambda: sd_returns.receive_return(self, customer_return))


def _event(action: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """Run an event; SAP errors become ValueError, which the control plane answers with 400."""
    try:
        return action()
    except SapError as exc:
        raise ValueError(f"{exc.code}: {exc.message}") from exc
    except ArithmeticError as exc:
        raise ValueError(f"invalid number: {exc}") from exc
