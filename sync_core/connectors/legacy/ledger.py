"""The connector's own durable ledger for the file transport (SQLite, one small file).

The engine's store knows jobs and bindings, not files; the file interface needs three more
records, kept here because ``sync_core.store`` belongs to the engine:

* ``order_files``: every order file, its sequence number and what became of it
  (``reserved`` -> ``putting`` -> ``sent`` -> ``imported`` | ``partial`` | ``rejected``;
  ``putting`` is written before the first byte goes out, so after a crash the connector knows
  whether an ack in ``ack/`` can be this file's or is an earlier attempt's). Sequence numbers are
  allocated here, in a transaction, and a number the ERP did not use up (a rejected file) is
  given out again, so the ERP sees no gap (FM-L04).
* ``stock_files``: every stock export seen, by name and content digest, with its verdict
  (``applied`` | ``refused`` | ``repeat`` | ``redrop`` | ``stale``), so no export is applied
  twice and a re-dropped or repeated one is recognised (FM-L04); the newest applied export's
  rows are kept so every stock run can offer them again (the flow skips what it already has).
* ``alerts``: what a person must look at (refused files, sequence gaps, repeats, partial
  imports), also logged as warnings.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger("sync_core.connectors.legacy")

SCHEMA = """
CREATE TABLE IF NOT EXISTS order_files (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    seq INTEGER NOT NULL,
    order_ref TEXT NOT NULL,
    status TEXT NOT NULL,
    rows INTEGER NOT NULL,
    data BLOB NOT NULL,
    erp_order_no TEXT,
    codes TEXT NOT NULL DEFAULT '',
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS order_files_ref ON order_files (order_ref);
CREATE INDEX IF NOT EXISTS order_files_name ON order_files (name);
CREATE TABLE IF NOT EXISTS stock_files (
    name TEXT NOT NULL,
    digest TEXT NOT NULL,
    seq INTEGER NOT NULL,
    status TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '',
    data TEXT,
    PRIMARY KEY (name, digest)
);
CREATE TABLE IF NOT EXISTS alerts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
NameFor = Callable[[int], str]
Render = Callable[[int], bytes]
HOLDS_NUMBER = ("reserved", "putting", "sent", "imported", "partial")
DROPPED = ("putting", "sent")


@dataclass(frozen=True)
class OrderFileRow:
    id: int
    name: str
    seq: int
    order_ref: str
    status: str
    rows: int
    data: bytes
    erp_order_no: str | None
    codes: frozenset[str]
    detail: str


@dataclass(frozen=True)
class StockFileRow:
    name: str
    digest: str
    seq: int
    status: str
    detail: str
    data: str | None


def _order_row(row: sqlite3.Row) -> OrderFileRow:
    codes = frozenset(c for c in str(row["codes"]).split(",") if c)
    return OrderFileRow(
        row["id"],
        row["name"],
        row["seq"],
        row["order_ref"],
        row["status"],
        row["rows"],
        bytes(row["data"]),
        row["erp_order_no"],
        codes,
        row["detail"],
    )


def _stock_row(row: sqlite3.Row) -> StockFileRow:
    return StockFileRow(
        row["name"], row["digest"], row["seq"], row["status"], row["detail"], row["data"]
    )


class Ledger:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._conn.row_factory = sqlite3.Row
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.executescript(SCHEMA)

    @contextmanager
    def tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def close(self) -> None:
        self._conn.close()

    # -- meta -------------------------------------------------------------------------------
    def meta(self, key: str) -> str | None:
        row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row["value"])

    def set_meta(self, key: str, value: str) -> None:
        with self.tx() as conn:
            conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    # -- order files ------------------------------------------------------------------------
    def has_order_files(self) -> bool:
        return self._conn.execute("SELECT 1 FROM order_files LIMIT 1").fetchone() is not None

    def latest_for(self, order_ref: str) -> OrderFileRow | None:
        row = self._conn.execute(
            "SELECT * FROM order_files WHERE order_ref = ? ORDER BY id DESC LIMIT 1", (order_ref,)
        ).fetchone()
        return None if row is None else _order_row(row)

    def open_file(self, name: str) -> OrderFileRow | None:
        """The file of this name that went out and waits for its ack, if any."""
        row = self._conn.execute(
            "SELECT * FROM order_files WHERE name = ? AND status IN (?, ?) ORDER BY id DESC",
            (name, *DROPPED),
        ).fetchone()
        return None if row is None else _order_row(row)

    def earlier_attempt(self, name: str, file_id: int) -> bool:
        """Whether a file of this name went out before (a number given out again)."""
        found = self._conn.execute(
            "SELECT 1 FROM order_files WHERE name = ? AND id < ?", (name, file_id)
        ).fetchone()
        return found is not None

    def knows_file(self, name: str) -> bool:
        found = self._conn.execute("SELECT 1 FROM order_files WHERE name = ?", (name,)).fetchone()
        return found is not None

    def resends(self, order_ref: str) -> int:
        row = self._conn.execute(
            "SELECT COUNT(*) AS n FROM order_files WHERE order_ref = ? AND status = 'rejected'",
            (order_ref,),
        ).fetchone()
        return int(row["n"])

    def reserve(
        self, order_ref: str, rows: int, floor: int, name_for: NameFor, render: Render
    ) -> OrderFileRow:
        """Take the lowest free sequence number above ``floor`` and record the file."""
        with self.tx() as conn:
            taken = {
                int(r["seq"])
                for r in conn.execute(
                    "SELECT seq FROM order_files WHERE status IN (?, ?, ?, ?, ?) "
                    "OR (status = 'rejected' AND codes LIKE '%DUPLICATE_FILE%')",
                    HOLDS_NUMBER,
                )
            }
            seq = floor + 1
            while seq in taken:
                seq += 1
            name = name_for(seq)
            cursor = conn.execute(
                "INSERT INTO order_files (name, seq, order_ref, status, rows, data) "
                "VALUES (?, ?, ?, 'reserved', ?, ?)",
                (name, seq, order_ref, rows, render(seq)),
            )
            row = conn.execute(
                "SELECT * FROM order_files WHERE id = ?", (cursor.lastrowid,)
            ).fetchone()
        return _order_row(row)

    def settle(
        self,
        file_id: int,
        status: str,
        *,
        erp_order_no: str | None = None,
        codes: set[str] | frozenset[str] = frozenset(),
        detail: str = "",
    ) -> None:
        with self.tx() as conn:
            conn.execute(
                "UPDATE order_files SET status = ?, erp_order_no = ?, codes = ?, detail = ? "
                "WHERE id = ?",
                (status, erp_order_no, ",".join(sorted(codes)), detail, file_id),
            )

    def advance(self, file_id: int, status: str) -> None:
        """``reserved`` -> ``putting`` -> ``sent`` (never back, never past an ack)."""
        before = {"putting": ("reserved",), "sent": ("reserved", "putting")}[status]
        with self.tx() as conn:
            conn.execute(
                f"UPDATE order_files SET status = ? WHERE id = ? AND status IN "
                f"({', '.join('?' for _ in before)})",
                (status, file_id, *before),
            )

    # -- stock files ------------------------------------------------------------------------
    def stock_file(self, name: str, digest: str | None = None) -> StockFileRow | None:
        query, args = "SELECT * FROM stock_files WHERE name = ?", [name]
        if digest is not None:
            query, args = query + " AND digest = ?", [name, digest]
        row = self._conn.execute(query, args).fetchone()
        return None if row is None else _stock_row(row)

    def stock_digest_seen(self, digest: str) -> StockFileRow | None:
        row = self._conn.execute(
            "SELECT * FROM stock_files WHERE digest = ? AND status = 'applied' ORDER BY seq",
            (digest,),
        ).fetchone()
        return None if row is None else _stock_row(row)

    def last_stock_seq(self) -> int | None:
        row = self._conn.execute(
            "SELECT MAX(seq) AS seq FROM stock_files WHERE status IN ('applied', 'repeat', "
            "'refused')"
        ).fetchone()
        return None if row["seq"] is None else int(row["seq"])

    def newest_stock(self) -> StockFileRow | None:
        """The export with the highest sequence number that was not an old one."""
        row = self._conn.execute(
            "SELECT * FROM stock_files WHERE status IN ('applied', 'refused', 'repeat') "
            "ORDER BY seq DESC LIMIT 1"
        ).fetchone()
        return None if row is None else _stock_row(row)

    def newest_applied(self) -> StockFileRow | None:
        row = self._conn.execute(
            "SELECT * FROM stock_files WHERE status = 'applied' ORDER BY seq DESC LIMIT 1"
        ).fetchone()
        return None if row is None else _stock_row(row)

    def record_stock(
        self,
        name: str,
        digest: str,
        seq: int,
        status: str,
        detail: str = "",
        data: str | None = None,
    ) -> None:
        with self.tx() as conn:
            if data is not None:  # only the newest applied export's rows are kept
                conn.execute("UPDATE stock_files SET data = NULL WHERE data IS NOT NULL")
            conn.execute(
                "INSERT OR REPLACE INTO stock_files (name, digest, seq, status, detail, data) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (name, digest, seq, status, detail, data),
            )

    # -- alerts -----------------------------------------------------------------------------
    def alert(self, kind: str, subject: str, detail: str) -> None:
        log.warning("legacy %s %s: %s", kind, subject, detail)
        with self.tx() as conn:
            conn.execute(
                "INSERT INTO alerts (kind, subject, detail) VALUES (?, ?, ?)",
                (kind, subject, detail),
            )

    def alerts(self) -> list[dict[str, str]]:
        rows = self._conn.execute("SELECT kind, subject, detail FROM alerts ORDER BY id")
        return [dict(r) for r in rows]
