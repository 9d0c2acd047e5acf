"""Sales pricing condition records (API_SLSPRICINGCONDITIONRECORD_SRV): the list price PPR0 of
each material per sales organization and distribution channel, with validity periods.

Entity sets (read through the generic OData reads; writes are not modelled and answer SAP's
"method not implemented"):

``A_SlsPrcgConditionRecord``   key ``ConditionRecord``: the rate (``ConditionRateValue``,
                               ``ConditionRateValueUnit`` = currency, per ``ConditionQuantity``)
``A_SlsPrcgCndnRecdValidity``  key ``ConditionRecord``, ``ConditionValidityEndDate``: where and
                               when a record applies (``SalesOrganization``,
                               ``DistributionChannel``, ``Material``,
                               ``ConditionValidityStartDate``)

Navigation ``to_SlsPrcgCndnRecdValidity`` (record -> validities) and
``to_SlsPrcgConditionRecord`` (validity -> record). Names and types follow the SAP Cloud SDK's
generated client of the service (a small subset of its properties); association names and the
exact facets are unconfirmed.

As in VK11, a new record's validity overrides older ones for the same key: an older period
that overlaps is cut, and split in two when the new one lies inside it, so every day has one
valid record. Orders are priced with the PPR0 valid on the order's pricing date; events:
``set_price`` (a new list price from today on) and ``price_condition`` (a dated price).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from contracts.s4hana.handwritten import AssocDef, ServiceDef, SetDef, TypeDef

if TYPE_CHECKING:
    from fakes.s4hana.state import S4Backend

RECORD, VALIDITY = "A_SlsPrcgConditionRecord", "A_SlsPrcgCndnRecdValidity"
PPR0 = "PPR0"
SALES_ORG, CHANNEL = "1010", "10"
END_OF_TIME = datetime(9999, 12, 31, tzinfo=UTC)
DAY = timedelta(days=1)
TO_VALIDITY = "assoc_SlsPrcgCndnRecdValidity"
TO_RECORD = "assoc_SlsPrcgConditionRecord"

SERVICE = ServiceDef(
    service="API_SLSPRICINGCONDITIONRECORD_SRV",
    namespace="API_SLSPRICINGCONDITIONRECORD_SRV",
    types=(
        TypeDef(
            "A_SlsPrcgConditionRecordType",
            ("ConditionRecord",),
            (
                ("ConditionRecord", "String(10)", "Condition record no.", "nn upper"),
                ("ConditionSequentialNumber", "String(2)", "Sequent. No. of Cond.", "nonneg"),
                ("ConditionTable", "String(3)", "Condition Table", "upper"),
                ("ConditionApplication", "String(2)", "Application", "upper"),
                ("ConditionType", "String(4)", "Condition Type", "upper"),
                ("ConditionValidityEndDate", "DateTime", "Valid To", "date"),
                ("ConditionValidityStartDate", "DateTime", "Valid From", "date"),
                ("CreatedByUser", "String(12)", "Created By", "upper"),
                ("CreationDate", "DateTime", "Created On", "date"),
                ("ConditionCalculationType", "String(1)", "Calculation Type", "upper"),
                ("ConditionRateValue", "Decimal(24,9)", "Amount", "unit:ConditionRateValueUnit"),
                ("ConditionRateValueUnit", "String(5)", "Unit", "sem:currency-code"),
                ("ConditionCurrency", "String(5)", "Condition Currency", "sem:currency-code"),
                ("ConditionQuantity", "Decimal(5,0)", "Pricing Unit", ""),
                ("ConditionQuantityUnit", "String(3)", "Unit", "sem:unit-of-measure"),
                ("ConditionIsDeleted", "Boolean", "Deletion Indicator", ""),
                ("ConditionReleaseStatus", "String(1)", "Release Status", "upper"),
            ),
            (("to_SlsPrcgCndnRecdValidity", TO_VALIDITY, "fwd"),),
            "Condition Record for Pricing in Sales",
        ),
        TypeDef(
            "A_SlsPrcgCndnRecdValidityType",
            ("ConditionRecord", "ConditionValidityEndDate"),
            (
                ("ConditionRecord", "String(10)", "Condition record no.", "nn upper"),
                ("ConditionValidityEndDate", "DateTime", "Valid To", "nn date"),
                ("ConditionValidityStartDate", "DateTime", "Valid From", "date"),
                ("ConditionApplication", "String(2)", "Application", "upper"),
                ("ConditionType", "String(4)", "Condition Type", "upper"),
                ("ConditionReleaseStatus", "String(1)", "Release Status", "upper"),
                ("SalesOrganization", "String(4)", "Sales Organization", "upper"),
                ("DistributionChannel", "String(2)", "Distribution Channel", "upper"),
                ("Customer", "String(10)", "Customer", "upper"),
                ("Material", "String(40)", "Material", "upper"),
            ),
            (("to_SlsPrcgConditionRecord", TO_RECORD, "fwd"),),
            "Validity of Condition Record for Pricing in Sales",
        ),
    ),
    assocs=(
        AssocDef(
            TO_VALIDITY,
            "A_SlsPrcgConditionRecordType",
            "1",
            "A_SlsPrcgCndnRecdValidityType",
            "*",
        ),
        AssocDef(
            TO_RECORD,
            "A_SlsPrcgCndnRecdValidityType",
            "*",
            "A_SlsPrcgConditionRecordType",
            "1",
        ),
    ),
    sets=(
        SetDef(RECORD, "A_SlsPrcgConditionRecordType"),
        SetDef(VALIDITY, "A_SlsPrcgCndnRecdValidityType"),
    ),
)


def _midnight(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def _number(b: S4Backend) -> str:
    numbers = [int(r["ConditionRecord"]) for r in b.tables[RECORD].all()]
    return f"{max(numbers, default=0) + 1:010d}"


def _validities(b: S4Backend, material: str) -> list[dict[str, Any]]:
    return b.tables[VALIDITY].where(
        ConditionType=PPR0,
        SalesOrganization=SALES_ORG,
        DistributionChannel=CHANNEL,
        Material=material,
    )


def _cut(b: S4Backend, material: str, start: datetime, end: datetime) -> None:
    """Older validity periods give way to [start, end]: cut before and after it."""
    table = b.tables[VALIDITY]
    for row in _validities(b, material):
        old_start, old_end = row["ConditionValidityStartDate"], row["ConditionValidityEndDate"]
        if old_end < start or old_start > end:
            continue
        table.delete(table.key_of(row))
        if old_start < start:
            table.put({**row, "ConditionValidityEndDate": start - DAY})
        if old_end > end:
            table.put({**row, "ConditionValidityStartDate": end + DAY})


def add(
    b: S4Backend, material: str, amount: Decimal, start: datetime, end: datetime = END_OF_TIME
) -> str:
    """A new PPR0 record for ``material`` valid from ``start`` to ``end`` (days, inclusive)."""
    start, end = _midnight(start), _midnight(end)
    if end < start:
        raise ValueError(
            f"{material}: valid to {end:%Y-%m-%d} is before valid from {start:%Y-%m-%d}"
        )
    number = _number(b)
    currency = "EUR"
    b.tables[RECORD].put(
        {
            "ConditionRecord": number,
            "ConditionSequentialNumber": "01",
            "ConditionTable": "304",
            "ConditionApplication": "V",
            "ConditionType": PPR0,
            "ConditionValidityEndDate": end,
            "ConditionValidityStartDate": start,
            "CreatedByUser": "PRICING",
            "CreationDate": b.today(),
            "ConditionCalculationType": "C",
            "ConditionRateValue": amount,
            "ConditionRateValueUnit": currency,
            "ConditionCurrency": currency,
            "ConditionQuantity": Decimal(1),
            "ConditionQuantityUnit": "PC",
            "ConditionIsDeleted": False,
            "ConditionReleaseStatus": "",
        }
    )
    _cut(b, material, start, end)
    b.tables[VALIDITY].put(
        {
            "ConditionRecord": number,
            "ConditionValidityEndDate": end,
            "ConditionValidityStartDate": start,
            "ConditionApplication": "V",
            "ConditionType": PPR0,
            "ConditionReleaseStatus": "",
            "SalesOrganization": SALES_ORG,
            "DistributionChannel": CHANNEL,
            "Customer": "",
            "Material": material,
        }
    )
    return number


def price_on(b: S4Backend, material: str, on: datetime) -> Decimal | None:
    """The PPR0 rate of ``material`` valid on ``on``'s day, None when no record is valid."""
    day = _midnight(on)
    for row in _validities(b, material):
        if row["ConditionValidityStartDate"] <= day <= row["ConditionValidityEndDate"]:
            record = b.tables[RECORD].find(ConditionRecord=row["ConditionRecord"])
            if record is not None and not record.get("ConditionIsDeleted"):
                return Decimal(record["ConditionRateValue"])
    return None


def populate(b: S4Backend, since: datetime) -> None:
    """One open-ended list price per seeded material, from ``since``."""
    for material, amount in b.prices.items():
        add(b, material, Decimal(amount), since)


def price_condition(
    b: S4Backend, material: str, amount: str | float, valid_from: str, valid_to: str
) -> dict[str, Any]:
    """Event ``price_condition``: a PPR0 price valid ``valid_from``..``valid_to`` (ISO days)."""
    start = datetime.fromisoformat(valid_from).replace(tzinfo=UTC)
    end = datetime.fromisoformat(valid_to).replace(tzinfo=UTC)
    number = add(b, material, Decimal(str(amount)), start, end)
    return {"condition_record": number, "material": material}
