"""A state machine over the purchase order lifecycle (draft, confirm, receive, ETA change,
close, cancel), checked against a plain model after every step: states, incoming units,
received units and the weighted-average value."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

import invorder as iv
from invorder import Bucket
from invorder.records import PurchaseState
from tests.support.availability import DAY, T, world
from tests.support.world import refused_once

SKUS = ("MUG", "SAUCER")
TERMINAL = (PurchaseState.CLOSED, PurchaseState.CANCELLED)


@dataclass
class Order:
    """What the model knows of one purchase order."""

    state: PurchaseState
    ordered: dict[str, int]
    cost: Fraction
    tolerance: Fraction | None
    received: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SKUS, 0))


class PurchaseMachine(RuleBasedStateMachine):
    """Random purchase commands against one engine and a dict model."""

    def __init__(self) -> None:
        super().__init__()
        self.engine, self.key = world({})
        self.orders: dict[str, Order] = {}
        self.units = dict.fromkeys(SKUS, 0)
        self.value = dict.fromkeys(SKUS, Fraction(0))

    def _run(self, command: iv.Command) -> bool:
        before = self.engine.position
        try:
            self.engine.execute(command)
        except iv.InvorderError:
            assert refused_once(self.engine, before, command)
            return False
        return True

    def _pick(self, index: int) -> str | None:
        return sorted(self.orders)[index % len(self.orders)] if self.orders else None

    @rule(
        quantities=st.tuples(st.integers(0, 30), st.integers(0, 30)).filter(any),
        cost=st.integers(0, 900),
        tolerance=st.sampled_from([None, "0", "0.1", "0.5"]),
        confirm=st.booleans(),
    )
    def draft(
        self, quantities: tuple[int, int], cost: int, tolerance: str | None, confirm: bool
    ) -> None:
        po = f"PO-{len(self.orders)}"
        lines = [
            iv.PurchaseLine(sku=sku, quantity=q, eta=T + 5 * DAY,
                            unit_cost=iv.Money(Decimal(cost) / 100, "EUR"))
            for sku, q in zip(SKUS, quantities, strict=True)
            if q
        ]  # fmt: skip
        kind = iv.ExpectPurchase if confirm else iv.DraftPurchase
        assert self._run(kind(key=self.key(), at=T, purchase_order=po, location="WEST",
                              lines=lines, tolerance=tolerance))  # fmt: skip
        self.orders[po] = Order(
            state=PurchaseState.CONFIRMED if confirm else PurchaseState.DRAFT,
            ordered={line.sku: line.quantity for line in lines},
            cost=Fraction(cost, 100),
            tolerance=None if tolerance is None else Fraction(tolerance),
        )

    @rule(index=st.integers(0, 50))
    def confirm(self, index: int) -> None:
        po = self._pick(index)
        if po is None:
            return
        order = self.orders[po]
        ok = self._run(iv.ConfirmPurchase(key=self.key(), at=T, purchase_order=po))
        assert ok == (order.state is PurchaseState.DRAFT)
        if ok:
            order.state = PurchaseState.CONFIRMED

    @rule(index=st.integers(0, 50), sku=st.sampled_from(SKUS), quantity=st.integers(1, 40))
    def receive(self, index: int, sku: str, quantity: int) -> None:
        po = self._pick(index)
        if po is None:
            return
        order = self.orders[po]
        ordered, received = order.ordered, order.received
        line = iv.ReceiptLine(sku=sku, quantity=quantity)
        ok = self._run(
            iv.ReceivePurchase(key=self.key(), at=T + DAY, purchase_order=po, lines=[line])
        )
        open_ = order.state not in (PurchaseState.DRAFT, *TERMINAL)
        tolerance = order.tolerance
        within = sku in ordered and (
            tolerance is None
            or received[sku] + quantity <= ordered[sku] + int(ordered[sku] * tolerance)
        )
        assert ok == (open_ and within), (order, sku, quantity)
        if ok:
            received[sku] += quantity
            self.units[sku] += quantity
            self.value[sku] += order.cost * quantity
            done = all(received[s] >= q for s, q in ordered.items())
            order.state = PurchaseState.RECEIVED if done else PurchaseState.PARTIALLY_RECEIVED

    @rule(index=st.integers(0, 50), close=st.booleans())
    def finish(self, index: int, close: bool) -> None:
        po = self._pick(index)
        if po is None:
            return
        order = self.orders[po]
        command = iv.ClosePurchase if close else iv.CancelPurchase
        ok = self._run(command(key=self.key(), at=T, purchase_order=po))
        allowed = order.state not in TERMINAL and not (close and order.state is PurchaseState.DRAFT)
        assert ok == allowed
        if ok:
            order.state = PurchaseState.CLOSED if close else PurchaseState.CANCELLED

    @rule(index=st.integers(0, 50), days=st.integers(0, 20))
    def change_eta(self, index: int, days: int) -> None:
        po = self._pick(index)
        if po is None:
            return
        order = self.orders[po]
        sku = next(iter(order.ordered))
        ok = self._run(iv.ChangePurchaseEta(key=self.key(), at=T, purchase_order=po, sku=sku,
                                            eta=T + days * DAY))  # fmt: skip
        if ok:
            got = self.engine.purchase_order(po)
            assert got is not None
            line = got.line(sku)
            assert line is not None
            assert line.eta == T + days * DAY
        else:
            assert (
                order.state in TERMINAL
                or order.state is PurchaseState.RECEIVED
                or (order.state is PurchaseState.PARTIALLY_RECEIVED)
            )

    @invariant()
    def states_and_buckets_match_the_model(self) -> None:
        incoming = dict.fromkeys(SKUS, 0)
        for po, order in self.orders.items():
            got = self.engine.purchase_order(po)
            assert got is not None
            assert got.state is order.state, (po, got.state, order.state)
            if order.state in (PurchaseState.CONFIRMED, PurchaseState.PARTIALLY_RECEIVED,
                                  PurchaseState.RECEIVED):  # fmt: skip
                for sku, q in order.ordered.items():
                    incoming[sku] += max(0, q - order.received[sku])
        for sku in SKUS:
            assert self.engine.balance(sku, "WEST", Bucket.INCOMING) == incoming[sku]
            assert self.engine.balance(sku, "WEST") == self.units[sku]
            value = self.engine.valuation().sku(sku)
            assert value.units == self.units[sku]
            if value.value is not None:
                assert abs(Fraction(value.value.amount) - self.value[sku]) < Fraction(1, 10**12)

    def teardown(self) -> None:
        assert self.engine.verify() == []
        assert self.engine.verify() == []


TestPurchaseMachine = PurchaseMachine.TestCase
