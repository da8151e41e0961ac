"""A state machine over reserve / commit / release / expire / receive / adjust (and
pre-orders on a purchase order), checking the ledger and reservation invariants."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    invariant,
    multiple,
    precondition,
    rule,
)

import invorder as iv
from invorder import Bucket
from tests.support.availability import DAY, T, world
from tests.support.world import refused_once

SKUS = ("MUG", "SAUCER", "SPOON", "SET", "GIFT")
STOCKED = ("MUG", "SAUCER", "SPOON")
LOCATIONS = ("WEST", "CENTRAL", "EAST/A/01", "EAST/A/02")
RESERVE_AT = (*LOCATIONS, "EAST")
"""Where reservations are asked for: a warehouse with bins takes from them (a bundle's
components each from their own bins)."""


class ReservationMachine(RuleBasedStateMachine):
    """Random commands against one engine; every invariant holds after each step."""

    reservations = Bundle("reservations")

    def __init__(self) -> None:
        super().__init__()
        self.engine, self.key = world({("MUG", "WEST"): 6, ("SAUCER", "WEST"): 6})
        self.now = T
        self.count = 0
        self.orders = 0
        policies: tuple[tuple[str, list[str], dict[str, Any]], ...] = (
            ("shopify", ["WEST", "CENTRAL"], {"safety_stock": 1}),
            ("amazon", ["WEST"], {"share_percent": 50, "share_max": 3}),
            ("wholesale", ["CENTRAL", "EAST"], {}),
        )
        for cid, locations, extra in policies:
            self.engine.execute(
                iv.DefineChannel(key=self.key(), at=T, channel=cid, locations=locations, **extra)
            )
        self.published = self.engine.publish("shopify", T)

    def _run(self, command: iv.Command) -> bool:
        before = self.engine.position
        try:
            self.engine.execute(command)
        except iv.InvorderError:
            assert refused_once(self.engine, before, command)
            return False
        return True

    @rule(minutes=st.integers(1, 90))
    def tick(self, minutes: int) -> None:
        self.now += timedelta(minutes=minutes)

    @rule(
        target=reservations,
        sku=st.sampled_from(SKUS),
        location=st.sampled_from(RESERVE_AT),
        quantity=st.integers(1, 5),
        expires=st.one_of(st.none(), st.integers(1, 120)),
    )
    def reserve(self, sku: str, location: str, quantity: int, expires: int | None) -> str:
        self.count += 1
        rid = f"R{self.count}"
        expires_at = None if expires is None else self.now + timedelta(minutes=expires)
        atp = self.engine.atp(sku, location, self.now)
        accepted = self._run(
            iv.ReserveStock(
                key=self.key(),
                at=self.now,
                reservation=rid,
                sku=sku,
                location=location,
                quantity=quantity,
                expires_at=expires_at,
            )
        )
        # Reserving succeeds exactly when ATP (lapsed holds counted) covers it.
        assert accepted == (quantity <= atp), (sku, location, quantity, atp)
        return rid

    @precondition(lambda self: self.orders > 0)
    @rule(
        target=reservations,
        quantity=st.integers(1, 6),
        priority=st.integers(0, 3),
        expires=st.one_of(st.none(), st.integers(1, 120)),
    )
    def preorder(self, quantity: int, priority: int, expires: int | None) -> str:
        self.count += 1
        rid = f"R{self.count}"
        expires_at = None if expires is None else self.now + timedelta(minutes=expires)
        self._run(
            iv.ReserveStock(
                key=self.key(),
                at=self.now,
                reservation=rid,
                sku="MUG",
                location="WEST",
                quantity=quantity,
                priority=priority,
                purchase_order=f"PO-{self.orders}",
                expires_at=expires_at,
            )
        )
        return rid

    @rule(rid=reservations, quantity=st.one_of(st.none(), st.integers(1, 5)))
    def commit(self, rid: str, quantity: int | None) -> None:
        self._run(
            iv.CommitReservation(key=self.key(), at=self.now, reservation=rid, quantity=quantity)
        )

    @rule(rid=consumes(reservations), quantity=st.one_of(st.none(), st.integers(1, 5)))
    def release(self, rid: str, quantity: int | None) -> None:
        self._run(
            iv.ReleaseReservation(key=self.key(), at=self.now, reservation=rid, quantity=quantity)
        )

    @rule(
        target=reservations,
        rows=st.lists(
            st.tuples(st.sampled_from(SKUS), st.sampled_from(RESERVE_AT), st.integers(1, 5),
                      st.one_of(st.none(), st.integers(1, 120)), st.booleans()),
            min_size=1, max_size=4,
        ),
    )  # fmt: skip
    def reserve_many(self, rows: list[tuple[str, str, int, int | None, bool]]) -> Any:
        items = []
        for sku, location, quantity, expires, preorder in rows:
            self.count += 1
            expires_at = None if expires is None else self.now + timedelta(minutes=expires)
            fields: dict[str, Any] = {"sku": sku, "location": location}
            if preorder and self.orders:
                fields = {"sku": "MUG", "location": "WEST", "purchase_order": f"PO-{self.orders}"}
            items.append(iv.ReserveItem(reservation=f"R{self.count}", quantity=quantity,
                                        expires_at=expires_at, **fields))  # fmt: skip
        outcome = self.engine.execute(iv.ReserveMany(key=self.key(), at=self.now, items=items))
        results = iv.events.batch_results(outcome)
        assert [r.reservation for r in results] == [i.reservation for i in items]
        for r in results:
            assert r.ok == (self.engine.reservation(r.reservation) is not None)
        return multiple(*(r.reservation for r in results if r.ok))

    @rule(
        rids=st.lists(reservations, min_size=1, max_size=3, unique=True),
        quantity=st.one_of(st.none(), st.integers(1, 5)),
    )
    def release_many(self, rids: list[str], quantity: int | None) -> None:
        items = [iv.ReleaseItem(reservation=rid, quantity=quantity) for rid in rids]
        outcome = self.engine.execute(iv.ReleaseMany(key=self.key(), at=self.now, items=items))
        assert len(iv.events.batch_results(outcome)) == len(rids)

    @rule()
    def sweep(self) -> None:
        due = {r.reservation for r in self.engine.reservations() if r.lapsed(self.now)}
        outcome = self.engine.execute(iv.ExpireReservations(key=self.key(), at=self.now))
        assert set(iv.events.expired_reservations(outcome)) == due

    @rule(
        sku=st.sampled_from(STOCKED),
        location=st.sampled_from(LOCATIONS),
        quantity=st.integers(1, 8),
    )
    def receive(self, sku: str, location: str, quantity: int) -> None:
        self._run(
            iv.ReceiveStock(
                key=self.key(), at=self.now, sku=sku, location=location, quantity=quantity
            )
        )

    @rule(
        sku=st.sampled_from(STOCKED),
        location=st.sampled_from(LOCATIONS),
        counted=st.integers(0, 10),
    )
    def adjust(self, sku: str, location: str, counted: int) -> None:
        # A count is always recordable: below the reserved units it cuts holds (lapsed first).
        assert self._run(
            iv.CountStock(key=self.key(), at=self.now, sku=sku, location=location, counted=counted)
        )
        shelf = self.engine.balance(sku, location) + self.engine.balance(
            sku, location, Bucket.RESERVED
        )
        assert shelf == counted

    @precondition(lambda self: self.orders < 3)
    @rule(quantity=st.integers(1, 10))
    def expect(self, quantity: int) -> None:
        self.orders += 1
        line = iv.PurchaseLine(sku="MUG", quantity=quantity, eta=self.now + DAY)
        self.engine.execute(
            iv.ExpectPurchase(
                key=self.key(),
                at=self.now,
                location="WEST",
                purchase_order=f"PO-{self.orders}",
                lines=[line],
            )
        )

    @precondition(lambda self: self.orders > 0)
    @rule(quantity=st.integers(1, 8), qc=st.booleans(), which=st.integers(1, 3))
    def receive_purchase(self, quantity: int, qc: bool, which: int) -> None:
        po = f"PO-{min(which, self.orders)}"
        self._run(
            iv.ReceivePurchase(
                key=self.key(),
                at=self.now,
                purchase_order=po,
                bucket="quality_control" if qc else "available",
                lines=[iv.ReceiptLine(sku="MUG", quantity=quantity)],
            )
        )

    @rule()
    def publish(self) -> None:
        self.published = self.engine.publish("shopify", self.now)

    # --- invariants --------------------------------------------------------------------

    @invariant()
    def ledger_balances(self) -> None:
        for sku in STOCKED:
            balances = self.engine.balances(sku)
            assert sum(balances.values()) == 0
            for account, quantity in balances.items():
                assert account.is_virtual or quantity >= 0, (account, quantity)

    @invariant()
    def reserved_equals_open_reservations(self) -> None:
        held: dict[tuple[str, str], int] = {}
        for r in self.engine.reservations():
            assert r.held > 0
            assert r.committed + r.released + r.expired + r.held == r.quantity
            for leaf, per in r.leaves:  # each component placed in full, in some bins
                assert sum(n for s, _b, n in r.placed if s == leaf) == per * r.backed
            for leaf, place, units in r.placed:
                held[(leaf, place)] = held.get((leaf, place), 0) + units
        for sku in STOCKED:
            for location in LOCATIONS:
                balance = self.engine.balance(sku, location, Bucket.RESERVED)
                assert balance == held.get((sku, location), 0), (sku, location)

    @invariant()
    def preorders_never_exceed_incoming(self) -> None:
        for n in range(1, self.orders + 1):
            order = self.engine.purchase_order(f"PO-{n}")
            assert order is not None
            line = order.line("MUG")
            assert line is not None
            waiting = sum(
                r.incoming
                for r in self.engine.reservations()
                if r.purchase_order == order.purchase_order and not r.lapsed(self.now)
            )
            assert waiting <= line.outstanding

    @invariant()
    def atp_never_negative_and_channels_within_locations(self) -> None:
        for sku in SKUS:
            for location in (*LOCATIONS, "EAST"):
                assert self.engine.atp(sku, location, self.now) >= 0
            for channel in self.engine.channels():
                feeding = sum(self.engine.atp(sku, loc, self.now) for loc in channel.locations)
                atp = self.engine.channel_atp(channel.channel, sku, self.now)
                assert 0 <= atp <= feeding
                why = self.engine.explain_channel_atp(channel.channel, sku, self.now)
                assert why.atp == atp

    @invariant()
    def incremental_publish_diff_matches_full_recompute(self) -> None:
        full = iv.records.publish_diff(
            self.published.quantities, self.engine.channel_atp_all("shopify", self.now)
        )
        assert self.engine.publish_diff("shopify", self.now, self.published) == full

    def teardown(self) -> None:
        assert self.engine.verify() == []
        assert self.engine.verify() == []
        replayed = iv.Engine(iv.MemoryEventStore(list(self.engine.events())))
        assert replayed.reservations(open_only=False) == self.engine.reservations(open_only=False)


TestReservationMachine = ReservationMachine.TestCase
