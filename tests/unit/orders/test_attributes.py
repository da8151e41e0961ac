"""Host data about an order (``CaptureOrder.attributes``) reaches the routing rule as
``order.attributes`` (issue 19, item 8): a rule reads it instead of keeping its own table
keyed by order id; the customer's tier (``CaptureOrder.customer_tier``) reaches tier
conditions (issue 17, item 7)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

import invorder as iv
from invorder.errors import InvalidFieldError, InvalidIdentifierError, InvalidListError
from invorder.routing import AllocationPlan, RoutingRequest, choose, when
from invorder.simulate import resolve_rule
from tests.support.order_world import capture, order_world

CODEC = iv.Codec()


def test_a_mapping_or_pairs_keep_sorted_by_name() -> None:
    by_mapping = capture("A", attributes={"tier": "gold", "segment": "vip"})
    by_pairs = capture("A", attributes=[("segment", "vip"), ("tier", "gold")])
    assert by_mapping.attributes == (("segment", "vip"), ("tier", "gold"))
    assert by_mapping == by_pairs
    assert capture("A").attributes == ()


@pytest.mark.parametrize(
    ("attributes", "error_type", "message"),
    [
        ({"": "x"}, InvalidIdentifierError, "attributes[0] name"),
        ({"tag\n": "x"}, InvalidIdentifierError, "attributes[0] name"),
        ({"tier": 3}, InvalidFieldError, "attributes[tier] must be a string (got 3)"),
        ([("tier", "a"), ("tier", "b")], InvalidListError,
         "attributes: 'tier' appears twice; give it once"),
        ([("tier",)], InvalidFieldError, "attributes[0] must be a (name, value) pair"),
        ({f"k{n}": "v" for n in range(51)}, InvalidListError,
         "attributes: 51 given; at most 50"),
    ],
)  # fmt: skip
def test_bad_attributes_are_typed_errors(
    attributes: Any, error_type: type[iv.ValidationError], message: str
) -> None:
    with pytest.raises(error_type) as caught:
        capture("A", attributes=attributes)
    assert type(caught.value) is error_type
    assert message in str(caught.value)


def test_the_rule_reads_them_from_the_order() -> None:
    seen: list[dict[str, str]] = []
    default = resolve_rule("nearest")
    assert default is not None

    def rule(request: RoutingRequest) -> AllocationPlan:
        seen.append(dict(request.order.attributes))
        return default(request)

    engine = order_world(routing_rule=rule)
    engine.execute(capture("A", attributes={"segment": "vip"}))
    engine.execute(capture("B", minute=6))
    assert seen == [{"segment": "vip"}, {}]


def test_they_round_trip_through_json_and_count_as_content() -> None:
    command = capture("A", attributes={"segment": "vip"})
    data = json.loads(json.dumps(CODEC.command_to_dict(command)))
    assert data["attributes"] == [["segment", "vip"]]
    assert CODEC.command_from_dict(data) == command
    engine = order_world()
    engine.execute(command)
    position = engine.position
    again = capture("A", minute=9, attributes={"segment": "regular"})
    with pytest.raises(iv.errors.OrderConflictError) as caught:
        engine.execute(again)
    assert caught.value.fields["field"] == "attributes"
    assert engine.position == position + 1  # the refusal's record only


def test_a_tier_condition_fires_on_a_real_order() -> None:
    # Issue 17, item 7: captures had no tier, so when(tier="gold") never fired.
    default = resolve_rule("nearest")
    assert default is not None
    used: list[tuple[str, str]] = []

    def branch(name: str) -> Callable[[RoutingRequest], AllocationPlan]:
        def rule(request: RoutingRequest) -> AllocationPlan:
            used.append((request.order.order_id, name))
            return default(request)

        return rule

    rule = choose(when(tier="gold", use=branch("gold")), fallback=branch("everyone"))
    engine = order_world(routing_rule=rule)
    engine.execute(capture("G", customer_tier="gold"))
    engine.execute(capture("S", minute=6))
    assert used == [("G", "gold"), ("S", "everyone")]
    assert capture("S").customer_tier == "standard"
    with pytest.raises(InvalidIdentifierError):
        capture("X", customer_tier="")
