"""S/4HANA's prices for the price flow: the list price condition records (PPR0) of the sales
organization and distribution channel (``erp.options["sales_organization"]``, default 1010,
``["distribution_channel"]``, default 10), read from API_SLSPRICINGCONDITIONRECORD_SRV:
``A_SlsPrcgCndnRecdValidity`` (material, valid from/to, whole days UTC) expanded to its
``A_SlsPrcgConditionRecord`` (``ConditionRateValue`` per ``ConditionQuantity``).

Each validity period becomes a dated base price, so a future list price is sent on its first
day and not before. Deleted records are skipped; customer-specific records are not read.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, time
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sync_core.connectors.s4hana.client import ROOT, literal
from sync_core.errors import SchemaDrift
from sync_core.flows.prices_model import ErpPrice

if TYPE_CHECKING:
    from sync_core.engine import Engine

SERVICE = f"{ROOT}/API_SLSPRICINGCONDITIONRECORD_SRV"
PRICE = "PPR0"
DATE_RE = re.compile(r"^/Date\((-?\d+)(?:[+-]\d+)?\)/$")
LAST_DAY = datetime(9999, 12, 31).date()


class S4PriceSource:
    kinds = frozenset({"base"})

    def __init__(self, engine: Engine) -> None:
        self.client = engine.erp.client  # type: ignore[attr-defined]
        self.mapping = engine.config.mapping
        options = engine.config.erp.options
        self.org = options.get("sales_organization", "1010")
        self.channel = options.get("distribution_channel", "10")

    def read(self) -> list[ErpPrice]:
        params = {
            "$filter": f"ConditionType eq {literal(PRICE)} and SalesOrganization eq "
            f"{literal(self.org)} and DistributionChannel eq {literal(self.channel)}",
            "$expand": "to_SlsPrcgConditionRecord",
        }
        rows = self.client.collection(f"{SERVICE}/A_SlsPrcgCndnRecdValidity", params)
        return list(self._prices(rows))

    def _prices(self, rows: Iterator[dict[str, Any]]) -> Iterator[ErpPrice]:
        for row in rows:
            if row.get("Customer") or not row.get("Material"):
                continue
            record = row.get("to_SlsPrcgConditionRecord") or {}
            if record.get("ConditionIsDeleted") or record.get("ConditionRateValue") is None:
                continue
            per = Decimal(str(record.get("ConditionQuantity") or 1)) or Decimal(1)
            end = _day(row.get("ConditionValidityEndDate"))
            yield ErpPrice(
                self.mapping.sku_for(str(row["Material"])),
                "base",
                Decimal(str(record["ConditionRateValue"])) / per,
                valid_from=_at(_day(row.get("ConditionValidityStartDate")), time.min),
                valid_to=None if end is None or end >= LAST_DAY else _at(end, time(23, 59, 59)),
                source=f"PPR0 record {row.get('ConditionRecord')}",
            )


def _day(value: Any) -> Any:
    """An OData v2 ``/Date(ms)/`` as a date; None when absent."""
    if value in (None, ""):
        return None
    match = DATE_RE.match(str(value))
    if match is None:
        raise SchemaDrift(f"s4hana condition validity date {value!r} is not an Edm.DateTime")
    return datetime.fromtimestamp(int(match.group(1)) / 1000, tz=UTC).date()


def _at(day: Any, at: time) -> datetime | None:
    return None if day is None else datetime.combine(day, at, tzinfo=UTC)


def build(engine: Engine) -> S4PriceSource | None:
    return S4PriceSource(engine) if hasattr(engine.erp, "client") else None
