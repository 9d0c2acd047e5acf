"""Reconciliation and alerts in the engine, against the in-process fakes."""

from __future__ import annotations

import random

import requests

from scenarios.connectors.builtin import BuiltinConnector
from scenarios.context import Ctx
from scenarios.erps.netsuite import NaiveNetSuite
from scenarios.world import build_world


def test_order_lost_by_the_erp_is_found_alerted_and_sent_again() -> None:
    world = build_world("netsuite", 0)
    connector = BuiltinConnector(world, reconcile_s=1800)
    try:
        ctx = Ctx(world, connector, random.Random(0))
        ctx.place(3)
        ctx.cycles(3)
        assert ctx.judge_orders() == []
        (order_id, increment), *_ = ctx.judge_refs()
        auth = NaiveNetSuite(world, requests.Session()).auth
        deleted = requests.delete(
            f"{world.erp_fake.base_url}/services/rest/record/v1/salesOrder/{order_id}",
            auth=auth, timeout=5)
        assert deleted.status_code == 204
        assert ctx.judge_orders() != []
        ctx.cycles(40, step_s=60)
        alerts = connector.alerts() or []
        assert any(a["kind"] == "missing_in_erp" and increment in a["message"] for a in alerts)
        assert ctx.judge_orders() == []  # re-exported
        trail = connector.engine.store.audit_trail()
        assert any(a["action"] == "requeue" for a in trail)
    finally:
        connector.close()
        world.close()


def test_alert_webhook_receives_alerts_and_its_failure_is_harmless() -> None:
    import responses

    world = build_world("netsuite", 0)
    connector = BuiltinConnector(world, alert_webhook="http://hooks.example.test/alerts",
                                 alert_queue_age_s=60)
    try:
        world.fleet._mock.add(responses.POST, "http://hooks.example.test/alerts", status=500)
        world.erp_fake.add_fault({"effect": {"kind": "http_error", "status": 503}})
        ctx = Ctx(world, connector, random.Random(0))
        ctx.place(2)
        ctx.cycles(5)
        kinds = {a["kind"] for a in connector.alerts() or []}
        assert "queue_age" in kinds
        hooks = [c for c in world.fleet._mock.calls if "hooks.example.test" in c.request.url]
        assert hooks and b'"kind": "queue_age"' in (hooks[0].request.body or b"")
    finally:
        connector.close()
        world.close()


def test_an_export_bound_while_the_erp_is_read_is_not_taken_for_missing() -> None:
    """A worker beside the scheduler binds an order after reconciliation read the ERP's
    orders (which did not hold it yet): it is checked next time, never sent again."""
    world = build_world("netsuite", 0)
    connector = BuiltinConnector(world)
    try:
        ctx = Ctx(world, connector, random.Random(0))
        ctx.place(2)
        ctx.cycles(3)
        engine = connector.engine
        late = "magento-order:2"
        binding = engine.store.binding(engine.erp.system, "order", late)
        assert binding is not None
        real_refs = engine.erp.order_refs

        def refs_read_before_the_late_export() -> set[str]:
            refs = {r for r in real_refs() if not r.endswith("000000002")}
            world.advance(1)  # the worker finishes the export while the ERP is being read
            engine.store.bind(
                engine.erp.system, "order", late, binding["remote_id"],
                binding["external_ref"], engine.clock.now(), state=binding["state"],
            )  # fmt: skip
            return refs

        engine.erp.order_refs = refs_read_before_the_late_export  # type: ignore[method-assign]
        outcome = engine.reconciler.run()
        assert outcome.requeued == 0
        assert not [d for d in outcome.diffs if d["kind"] == "missing_in_erp"], outcome.diffs
        engine.erp.order_refs = real_refs  # type: ignore[method-assign]
        assert engine.reconciler.run().diffs == []  # and the next run finds it in place
    finally:
        connector.close()
        world.close()
