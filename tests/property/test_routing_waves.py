"""Property tests for waves with fair share and for re-planning after supply changes."""

from __future__ import annotations

import attrs
from hypothesis import given
from hypothesis import strategies as st

from invorder.routing import (
    FairShare,
    LocationOffline,
    LocationOnline,
    PurchaseOrderSlipped,
    RoutingRequest,
    RoutingRule,
    ShortPicked,
    StockArrived,
    SupplyChange,
    WaveResult,
    allocate_wave,
    check_plan,
    replan,
)
from invorder.testing.strategies import (
    CHANNELS,
    LOCATIONS,
    SKUS,
    pipelines,
    routing_requests,
)


def _wave_requests(drafts: list[RoutingRequest]) -> list[RoutingRequest]:
    shared = drafts[0].locations
    return [
        attrs.evolve(d, order=attrs.evolve(d.order, order_id=f"o-{i}"), locations=shared)
        for i, d in enumerate(drafts)
    ]


waves = st.lists(routing_requests(max_locations=4, max_lines=3), min_size=1, max_size=3)
weights = st.fixed_dictionaries({channel: st.integers(0, 3) for channel in CHANNELS})


@given(waves, pipelines(), weights)
def test_fair_share_keeps_each_channel_within_its_quota(
    drafts: list[RoutingRequest], rule: RoutingRule, weight: dict[str, int]
) -> None:
    requests = _wave_requests(drafts)
    wave = allocate_wave(requests, rule, fair_share=FairShare(weight))
    used: dict[tuple[str, str], int] = {}
    for request, plan in zip(wave.requests, wave.plans, strict=True):
        check_plan(request, plan)
        for line in plan.lines:
            key = (line.sku, request.order.channel)
            used[key] = used.get(key, 0) + line.allocated
    for sku, quotas in wave.quotas.items():
        assert sum(quotas.values()) <= wave.supply.total(sku)
        for channel, quota in quotas.items():
            assert used.get((sku, channel), 0) <= quota


changes = st.lists(
    st.one_of(
        st.builds(
            StockArrived,
            location=st.sampled_from(LOCATIONS),
            sku=st.sampled_from(SKUS),
            quantity=st.integers(1, 8),
        ),
        st.builds(
            PurchaseOrderSlipped,
            location=st.sampled_from(LOCATIONS),
            sku=st.sampled_from(SKUS),
            quantity=st.integers(1, 8),
        ),
        st.builds(
            ShortPicked,
            location=st.sampled_from(LOCATIONS),
            sku=st.sampled_from(SKUS),
            quantity=st.integers(1, 8),
        ),
        st.builds(LocationOffline, location=st.sampled_from(LOCATIONS)),
        st.builds(
            LocationOnline,
            location=st.sampled_from(LOCATIONS),
            capacity=st.none() | st.integers(0, 10),
        ),
    ),
    max_size=4,
)


def _check_wave(wave: WaveResult) -> None:
    totals: dict[tuple[str, str], int] = {}
    for request, plan in zip(wave.requests, wave.plans, strict=True):
        check_plan(wave.supply.apply_to(request), plan)
        for key, quantity in plan.taken().items():
            totals[key] = totals.get(key, 0) + quantity
    for (location, sku), quantity in totals.items():
        assert quantity <= wave.supply.atp_of(location, sku)


@given(waves, pipelines(), changes)
def test_replan_keeps_the_laws_and_reports_the_difference(
    drafts: list[RoutingRequest], rule: RoutingRule, moves: list[SupplyChange]
) -> None:
    wave = allocate_wave(_wave_requests(drafts), rule)
    result = replan(wave, moves, rule)
    _check_wave(result.wave)
    down = set()
    for change in moves:
        if isinstance(change, LocationOffline):
            down.add(change.location)
        elif isinstance(change, LocationOnline):
            down.discard(change.location)
    for location in down:
        assert all(location not in plan.shipments for plan in result.plans)
    filled = {(c.order_id, c.line_id): c.quantity for c in result.newly_filled}
    backordered = {(c.order_id, c.line_id): c.quantity for c in result.new_backorders}
    for old, new in zip(wave.plans, result.plans, strict=True):
        for before, after in zip(old.lines, new.lines, strict=True):
            key = (old.order_id, before.line_id)
            assert filled.get(key, 0) == max(after.allocated - before.allocated, 0)
            assert backordered.get(key, 0) == max(after.backordered - before.backordered, 0)
            assert after.cancelled >= before.cancelled


@given(waves, pipelines())
def test_replan_without_changes_keeps_every_allocation(
    drafts: list[RoutingRequest], rule: RoutingRule
) -> None:
    wave = allocate_wave(_wave_requests(drafts), rule)
    result = replan(wave, [], rule)
    assert not result.reroutes
    assert not result.new_backorders
    for old, new in zip(wave.plans, result.plans, strict=True):
        for before, after in zip(old.lines, new.lines, strict=True):
            for allocation in before.allocations:
                assert after.quantity_at(allocation.location) >= allocation.quantity
