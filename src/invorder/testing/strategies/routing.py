"""Hypothesis strategies for routing requests and rules, and the routing laws as an
assertion, so a host can property-test its own rule exactly as invorder tests its own.

Needs the ``test`` extra (hypothesis). Typical use::

    @given(routing_requests())
    def test_my_rule(request):
        assert_routing_laws(my_rule, request)
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

import attrs
from hypothesis import strategies as st

from invorder.domain.money import Money
from invorder.domain.orders.ids import OrderKind
from invorder.domain.orders.ship_to import Coordinates, ShippingMethod, ShipTo
from invorder.routing import (
    AllocationPlan,
    BackorderPolicy,
    Criterion,
    Filter,
    LocationFacts,
    OrderView,
    Ranker,
    RequestLine,
    RoutingRequest,
    RoutingRule,
    ShippingRate,
    SplitPolicy,
    at_most,
    backorder,
    before_cutoff,
    by,
    cancel_remainder,
    check_plan,
    choose,
    explain_plan,
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

__all__ = [
    "BASE_TIME",
    "CHANNELS",
    "LOCATIONS",
    "SKUS",
    "ZONES",
    "assert_routing_laws",
    "backorder_policies",
    "coordinates",
    "criteria",
    "filters",
    "location_facts",
    "order_views",
    "pipelines",
    "rankers",
    "request_lines",
    "routing_requests",
    "rules",
    "split_policies",
]

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


_POINTS = (
    Coordinates(40.7, -74.0),
    Coordinates(41.9, -87.6),
    Coordinates(34.0, -118.2),
    Coordinates(47.6, -122.3),
    Coordinates(51.5, -0.1),
    Coordinates(-33.9, 151.2),
)


def coordinates() -> st.SearchStrategy[Coordinates]:
    """A few real cities (few draws keep generation fast; distances still vary)."""
    return st.sampled_from(_POINTS)


_RATES = (
    ShippingRate(per_shipment=Money("5.00", "USD")),
    ShippingRate(per_shipment=Money("3.50", "USD"), per_unit=Money("0.40", "USD"), zone="Z1"),
    ShippingRate(per_shipment=Money("9.00", "USD"), method=ShippingMethod.EXPRESS),
    ShippingRate(
        per_shipment=Money("2.00", "USD"),
        per_unit=Money("1.00", "USD"),
        zone="Z2",
        method=ShippingMethod.STANDARD,
    ),
)
_CUTOFFS: tuple[dict[ShippingMethod, time], ...] = (
    {},
    {ShippingMethod.EXPRESS: time(12), ShippingMethod.STANDARD: time(17)},
    {ShippingMethod.SAME_DAY: time(9), ShippingMethod.TWO_DAY: time(15)},
    {method: time(23) for method in ShippingMethod},
)
_CHANNEL_SETS: tuple[frozenset[str], ...] = (
    frozenset(),
    frozenset({"shopify"}),
    frozenset({"amazon", "shopify"}),
)
_KIND_SETS: tuple[frozenset[OrderKind], ...] = (
    frozenset(),
    frozenset({OrderKind.WHOLESALE}),
    frozenset({OrderKind.DTC}),
)


_STOCK = st.lists(st.integers(0, 12), min_size=len(SKUS), max_size=len(SKUS))
_DAILY = st.sampled_from((None, None, 0, 5, 20))
_WHERE = st.sampled_from((None, *_POINTS))
_ZONE = st.sampled_from((None, *ZONES))
_SHIPMENTS = st.sampled_from((None, None, 0, 1, 3))
_RATE_LISTS = st.lists(st.sampled_from(_RATES), max_size=2, unique=True)
_CHANNEL_SET = st.sampled_from(_CHANNEL_SETS)
_KIND_SET = st.sampled_from(_KIND_SETS)
_CUTOFF = st.sampled_from(_CUTOFFS)
_ONLINE = st.sampled_from((True, True, True, False))
_USED = st.integers(0, 20)


@st.composite
def location_facts(draw: Any, location: str) -> LocationFacts:
    """One candidate location with random ATP of :data:`SKUS` (often zero or unlisted),
    capacity, shipping rates, channels, kinds, cutoffs and online flag."""
    stock = draw(_STOCK)
    atp = {sku: quantity for sku, quantity in zip(SKUS, stock, strict=True) if quantity % 4}
    daily = draw(_DAILY)
    return LocationFacts(
        location=location,
        atp=atp,
        coordinates=draw(_WHERE),
        zone=draw(_ZONE),
        daily_capacity=daily,
        used_today=0 if daily is None else min(draw(_USED), daily),
        shipments_left=draw(_SHIPMENTS),
        shipping_rates=draw(_RATE_LISTS),
        channels=draw(_CHANNEL_SET),
        kinds=draw(_KIND_SET),
        cutoffs=draw(_CUTOFF),
        online=draw(_ONLINE),
    )


_AGE = st.integers(0, 5000)
_CHANNEL = st.sampled_from(CHANNELS)
_KIND = st.sampled_from(OrderKind)
_TIER = st.sampled_from(("standard", "gold"))
_METHOD = st.sampled_from(ShippingMethod)
_SHIP_BY = st.sampled_from((None, 2, 10, 30)).map(
    lambda h: None if h is None else BASE_TIME + timedelta(hours=h)
)
_PRIORITY = st.integers(0, 2)
_VALUE = st.sampled_from((None, Money("15.00", "USD"), Money("250.00", "USD")))
_BOOL = st.booleans()
_ATTRIBUTES = st.dictionaries(
    st.sampled_from(("segment", "tags", "tier")), st.sampled_from(("vip", "b2b", "")), max_size=3
)


@st.composite
def order_views(draw: Any, order_id: str = "o-1") -> OrderView:
    """An order view with random channel, kind, tier, ship-to, method, value, times and
    host attributes."""
    return OrderView(
        order_id=order_id,
        channel=draw(_CHANNEL),
        kind=draw(_KIND),
        placed_at=BASE_TIME - timedelta(minutes=draw(_AGE)),
        customer_tier=draw(_TIER),
        ship_to=ShipTo(coordinates=draw(_WHERE), zone=draw(_ZONE)),
        shipping_method=draw(_METHOD),
        ship_by=draw(_SHIP_BY),
        priority=draw(_PRIORITY),
        value=draw(_VALUE),
        ship_complete=draw(_BOOL),
        attributes=draw(_ATTRIBUTES),
    )


_SKU = st.sampled_from(SKUS)
_QUANTITY = st.integers(1, 10)


@st.composite
def request_lines(draw: Any, max_lines: int = 4) -> tuple[RequestLine, ...]:
    """1..max_lines lines of :data:`SKUS`; SKUs may repeat across lines."""
    count = draw(st.integers(1, max_lines))
    return tuple(
        RequestLine(line_id=f"L{index}", sku=draw(_SKU), quantity=draw(_QUANTITY))
        for index in range(1, count + 1)
    )


_NOW = st.integers(0, 18 * 60)


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
        now=BASE_TIME + timedelta(minutes=draw(_NOW)),
    )


def _not_store(request: RoutingRequest, location: LocationFacts) -> bool:
    return not location.location.startswith("STORE")


def filters() -> st.SearchStrategy[Filter]:
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


def criteria() -> st.SearchStrategy[Criterion]:
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


def rankers() -> st.SearchStrategy[Ranker]:
    """Criteria in turn, or weighted combinations."""
    in_turn = st.lists(criteria(), max_size=3).map(lambda cs: by(*cs))
    pairs = st.lists(st.tuples(criteria(), st.integers(1, 5)), min_size=1, max_size=3)
    return in_turn | pairs.map(lambda ps: weighted(*ps))


def split_policies() -> st.SearchStrategy[SplitPolicy]:
    """Every built-in split policy (minimise-shipments with a tiny and a normal budget)."""
    policies: tuple[SplitPolicy, ...] = (
        spill_over(), ship_complete(), minimise_shipments(), minimise_shipments(exact_budget=3)
    )  # fmt: skip
    base = st.sampled_from(policies)
    limited: st.SearchStrategy[SplitPolicy] = st.builds(at_most, st.integers(1, 3), base)
    return base | limited


def backorder_policies() -> st.SearchStrategy[BackorderPolicy]:
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
    """Run ``rule`` on ``request`` and assert the routing laws; return the plan, with its
    explanation when the rule gives one.

    Laws: :func:`~invorder.routing.check_plan` passes (never above ATP, per SKU over lines;
    every unit accounted for; explanation agrees); the same request gives an equal plan;
    asked to explain (:func:`~invorder.routing.explain_plan`), the rule gives the same
    plan, and its explanation, if any, renders and gives one row per candidate.
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
    explained = check_plan(request, explain_plan(rule, request))
    assert attrs.evolve(explained, explanation=None) == attrs.evolve(plan, explanation=None), (
        "the rule plans differently when asked to explain"
    )
    explanation = explained.explanation
    if explanation is not None:
        rows = explanation.to_rows()
        assert [row["location"] for row in rows] == [
            entry.location for entry in explanation.locations
        ]
        assert isinstance(explanation.render(), str)
        assert not explanation.compare(explain_plan(rule, request).explanation or explanation)
    return explained
