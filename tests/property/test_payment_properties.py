"""Properties of payments over random sequences of the provider's facts: the amounts keep
refunded <= captured <= authorised whatever is refused, the derived status agrees with the
amounts, a refused fact changes nothing, and a reference names one fact."""

from __future__ import annotations

import copy
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

import invorder as iv
from invorder import Money
from invorder.domain.errors import CurrencyMismatchError
from invorder.domain.payments.commands import PaymentFact
from invorder.domain.payments.payment import OrderPayments, Payment, PaymentKind
from invorder.domain.payments.register import Payments
from invorder.engine._spares import duplicate
from invorder.errors import OverCaptureError, OverRefundError, PaymentConflictError
from invorder.records import PaymentState, PaymentSummary
from tests.support.order_world import capture, order_world
from tests.support.world import at

COMMANDS: dict[str, type[PaymentFact]] = {
    "authorised": iv.RecordAuthorisation,
    "captured": iv.RecordCapture,
    "failed": iv.RecordPaymentFailure,
    "refunded": iv.RecordRefund,
}

facts = st.lists(
    st.tuples(
        st.sampled_from(sorted(COMMANDS)),
        st.integers(1, 12),  # the reference: a small pool, so references repeat
        st.integers(1, 2500),  # the amount in cents (the order is 20.00 USD)
    ),
    max_size=14,
)


def expected_status(summary: PaymentSummary) -> PaymentState:
    """The status the amounts alone imply (written apart from the library's rule)."""
    if summary.refunded.amount > 0:
        full = summary.refunded.amount == summary.captured.amount
        return PaymentState.REFUNDED if full else PaymentState.PARTLY_REFUNDED
    if summary.captured.amount > 0:
        full = summary.captured.amount >= summary.total.amount
        return PaymentState.PAID if full else PaymentState.PARTLY_CAPTURED
    if summary.authorised.amount > 0:
        return PaymentState.AUTHORISED
    return PaymentState.FAILED if summary.failures else PaymentState.UNPAID


@given(facts=facts)
def test_the_amounts_stay_within_their_bounds_and_the_status_agrees(
    facts: list[tuple[str, int, int]],
) -> None:
    engine = order_world()
    engine.capture(capture())
    first: dict[str, tuple[str, int]] = {}
    for n, (kind, ref, cents) in enumerate(facts):
        reference = f"ref-{ref}"
        before = engine.payment("O-1")
        assert before is not None
        command = COMMANDS[kind](key=f"k{n}", at=at(10 + n), order="O-1", reference=reference,
                                 amount=Money(Decimal(cents) / 100, "USD"))  # fmt: skip
        amount = Decimal(cents) / 100
        try:
            engine.execute(command)
        except PaymentConflictError:
            assert first[reference] != (kind, cents)
            assert engine.payment("O-1") == before
            continue
        except OverCaptureError:
            assert kind == "captured"
            assert amount > before.authorised.amount - before.captured.amount
            assert engine.payment("O-1") == before
            continue
        except OverRefundError:
            assert kind == "refunded"
            assert amount > before.captured.amount - before.refunded.amount
            assert engine.payment("O-1") == before
            continue
        if reference in first:  # the same fact again: nothing changes
            assert first[reference] == (kind, cents)
            assert engine.payment("O-1") == before
        first.setdefault(reference, (kind, cents))
        after = engine.payment("O-1")
        assert after is not None
        assert 0 <= after.refunded.amount <= after.captured.amount <= after.authorised.amount
        assert after.status is expected_status(after)
    recorded = engine.payment_facts("O-1")
    assert [fact.reference for fact in recorded] == list(first)
    summary = engine.payment("O-1")
    assert summary is not None
    for kind, total in (("authorised", summary.authorised), ("captured", summary.captured),
                        ("refunded", summary.refunded)):  # fmt: skip
        assert total.amount == sum(
            (fact.amount.amount for fact in recorded if fact.kind == kind), Decimal(0)
        )
    assert engine.verify() == []


register_facts = st.lists(
    st.tuples(
        st.sampled_from(list(PaymentKind)),
        st.sampled_from(["o1", "o2", "o3"]),
        st.integers(1, 2500),  # cents
    ),
    max_size=30,
)


@given(facts=register_facts)
def test_the_registers_amounts_equal_a_fold_of_frozen_amounts(
    facts: list[tuple[PaymentKind, str, int]],
) -> None:
    # The register keeps each order's running amounts in a mutable record; the reference
    # folds the frozen OrderPayments fact by fact.
    register = Payments()
    reference: dict[str, OrderPayments] = {}
    for n, (kind, order, cents) in enumerate(facts):
        payment = Payment(f"r{n}", kind, order, Money(Decimal(cents) / 100, "USD"))
        register.put(payment)
        before = reference.get(order) or OrderPayments.none(order, "USD")
        reference[order] = before.add(payment)
        assert register.get(order) == reference[order]
    for order in ("o1", "o2", "o3"):
        assert register.get(order) == reference.get(order)
    assert [p.reference for p in register] == [f"r{n}" for n in range(len(facts))]


def test_the_register_refuses_an_amount_in_another_currency_as_adding_money_does() -> None:
    register = Payments()
    register.put(Payment("r1", PaymentKind.AUTHORISED, "o1", Money(Decimal(5), "USD")))
    with pytest.raises(CurrencyMismatchError):
        Money(Decimal(5), "USD") + Money(Decimal(1), "EUR")
    with pytest.raises(CurrencyMismatchError):
        register.put(Payment("r2", PaymentKind.CAPTURED, "o1", Money(Decimal(1), "EUR")))
    assert register.get("o1") == OrderPayments.none("o1", "USD").add(
        Payment("r1", PaymentKind.AUTHORISED, "o1", Money(Decimal(5), "USD"))
    )


@given(facts=register_facts, split=st.integers(0, 30), deep=st.booleans())
def test_a_copy_of_the_register_keeps_its_amounts_while_the_register_goes_on(
    facts: list[tuple[PaymentKind, str, int]], split: int, deep: bool
) -> None:
    # The running amounts are shared copy-on-write with the engine's copies (forks, batch
    # spares), the facts per order shared whole: a change on either side must not show on
    # the other.
    payments = [Payment(f"r{n}", kind, order, Money(Decimal(cents) / 100, "USD"))
                for n, (kind, order, cents) in enumerate(facts)]  # fmt: skip
    live = Payments()
    for payment in payments[:split]:
        live.put(payment)
    spare = copy.deepcopy(live) if deep else duplicate(live)[0]
    orders = ("o1", "o2", "o3")
    read = [(spare.get(order), spare.of_order(order)) for order in orders]
    for payment in payments[split:]:
        live.put(payment)
    assert [(spare.get(order), spare.of_order(order)) for order in orders] == read
    for payment in payments[split:]:
        spare.put(payment)
    assert [(spare.get(o), spare.of_order(o)) for o in orders] == [
        (live.get(o), live.of_order(o)) for o in orders
    ]
    assert [live.of_order(o) for o in orders] == [
        [p for p in payments if p.order == o] for o in orders
    ]
    assert [p.reference for p in spare] == [p.reference for p in live]
