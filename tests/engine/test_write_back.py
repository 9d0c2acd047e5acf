"""The write-back: the ERP's reference and the export comment reach Magento in one save."""

from __future__ import annotations

from typing import Any

from tests.engine.flow_helpers import in_process

SAVE = {"method": "POST", "path": r"/V1/orders$"}


def _order(ctx: Any, entity_id: int) -> dict[str, Any]:
    return next(o for o in ctx.world.magento.state()["orders"] if o["entity_id"] == entity_id)


def _exported_comments(order: dict[str, Any]) -> list[str]:
    return [h["comment"] for h in order["status_histories"] if "Exported to" in h["comment"]]


def test_the_reference_and_its_comment_arrive_in_one_request() -> None:
    with in_process("netsuite") as ctx:
        entity_id = int(ctx.place(1)[0]["entity_id"])
        since = ctx.world.magento.journal.last_seq
        ctx.cycles(1)
        order = _order(ctx, entity_id)
        assert order["ext_order_id"] and _exported_comments(order) == [
            f"Exported to netsuite as {order['ext_order_id']}"
        ]
        entries = ctx.world.magento.entries(since)
        writes = [e.path for e in entries if e.method == "POST" and "/V1/orders" in e.path]
        assert writes == ["/rest/V1/orders"]


def test_a_lost_write_back_response_leaves_one_comment_after_the_retry() -> None:
    with in_process("netsuite") as ctx:
        ctx.world.magento.add_fault(
            {"target": SAVE, "effect": {"kind": "lose_response"}, "trigger": {"first": 1}}
        )
        entity_id = int(ctx.place(1)[0]["entity_id"])
        ctx.cycles(4)
        order = _order(ctx, entity_id)
        (fault,) = ctx.world.magento.faults.active()
        assert fault.hits == 1  # the save went through and its answer was lost
        assert len(_exported_comments(order)) == 1 and order["ext_order_id"]
        assert ctx.judge_orders() == []
