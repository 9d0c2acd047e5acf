"""Contract data for the legacy ERP: the flat-file layouts and the OrderService WSDL.

See ``ORDER_FILE.md`` for the drop-folder conventions in prose. The validators return
``(ok, reason)`` so the engine can refuse a changed file or interface and say why.
"""

from __future__ import annotations

from contracts.legacy.layouts import (
    CONTROL_KEYS,
    EXPORT_LAYOUTS,
    INTERFACE_VERSION,
    LAYOUTS,
    ORDER_IMPORT,
    ORDER_REJECT,
    SHIPMENT_EXPORT,
    STOCK_EXPORT,
    Column,
    CsvLayout,
    parse_key_values,
    validate_control,
    validate_header,
)
from contracts.legacy.wsdl import (
    NAMESPACE,
    SERVICE_PATH,
    Interface,
    contract,
    describe,
    validate_wsdl,
    wsdl_text,
)

__all__ = [
    "CONTROL_KEYS",
    "EXPORT_LAYOUTS",
    "INTERFACE_VERSION",
    "LAYOUTS",
    "NAMESPACE",
    "ORDER_IMPORT",
    "ORDER_REJECT",
    "SERVICE_PATH",
    "SHIPMENT_EXPORT",
    "STOCK_EXPORT",
    "Column",
    "CsvLayout",
    "Interface",
    "contract",
    "describe",
    "parse_key_values",
    "validate_control",
    "validate_header",
    "validate_wsdl",
    "wsdl_text",
]
