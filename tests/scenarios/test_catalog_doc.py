"""docs/catalog.md is the catalog as the code has it (regenerate with
`python -m scenarios.catalog_doc > docs/catalog.md`)."""

from __future__ import annotations

from pathlib import Path

from scenarios.catalog import load
from scenarios.catalog_doc import render

DOC = Path(__file__).resolve().parents[2] / "docs" / "catalog.md"


def test_the_catalog_page_is_up_to_date() -> None:
    assert DOC.read_text(encoding="utf-8") == render(), (
        "docs/catalog.md is stale: run `python -m scenarios.catalog_doc > docs/catalog.md`"
    )


def test_every_scenario_is_on_the_page_under_a_heading() -> None:
    page = render()
    for scenario_id in load():
        assert f"| {scenario_id} |" in page
    assert page.count("## ") >= 6
