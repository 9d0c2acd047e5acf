"""S/4HANA OData v2 contracts: the EDMX model, trimmed reference documents, hand-written ones.

- :mod:`contracts.s4hana.edmx` parses a ``$metadata`` document into a :class:`ServiceModel`.
- :mod:`contracts.s4hana.extract` derives the served documents from SAP's reference EDMX
  (``$HARNESS_REFERENCE_DIR/s4hana`` or ``<repo>/../shared/reference/s4hana``).
- :mod:`contracts.s4hana.handwritten` writes the documents of services with no reference;
  :mod:`contracts.s4hana.sd_returns` (credit memo requests, customer returns) and
  :mod:`contracts.s4hana.credit_management` (credit accounts) are written with its tables.

``python -m contracts.s4hana OUT_DIR`` regenerates every document into ``OUT_DIR``
(the fake keeps its copy in ``fakes/s4hana/metadata/``).
"""

from contracts.s4hana.edmx import ServiceModel, parse_edmx
from contracts.s4hana.extract import SELECTIONS, derived_documents, file_name, reference_dir, trim
from contracts.s4hana.handwritten import handwritten_documents

__all__ = [
    "SELECTIONS",
    "ServiceModel",
    "derived_documents",
    "file_name",
    "handwritten_documents",
    "parse_edmx",
    "reference_dir",
    "trim",
]
