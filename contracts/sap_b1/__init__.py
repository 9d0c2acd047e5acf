"""SAP Business One Service Layer contract: its CSDL model and the reference metadata loader."""

from __future__ import annotations

from contracts.sap_b1.csdl import (
    Csdl,
    FunctionImport,
    Prop,
    StructType,
    parse_v1,
    v1_to_v4,
    write_v1,
    write_v4,
)
from contracts.sap_b1.reference import (
    IMPLEMENTED_COMPLEX,
    IMPLEMENTED_SETS,
    Subset,
    extract_subset,
    reference_dir,
    reference_metadata_path,
    write_package_data,
)

__all__ = [
    "IMPLEMENTED_COMPLEX",
    "IMPLEMENTED_SETS",
    "Csdl",
    "FunctionImport",
    "Prop",
    "StructType",
    "Subset",
    "extract_subset",
    "parse_v1",
    "reference_dir",
    "reference_metadata_path",
    "v1_to_v4",
    "write_package_data",
    "write_v1",
    "write_v4",
]
