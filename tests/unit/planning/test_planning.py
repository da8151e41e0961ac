"""Demand history, demand rates, reorder policies, suggestions and reports."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

import pytest

import invorder as iv
from invorder.planning import (
    DemandHistory,
    DemandRate,
    MinMax,
    PeriodicReview,
    PlanningItem,
    ReorderPoint,
    days_of_cover,
    demand_history,
    estimate_demand,
    evaluate,
    overstock_report,
    planning_items,
    slow_movers,
    stock_out_report,
    suggest_replenishment,
)
from tests.support.availability import DAY, T, world

ACME = iv.Supplier(
    supplier="ACME", lead_time_days=5, min_order_quantity=24, case_pack=12,
    terms=[iv.SupplierTerms(sku="SPOON", lead_time_days=2, case_pack=5, min_order_quantity=0)],
)  # fmt: skip


def sell(
    engine: iv.Engine, key: Callable[[], str], sku: str, location: str, quantity: int, day: int
) -> None:
    at = T + day * DAY
    rid = f"R-{key()}"
    engine.execute(iv.ReserveStock(key=key(), at=at, reservation=rid, sku=sku,
                                   location=location, quantity=quantity))  # fmt: skip
    engine.execute(iv.CommitReservation(key=key(), at=at, reservation=rid, quantity=quantity))


def test_demand_history_counts_shipments_nets_returns_and_ignores_transfers() -> None:
    engine, key = world({("MUG", "WEST"): 50, ("MUG", "EAST/A/01"): 20})
    sell(engine, key, "MUG", "WEST", 3, 0)
    sell(engine, key, "MUG", "WEST", 2, 2)
    sell(engine, key, "MUG", "EAST/A/01", 4, 2)
    ship = iv.ShipTransfer(key=key(), at=T + DAY, transfer="TR-1", origin="WEST",
                           destination="CENTRAL", lines=[iv.TransferLine("MUG", 5)])  # fmt: skip
    engine.execute(ship)
    back = iv.Movement(sku="MUG", quantity=1, source=iv.Account(iv.CUSTOMER),
                       destination=iv.Account("WEST"))  # fmt: skip
    engine.execute(iv.PostEntry(key=key(), at=T + 2 * DAY, movements=[back]))
    events = list(engine.events())
    netted = demand_history(events, T.date(), 4)
    assert netted.of("MUG", "WEST") == (3, 0, 1, 0)
    assert netted.of("MUG", "EAST") == (0, 0, 4, 0)
    assert netted.of("MUG", "CENTRAL") == (0, 0, 0, 0)
    gross = demand_history(events, T.date(), 4, net_returns=False)
    assert gross.of("MUG", "WEST") == (3, 0, 2, 0)
    bins = demand_history(events, T.date(), 4, level=3)
    assert bins.of("MUG", "EAST/A/01") == (0, 0, 4, 0)
    assert netted.last_sale("MUG", "WEST") == 2
    assert netted.last_sale("SPOON", "WEST") is None
    with pytest.raises(iv.errors.InvalidReorderPolicyError):
        demand_history(events, T.date(), 0)


def test_moving_average_and_exponential_smoothing() -> None:
    rate = estimate_demand([9, 9, 2, 4, 2, 4], window=4)
    assert rate == DemandRate(3.0, 1.0)
    steady = estimate_demand([5] * 30, "exponential", alpha=0.5)
    assert steady == DemandRate(5.0, 0.0)
    rising = estimate_demand([0, 0, 10, 10], "exponential", alpha=0.5)
    assert rising.mean == 7.5
    assert rising.sigma > 0
    assert estimate_demand([]) == DemandRate(0.0, 0.0)
    for bad in ({"window": 0}, {"method": "median"}, {"method": "exponential", "alpha": 0.0}):
        with pytest.raises(iv.errors.InvalidReorderPolicyError):
            estimate_demand([1, 2], **bad)


def test_reorder_point_uses_z_sigma_sqrt_lead_time() -> None:
    reason = evaluate(ReorderPoint(service_level=0.95, cover_days=10), DemandRate(4.0, 2.0),
                      atp=20, incoming=5, supplier_lead_time=9)  # fmt: skip
    assert reason.safety_stock == math.ceil(1.6448536 * 2.0 * 3)  # 10
    # The reorder point covers the lead time and the review day: 4 x (9 + 1) + 10.
    assert (reason.demand_over_lead_time, reason.trigger, reason.target) == (36, 50, 90)
    assert reason.position == 25
    assert reason.need == 65
    assert "reorder_point" in str(reason)
    assert "safety stock 10" in str(reason)
    assert evaluate(ReorderPoint(), DemandRate(1.0, 0.0), 100, 0, supplier_lead_time=3).need == 0


def test_min_max_and_periodic_review() -> None:
    minmax = evaluate(MinMax(minimum=10, maximum=40), DemandRate(2.0, 1.0), 9, 0)
    assert minmax.need == 31
    assert evaluate(MinMax(minimum=10, maximum=40), DemandRate(2.0, 1.0), 10, 0).need == 0
    review = evaluate(PeriodicReview(review_days=7, lead_time_days=9), DemandRate(2.0, 0.0), 20, 0)
    assert (review.target, review.need) == (32, 12)
    assert days_of_cover(30, DemandRate(3.0, 0.0)) == 10.0
    assert days_of_cover(30, DemandRate(0.0, 0.0)) == math.inf


def test_a_policy_that_needs_a_lead_time_without_one_is_refused() -> None:
    for policy in (ReorderPoint(), PeriodicReview(review_days=7)):
        with pytest.raises(iv.errors.MissingLeadTimeError) as caught:
            evaluate(policy, DemandRate(1.0, 1.0), 0, 0, sku="MUG", location="WEST")
        assert caught.value.fields == {"sku": "MUG", "location": "WEST", "policy": policy.name}
    item = PlanningItem(sku="MUG", location="WEST", atp=0, demand=DemandRate(1.0, 0.0),
                        policy=ReorderPoint(), supplier="NOBODY")  # fmt: skip
    with pytest.raises(iv.errors.MissingLeadTimeError, match="needs a lead time"):
        suggest_replenishment([item], [ACME])


@pytest.mark.parametrize(
    "build",
    [
        lambda: ReorderPoint(service_level=1.0),
        lambda: ReorderPoint(service_level=0.2),
        lambda: ReorderPoint(lead_time_days=-1),
        lambda: MinMax(minimum=5, maximum=4),
        lambda: PeriodicReview(review_days=0),
    ],
)
def test_malformed_policies_are_refused(build: Callable[[], object]) -> None:
    with pytest.raises(iv.errors.InvalidReorderPolicyError) as caught:
        build()
    assert caught.value.code == "invalid_reorder_policy"


def test_suggestions_transfer_before_buying_and_round_to_packs() -> None:
    policy = ReorderPoint(cover_days=10)
    items = [
        PlanningItem(sku="MUG", location="EAST", atp=2, demand=DemandRate(3.0, 0.0),
                     policy=policy, supplier="ACME"),
        PlanningItem(sku="MUG", location="WEST", atp=60, demand=DemandRate(1.0, 0.0),
                     policy=policy, supplier="ACME"),
        PlanningItem(sku="SPOON", location="EAST", atp=0, demand=DemandRate(1.0, 0.0),
                     policy=policy, supplier="ACME", unit_cost=iv.Money(Decimal("0.5"), "EUR")),
    ]  # fmt: skip
    suggested = suggest_replenishment(items, [ACME])
    # EAST needs 3 x 6 + 30 - 2 = 46 MUG; WEST keeps its target 6 + 10 = 16 and lends 44.
    (transfer,) = suggested.transfers
    assert (transfer.origin, transfer.destination, transfer.quantity) == ("WEST", "EAST", 44)
    (po,) = suggested.purchases
    assert (po.supplier, po.location, po.lead_time_days) == ("ACME", "EAST", 5)
    mug, spoon = po.lines
    assert (mug.need, mug.transferred_in, mug.quantity) == (2, 44, 24)  # the minimum, 2 cases
    assert (spoon.sku, spoon.need, spoon.quantity) == ("SPOON", 13, 15)  # packs of 5
    draft = po.draft(key="d1", at=T, purchase_order="PO-7")
    assert draft.lines[1].eta == T + timedelta(days=5)
    assert draft.lines[1].quantity == 15
    buy_only = suggest_replenishment(items, {"ACME": ACME}, transfers_first=False)
    mug_lines = [line for line in buy_only.purchases[0].lines if line.sku == "MUG"]
    assert mug_lines[0].need == 46
    assert mug_lines[0].quantity == 48


def test_reports_show_risk_overstock_and_slow_movers() -> None:
    cost = iv.Money(Decimal(2), "EUR")
    items = [
        PlanningItem(sku="MUG", location="EAST", atp=5, demand=DemandRate(2.0, 0.0),
                     policy=MinMax(minimum=1, maximum=2), arrivals=[(4, 10)]),
        PlanningItem(sku="SAUCER", location="EAST", atp=300, demand=DemandRate(1.0, 0.0),
                     policy=MinMax(minimum=1, maximum=2), unit_cost=cost),
    ]  # fmt: skip
    (risk,) = stock_out_report(items, 10)
    # 5 - 2 - 2 - 2 < 0 on day 2; then +10 on day 4; 15 - 20 = -5 at the end.
    assert (risk.sku, risk.day, risk.shortfall, risk.incoming) == ("MUG", 2, 5, 10)
    (over,) = overstock_report(items, 30)
    assert (over.sku, over.excess, over.value) == ("SAUCER", 270, iv.Money(Decimal(540), "EUR"))
    history = DemandHistory(T.date(), 10, {("MUG", "EAST"): (1,) + (0,) * 9})
    slow = slow_movers(history, {("MUG", "EAST"): 4, ("SAUCER", "EAST"): 3}, 7, {"MUG": cost})
    assert [(s.sku, s.idle_days, s.value) for s in slow] == [
        ("MUG", 9, iv.Money(Decimal(8), "EUR")), ("SAUCER", 10, None)]  # fmt: skip


def test_planning_items_come_from_the_engine() -> None:
    engine, key = world({("MUG", "WEST"): 30})
    engine.execute(iv.DefineSupplier(key=key(), at=T, supplier=ACME))
    engine.execute(iv.ExpectPurchase(key=key(), at=T, purchase_order="PO-1", location="WEST",
                                     supplier="ACME",
                                     lines=[iv.PurchaseLine(sku="MUG", quantity=12,
                                                            eta=T + 3 * DAY)]))  # fmt: skip
    for day in range(10):
        sell(engine, key, "MUG", "WEST", 2, day)
    at = T + 10 * DAY
    history = demand_history(engine.events(), T.date(), 10)

    def policy(sku: str, location: str) -> ReorderPoint:
        return ReorderPoint() if sku == "MUG" else ReorderPoint(lead_time_days=5)

    items = planning_items(engine, history, at, policy, supplier_of={"MUG": "ACME"}, window=10)
    mug = next(i for i in items if (i.sku, i.location) == ("MUG", "WEST"))
    assert (mug.atp, mug.incoming, mug.demand) == (10, 12, DemandRate(2.0, 0.0))
    assert mug.arrivals == ((0, 12),)
    assert mug.supplier == "ACME"
    assert {i.location for i in items} == {"CENTRAL", "EAST", "WEST"}
    assert all(i.sku not in ("SET", "GIFT") for i in items)
    suggested = suggest_replenishment(items, engine.suppliers())
    assert suggested.reasons[("MUG", "WEST")].trigger == 12


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("plan_replenishment", "suggest_replenishment"),
        ("ReplenishmentPlan", "ReplenishmentSuggestions"),
    ],
)
def test_the_old_plan_names_still_work_and_say_the_new_one(old: str, new: str) -> None:
    import invorder.planning

    assert old not in invorder.planning.__all__
    assert new in invorder.planning.__all__
    with pytest.warns(DeprecationWarning, match=rf"invorder\.planning\.{new}\b"):
        found = getattr(invorder.planning, old)
    assert found is getattr(invorder.planning, new)
    with pytest.raises(AttributeError, match="no attribute 'plan'"):
        getattr(invorder.planning, "plan")  # noqa: B009  # the old module is gone


def test_planning_surface_is_sorted_and_documented() -> None:
    import inspect

    import invorder.planning

    assert invorder.planning.__all__ == sorted(invorder.planning.__all__)
    for name in invorder.planning.__all__:
        value = getattr(invorder.planning, name)
        if inspect.isclass(value) or inspect.isfunction(value):
            assert (value.__doc__ or "").strip(), f"{name} has no docstring"
