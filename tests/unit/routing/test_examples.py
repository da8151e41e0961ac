"""Example tests pinning the seed's routing scenarios and each block's behaviour."""

from __future__ import annotations

from datetime import UTC, datetime, time

import attrs

from invorder import LocationId, SkuId
from invorder.domain.money import Money
from invorder.domain.orders.ids import OrderKind
from invorder.domain.orders.ship_to import ShippingMethod
from invorder.routing import (
    AllocationPlan,
    Explanation,
    FairShare,
    LocationFacts,
    LocationOffline,
    LocationOnline,
    PurchaseOrderSlipped,
    RoutingRequest,
    RoutingRule,
    ShortPicked,
    StockArrived,
    allocate_wave,
    at_most,
    before_cutoff,
    by,
    cancel_remainder,
    choose,
    criterion,
    has_capacity,
    has_stock,
    hold_for_review,
    least_loaded,
    lowest_cost,
    minimise_shipments,
    most_stock,
    nearest,
    online,
    plan_from_quantities,
    predicate,
    priority_list,
    replan,
    route,
    serves_order,
    ship_complete,
    weighted,
    when,
    within_km,
)
from tests.support.routing import EAST, NOW, WEST, WHOLESALE_DC, order, request

NEAREST_SPLIT = route("nearest", filters=[serves_order(), has_capacity()], rank=nearest())


def why(plan: AllocationPlan | None) -> Explanation:
    """The plan's explanation (the plan was asked to explain)."""
    assert plan is not None
    assert plan.explanation is not None
    return plan.explanation


def quantities(plan: AllocationPlan) -> dict[str, dict[str, int]]:
    return {line.line_id: {a.location: a.quantity for a in line.allocations} for line in plan.lines}


# --- the seed's scenarios ------------------------------------------------------------------


def test_an_order_split_between_two_warehouses() -> None:
    plan = NEAREST_SPLIT.explain(request())
    assert quantities(plan) == {"L1": {"EAST": 3, "WEST": 2}, "L2": {"EAST": 2}}
    assert plan.shipments == ("EAST", "WEST")
    assert plan.backordered == 0
    assert why(plan).location("EAST").rank == 1
    assert why(plan).location("EAST").allocated == 5


def test_the_same_order_ships_complete_from_one_when_the_split_says_so() -> None:
    plan = route("complete", rank=nearest(), split=ship_complete()).explain(request())
    assert quantities(plan) == {"L1": {"WEST": 5}, "L2": {"WEST": 2}}
    assert why(plan).location("EAST").decision == ("ship complete: cannot send the whole order")


def test_a_wholesale_order_waits() -> None:
    wholesale = route("wholesale", filters=[serves_order()], rank=nearest(), split=ship_complete())
    rule = choose(when(kind=OrderKind.WHOLESALE, use=wholesale), fallback=NEAREST_SPLIT)
    view = order(kind=OrderKind.WHOLESALE, channel="wholesale-portal")
    plan = rule.explain(
        request(view, lines=(("MUG", 30), ("TEE", 5)), locations=(EAST, WEST, WHOLESALE_DC))
    )
    assert plan.allocated == 0
    assert [line.backordered for line in plan.lines] == [30, 5]
    assert why(plan).branch == "when(kind=wholesale)"
    assert why(plan).location("EAST").exclusion_reason == "does not serve wholesale orders"
    assert why(plan).location("DC").decision == "ship complete: cannot send the whole order"
    assert "it waits" in why(plan).notes[0]
    # the DTC order of the same lines takes the fallback and is split
    dtc = rule.explain(request(lines=(("MUG", 5), ("TEE", 2))))
    assert why(dtc).branch == "fallback"
    assert dtc.shipments == ("EAST", "WEST")


# --- filters -------------------------------------------------------------------------------


def excluded(rule_filter: object, req: RoutingRequest) -> dict[str, str | None]:
    plan = route("f", filters=[rule_filter]).explain(req)
    return {e.location: e.exclusion_reason for e in why(plan).excluded()}


def test_each_filter_says_why_it_excludes() -> None:
    req = request(locations=(EAST, WEST, WHOLESALE_DC))
    assert excluded(serves_order(), req) == {"DC": "does not serve channel shopify"}
    full = attrs.evolve(WEST, used_today=100)
    assert excluded(has_capacity(), request(locations=(EAST, full))) == {
        "WEST": "capacity left today 0 < 1"
    }
    express = request(
        order(method=ShippingMethod.EXPRESS), now=datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
    )
    assert excluded(before_cutoff(), express) == {
        "EAST": "past the express cutoff 14:00:00 (now 15:00:00)"
    }
    assert excluded(within_km(500), req) == {
        "WEST": "3918.2 km away > 500 km",
        "DC": "1142.7 km away > 500 km",
    }
    assert excluded(online(), request(locations=(attrs.evolve(EAST, online=False), WEST))) == {
        "EAST": "offline"
    }
    empty = LocationFacts("EMPTY", atp={"CAP": 4})
    assert excluded(has_stock(), request(locations=(EAST, empty))) == {
        "EMPTY": "no ATP of any ordered SKU"
    }

    def not_west(req: RoutingRequest, facts: LocationFacts) -> bool:
        return facts.location != "WEST"

    assert excluded(not_west, req) == {"WEST": "host predicate said no"}
    assert excluded(predicate(not_west, reason="closed"), req) == {"WEST": "closed"}


# --- rankers -------------------------------------------------------------------------------


def ranking(rank: object, req: RoutingRequest | None = None) -> list[str]:
    plan = route("r", rank=rank).explain(req or request(locations=(EAST, WEST, WHOLESALE_DC)))
    return [entry.location for entry in why(plan).ranked()]


def test_each_criterion_orders_the_candidates() -> None:
    assert ranking(priority_list(["DC", "WEST"])) == ["DC", "WEST", "EAST"]
    assert ranking(nearest()) == ["EAST", "DC", "WEST"]
    assert ranking(lowest_cost()) == ["WEST", "EAST", "DC"]  # DC has no rate: unknown, last
    assert ranking(most_stock()) == ["DC", "WEST", "EAST"]
    assert ranking(least_loaded()) == ["DC", "EAST", "WEST"]
    zoned = request(
        locations=(attrs.evolve(EAST, coordinates=None), attrs.evolve(WEST, coordinates=None))
    )
    table = {("US-EAST", "US-EAST"): 100, ("US-WEST", "US-EAST"): 4000}
    assert ranking(nearest(table), zoned) == ["EAST", "WEST"]


def test_ties_are_broken_by_location_id_and_said_so() -> None:
    plan = route("tie", rank=by(criterion(lambda r, f: 1, name="flat"))).explain(request())
    east = why(plan).location("EAST")
    assert [e.location for e in why(plan).ranked()] == ["EAST", "WEST"]
    assert east.tie_break == "tied with WEST on flat; ordered by location id"


def test_weighted_ranking_keeps_every_score() -> None:
    plan = route("w", rank=weighted((nearest(), 3), (most_stock(), 1))).explain(request())
    east = why(plan).location("EAST")
    assert [(s.criterion, s.normalised) for s in east.scores] == [
        ("nearest_km", 1.0),
        ("most_stock", 0.0),
        ("weighted", None),
    ]
    assert east.scores[-1].value == 0.75
    assert why(plan).location("WEST").scores[-1].value == 0.25


# --- splits and backorders -----------------------------------------------------------------


def test_minimise_shipments_prefers_one_location_that_covers() -> None:
    plan = route("m", rank=nearest(), split=minimise_shipments()).explain(request())
    assert plan.shipments == ("WEST",)
    assert why(plan).notes == ("greedy cover of 1 shipment(s) is minimal",)


def test_minimise_shipments_exact_search_beats_greedy() -> None:
    # greedy takes BIG (most units), then A, then B; {A, B} covers with two
    big = LocationFacts("BIG", atp={"X": 3, "Y": 3, "Z": 3})
    a = LocationFacts("A", atp={"X": 4, "Y": 4})
    b = LocationFacts("B", atp={"Z": 4})
    req = request(lines=(("X", 4), ("Y", 4), ("Z", 4)), locations=(big, a, b))
    plan = route("m", split=minimise_shipments()).explain(req)
    assert plan.shipments == ("A", "B")
    assert why(plan).notes == ("exact search: 2 shipment(s) after 4 subsets",)
    bounded = route("m", split=minimise_shipments(exact_budget=2)).explain(req)
    assert why(bounded).notes == (
        "exact search stopped after 2 subsets: greedy cover of 3 location(s) kept",
    )


def test_at_most_one_shipment_keeps_the_biggest_contributor() -> None:
    plan = route("one", rank=nearest(), split=at_most(1)).explain(request())
    assert plan.shipments == ("EAST",)
    assert quantities(plan) == {"L1": {"EAST": 3}, "L2": {"EAST": 2}}
    assert plan.backordered == 2
    assert why(plan).location("WEST").decision == "at most 1 shipments: left out"


def test_backorder_policies() -> None:
    short = request(lines=(("MUG", 20),))
    plan = route("b", rank=nearest())(short)
    assert (plan.allocated, plan.backordered, plan.cancelled, plan.held) == (13, 7, 0, False)
    plan = route("c", rank=nearest(), backorder=cancel_remainder())(short)
    assert (plan.allocated, plan.backordered, plan.cancelled) == (13, 0, 7)
    plan = route("h", rank=nearest(), backorder=hold_for_review())(short)
    assert plan.held
    assert plan.hold_reason == "7 unit(s) could not be allocated: a person decides"
    assert not route("h", backorder=hold_for_review()).explain(request()).held


def test_capacity_caps_what_a_location_gives() -> None:
    tight = attrs.evolve(EAST, used_today=98)  # 2 units left today
    plan = route("cap", rank=nearest()).explain(request(locations=(tight, WEST)))
    assert plan.units_by_location() == {"EAST": 2, "WEST": 5}


# --- conditions ----------------------------------------------------------------------------


def test_conditions_choose_by_value_tier_and_method() -> None:
    a = route("a", rank=nearest())
    b = route("b", rank=nearest(), split=ship_complete())
    c = route("c")
    rule = choose(
        when(min_value=Money("100", "USD"), tier="gold", use=a, name="big gold"),
        when(method=ShippingMethod.EXPRESS, channel=["amazon", "shopify"], use=b),
        fallback=c,
    )
    gold = order(value=Money("150", "USD"), customer_tier="gold")
    assert why(rule.explain(request(gold))).branch == "big gold"
    assert why(rule.explain(request(order(method=ShippingMethod.EXPRESS)))).branch == (
        "when(channel=amazon|shopify, method=express)"
    )
    assert why(
        rule.explain(request(order(value=Money("50", "USD"), customer_tier="gold")))
    ).rule == ("c")


# --- explanations --------------------------------------------------------------------------


def test_explanation_renders_rows_and_compares() -> None:
    split = NEAREST_SPLIT.explain(request(locations=(EAST, WEST, WHOLESALE_DC)))
    assert why(split).render() == (
        "rule nearest\n"
        "split: spill_over; backorder: backorder\n"
        "  #1 EAST [nearest_km=115.063]: spill-over: takes 5 units at rank 1; ships 5 units\n"
        "  #2 WEST [nearest_km=3918.213]: spill-over: takes 2 units at rank 2; ships 2 units\n"
        "  excluded DC by serves_order: does not serve channel shopify"
    )
    rows = why(split).to_rows()
    assert [row["location"] for row in rows] == ["DC", "EAST", "WEST"]
    assert rows[1]["score:nearest_km"] == 115.063
    assert rows[0]["excluded_by"] == "serves_order"
    complete = route(
        "nearest", filters=[serves_order()], rank=nearest(), split=ship_complete()
    ).explain(request(locations=(EAST, WEST, WHOLESALE_DC)))
    diff = why(split).compare(why(complete))
    assert ("WEST", "allocated", 2, 7) in [
        (c.location, c.field, c.before, c.after) for c in diff.changes
    ]
    assert "plan: split 'spill_over' -> 'ship_complete'" in diff.render()
    assert not why(split).compare(why(split))
    assert why(split).compare(why(split)).render() == "no differences"
    assert split.to_rows()[0] == {
        "order_id": "o-1",
        "line_id": "L1",
        "sku": "MUG",
        "location": "EAST",
        "quantity": 3,
        "status": "allocated",
    }


def test_a_host_rule_builds_a_plan_from_quantities() -> None:
    def everything_from_west(req: RoutingRequest) -> AllocationPlan:
        return plan_from_quantities(
            req,
            {line.line_id: {"WEST": line.quantity} for line in req.lines},
            rule="west",
            decisions={"WEST": "host: always west"},
        )

    rule = choose(when(channel="shopify", use=everything_from_west), fallback=NEAREST_SPLIT)
    plan = rule.explain(request())
    assert plan.shipments == ("WEST",)
    assert why(plan).location("WEST").decision == "host: always west"
    assert why(plan).branch == "when(channel=shopify)"


# --- waves ---------------------------------------------------------------------------------


def test_a_wave_allocates_in_priority_order() -> None:
    scarce = (attrs.evolve(EAST, atp={"MUG": 4}), attrs.evolve(WEST, atp={"MUG": 0}))
    early = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    requests = [
        request(
            order("wholesale", kind=OrderKind.WHOLESALE, placed_at=early), (("MUG", 3),), scarce
        ),
        request(order("dtc-new"), (("MUG", 3),), scarce),
        request(order("dtc-old", placed_at=early), (("MUG", 3),), scarce),
        request(
            order("amazon", kind=OrderKind.MARKETPLACE, channel="amazon"), (("MUG", 3),), scarce
        ),
        request(order("express", method=ShippingMethod.EXPRESS), (("MUG", 3),), scarce),
    ]
    wave = allocate_wave(explain=True, requests=requests, rule=route("spill", rank=nearest()))
    assert wave.order == ("express", "amazon", "dtc-old", "dtc-new", "wholesale")
    assert [plan.allocated for plan in wave.plans] == [3, 1, 0, 0, 0]
    assert wave.remaining.atp_of("EAST", "MUG") == 0


def test_fair_share_splits_a_scarce_sku_by_channel_weight() -> None:
    stock = (attrs.evolve(EAST, atp={"MUG": 10}), attrs.evolve(WEST, atp={}))
    requests = [
        request(order("a1", channel="amazon", kind=OrderKind.MARKETPLACE), (("MUG", 8),), stock),
        request(order("a2", channel="amazon", kind=OrderKind.MARKETPLACE), (("MUG", 4),), stock),
        request(order("s1"), (("MUG", 6),), stock),
    ]
    fair = FairShare({"amazon": 1, "shopify": 1})
    wave = allocate_wave(explain=True, requests=requests, rule=route("spill"), fair_share=fair)
    assert dict(wave.quotas[SkuId("MUG")]) == {"amazon": 5, "shopify": 5}
    assert {plan.order_id: plan.allocated for plan in wave.plans} == {"a1": 5, "a2": 0, "s1": 5}
    assert "fair share for channel amazon: 3 unit(s) backordered" in why(wave.plan_for("a1")).notes
    heavy = allocate_wave(
        explain=True, requests=requests, rule=route("spill"), fair_share=FairShare({"amazon": 3})
    )
    assert dict(heavy.quotas[SkuId("MUG")]) == {"amazon": 8, "shopify": 2}
    without = allocate_wave(explain=True, requests=requests, rule=route("spill"))
    assert {plan.order_id: plan.allocated for plan in without.plans} == {"a1": 8, "a2": 2, "s1": 0}


# --- re-planning ---------------------------------------------------------------------------


def _wave() -> tuple[RoutingRule, list[RoutingRequest]]:
    rule = route("spill", filters=[online()], rank=nearest())
    requests = [
        request(order("o-1"), (("MUG", 5),)),
        request(order("o-2", placed_at=datetime(2026, 3, 2, 10, tzinfo=UTC)), (("MUG", 10),)),
    ]
    return rule, requests


def test_replan_after_stock_arrives_fills_backorders() -> None:
    rule, requests = _wave()
    wave = allocate_wave(explain=True, requests=requests, rule=rule)
    assert wave.plan_for("o-2").backordered == 2
    result = replan(wave, [StockArrived("EAST", "MUG", 4)], rule)
    assert [(c.order_id, c.quantity) for c in result.newly_filled] == [("o-2", 2)]
    assert not result.reroutes
    assert not result.new_backorders
    assert quantities(result.wave.plan_for("o-2")) == {"L1": {"WEST": 8, "EAST": 2}}


def test_replan_after_a_slip_a_short_pick_or_an_outage() -> None:
    rule, requests = _wave()
    wave = allocate_wave(explain=True, requests=requests, rule=rule)
    assert quantities(wave.plan_for("o-1")) == {"L1": {"EAST": 3, "WEST": 2}}
    slipped = replan(wave, [PurchaseOrderSlipped("WEST", "MUG", 4)], rule)
    assert [(c.order_id, c.quantity) for c in slipped.new_backorders] == [("o-2", 4)]
    short = replan(wave, [ShortPicked("EAST", "MUG", 1)], rule)
    # kept allocations are never taken from another order: o-1 keeps what is left
    assert [r.order_id for r in short.reroutes] == ["o-1"]
    assert quantities(short.wave.plan_for("o-1")) == {"L1": {"EAST": 2, "WEST": 2}}
    assert [(c.order_id, c.quantity) for c in short.new_backorders] == [("o-1", 1)]
    offline = replan(wave, [LocationOffline("EAST")], rule)
    assert quantities(offline.wave.plan_for("o-1")) == {"L1": {"WEST": 2}}
    assert [(c.order_id, c.quantity) for c in offline.new_backorders] == [("o-1", 3)]
    assert offline.changed
    assert "kept 2 units from the previous plan" in (
        why(offline.wave.plan_for("o-1")).location("WEST").decision or ""
    )
    assert wave.plan_for("o-1").shipments == ("EAST", "WEST")  # nothing applied


def test_the_cutoff_uses_the_location_time_zone() -> None:
    from datetime import timedelta, timezone

    new_york = timezone(timedelta(hours=-5))
    east = attrs.evolve(EAST, cutoffs={ShippingMethod.EXPRESS: time(14)}, timezone=new_york)
    req = request(order(method=ShippingMethod.EXPRESS), locations=(east,), now=NOW)  # 04:00 local
    assert route("c", filters=[before_cutoff()]).explain(req).allocated == 5
    late = attrs.evolve(req, now=datetime(2026, 3, 2, 19, 30, tzinfo=UTC))  # 14:30 local
    assert route("c", filters=[before_cutoff()])(late).allocated == 0


def test_replans_chain_and_stock_elsewhere_fills_what_an_outage_left() -> None:
    rule, requests = _wave()
    wave = allocate_wave(explain=True, requests=requests, rule=rule)
    outage = replan(wave, [LocationOffline("EAST")], rule)
    assert outage.wave.supply.capacity[LocationId("EAST")] == 0
    assert outage.wave.supply.atp_of("EAST", "MUG") == 3  # still there, just unusable
    restock = replan(outage.wave, [StockArrived("WEST", "MUG", 6)], rule)
    assert outage.wave.plan_for("o-1").backordered == 3
    assert restock.wave.plan_for("o-1").fully_allocated
    assert [(c.order_id, c.quantity) for c in restock.newly_filled] == [("o-1", 3), ("o-2", 2)]
    nothing = replan(restock.wave, [], rule)
    assert not nothing.changed
    back = replan(outage.wave, [LocationOnline("EAST", capacity=50)], rule)
    assert [(c.order_id, c.quantity) for c in back.newly_filled] == [("o-1", 3)]
    assert back.wave.plan_for("o-1").units_by_location() == {"WEST": 2, "EAST": 3}
    assert [plan.lines for plan in nothing.plans] == [plan.lines for plan in restock.plans]
    assert why(nothing.plans[0]).notes[-1] == "replanned after no change"
