"""SuiteQL (``POST /services/rest/query/v1/suiteql``) over an in-memory SQLite copy of the state.

Only a single ``SELECT`` runs (SQLite's authorizer refuses anything that is not a read). The
modelled tables and columns (lower case, after NetSuite's analytics data source; partly
unconfirmed, see below):

``transaction``       id, tranid, externalid, type ('SalesOrd', 'ItemShip', 'CustInvc',
                      'CustCred', 'RtnAuth'), status (the one-letter status id of the record
                      type), entity, trandate, createddate, lastmodifieddate, otherrefnum, memo,
                      email, currency, createdfrom (the source transaction; a header column
                      here is unconfirmed, ``transactionline.createdfrom`` is the documented
                      one), foreigntotal (the total; unconfirmed), plus every ``custbody*`` field
                      set
``transactionline``   transaction, id, linesequencenumber, mainline ('T' for the header row
                      0), item, quantity (negative on sales orders, fulfilments and invoices,
                      as NetSuite stores outbound quantities; positive on credit memos and return
                      authorizations), rate, location, quantityshiprecv, isclosed, memo,
                      createdfrom
``customer``          id, entityid, email, externalid, companyname, firstname, lastname,
                      isperson, isinactive, datecreated, lastmodifieddate, phone
``item``              id, itemid, externalid, displayname, itemtype ('InvtPart'), isinactive,
                      lastmodifieddate
``location``          id, name, isinactive
``inventoryitemlocations``  item, location, quantityonhand, quantityavailable,
                      quantitycommitted, lastmodifieddate (modelled after NetSuite's
                      InventoryItemLocations; ``lastmodifieddate`` there is unconfirmed)
``pricelevel``        id, name, discountpct, isinactive
``salepricerule``     id, name, externalid, startdate, enddate, pricelevel, currency,
                      priority, isinactive, lastmodifieddate (the REST record's body fields,
                      lower case; the analytics table and column names are unconfirmed)
``salepriceruleentry``  id, item, pricerule, externalid, lastmodifieddate (unconfirmed as
                      above; the quantity breaks are read through the REST record)

Rows come back with lower-case keys, every value as a string, NULL columns left out, and
``"links": []`` (unconfirmed in detail; NetSuite returns strings for numbers). Booleans are
'T'/'F'. Dates print as ``M/D/YYYY`` (option ``suiteql_dates="iso"`` for ISO), compare as
ISO text, and ``TO_DATE``, ``TO_TIMESTAMP``, ``TO_CHAR`` (Oracle formats), ``NVL`` and
``SYSDATE`` (the fake's clock) are available. ``LIKE`` is case-sensitive, as in Oracle.
"""

from __future__ import annotations

import re
import sqlite3
import weakref
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from fakes.netsuite.errors import bad_request

if TYPE_CHECKING:
    from fakes.netsuite.state import NetSuiteBackend

INVALID = "Invalid search query. Detailed unprocessed description follows. Search error occurred: "
ISO = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$")
ORACLE_TOKENS = re.compile(r'"[^"]*"|YYYY|HH24|HH12|HH|MI|SS|MM|DD|YY|AM|PM', re.I)
STRFTIME = {"YYYY": "%Y", "YY": "%y", "MM": "%m", "DD": "%d", "HH24": "%H", "HH12": "%I",
            "HH": "%I", "MI": "%M", "SS": "%S", "AM": "%p", "PM": "%p"}
STRING_LITERAL = re.compile(r"'(?:[^']|'')*'")
PROGRESS_STEP = 10_000
MAX_PROGRESS_CALLS = 10_000
ALLOWED_ACTIONS = {sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_FUNCTION}
TABLES: dict[str, tuple[str, ...]] = {
    "transaction": ("id INTEGER", "tranid TEXT", "externalid TEXT", "type TEXT", "status TEXT",
                    "entity INTEGER", "trandate TEXT", "createddate TEXT",
                    "lastmodifieddate TEXT", "otherrefnum TEXT", "memo TEXT", "email TEXT",
                    "currency INTEGER", "createdfrom INTEGER", "foreigntotal REAL"),
    "transactionline": ("\"transaction\" INTEGER", "id INTEGER", "linesequencenumber INTEGER",
                        "mainline TEXT", "item INTEGER", "quantity REAL", "rate REAL",
                        "location INTEGER", "quantityshiprecv REAL", "isclosed TEXT",
                        "memo TEXT", "createdfrom INTEGER"),
    "customer": ("id INTEGER", "entityid TEXT", "email TEXT", "externalid TEXT",
                 "companyname TEXT", "firstname TEXT", "lastname TEXT", "isperson TEXT",
                 "isinactive TEXT", "datecreated TEXT", "lastmodifieddate TEXT", "phone TEXT"),
    "item": ("id INTEGER", "itemid TEXT", "externalid TEXT", "displayname TEXT",
             "itemtype TEXT", "isinactive TEXT", "lastmodifieddate TEXT"),
    "location": ("id INTEGER", "name TEXT", "isinactive TEXT"),
    "inventoryitemlocations": ("item INTEGER", "location INTEGER", "quantityonhand REAL",
                               "quantityavailable REAL", "quantitycommitted REAL",
                               "lastmodifieddate TEXT"),
    "pricelevel": ("id INTEGER", "name TEXT", "discountpct REAL", "isinactive TEXT"),
    "salepricerule": ("id INTEGER", "name TEXT", "externalid TEXT", "startdate TEXT",
                      "enddate TEXT", "pricelevel INTEGER", "currency INTEGER",
                      "priority INTEGER", "isinactive TEXT", "lastmodifieddate TEXT"),
    "salepriceruleentry": ("id INTEGER", "item INTEGER", "pricerule INTEGER", "externalid TEXT",
                           "lastmodifieddate TEXT"),
}
TRANSACTION_TYPES = {"salesOrder": "SalesOrd", "itemFulfillment": "ItemShip",
                     "invoice": "CustInvc", "creditMemo": "CustCred",
                     "returnAuthorization": "RtnAuth"}
LINE_SIGN = {"invoice": -1.0, "creditMemo": 1.0, "returnAuthorization": 1.0}
_CACHE: weakref.WeakKeyDictionary[Any, tuple[int, sqlite3.Connection]] = (
    weakref.WeakKeyDictionary())


def run(b: NetSuiteBackend, query: str) -> list[dict[str, Any]]:
    """All rows of ``query`` as NetSuite returns them; 400 ``INVALID_PARAMETER`` if it fails."""
    sql = _prepare(query, b.now())
    conn = _database(b)
    conn.set_authorizer(_authorize)
    conn.set_progress_handler(_budget(), PROGRESS_STEP)
    try:
        cursor = conn.execute(sql)
        names = [d[0].lower() for d in cursor.description or ()]
        rows = cursor.fetchall()
    except (sqlite3.Error, ValueError) as exc:
        raise bad_request("INVALID_PARAMETER", INVALID + _explain(exc)) from None
    finally:
        conn.set_authorizer(None)
        conn.set_progress_handler(None, 0)
    iso = b.option("suiteql_dates") == "iso"
    return [_row(names, row, iso) for row in rows]


def _prepare(query: str, now: datetime) -> str:
    sql = query.strip()
    if sql.endswith(";"):
        sql = sql[:-1].rstrip()
    if not re.match(r"select\b", sql, re.I):
        raise bad_request("INVALID_PARAMETER", INVALID + "Only SELECT statements are supported.")
    return _outside_literals(sql, lambda part: _rewrite(part, now))


def _rewrite(part: str, now: datetime) -> str:
    """SQLite spellings: the keyword ``transaction`` quoted, SYSDATE as the clock's time."""
    part = re.sub(r'(?<![\w"])transaction(?![\w"])', '"transaction"', part, flags=re.I)
    return re.sub(r"\b(SYSDATE|CURRENT_TIMESTAMP|CURRENT_DATE)\b", f"'{_iso(now)}'", part,
                  flags=re.I)


def _outside_literals(sql: str, change: Any) -> str:
    out, pos = [], 0
    for match in STRING_LITERAL.finditer(sql):
        out.append(change(sql[pos:match.start()]))
        out.append(match.group(0))
        pos = match.end()
    out.append(change(sql[pos:]))
    return "".join(out)


def _budget() -> Any:
    """A progress handler that stops a runaway query (SQLite reports it as interrupted)."""
    steps = iter(range(MAX_PROGRESS_CALLS))
    return lambda: next(steps, None) is None


def _authorize(action: int, *args: Any) -> int:
    return sqlite3.SQLITE_OK if action in ALLOWED_ACTIONS else sqlite3.SQLITE_DENY


def _explain(exc: Exception) -> str:
    text = str(exc)
    if match := re.match(r"no such column: (.+)", text):
        return f"Field '{match.group(1)}' was not found."
    if match := re.match(r"no such table: (.+)", text):
        return f"Record '{match.group(1)}' was not found."
    if "one statement at a time" in text:
        return "Only a single SELECT statement is supported."
    if "not authorized" in text:
        return "Only plain SELECT statements are supported."
    if "interrupted" in text:
        return "The query took too long and was stopped."
    return text


def _row(names: list[str], row: tuple[Any, ...], iso: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"links": []}
    for name, value in zip(names, row, strict=True):
        if value is not None:
            out[name] = _text(value, iso)
    return out


def _text(value: Any, iso: bool) -> str:
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    text = str(value)
    if ISO.match(text):
        moment = datetime.fromisoformat(text)
        return f"{text}Z" if iso else f"{moment.month}/{moment.day}/{moment.year}"
    return text


# -- the database -------------------------------------------------------------------------------
def _database(b: NetSuiteBackend) -> sqlite3.Connection:
    cached = _CACHE.get(b)
    if cached is not None and cached[0] == b.version:
        return cached[1]
    conn = sqlite3.connect(":memory:", check_same_thread=False)
    _functions(conn)
    custom = sorted({k for name in TRANSACTION_TYPES for o in b.records[name].values()
                     for k in o if k.startswith("custbody")})
    _create(conn, "transaction", TABLES["transaction"] + tuple(f"{c} TEXT" for c in custom))
    for table in TABLES:
        if table != "transaction":
            _create(conn, table, TABLES[table])
    _load(conn, b, custom)
    conn.execute("PRAGMA case_sensitive_like = ON")
    _CACHE[b] = (b.version, conn)
    return conn


def _create(conn: sqlite3.Connection, table: str, columns: Iterable[str]) -> None:
    conn.execute(f'CREATE TABLE "{table}" ({", ".join(columns)})')


def _insert(conn: sqlite3.Connection, table: str, rows: list[tuple[Any, ...]]) -> None:
    if rows:
        marks = ", ".join("?" * len(rows[0]))
        conn.executemany(f'INSERT INTO "{table}" VALUES ({marks})', rows)


def _load(conn: sqlite3.Connection, b: NetSuiteBackend, custom: list[str]) -> None:
    transactions, lines = [], []
    for name, kind in TRANSACTION_TYPES.items():
        rt = b.rtype(name)
        for stored in b.records[name].values():
            rec = b.materialize(rt, stored)
            transactions.append(_transaction(rec, kind, _status(rec), custom))
            lines += _lines(name, rec)
    _insert(conn, "transaction", transactions)
    _insert(conn, "transactionline", lines)
    _insert(conn, "customer", [_customer(c) for c in b.records["customer"].values()])
    _insert(conn, "item", [_item(i) for i in b.records["inventoryItem"].values()])
    _insert(conn, "location", [(int(loc["id"]) if loc["id"].isdigit() else loc["id"],
                                loc["name"], _tf(loc.get("isInactive")))
                               for loc in b.records["location"].values()])
    _insert(conn, "inventoryitemlocations", _stock_rows(b))
    _load_pricing(conn, b)


def _load_pricing(conn: sqlite3.Connection, b: NetSuiteBackend) -> None:
    _insert(conn, "pricelevel", [(int(p["id"]), p.get("name"), p.get("discountPct"),
                                  _tf(p.get("isInactive")))
                                 for p in b.records["priceLevel"].values()])
    _insert(conn, "salepricerule", [
        (int(r["id"]), r.get("name"), r.get("externalId"), _iso_text(r.get("startDate")),
         _iso_text(r.get("endDate")), _ref(r.get("priceLevel")), _ref(r.get("currency")),
         r.get("priority"), _tf(r.get("isInactive")), _iso_text(r.get("lastModifiedDate")))
        for r in b.records["salePriceRule"].values()])
    _insert(conn, "salepriceruleentry", [
        (int(e["id"]), _ref(e.get("item")), _ref(e.get("priceRule")), e.get("externalId"),
         _iso_text(e.get("lastModifiedDate")))
        for e in b.records["salePriceRuleEntry"].values()])


def _status(rec: dict[str, Any]) -> Any:
    status = rec.get("orderStatus") or rec.get("status") or rec.get("shipStatus")
    return _ref(status)


def _lines(name: str, rec: dict[str, Any]) -> list[tuple[Any, ...]]:
    if name == "salesOrder":
        return _order_lines(rec)
    if name == "itemFulfillment":
        return _fulfilment_lines(rec)
    return _billing_lines(rec, LINE_SIGN[name])


def _transaction(rec: dict[str, Any], kind: str, status: Any, custom: list[str]
                 ) -> tuple[Any, ...]:
    base = (int(rec["id"]), rec.get("tranId"), rec.get("externalId"), kind, status,
            _ref(rec.get("entity")), _iso_text(rec.get("tranDate")),
            _iso_text(rec.get("createdDate")), _iso_text(rec.get("lastModifiedDate")),
            rec.get("otherRefNum"), rec.get("memo"), rec.get("email"), _ref(rec.get("currency")),
            _ref(rec.get("createdFrom")), rec.get("total"))
    return base + tuple(_scalar(rec.get(c)) for c in custom)


def _order_lines(order: dict[str, Any]) -> list[tuple[Any, ...]]:
    rid = int(order["id"])
    rows: list[tuple[Any, ...]] = [(rid, 0, 0, "T", None, None, None, _ref(order.get("location")),
                                    None, "F", order.get("memo"), None)]
    for line in order["item"]:
        location = line.get("location") or order.get("location")
        rows.append((rid, line["line"], line["line"], "F", _ref(line["item"]), -line["quantity"],
                     line.get("rate"), _ref(location), line["quantityFulfilled"],
                     _tf(line.get("isClosed")), line.get("description"), None))
    return rows


def _fulfilment_lines(ship: dict[str, Any]) -> list[tuple[Any, ...]]:
    rid, source = int(ship["id"]), _ref(ship["createdFrom"])
    rows: list[tuple[Any, ...]] = [(rid, 0, 0, "T", None, None, None, None, None, "F",
                                    ship.get("memo"), source)]
    for line in ship["item"]:
        rows.append((rid, line["line"], line["line"], "F", _ref(line["item"]), -line["quantity"],
                     None, _ref(line["location"]), None, "F", line.get("description"), source))
    return rows


def _billing_lines(rec: dict[str, Any], sign: float) -> list[tuple[Any, ...]]:
    rid, source = int(rec["id"]), _ref(rec["createdFrom"])
    rows: list[tuple[Any, ...]] = [(rid, 0, 0, "T", None, None, None, _ref(rec.get("location")),
                                    None, "F", rec.get("memo"), source)]
    for line in rec["item"]:
        rows.append((rid, line["line"], line["line"], "F", _ref(line["item"]),
                     sign * line["quantity"], line.get("rate"), _ref(line.get("location")),
                     None, "F", line.get("description"), source))
    return rows


def _customer(c: dict[str, Any]) -> tuple[Any, ...]:
    return (int(c["id"]), c.get("entityId"), c.get("email"), c.get("externalId"),
            c.get("companyName"), c.get("firstName"), c.get("lastName"), _tf(c.get("isPerson")),
            _tf(c.get("isInactive")), _iso_text(c.get("dateCreated")),
            _iso_text(c.get("lastModifiedDate")), c.get("phone"))


def _item(i: dict[str, Any]) -> tuple[Any, ...]:
    return (int(i["id"]), i.get("itemId"), i.get("externalId"), i.get("displayName"), "InvtPart",
            _tf(i.get("isInactive")), _iso_text(i.get("lastModifiedDate")))


def _stock_rows(b: NetSuiteBackend) -> list[tuple[Any, ...]]:
    committed = b.committed()
    rows = []
    for item_id, by_location in b.stock.items():
        for loc_id, entry in by_location.items():
            on_hand = entry["quantityOnHand"]
            held = min(committed.get((item_id, loc_id), 0.0), max(on_hand, 0.0))
            rows.append((int(item_id), int(loc_id) if loc_id.isdigit() else loc_id, on_hand,
                         on_hand - held, held, _iso_text(entry.get("lastModifiedDate"))))
    return rows


def _ref(value: Any) -> Any:
    if not isinstance(value, dict) or value.get("id") is None:
        return None
    rid = str(value["id"])
    return int(rid) if rid.isdigit() else rid


def _tf(value: Any) -> str:
    return "T" if value else "F"


def _scalar(value: Any) -> Any:
    if isinstance(value, dict):
        return value.get("id")
    if isinstance(value, bool):
        return _tf(value)
    return value if isinstance(value, str | int | float) or value is None else str(value)


def _iso_text(value: Any) -> str | None:
    if not value:
        return None
    text = str(value).rstrip("Z")
    return text if "T" in text else f"{text}T00:00:00"


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S")


# -- Oracle-style functions ---------------------------------------------------------------------
def _functions(conn: sqlite3.Connection) -> None:
    conn.create_function("TO_DATE", -1, _to_date, deterministic=True)
    conn.create_function("TO_TIMESTAMP", -1, _to_date, deterministic=True)
    conn.create_function("TO_CHAR", -1, _to_char, deterministic=True)
    conn.create_function("NVL", 2, lambda a, b: b if a is None else a, deterministic=True)


def _strftime_format(oracle: str) -> str:
    def one(match: re.Match[str]) -> str:
        token = match.group(0)
        if token.startswith('"'):
            return token[1:-1].replace("%", "%%")
        return STRFTIME[token.upper()]

    pieces, pos = [], 0
    for match in ORACLE_TOKENS.finditer(oracle):
        pieces.append(oracle[pos:match.start()].replace("%", "%%"))
        pieces.append(one(match))
        pos = match.end()
    pieces.append(oracle[pos:].replace("%", "%%"))
    return "".join(pieces)


def _to_date(text: Any, fmt: Any = "MM/DD/YYYY", *_: Any) -> str | None:
    if text is None:
        return None
    try:
        return _iso(datetime.strptime(str(text), _strftime_format(str(fmt))))
    except ValueError:
        raise ValueError(f"{text!r} does not match the date format {fmt!r}") from None


def _to_char(value: Any, fmt: Any = None, *_: Any) -> str | None:
    if value is None:
        return None
    text = str(value)
    if fmt is None or not ISO.match(text):
        return _text(value, True) if isinstance(value, float) else text
    return datetime.fromisoformat(text).strftime(_strftime_format(str(fmt)))
