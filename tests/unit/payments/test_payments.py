"""Payments as facts the host reports (issue 13, item 1): the provider's authorisations,
captures, failures and refunds, once per reference; the order's payment status derived from
the amounts; the channel rules (allocation waits for authorisation, capture on shipment);
and the bad input, each refused with a typed error that changes nothing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

import invorder as iv
from invorder import Money
from invorder.errors import (
    CurrencyMismatchError,
    InvalidMoneyError,
    NotFoundError,
    OverCaptureError,
    OverRefundError,
    PaymentConflictError,
)
from invorder.records import PaymentKind, PaymentState
from tests.support.order_world import capture, clean, order_world, price, state_of
from tests.support.world import at, refused_once

FACTS: dict[str, type[iv.Command]] = {
    "authorised": iv.RecordAuthorisation,
    "captured": iv.RecordCapture,
    "failed": iv.RecordPaymentFailure,
    "refunded": iv.RecordRefund,
}


def fact(
    kind: str, reference: str, amount: str, order: str = "O-1", **fields: object
) -> iv.Command:
    """A payment fact of ``kind`` under ``reference`` for ``amount`` USD."""
    values: dict[str, Any] = {"key": f"pay-{reference}", "at": at(9), "order": order,
                                 "reference": reference, "amount": price(amount)}  # fmt: skip
    return FACTS[kind](**{**values, **fields})


def usd(amount: str) -> Money:
    """An amount in USD."""
    return Money(Decimal(amount), "USD")


def captured_order(channel: str = "shopify", **fields: Any) -> iv.Engine:
    """The order world with O-1 (2 MUG at 10.00 USD: 20.00) captured from ``channel``."""
    engine = order_world()
    engine.capture(capture(channel=channel, **fields))
    return engine


def ship_all(engine: iv.Engine, order: str = "O-1") -> None:
    """Pick, pack and ship every shipment of ``order``."""
    for n, shipment in enumerate(s.shipment for s in engine.shipments(order)):
        engine.execute(iv.StartPicking(key=f"sp{n}", at=at(6), shipment=shipment))
        engine.execute(iv.PackShipment(key=f"pk{n}", at=at(7), shipment=shipment))
        engine.execute(iv.ShipShipment(key=f"sh{n}", at=at(8), shipment=shipment, carrier="UPS"))


def status(engine: iv.Engine, order: str = "O-1") -> PaymentState:
    """The order's derived payment status."""
    summary = engine.payment(order)
    assert summary is not None
    return summary.status


def test_the_status_follows_the_amounts_from_unpaid_to_refunded() -> None:
    engine = captured_order()
    assert status(engine) is PaymentState.UNPAID
    steps = [
        (fact("authorised", "a1", "20.00"), PaymentState.AUTHORISED),
        (fact("captured", "c1", "5.00"), PaymentState.PARTLY_CAPTURED),
        (fact("captured", "c2", "15.00"), PaymentState.PAID),
        (fact("refunded", "r1", "4.00"), PaymentState.PARTLY_REFUNDED),
        (fact("refunded", "r2", "16.00"), PaymentState.REFUNDED),
    ]
    for command, expected in steps:
        engine.execute(command)
        assert status(engine) is expected
    summary = engine.payment("O-1")
    assert summary is not None
    assert (summary.total, summary.authorised, summary.captured, summary.refunded) == (
        usd("20.00"), usd("20.00"), usd("20.00"), usd("20.00"))  # fmt: skip
    facts = engine.payment_facts("O-1")
    assert [(f.reference, f.kind) for f in facts] == [
        ("a1", PaymentKind.AUTHORISED), ("c1", PaymentKind.CAPTURED),
        ("c2", PaymentKind.CAPTURED), ("r1", PaymentKind.REFUNDED), ("r2", PaymentKind.REFUNDED),
    ]  # fmt: skip
    clean(engine)


def test_a_failure_alone_is_failed_and_moves_no_money() -> None:
    engine = captured_order()
    engine.execute(fact("failed", "f1", "20.00"))
    assert status(engine) is PaymentState.FAILED
    engine.execute(fact("authorised", "a1", "20.00"))
    summary = engine.payment("O-1")
    assert summary is not None
    assert (summary.status, summary.failures, summary.authorised) == (
        PaymentState.AUTHORISED, 1, usd("20.00"))  # fmt: skip
    assert engine.payment("NOPE") is None


def test_a_reference_reported_again_with_the_same_content_changes_nothing() -> None:
    engine = captured_order()
    engine.execute(fact("authorised", "a1", "20.00"))
    before, position = state_of(engine), engine.position
    again = fact("authorised", "a1", "20.00", key="other-key", at=at(30))
    assert engine.execute(again) == ()
    assert (state_of(engine), engine.position) == (before, position)


@pytest.mark.parametrize(
    ("again", "field", "first", "second"),
    [
        (fact("authorised", "a1", "19.00"), "amount", "20.00 USD", "19.00 USD"),
        (fact("captured", "a1", "20.00"), "kind", "authorised", "captured"),
        (fact("authorised", "a1", "20.00", order="O-2"), "order", "O-1", "O-2"),
    ],
)
def test_a_reference_reported_with_other_content_is_a_conflict(
    again: iv.Command, field: str, first: str, second: str
) -> None:
    engine = captured_order()
    engine.capture(capture(order="O-2"))
    engine.execute(fact("authorised", "a1", "20.00", key="first"))
    before, position = state_of(engine), engine.position
    with pytest.raises(PaymentConflictError) as caught:
        engine.execute(again)
    assert caught.value.fields == {"key": "a1", "field": field, "first": first, "second": second}
    assert str(caught.value) == (
        f"payment reference 'a1' was first reported with {field}={first!r}, now {second!r}; "
        "a provider reference names one payment fact: report another fact under its own "
        "reference"
    )
    assert refused_once(engine, position, again)
    assert state_of(engine) == before


def test_capturing_more_than_is_authorised_is_refused() -> None:
    engine = captured_order()
    refused = fact("captured", "c0", "1.00")
    before, position = state_of(engine), engine.position
    with pytest.raises(OverCaptureError, match=r"only 0 USD may be captured"):
        engine.execute(refused)
    assert refused_once(engine, position, refused)
    engine.execute(fact("authorised", "a1", "20.00"))
    engine.execute(fact("captured", "c1", "15.00"))
    before, position = state_of(engine), engine.position
    refused = fact("captured", "c2", "5.01")
    with pytest.raises(OverCaptureError) as caught:
        engine.execute(refused)
    assert str(caught.value) == (
        "cannot capture 5.01 USD on order 'O-1': only 5.00 USD may be captured (authorised, "
        "not captured); capture at most that, or record a further authorisation first"
    )
    assert caught.value.fields == {"order": "O-1", "amount": "5.01 USD", "allowed": "5.00 USD",
                                   "why": "authorised, not captured"}  # fmt: skip
    assert refused_once(engine, position, refused)
    assert state_of(engine) == before


def test_refunding_more_than_is_captured_is_refused() -> None:
    engine = captured_order()
    engine.execute(fact("authorised", "a1", "20.00"))
    engine.execute(fact("captured", "c1", "12.00"))
    engine.execute(fact("refunded", "r1", "2.00"))
    before, position = state_of(engine), engine.position
    refused = fact("refunded", "r2", "10.01")
    with pytest.raises(OverRefundError) as caught:
        engine.execute(refused)
    assert str(caught.value) == (
        "cannot refund 10.01 USD on order 'O-1': only 10.00 USD is captured and not yet "
        "refunded; a refund never exceeds what was captured"
    )
    assert refused_once(engine, position, refused)
    assert state_of(engine) == before
    engine.execute(fact("refunded", "r3", "10.00"))
    assert status(engine) is PaymentState.REFUNDED


def test_a_payment_in_another_currency_is_refused() -> None:
    engine = captured_order()
    before, position = state_of(engine), engine.position
    refused = iv.RecordAuthorisation(
        key="pay-a1", at=at(9), order="O-1", reference="a1", amount=Money(Decimal("20.00"), "EUR")
    )
    with pytest.raises(CurrencyMismatchError) as caught:
        engine.execute(refused)
    assert str(caught.value) == (
        "cannot mix in one order USD and EUR: convert to one currency first"
    )
    assert refused_once(engine, position, refused)
    assert state_of(engine) == before


def test_a_payment_for_an_unknown_order_is_refused() -> None:
    engine = captured_order()
    before, position = state_of(engine), engine.position
    refused = fact("authorised", "a1", "20.00", order="O-404")
    with pytest.raises(NotFoundError, match="no order with id 'O-404'"):
        engine.execute(refused)
    assert refused_once(engine, position, refused)
    assert state_of(engine) == before


@pytest.mark.parametrize("amount", ["0", "-1.00"])
def test_an_amount_of_zero_or_less_is_malformed(amount: str) -> None:
    with pytest.raises(InvalidMoneyError, match="a payment amount is above zero"):
        fact("captured", "c1", amount)


def define_channel(engine: iv.Engine, **rules: Any) -> None:
    """Define the ``web`` channel, fed by both warehouses, with payment ``rules``."""
    engine.execute(iv.DefineChannel(key="ch-web", at=at(2), channel="web",
                                    locations=("EAST", "WEST"), **rules))  # fmt: skip


def test_allocation_waits_for_the_authorisation_of_the_total() -> None:
    engine = order_world()
    define_channel(engine, await_authorisation=True)
    engine.capture(capture(channel="web"))
    order = engine.order("O-1")
    assert order is not None
    assert order.holds == (iv.HoldReason.PAYMENT_PENDING,)
    assert list(engine.reservations()) == []
    engine.execute(fact("authorised", "a1", "15.00"))
    order = engine.order("O-1")
    assert order is not None
    assert order.holds == (iv.HoldReason.PAYMENT_PENDING,)
    events = engine.execute(fact("authorised", "a2", "5.00"))
    assert [type(e).__name__ for e in events][:2] == ["PaymentAuthorised", "OrderHoldReleased"]
    order = engine.order("O-1")
    assert order is not None
    assert (order.holds, order.lines[0].allocated) == ((), 2)
    clean(engine)


def test_an_order_on_payment_terms_does_not_wait_for_authorisation() -> None:
    engine = order_world()
    define_channel(engine, await_authorisation=True)
    terms = iv.WholesaleTerms(ship_complete=False)
    engine.capture(capture(channel="web", kind=iv.OrderKind.WHOLESALE, wholesale=terms,
                           payment=iv.PaymentStatus.ON_TERMS))  # fmt: skip
    order = engine.order("O-1")
    assert order is not None
    assert (order.holds, order.lines[0].allocated) == ((), 2)


def test_an_authorisation_releases_the_hold_of_an_order_captured_unpaid() -> None:
    engine = captured_order(payment=iv.PaymentStatus.PENDING)
    order = engine.order("O-1")
    assert order is not None
    assert order.holds == (iv.HoldReason.PAYMENT_PENDING,)
    engine.execute(fact("authorised", "a1", "20.00"))
    order = engine.order("O-1")
    assert order is not None
    assert (order.holds, order.lines[0].allocated) == ((), 2)


def test_on_a_channel_that_captures_on_shipment_what_shipped_is_due() -> None:
    engine = order_world()
    define_channel(engine, capture_on_shipment=True)
    engine.capture(capture(channel="web"))
    engine.execute(fact("authorised", "a1", "20.00"))
    before, position = state_of(engine), engine.position
    refused = fact("captured", "c1", "20.00")
    with pytest.raises(OverCaptureError) as caught:
        engine.execute(refused)
    assert caught.value.fields["allowed"] == "0.00 USD"
    assert caught.value.fields["why"] == "shipped, not captured: the channel captures on shipment"
    assert refused_once(engine, position, refused)
    assert state_of(engine) == before
    ship_all(engine)
    summary = engine.payment("O-1")
    assert summary is not None
    assert (summary.shipped, summary.due_for_capture) == (usd("20.00"), usd("20.00"))
    engine.execute(fact("captured", "c2", "20.00"))
    summary = engine.payment("O-1")
    assert summary is not None
    assert (summary.status, summary.due_for_capture) == (PaymentState.PAID, usd("0"))
    clean(engine)


def test_the_payment_rules_stay_out_of_a_channel_dict_while_off() -> None:
    codec = iv.Codec()
    plain = iv.DefineChannel(key="c", at=at(1), channel="web", locations=["EAST"])
    assert not {"await_authorisation", "capture_on_shipment"} & set(codec.command_to_dict(plain))
    ruled = iv.DefineChannel(key="c", at=at(1), channel="web", locations=["EAST"],
                             await_authorisation=True, capture_on_shipment=True)  # fmt: skip
    assert codec.command_from_dict(codec.command_to_dict(ruled)) == ruled


def test_payments_survive_a_snapshot() -> None:
    snapshots = iv.MemorySnapshotStore()
    engine = order_world(snapshots=snapshots)
    engine.capture(capture())
    for command in (fact("authorised", "a1", "20.00"), fact("captured", "c1", "20.00"),
                    fact("failed", "f1", "3.00"), fact("refunded", "r1", "1.00")):  # fmt: skip
        engine.execute(command)
    engine.snapshot()
    again = iv.Engine(engine._store, snapshots=snapshots)
    assert (again.startup.snapshot, again.startup.refused) == (engine.position, "")
    assert again.payment("O-1") == engine.payment("O-1")
    assert again.payment_facts("O-1") == engine.payment_facts("O-1")
    assert again.verify() == []


def test_paid_is_measured_against_the_units_not_cancelled() -> None:
    engine = captured_order(lines=(("1", "MUG", 2), ("2", "TEE", 1)))
    engine.execute(fact("authorised", "a1", "30.00"))
    engine.execute(fact("captured", "c1", "20.00"))
    assert status(engine) is PaymentState.PARTLY_CAPTURED
    engine.execute(iv.CancelLines(key="cl", at=at(10), order="O-1",
                                  lines=[iv.LineQuantity("2", 1)]))  # fmt: skip
    summary = engine.payment("O-1")
    assert summary is not None
    assert (summary.total, summary.status) == (usd("20.00"), PaymentState.PAID)


def test_an_authorisation_of_an_order_not_held_records_the_fact_only() -> None:
    engine = captured_order()
    events = engine.execute(fact("authorised", "a1", "20.00"))
    assert [type(e).__name__ for e in events] == ["PaymentAuthorised"]


def test_an_amount_written_with_other_decimals_is_the_same_amount() -> None:
    engine = captured_order()
    engine.execute(fact("authorised", "a1", "20.00"))
    assert engine.execute(fact("authorised", "a1", "20.0", key="again")) == ()
