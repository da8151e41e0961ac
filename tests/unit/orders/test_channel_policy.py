"""A channel's policy applies to allocation, not only to the number it publishes (issue 17,
item 4): an order from a channel with safety stock, a share or a maximum is allocated no
more than the channel may sell, unless the channel opts out."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

import invorder as iv
from invorder.codec import Codec
from tests.support.order_world import capture, clean, order_world
from tests.support.world import at


def policy(engine: iv.Engine, channel: str = "shopify", **fields: Any) -> None:
    """Replace ``channel``'s policy (fed by both warehouses)."""
    engine.execute(iv.DefineChannel(key=f"policy-{channel}-{engine.position}", at=at(2),
                                    channel=channel, locations=("EAST", "WEST"),
                                    **fields))  # fmt: skip


def allocated(engine: iv.Engine, order: str = "O-1") -> tuple[int, int]:
    """(allocated, backordered) of the order's first line."""
    found = engine.order(order)
    assert found is not None
    return found.lines[0].allocated, found.lines[0].backordered


def test_safety_stock_is_not_allocated() -> None:
    engine = order_world(east={"EAST/A/01": 2}, west={})
    policy(engine, safety_stock=1)
    assert engine.channel_atp("shopify", "MUG", at(5)) == 1
    engine.capture(capture(lines=(("1", "MUG", 2),)))
    assert allocated(engine) == (1, 1)
    assert engine.channel_atp("shopify", "MUG", at(6)) == 0
    assert engine.balance("MUG", "EAST/A/01") == 1  # the unit held back stays on the shelf
    clean(engine)


def test_a_share_and_a_maximum_bound_what_one_order_takes() -> None:
    engine = order_world(east={"EAST/A/01": 10}, west={})
    policy(engine, share_percent=50)
    engine.capture(capture(lines=(("1", "MUG", 8),)))
    assert allocated(engine) == (5, 3)
    policy(engine, share_max=2)
    engine.capture(capture("O-2", lines=(("1", "MUG", 4),), minute=6))
    assert allocated(engine, "O-2") == (2, 2)
    clean(engine)


def test_a_plan_spread_over_warehouses_adds_up_to_the_policy_at_most() -> None:
    engine = order_world(east={"EAST/A/01": 2}, west={"WEST/A/01": 2})
    policy(engine, share_max=3)
    engine.capture(capture(lines=(("1", "MUG", 4),)))
    assert allocated(engine) == (3, 1)
    clean(engine)


def test_a_channel_may_opt_out_and_dip_into_safety_stock() -> None:
    engine = order_world(east={"EAST/A/01": 2}, west={})
    policy(engine, "portal", safety_stock=1, allocate_within_policy=False)
    engine.capture(capture(lines=(("1", "MUG", 2),), channel="portal"))
    assert allocated(engine) == (2, 0)
    clean(engine)


def test_backorders_are_served_within_the_policy_on_arrival() -> None:
    engine = order_world(east={}, west={})
    policy(engine, safety_stock=2)
    engine.capture(capture(lines=(("1", "MUG", 3),)))
    assert allocated(engine) == (0, 3)
    engine.execute(iv.ReceiveStock(key="r1", at=at(8), sku="MUG", location="EAST/A/01",
                                   quantity=3))  # fmt: skip
    assert allocated(engine) == (1, 2)  # 3 on the shelf, 2 held back
    engine.execute(iv.ReceiveStock(key="r2", at=at(9), sku="MUG", location="WEST/A/01",
                                   quantity=9))  # fmt: skip
    assert allocated(engine) == (3, 0)
    clean(engine)


def test_a_ship_complete_order_waits_when_the_policy_cannot_give_it_all() -> None:
    engine = order_world(east={"EAST/A/01": 3}, west={})
    policy(engine, "portal", safety_stock=2)
    engine.capture(capture(lines=(("1", "MUG", 2),), channel="portal",
                           kind=iv.OrderKind.WHOLESALE,
                           wholesale=iv.WholesaleTerms(ship_complete=True)))  # fmt: skip
    assert allocated(engine) == (0, 2)
    assert engine.balance("MUG", "EAST/A/01") == 3
    clean(engine)


def test_the_switch_is_stored_only_when_it_is_off() -> None:
    codec = Codec()
    on = iv.DefineChannel(key="c", at=at(1), channel="shop", locations=("EAST",))
    off = iv.DefineChannel(key="c", at=at(1), channel="shop", locations=("EAST",),
                           allocate_within_policy=False)  # fmt: skip
    assert "allocate_within_policy" not in codec.command_to_dict(on)
    assert codec.command_to_dict(off)["allocate_within_policy"] is False
    assert codec.command_from_dict(codec.command_to_dict(off)) == off


@settings(max_examples=40, deadline=None)
@given(
    east=st.integers(0, 8), west=st.integers(0, 8), safety=st.integers(0, 4),
    share=st.integers(0, 100), cap=st.none() | st.integers(0, 6),
    orders=st.lists(st.integers(1, 5), min_size=1, max_size=6),
)  # fmt: skip
def test_an_order_never_takes_more_than_its_channel_publishes(
    east: int, west: int, safety: int, share: int, cap: int | None, orders: list[int]
) -> None:
    engine = order_world(east={"EAST/A/01": east}, west={"WEST/A/01": west})
    policy(engine, safety_stock=safety, share_percent=share, share_max=cap)
    for n, quantity in enumerate(orders):
        published = engine.channel_atp("shopify", "MUG", at(10 + n))
        order = f"O-{n}"
        engine.capture(capture(order, lines=(("1", "MUG", quantity),), minute=10 + n))
        assert allocated(engine, order)[0] == min(quantity, published)
    assert engine.verify() == []
