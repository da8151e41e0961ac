"""The engine's trusted fast paths give exactly what the checked paths give: ATP swapped
into location facts, the ledger's per-SKU holding query, the routed fold."""

from __future__ import annotations

from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import invorder
from invorder import LineId, SkuId
from invorder import simulate as sim
from invorder.domain import model
from invorder.domain.availability.events import ChannelDefined
from invorder.domain.messages import Event
from invorder.domain.money import Money
from invorder.domain.orders.allocator import backorder_priority
from invorder.domain.orders.book import OrderBook
from invorder.domain.orders.events import OrderAllocated
from invorder.domain.orders.order import OrderLine
from invorder.domain.purchasing.events import PurchaseEtaChanged, SupplierDefined
from invorder.domain.reservations.events import ReservationsExpired
from invorder.domain.stock.events import LocationDefined, Operation, StockPosted
from invorder.engine.allocation import order_view
from invorder.errors import InvalidQuantityError
from invorder.routing import backorder_priority as routing_priority
from tests.support.routing import EAST
from tests.support.world import T0, stocked

LINE = OrderLine(line_id=LineId("L1"), sku=SkuId("MUG"), unit_price=Money("4.50", "USD"), ordered=5)
counts = st.integers(min_value=0, max_value=1_000)


@given(st.dictionaries(st.sampled_from(["MUG", "TEE", "CAP"]), counts))
def test_with_atp_equals_evolve(atp: dict[str, int]) -> None:
    assert EAST.with_atp(atp) == attrs.evolve(EAST, atp=atp)


@pytest.mark.parametrize("bad", [-1, 1.5, True, "3"])
def test_with_atp_refuses_what_the_constructor_refuses(bad: Any) -> None:
    with pytest.raises(InvalidQuantityError) as refused:
        EAST.with_atp({"MUG": bad})  # a bad quantity on purpose (typed Any)
    with pytest.raises(InvalidQuantityError) as constructor:
        attrs.evolve(EAST, atp={"MUG": bad})
    assert str(refused.value) == str(constructor.value)
    assert "atp['MUG']" in str(refused.value)
    assert EAST.atp_of("MUG") == 3  # unchanged


def test_holding_lists_the_locations_with_units_sorted() -> None:
    engine = stocked()
    ledger = engine._state.ledger
    expected = [b for b in engine.locations("EAST") if engine.balance("MUG", b)]
    assert ledger.holding("MUG", "EAST") == expected
    assert ledger.holding("MUG", "EAST/A") == [b for b in expected if b.startswith("EAST/A/")]
    assert ledger.holding("NOPE", "EAST") == []
    for n, b in enumerate(expected):  # emptied bins drop out
        engine.execute(invorder.MarkDamaged(key=f"d{n}", at=T0, sku="MUG", location=b,
                                            quantity=engine.balance("MUG", b)))  # fmt: skip
    assert ledger.holding("MUG", "EAST") == []
    assert ledger.holding("MUG", "EAST", invorder.Bucket.DAMAGED) == expected


def test_subtree_sees_a_location_defined_after_it_was_asked() -> None:
    engine = stocked()
    before = engine.locations("EAST")
    engine.execute(invorder.DefineLocation(key="new", at=T0, location="EAST/Z/09"))
    assert engine.locations("EAST") == sorted([*before, "EAST/Z", "EAST/Z/09"])


def test_every_projection_is_in_the_fold_order() -> None:
    assert set(model._PROJECTION_CLASSES) == set(model.PROJECTIONS)


def test_each_event_type_goes_to_the_projections_that_fold_it() -> None:
    assert model._folders(StockPosted) == ("ledger", "reservations", "purchases", "costs")
    assert model._folders(LocationDefined) == ("ledger",)
    assert model._folders(ReservationsExpired) == ("reservations",)
    assert model._folders(PurchaseEtaChanged) == ("purchases",)
    assert model._folders(ChannelDefined) == ("channels",)
    assert model._folders(SupplierDefined) == ("suppliers",)
    assert model._folders(OrderAllocated) == ("orders",)
    assert model._folders(Event) == ()  # nobody folds an unknown kind


def test_journal_entries_go_only_to_the_projections_that_read_their_operation() -> None:
    commit, receive = Operation.COMMIT, Operation.PURCHASE_RECEIVE
    assert model._folders(StockPosted, commit) == ("ledger", "reservations", "costs")
    assert model._folders(StockPosted, receive) == model._folders(StockPosted)


def test_the_routed_fold_equals_giving_every_event_to_every_projection() -> None:
    run = sim.simulate(sim.generate_size("small", 3))
    routed, everywhere = model.State(), model.State()
    for event in run.engine.events():
        routed.apply(event)
        for name in model._PROJECTION_CLASSES:
            getattr(everywhere, name).apply(event)
    assert routed.differences(everywhere) == []
    assert routed.orders.backordered_skus() == everywhere.orders.backordered_skus()


def test_the_default_backorder_priority_is_routings_priority_of_the_view() -> None:
    run = sim.simulate(sim.generate_size("small", 5))
    orders = run.engine.orders()
    assert len(orders) == 500
    for order in orders:
        assert backorder_priority(order) == routing_priority(order_view(order))
    assert run.engine._state.priority is backorder_priority  # what an engine uses by default


def test_the_state_keeps_one_context_while_what_it_holds_stays_in_place() -> None:
    state = model.State()
    context = state.context()
    assert state.context() is context
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        context.ledger = state.ledger  # type: ignore[misc]  # assigning is what is tested
    state.orders = OrderBook()  # a spare copy put back, a snapshot read
    assert state.context() is not context
    assert state.context().orders is state.orders

    def by_capture(order: Any) -> Any:
        return order.position

    state.priority = by_capture  # a policy the engine installs
    assert state.context().priority is by_capture
    assert "_context" not in model.PROJECTIONS  # a cache: not compared, not in snapshots
