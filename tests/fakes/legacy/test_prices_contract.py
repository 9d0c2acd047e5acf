"""The price export contract in ``contracts/legacy/layouts.py``: the record checks name the line
and the field, and the control file's ``SUM_AMOUNT`` is held to the ``price`` column."""

from __future__ import annotations

from contracts.legacy.layouts import (
    PRICE_EXPORT,
    RecordProblem,
    export_file_name,
    price_record_problems,
    render_key_values,
    validate_control,
    validate_price_records,
)

HEADER = ",".join(PRICE_EXPORT.column_names)
NAME = "PRICE_20260105090000_000001.csv"


def _file(*rows: str) -> str:
    return "\r\n".join([HEADER, *rows]) + "\r\n"


def _control(rows: int, qty: int, amount: str | None) -> str:
    values: dict[str, object] = {
        "INTERFACE_VERSION": "1.0",
        "HOST_SYSTEM_NAME": "LEGACY-ERP",
        "FILE_NAME": NAME,
        "FILE_SEQUENCE": "000001",
        "EXTRACTED_AT": "2026-01-05T09:00:00Z",
        "ROW_COUNT": rows,
        "SUM_QUANTITY": qty,
    }
    if amount is not None:
        values["SUM_AMOUNT"] = amount
    return render_key_values(values, ",")


GOOD = _file(
    "A,STD,1,10.00,2026-01-05,", "A,STD,1,9.5,2026-01-07,2026-01-08", "A,TRADE,10,8,2026-01-05,"
)


def test_the_name_follows_the_export_pattern() -> None:
    assert export_file_name("prices", "20260105090000", 1) == NAME
    assert PRICE_EXPORT.matches_name(NAME) is not None


def test_a_good_file_passes_both_checks() -> None:
    assert validate_control(PRICE_EXPORT, _control(3, 12, "27.50"), GOOD) == (True, "ok")
    assert price_record_problems(GOOD) == []


def test_the_amount_total_is_checked_and_required() -> None:
    ok, reason = validate_control(PRICE_EXPORT, _control(3, 12, "27.49"), GOOD)
    assert not ok and reason == "SUM_AMOUNT 27.49 but the rows sum to 27.50"
    ok, reason = validate_control(PRICE_EXPORT, _control(3, 12, None), GOOD)
    assert not ok and "SUM_AMOUNT" in reason


def test_each_bad_record_is_named_by_line_and_field() -> None:
    text = _file(
        "A,STD,1,10.00,2026-01-05,",
        ",STD,0,1.123456,2026-13-01,",
        "B,STD,1,5,2026-01-09,2026-01-08",
        "A,STD,1,11.00,2026-01-05,",
        "C,STD,1,5",
    )
    assert price_record_problems(text) == [
        RecordProblem(3, "sku", "is empty"),
        RecordProblem(3, "min_qty", "'0' is not a whole number of 1 or more"),
        RecordProblem(3, "price", "'1.123456' is not a price >= 0 with at most 4 places"),
        RecordProblem(3, "effective_from", "'2026-13-01' is not a YYYY-MM-DD date"),
        RecordProblem(4, "effective_to", "2026-01-08 is before effective_from 2026-01-09"),
        RecordProblem(5, "effective_from", "repeats the record of line 2"),
        RecordProblem(6, "*", "4 fields, the layout has 6"),
    ]
    ok, reason = validate_price_records(NAME, text)
    assert not ok
    assert reason == f"{NAME} line 3 field sku: is empty (and 6 more)"


def test_a_price_with_a_sign_or_a_comma_is_not_plain() -> None:
    for price in ("+1.00", "1,00", "1e2", " 1.00"):
        problems = price_record_problems(_file(f'A,STD,1,"{price}",2026-01-05,'))
        assert [p.field for p in problems] == ["price"], price
