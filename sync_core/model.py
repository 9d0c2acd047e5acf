"""The canonical domain: what an order or a stock level is, whatever system it came from."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field


class Address(BaseModel):
    model_config = ConfigDict(frozen=True)

    firstname: str
    lastname: str
    street: list[str]
    city: str
    postcode: str
    country_id: str
    telephone: str | None = None
    company: str | None = None


class OrderLine(BaseModel):
    model_config = ConfigDict(frozen=True)

    line_no: int
    sku: str
    name: str | None = None
    qty: Decimal = Field(gt=0)
    price: Decimal = Field(ge=0)


class Order(BaseModel):
    """A paid storefront order, identified by its store and increment id."""

    model_config = ConfigDict(frozen=True)

    source_id: str
    increment_id: str
    store_code: str
    store_id: int
    customer_email: str
    customer_name: str
    currency: str
    grand_total: Decimal
    lines: list[OrderLine] = Field(min_length=1)
    shipping_address: Address
    created_at: datetime
    updated_at: datetime

    @property
    def external_ref(self) -> str:
        """The order's id in every ERP: namespaced by store so two stores never collide."""
        safe_store = "".join(c if c.isalnum() or c in "_-" else "_" for c in self.store_code)
        return f"mage-{safe_store}-{self.increment_id}"


class StockLevel(BaseModel):
    """An absolute quantity of a SKU at a Magento source, with the ERP's version of it."""

    model_config = ConfigDict(frozen=True)

    sku: str
    source: str
    qty: Decimal
    source_version: str


class RemoteRef(BaseModel):
    """Where a record lives in a remote system."""

    model_config = ConfigDict(frozen=True)

    system: str
    remote_id: str
    display: str | None = None
