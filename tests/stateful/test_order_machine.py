"""A state machine over capture / hold / release / allocate / pick (short) / pack / ship /
cancel / return / receive and count stock / invoice / credit / close / payment facts,
checking no oversell, ledger conservation, the line quantity identities, derived statuses,
payment bounds, that invoices cover only what shipped (credits never more than invoiced)
and that a closed order changes no more but by a late return, after every step. Orders may
hold a bundle (SET = MUG + TEE) whose components are received into any bin, so bundles are
reserved across bins, picked short and counted short."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import attrs
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

import invorder as iv
from invorder import Bucket, OrderKind, routing
from invorder.domain.payments.commands import PaymentFact
from invorder.events import OrderAllocated
from invorder.records import ShipmentStatus
from tests.support.order_world import BINS, capture, identities_hold, order_world, price
from tests.support.world import T0, refused_once

KINDS = (OrderKind.DTC, OrderKind.MARKETPLACE, OrderKind.WHOLESALE)
PAYMENTS: dict[str, type[PaymentFact]] = {
    "authorised": iv.RecordAuthorisation, "captured": iv.RecordCapture,
    "failed": iv.RecordPaymentFailure, "refunded": iv.RecordRefund,
}  # fmt: skip


class OrderMachine(RuleBasedStateMachine):
    """Random order commands against one engine; every invariant holds after each step."""

    def __init__(self) -> None:
        super().__init__()
        self.engine = self.world()
        self.engine.execute(iv.DefineSku(key="set", at=T0, sku=iv.Sku(
            "SET", components=[iv.Component("MUG", 1), iv.Component("TEE", 1)])))  # fmt: skip
        for kind in KINDS:  # every order invoiced per shipment (a rule below changes that)
            rule = iv.DefineInvoicing(
                key=f"invoicing-{kind.value}", at=T0, kind=kind, invoicing="each_shipment"
            )
            self.engine.execute(rule)
        self.now = T0 + timedelta(minutes=5)
        self.n = 0
        self.orders: list[str] = []
        self.rmas: list[str] = []
        self.within_policy = True
        """Whether the channel's orders are allocated within its policy."""
        self.split: set[str] = set()
        """Orders a person allocated in parts on purpose (ship-complete or not)."""
        self.invoices = 0
        self.notes = 0
        self.closed: dict[str, object] = {}
        """Closed orders, as they were closed (but what a return changes)."""

    def world(self) -> iv.Engine:
        """The engine the machine drives (first-fit allocation, no capacity)."""
        return order_world(east={"EAST/A/01": 2}, west={"WEST/A/01": 1})

    def _key(self) -> str:
        self.n += 1
        self.now += timedelta(minutes=1)
        return f"m{self.n}"

    def _run(self, command: iv.Command) -> bool:
        before = (self.engine.position, self.engine.orders())
        try:
            self.engine.execute(command)
        except iv.InvorderError:
            assert self.engine.orders() == before[1]
            assert refused_once(self.engine, before[0], command)
            return False
        return True

    def _shipments(self) -> list[iv.records.Shipment]:
        return [s for o in self.orders for s in self.engine.shipments(o)]

    @rule(
        mug=st.integers(1, 6), tee=st.integers(0, 2), sets=st.integers(0, 2),
        kind=st.sampled_from(KINDS), held=st.booleans(),
    )  # fmt: skip
    def capture_order(self, mug: int, tee: int, sets: int, kind: OrderKind, held: bool) -> None:
        key = self._key()
        order = f"O{len(self.orders) + 1}"
        lines = (("1", "MUG", mug),) + ((("2", "TEE", tee),) if tee else ())
        lines += (("3", "SET", sets),) if sets else ()
        extra: dict[str, Any] = {"holds": ["fraud_review"]} if held else {}
        if kind is OrderKind.WHOLESALE:
            extra["wholesale"] = iv.WholesaleTerms(ship_complete=mug % 2 == 0)
        command = capture(order, lines, kind=kind, **extra)
        command = attrs.evolve(command, key=key, at=self.now)
        published = {sku: self.engine.channel_atp(command.channel, sku, self.now)
                     for sku in ("MUG", "TEE", "SET")}  # fmt: skip
        if self._run(command):
            self.orders.append(order)
            found = self.engine.order(order)
            assert found is not None
            if self.within_policy:  # an order never takes more than its channel publishes
                for line in found.lines:
                    assert line.allocated <= published[line.sku]

    @rule(
        safety=st.integers(0, 3), share=st.sampled_from([50, 100]),
        cap=st.none() | st.integers(1, 3), within=st.booleans(),
    )  # fmt: skip
    def channel_policy(self, safety: int, share: int, cap: int | None, within: bool) -> None:
        # Every capture comes from "shopify"; its policy changes at random.
        self.within_policy = within
        assert self._run(iv.DefineChannel(key=self._key(), at=self.now, channel="shopify",
                                          locations=("EAST", "WEST"), safety_stock=safety,
                                          share_percent=share, share_max=cap,
                                          allocate_within_policy=within))  # fmt: skip

    @rule(data=st.data())
    def hold_or_release(self, data: st.DataObject) -> None:
        if not self.orders:
            return
        order = data.draw(st.sampled_from(self.orders))
        reason = data.draw(st.sampled_from(["fraud_review", "address_problem"]))
        found = self.engine.order(order)
        assert found is not None
        kind = iv.ReleaseHold if reason in found.holds else iv.PlaceHold
        self._run(kind(key=self._key(), at=self.now, order=order, reason=reason))

    @rule(data=st.data())
    def allocate(self, data: st.DataObject) -> None:
        if not self.orders:
            return
        choice = data.draw(st.integers(0, 2))
        if choice == 2:
            self._run(iv.AllocateBackorders(key=self._key(), at=self.now))
        else:
            order = data.draw(st.sampled_from(self.orders))
            command = iv.AllocateOrder(key=self._key(), at=self.now, order=order,
                                       split=choice == 1)  # fmt: skip
            if self._run(command) and command.split:
                self.split.add(order)

    @rule(
        location=st.sampled_from(BINS), sku=st.sampled_from(["MUG", "TEE"]), units=st.integers(1, 4)
    )
    def receive_stock(self, location: str, sku: str, units: int) -> None:
        self._run(
            iv.ReceiveStock(
                key=self._key(), at=self.now, sku=sku, location=location, quantity=units
            )
        )

    @rule(
        location=st.sampled_from(BINS), sku=st.sampled_from(["MUG", "TEE"]), units=st.integers(0, 4)
    )
    def count_stock(self, location: str, sku: str, units: int) -> None:
        # Always recorded: below the reserved units it cuts holds and re-allocates their lines.
        assert self._run(
            iv.CountStock(key=self._key(), at=self.now, sku=sku, location=location, counted=units)
        )
        on_shelf = self.engine.balance(sku, location) + self.engine.balance(
            sku, location, Bucket.RESERVED
        )
        assert on_shelf == units

    @rule(data=st.data())
    def advance_shipment(self, data: st.DataObject) -> None:
        done = (iv.records.ShipmentStatus.SHIPPED, iv.records.ShipmentStatus.CANCELLED)
        shipments = [s for s in self._shipments() if s.status not in done]  # fmt: skip
        if not shipments:
            return
        s = data.draw(st.sampled_from(shipments))
        key, at = self._key(), self.now
        if s.status is iv.records.ShipmentStatus.OPEN:
            self._run(iv.StartPicking(key=key, at=at, shipment=s.shipment))
        elif s.status is iv.records.ShipmentStatus.PICKING:
            if data.draw(st.booleans()) and s.pick_list():
                if data.draw(st.booleans()):  # a pick counted whole
                    pick = data.draw(st.sampled_from(s.pick_list()))
                    found = data.draw(st.integers(0, pick.quantity))
                    count = iv.PickCount(pick.reservation, found)
                else:  # one component in one bin (a bundle's MUG or TEE, or a plain line)
                    row = data.draw(st.sampled_from(self.engine.pick_list(s.shipment)))
                    found = data.draw(st.integers(0, row.quantity))
                    count = iv.PickCount(row.reservation, found, component=row.component,
                                         location=row.location)  # fmt: skip
                written_off = self.engine.balances(count.component or "MUG")
                before = written_off.get(iv.Account("@adjustment"), 0)
                recorded = self._run(iv.RecordPick(key=key, at=at, shipment=s.shipment,
                                                   counts=[count]))  # fmt: skip
                if recorded and count.component:  # exactly what was not found is written off
                    after = self.engine.balances(count.component).get(iv.Account("@adjustment"), 0)
                    assert after - before == row.quantity - found
            else:
                self._run(iv.PackShipment(key=key, at=at, shipment=s.shipment))
        else:
            order = self.engine.order(s.order)
            assert order is not None
            waiting = sum(line.unallocated + line.backordered for line in order.lines)
            shipped = self._run(iv.ShipShipment(key=key, at=at, shipment=s.shipment, carrier="UPS"))
            if shipped and order.ship_complete and s.order not in self.split:
                assert waiting == 0, f"{s.order} is ship-complete and shipped {waiting} short"

    @rule(data=st.data())
    def cancel(self, data: st.DataObject) -> None:
        if not self.orders:
            return
        order = data.draw(st.sampled_from(self.orders))
        if data.draw(st.booleans()):
            self._run(iv.CancelOrder(key=self._key(), at=self.now, order=order))
        else:
            units = data.draw(st.integers(1, 3))
            self._run(
                iv.CancelLines(
                    key=self._key(), at=self.now, order=order, lines=[iv.LineQuantity("1", units)]
                )
            )

    @rule(data=st.data())
    def open_and_receive_return(self, data: st.DataObject) -> None:
        shipped = [o for o in self.engine.orders() if o.lines[0].shipped > o.lines[0].returned]
        if not shipped:
            return
        order = data.draw(st.sampled_from(shipped))
        units = data.draw(st.integers(1, 3))
        rma = f"RMA{len(self.rmas) + 1}"
        if self._run(iv.OpenReturn(key=self._key(), at=self.now, rma=rma, order=order.order_id,
                                   lines=[iv.LineQuantity("1", units)])):  # fmt: skip
            self.rmas.append(rma)
            disposition = data.draw(st.sampled_from(list(iv.Disposition)))
            got = data.draw(st.integers(1, units))
            self._run(
                iv.ReceiveReturn(
                    key=self._key(),
                    at=self.now,
                    rma=rma,
                    location="EAST/B/01",
                    lines=[iv.ReturnedUnits("1", got, disposition)],
                )
            )

    @rule(data=st.data())
    def move_allocation(self, data: st.DataObject) -> None:
        # A person moves open units to the other warehouse; refused when it cannot be done.
        open_ = [s for s in self._shipments()
                 if s.status is iv.records.ShipmentStatus.OPEN and s.units]  # fmt: skip
        if not open_:
            return
        s = data.draw(st.sampled_from(open_))
        pick = data.draw(st.sampled_from([p for p in s.picks if p.quantity]))
        units = data.draw(st.integers(1, pick.quantity))
        other = "WEST" if s.location == "EAST" else "EAST"
        self._run(iv.MoveAllocation(key=self._key(), at=self.now, order=s.order,
                                    source=s.location, destination=other,
                                    lines=[iv.LineQuantity(pick.line_id, units)]))  # fmt: skip

    @rule(fair=st.booleans(), weight=st.integers(0, 3))
    def wave(self, fair: bool, weight: int) -> None:
        # Every waiting order not on hold, as one wave (its channel's share by weight).
        assert self._run(iv.AllocateWave(key=self._key(), at=self.now, fair_share=fair,
                                         weights={"shopify": weight}))  # fmt: skip

    @rule(data=st.data())
    def acknowledge_alert(self, data: st.DataObject) -> None:
        standing = self.engine.order_alerts(self.now)
        if not standing:
            return
        alert = data.draw(st.sampled_from(standing))
        reason = data.draw(st.sampled_from(alert.reasons))
        assert self._run(iv.AcknowledgeAlert(key=self._key(), at=self.now, order=alert.order,
                                             alert=reason, note="seen"))  # fmt: skip
        left = {a.order: a.reasons for a in self.engine.order_alerts(self.now)}
        assert reason not in left.get(alert.order, ())

    @rule(data=st.data())
    def ship_through(self, data: st.DataObject) -> None:
        # A shipment taken through every step left at once (so that shipped orders, to
        # return and to invoice, are common); each step may still be refused.
        steps = {ShipmentStatus.OPEN: iv.StartPicking, ShipmentStatus.PICKING: iv.PackShipment}
        live = [s for s in self._shipments() if s.units and s.status in
                (ShipmentStatus.OPEN, ShipmentStatus.PICKING, ShipmentStatus.PACKED)]  # fmt: skip
        if not live:
            return
        shipment = data.draw(st.sampled_from(live)).shipment
        for _ in range(3):
            found = self.engine.shipment(shipment)
            assert found is not None
            step = steps.get(found.status)
            if found.status is ShipmentStatus.PACKED:
                self._run(iv.ShipShipment(key=self._key(), at=self.now, shipment=shipment,
                                          carrier="UPS"))  # fmt: skip
                return
            if step is None or not self._run(step(key=self._key(), at=self.now,
                                                  shipment=shipment)):  # fmt: skip
                return

    @rule(data=st.data(), tax=st.integers(0, 300))
    def issue_invoice(self, data: st.DataObject, tax: int) -> None:
        # Refused unless the order's policy (set at random above) and shipments allow it.
        # Mostly an order with a shipment on no invoice yet (any order, now and then).
        invoiced_on = self.engine._state.invoices.invoiced_on
        candidates: list[str] = [
            s.order for s in self._shipments()
            if s.status is ShipmentStatus.SHIPPED and invoiced_on(s.shipment) is None
        ]  # fmt: skip
        if not candidates or not data.draw(st.integers(0, 4)):
            candidates = self.orders
        if not candidates:
            return
        order = data.draw(st.sampled_from(candidates))
        self.invoices += 1
        self._run(iv.IssueInvoice(key=self._key(), at=self.now, invoice=f"INV{self.invoices}",
                                  order=order, tax=price(str(Decimal(tax) / 100))))  # fmt: skip
        if data.draw(st.booleans()):  # and a credit note right away, now and then
            self.issue_credit_note(
                data, data.draw(st.integers(0, 3)), data.draw(st.integers(0, 3000))
            )

    @rule(kind=st.sampled_from(KINDS), invoicing=st.sampled_from(list(iv.records.Invoicing)))
    def invoicing_policy(self, kind: OrderKind, invoicing: iv.records.Invoicing) -> None:
        assert self._run(iv.DefineInvoicing(key=self._key(), at=self.now, kind=kind,
                                            invoicing=invoicing))  # fmt: skip

    @rule(data=st.data(), units=st.integers(0, 3), cents=st.integers(0, 3000))
    def issue_credit_note(self, data: st.DataObject, units: int, cents: int) -> None:
        issued = [i for o in self.orders for i in self.engine.invoices(o)]
        if not issued or not (units or cents):
            return
        invoice = data.draw(st.sampled_from(issued))
        line = data.draw(st.sampled_from(invoice.lines))
        self.notes += 1
        adjustment = price(str(Decimal(cents) / 100)) if cents else None
        self._run(iv.IssueCreditNote(
            key=self._key(), at=self.now, credit_note=f"CN{self.notes}", invoice=invoice.invoice,
            reason="return" if units else "price_correction", adjustment=adjustment,
            lines=[iv.LineQuantity(line.line_id, units)] if units else [],
        ))  # fmt: skip

    @rule(data=st.data())
    def close_order(self, data: st.DataObject) -> None:
        # Refused while units wait to ship; once closed, an order only takes late returns.
        if not self.orders:
            return
        order = data.draw(st.sampled_from(self.orders))
        if self._run(iv.CloseOrder(key=self._key(), at=self.now, order=order, reason="done")):
            closed = self.engine.order(order)
            assert closed is not None
            self.closed[order] = _frozen_part(closed)

    @invariant()
    def closed_orders_never_change_but_by_a_late_return(self) -> None:
        for order_id, then in self.closed.items():
            now = self.engine.order(order_id)
            assert now is not None
            assert _frozen_part(now) == then

    @invariant()
    def invoices_cover_what_shipped_and_credits_never_exceed_them(self) -> None:
        for order in self.engine.orders():
            shipped = {s.shipment: s for s in self.engine.shipments(order.order_id)
                       if s.status is iv.records.ShipmentStatus.SHIPPED}  # fmt: skip
            invoiced: dict[str, int] = {}
            on: list[str] = []
            for invoice in self.engine.invoices(order.order_id):
                on.extend(invoice.shipments)
                for line in invoice.lines:
                    invoiced[line.line_id] = invoiced.get(line.line_id, 0) + line.quantity
                notes = self.engine.credit_notes(invoice.invoice)
                assert sum(n.total.amount for n in notes) <= invoice.total.amount
                for invoiced_line in invoice.lines:
                    credited = sum(c.quantity for n in notes for c in n.lines
                                   if c.line_id == invoiced_line.line_id)  # fmt: skip
                    assert credited <= invoiced_line.quantity
            assert len(on) == len(set(on))
            assert set(on) <= set(shipped)
            for order_line in order.lines:
                assert invoiced.get(order_line.line_id, 0) <= order_line.shipped

    @rule(
        data=st.data(), kind=st.sampled_from(sorted(PAYMENTS)), reference=st.integers(1, 6),
        cents=st.integers(1, 9000),
    )  # fmt: skip
    def report_payment(self, data: st.DataObject, kind: str, reference: int, cents: int) -> None:
        # A small pool of references, so that some facts come again (alike or not).
        if not self.orders:
            return
        order = data.draw(st.sampled_from(self.orders))
        self._run(PAYMENTS[kind](key=self._key(), at=self.now, order=order,
                                 reference=f"psp-{reference}",
                                 amount=iv.Money(Decimal(cents) / 100, "USD")))  # fmt: skip

    @invariant()
    def payments_within_their_bounds(self) -> None:
        for order in self.orders:
            paid = self.engine.payment(order)
            assert paid is not None
            assert 0 <= paid.refunded.amount <= paid.captured.amount <= paid.authorised.amount
            assert paid.due_for_capture.amount == max(
                paid.shipped.amount - paid.captured.amount, Decimal(0)
            )

    @invariant()
    def identities_and_statuses(self) -> None:
        identities_hold(self.engine)
        for order in self.engine.orders():
            shipments = self.engine.shipments(order.order_id)
            for s in shipments:  # a cancelled parcel holds nothing (nothing refills it)
                assert s.status is not iv.records.ShipmentStatus.CANCELLED or not s.units
            for line in order.lines:
                in_shipments = sum(p.quantity for s in shipments for p in s.picks
                                   if p.line_id == line.line_id)  # fmt: skip
                assert in_shipments == line.allocated

    @invariant()
    def ship_complete_orders_stay_whole(self) -> None:
        for order in self.engine.orders():
            if not order.ship_complete or order.order_id in self.split:
                continue
            carrying = [s for s in self.engine.shipments(order.order_id)
                        if s.units or s.status is iv.records.ShipmentStatus.SHIPPED]  # fmt: skip
            assert len(carrying) <= 1, f"{order.order_id} is in {len(carrying)} parcels"

    @invariant()
    def no_oversell_and_conservation(self) -> None:
        engine = self.engine
        for sku in ("MUG", "TEE"):
            balances = engine.balances(sku)
            assert sum(balances.values()) == 0
            for account, units in balances.items():
                if not account.location.startswith("@"):
                    assert units >= 0
            for place in BINS:  # what open reservations place in each bin is what it reserves
                placed = sum(units for r in engine.reservations() for leaf, where, units in r.placed
                             if (leaf, where) == (sku, place))  # fmt: skip
                assert placed == engine.balance(sku, place, Bucket.RESERVED)

    def teardown(self) -> None:
        # Replaying the whole log after every step would be quadratic: once at the end.
        assert self.engine.verify() == []
        assert self.engine.verify() == []
        replayed = iv.Engine(iv.MemoryEventStore(list(self.engine.events())))
        assert replayed.orders() == self.engine.orders()


def _frozen_part(order: iv.records.Order) -> object:
    """What a closed order keeps: all but its lines' returned units and its RMAs."""
    lines = tuple(attrs.evolve(line, returned=0) for line in order.lines)
    return attrs.evolve(order, lines=lines, returns=())


TestOrderMachine = OrderMachine.TestCase

EAST_CAPACITY = 3
"""Units EAST may be given a day in :class:`CapacityMachine`."""


class CapacityMachine(OrderMachine):
    """The same commands with a routing rule that prefers EAST within its daily capacity:
    what the rule gives EAST in a day never exceeds it (a person's move may)."""

    def world(self) -> iv.Engine:
        """EAST first while it has capacity left, then WEST."""
        rule = routing.route("east first", filters=[routing.has_capacity()],
                             rank=routing.priority_list(["EAST", "WEST"]))  # fmt: skip
        facts = {"EAST": routing.LocationFacts(location="EAST", daily_capacity=EAST_CAPACITY)}
        self.read = 0
        self.given: dict[object, int] = {}
        return order_world(east={"EAST/A/01": 2}, west={"WEST/A/01": 1}, routing_rule=rule,
                           location_facts=facts)  # fmt: skip

    @invariant()
    def east_within_its_daily_capacity(self) -> None:
        for event in self.engine.events(self.read):
            if isinstance(event, OrderAllocated) and not isinstance(
                event.command, iv.MoveAllocation
            ):
                day = event.command.at.date()
                units = sum(p.quantity for p in event.picks if p.location.startswith("EAST"))
                self.given[day] = self.given.get(day, 0) + units
                assert self.given[day] <= EAST_CAPACITY, f"EAST given {self.given[day]} on {day}"
        self.read = self.engine.position


TestCapacityMachine = CapacityMachine.TestCase
