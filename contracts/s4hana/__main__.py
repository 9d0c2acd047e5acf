"""Regenerate the S/4HANA ``$metadata`` documents: ``python -m contracts.s4hana OUT_DIR``."""

from __future__ import annotations

import sys
from pathlib import Path

from contracts.s4hana.credit_management import CREDIT_MANAGEMENT_SERVICE
from contracts.s4hana.extract import derived_documents, file_name
from contracts.s4hana.handwritten import build, handwritten_documents
from contracts.s4hana.sd_returns import SERVICES as SD_RETURNS


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m contracts.s4hana OUT_DIR", file=sys.stderr)
        return 2
    out = Path(argv[0])
    out.mkdir(parents=True, exist_ok=True)
    documents = {**derived_documents(), **handwritten_documents()}
    extra = (*SD_RETURNS, CREDIT_MANAGEMENT_SERVICE)
    documents |= {service.service: build(service) for service in extra}
    for service, text in documents.items():
        (out / file_name(service)).write_text(text, encoding="utf-8")
        print(f"wrote {out / file_name(service)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
