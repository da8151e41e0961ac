"""A host routing rule that raises: its own exception reaches the caller unchanged, and
nothing is written or folded (a batch is undone whole), wherever the engine asked the rule
(a capture, a batch of captures, the backorders an arrival re-allocates)."""

from __future__ import annotations

import pytest

import invorder as iv
import invorder.routing as r
from invorder.records import OrderLine
from tests.support.order_world import capture, order_world
from tests.support.world import at


class HostBugError(Exception):
    """What the host's rule raises."""


MOST_STOCK = r.route("most-stock", rank=r.most_stock())


class FailsFor:
    """Most stock, except for one order once :attr:`armed`: then the host's bug."""

    def __init__(self, order_id: str, armed: bool = True) -> None:
        self.order_id = order_id
        self.armed = armed

    def __call__(self, request: r.RoutingRequest) -> r.AllocationPlan:
        if self.armed and request.order.order_id == self.order_id:
            raise HostBugError(f"no route for {self.order_id}")
        return MOST_STOCK(request)


def _state(engine: iv.Engine) -> tuple[object, ...]:
    return (engine.position, list(engine.events()), engine.orders(),
            engine.atp("MUG", "EAST", at(30)), engine.atp("MUG", "WEST", at(30)))  # fmt: skip


def _line(engine: iv.Engine, order_id: str) -> OrderLine:
    order = engine.order(order_id)
    assert order is not None
    line = order.line("1")
    assert line is not None
    return line


def test_a_capture_whose_rule_raises_changes_nothing() -> None:
    engine = order_world(routing_rule=FailsFor("O-1"))
    before = _state(engine)
    with pytest.raises(HostBugError, match="no route for O-1"):
        engine.execute(capture("O-1"))
    assert _state(engine) == before
    assert engine.verify() == []


def test_a_batch_is_undone_whole_when_the_rule_raises_for_one_of_its_captures() -> None:
    engine = order_world(routing_rule=FailsFor("O-2"))
    before = _state(engine)
    first = capture("O-1")
    with pytest.raises(HostBugError):
        engine.execute_batch([first, capture("O-2")])
    assert _state(engine) == before
    # The first capture's key was not used: it is decided afresh, and allocated.
    outcome = engine.execute(first)
    assert [type(e).__name__ for e in outcome][:2] == ["OrderCaptured", "OrderAllocated"]
    assert _line(engine, "O-1").allocated == 2


def test_an_arrival_whose_backorder_rule_raises_is_refused_whole() -> None:
    rule = FailsFor("O-9", armed=False)
    engine = order_world(east={}, west={}, routing_rule=rule)
    engine.execute(capture("O-9"))  # no MUG in stock: backordered
    assert _line(engine, "O-9").backordered == 2
    rule.armed = True
    before = _state(engine)
    receipt = iv.ReceiveStock(key="rcv-late", at=at(20), sku="MUG", location="EAST/A/01",
                              quantity=4)  # fmt: skip
    with pytest.raises(HostBugError):
        engine.execute(receipt)
    assert _state(engine) == before
    assert engine.balance("MUG", "EAST/A/01") == 0
