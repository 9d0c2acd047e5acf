"""The scheduled order-file import: file checks, partial imports, sequences, no idempotency."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from fakes.core.fake import Fake
from fakes.legacy import LegacyBackend
from tests.fakes.legacy.helpers import HEADER_ROW, ack, drop, line, order_file


def run(fake: Fake) -> list[dict]:
    return fake.event("run_import")["imports"]


def test_good_file_is_imported_acked_and_moved(fake: Fake, backend: LegacyBackend) -> None:
    name, data = order_file(1, [line(line_no=1), line(line_no=2, sku="SKU-000002", quantity="3")])
    drop(backend, name, data)
    [record] = run(fake)
    counts = (record["status"], record["rows_accepted"], record["rows_rejected"])
    assert counts == ("accepted", 2, 0)
    assert ack(backend, name)["status"] == "accepted"
    assert ack(backend, name)["erp_orders"] == "SO000001"
    assert backend.folders.names("inbound") == []
    assert backend.folders.names("inbound/processed") == [name, name + ".done"]
    [order] = fake.state()["orders"]
    assert order["source"] == "file" and order["source_file"] == name
    assert [(ln["sku"], ln["quantity"]) for ln in order["lines"]] == [("SKU-000001", 2),
                                                                     ("SKU-000002", 3)]


def test_file_without_trigger_is_left_alone(fake: Fake, backend: LegacyBackend) -> None:
    name, data = order_file(1, [line()])
    drop(backend, name, data, trigger=False)
    assert run(fake) == []
    assert backend.folders.names("inbound") == [name]
    backend.folders.write("inbound", name + ".done", b"")
    assert run(fake)[0]["status"] == "accepted"


def test_renamed_column_rejects_whole_file(fake: Fake, backend: LegacyBackend) -> None:
    name, data = order_file(1, [line()], header_row=HEADER_ROW.replace("quantity", "qty"))
    drop(backend, name, data)
    [record] = run(fake)
    assert record["status"] == "rejected" and record["reason"].startswith("HEADER_MISMATCH")
    assert "missing columns: quantity" in ack(backend, name)["reason"]
    assert backend.folders.names("inbound/error") == [name, name + ".done"]
    assert fake.state()["orders"] == []


def test_reordered_columns_reject_whole_file(fake: Fake, backend: LegacyBackend) -> None:
    cols = HEADER_ROW.split(",")
    cols[5], cols[6] = cols[6], cols[5]
    name, data = order_file(1, [line()], header_row=",".join(cols))
    drop(backend, name, data)
    assert "columns reordered" in run(fake)[0]["reason"]


def test_trailer_mismatch_rejects_whole_file(fake: Fake, backend: LegacyBackend) -> None:
    name, data = order_file(1, [line(), line(line_no=2)], trailer="T,2,5,40.00")
    drop(backend, name, data)
    [record] = run(fake)
    assert record["status"] == "rejected"
    assert record["reason"].startswith("CONTROL_TOTAL_MISMATCH")
    assert (record["rows_total"], record["rows_rejected"]) == (2, 2)
    assert fake.state()["orders"] == []


def test_structure_problems_reject(fake: Fake, backend: LegacyBackend) -> None:
    bad = {
        "ORD_20260105_000001.csv": b"\xff\xfe not utf8",
        "ORD_20260105_000002.csv": (HEADER_ROW + "\r\nL,1\r\n").encode(),
        "ORD_20260105_000003.csv": order_file(3, [line()], h_seq=9)[1],
        "orders.csv": order_file(4, [line()])[1],
    }
    for name, data in bad.items():
        drop(backend, name, data)
    reasons = {r["file"]: r["reason"].split(":")[0] for r in run(fake)}
    assert reasons == {
        "ORD_20260105_000001.csv": "ENCODING",
        "ORD_20260105_000002.csv": "STRUCTURE",
        "ORD_20260105_000003.csv": "SEQUENCE_MISMATCH",
        "orders.csv": "BAD_FILE_NAME",
    }


def test_bad_rows_go_to_reject_file_others_import(fake: Fake, backend: LegacyBackend) -> None:
    lines = [
        line(line_no=1),
        line(line_no=2, sku="NOPE"),
        line(order_ref="100000002", customer="CUST9999"),
        line(line_no=3, quantity="0"),
        line(line_no=4, quantity="abc"),
        line(line_no=5, warehouse="WH99"),
    ]
    name, data = order_file(1, lines)
    drop(backend, name, data)
    [record] = run(fake)
    assert (record["status"], record["rows_accepted"], record["rows_rejected"]) == ("partial", 1, 5)
    reject_name = ack(backend, name)["reject_file"]
    assert reject_name == "ORD_20260105_000001.rej"
    rows = list(csv.DictReader(io.StringIO(backend.folders.read("ack", reject_name).decode())))
    assert [r["reason"].split(":")[0] for r in rows] == [
        "UNKNOWN_SKU", "UNKNOWN_CUSTOMER", "BAD_QUANTITY", "BAD_QUANTITY", "UNKNOWN_WAREHOUSE"]
    assert rows[0]["sku"] == "NOPE" and rows[0]["record_type"] == "L"
    [order] = fake.state()["orders"]
    assert [ln["line_no"] for ln in order["lines"]] == [1]
    assert backend.folders.names("inbound/processed") == [name, name + ".done"]


def test_all_rows_bad_is_rejected_and_does_not_use_sequence(fake: Fake, backend: LegacyBackend
                                                            ) -> None:
    name, data = order_file(1, [line(sku="NOPE")])
    drop(backend, name, data)
    assert run(fake)[0]["status"] == "rejected"
    fixed_name, fixed = order_file(1, [line()])
    drop(backend, fixed_name, fixed)
    assert run(fake)[0]["status"] == "accepted"


def test_duplicate_sequence_is_rejected(fake: Fake, backend: LegacyBackend) -> None:
    name, data = order_file(1, [line()])
    drop(backend, name, data)
    run(fake)
    other_name, other = order_file(1, [line(order_ref="X2")], date="20260106")
    drop(backend, other_name, other)
    [record] = run(fake)
    assert record["status"] == "rejected" and record["reason"].startswith("DUPLICATE_FILE")
    assert len(fake.state()["orders"]) == 1


def test_sequence_gap_is_accepted_and_recorded(fake: Fake, backend: LegacyBackend) -> None:
    for seq in (1, 4):
        name, data = order_file(seq, [line(order_ref=f"R{seq}")])
        drop(backend, name, data)
    records = run(fake)
    assert [r["status"] for r in records] == ["accepted", "accepted"]
    assert records[1]["sequence_gap"] == [2, 3]
    assert ack(backend, "ORD_20260105_000004.csv")["sequence_gap"] == "2-3"
    state = fake.state()
    assert state["sequence_gaps"][0]["missing"] == [2, 3]
    assert state["missing_sequences"] == [2, 3]
    name, data = order_file(2, [line(order_ref="R2")])
    drop(backend, name, data)
    run(fake)
    assert fake.state()["missing_sequences"] == [3]


def test_same_order_ref_twice_makes_two_orders(fake: Fake, backend: LegacyBackend) -> None:
    for seq in (1, 2):
        name, data = order_file(seq, [line(order_ref="100000042")])
        drop(backend, name, data)
    run(fake)
    orders = fake.state()["orders"]
    assert [o["order_ref"] for o in orders] == ["100000042", "100000042"]
    assert len({o["erp_order_no"] for o in orders}) == 2


def test_partial_import_fault_rejects_every_nth_valid_row(fake: Fake, backend: LegacyBackend
                                                          ) -> None:
    fake.event("set_fault", fault="partial_import", params={"every": 2, "remaining": 1})
    name, data = order_file(1, [line(line_no=n) for n in range(1, 6)])
    drop(backend, name, data)
    [record] = run(fake)
    assert (record["status"], record["rows_accepted"], record["rows_rejected"]) == ("partial", 3, 2)
    assert fake.state()["faults"] == {}  # remaining=1 used up
    rej = backend.folders.read("ack", "ORD_20260105_000001.rej").decode()
    assert rej.count("LOCKED: record is locked by another user") == 2


def test_schedule_imports_when_clock_passes_interval(fake: Fake, backend: LegacyBackend) -> None:
    name, data = order_file(1, [line()])
    drop(backend, name, data)
    assert fake.state()["imports"] == []
    fake.clock.advance(299)
    assert fake.state()["imports"] == []
    fake.clock.advance(1)
    [record] = fake.state()["imports"]
    assert (record["trigger"], record["imported_at"]) == ("schedule", "2026-01-05T09:05:00Z")
    fake.clock.advance(1000)
    state = fake.state()
    assert state["schedule"]["next_import_at"] == "2026-01-05T09:25:00Z"
    assert len(state["imports"]) == 1


def test_schedule_can_be_switched_off(tmp_path) -> None:
    from fakes.legacy import SPEC

    fake = Fake(SPEC, options={"root_dir": str(tmp_path), "import_interval_s": 0})
    name, data = order_file(1, [line()])
    drop(fake.backend, name, data)  # type: ignore[arg-type]
    fake.clock.advance(timedelta(days=1).total_seconds())
    assert fake.state()["imports"] == []


def test_more_row_reasons(fake: Fake, backend: LegacyBackend) -> None:
    lines = [
        line(line_no=1),
        line(line_no=1, sku="SKU-000002"),
        line(line_no=2, customer="CUST0002"),
        line(line_no=3, order_date="05/01/2026"),
        line(line_no=4, sku=""),
        ("100000001", "CUST0001", "2026-01-05", "\u00b2", "SKU-000001", "1", "1.00", "WH01"),
        line(line_no=6, price="1e3"),
        line(line_no=7, price="-1"),
        line(line_no=8, price="1.23456"),
    ]
    name, data = order_file(1, lines)
    data = data.replace(b"\r\nT,", b"\r\nL,short,row\r\nT,")  # an extra row with 3 fields
    data = data.replace(b"T,9,", b"T,10,")
    drop(backend, name, data)
    [record] = run(fake)
    assert (record["rows_total"], record["rows_accepted"]) == (10, 1)
    rej = backend.folders.read("ack", "ORD_20260105_000001.rej").decode()
    reasons = [r["reason"].split(":")[0] for r in csv.DictReader(io.StringIO(rej))]
    assert reasons == ["DUPLICATE_LINE", "INCONSISTENT_ORDER", "BAD_DATE", "MISSING_FIELD",
                       "BAD_LINE_NO", "BAD_PRICE", "BAD_PRICE", "BAD_PRICE", "COLUMN_COUNT"]


def test_a_file_that_breaks_the_importer_does_not_wedge_it(fake: Fake, backend: LegacyBackend,
                                                           monkeypatch) -> None:
    from fakes.legacy import importer

    def boom(name: str, data: bytes) -> None:
        raise RuntimeError("bug")

    name, data = order_file(1, [line()])
    drop(backend, name, data)
    monkeypatch.setattr(importer, "parse_order_file", boom)
    [record] = run(fake)
    assert record["reason"] == "INTERNAL_ERROR: RuntimeError"
    assert backend.folders.names("inbound/error") == [name, name + ".done"]
    assert run(fake) == []
