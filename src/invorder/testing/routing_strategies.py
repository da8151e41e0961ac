"""Hypothesis strategies for routing requests and rules, and the routing laws as an
assertion, so a host can property-test its own rule exactly as invorder tests its own.

Needs the ``test`` extra (hypothesis). Typical use::

    @given(routing_requests())
    def test_my_rule(request):
        assert_routing_laws(my_rule, request)
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from invorder.domain.money import Money
from invorder.domain.party import OrderKind
from invorder.domain.shipping import Coordinates, ShippingMethod, ShipTo
from invorder.routing import (
    AllocationPlan,
    LocationFacts,
    OrderView,
    RequestLine,
    RoutingRequest,
    RoutingRule,
    ShippingRate,
    at_most,
    backorder,
    before_cutoff,
    by,
    cancel_remainder,
    check_plan,
    choose,
    has_capacity,
    has_stock,
    hold_for_review,
    least_loaded,
    lowest_cost,
    minimise_shipments,
    most_stock,
    nearest,
    online,
    predicate,
    priority_list,
    route,
    serves_order,
    ship_complete,
    spill_over,
    weighted,
    when,
    within_km,
)

SKUS = ("MUG", "TEE", "CAP", "BAG")
"""The small SKU alphabet the strategies draw from (so lines often share a SKU)."""
LOCATIONS = ("EAST", "WEST", "NORTH", "SOUTH", "STORE-1", "STORE-2", "STORE-3", "DC")
"""The candidate location ids the strategies draw from."""
CHANNELS = ("shopify", "amazon", "wholesale-portal")
"""The channels the strategies draw from."""
ZONES = ("Z1", "Z2", "Z3")
"""The shipping zones the strategies draw from."""
BASE_TIME = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)
"""Requests' ``now`` lies within 18 hours after this time."""


def coordinates() -> st.SearchStrategy[Coordinates]:
    """Points on Earth, rounded to 0.1 degree."""
    return st.builds(
        Coordinates,
        lat=st.integers(-600, 700).map(lambda v: v / 10),
        lon=st.integers(-1800, 1800).map(lambda v: v / 10),
    )


def money(currency: str = "USD") -> st.SearchStrategy[Money]:
    """Amounts from 0 to 100.00 in one currency."""
    return st.integers(0, 10_000).map(lambda cents: Money(Decimal(cents) / 100, currency))


@st.composite
def location_facts(draw: Any, location: str, skus: Sequence[str] = SKUS) -> LocationFacts:
    """One candidate location with random ATP (often zero), facts and shipping rates."""
    atp = {
        sku: draw(st.integers(0, 12)) for sku in draw(st.lists(st.sampled_from(skus), unique=True))
    }
    daily = draw(st.none() | st.integers(0, 40))
    used = 0 if daily is None else draw(st.integers(0, daily))
    rates = draw(
        st.lists(
            st.builds(
                ShippingRate,
                per_shipment=money(),
                per_unit=st.none() | money(),
                zone=st.none() | st.sampled_from(ZONES),
                method=st.none() | st.sampled_from(ShippingMethod),
            ),
            max_size=3,
        )
    )
    cutoffs = draw(
        st.dictionaries(
            st.sampled_from(ShippingMethod), st.integers(0, 23).map(lambda h: time(h)), max_size=3
        )
    )
    return LocationFacts(
        location=location,
        atp=atp,
        coordinates=draw(st.none() | coordinates()),
        zone=draw(st.none() | st.sampled_from(ZONES)),
        daily_capacity=daily,
        used_today=used,
        shipments_left=draw(st.none() | st.integers(0, 5)),
        shipping_rates=rates,
        channels=draw(st.frozensets(st.sampled_from(CHANNELS), max_size=2)),
        kinds=draw(st.frozensets(st.sampled_from(OrderKind), max_size=2)),
        cutoffs=cutoffs,
        online=draw(st.sampled_from((True, True, True, False))),
    )


@st.composite
def order_views(draw: Any, order_id: str = "o-1") -> OrderView:
    """An order view with random channel, kind, tier, ship-to, method, value and times."""
    placed = BASE_TIME - timedelta(minutes=draw(st.integers(0, 5000)))
    return OrderView(
        order_id=order_id,
        channel=draw(st.sampled_from(CHANNELS)),
        kind=draw(st.sampled_from(OrderKind)),
        placed_at=placed,
        customer_tier=draw(st.sampled_from(("standard", "gold"))),
        ship_to=ShipTo(
            coordinates=draw(st.none() | coordinates()),
            zone=draw(st.none() | st.sampled_from(ZONES)),
        ),
        shipping_method=draw(st.sampled_from(ShippingMethod)),
        ship_by=draw(st.none() | st.integers(0, 72).map(lambda h: BASE_TIME + timedelta(hours=h))),
        priority=draw(st.integers(0, 2)),
        value=draw(st.none() | money()),
        ship_complete=draw(st.booleans()),
    )


@st.composite
def request_lines(
    draw: Any, skus: Sequence[str] = SKUS, max_lines: int = 4
) -> tuple[RequestLine, ...]:
    """1..max_lines lines; SKUs may repeat across lines."""
    count = draw(st.integers(1, max_lines))
    return tuple(
        RequestLine(
            line_id=f"L{index}", sku=draw(st.sampled_from(skus)), quantity=draw(st.integers(1, 10))
        )
        for index in range(1, count + 1)
    )


@st.composite
def routing_requests(
    draw: Any, max_lines: int = 4, max_locations: int = 6, order_id: str = "o-1"
) -> RoutingRequest:
    """A whole routing request: an order, its lines and 0..max_locations candidates."""
    names = draw(
        st.lists(
            st.sampled_from(LOCATIONS), unique=True, max_size=min(max_locations, len(LOCATIONS))
        )
    )
    return RoutingRequest(
        order=draw(order_views(order_id)),
        lines=draw(request_lines(max_lines=max_lines)),
        locations=[draw(location_facts(name)) for name in names],
        now=BASE_TIME + timedelta(minutes=draw(st.integers(0, 18 * 60))),
    )


def _not_store(request: RoutingRequest, location: LocationFacts) -> bool:
    return not location.location.startswith("STORE")


def filters() -> st.SearchStrategy[Any]:
    """Every built-in filter, and a host predicate."""
    return st.sampled_from(
        (
            serves_order(),
            online(),
            has_capacity(),
            before_cutoff(),
            within_km(3000),
            within_km(5000, keep_unknown=True),
            has_stock(),
            predicate(_not_store, name="not_a_store"),
        )
    )


def criteria() -> st.SearchStrategy[Any]:
    """Every built-in criterion."""
    return st.sampled_from(
        (
            priority_list(("DC", "EAST", "STORE-1")),
            nearest({("Z1", "Z1"): 0, ("Z1", "Z2"): 500, ("Z2", "Z1"): 500, ("Z3", "Z3"): 0}),
            lowest_cost(),
            most_stock(),
            least_loaded(),
        )
    )


def rankers() -> st.SearchStrategy[Any]:
    """Criteria in turn, or weighted combinations."""
    in_turn = st.lists(criteria(), max_size=3).map(lambda cs: by(*cs))
    pairs = st.lists(st.tuples(criteria(), st.integers(1, 5)), min_size=1, max_size=3)
    return in_turn | pairs.map(lambda ps: weighted(*ps))


def split_policies() -> st.SearchStrategy[Any]:
    """Every built-in split policy (minimise-shipments with a tiny and a normal budget)."""
    base = st.sampled_from(
        (spill_over(), ship_complete(), minimise_shipments(), minimise_shipments(exact_budget=3))
    )
    return base | st.builds(lambda n, then: at_most(n, then), st.integers(1, 3), base)


def backorder_policies() -> st.SearchStrategy[Any]:
    """Every built-in backorder policy."""
    return st.sampled_from((backorder(), cancel_remainder(), hold_for_review()))


def pipelines() -> st.SearchStrategy[RoutingRule]:
    """Random pipelines of built-in blocks."""
    return st.builds(
        lambda fs, rank, split, bo: route(
            "generated", filters=fs, rank=rank, split=split, backorder=bo
        ),
        st.lists(filters(), max_size=3),
        rankers(),
        split_policies(),
        backorder_policies(),
    )


def rules() -> st.SearchStrategy[RoutingRule]:
    """Pipelines, and conditions choosing between pipelines by order attributes."""
    chosen = st.builds(
        lambda a, b, c, kind, tier: choose(
            when(kind=kind, use=a), when(tier=tier, use=b), fallback=c
        ),
        pipelines(),
        pipelines(),
        pipelines(),
        st.sampled_from(OrderKind),
        st.sampled_from(("standard", "gold")),
    )
    return pipelines() | chosen


def assert_routing_laws(rule: RoutingRule, request: RoutingRequest) -> AllocationPlan:
    """Run ``rule`` on ``request`` and assert the routing laws; return the plan.

    Laws: :func:`~invorder.routing.check_plan` passes (never above ATP, per SKU over lines;
    every unit accounted for; explanation agrees); the same request gives an equal plan;
    the explanation renders and gives one row per candidate.
    """
    plan = check_plan(request, rule(request))
    again = rule(request)
    assert again == plan, "the rule is not deterministic: two runs gave different plans"
    for line, wanted in zip(plan.lines, request.lines, strict=True):
        assert line.allocated + line.backordered + line.cancelled == wanted.quantity
    taken = plan.taken()
    for facts in request.locations:
        for sku in request.skus:
            assert taken.get((facts.location, sku), 0) <= facts.atp_of(sku)
    rows = plan.explanation.to_rows()
    assert [row["location"] for row in rows] == [
        entry.location for entry in plan.explanation.locations
    ]
    assert isinstance(plan.explanation.render(), str)
    assert not plan.explanation.compare(again.explanation)
    return plan
