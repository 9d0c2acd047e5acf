"""The OData services the fake serves under ``/sap/opu/odata/sap/``, with their metadata.

Each service's ``$metadata`` is a package data file in ``fakes/s4hana/metadata/`` (derived
from SAP's reference EDMX by :mod:`contracts.s4hana`, or hand-written from SAP's published
names); it is parsed once into a :class:`contracts.s4hana.edmx.ServiceModel` that drives
parsing, validation and rendering.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from contracts.s4hana.edmx import EntityType, ServiceModel, parse_edmx
from contracts.s4hana.extract import file_name

METADATA_DIR = Path(__file__).parent / "metadata"
ROOT = "/sap/opu/odata/sap"


@dataclass(frozen=True)
class Service:
    name: str  # the URL segment, e.g. API_OUTBOUND_DELIVERY_SRV;v=0002
    component: str  # innererror.application.component_id
    version: str  # innererror.application.service_version
    model: ServiceModel
    xml: bytes

    @property
    def technical_name(self) -> str:
        return self.name.split(";", 1)[0]

    def entity_type(self, entity_set: str) -> EntityType:
        return self.model.type_of(entity_set)


# (URL name, component id, version); component ids are the SAP application components.
CATALOG: tuple[tuple[str, str, str], ...] = (
    ("API_SALES_ORDER_SRV", "SD-SLS-API", "0001"),
    ("API_BUSINESS_PARTNER", "LO-MD-BP-WS", "0001"),
    ("API_PRODUCT_SRV", "LO-MD-PR-API", "0001"),
    ("API_MATERIAL_STOCK_SRV", "MM-IM-API", "0001"),
    ("API_OUTBOUND_DELIVERY_SRV;v=0002", "LE-SHP-API", "0002"),
    ("API_BILLING_DOCUMENT_SRV", "SD-BIL-API", "0001"),
    ("API_SLSPRICINGCONDITIONRECORD_SRV", "SD-MD-CM", "0001"),
    ("API_CREDIT_MEMO_REQUEST_SRV", "SD-SLS-API", "0001"),
    ("API_CUSTOMER_RETURN_SRV", "SD-SLS-RE", "0001"),
    ("API_CRDTMBUSINESSPARTNER", "FIN-FSCM-CR", "0001"),
)


@lru_cache(maxsize=1)
def services() -> dict[str, Service]:
    """Every served service by its URL name (upper case)."""
    found = {}
    for name, component, version in CATALOG:
        xml = (METADATA_DIR / file_name(name)).read_bytes()
        found[name.upper()] = Service(name, component, version, parse_edmx(xml), xml)
    return found


def find_service(name: str) -> Service | None:
    """The service for a URL segment; SAP matches service names case-insensitively."""
    return services().get(name.upper())


@lru_cache(maxsize=1)
def set_index() -> dict[str, Service]:
    """Entity set name -> the service that declares it (names are unique across services)."""
    return {es: svc for svc in services().values() for es in svc.model.entity_sets}


def service_of(entity_set: str) -> Service:
    return set_index()[entity_set]
