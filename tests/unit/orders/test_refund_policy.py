"""Refunds follow the disposition and a policy (issue 17, item 13): a share of the line
price less a per-unit fee, per disposition, for one channel or every channel."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

import invorder as iv
from invorder.errors import (
    CurrencyMismatchError,
    InvalidFieldError,
    InvalidListError,
    InvalidMoneyError,
    InvalidPolicyError,
    UnknownChannelError,
)
from tests.support.order_world import capture, clean, order_world, price, state_of
from tests.support.world import at


def shipped(unit_price: str = "10.00", units: int = 4, channel: str = "shopify") -> iv.Engine:
    """O-1: ``units`` mugs at ``unit_price`` USD from ``channel``, shipped, with an RMA for
    all of them."""
    engine = order_world(east={"EAST/A/01": units}, west={})
    command = capture(lines=(("1", "MUG", units),), channel=channel)
    lines = [iv.LineItem("1", "MUG", units, price(unit_price))]
    engine.capture(iv.CaptureOrder(**{**_fields(command), "lines": lines}))
    for step in (iv.StartPicking, iv.PackShipment):
        engine.execute(step(key=step.__name__, at=at(6), shipment="O-1/S1"))
    engine.execute(iv.ShipShipment(key="ship", at=at(7), shipment="O-1/S1", carrier="UPS"))
    engine.execute(iv.OpenReturn(key="rma", at=at(8), rma="RMA-1", order="O-1",
                                 lines=[iv.LineQuantity("1", units)]))  # fmt: skip
    return engine


def _fields(command: iv.CaptureOrder) -> dict[str, Any]:
    return {name: getattr(command, name) for name in ("key", "at", "order", "channel",
                                                     "external_id", "kind")}  # fmt: skip


def receive(engine: iv.Engine, *parts: tuple[int, str], key: str = "in") -> Decimal:
    """Receive ``(units, disposition)`` parts of RMA-1; the refund this receipt owes."""
    before = engine.rma("RMA-1")
    assert before is not None
    lines = [iv.ReturnedUnits("1", n, d) for n, d in parts]
    engine.execute(iv.ReceiveReturn(key=key, at=at(9), rma="RMA-1", location="EAST/A/01",
                                    lines=lines))  # fmt: skip
    after = engine.rma("RMA-1")
    assert after is not None
    return after.refund.amount - before.refund.amount


def policy(engine: iv.Engine, channel: str = "", key: str = "policy", **fields: Any) -> None:
    engine.execute(iv.DefineRefundPolicy(key=key, at=at(2), channel=channel, **fields))


def test_without_a_policy_every_return_refunds_the_price() -> None:
    engine = shipped()
    assert receive(engine, (1, "restock"), (1, "damaged"), (2, "scrap")) == Decimal("40.00")


def test_each_disposition_refunds_its_share_less_its_fee() -> None:
    engine = shipped()
    policy(engine, refund_percent={"damaged": 0, "quality_control": 90},
           fee={"quality_control": iv.Money("0.50", "USD")})  # fmt: skip
    refund = receive(engine, (1, "restock"), (2, "quality_control"), (1, "damaged"))
    assert refund == Decimal("10.00") + 2 * Decimal("8.50") + 0
    clean(engine)


def test_a_channel_policy_wins_over_the_default() -> None:
    engine = shipped(channel="amazon")
    policy(engine, refund_percent={"restock": 50})
    policy(engine, "amazon", key="amazon", refund_percent={"restock": 80})
    assert receive(engine, (1, "restock")) == Decimal("8.00")
    assert engine.order("O-1") is not None
    other = shipped(channel="shopify")
    policy(other, refund_percent={"restock": 50})
    policy(other, "amazon", key="amazon", refund_percent={"restock": 80})
    assert receive(other, (1, "restock")) == Decimal("5.00")


def test_shares_round_half_up_to_the_cent_and_fees_never_make_a_refund_negative() -> None:
    engine = shipped(unit_price="9.99")
    policy(engine, refund_percent={"restock": 50, "damaged": 10},
           fee={"damaged": iv.Money("5", "USD")})  # fmt: skip
    assert receive(engine, (1, "restock"), key="a") == Decimal("5.00")  # 4.995
    assert receive(engine, (1, "damaged"), key="b") == Decimal("0")


def test_a_new_policy_applies_to_later_receipts_only() -> None:
    engine = shipped()
    assert receive(engine, (1, "damaged"), key="a") == Decimal("10.00")
    policy(engine, refund_percent={"damaged": 0})
    assert receive(engine, (1, "damaged"), key="b") == Decimal("0")
    rma = engine.rma("RMA-1")
    assert rma is not None
    assert rma.refund == iv.Money(Decimal("10.00"), "USD")
    replayed = iv.Engine(iv.MemoryEventStore(list(engine.events())))
    assert replayed.rma("RMA-1") == rma
    assert engine.verify() == []


def test_a_fee_in_another_currency_refuses_the_receipt_and_changes_nothing() -> None:
    engine = shipped()
    policy(engine, fee={"restock": iv.Money("1", "EUR")})
    before = state_of(engine)
    with pytest.raises(CurrencyMismatchError) as caught:
        receive(engine, (1, "restock"))
    assert caught.value.code == "currency_mismatch"
    assert str(caught.value) == "cannot add USD and EUR: convert to one currency first"
    assert state_of(engine) == before


def test_a_policy_for_an_unknown_channel_is_refused() -> None:
    engine = shipped()
    before = state_of(engine)
    with pytest.raises(UnknownChannelError) as caught:
        policy(engine, "ebay", refund_percent={"restock": 50})
    assert str(caught.value).startswith("unknown channel 'ebay'")
    assert state_of(engine) == before


@pytest.mark.parametrize(
    ("fields", "error", "words"),
    [
        ({"refund_percent": {"restock": 101}}, InvalidPolicyError,
         "refund_percent['restock'] must be a whole percentage from 0 to 100, got 101"),
        ({"refund_percent": {"restock": True}}, InvalidPolicyError, "got True"),
        ({"refund_percent": {"opened": 50}}, InvalidFieldError, "disposition must be one of"),
        ({"refund_percent": [("restock", 50), ("restock", 40)]}, InvalidListError,
         "disposition 'restock' appears twice"),
        ({"fee": {"damaged": iv.Money("-1", "USD")}}, InvalidMoneyError,
         "fee['damaged']"),
        ({"fee": {"damaged": 2}}, InvalidMoneyError, "it must be Money of zero or more"),
        ({"refund_percent": [("restock",)]}, InvalidPolicyError, "maps a disposition"),
        ({"channel": " shop"}, iv.errors.InvalidIdentifierError, "channel"),
    ],
)  # fmt: skip
def test_a_bad_policy_is_refused_when_built(
    fields: dict[str, Any], error: type[Exception], words: str
) -> None:
    with pytest.raises(error) as caught:
        iv.DefineRefundPolicy(key="k", at=at(1), **fields)
    assert words in str(caught.value)
