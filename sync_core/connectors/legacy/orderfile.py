"""Order files (connector -> ERP) and what the ERP answers about them: acks and reject files.

The layout is ``contracts.legacy.layouts.ORDER_IMPORT`` (prose: ``contracts/legacy/
ORDER_FILE.md``): the column header row, ``H,<seq>,<created_at>,<sender>``, one ``L`` record
per order line, and ``T,<line_count>,<sum_qty>,<sum_amount>``; UTF-8, CRLF, RFC 4180 quoting.
An ack (``ack/<stem>.ack``, ``key=value``) is reconciled against what was sent before anything
is believed: ``rows_accepted + rows_rejected = rows_total = rows sent``, as many reject rows
as rejected rows, one ERP order when anything was accepted (FM-L01).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from contracts.legacy.layouts import (
    ACK_KEYS,
    HEADER_RECORD,
    LINE_END,
    LINE_RECORD,
    ORDER_IMPORT,
    ORDER_REJECT,
    TRAILER_RECORD,
    parse_key_values,
    validate_header,
)

CENT = Decimal("0.01")
# Reasons the ERP may give that say nothing about the data: sending again can succeed.
TRANSIENT_CODES = {"LOCKED", "DUPLICATE_FILE"}
# Whole-file reasons that mean the ERP's import layout no longer matches the contract.
DRIFT_CODES = {"HEADER_MISMATCH"}


@dataclass(frozen=True)
class FileLine:
    order_ref: str
    customer_ref: str
    order_date: str
    line_no: int
    sku: str
    quantity: int
    unit_price: Decimal
    warehouse: str

    def fields(self) -> list[str]:
        return [
            LINE_RECORD,
            self.order_ref,
            self.customer_ref,
            self.order_date,
            str(self.line_no),
            self.sku,
            str(self.quantity),
            format(self.unit_price, "f"),
            self.warehouse,
        ]


def totals(lines: list[FileLine]) -> tuple[int, int, Decimal]:
    """The trailer's control totals: line count, quantity sum, amount (half-up, 2 places)."""
    amount = sum((ln.unit_price * ln.quantity for ln in lines), Decimal(0))
    return len(lines), sum(ln.quantity for ln in lines), amount.quantize(CENT, ROUND_HALF_UP)


def render(seq: int, created_at: str, sender: str, lines: list[FileLine]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=LINE_END)
    writer.writerow(ORDER_IMPORT.column_names)
    writer.writerow([HEADER_RECORD, f"{seq:06d}", created_at, sender])
    writer.writerows(line.fields() for line in lines)
    count, qty, amount = totals(lines)
    writer.writerow([TRAILER_RECORD, str(count), str(qty), format(amount, "f")])
    return buffer.getvalue().encode("utf-8")


@dataclass(frozen=True)
class Reject:
    line_no: str
    sku: str
    reason: str

    @property
    def code(self) -> str:
        return self.reason.partition(":")[0].strip()

    def describe(self) -> str:
        return f"line {self.line_no} {self.sku} ({self.reason})"


def parse_rejects(text: str) -> list[Reject]:
    """The rows of a ``.rej`` file; ValueError when its header is not the contract's."""
    ok, problem = validate_header(ORDER_REJECT, text)
    if not ok:
        raise ValueError(f"reject file header: {problem}")
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    return [
        Reject(row.get("line_no") or "?", row.get("sku") or "?", row.get("reason") or "?")
        for row in reader
    ]


@dataclass
class Ack:
    status: str
    rows_total: int
    rows_accepted: int
    rows_rejected: int
    reason: str
    reject_file: str
    erp_orders: list[str]
    rejects: list[Reject] = field(default_factory=list)

    @property
    def codes(self) -> set[str]:
        """Why rows were refused: each reject's code, or the whole-file reason's code."""
        if self.rejects:
            return {r.code for r in self.rejects}
        code = self.reason.partition(":")[0].strip()
        return {code} if code else set()

    @property
    def whole_file(self) -> bool:
        return self.status == "rejected" and not self.reject_file

    def describe_rejects(self) -> str:
        if self.rejects:
            return "; ".join(r.describe() for r in self.rejects)
        return self.reason or "no reason given"


def _int(values: dict[str, str], key: str) -> int:
    try:
        return int(values[key])
    except ValueError:
        raise ValueError(f"ack {key}={values[key]!r} is not a number") from None


def parse_ack(text: str) -> Ack:
    """An ack file; ValueError when a key is missing or a count is not a number."""
    values = parse_key_values(text, "=")
    missing = [k for k in ACK_KEYS if k not in values]
    if missing:
        raise ValueError("ack lacks keys: " + ", ".join(missing))
    return Ack(
        status=values["status"],
        rows_total=_int(values, "rows_total"),
        rows_accepted=_int(values, "rows_accepted"),
        rows_rejected=_int(values, "rows_rejected"),
        reason=values["reason"],
        reject_file=values["reject_file"],
        erp_orders=[n for n in values["erp_orders"].split(",") if n],
    )


def reconcile(ack: Ack, rows_sent: int) -> list[str]:
    """Where the ack's control totals disagree with what was sent (empty: they agree)."""
    problems = []
    if ack.rows_total != rows_sent:
        problems.append(f"rows_total {ack.rows_total} but {rows_sent} rows were sent")
    if ack.rows_accepted + ack.rows_rejected != ack.rows_total:
        problems.append(
            f"rows_accepted {ack.rows_accepted} + rows_rejected {ack.rows_rejected} != "
            f"rows_total {ack.rows_total}"
        )
    if ack.reject_file and len(ack.rejects) != ack.rows_rejected:
        problems.append(
            f"{len(ack.rejects)} rows in {ack.reject_file}, rows_rejected {ack.rows_rejected}"
        )
    expected_orders = 1 if ack.rows_accepted else 0
    if len(ack.erp_orders) != expected_orders:
        problems.append(f"{len(ack.erp_orders)} ERP orders for {ack.rows_accepted} accepted rows")
    if ack.status not in ("accepted", "partial", "rejected"):
        problems.append(f"unknown status {ack.status!r}")
    return problems
