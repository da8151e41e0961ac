"""Properties of replenishment and valuation: suggestions are whole, positive, in packs and
above minimums; following them under constant demand keeps stock above safety stock; the
value of all stock is what came in at cost minus what left at average cost."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

import invorder as iv
from invorder.planning import (
    DemandRate,
    PlanningItem,
    ReorderPoint,
    evaluate,
    suggest_replenishment,
)
from invorder.testing import strategies as ist
from tests.support.availability import DAY, T, world

SKUS = ("A", "B", "C")
PLACES = ("EAST", "WEST", "NORTH")

items = ist.planning_items(SKUS, PLACES, ("S1", "S2"))
suppliers = st.tuples(
    ist.suppliers("S1"),
    ist.suppliers("S2", SKUS),
)


@given(items=items, terms=suppliers, transfers_first=st.booleans())
def test_suggestions_are_positive_whole_packs_above_minimums(
    items: list[PlanningItem], terms: tuple[iv.Supplier, iv.Supplier], transfers_first: bool
) -> None:
    by_id = {s.supplier: s for s in terms}
    suggested = suggest_replenishment(items, terms, transfers_first=transfers_first)
    for po in suggested.purchases:
        supplier = by_id[po.supplier]
        for line in po.lines:
            assert line.need > 0
            assert line.quantity >= line.need
            assert line.quantity % supplier.pack(line.sku) == 0
            assert line.quantity >= supplier.minimum(line.sku)
            assert line.quantity - line.need < max(supplier.pack(line.sku), 1) or (
                line.quantity <= supplier.minimum(line.sku) + supplier.pack(line.sku)
            )
    atp: dict[tuple[str, str], int] = {(i.sku, i.location): i.atp for i in items}
    taken: dict[tuple[str, str], int] = {}
    for t in suggested.transfers:
        assert t.quantity > 0
        assert t.origin != t.destination
        taken[(t.sku, t.origin)] = taken.get((t.sku, t.origin), 0) + t.quantity
    for (sku, origin), quantity in taken.items():
        reason = suggested.reasons[(sku, origin)]
        assert atp[(sku, origin)] - quantity >= reason.target  # never below its own target
        assert reason.need == 0


@given(
    daily=st.integers(0, 20),
    sigma=st.floats(0, 6),
    lead=st.integers(1, 10),
    service=st.floats(0.5, 0.99),
    cover=st.integers(0, 20),
    pack=st.integers(1, 12),
    minimum=st.integers(0, 40),
    horizon=st.integers(1, 90),
)
def test_following_suggestions_keeps_stock_above_safety_stock(
    daily: int, sigma: float, lead: int, service: float, cover: int, pack: int, minimum: int,
    horizon: int,
) -> None:  # fmt: skip
    supplier = iv.Supplier(supplier="S", lead_time_days=lead, case_pack=pack,
                           min_order_quantity=minimum)  # fmt: skip
    policy = ReorderPoint(service_level=service, cover_days=cover)
    rate = DemandRate(float(daily), sigma)
    start = evaluate(policy, rate, 0, 0, supplier_lead_time=lead)
    stock = start.target  # start at the order-up-to level
    arrivals: dict[int, int] = {}
    for day in range(horizon):
        stock += arrivals.pop(day, 0)
        assert stock >= start.safety_stock, (day, stock)
        incoming = sum(arrivals.values())
        item = PlanningItem(sku="A", location="EAST", atp=stock, incoming=incoming,
                            demand=rate, policy=policy, supplier="S")  # fmt: skip
        for po in suggest_replenishment([item], [supplier]).purchases:
            for line in po.lines:
                arrivals[day + lead] = arrivals.get(day + lead, 0) + line.quantity
        stock -= daily
        assert stock >= start.safety_stock, (day, stock)


operations = st.lists(
    st.one_of(
        st.tuples(st.just("receive"), st.sampled_from(SKUS), st.sampled_from(PLACES),
                  st.integers(1, 20), st.decimals("0", "50", places=2)),
        st.tuples(st.just("receive_uncosted"), st.sampled_from(SKUS), st.sampled_from(PLACES),
                  st.integers(1, 5), st.none()),
        st.tuples(st.just("sell"), st.sampled_from(SKUS), st.sampled_from(PLACES),
                  st.integers(1, 15), st.none()),
        st.tuples(st.just("return"), st.sampled_from(SKUS), st.sampled_from(PLACES),
                  st.integers(1, 3), st.none()),
        st.tuples(st.just("damage"), st.sampled_from(SKUS), st.sampled_from(PLACES),
                  st.integers(1, 5), st.none()),
        st.tuples(st.just("scrap"), st.sampled_from(SKUS), st.sampled_from(PLACES),
                  st.integers(1, 5), st.none()),
        st.tuples(st.just("transfer"), st.sampled_from(SKUS), st.sampled_from(PLACES),
                  st.integers(1, 10), st.none()),
    ),
    max_size=30,
)  # fmt: skip


@given(ops=operations)
def test_value_is_receipts_at_cost_minus_issues_at_average_cost(
    ops: list[tuple[str, str, str, int, Decimal | None]],
) -> None:
    engine, key = world({})
    for sku in SKUS:
        engine.execute(iv.DefineSku(key=key(), at=T, sku=iv.Sku(sku)))
    for place in PLACES:
        engine.execute(iv.DefineLocation(key=key(), at=T, location=place))
    units = dict.fromkeys(SKUS, 0)
    value = {s: Fraction(0) for s in SKUS}
    last = {s: Fraction(0) for s in SKUS}
    came_in = {s: Fraction(0) for s in SKUS}
    went_out = {s: Fraction(0) for s in SKUS}

    def enter(sku: str, quantity: int, unit: Fraction) -> None:
        units[sku] += quantity
        value[sku] += unit * quantity
        came_in[sku] += unit * quantity
        last[sku] = value[sku] / units[sku]

    def leave(sku: str, quantity: int) -> None:
        out = value[sku] * quantity / units[sku]
        units[sku] -= quantity
        value[sku] -= out
        went_out[sku] += out

    for n, (op, sku, place, quantity, cost) in enumerate(ops):
        at = T + n * DAY
        here = engine.balance(sku, place)
        if op in ("receive", "receive_uncosted"):
            money = None if cost is None else iv.Money(cost, "EUR")
            engine.execute(iv.ReceiveStock(key=key(), at=at, sku=sku, location=place,
                                           quantity=quantity, unit_cost=money))  # fmt: skip
            average = value[sku] / units[sku] if units[sku] else last[sku]
            enter(sku, quantity, Fraction(cost) if cost is not None else average)
        elif op == "return":
            engine.execute(iv.PostEntry(key=key(), at=at, movements=[iv.Movement(
                sku=sku, quantity=quantity, source=iv.Account(iv.CUSTOMER),
                destination=iv.Account(place))]))  # fmt: skip
            enter(sku, quantity, value[sku] / units[sku] if units[sku] else last[sku])
        elif quantity > here:
            continue
        elif op == "sell":
            engine.execute(iv.PostEntry(key=key(), at=at, movements=[iv.Movement(
                sku=sku, quantity=quantity, source=iv.Account(place),
                destination=iv.Account(iv.CUSTOMER))]))  # fmt: skip
            leave(sku, quantity)
        elif op == "damage":
            engine.execute(iv.MarkDamaged(key=key(), at=at, sku=sku, location=place,
                                          quantity=quantity))  # fmt: skip
        elif op == "scrap":
            engine.execute(iv.ScrapStock(key=key(), at=at, sku=sku, location=place,
                                         quantity=quantity, bucket="available"))  # fmt: skip
            leave(sku, quantity)
        else:
            other = PLACES[(PLACES.index(place) + 1) % len(PLACES)]
            engine.execute(iv.ShipTransfer(key=key(), at=at, transfer=f"T{n}", origin=place,
                                           destination=other,
                                           lines=[iv.TransferLine(sku, quantity)]))  # fmt: skip
    valuation = engine.valuation()
    by_location = valuation.by_location()
    for sku in SKUS:
        got = valuation.sku(sku)
        assert got.units == units[sku]
        physical = sum(engine.on_hand(sku, p) + engine.rollup(sku, p, iv.Bucket.IN_TRANSIT)
                       for p in PLACES)  # fmt: skip
        assert got.units == physical
        if got.value is None:
            assert value[sku] == 0
            continue
        assert abs(Fraction(got.value.amount) - value[sku]) < Fraction(1, 10**9)
        assert abs(value[sku] - (came_in[sku] - went_out[sku])) == 0
        assert got.received_value is not None
        assert got.issued_value is not None
        books = got.received_value.amount - got.issued_value.amount
        assert abs(got.value.amount - books) < Decimal("1e-20")  # Decimal rounds at 28 digits
        by_place = sum((m.amount for (s, _), m in by_location.items() if s == sku), Decimal(0))
        assert abs(by_place - got.value.amount) < Decimal("1e-9")
