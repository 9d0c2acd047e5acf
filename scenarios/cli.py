"""The ``erp-harness`` command line."""

from __future__ import annotations

import json
import logging
import signal
import threading
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from fakes.registry import VENDORS, available
from scenarios.catalog import Scenario, load, select
from scenarios.report import write_reports
from scenarios.results import RunReport
from scenarios.runner import run_suite
from scenarios.world import ERP_KINDS

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    help="Prove a Magento <-> ERP integration survives go-live.",
)
console = Console()

STATUS_STYLE = {"passed": "green", "failed": "red", "errored": "yellow", "skipped": "dim"}


def _erps(erp: str) -> list[str]:
    if erp == "all":
        built = set(available())
        return [k for k in ERP_KINDS if k in built and any(s.runs_on(k) for s in load().values())]
    if erp not in ERP_KINDS:
        raise typer.BadParameter(f"--erp must be one of: all, {', '.join(ERP_KINDS)}")
    return [erp]


@app.command()
def run(
    erp: Annotated[str, typer.Option(help="ERP kind, or 'all'")] = "all",
    connector: Annotated[str, typer.Option(help="builtin or naive")] = "builtin",
    connector_cmd: Annotated[
        str | None,
        typer.Option(
            help="your own connector: a command run once per sync cycle against the "
            "fakes served on 127.0.0.1, with the HARNESS_* environment"
        ),
    ] = None,
    connector_daemon: Annotated[
        str | None,
        typer.Option(
            help="your own long-running connector: started once against the served fakes; "
            "each cycle is acknowledged through HARNESS_CYCLE_FILE / HARNESS_ACK_FILE, or "
            "ends when its requests settle"
        ),
    ] = None,
    scenario: Annotated[list[str] | None, typer.Option(help="scenario id (repeatable)")] = None,
    seed: Annotated[int, typer.Option(help="one seed for data, faults and exploration")] = 0,
    out: Annotated[Path, typer.Option(help="where the reports go")] = Path("harness-report"),
    verbose: Annotated[bool, typer.Option(help="show the engine's log")] = False,
) -> None:
    """Run the pre-go-live suite on in-process fakes and write the reports."""
    logging.getLogger("sync_core").setLevel(logging.DEBUG if verbose else logging.ERROR)
    if connector not in ("builtin", "naive"):
        raise typer.BadParameter("--connector must be builtin or naive")
    if connector_cmd is not None:
        if not connector_cmd.strip():
            raise typer.BadParameter("--connector-cmd must not be empty")
        connector = f"cmd:{connector_cmd}"
    if connector_daemon is not None:
        if connector_cmd is not None:
            raise typer.BadParameter("use --connector-cmd or --connector-daemon, not both")
        if not connector_daemon.strip():
            raise typer.BadParameter("--connector-daemon must not be empty")
        connector = f"daemon:{connector_daemon}"
    plan: list[tuple[Scenario, str]] = []
    for kind in _erps(erp):
        try:
            chosen = select(scenario, kind)
        except KeyError as exc:
            raise typer.BadParameter(str(exc.args[0])) from exc
        plan.extend((s, kind) for s in chosen)
    if not plan:
        raise typer.BadParameter(f"no selected scenario runs on --erp {erp}")
    report = run_suite(plan, connector, seed, erp)
    paths = write_reports(report, out)
    _print(report)
    console.print(f"reports: {', '.join(str(p) for p in paths)}")
    if not report.ok or not report.results or report.summary()["skipped"]:
        raise typer.Exit(1)


def _print(report: RunReport) -> None:
    table = Table(title=f"{report.connector} · seed {report.seed}")
    for column in ("scenario", "erp", "status", "s", "evidence"):
        table.add_column(column)
    for r in report.results:
        evidence = "\n".join(r.evidence[:3]) + (
            f"\n... {len(r.evidence) - 3} more" if len(r.evidence) > 3 else ""
        )
        table.add_row(
            r.id, r.erp, f"[{STATUS_STYLE[r.status]}]{r.status}[/]", f"{r.duration_s:.2f}", evidence
        )
    console.print(table)
    s = report.summary()
    console.print(
        f"{s['passed']} passed, {s['failed']} failed, {s['errored']} errored, "
        f"{s['skipped']} skipped in {report.duration_s:.2f}s"
    )


@app.command()
def scenarios(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """List the failure-mode catalog."""
    rows: list[dict[str, Any]] = [
        {
            "id": s.id,
            "title": s.title,
            "erps": s.kinds(),
            "harm": s.harm,
            "invariant": s.invariant,
        }
        for s in load().values()
    ]
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    table = Table(title="failure-mode catalog")
    for column in ("id", "title", "erps", "invariant"):
        table.add_column(column)
    for row in rows:
        table.add_row(row["id"], row["title"], ", ".join(row["erps"]), row["invariant"])
    console.print(table)


@app.command()
def serve(
    vendors: Annotated[list[str], typer.Argument(help=f"any of: {', '.join(VENDORS)}")],
    host: Annotated[str, typer.Option(help="bind address")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="first port; 0 picks free ports")] = 0,
    seed: Annotated[int, typer.Option()] = 0,
    ready_file: Annotated[
        Path | None, typer.Option(help="write base URLs and credentials here")
    ] = None,
    control_token: Annotated[
        str | None, typer.Option(envvar="HARNESS_CONTROL_TOKEN", help="require X-Harness-Token")
    ] = None,
) -> None:
    """Serve fakes over HTTP until interrupted."""
    from fakes.core.server import serve as serve_fakes
    from scenarios.serving import build_fakes

    if host not in ("127.0.0.1", "localhost", "::1") and not control_token:
        console.print("[yellow]warning: serving beyond loopback without --control-token[/]")
    try:
        fakes, profiles = build_fakes(vendors, seed, control_token)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    with serve_fakes(fakes, host=host, port=port) as servers:
        if ready_file is not None:
            servers.write_ready_file(ready_file)
            profile_file = ready_file.with_name(ready_file.stem + ".profile.json")
            profile_file.write_text(json.dumps(profiles, indent=2))
        for name, served in servers.served.items():
            console.print(f"{name}: {served.base_url}")
        console.print("serving; Ctrl-C to stop")
        stop.wait()


@app.command()
def demo(
    scenario_id: Annotated[str, typer.Argument(metavar="ID", help="a catalog id, e.g. FM-G07")],
    erp: Annotated[str, typer.Option(help="ERP kind")] = "netsuite",
    seed: Annotated[int, typer.Option()] = 0,
    html_out: Annotated[Path, typer.Option("--html", help="also write the story as HTML")] = Path(
        "harness-report/demo.html"
    ),
) -> None:
    """Tell one failure mode side by side: what naive did wrong, what builtin did instead."""
    from scenarios.demo import demo_html, print_demo, run_demo

    catalog = load()
    if scenario_id not in catalog:
        raise typer.BadParameter(f"unknown scenario {scenario_id!r}; see `erp-harness scenarios`")
    chosen = catalog[scenario_id]
    if not chosen.runs_on(erp):
        raise typer.BadParameter(
            f"{scenario_id} does not run on {erp}; it runs on {', '.join(chosen.kinds())}"
        )
    sides = run_demo(chosen, erp, seed)
    print_demo(console, chosen, erp, seed, sides)
    html_out.parent.mkdir(parents=True, exist_ok=True)
    html_out.write_text(demo_html(chosen, erp, seed, sides), encoding="utf-8")
    console.print(f"html: {html_out}")


@app.command()
def bench(
    erp: Annotated[str, typer.Option(help="ERP kind")] = "netsuite",
    orders: Annotated[int, typer.Option(min=1, help="orders per throughput measurement")] = 300,
    skus: Annotated[int, typer.Option(min=1, help="SKUs for reconcile_scale")] = 1_000_000,
    seed: Annotated[int, typer.Option()] = 0,
    only: Annotated[
        str | None, typer.Option(help="only these figures: NAME[,NAME] (e.g. fake_overhead)")
    ] = None,
    quick: Annotated[
        bool, typer.Option("--quick", help="small inputs; skips timing `erp-harness run`")
    ] = False,
    json_out: Annotated[Path | None, typer.Option("--json", help="also write JSON here")] = None,
) -> None:
    """The performance suite: each ratio measured side by side, with its inputs and target."""
    from scenarios.bench import BenchOptions, check_only, run_bench

    logging.getLogger("sync_core").setLevel(logging.ERROR)
    if erp not in ERP_KINDS:
        raise typer.BadParameter(f"--erp must be one of: {', '.join(ERP_KINDS)}")
    names = tuple(n.strip() for n in (only or "").split(",") if n.strip())
    try:
        check_only(names)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc
    options = BenchOptions(erp=erp, orders=orders, seed=seed, quick=quick, only=names, skus=skus)
    result = run_bench(options, typer.echo)
    if json_out is not None:
        json_out.write_text(json.dumps(result, indent=2) + "\n")
        typer.echo(f"json: {json_out}")
    if result["errors"]:
        raise typer.Exit(1)


@app.command()
def fit(
    erp: Annotated[str, typer.Option(help="ERP kind")],
    profile: Annotated[
        Path | None, typer.Option(help="profile YAML (variant, mapping, erp_options)")
    ] = None,
    out: Annotated[Path, typer.Option(help="where fit.md and fit.html go")] = Path(
        "harness-report"
    ),
    seed: Annotated[int, typer.Option()] = 0,
    scenarios_too: Annotated[
        bool, typer.Option("--scenarios/--no-scenarios", help="also run the failure modes")
    ] = True,
) -> None:
    """Can this ERP variant and profile support each flow, and which failure modes pass?"""
    from scenarios.fit import ProfileError, render_html, render_markdown, run_fit

    if erp not in ERP_KINDS:
        raise typer.BadParameter(f"--erp must be one of: {', '.join(ERP_KINDS)}")
    try:
        report = run_fit(erp, profile, seed, run_scenarios=scenarios_too)
    except ProfileError as exc:
        raise typer.BadParameter(str(exc)) from exc
    out.mkdir(parents=True, exist_ok=True)
    markdown = render_markdown(report)
    (out / "fit.md").write_text(markdown, encoding="utf-8")
    (out / "fit.html").write_text(render_html(report), encoding="utf-8")
    typer.echo(markdown)
    console.print(f"fit report: {out / 'fit.md'}, {out / 'fit.html'}")
    if not report.ok:
        raise typer.Exit(1)


@app.command()
def soak(
    erp: Annotated[str, typer.Option(help="ERP kind")] = "netsuite",
    orders: Annotated[int, typer.Option(min=1)] = 1000,
    fault_rate: Annotated[float, typer.Option(min=0.0, max=1.0)] = 0.2,
    kill_every_s: Annotated[
        float, typer.Option(help="SIGKILL a worker this often; 0 = never")
    ] = 5.0,
    workers: Annotated[int, typer.Option(min=1)] = 2,
    store: Annotated[str | None, typer.Option(help="store URL (default: SQLite file)")] = None,
    seed: Annotated[int, typer.Option()] = 0,
    json_out: Annotated[Path | None, typer.Option("--json", help="write the result here")] = None,
) -> None:
    """Worker processes against served fakes with random faults and SIGKILLs; exit 1 when
    any order was lost or duplicated."""
    from scenarios.soak import run_soak

    result = run_soak(erp, orders, fault_rate, kill_every_s, workers, store, seed)
    typer.echo(result.to_json())
    if json_out is not None:
        json_out.write_text(result.to_json() + "\n", encoding="utf-8")
    for line in result.evidence[:20]:
        console.print(f"  {line}")
    if not result.ok:
        raise typer.Exit(1)


def _register_engine_commands() -> None:
    from scenarios.engine_cli import engine_app
    from scenarios.load_cli import load_app

    app.add_typer(engine_app, name="engine")
    app.add_typer(load_app, name="load")


_register_engine_commands()


def main() -> None:
    app()
