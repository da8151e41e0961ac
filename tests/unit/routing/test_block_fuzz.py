"""Every field of every built-in routing block, built from its class with what it should
not hold: a typed error when it is built, or a block that still routes an order to a plan
or a typed error; never a bare Python exception (DESIGN.md 6).

The factory functions (``at_most``, ``route``, ``when``, ...) checked their arguments; the
classes they return are public too, and a host may build or ``attrs.evolve`` them.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import attrs
import pytest

import invorder as iv
import invorder.routing as r
from invorder.domain.orders.ship_to import ShippingMethod, ShipTo
from invorder.routing import explain_plan
from tests.support.routing import order, request
from tests.unit.test_value_fuzz import GARBAGE


def _always(_request: r.RoutingRequest, _facts: r.LocationFacts) -> bool:
    return True


def _one(_request: r.RoutingRequest, _facts: r.LocationFacts) -> int:
    return 1


ROOTS: list[Any] = [
    r.route(
        "every-filter",
        filters=[
            r.online(),
            r.has_stock(),
            r.has_capacity(2),
            r.serves_order(),
            r.before_cutoff(),
            r.within_km(5000),
            r.predicate(_always),
        ],
        rank=r.weighted((r.nearest({("US-EAST", "US-EAST"): 1}), 2), (r.most_stock(), 1)),
        split=r.at_most(2, then=r.spill_over()),
        backorder=r.backorder(),
    ),
    r.route(
        "host-criteria",
        rank=r.by(r.lowest_cost(), r.least_loaded(), r.criterion(_one)),
        split=r.ship_complete(),
        backorder=r.hold_for_review(),
    ),
    r.route(
        "priority",
        rank=r.priority_list(["EAST", "WEST"]),
        split=r.minimise_shipments(),
        backorder=r.cancel_remainder(),
    ),
    r.choose(
        r.when(
            use=r.route("dtc", rank=r.most_stock()),
            kind=iv.OrderKind.DTC,
            channel="shopify",
            min_value=iv.Money("1", "USD"),
            method=ShippingMethod.STANDARD,
        ),
        fallback=r.route("nearest", rank=r.nearest()),
    ),
    r.FairShare({"shopify": 2}),
]


def _reachable() -> dict[type[Any], Any]:
    found: dict[type[Any], Any] = {}

    def walk(value: Any) -> None:
        kind: Any = type(value)
        if attrs.has(kind) and kind.__module__.startswith("invorder.routing"):
            found.setdefault(kind, value)
            for field in attrs.fields(kind):
                walk(getattr(value, field.name))
        elif isinstance(value, tuple | list):
            for item in value:
                walk(item)

    for root in ROOTS:
        walk(root)
    return found


BLOCKS = _reachable()
CASES = [
    (cls, field.alias)
    for cls in sorted(BLOCKS, key=lambda cls: cls.__name__)
    for field in attrs.fields(cls)
    if field.init
]
# An order with coordinates (distances) and one with a zone only (the zone table).
REQUESTS = [
    request(),
    request(
        attrs.evolve(
            order(customer_tier="gold", value=iv.Money("5", "USD")), ship_to=ShipTo(zone="US-EAST")
        )
    ),
]


def test_the_fuzz_reaches_every_routing_block() -> None:
    blocks = {
        name
        for name in r.__all__
        if isinstance(getattr(r, name), type)
        and attrs.has(getattr(r, name))
        and (hasattr(getattr(r, name), "name") or name in {"Choice", "FairShare"})
    }
    assert blocks <= {cls.__name__ for cls in BLOCKS}
    assert len(CASES) >= 40


def _as_rule(block: Any) -> Any:
    """A rule that uses ``block``: itself if it is one, else a pipeline around it."""
    module = type(block).__module__.rsplit(".", 1)[-1]
    if module == "filters":
        return r.route("t", filters=[block])
    if module == "rankers":
        return r.route("t", rank=block)
    if module == "split":
        return r.route("t", split=block)
    if module == "backorder":
        return r.route("t", backorder=block)
    if isinstance(block, r.Branch):
        return r.choose(block, fallback=r.route("t"))
    return block


@pytest.mark.parametrize(
    ("cls", "field"), CASES, ids=[f"{cls.__name__}.{field}" for cls, field in CASES]
)
def test_a_block_given_garbage_is_refused_or_still_routes(cls: type[Any], field: str) -> None:
    for garbage in GARBAGE:
        try:
            block = attrs.evolve(BLOCKS[cls], **{field: garbage})
        except iv.InvorderError:
            continue  # refused when built: what bad input should give
        except Exception as error:  # anything else is the defect this test is for
            pytest.fail(f"{cls.__name__}({field}={garbage!r}) raised {error!r}")
        if isinstance(block, r.FairShare):
            assert block.quotas(10, {iv.ChannelId("a"): 5, iv.ChannelId("b"): 5})
            continue
        rule = _as_rule(block)
        for routing in REQUESTS:
            try:
                plan = explain_plan(rule, routing)
            except iv.InvorderError:
                continue
            except Exception as error:
                pytest.fail(f"{cls.__name__}({field}={garbage!r}) routed: {error!r}")
            r.check_plan(routing, plan)  # and the plan keeps the routing laws


SPILL = r.spill_over()
RULE = r.route("t")
REFUSED: list[tuple[Any, dict[str, Any], str]] = [
    (r.AtMost, {"limit": "2", "then": SPILL}, "at_most needs a limit of 1 or more"),
    (r.AtMost, {"limit": 2, "then": "spill"}, "AtMost.then must have a string name"),
    (r.at_most, {"limit": 2, "then": "spill"}, "AtMost.then must have a string name"),
    (r.HasCapacity, {"min_units": 0}, "has_capacity needs min_units >= 1"),
    (r.MinimiseShipments, {"exact_budget": -1}, "exact_budget is a non-negative"),
    (r.Pipeline, {"name": "p", "ranker": 5}, "Pipeline.ranker must have a string name"),
    (r.Pipeline, {"name": "p", "filters": 5}, "a pipeline's filters are a list"),
    (r.Pipeline, {"name": ""}, "Pipeline.name must be a non-empty string"),
    (r.Predicate, {"test": 5, "name": "p"}, "Predicate.test must be callable"),
    (r.HostCriterion, {"score": _one, "name": 5}, "HostCriterion.name must be a non-empty"),
    (r.MostStock, {"higher_is_better": "yes"}, "MostStock.higher_is_better must be True"),
    (r.PriorityList, {"order": "EAST"}, "priority_list takes a list of locations"),
    (r.PriorityList, {"order": ["EAST", "EAST"]}, "priority_list names a location twice"),
    (r.Nearest, {"zone_table": {("a", "b"): -1}}, "a zone distance is a non-negative"),
    (r.Nearest, {"zone_table": {"a": 1}}, "a zone_table key is a (zone, zone) pair"),
    (r.InTurn, {"criteria": 5}, "by takes criteria"),
    (r.Weighted, {"criteria": [(r.nearest(), 0)]}, "a weight must be positive"),
    (r.Branch, {"name": "b", "rule": 5}, "Branch.rule must be callable"),
    (r.Branch, {"name": "b", "rule": RULE, "channels": 5}, "when(channel=...) takes"),
    (r.Branch, {"name": "b", "rule": RULE, "min_value": Decimal(1)}, "min_value must be"),
    (r.Choice, {"branches": 5, "fallback": RULE}, "choose() takes when(...) branches"),
    (r.Choice, {"branches": (), "fallback": 5}, "choose() needs a fallback routing rule"),
    (r.FairShare, {"weights": 5}, "fair-share weights are a mapping"),
    (r.WithinDistance, {"max_km": 5, "keep_unknown": "yes"}, "keep_unknown must be True"),
]


@pytest.mark.parametrize(("build", "given", "message"), REFUSED)
def test_a_block_built_from_its_class_is_checked_as_its_factory_checks(
    build: Any, given: dict[str, Any], message: str
) -> None:
    with pytest.raises(r.InvalidRoutingRuleError) as raised:
        build(**given)
    assert message in str(raised.value)
    assert raised.value.code == "invalid_routing_rule"
