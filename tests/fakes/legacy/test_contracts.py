"""contracts/legacy: the CSV layouts, control files and the WSDL validator."""

from __future__ import annotations

from contracts.legacy import (
    ORDER_IMPORT,
    contract,
    validate_control,
    validate_header,
    validate_wsdl,
    wsdl_text,
)

STOCK = "sku,warehouse,quantity,as_of\r\nA,WH01,2,2026-01-05T09:00:00Z\r\nB,WH01,3,x\r\n"
CTL = ("INTERFACE_VERSION,1.0\r\nHOST_SYSTEM_NAME,ERP\r\nFILE_NAME,S.csv\r\nFILE_SEQUENCE,000001"
       "\r\nEXTRACTED_AT,2026-01-05T09:00:00Z\r\nROW_COUNT,2\r\nSUM_QUANTITY,5\r\n")


def add_to_create_order(text: str, element: str) -> str:
    """Insert ``element`` after CreateOrder's order_ref (the request, not the Order type)."""
    start = text.index('<xsd:element name="CreateOrder">')
    anchor = text.index('<xsd:element name="order_ref" type="xsd:string"/>', start)
    return text[:anchor] + element + text[anchor:]


def test_header_validator_explains_each_change() -> None:
    cols = list(ORDER_IMPORT.column_names)
    assert validate_header(ORDER_IMPORT, cols) == (True, "ok")
    assert validate_header("order_import", ",".join(cols) + "\r\nL,...") == (True, "ok")
    assert validate_header(ORDER_IMPORT, cols[:-1]) == (False, "missing columns: warehouse")
    assert validate_header(ORDER_IMPORT, [*cols, "note"]) == (False, "unexpected columns: note")
    swapped = [cols[1], cols[0], *cols[2:]]
    assert validate_header(ORDER_IMPORT, swapped)[1].startswith("columns reordered")
    assert validate_header(ORDER_IMPORT, [*cols, "sku"])[1] == "duplicate columns: sku"
    assert validate_header(ORDER_IMPORT, [c.upper() for c in cols])[0] is False
    assert validate_header(ORDER_IMPORT, "")[0] is False


def test_control_validator() -> None:
    assert validate_control("stock_export", CTL, STOCK) == (True, "ok")
    assert "ROW_COUNT 3" in validate_control("stock_export", CTL.replace("ROW_COUNT,2",
                                                                        "ROW_COUNT,3"), STOCK)[1]
    assert "SUM_QUANTITY" in validate_control("stock_export", CTL.replace(",5", ",6"), STOCK)[1]
    assert "version" in validate_control("stock_export", CTL.replace("1.0", "2.0"), STOCK)[1]
    assert "lacks keys" in validate_control("stock_export", "ROW_COUNT,2", STOCK)[1]
    assert validate_control("stock_export", CTL, STOCK.replace("quantity", "qty"))[0] is False


def test_wsdl_contract_lists_operations() -> None:
    assert sorted(contract().operations) == [
        "CreateCreditNote", "CreateCustomer", "CreateOrder", "FindCreditNotesByReference",
        "FindCustomersByReference", "FindOrdersByReference", "GetCustomer", "GetOrder",
        "GetStock", "ListShipments", "UpdateCustomer"]
    assert contract().elements["CreateOrder/lines/line/quantity"].type == "xsd:int"


def test_wsdl_validator_refuses_breaking_changes() -> None:
    text = wsdl_text()
    retyped = text.replace('name="quantity" type="xsd:int"', 'name="quantity" type="xsd:decimal"')
    assert "retyped xsd:int -> xsd:decimal" in validate_wsdl(retyped)[1]
    required = text.replace('<xsd:element name="sku" type="xsd:string" minOccurs="0"/>',
                            '<xsd:element name="sku" type="xsd:string"/>')
    assert "GetStock/sku cardinality 0..1 -> 1..1" in validate_wsdl(required)[1]
    action = text.replace("v1#GetOrder", "v2#GetOrder")
    assert "GetOrder: soap_action" in validate_wsdl(action)[1]
    removed = text.replace('<wsdl:operation name="GetStock">', '<wsdl:operation name="GetStock2">')
    assert "operation GetStock removed" in validate_wsdl(removed)[1]
    new_required = add_to_create_order(text, '<xsd:element name="channel" type="xsd:string"/>')
    assert "element CreateOrder/channel added" in validate_wsdl(new_required)[1]
    assert validate_wsdl("<nope")[0] is False
    assert "not wsdl:definitions" in validate_wsdl("<a/>")[1]


def test_wsdl_validator_tolerates_compatible_changes() -> None:
    text = wsdl_text()
    optional = add_to_create_order(
        text, '<xsd:element name="channel" type="xsd:string" minOccurs="0"/>')
    assert validate_wsdl(optional) == (True, "ok")
    moved = text.replace("http://localhost/soap/OrderService", "https://erp.example/ws")
    assert validate_wsdl(moved) == (True, "ok")
