"""Waves in the engine (issue 17, item 9): orders of a channel that allocates in waves wait,
unallocated, for an ``AllocateWave``; a wave allocates its orders in priority order and, with
fair share, shares a scarce SKU across channels by weight."""

from __future__ import annotations

import pytest

import invorder as iv
from invorder.records import OrderStatus
from tests.support.order_world import capture, clean, order_world, state_of
from tests.support.world import at, refused_once


def waves_world(mugs: int = 5) -> iv.Engine:
    """``mugs`` MUG in EAST/A/01 (none elsewhere); shopify and amazon allocate in waves."""
    engine = order_world(east={"EAST/A/01": mugs}, west={})
    for channel in ("shopify", "amazon"):
        engine.execute(iv.DefineChannel(key=f"waves-{channel}", at=at(2), channel=channel,
                                        locations=("EAST", "WEST"),
                                        allocate_in_waves=True))  # fmt: skip
    return engine


def allocated(engine: iv.Engine) -> dict[str, int]:
    return {o.order_id: sum(line.allocated for line in o.lines) for o in engine.orders()}


def take(engine: iv.Engine, orders: dict[str, tuple[str, int]]) -> None:
    """Capture ``orders``: id -> (channel, mugs), one minute apart (older first)."""
    for n, (order, (channel, mugs)) in enumerate(orders.items()):
        engine.capture(capture(order, (("1", "MUG", mugs),), minute=5 + n, channel=channel))


def test_an_order_of_a_wave_channel_waits_unallocated_for_the_wave() -> None:
    engine = waves_world()
    take(engine, {"O-1": ("shopify", 2), "O-2": ("amazon", 4)})
    order = engine.order("O-1")
    assert order is not None
    assert order.status is OrderStatus.PENDING
    assert list(engine.reservations()) == []
    events = engine.execute(iv.AllocateWave(key="wave-1", at=at(20)))
    assert [type(e).__name__ for e in events].count("OrderAllocated") == 2
    # Oldest first: O-1 gets its 2, O-2 the 3 left and a backorder of 1.
    assert allocated(engine) == {"O-1": 2, "O-2": 3}
    o2 = engine.order("O-2")
    assert o2 is not None
    assert o2.lines[0].backordered == 1
    clean(engine)


def test_a_channel_that_does_not_allocate_in_waves_still_allocates_at_capture() -> None:
    engine = waves_world()
    engine.capture(capture("O-1", (("1", "MUG", 2),), channel="walmart"))
    assert allocated(engine) == {"O-1": 2}


def test_fair_share_splits_a_scarce_sku_across_channels_by_weight() -> None:
    engine = waves_world(mugs=5)
    take(engine, {"S-1": ("shopify", 3), "S-2": ("shopify", 3), "A-1": ("amazon", 2),
                  "A-2": ("amazon", 2)})  # fmt: skip
    engine.execute(iv.AllocateWave(key="wave-1", at=at(20), fair_share=True,
                                   weights={"amazon": 2, "shopify": 1}))  # fmt: skip
    # 10 wanted, 5 held: amazon's weight 2 gives it 3 (5 * 2 / 3, rounded down), shopify
    # 1 and the unit left over (the larger remainder) 2.
    assert allocated(engine) == {"S-1": 2, "S-2": 0, "A-1": 2, "A-2": 1}
    clean(engine)


def test_without_fair_share_the_oldest_orders_take_everything() -> None:
    engine = waves_world(mugs=5)
    take(engine, {"S-1": ("shopify", 3), "S-2": ("shopify", 3), "A-1": ("amazon", 2),
                  "A-2": ("amazon", 2)})  # fmt: skip
    engine.execute(iv.AllocateWave(key="wave-1", at=at(20)))
    assert allocated(engine) == {"S-1": 3, "S-2": 2, "A-1": 0, "A-2": 0}


def test_a_share_a_channel_cannot_use_goes_to_the_others() -> None:
    engine = waves_world(mugs=5)
    take(engine, {"S-1": ("shopify", 6), "A-1": ("amazon", 1)})
    engine.execute(iv.AllocateWave(key="wave-1", at=at(20), fair_share=True,
                                   weights={"amazon": 5, "shopify": 1}))  # fmt: skip
    assert allocated(engine) == {"S-1": 4, "A-1": 1}


def test_a_wave_of_named_orders_leaves_the_others_waiting_and_passes_over_held_ones() -> None:
    engine = waves_world()
    take(engine, {"O-1": ("shopify", 1), "O-2": ("shopify", 1), "O-3": ("amazon", 1)})
    engine.execute(iv.PlaceHold(key="hold", at=at(10), order="O-2", reason="fraud_review"))
    engine.execute(iv.AllocateWave(key="wave-1", at=at(20), orders=["O-2", "O-3"]))
    assert allocated(engine) == {"O-1": 0, "O-2": 0, "O-3": 1}
    # Releasing the hold does not allocate it either: it waits for the next wave.
    engine.execute(iv.ReleaseHold(key="ok", at=at(21), order="O-2", reason="fraud_review"))
    assert allocated(engine)["O-2"] == 0
    engine.execute(iv.AllocateWave(key="wave-2", at=at(30)))
    assert allocated(engine) == {"O-1": 1, "O-2": 1, "O-3": 1}
    clean(engine)


def test_a_wave_naming_an_unknown_order_is_refused_and_changes_nothing() -> None:
    engine = waves_world()
    take(engine, {"O-1": ("shopify", 1)})
    before, position = state_of(engine), engine.position
    command = iv.AllocateWave(key="wave-1", at=at(20), orders=["O-1", "O-9"])
    with pytest.raises(iv.errors.NotFoundError, match="no order with id 'O-9'"):
        engine.execute(command)
    assert state_of(engine) == before
    assert refused_once(engine, position, command)


@pytest.mark.parametrize(
    ("fields", "error", "message"),
    [
        ({"orders": ["O-1", "O-1"]}, iv.errors.InvalidListError, "order 'O-1' appears twice"),
        ({"weights": {"amazon": -1}}, iv.errors.InvalidFieldError, "weights\\[amazon\\]"),
        ({"default_weight": -2}, iv.errors.InvalidFieldError, "default_weight"),
        ({"fair_share": "yes"}, iv.errors.InvorderError, "fair_share"),
    ],
)  # fmt: skip
def test_a_malformed_wave_is_refused_when_built(
    fields: dict[str, object], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        iv.AllocateWave(key="wave", at=at(20), **fields)  # type: ignore[arg-type]  # bad on purpose


def test_the_routing_fair_share_and_the_engine_split_alike() -> None:
    share = iv.routing.FairShare(weights={"amazon": 2, "shopify": 1})
    demand = {iv.ChannelId("amazon"): 4, iv.ChannelId("shopify"): 6}
    assert share.quotas(5, demand) == {"amazon": 3, "shopify": 2}
