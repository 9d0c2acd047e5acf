"""Run catalog scenarios against a connector and collect results with evidence."""

from __future__ import annotations

import random
import shlex
import time
import traceback
from datetime import UTC, datetime
from typing import Any

from fakes.registry import UnknownVendor
from scenarios.catalog import Scenario
from scenarios.connectors import make_connector
from scenarios.context import Ctx
from scenarios.observations import observe
from scenarios.results import RunReport, ScenarioResult
from scenarios.world import World, build_world

WORLD_KEYS = {"erp_options", "magento_options", "profile"}


def reproduce(scenario_id: str, erp: str, connector: str, seed: int) -> str:
    if connector.startswith("cmd:"):
        chosen = f"--connector-cmd {shlex.quote(connector[4:])}"
    elif connector.startswith("daemon:"):
        chosen = f"--connector-daemon {shlex.quote(connector[len('daemon:') :])}"
    else:
        chosen = f"--connector {connector}"
    return f"erp-harness run --erp {erp} {chosen} --scenario {scenario_id} --seed {seed}"


def _timeline(world: World) -> list[dict[str, Any]]:
    events = []
    for vendor, fake in world.fleet.fakes.items():
        for entry in fake.entries():
            events.append(
                {
                    "t": datetime.fromisoformat(entry.at).timestamp(),
                    "system": vendor,
                    "method": entry.method,
                    "path": entry.path,
                    "status": entry.status,
                    "fault": entry.fault_effect,
                }
            )
    return sorted(events, key=lambda e: e["t"])


def run_scenario(scenario: Scenario, erp: str, connector: str, seed: int) -> ScenarioResult:
    started = time.perf_counter()
    repro = reproduce(scenario.id, erp, connector, seed)
    world_kwargs = {k: v for k, v in scenario.world.items() if k in WORLD_KEYS}
    options = {k: v for k, v in scenario.world.items() if k not in WORLD_KEYS}
    try:
        world = build_world(erp, seed, connector_options=options, **world_kwargs)
    except UnknownVendor as exc:
        return ScenarioResult(
            scenario.id, erp, connector, "skipped", 0.0, [str(exc)], repro, scenario.title
        )
    cut = None
    try:
        cut = make_connector(connector, world)
        ctx = Ctx(world, cut, random.Random(f"{seed}:{scenario.id}"))
        try:
            evidence = scenario.script(ctx)
        finally:
            ctx.close()
        status = "failed" if evidence else "passed"
        metrics = {**ctx.metrics, **observe(ctx)}
        runs = getattr(cut, "runs", None)
        if runs:
            metrics["connector_runs"] = len(runs)
            metrics["connector_exit_codes"] = sorted({r["exit"] for r in runs})
            metrics["connector_last_exit"] = runs[-1]["exit"]
            metrics["connector_output_tail"] = runs[-1]["output"][-600:]
    except Exception as exc:  # a broken scenario or connector must not stop the suite
        evidence = [f"{type(exc).__name__}: {exc}", *traceback.format_exception(exc)[-3:]]
        status, metrics = "errored", {}
    finally:
        timeline = _timeline(world)
        if cut is not None:
            cut.close()
        world.close()
    metrics = {**metrics, "requests": len(timeline)}
    return ScenarioResult(
        scenario.id,
        erp,
        connector,
        status,  # type: ignore[arg-type]
        round(time.perf_counter() - started, 3),
        evidence,
        repro,
        scenario.title,
        metrics,
        timeline,
    )


def run_suite(
    scenarios: list[tuple[Scenario, str]], connector: str, seed: int, erp_label: str
) -> RunReport:
    report = RunReport(seed, erp_label, connector, datetime.now(tz=UTC).isoformat())
    started = time.perf_counter()
    for scenario, erp in scenarios:
        report.results.append(run_scenario(scenario, erp, connector, seed))
    report.duration_s = time.perf_counter() - started
    return report
