"""``erp-harness demo ID``: one failure mode, told side by side for ``naive`` and ``builtin``.

The story is built only from the fakes' journals and state, so it is the same on every run
with the same seed (no wall-clock times or durations appear in it).
"""

from __future__ import annotations

import html
from collections import Counter
from dataclasses import dataclass

from rich.columns import Columns
from rich.console import Console, Group
from rich.panel import Panel
from rich.text import Text

from scenarios.catalog import Scenario
from scenarios.results import ScenarioResult
from scenarios.runner import run_scenario


@dataclass(frozen=True)
class Side:
    connector: str
    result: ScenarioResult

    @property
    def verdict(self) -> str:
        return "held" if self.result.status == "passed" else f"harmed ({self.result.status})"

    def requests(self) -> Counter[str]:
        return Counter(e["system"] for e in self.result.timeline)

    def faults(self) -> Counter[str]:
        return Counter(e["fault"] for e in self.result.timeline if e.get("fault"))

    def lines(self) -> list[str]:
        requests = ", ".join(f"{n} to {system}" for system, n in sorted(self.requests().items()))
        faults = ", ".join(f"{kind} x{n}" for kind, n in sorted(self.faults().items())) or "none"
        story = [f"requests: {requests}", f"faults that struck it: {faults}"]
        if self.result.evidence:
            story.append("what went wrong:")
            story += [f"  - {line}" for line in self.result.evidence[:6]]
            if len(self.result.evidence) > 6:
                story.append(f"  ... and {len(self.result.evidence) - 6} more")
        else:
            story.append("every invariant held")
        return story


def run_demo(scenario: Scenario, erp: str, seed: int) -> tuple[Side, Side]:
    return (
        Side("naive", run_scenario(scenario, erp, "naive", seed)),
        Side("builtin", run_scenario(scenario, erp, "builtin", seed)),
    )


def print_demo(
    console: Console, scenario: Scenario, erp: str, seed: int, sides: tuple[Side, Side]
) -> None:
    console.print(
        Panel(
            Group(
                Text(f"{scenario.id} · {scenario.title} · {erp} · seed {seed}", style="bold"),
                Text(f"Harm without controls: {scenario.harm}"),
                Text(f"What must hold: {scenario.invariant}"),
            ),
            title="failure mode",
        )
    )
    panels = []
    for side in sides:
        style = "green" if side.result.status == "passed" else "red"
        panels.append(
            Panel(
                "\n".join(side.lines()),
                title=f"{side.connector}: {side.verdict}",
                border_style=style,
                width=60,
            )
        )
    console.print(Columns(panels))
    console.print(f"Replay either side: {sides[0].result.reproduce}")


def demo_html(scenario: Scenario, erp: str, seed: int, sides: tuple[Side, Side]) -> str:
    columns = "".join(
        f"<div class='side {('ok' if s.result.status == 'passed' else 'bad')}'>"
        f"<h2>{html.escape(s.connector)}: {html.escape(s.verdict)}</h2><ul>"
        + "".join(f"<li>{html.escape(line)}</li>" for line in s.lines())
        + f"</ul><p><code>{html.escape(s.result.reproduce)}</code></p></div>"
        for s in sides
    )
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{html.escape(scenario.id)} demo</title><style>
body{{font-family:system-ui,sans-serif;margin:2rem;max-width:70rem}}
.sides{{display:flex;gap:1rem}} .side{{flex:1;border:2px solid;border-radius:.5rem;
padding:0 1rem}} .ok{{border-color:#1a7f37}} .bad{{border-color:#cf222e}}
li{{font-family:monospace;font-size:.85rem}}</style></head><body>
<h1>{html.escape(scenario.id)} · {html.escape(scenario.title)}</h1>
<p>{html.escape(erp)} · seed {seed}</p>
<p><b>Harm without controls:</b> {html.escape(scenario.harm)}<br>
<b>What must hold:</b> {html.escape(scenario.invariant)}</p>
<div class="sides">{columns}</div></body></html>
"""
