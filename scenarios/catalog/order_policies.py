"""Order policies: a stockout at the ERP (FM-T01) and an account on credit hold (FM-T03).

Each scenario runs both of its policies, one after the other, as an operator would switch the
profile (``policies.stockout`` hold then backorder; ``policies.credit_hold`` hold then reject),
and judges only the fakes' state: which orders reached the ERP, and what the Magento order now
says (its state and its status-history comments). Unpolicied orders of valid buyers must flow
as usual in the same run. Unexplained ERP cancellations are FM-G16 (:mod:`.generic`).
"""

from __future__ import annotations

from typing import Any

from scenarios.catalog import scenario
from scenarios.connectors.builtin import BuiltinConnector
from scenarios.context import Ctx
from scenarios.flowviews.order_policies import (
    HOLDS,
    MagentoView,
    hold_account,
    magento_view,
    release,
)
from scenarios.views import erp_orders
from sync_core.engine import Engine

ORDERED = 5
PER_LOCATION = 1  # the ERP has 1 at each of 3 locations: 3 in all, 2 short of an order of 5
RESTOCK = 10


# -- helpers ------------------------------------------------------------------------------------
def switch_policies(ctx: Ctx, **policies: Any) -> None:
    """The operator changes the profile's policies; the builtin engine is redeployed with them
    (same durable store)."""
    merged = {**dict(ctx.world.connector_options.get("policies") or {}), **policies}
    ctx.world.connector_options["policies"] = merged
    cut = ctx.connector
    if not isinstance(cut, BuiltinConnector):
        return
    cut.config = cut.config.model_copy(
        update={"policies": cut.config.policies.model_copy(update=policies)}
    )
    cut.engine.close()
    cut.engine = Engine(
        cut.config, clock=ctx.world.clock, session=cut.session, name=cut.worker_name
    )


def copies(ctx: Ctx, increment: str) -> list[str]:
    """The ERP orders naming Magento order ``increment``."""
    return [
        o.label
        for o in erp_orders(ctx.world.erp, ctx.world.erp_fake.state())
        if any(ref.rsplit("-", 1)[-1] == increment for ref in o.refs)
    ]


def place_one(ctx: Ctx, sku: str, qty: int, email: str | None = None) -> MagentoView:
    fields: dict[str, Any] = {"lines": [{"sku": sku, "qty": qty}]}
    if email is not None:
        fields["customer_email"] = email
    (placed,) = ctx.place(1, **fields)
    return magento_view(ctx, int(placed["entity_id"]))


def flowed(ctx: Ctx, order: MagentoView, why: str) -> list[str]:
    """Evidence unless a valid order reached the ERP exactly once."""
    found = copies(ctx, order.increment_id)
    if len(found) == 1:
        return []
    return [f"order {order.increment_id} ({why}) is in {ctx.world.erp} {len(found)} times"]


def stopped(
    ctx: Ctx, order: MagentoView, why: str, states: tuple[str, ...], *words: str
) -> list[str]:
    """Evidence unless ``order`` stayed out of the ERP and Magento shows it stopped, with a
    comment naming ``words``."""
    evidence = []
    found = copies(ctx, order.increment_id)
    if found:
        evidence.append(
            f"order {order.increment_id} ({why}) reached {ctx.world.erp} as {', '.join(found)}"
        )
    now = magento_view(ctx, order.entity_id)
    if now.state not in states:
        evidence.append(
            f"order {order.increment_id} ({why}) is {now.state} in Magento, not "
            f"{' or '.join(states)}: the customer is told it is coming"
        )
    if not now.says(*words):
        evidence.append(
            f"order {order.increment_id} ({why}) has no Magento comment naming "
            f"{', '.join(repr(w) for w in words)}"
        )
    return evidence


# -- FM-T01 -------------------------------------------------------------------------------------
@scenario(
    "FM-T01",
    "Stockout at the ERP",
    ("netsuite", "sap-b1", "s4hana", "sage200", "business-central", "legacy"),
    harm="an order for stock the ERP lacks is pushed on regardless and Magento never hears of "
    "it: the customer is promised goods nobody has",
    invariant="per policies.stockout the order is held in Magento (not created in the ERP) "
    "or created as a backorder, each with a comment naming the SKU and the shortfall; held "
    "orders go through once released; other orders flow",
    policies={"stockout": "hold"},
)
def stockout(ctx: Ctx) -> list[str]:
    products = ctx.world.magento.ctx.dataset.products
    short, other = products[0].sku, products[1].sku
    locations = list(ctx.world.profile["locations"].values())
    for location in locations:
        ctx.support.set_stock(ctx.world.erp_fake, short, location, PER_LOCATION)
    missing = f"short {ORDERED - PER_LOCATION * len(locations)}"
    held = place_one(ctx, short, ORDERED)
    valid = place_one(ctx, other, 1)
    ctx.cycles(3)
    evidence = stopped(ctx, held, f"{short} out of stock, policy hold", ("holded",), short, missing)
    evidence += flowed(ctx, valid, "in stock")
    switch_policies(ctx, stockout="backorder")
    backordered = place_one(ctx, short, ORDERED)
    ctx.cycles(3)
    evidence += flowed(ctx, backordered, f"{short} out of stock, policy backorder")
    if not magento_view(ctx, backordered.entity_id).says("backorder", short, missing):
        evidence.append(
            f"order {backordered.increment_id} ({short} out of stock, policy backorder) has no "
            f"Magento comment saying it is backordered, naming {short} and {missing!r}"
        )
    evidence += _release(ctx, held, short, locations)
    return evidence


def _release(ctx: Ctx, held: MagentoView, sku: str, locations: list[str]) -> list[str]:
    """Stock arrives and the merchant releases the held order: it must now reach the ERP."""
    for location in locations:
        ctx.support.set_stock(ctx.world.erp_fake, sku, location, RESTOCK)
    if magento_view(ctx, held.entity_id).state == "holded":
        release(ctx, held.entity_id)
    ctx.cycles(3)
    return flowed(ctx, held, f"released after {sku} was restocked")


# -- FM-T03 -------------------------------------------------------------------------------------
@scenario(
    "FM-T03",
    "Account on credit hold",
    tuple(HOLDS),
    harm="orders of an account the ERP has on credit hold are pushed on (or fail in a log "
    "nobody reads) while Magento tells the customer they are coming",
    invariant="per policies.credit_hold the order is held or rejected in Magento with a "
    "comment naming the account, and not created in the ERP; valid buyers' orders flow",
    policies={"credit_hold": "hold"},
)
def credit_hold(ctx: Ctx) -> list[str]:
    dataset = ctx.world.magento.ctx.dataset
    blocked, buyer = dataset.customers[0], dataset.customers[1]
    sku = dataset.products[2].sku
    account = hold_account(ctx, blocked)
    held = place_one(ctx, sku, 1, blocked.email)
    valid = place_one(ctx, sku, 1, buyer.email)
    ctx.cycles(3)
    why = f"account {account} on credit hold"
    evidence = stopped(ctx, held, f"{why}, policy hold", ("holded",), account)
    evidence += flowed(ctx, valid, "a valid buyer")
    switch_policies(ctx, credit_hold="reject")
    rejected = place_one(ctx, sku, 1, blocked.email)
    valid_too = place_one(ctx, sku, 1, buyer.email)
    ctx.cycles(3)
    # Magento cannot cancel a paid (invoiced) order: then it is held, its comment rejecting it
    evidence += stopped(
        ctx, rejected, f"{why}, policy reject", ("canceled", "holded"), account, "reject"
    )
    evidence += flowed(ctx, valid_too, "a valid buyer")
    return evidence
