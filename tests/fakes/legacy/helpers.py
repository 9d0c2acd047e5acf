"""Builders for order files and raw SOAP envelopes used by the legacy fake's tests."""

from __future__ import annotations

import base64
from decimal import Decimal

from contracts.legacy.layouts import ORDER_IMPORT, order_file_name
from fakes.legacy import LegacyBackend

Line = tuple[str, str, str, str, str, str, str, str]
NS = "urn:legacy-erp:order-service:v1"
HEADER_ROW = ",".join(ORDER_IMPORT.column_names)


def line(order_ref: str = "100000001", line_no: int = 1, sku: str = "SKU-000001",
         quantity: str = "2", price: str = "10.00", warehouse: str = "WH01",
         customer: str = "CUST0001", order_date: str = "2026-01-05") -> Line:
    return (order_ref, customer, order_date, str(line_no), sku, quantity, price, warehouse)


def trailer_for(lines: list[Line]) -> str:
    qty = sum((Decimal(q) for *_, q, _p, _w in lines if _is_num(q)), Decimal(0))
    amount = sum(
        (Decimal(q) * Decimal(p) for *_, q, p, _w in lines if _is_num(q) and _is_num(p)),
        Decimal(0),
    )
    return f"T,{len(lines)},{qty},{amount.quantize(Decimal('0.01'))}"


def _is_num(text: str) -> bool:
    try:
        Decimal(text)
    except ArithmeticError:
        return False
    return True


def order_file(seq: int, lines: list[Line], *, header_row: str = HEADER_ROW,
               trailer: str | None = None, h_seq: int | None = None,
               date: str = "20260105") -> tuple[str, bytes]:
    """An order file's name and bytes (CRLF, UTF-8), with correct totals unless overridden."""
    header_seq = h_seq if h_seq is not None else seq
    rows = [header_row, f"H,{header_seq:06d},2026-01-05T09:00:00Z,MAGENTO"]
    rows += ["L," + ",".join(values) for values in lines]
    rows.append(trailer if trailer is not None else trailer_for(lines))
    return order_file_name(date, seq), ("\r\n".join(rows) + "\r\n").encode("utf-8")


def basic(username: str, password: str) -> dict[str, str]:
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


def envelope(body: str, header: str = "") -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" '
        f'xmlns:tns="{NS}">'
        f"<soap:Header>{header}</soap:Header><soap:Body>{body}</soap:Body></soap:Envelope>"
    ).encode()


def action(operation: str) -> dict[str, str]:
    return {"SOAPAction": f'"{NS}#{operation}"', "Content-Type": "text/xml; charset=utf-8"}


def drop(backend: LegacyBackend, name: str, data: bytes, trigger: bool = True) -> None:
    """Drop a file the way a local connector would: data first, trigger last."""
    backend.folders.write("inbound", name, data)
    if trigger:
        backend.folders.write("inbound", name + ".done", b"")


def ack(backend: LegacyBackend, name: str) -> dict[str, str]:
    from contracts.legacy.layouts import parse_key_values, stem

    return parse_key_values(backend.folders.read("ack", stem(name) + ".ack").decode())
