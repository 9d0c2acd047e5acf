"""The three report files: ``report.json`` (stable fields), ``junit.xml`` for CI systems, and
``report.html`` for people, with a timeline picture per scenario.
"""

from __future__ import annotations

import html
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from scenarios.report_charts import CHART_KEYS, charts
from scenarios.results import RunReport, ScenarioResult

STATUS_COLOURS = {
    "passed": "#1a7f37",
    "failed": "#cf222e",
    "errored": "#9a6700",
    "skipped": "#6e7781",
}


def write_reports(report: RunReport, out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [out_dir / "report.json", out_dir / "junit.xml", out_dir / "report.html"]
    paths[0].write_text(json.dumps(report.to_json(), indent=2) + "\n", encoding="utf-8")
    paths[1].write_bytes(junit_xml(report))
    paths[2].write_text(html_report(report), encoding="utf-8")
    return paths


def junit_xml(report: RunReport) -> bytes:
    summary = report.summary()
    suite = ET.Element(
        "testsuite",
        {
            "name": f"erp-harness {report.connector}",
            "tests": str(len(report.results)),
            "failures": str(summary["failed"]),
            "errors": str(summary["errored"]),
            "skipped": str(summary["skipped"]),
            "time": f"{report.duration_s:.3f}",
        },
    )
    for result in report.results:
        case = ET.SubElement(
            suite,
            "testcase",
            {
                "classname": f"{result.connector}.{result.erp}",
                "name": result.id,
                "time": f"{result.duration_s:.3f}",
            },
        )
        body = "\n".join(result.evidence + [f"reproduce: {result.reproduce}"])
        first = result.evidence[0] if result.evidence else result.status
        if result.status == "failed":
            ET.SubElement(case, "failure", {"message": first[:500]}).text = body
        elif result.status == "errored":
            ET.SubElement(case, "error", {"message": first[:500]}).text = body
        elif result.status == "skipped":
            ET.SubElement(case, "skipped", {"message": first[:500]})
    suites = ET.Element("testsuites")
    suites.append(suite)
    return bytes(ET.tostring(suites, encoding="utf-8", xml_declaration=True))


def _timeline_svg(result: ScenarioResult, width: int = 860, height: int = 90) -> str:
    events = result.timeline
    if not events:
        return "<p class='muted'>No requests recorded.</p>"
    times = [e["t"] for e in events]
    t0, t1 = min(times), max(times)
    span = max(t1 - t0, 1.0)
    lanes = sorted({e["system"] for e in events})
    lane_h = (height - 20) / max(1, len(lanes))
    marks = []
    for e in events:
        x = 10 + (e["t"] - t0) / span * (width - 20)
        y = 10 + lanes.index(e["system"]) * lane_h + lane_h / 2
        colour = (
            "#cf222e"
            if e.get("fault")
            else ("#9a6700" if (e.get("status") or 0) >= 400 else "#1a7f37")
        )
        title = html.escape(
            f"{e['system']} {e['method']} {e['path']} -> {e.get('status')}"
            f"{' fault ' + e['fault'] if e.get('fault') else ''} at +{e['t'] - t0:.0f}s"
        )
        marks.append(
            f"<circle cx='{x:.1f}' cy='{y:.1f}' r='3' fill='{colour}'>"
            f"<title>{title}</title></circle>"
        )
    labels = "".join(
        f"<text x='12' y='{10 + i * lane_h + 12:.0f}' class='lane'>{html.escape(lane)}</text>"
        for i, lane in enumerate(lanes)
    )
    return (
        f"<svg viewBox='0 0 {width} {height}' width='100%' role='img' "
        f"aria-label='request timeline'>{labels}{''.join(marks)}"
        f"<text x='10' y='{height - 2}' class='axis'>0 s</text>"
        f"<text x='{width - 4}' y='{height - 2}' class='axis' text-anchor='end'>"
        f"+{span:.0f} s (simulated)"
        f"</text></svg>"
    )


def _metrics(metrics: dict[str, Any]) -> str:
    if not metrics:
        return ""
    cells = "".join(
        f"<tr><th>{html.escape(str(k))}</th><td>{html.escape(str(v))}</td></tr>"
        for k, v in metrics.items()
        if k not in CHART_KEYS
    )
    return f"<table class='metrics'>{cells}</table>"


def _scenario_section(result: ScenarioResult) -> str:
    evidence = "".join(f"<li>{html.escape(e)}</li>" for e in result.evidence)
    colour = STATUS_COLOURS[result.status]
    return (
        f"<section id='{html.escape(result.id)}-{html.escape(result.erp)}'>"
        f"<h2><span class='badge' style='background:{colour}'>{result.status}</span> "
        f"{html.escape(result.id)} · {html.escape(result.title)} "
        f"<small>{html.escape(result.erp)} · {result.duration_s:.2f}s</small></h2>"
        f"{_timeline_svg(result)}{charts(result.metrics)}{_metrics(result.metrics)}"
        f"{'<ul class=evidence>' + evidence + '</ul>' if evidence else ''}"
        f"<p class='repro'>Reproduce: <code>{html.escape(result.reproduce)}</code></p>"
        f"</section>"
    )


def html_report(report: RunReport) -> str:
    summary = report.summary()
    rows = "".join(
        f"<tr><td><a href='#{html.escape(r.id)}-{html.escape(r.erp)}'>{html.escape(r.id)}</a></td>"
        f"<td>{html.escape(r.erp)}</td><td style='color:{STATUS_COLOURS[r.status]}'>{r.status}</td>"
        f"<td>{html.escape(r.title)}</td><td>{r.duration_s:.2f}</td></tr>"
        for r in report.results
    )
    head = " · ".join(f"{k}: {v}" for k, v in summary.items())
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>erp-harness report</title>
<style>
body{{font-family:system-ui,sans-serif;margin:2rem;
  max-width:60rem;color:#1f2328}}
table{{border-collapse:collapse;margin:.5rem 0}}
td,th{{padding:.25rem .6rem;border-bottom:1px solid #d0d7de;text-align:left}}
.badge{{color:#fff;
  border-radius:.3rem;
  padding:.1rem .4rem;
  font-size:.8rem;
  text-transform:uppercase}}
section{{border-top:1px solid #d0d7de;margin-top:1.5rem}}
small,.muted,.axis{{color:#6e7781;font-size:.8rem}}
.lane{{font-size:10px;fill:#57606a}}
.evidence li{{font-family:monospace;font-size:.85rem}}
.metrics th{{font-weight:normal;color:#57606a}}
.charts{{display:flex;flex-wrap:wrap;gap:1rem}}
figure{{margin:.5rem 0}}
figcaption{{font-size:.8rem;color:#57606a;max-width:280px}}
svg .axis{{fill:#6e7781;font-size:9px}}
</style></head><body>
<h1>erp-harness: {html.escape(report.connector)} against {html.escape(report.erp)}</h1>
<p>seed {report.seed} · started {html.escape(report.started_at)} ·
{report.duration_s:.2f}s · {head}</p>
<p class="muted">Dots are requests on simulated time: green answered, amber an error answer,
red struck by an injected fault. Evidence lists what the fakes' state shows went wrong.</p>
<table><tr><th>scenario</th><th>erp</th><th>status</th><th>what it proves</th><th>s</th></tr>
{rows}</table>
{"".join(_scenario_section(r) for r in report.results)}
</body></html>
"""
