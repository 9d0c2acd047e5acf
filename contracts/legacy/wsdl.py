"""The legacy ERP's SOAP OrderService as contract data, and a WSDL validator.

``OrderService.wsdl`` beside this module is the one copy of the interface: the fake serves it
and the engine compares whatever WSDL the ERP serves today against it (FM-L02). ``describe``
reduces a WSDL to what a client binds to: operations (SOAPAction, input, output and fault
elements) and every element path of their payloads with its type and cardinality.
``validate_wsdl`` returns ``(ok, reason)``: removed, renamed or retyped elements, changed
cardinality, changed actions and new required request elements are refused; new operations
and new optional request elements are tolerated.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

from lxml import etree

NAMESPACE = "urn:legacy-erp:order-service:v1"
SERVICE_PATH = "/soap/OrderService"
FAULT_ELEMENT = "OrderServiceFault"
WSDL_FILE = "OrderService.wsdl"
PLACEHOLDER_LOCATION = "http://localhost/soap/OrderService"

WSDL_NS = "http://schemas.xmlsoap.org/wsdl/"
WSDL_SOAP_NS = "http://schemas.xmlsoap.org/wsdl/soap/"
XSD_NS = "http://www.w3.org/2001/XMLSchema"
NS = {"wsdl": WSDL_NS, "soap": WSDL_SOAP_NS, "xsd": XSD_NS}
MAX_DEPTH = 12


@dataclass(frozen=True)
class ElementInfo:
    type: str
    min_occurs: str = "1"
    max_occurs: str = "1"


@dataclass(frozen=True)
class Operation:
    name: str
    soap_action: str | None
    input_element: str | None
    output_element: str | None
    fault_elements: tuple[str, ...] = ()


@dataclass(frozen=True)
class Interface:
    namespace: str | None
    operations: dict[str, Operation]
    elements: dict[str, ElementInfo]

    def input_elements(self) -> set[str]:
        return {op.input_element for op in self.operations.values() if op.input_element}


@lru_cache(maxsize=1)
def wsdl_text() -> str:
    """The contract WSDL as served (before its address is set)."""
    return files(__package__).joinpath(WSDL_FILE).read_text(encoding="utf-8")


def safe_parser() -> etree.XMLParser:
    """No entities, no DTDs, no network: the parser for anything that came over the wire."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def _local(qname: str | None, node: etree._Element) -> tuple[str | None, str]:
    if not qname:
        return None, ""
    prefix, _, local = qname.rpartition(":")
    return node.nsmap.get(prefix or None), local


class _Schema:
    """Named complex types and global elements of the inline schemas."""

    def __init__(self, root: etree._Element) -> None:
        self.types: dict[str, etree._Element] = {}
        self.elements: dict[str, etree._Element] = {}
        for schema in root.iterfind("wsdl:types/xsd:schema", NS):
            for node in schema.iterfind("xsd:complexType", NS):
                self.types[node.get("name", "")] = node
            for node in schema.iterfind("xsd:element", NS):
                self.elements[node.get("name", "")] = node

    def flatten(self) -> dict[str, ElementInfo]:
        paths: dict[str, ElementInfo] = {}
        for name, node in self.elements.items():
            self._walk(node, name, paths, 0)
        return paths

    def _walk(
        self, node: etree._Element, path: str, out: dict[str, ElementInfo], depth: int
    ) -> None:
        complex_node = self._complex_of(node)
        info_type = "complex" if complex_node is not None else self._simple_type(node)
        out[path] = ElementInfo(
            info_type, node.get("minOccurs", "1"), node.get("maxOccurs", "1")
        )
        if complex_node is None or depth >= MAX_DEPTH:
            return
        for child in complex_node.iterfind("./*/xsd:element", NS):
            name = child.get("name") or _local(child.get("ref"), child)[1]
            self._walk(child, f"{path}/{name}", out, depth + 1)

    def _complex_of(self, node: etree._Element) -> etree._Element | None:
        inline = node.find("xsd:complexType", NS)
        if inline is not None:
            return inline
        namespace, local = _local(node.get("type"), node)
        if namespace != XSD_NS and local in self.types:
            return self.types[local]
        return None

    @staticmethod
    def _simple_type(node: etree._Element) -> str:
        namespace, local = _local(node.get("type"), node)
        if namespace == XSD_NS:
            return f"xsd:{local}"
        return f"{{{namespace}}}{local}" if local else "anyType"


def _messages(root: etree._Element) -> dict[str, str]:
    found: dict[str, str] = {}
    for message in root.iterfind("wsdl:message", NS):
        part = message.find("wsdl:part", NS)
        if part is not None:
            found[message.get("name", "")] = _local(part.get("element"), part)[1]
    return found


def _actions(root: etree._Element) -> dict[str, str | None]:
    actions: dict[str, str | None] = {}
    for operation in root.iterfind("wsdl:binding/wsdl:operation", NS):
        soap_op = operation.find("soap:operation", NS)
        actions[operation.get("name", "")] = (
            soap_op.get("soapAction") if soap_op is not None else None
        )
    return actions


def _operations(root: etree._Element) -> dict[str, Operation]:
    messages, actions = _messages(root), _actions(root)

    def element(node: etree._Element | None) -> str | None:
        return messages.get(_local(node.get("message"), node)[1]) if node is not None else None

    operations: dict[str, Operation] = {}
    for op in root.iterfind("wsdl:portType/wsdl:operation", NS):
        name = op.get("name", "")
        faults = tuple(sorted(filter(None, (element(f) for f in op.iterfind("wsdl:fault", NS)))))
        operations[name] = Operation(
            name, actions.get(name), element(op.find("wsdl:input", NS)),
            element(op.find("wsdl:output", NS)), faults,
        )
    return operations


def describe(text: str | bytes) -> Interface:
    """Reduce a WSDL document to its operations and payload element paths.

    Raises ``ValueError`` when the text is not a WSDL 1.1 document.
    """
    data = text.encode("utf-8") if isinstance(text, str) else text
    try:
        root = etree.fromstring(data, safe_parser())
    except etree.XMLSyntaxError as exc:
        raise ValueError(f"not well-formed XML: {exc}") from exc
    if root.tag != f"{{{WSDL_NS}}}definitions":
        raise ValueError(f"root element is {root.tag}, not wsdl:definitions")
    return Interface(root.get("targetNamespace"), _operations(root), _Schema(root).flatten())


@lru_cache(maxsize=1)
def contract() -> Interface:
    """The contract interface (the described ``OrderService.wsdl``)."""
    return describe(wsdl_text())


def _operation_problems(expected: Interface, got: Interface) -> list[str]:
    problems: list[str] = []
    for name, op in expected.operations.items():
        other = got.operations.get(name)
        if other is None:
            problems.append(f"operation {name} removed")
            continue
        for attr in ("soap_action", "input_element", "output_element", "fault_elements"):
            if getattr(op, attr) != getattr(other, attr):
                problems.append(f"operation {name}: {attr} {getattr(op, attr)!r} -> "
                                f"{getattr(other, attr)!r}")
    return problems


def _element_problems(expected: Interface, got: Interface) -> list[str]:
    problems: list[str] = []
    for path, info in expected.elements.items():
        other = got.elements.get(path)
        if other is None:
            problems.append(f"element {path} removed or renamed")
        elif other.type != info.type:
            problems.append(f"element {path} retyped {info.type} -> {other.type}")
        elif (other.min_occurs, other.max_occurs) != (info.min_occurs, info.max_occurs):
            problems.append(f"element {path} cardinality {info.min_occurs}..{info.max_occurs} -> "
                            f"{other.min_occurs}..{other.max_occurs}")
    roots = {path.split("/")[0] for path in expected.elements}
    inputs = expected.input_elements()
    for path, other in got.elements.items():
        root = path.split("/")[0]
        if path in expected.elements or root not in roots:
            continue
        if root in inputs and other.min_occurs == "0":
            continue
        problems.append(f"element {path} added")
    return problems


def validate_wsdl(text: str | bytes, expected: Interface | None = None) -> tuple[bool, str]:
    """Compare a served WSDL with the contract; ``(True, "ok")`` when a client can rely on it."""
    try:
        got = describe(text)
    except ValueError as exc:
        return False, str(exc)
    want = expected or contract()
    problems: list[str] = []
    if got.namespace != want.namespace:
        problems.append(f"target namespace {want.namespace} -> {got.namespace}")
    problems += _operation_problems(want, got) + _element_problems(want, got)
    if not problems:
        return True, "ok"
    shown = "; ".join(problems[:5])
    return False, shown + (f"; and {len(problems) - 5} more" if len(problems) > 5 else "")
