"""Bad input to routing: every error is typed, says what to do, and changes nothing."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import datetime, time
from decimal import Decimal
from typing import Any

import attrs
import pytest

from invorder import LineId, LocationId, SkuId
from invorder.domain.errors import (
    CurrencyMismatchError,
    InconsistentSupplyError,
    InvalidCoordinatesError,
    InvalidIdentifierError,
    InvalidMoneyError,
    InvalidPlanError,
    InvalidQuantityError,
    InvalidRoutingRequestError,
    InvalidRoutingRuleError,
    NaiveDatetimeError,
    ValidationError,
)
from invorder.domain.money import Money
from invorder.domain.orders.ids import OrderKind
from invorder.domain.orders.ship_to import Coordinates
from invorder.routing import (
    Allocation,
    AllocationPlan,
    Explanation,
    FairShare,
    LineAllocation,
    LocationFacts,
    LocationOnline,
    RequestLine,
    RoutingRequest,
    WithinDistance,
    allocate_wave,
    apply_changes,
    at_most,
    by,
    check_plan,
    choose,
    criterion,
    has_capacity,
    minimise_shipments,
    plan_from_quantities,
    predicate,
    priority_list,
    replan,
    route,
    weighted,
    when,
    within_km,
)
from tests.support.routing import EAST, NOW, WEST, order, request


def test_money_refuses_floats_bad_currencies_and_mixing() -> None:
    with pytest.raises(InvalidMoneyError) as error:
        Money(1.5, "USD")
    assert error.value.code == "invalid_money"
    assert error.value.fields["field"] == "amount"
    with pytest.raises(InvalidMoneyError, match="it must be finite"):
        Money("NaN", "USD")
    with pytest.raises(InvalidMoneyError, match="it is not a number"):
        Money("ten", "USD")
    with pytest.raises(InvalidMoneyError, match="ISO 4217"):
        Money("1", "usd")
    usd, eur = Money("1", "USD"), Money("1", "EUR")
    with pytest.raises(CurrencyMismatchError) as mixed:
        usd + eur
    assert mixed.value.fields == {"action": "add", "first": "USD", "second": "EUR"}
    with pytest.raises(CurrencyMismatchError):
        assert usd < eur
    assert usd == Money(Decimal("1"), "USD")


def test_coordinates_must_be_in_range() -> None:
    with pytest.raises(InvalidCoordinatesError, match="lat must be a number from -90 to 90"):
        Coordinates(91, 0)
    with pytest.raises(InvalidCoordinatesError) as error:
        Coordinates(0, True)
    assert error.value.fields["field"] == "lon"


def test_request_values_refuse_bad_input() -> None:
    with pytest.raises(NaiveDatetimeError):
        order(placed_at=datetime(2026, 3, 2, 9))
    with pytest.raises(InvalidRoutingRequestError, match="kind must be OrderKind"):
        attrs.evolve(order(), kind="dtc")  # type: ignore[arg-type]  # a str on purpose
    with pytest.raises(InvalidRoutingRequestError, match="value must be Money"):
        order(value=Decimal("10"))
    with pytest.raises(InvalidIdentifierError):
        order("")
    with pytest.raises(InvalidQuantityError) as zero:
        RequestLine("L1", "MUG", 0)
    assert zero.value.fields == {"field": "quantity", "value": 0}
    with pytest.raises(InvalidQuantityError, match=r"atp\['MUG'\]"):
        LocationFacts("EAST", atp={"MUG": -1})
    with pytest.raises(InvalidRoutingRequestError, match="used_today exceeds daily_capacity"):
        LocationFacts("EAST", daily_capacity=5, used_today=6)
    with pytest.raises(InvalidRoutingRequestError, match="cutoffs map a ShippingMethod"):
        LocationFacts("EAST", cutoffs={"express": time(12)})  # type: ignore[dict-item]  # a wrong type on purpose
    with pytest.raises(InvalidRoutingRequestError, match="kinds must be OrderKind"):
        LocationFacts("EAST", kinds={"dtc"})  # type: ignore[arg-type]  # a wrong type on purpose


def test_a_request_needs_lines_unique_ids_unique_locations_and_an_aware_now() -> None:
    with pytest.raises(InvalidRoutingRequestError, match="at least one line"):
        request(lines=())
    with pytest.raises(InvalidRoutingRequestError) as twice:
        RoutingRequest(
            order=order(),
            lines=[RequestLine("L1", "MUG", 1), RequestLine("L1", "TEE", 1)],
            locations=[EAST],
            now=NOW,
        )
    assert twice.value.fields == {"rule": "line id 'L1' appears twice", "line_id": "L1"}
    with pytest.raises(InvalidRoutingRequestError, match="location 'EAST' is listed twice"):
        request(locations=(EAST, EAST))
    with pytest.raises(NaiveDatetimeError):
        request(now=datetime(2026, 3, 2, 9))
    with pytest.raises(InvalidRoutingRequestError, match="not a candidate"):
        request().location("NOWHERE")


def test_bad_compositions_are_refused() -> None:
    cases = [
        (lambda: weighted(), "at least one"),
        (lambda: weighted((priority_list(["EAST"]), 0)), "positive"),
        (lambda: weighted((priority_list(["EAST"]), 1.5)), "int, a numeric string"),  # type: ignore[arg-type]  # a wrong type on purpose
        (lambda: weighted((priority_list(["EAST"]), "x")), "must be a number"),
        (lambda: weighted("nearest"), "pairs"),  # type: ignore[arg-type]  # a wrong type on purpose
        (lambda: within_km(-1), "non-negative"),
        (lambda: within_km(2.5), "takes an int"),  # type: ignore[arg-type]  # a wrong type on purpose
        (lambda: within_km("far"), "not a number"),
        (lambda: WithinDistance(max_km="far"), "not a number"),  # built directly, as within_km
        (lambda: WithinDistance(max_km="NaN"), "finite, non-negative"),
        (lambda: has_capacity(0), "min_units >= 1"),
        (lambda: at_most(0), "limit of 1 or more"),
        (lambda: minimise_shipments(exact_budget=-1), "non-negative"),
        (lambda: priority_list(["EAST", "EAST"]), "twice"),
        (lambda: route(""), "non-empty name"),
        (lambda: route("x", split="spill"), "SplitPolicy"),  # type: ignore[arg-type]  # a wrong type on purpose
        (lambda: route("x", backorder=3), "BackorderPolicy"),  # type: ignore[arg-type]  # a wrong type on purpose
        (lambda: route("x", filters=[42]), "Filter or a callable"),
        (lambda: route("x", rank=42), "rank by Criterion"),
        (lambda: by(42), "rank by Criterion"),  # type: ignore[arg-type]  # a wrong type on purpose
        (lambda: predicate(42), "needs a callable"),  # type: ignore[arg-type]  # a wrong type on purpose
        (lambda: criterion(42), "needs a callable"),  # type: ignore[arg-type]  # a wrong type on purpose
        (lambda: when(use=route("x")), "at least one condition"),
        (lambda: when(kind="dtc", use=route("x")), "OrderKind"),  # type: ignore[arg-type]  # a wrong type on purpose
        (lambda: when(min_value=10, use=route("x")), "min_value must be Money"),  # type: ignore[arg-type]  # a wrong type on purpose
        (lambda: when(tier="gold", use=42), "needs a routing rule"),  # type: ignore[arg-type]  # a wrong type on purpose
        (lambda: choose(route("x"), fallback=route("y")), "when"),  # type: ignore[arg-type]  # a wrong type on purpose
        (lambda: choose(fallback=42), "fallback"),  # type: ignore[arg-type]  # a wrong type on purpose
        (lambda: FairShare({"amazon": -1}), "non-negative"),
    ]
    checks: list[tuple[Callable[[], object], str]] = cases
    for build, message in checks:
        with pytest.raises(InvalidRoutingRuleError) as error:
            build()
        assert message in str(error.value), (message, str(error.value))
        assert error.value.code == "invalid_routing_rule"
        assert isinstance(error.value, ValidationError)


def test_a_plan_that_breaks_a_law_is_refused_and_the_request_is_unchanged() -> None:
    req = request()
    before = copy.deepcopy(req)
    with pytest.raises(InvalidPlanError) as over:
        plan_from_quantities(req, {"L1": {"EAST": 4}}, rule="greedy")
    assert over.value.fields == {
        "rule": "4 of 'MUG' allocated at EAST but its ATP is 3",
        "location": "EAST",
        "sku": "MUG",
        "allocated": 4,
        "atp": 3,
    }
    with pytest.raises(InvalidPlanError, match="unknown line 'L9'"):
        plan_from_quantities(req, {"L9": {"EAST": 1}}, rule="x")
    with pytest.raises(InvalidPlanError, match="allocates 9 of 5"):
        plan_from_quantities(req, {"L1": {"WEST": 9}}, rule="x")
    with pytest.raises(InvalidPlanError, match="not a candidate location"):
        plan_from_quantities(req, {"L1": {"NORTH": 1}}, rule="x")
    with pytest.raises(InvalidPlanError, match=r"allocated 1 \+ backordered 1"):
        LineAllocation(
            line_id=LineId("L1"),
            sku=SkuId("MUG"),
            requested=5,
            allocations=[Allocation(LocationId("EAST"), 1)],
            backordered=1,
        )
    with pytest.raises(InvalidPlanError, match="appears twice in one line"):
        LineAllocation(
            line_id=LineId("L1"),
            sku=SkuId("MUG"),
            requested=2,
            allocations=[Allocation(LocationId("EAST"), 1), Allocation(LocationId("EAST"), 1)],
        )
    good = plan_from_quantities(req, {"L1": {"EAST": 3}}, rule="x")
    with pytest.raises(InvalidPlanError, match="another order"):
        check_plan(attrs.evolve(req, order=order("o-2")), good)
    with pytest.raises(InvalidPlanError, match="lines differ"):
        check_plan(request(lines=(("MUG", 5),)), good)
    lying = attrs.evolve(good, explanation=Explanation(rule="x"))
    with pytest.raises(InvalidPlanError, match="explanation says EAST ships 0 units, plan says 3"):
        check_plan(req, lying)
    assert req == before


# The constructors typed loosely: the wrong types are the point of the cases below.
_PLAN: Any = AllocationPlan
_LINE: Any = LineAllocation
_FACTS: Any = LocationFacts
_REQUEST: Any = RoutingRequest
_EVOLVE: Any = attrs.evolve


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: _PLAN(order_id="o-1", lines="L1"),
         "lines must be a list of LineAllocation values (got 'L1')"),
        (lambda: _PLAN(order_id="o-1", lines=[Allocation("EAST", 1)]),
         "lines[0] must be a LineAllocation (got Allocation(location='EAST', quantity=1))"),
        (lambda: _LINE(line_id="L1", sku="MUG", requested=1, allocations=5),
         "allocations must be a list of Allocation values (got 5)"),
        (lambda: _LINE(line_id="L1", sku="MUG", requested=1, allocations=[("EAST", 1)]),
         "allocations[0] must be an Allocation (got ('EAST', 1))"),
        (lambda: _FACTS("EAST", shipping_rates={"ground": 5}),
         "shipping_rates must be a list of ShippingRate values (got {'ground': 5})"),
        (lambda: _REQUEST(order=order("o-1"), lines=7, locations=(EAST,), now=NOW),
         "lines must be a list of RequestLine values (got 7)"),
        (lambda: _REQUEST(order=order("o-1"), lines=(RequestLine("L1", "MUG", 1),),
                                locations="EAST", now=NOW),
         "locations must be a list of LocationFacts values (got 'EAST')"),
        (lambda: _FACTS("EAST", atp=5),
         "atp must be a mapping or a list of (SKU, units) pairs (got 5)"),
        (lambda: _FACTS("EAST", atp=["MUG"]), "atp[0] must be a (SKU, units) pair (got 'MUG')"),
        (lambda: _FACTS("EAST", channels=5), "channels must be a list of channel ids (got 5)"),
        (lambda: _FACTS("EAST", kinds=5), "kinds must be a list of OrderKind values (got 5)"),
        (lambda: _FACTS("EAST", cutoffs=5),
         "cutoffs must be a mapping of ShippingMethod to datetime.time (got 5)"),
        (lambda: _EVOLVE(order("o-1"), attributes=5),
         "attributes must be a mapping or a list of (name, value) pairs (got 5)"),
    ],
)  # fmt: skip
def test_a_host_built_plan_or_request_with_no_list_where_one_belongs_is_refused(
    build: Callable[[], object], message: str
) -> None:
    # A custom rule builds these values itself: a string, a number or a mapping where a
    # list belongs, or an item of another type, is a typed error, not an AttributeError
    # when the engine reads the plan.
    with pytest.raises(ValidationError) as caught:
        build()
    assert str(caught.value) == message


def test_location_channels_from_a_generator_are_all_kept() -> None:
    # The channels were checked by one pass over the generator, and the set built from the
    # pass after it: empty.
    facts = LocationFacts("EAST", channels=(name for name in ("web", "amazon")))
    assert facts.channels == {"web", "amazon"}


def test_a_host_rule_breaking_the_laws_is_caught_by_choose() -> None:
    def cheat(req: RoutingRequest) -> AllocationPlan:
        line = req.lines[0]
        lines = (
            LineAllocation(
                line_id=line.line_id,
                sku=line.sku,
                requested=line.quantity,
                allocations=(Allocation("EAST", line.quantity),),
            ),
        )
        return AllocationPlan(
            order_id=req.order.order_id, lines=lines, explanation=Explanation("cheat")
        )

    rule = choose(when(kind=OrderKind.DTC, use=cheat), fallback=route("x"))
    with pytest.raises(InvalidPlanError, match="ATP is 3"):
        rule(request(lines=(("MUG", 5),)))


def test_waves_refuse_duplicate_orders_and_inconsistent_supply() -> None:
    rule = route("x")
    requests = [request(order("o-1")), request(order("o-1"))]
    with pytest.raises(InvalidRoutingRequestError, match="order 'o-1' appears twice in the wave"):
        allocate_wave(requests, rule)
    other = request(order("o-2"), locations=(attrs.evolve(EAST, atp={"MUG": 9}), WEST))
    with pytest.raises(InconsistentSupplyError) as error:
        allocate_wave([request(), other], rule)
    assert error.value.fields == {"location": "EAST", "what": "ATP of MUG", "first": 3, "second": 9}
    busy = request(order("o-3"), locations=(attrs.evolve(EAST, used_today=50), WEST))
    with pytest.raises(InconsistentSupplyError, match="capacity left"):
        allocate_wave([request(), busy], rule)
    with pytest.raises(InvalidRoutingRequestError, match="RoutingRequest values"):
        allocate_wave(["o-1"], rule)  # type: ignore[list-item]  # a wrong type on purpose


def test_replan_refuses_unknown_changes_and_applies_nothing() -> None:
    rule = route("x")
    wave = allocate_wave([request()], rule)
    before = copy.deepcopy(wave)
    with pytest.raises(InvalidRoutingRequestError, match="replan takes StockArrived"):
        replan(wave, ["stock came"], rule)  # type: ignore[list-item]  # a wrong type on purpose
    with pytest.raises(InvalidRoutingRequestError):
        apply_changes(wave.supply, [42])  # type: ignore[list-item]  # a wrong type on purpose
    assert wave == before
    with pytest.raises(InvalidQuantityError):
        LocationOnline("EAST", capacity=-1)
