"""The legacy ERP's price book: per item and price list a net unit price from a minimum
quantity, valid from a first day to an optional last day (whole days, UTC).

Price lists: ``STD`` (the standard list every customer buys from) and ``TRADE`` (trade
customers: 90 % of the standard price, 85 % from 10 units). The seed puts every item on both
from the dataset's first day, open-ended, at the dataset price.

Which price holds on a day: of the records of one item, list and minimum quantity that cover
the day, the one with the latest first day. A pricing clerk's change (:func:`change_price`,
the ``set_price`` event) therefore never rewrites history:

- a change with the first day of an existing record replaces that record's price and last day;
- an open-ended change (no last day) closes the open-ended records that started before it on
  the day before it starts;
- a dated change (a last day) is added on top: once it ends, the price under it holds again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from fakes.core.dataset import Dataset, SeedProfile
from fakes.legacy.model import iso, money

STANDARD_LIST = "STD"
TRADE_LIST = "TRADE"
PRICE_LISTS = (STANDARD_LIST, TRADE_LIST)
TRADE_BREAK = 10
TRADE_FACTORS = {1: Decimal("0.90"), TRADE_BREAK: Decimal("0.85")}
CENT = Decimal("0.01")
PRICE_TEXT = re.compile(r"[0-9]+(\.[0-9]{1,4})?")
DAY_TEXT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

PriceKey = tuple[str, str, int]


@dataclass
class PriceRecord:
    sku: str
    price_list: str
    min_qty: int
    price: Decimal
    effective_from: date
    effective_to: date | None
    changed_at: datetime

    @property
    def key(self) -> PriceKey:
        return (self.sku, self.price_list, self.min_qty)

    def covers(self, day: date) -> bool:
        return self.effective_from <= day and (
            self.effective_to is None or day <= self.effective_to
        )

    def row(self) -> list[str]:
        """The record as a ``PRICE_EXPORT`` row."""
        end = self.effective_to.isoformat() if self.effective_to else ""
        return [
            self.sku,
            self.price_list,
            str(self.min_qty),
            money(self.price),
            self.effective_from.isoformat(),
            end,
        ]

    def to_dict(self) -> dict[str, Any]:
        return {
            "sku": self.sku,
            "price_list": self.price_list,
            "min_qty": self.min_qty,
            "price": money(self.price),
            "effective_from": self.effective_from.isoformat(),
            "effective_to": self.effective_to.isoformat() if self.effective_to else None,
            "changed_at": iso(self.changed_at),
        }


@dataclass
class PriceBook:
    """Every price record, and the price export job's schedule (0 s: only on events)."""

    records: list[PriceRecord] = field(default_factory=list)
    lists: tuple[str, ...] = PRICE_LISTS
    export_interval_s: float = 0.0
    next_export_at: datetime | None = None

    def in_effect(self, sku: str, price_list: str, min_qty: int, day: date) -> Decimal | None:
        """The price of that item, list and minimum quantity on ``day`` (None: none holds)."""
        covering = [
            r for r in self.records if r.key == (sku, price_list, min_qty) and r.covers(day)
        ]
        return max(covering, key=lambda r: r.effective_from).price if covering else None

    def current_and_future(self, day: date) -> list[PriceRecord]:
        """The records that have not ended before ``day``, in export order."""
        kept = [r for r in self.records if r.effective_to is None or r.effective_to >= day]
        return sorted(kept, key=lambda r: (*r.key, r.effective_from))


def seed_book(dataset: Dataset, profile: SeedProfile) -> PriceBook:
    first = dataset.created_at.date()
    records = []
    for product in dataset.products:
        code = profile.item_code(product.sku)
        price = Decimal(str(product.price))
        records.append(PriceRecord(code, STANDARD_LIST, 1, price, first, None, dataset.created_at))
        records += [
            PriceRecord(
                code,
                TRADE_LIST,
                qty,
                (price * factor).quantize(CENT),
                first,
                None,
                dataset.created_at,
            )
            for qty, factor in TRADE_FACTORS.items()
        ]
    return PriceBook(records)


# -- a pricing clerk's change -------------------------------------------------------------------
def _day(value: Any, name: str) -> date | None:
    if value in (None, ""):
        return None
    text = str(value)
    try:
        if DAY_TEXT.fullmatch(text) is None:
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{name} {value!r} is not a YYYY-MM-DD date") from None


def _price(value: Any) -> Decimal:
    text = format(Decimal(str(value)), "f") if isinstance(value, float) else str(value).strip()
    if isinstance(value, bool) or PRICE_TEXT.fullmatch(text) is None:
        raise ValueError(f"price {value!r} is not a price >= 0 with at most 4 decimals")
    return Decimal(text)


def _min_qty(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"min_qty {value!r} must be a whole number of 1 or more")
    return value


@dataclass(frozen=True)
class PriceChange:
    """A checked change: what :func:`change_price` applies."""

    sku: str
    price_list: str
    min_qty: int
    price: Decimal
    effective_from: date
    effective_to: date | None


def check_change(
    book: PriceBook,
    items: set[str],
    payload: dict[str, Any],
    today: date,
) -> PriceChange:
    """The change asked for, or ValueError naming the field."""
    sku = str(payload.get("sku") or "")
    if sku not in items:
        raise ValueError(f"sku: item {sku!r} does not exist")
    price_list = str(payload.get("price_list") or STANDARD_LIST)
    if price_list not in book.lists:
        raise ValueError(
            f"price_list {price_list!r} does not exist (lists: {', '.join(book.lists)})"
        )
    start = _day(payload.get("effective_from"), "effective_from") or today
    end = _day(payload.get("effective_to"), "effective_to")
    if end is not None and end < start:
        raise ValueError(f"effective_to {end} is before effective_from {start}")
    return PriceChange(
        sku,
        price_list,
        _min_qty(payload.get("min_qty", 1)),
        _price(payload.get("price")),
        start,
        end,
    )


def change_price(book: PriceBook, change: PriceChange, at: datetime) -> PriceRecord:
    """Apply a checked change to the book (the rules in the module docstring)."""
    key = (change.sku, change.price_list, change.min_qty)
    same_day = next(
        (r for r in book.records if r.key == key and r.effective_from == change.effective_from),
        None,
    )
    if change.effective_to is None:
        for record in book.records:
            open_before = (
                record.effective_to is None and record.effective_from < change.effective_from
            )
            if record.key == key and open_before:
                record.effective_to = change.effective_from - timedelta(days=1)
                record.changed_at = at
    if same_day is not None:
        same_day.price, same_day.effective_to, same_day.changed_at = (
            change.price,
            change.effective_to,
            at,
        )
        return same_day
    record = PriceRecord(*key, change.price, change.effective_from, change.effective_to, at)
    book.records.append(record)
    return record
