"""A late purchase order that breaks promised backorders surfaces as a re-plan a host can
apply: transfers from free stock elsewhere, ready to execute (issue 17, item 10)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import invorder as iv
from invorder.errors import DuplicateError, InvalidIdentifierError, NaiveDatetimeError
from invorder.records import AlertReason, PromiseShortfall
from tests.support.order_world import capture, clean, order_world
from tests.support.world import T0, at

DAY = 24 * 60
"""Minutes in a day."""


def late_world(west: int = 10, east: int = 2, ordered: tuple[int, ...] = (5,)) -> iv.Engine:
    """Channel ``shop`` fed by EAST alone; ``east`` mugs at EAST, ``west`` at WEST; PO-1
    brings 12 mugs to EAST in a day; one shop order per entry of ``ordered`` (O-1, O-2, ...)
    due to ship within two days, backordered beyond what EAST holds."""
    engine = order_world(east={"EAST/A/01": east}, west={"WEST/A/01": west})
    engine.execute(iv.DefineChannel(key="ch-shop-east", at=T0, channel="shop",
                                    locations=("EAST",)))  # fmt: skip
    engine.execute(iv.ExpectPurchase(key="po", at=at(2), purchase_order="PO-1",
                                     location="EAST/A/01",
                                     lines=[iv.PurchaseLine(sku="MUG", quantity=12,
                                                            eta=at(DAY))]))  # fmt: skip
    for n, units in enumerate(ordered, start=1):
        engine.capture(capture(f"O-{n}", lines=(("1", "MUG", units),), minute=5 + n,
                               channel="shop", ship_by=at(2 * DAY)))  # fmt: skip
    return engine


def slip(engine: iv.Engine, days: int = 5) -> None:
    """PO-1's mugs now arrive after ``days`` days: past every ship-by."""
    engine.execute(iv.ChangePurchaseEta(key=f"eta-{days}", at=at(30), purchase_order="PO-1",
                                        sku="MUG", eta=at(days * DAY),
                                        reason="port strike"))  # fmt: skip


def test_nothing_to_replan_while_the_purchase_covers_the_backorder() -> None:
    engine = late_world()
    assert engine.order("O-1").lines[0].backordered == 3  # type: ignore[union-attr]  # captured
    replan = engine.promise_replan(at(40), "RP")
    assert (replan.shortfalls, replan.transfers, replan.uncovered) == ((), (), ())


def test_a_late_purchase_proposes_a_transfer_that_keeps_the_promise() -> None:
    engine = late_world()
    slip(engine)
    assert AlertReason.PROMISE_AT_RISK in engine.order_alerts(at(40))[0].reasons
    replan = engine.promise_replan(at(40), "RP")
    assert replan.shortfalls == (PromiseShortfall(
        order=iv.OrderId("O-1"), sku=iv.SkuId("MUG"), waiting=3, due=0, ship_by=at(2 * DAY),
        expected=at(5 * DAY), destination=iv.LocationId("EAST"), transferred=3,
    ),)  # fmt: skip
    assert replan.shortfalls[0].short == 3
    assert replan.uncovered == ()
    assert replan.transfers == (iv.ShipTransfer(
        key="RP/1", at=at(40), transfer="RP-1", origin="WEST/A/01", destination="EAST",
        lines=[iv.TransferLine(sku="MUG", quantity=3)],
    ),)  # fmt: skip
    before = engine.position
    assert engine.promise_replan(at(40), "RP") == replan  # a query: nothing is applied
    assert engine.position == before

    # The host applies it: the transfer ships, arrives, and the arrival fills the backorder.
    for command in replan.transfers:
        engine.execute(command)
    engine.execute(iv.ReceiveTransfer(key="RP/in", at=at(600), transfer="RP-1",
                                      lines=[iv.TransferLine(sku="MUG", quantity=3)]))  # fmt: skip
    line = engine.order("O-1").lines[0]  # type: ignore[union-attr]  # captured above
    assert (line.allocated, line.backordered) == (5, 0)
    assert engine.order_alerts(at(700)) == []
    assert engine.promise_replan(at(700), "RP2").shortfalls == ()
    clean(engine)


def test_free_stock_goes_to_the_first_order_in_backorder_priority() -> None:
    # O-1 and O-2 each wait for 3 mugs; WEST has 4 free: O-1 (captured first) gets 3.
    engine = late_world(west=4, east=0, ordered=(3, 3))
    slip(engine)
    replan = engine.promise_replan(at(40), "RP")
    got = {s.order: (s.transferred, s.uncovered) for s in replan.shortfalls}
    assert got == {"O-1": (3, 0), "O-2": (1, 2)}
    assert [s.order for s in replan.uncovered] == ["O-2"]
    sent = [(t.transfer, t.lines[0].quantity) for t in replan.transfers]
    assert sent == [("RP-1", 3), ("RP-2", 1)]
    for command in replan.transfers:  # both are accepted: no unit is proposed twice
        engine.execute(command)
    assert engine.balance("MUG", "WEST/A/01") == 0


def test_a_promise_with_no_free_stock_anywhere_is_listed_uncovered() -> None:
    engine = late_world(west=0)
    engine.execute(iv.CancelPurchase(key="cut", at=at(30), purchase_order="PO-1"))
    [short] = engine.promise_replan(at(40), "RP").uncovered
    assert (short.waiting, short.due, short.expected, short.destination) == (3, 0, None, None)
    assert short.uncovered == 3


def test_a_warehouse_feeding_the_channel_is_no_origin_for_an_order_it_could_serve() -> None:
    # Both warehouses feed shop: WEST's free mugs would have been allocated already, and a
    # transfer would not make them more sellable to this order.
    engine = late_world()
    engine.execute(iv.DefineChannel(key="ch-shop-both", at=at(20), channel="shop",
                                    locations=("EAST", "WEST")))  # fmt: skip
    engine.execute(iv.PlaceHold(key="hold", at=at(21), order="O-1", reason="address_problem"))
    slip(engine)
    [short] = engine.promise_replan(at(40), "RP").shortfalls
    assert (short.transferred, short.destination) == (0, None)


@pytest.mark.parametrize(
    ("at_time", "key", "error", "words"),
    [
        (datetime(2026, 1, 1), "RP", NaiveDatetimeError, "at"),
        (at(40), " RP", InvalidIdentifierError, "key"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(
    at_time: datetime, key: str, error: type[Exception], words: str
) -> None:
    engine = late_world()
    slip(engine)
    before = list(engine.events())
    with pytest.raises(error, match=words):
        engine.promise_replan(at_time, key)
    assert list(engine.events()) == before


def test_a_key_whose_transfer_ids_are_taken_is_refused() -> None:
    engine = late_world()
    slip(engine)
    engine.execute(iv.ShipTransfer(key="other", at=at(35), transfer="RP-1",
                                   origin="WEST/A/01", destination="EAST",
                                   lines=[iv.TransferLine("MUG", 1)]))  # fmt: skip
    with pytest.raises(DuplicateError, match="RP-1"):
        engine.promise_replan(at(40), "RP")
    assert len(engine.promise_replan(at(40), "RP2").transfers) == 1


def test_the_alert_and_the_replan_agree_on_which_orders_are_at_risk() -> None:
    engine = late_world(west=4, east=0, ordered=(3, 3))
    slip(engine, days=1)  # still before the ship-by: covered
    assert engine.promise_replan(at(40), "RP").shortfalls == ()
    slip(engine, days=3)
    risky = {a.order for a in engine.order_alerts(at(40))
             if AlertReason.PROMISE_AT_RISK in a.reasons}  # fmt: skip
    assert risky == {s.order for s in engine.promise_replan(at(40), "RP").shortfalls}
    assert risky == {"O-1", "O-2"}
    assert timedelta(0) < engine.promise_replan(at(40), "RP").shortfalls[0].ship_by - at(40)


@given(
    east=st.integers(0, 4),
    west=st.integers(0, 8),
    ordered=st.lists(st.integers(1, 6), min_size=1, max_size=4),
    complete=st.lists(st.booleans(), min_size=4, max_size=4),
    both=st.booleans(),
    cut=st.booleans(),
)
@settings(max_examples=40, deadline=None)
def test_every_proposed_transfer_is_accepted_and_covers_no_more_than_is_short(
    east: int, west: int, ordered: list[int], complete: list[bool], both: bool, cut: bool
) -> None:
    engine = order_world(east={"EAST/A/01": east}, west={"WEST/A/01": west})
    feeding = ("EAST", "WEST") if both else ("EAST",)
    engine.execute(iv.DefineChannel(key="ch-shop-2", at=T0, channel="shop", locations=feeding))
    engine.execute(iv.ExpectPurchase(key="po", at=at(2), purchase_order="PO-1",
                                     location="EAST/A/01",
                                     lines=[iv.PurchaseLine(sku="MUG", quantity=4,
                                                            eta=at(DAY))]))  # fmt: skip
    for n, units in enumerate(ordered, start=1):
        terms = (
            {"kind": iv.OrderKind.WHOLESALE, "wholesale": iv.WholesaleTerms(ship_complete=True)}
            if complete[n - 1]
            else {}
        )
        engine.capture(capture(f"O-{n}", lines=(("1", "MUG", units), ("2", "TEE", 1)),
                               minute=5 + n, channel="shop", ship_by=at(2 * DAY),
                               **terms))  # fmt: skip
    if cut:
        engine.execute(iv.CancelPurchase(key="cut", at=at(30), purchase_order="PO-1"))
    else:
        slip(engine)
    replan = engine.promise_replan(at(40), "RP")
    for short in replan.shortfalls:
        assert 0 <= short.transferred <= short.short
        assert (short.destination is None) == (short.transferred == 0)
    sent = sum(line.quantity for t in replan.transfers for line in t.lines if line.sku == "MUG")
    moved = sum(s.transferred for s in replan.shortfalls if s.sku == "MUG")
    assert sent == moved
    for command in replan.transfers:
        engine.execute(command)  # raises if any unit were proposed twice or not free
    clean(engine)
