"""A state machine that drives the ledger in any order and checks it against a plain model.

Rules receive, move, damage, quarantine, release, count, scrap and ship / receive / close
transfers, with valid and invalid inputs (unknown SKUs and locations, too much, closed or
unknown transfers, reused keys). The model is a dict of balances per real account plus the
transfers; after every step the ledger must agree with it and keep every invariant.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    MultipleResults,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    precondition,
    rule,
)

import invorder
from invorder import Bucket, Command, Engine, IdempotencyConflictError, InvorderError, TransferLine
from invorder.domain.stock.location import is_within
from invorder.engine.views.stock import fold
from invorder.errors import (
    IllegalTransitionError,
    InsufficientStockError,
    NotFoundError,
    TransferOverReceiptError,
    UnknownLocationError,
    UnknownSkuError,
)
from tests.support.world import BINS, MUG_EAN, T0, refused_once, world

SKUS = ("MUG", "TEE")
WAREHOUSES = ("EAST", "WEST")
SAME_WAREHOUSE = [(a, b) for a in BINS for b in BINS if a != b and a[:4] == b[:4]]
OTHER_WAREHOUSE = [(a, b) for a in BINS for b in BINS if a[:4] != b[:4]]
HELD = (Bucket.AVAILABLE, Bucket.DAMAGED, Bucket.QUALITY_CONTROL)

skus = st.sampled_from(SKUS)
bins = st.sampled_from(BINS)
quantities = st.integers(min_value=1, max_value=6)
receipts = st.integers(min_value=5, max_value=30)
held = st.sampled_from(HELD)

Key = tuple[str, str, Bucket]


class LedgerMachine(RuleBasedStateMachine):
    """The engine under test next to a model: ``stock[(sku, location, bucket)]``."""

    places = Bundle("places")
    """(SKU, bin) pairs that received stock: drawing from them finds stock to act on."""
    transfers = Bundle("transfers")
    """Transfer ids shipped (some of those shipments were refused: invalid ids)."""
    unknown_skus = Bundle("unknown_skus")
    """SKU codes the catalog does not define (invalid inputs)."""
    unknown_bins = Bundle("unknown_bins")
    """Valid paths that were never defined (invalid inputs)."""

    def __init__(self) -> None:
        super().__init__()
        self.engine: Engine = world()
        self.stock: defaultdict[Key, int] = defaultdict(int)
        # transfer id -> [destination, {sku: in transit}, closed]
        self.open: dict[str, tuple[str, dict[str, int]]] = {}
        self.closed: set[str] = set()
        self.steps = 0
        self.last: tuple[Command, invorder.Outcome | InvorderError] | None = None

    # --- helpers ---------------------------------------------------------------------------

    def next_key(self) -> tuple[str, datetime]:
        self.steps += 1
        return f"k{self.steps}", T0 + timedelta(minutes=self.steps)

    def accept(self, command: Command) -> invorder.Outcome:
        before = self.engine.position
        outcome = self.engine.execute(command)
        assert self.engine.position == before + len(outcome) == before + 1
        self.last = (command, outcome)
        return outcome

    def refuse(self, command: Command, error_type: type[InvorderError]) -> InvorderError:
        before = self.engine.position
        events = list(self.engine.events())
        with pytest.raises(InvorderError) as caught:
            self.engine.execute(command)
        error = caught.value
        assert type(error) is error_type, f"{error!r} instead of {error_type.__name__}"
        assert list(self.engine.events(0, before)) == events
        if error_type is IdempotencyConflictError:  # not an outcome of the key: no record
            assert self.engine.position == before
        else:
            assert refused_once(self.engine, before, command)
        self.last = (command, error)
        return error

    def take(self, command: Command, taken: list[tuple[Key, int]], given: list[Key]) -> None:
        """Accept when every account taken from holds enough (per the model), else refuse."""
        short = next(((key, n) for key, n in taken if self.stock[key] < n), None)
        if short is not None:
            error = self.refuse(command, InsufficientStockError)
            (sku, location, bucket), n = short
            assert error.fields["requested"] == n
            assert error.fields["available"] == self.stock[(sku, location, bucket)]
            return
        self.accept(command)
        for (key, n), target in zip(taken, given, strict=True):
            self.stock[key] -= n
            if target[1][:1] != "@":
                self.stock[target] += n

    # --- valid and invalid stock commands ------------------------------------------------

    @initialize(target=unknown_skus)
    def invalid_skus(self) -> MultipleResults[str]:
        return multiple("CUP", "MUG-2", "mug")

    @initialize(target=unknown_bins)
    def invalid_bins(self) -> MultipleResults[str]:
        return multiple("EAST/A/03", "NORTH", "WEST/B")

    @rule(target=places, sku=skus, location=bins, quantity=receipts, qc=st.booleans(),
          scan=st.booleans())  # fmt: skip
    def receive(
        self, sku: str, location: str, quantity: int, qc: bool, scan: bool
    ) -> tuple[str, str]:
        key, at = self.next_key()
        bucket = Bucket.QUALITY_CONTROL if qc else Bucket.AVAILABLE
        if scan and sku == "MUG":
            command = invorder.ReceiveStock(key=key, at=at, barcode=MUG_EAN, location=location,
                                            quantity=quantity, bucket=bucket)  # fmt: skip
        else:
            command = invorder.ReceiveStock(key=key, at=at, sku=sku, location=location,
                                            quantity=quantity, bucket=bucket)  # fmt: skip
        self.accept(command)
        self.stock[(sku, location, bucket)] += quantity
        return sku, location

    @rule(target=places, place=places, step=st.integers(0, 2), quantity=quantities,
          bucket=held)  # fmt: skip
    def move(
        self, place: tuple[str, str], step: int, quantity: int, bucket: Bucket
    ) -> MultipleResults[tuple[str, str]]:
        sku, source = place
        nearby = [destination for origin, destination in SAME_WAREHOUSE if origin == source]
        if not nearby:
            return multiple()
        destination = nearby[step % len(nearby)]
        key, at = self.next_key()
        command = invorder.MoveStock(key=key, at=at, sku=sku, source=source,
                                     destination=destination, quantity=quantity,
                                     bucket=bucket)  # fmt: skip
        self.take(command, [((sku, source, bucket), quantity)], [(sku, destination, bucket)])
        return multiple((sku, destination))

    @rule(place=places, quantity=quantities)
    def damage(self, place: tuple[str, str], quantity: int) -> None:
        sku, location = place
        key, at = self.next_key()
        command = invorder.MarkDamaged(key=key, at=at, sku=sku, location=location,
                                       quantity=quantity)  # fmt: skip
        self.take(command, [((sku, location, Bucket.AVAILABLE), quantity)],
                  [(sku, location, Bucket.DAMAGED)])  # fmt: skip

    @rule(place=places, quantity=quantities)
    def quarantine(self, place: tuple[str, str], quantity: int) -> None:
        sku, location = place
        key, at = self.next_key()
        command = invorder.QuarantineStock(key=key, at=at, sku=sku, location=location,
                                           quantity=quantity)  # fmt: skip
        self.take(command, [((sku, location, Bucket.AVAILABLE), quantity)],
                  [(sku, location, Bucket.QUALITY_CONTROL)])  # fmt: skip

    @rule(place=places, quantity=quantities, passed=st.booleans())
    def release(self, place: tuple[str, str], quantity: int, passed: bool) -> None:
        sku, location = place
        key, at = self.next_key()
        to = Bucket.AVAILABLE if passed else Bucket.DAMAGED
        command = invorder.ReleaseQuarantine(key=key, at=at, sku=sku, location=location,
                                             quantity=quantity, to=to)  # fmt: skip
        self.take(command, [((sku, location, Bucket.QUALITY_CONTROL), quantity)],
                  [(sku, location, to)])  # fmt: skip

    @rule(place=places, quantity=quantities, bucket=held)
    def scrap(self, place: tuple[str, str], quantity: int, bucket: Bucket) -> None:
        sku, location = place
        key, at = self.next_key()
        command = invorder.ScrapStock(key=key, at=at, sku=sku, location=location,
                                      quantity=quantity, bucket=bucket)  # fmt: skip
        self.take(command, [((sku, location, bucket), quantity)], [(sku, "@scrap", bucket)])

    @rule(place=places, quantity=receipts)
    def restock(self, place: tuple[str, str], quantity: int) -> None:
        sku, location = place
        key, at = self.next_key()
        self.accept(invorder.ReceiveStock(key=key, at=at, sku=sku, location=location,
                                          quantity=quantity, reference="restock"))  # fmt: skip
        self.stock[(sku, location, Bucket.AVAILABLE)] += quantity

    @rule(place=places, difference=st.integers(min_value=-4, max_value=4))
    def count(self, place: tuple[str, str], difference: int) -> None:
        sku, location = place
        counted = max(0, self.stock[(sku, location, Bucket.AVAILABLE)] + difference)
        key, at = self.next_key()
        (event,) = self.accept(invorder.CountStock(key=key, at=at, sku=sku, location=location,
                                                   counted=counted))  # fmt: skip
        assert isinstance(event, invorder.events.StockPosted)
        change = counted - self.stock[(sku, location, Bucket.AVAILABLE)]
        assert sum(m.quantity for m in event.movements) == abs(change)
        self.stock[(sku, location, Bucket.AVAILABLE)] = counted  # nothing is reserved here

    @rule(sku=skus, location=bins, quantity=quantities, bucket=held)
    def scrap_anywhere(self, sku: str, location: str, quantity: int, bucket: Bucket) -> None:
        # Any (SKU, bin), stocked or not: the model says whether it must be refused.
        self.scrap((sku, location), quantity, bucket)

    @rule(sku=unknown_skus, location=bins, quantity=quantities)
    def unknown_sku(self, sku: str, location: str, quantity: int) -> None:
        key, at = self.next_key()
        error = self.refuse(
            invorder.MarkDamaged(key=key, at=at, sku=sku, location=location, quantity=quantity),
            UnknownSkuError,
        )
        assert error.fields["sku"] == sku

    @rule(sku=skus, location=unknown_bins)
    def unknown_location(self, sku: str, location: str) -> None:
        key, at = self.next_key()
        error = self.refuse(
            invorder.ReceiveStock(key=key, at=at, sku=sku, location=location, quantity=1),
            UnknownLocationError,
        )
        assert error.fields["location"] == location

    # --- transfers ---------------------------------------------------------------------------

    @rule(target=transfers, place=places, both=st.booleans(), quantity=quantities)
    def ship(self, place: tuple[str, str], both: bool, quantity: int) -> str:
        sku, origin = place
        chosen = [sku, *(other for other in SKUS if other != sku and both)]
        destination = next(b for o, b in OTHER_WAREHOUSE if o == origin)
        key, at = self.next_key()
        transfer = f"TR-{self.steps}"
        command = invorder.ShipTransfer(
            key=key, at=at, transfer=transfer, origin=origin, destination=destination,
            lines=[TransferLine(sku, quantity) for sku in chosen],
        )  # fmt: skip
        taken = [((sku, origin, Bucket.AVAILABLE), quantity) for sku in chosen]
        given = [(sku, "@in-transit", Bucket.IN_TRANSIT) for sku in chosen]
        self.take(command, taken, given)
        if self.last is not None and not isinstance(self.last[1], InvorderError):
            self.open[transfer] = (destination, dict.fromkeys(chosen, quantity))
        return transfer

    @rule(transfer=transfers, sku=skus, quantity=quantities)
    def receive_transfer(self, transfer: str, sku: str, quantity: int) -> None:
        key, at = self.next_key()
        command = invorder.ReceiveTransfer(key=key, at=at, transfer=transfer,
                                           lines=[TransferLine(sku, quantity)])  # fmt: skip
        if transfer in self.closed:
            self.refuse(command, IllegalTransitionError)
            return
        if transfer not in self.open:  # its shipment was refused
            self.refuse(command, NotFoundError)
            return
        destination, in_transit = self.open[transfer]
        if quantity > in_transit.get(sku, 0):
            error = self.refuse(command, TransferOverReceiptError)
            assert error.fields["in_transit"] == in_transit.get(sku, 0)
            return
        self.accept(command)
        in_transit[sku] -= quantity
        self.stock[(sku, destination, Bucket.AVAILABLE)] += quantity

    @rule(transfer=transfers)
    def receive_everything_in_transit(self, transfer: str) -> None:
        if transfer not in self.open or not any(self.open[transfer][1].values()):
            self.receive_transfer(transfer, "MUG", 1)  # refused: closed, unknown or all in
            return
        destination, in_transit = self.open[transfer]
        key, at = self.next_key()
        lines = [TransferLine(sku, n) for sku, n in in_transit.items() if n]
        self.accept(invorder.ReceiveTransfer(key=key, at=at, transfer=transfer, lines=lines))
        for line in lines:
            in_transit[line.sku] = 0
            self.stock[(line.sku, destination, Bucket.AVAILABLE)] += line.quantity

    @rule(transfer=transfers)
    def close_transfer(self, transfer: str) -> None:
        key, at = self.next_key()
        command = invorder.CloseTransfer(key=key, at=at, transfer=transfer)
        if transfer in self.closed:
            self.refuse(command, IllegalTransitionError)
            return
        if transfer not in self.open:
            self.refuse(command, NotFoundError)
            return
        (event,) = self.accept(command)
        _, in_transit = self.open.pop(transfer)
        assert isinstance(event, invorder.events.StockPosted)
        assert {m.sku: m.quantity for m in event.movements} == {
            sku: n for sku, n in in_transit.items() if n
        }
        self.closed.add(transfer)

    @rule(transfer=st.sampled_from(("TR-X", "TR-0")))
    def unknown_transfer(self, transfer: str) -> None:
        key, at = self.next_key()
        self.refuse(invorder.CloseTransfer(key=key, at=at, transfer=transfer), NotFoundError)

    # --- idempotency ---------------------------------------------------------------------

    @precondition(lambda self: self.last is not None)
    @rule(restarted=st.booleans())
    def repeat_last(self, restarted: bool) -> None:
        """The last key's first outcome, from this engine or one restarted on the log."""
        assert self.last is not None
        command, outcome = self.last
        before = self.engine.position
        engine = (
            Engine(invorder.MemoryEventStore(list(self.engine.events())))
            if restarted
            else self.engine
        )
        if isinstance(outcome, InvorderError):
            with pytest.raises(InvorderError) as caught:
                engine.execute(command)
            assert caught.value == outcome
        else:
            assert engine.execute(command) == outcome
        assert engine.position == before

    @precondition(lambda self: self.last is not None)
    @rule(reason=st.sampled_from(("other", "changed")))
    def reuse_last_key(self, reason: str) -> None:
        assert self.last is not None
        command, first = self.last
        other = invorder.CloseTransfer(key=command.key, at=command.at, transfer=reason)
        error = self.refuse(other, IdempotencyConflictError)
        assert error.fields["key"] == command.key
        self.last = (command, first)  # the reuse is refused; the key keeps its first outcome

    # --- invariants ------------------------------------------------------------------------

    @invariant()
    def matches_the_model(self) -> None:
        for sku in SKUS:
            for location in BINS:
                for bucket in (*HELD, Bucket.RESERVED):
                    expected = self.stock[(sku, location, bucket)]
                    assert self.engine.balance(sku, location, bucket) == expected
            for location in BINS:
                expected = sum(
                    n for (s, _, _), n in self.in_transit_to(location).items() if s == sku
                )
                assert self.engine.balance(sku, location, Bucket.IN_TRANSIT) == expected

    def in_transit_to(self, location: str) -> dict[tuple[str, str, str], int]:
        result: dict[tuple[str, str, str], int] = {}
        for transfer, (destination, lines) in self.open.items():
            if destination == location:
                for sku, n in lines.items():
                    result[(sku, transfer, location)] = n
        return result

    @invariant()
    def per_sku_accounts_sum_to_zero(self) -> None:
        for sku in SKUS:
            assert sum(self.engine.balances(sku).values()) == 0

    @invariant()
    def no_real_account_is_negative(self) -> None:
        for sku in SKUS:
            for account, quantity in self.engine.balances(sku).items():
                assert account.is_virtual or quantity >= 0

    @invariant()
    def rollups_add_up(self) -> None:
        for sku in SKUS:
            for warehouse in WAREHOUSES:
                on_hand = sum(
                    n for (s, location, bucket), n in self.stock.items()
                    if s == sku and is_within(location, warehouse)
                )  # fmt: skip
                assert self.engine.on_hand(sku, warehouse) == on_hand

    @invariant()
    def balances_are_a_fold_of_the_log(self) -> None:
        truth = fold(self.engine.events())
        for sku in SKUS:
            assert truth.balances(sku) == self.engine.balances(sku)
        assert self.engine.position == len(list(self.engine.events()))

    def teardown(self) -> None:
        assert self.engine.verify() == []
        replayed = Engine(invorder.MemoryEventStore(list(self.engine.events())))
        for sku in SKUS:
            assert replayed.balances(sku) == self.engine.balances(sku)


LedgerMachine.TestCase.settings = settings(settings.default, stateful_step_count=25, deadline=None)
TestLedgerMachine = LedgerMachine.TestCase
