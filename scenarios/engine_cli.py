"""``erp-harness engine ...``: run and operate the sync engine against real or served systems,
from a YAML config file (credentials as ``${ENV}`` references, see sync_core.config)."""

from __future__ import annotations

import json
import logging
import signal
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from scenarios.engine_prices_cli import prices_app
from sync_core.config import ConfigError, load_config
from sync_core.engine import Engine

engine_app = typer.Typer(no_args_is_help=True, help="Run and operate the sync engine.")
dlq_app = typer.Typer(no_args_is_help=True, help="The dead-letter queue.")
engine_app.add_typer(dlq_app, name="dlq")
engine_app.add_typer(prices_app, name="prices")
console = Console()

ConfigOption = Annotated[Path, typer.Option("--config", "-c", help="engine config (YAML)")]


def _engine(config: Path, name: str = "worker-1") -> Engine:
    try:
        return Engine(load_config(config), name=name)
    except ConfigError as exc:
        raise typer.BadParameter(str(exc)) from exc


def _json(rows: list[dict[str, Any]]) -> None:
    typer.echo(json.dumps(rows, indent=2, default=str))


@engine_app.command()
def worker(
    config: ConfigOption,
    name: Annotated[str, typer.Option()] = "worker-1",
    max_ticks: Annotated[int | None, typer.Option(help="stop after N ticks")] = None,
    jobs_only: Annotated[
        bool, typer.Option(help="run queued jobs only; leave the schedules to `engine schedule`")
    ] = False,
) -> None:
    """Run the engine until interrupted (SIGINT/SIGTERM finish the current tick)."""
    _loop(config, name, max_ticks, run_schedules=not jobs_only, run_jobs=True)


@engine_app.command()
def schedule(
    config: ConfigOption,
    name: Annotated[str, typer.Option()] = "scheduler-1",
    max_ticks: Annotated[int | None, typer.Option(help="stop after N ticks")] = None,
) -> None:
    """Run the scheduled flows only (order polling, stock, prices, reconciliation...), each
    under its lease, and leave the queued jobs to `engine worker --jobs-only` processes."""
    _loop(config, name, max_ticks, run_schedules=True, run_jobs=False)


def _loop(
    config: Path, name: str, max_ticks: int | None, *, run_schedules: bool, run_jobs: bool
) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    engine = _engine(config, name)
    if not run_jobs:  # the exports run elsewhere: copies of new orders would go unused here
        engine.orders.snapshots.switch_off()
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    # A concurrent worker that runs until stopped serves its jobs from a thread of its own,
    # with no pause between batches; the loop below then runs only the schedules.
    serving = run_jobs and max_ticks is None and engine.worker.max_concurrency > 1
    jobs = _JobServer(engine, stop) if serving else None
    try:
        ticks = 0
        while not stop.is_set() and (max_ticks is None or ticks < max_ticks):
            if jobs is not None and not run_schedules:
                stop.wait(1.0)
                continue
            result = engine.tick(run_jobs=run_jobs and jobs is None, run_schedules=run_schedules)
            for skipped in result.skipped:
                logging.getLogger("sync_core.engine").info("%s", skipped)
            ticks += 1
            if max_ticks is not None and ticks >= max_ticks:
                break
            if result.jobs == 0:
                wait = (engine.next_wakeup() - engine.clock.now()).total_seconds()
                stop.wait(min(max(wait, 0.5), 30.0))
    finally:
        stop.set()
        if jobs is not None:
            jobs.join()
        engine.close()


class _JobServer(threading.Thread):
    """``Worker.serve`` in a thread; its unexpected exception is raised again on ``join``."""

    def __init__(self, engine: Engine, stop: threading.Event) -> None:
        super().__init__(name=f"{engine.worker.name}-serve", daemon=True)
        self.engine, self.stop = engine, stop
        self.error: BaseException | None = None
        self.start()

    def run(self) -> None:
        try:
            self.engine.worker.serve(self.stop)
        except BaseException as exc:  # noqa: BLE001 - handed to the main thread
            self.error = exc
            self.stop.set()

    def join(self, timeout: float | None = None) -> None:
        super().join(timeout)
        if self.error is not None:
            raise self.error


@dlq_app.command("list")
def dlq_list(
    config: ConfigOption,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Quarantined items with their reason."""
    engine = _engine(config)
    rows = engine.store.open_dead_letters()
    engine.close()
    if as_json:
        _json(rows)
        return
    table = Table(title=f"{len(rows)} dead letter(s)")
    for column in ("id", "flow", "entity", "reason class", "reason", "since"):
        table.add_column(column)
    for row in rows:
        table.add_row(
            str(row["id"]),
            row["flow"],
            row["entity_key"],
            row["reason_class"],
            row["reason"][:120],
            str(row["created_at"]),
        )
    console.print(table)


@dlq_app.command("replay")
def dlq_replay(
    config: ConfigOption,
    ids: Annotated[list[int] | None, typer.Argument(help="dead-letter ids; none = all")] = None,
    reason: Annotated[str | None, typer.Option(help="only this reason class")] = None,
    flow: Annotated[str | None, typer.Option(help="only this flow (a batch of one kind)")] = None,
    since: Annotated[
        datetime | None, typer.Option(help="only items dead-lettered at or after (ISO 8601)")
    ] = None,
    until: Annotated[
        datetime | None, typer.Option(help="only items dead-lettered before (ISO 8601)")
    ] = None,
    dry_run: Annotated[bool, typer.Option(help="show what would be replayed")] = False,
) -> None:
    """Put dead-lettered items back in the queue (they resolve when they succeed): by id, by
    reason class, by flow, by time range, or all; --dry-run lists them and changes nothing."""
    engine = _engine(config)
    rows = [
        r
        for r in engine.store.open_dead_letters()
        if (not ids or r["id"] in ids)
        and (reason is None or r["reason_class"] == reason)
        and (flow is None or r["flow"] == flow)
        and _within(r["created_at"], since, until)
    ]
    if dry_run:
        for row in rows:
            console.print(f"  {row['id']} {row['flow']} {row['entity_key']}: {row['reason']}")
    replayed = 0
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("replaying", total=len(rows))
        for row in rows:
            if not dry_run and engine.store.replay(row["id"], engine.clock.now()):
                replayed += 1
            progress.advance(task)
    engine.close()
    verb = "would replay" if dry_run else "replayed"
    console.print(f"{verb} {len(rows) if dry_run else replayed} item(s)")


def _within(at: datetime, since: datetime | None, until: datetime | None) -> bool:
    stamp = at if at.tzinfo else at.replace(tzinfo=UTC)
    if since is not None and stamp < (since if since.tzinfo else since.replace(tzinfo=UTC)):
        return False
    return until is None or stamp < (until if until.tzinfo else until.replace(tzinfo=UTC))


@engine_app.command()
def reconcile(
    config: ConfigOption,
    repair: Annotated[bool, typer.Option()] = False,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Compare Magento with the ERP now; exit 1 when anything differs."""
    engine = _engine(config)
    result = engine.reconciler.run(repair=repair)
    engine.alerter.settle("reconcile:", result.alerts())
    engine.close()
    if as_json:
        _json(
            [
                {
                    "orders_checked": result.orders_checked,
                    "stock_checked": result.stock_checked,
                    "requeued": result.requeued,
                    "diffs": result.diffs,
                }
            ]
        )
    else:
        console.print(
            f"checked {result.orders_checked} orders and {result.stock_checked} "
            f"stock levels; {len(result.diffs)} difference(s); "
            f"{result.requeued} requeued"
        )
        for diff in result.diffs:
            console.print(f"  {diff['kind']}: {diff['detail']}")
    if result.diffs:
        raise typer.Exit(1)


@engine_app.command()
def alerts(config: ConfigOption, all_: Annotated[bool, typer.Option("--all")] = False) -> None:
    """Open alerts (or all of them)."""
    engine = _engine(config)
    rows = engine.store.alerts(open_only=not all_)
    engine.close()
    _json(rows)
