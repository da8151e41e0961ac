"""Price lists applied at capture (issue 13, item 2): a line captured without a price takes
its list's price for the quantity, a line captured at another price holds the order for a
person, and a list serves a channel, customer or tier, or is named by wholesale terms."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import invorder as iv
from invorder import LineItem, PriceBreak, PriceList
from invorder.errors import (
    CasePackError,
    CurrencyMismatchError,
    DuplicateError,
    InvalidListError,
    InvalidMoneyError,
    NotFoundError,
    UnknownChannelError,
    UnknownSkuError,
    UnpricedLineError,
)
from tests.support.order_world import clean, order_world, price, state_of
from tests.support.world import at, refused_once


def trade(**fields: object) -> PriceList:
    """The ``trade`` list: MUG 8.00 USD, 7.00 from 12 units, 6.50 from 24; TEE 4.00."""
    values: dict[str, object] = {
        "price_list": "trade", "currency": "USD",
        "prices": [PriceBreak("MUG", price("8.00")), PriceBreak("MUG", price("7.00"), 12),
                   PriceBreak("MUG", price("6.50"), 24), PriceBreak("TEE", price("4.00"))],
    }  # fmt: skip
    return PriceList(**{**values, **fields})  # type: ignore[arg-type]  # the test's overrides


def define(engine: iv.Engine, price_list: PriceList, key: str = "dpl") -> None:
    """Define ``price_list`` on ``engine``."""
    engine.execute(iv.DefinePriceList(key=key, at=at(2), price_list=price_list))


def wholesale(
    lines: list[LineItem], *, order: str = "W-1", price_list: str = "", **fields: object
) -> iv.CaptureOrder:
    """A wholesale capture from the ``wholesale`` channel, not shipped complete."""
    terms = iv.WholesaleTerms(price_list=price_list, ship_complete=False)
    values: dict[str, object] = {
        "key": f"cap-{order}", "at": at(5), "order": order, "channel": "wholesale",
        "external_id": f"ext-{order}", "kind": iv.OrderKind.WHOLESALE, "wholesale": terms,
        "lines": lines,
    }  # fmt: skip
    return iv.CaptureOrder(**{**values, **fields})  # type: ignore[arg-type]  # the overrides


def stocked_world() -> iv.Engine:
    """The order world with 40 MUG in EAST."""
    return order_world(east={"EAST/A/01": 40}, west={})


# --- prices taken from the list ----------------------------------------------------------


def test_a_line_without_a_price_takes_the_list_price_of_its_quantity_break() -> None:
    engine = stocked_world()
    define(engine, trade())
    lines = [LineItem("1", "MUG", 6), LineItem("2", "MUG", 12), LineItem("3", "MUG", 30)]
    order = engine.capture(wholesale(lines, price_list="trade"))
    assert [line.unit_price for line in order.lines] == [price("8.00"), price("7.00"),
                                                         price("6.50")]  # fmt: skip
    assert order.price_list == "trade"
    assert order.holds == ()
    assert order.total == price("48.00") + price("84.00") + price("195.00")
    assert sum(line.allocated for line in order.lines) == 40  # allocated as ever
    captured = next(e for e in engine.events() if isinstance(e, iv.events.OrderCaptured))
    assert captured.price_list == "trade"
    assert dict(captured.prices) == {"1": price("8.00"), "2": price("7.00"), "3": price("6.50")}
    clean(engine)


def test_a_list_serves_its_customer_before_its_tier_before_its_channel() -> None:
    engine = stocked_world()
    define(engine, trade(price_list="by-channel", channels=["wholesale"]), "a")
    define(engine, trade(price_list="by-tier", tiers=["gold"],
                         prices=[PriceBreak("MUG", price("5.00"))]), "b")  # fmt: skip
    define(engine, trade(price_list="by-customer", customers=["acme"],
                         prices=[PriceBreak("MUG", price("4.00"))]), "c")  # fmt: skip
    line = [LineItem("1", "MUG", 1)]
    cases = [("W-1", {}, "by-channel", "8.00"), ("W-2", {"customer_tier": "gold"}, "by-tier",
             "5.00"), ("W-3", {"customer": "acme", "customer_tier": "gold"}, "by-customer",
             "4.00"), ("W-4", {"customer": "acme"}, "by-customer", "4.00")]  # fmt: skip
    for order_id, fields, expected, amount in cases:
        order = engine.capture(wholesale(line, order=order_id, **fields))
        assert (order.price_list, order.lines[0].unit_price) == (expected, price(amount))
    # Wholesale terms that name a list win over every other.
    named = engine.capture(wholesale(line, order="W-5", price_list="by-tier", customer="acme"))
    assert (named.price_list, named.lines[0].unit_price) == ("by-tier", price("5.00"))


def test_a_price_list_prices_any_kind_of_order_of_the_channel_it_serves() -> None:
    engine = stocked_world()
    define(engine, trade(channels=["shopify"]))
    command = iv.CaptureOrder(key="dtc", at=at(5), order="D-1", channel="shopify",
                              external_id="d1", kind=iv.OrderKind.DTC,
                              lines=[LineItem("1", "TEE", 1)])  # fmt: skip
    assert engine.capture(command).lines[0].unit_price == price("4.00")


def test_a_capture_at_the_list_price_is_not_held_and_the_captured_price_is_kept() -> None:
    engine = stocked_world()
    define(engine, trade())
    order = engine.capture(wholesale([LineItem("1", "MUG", 12, price("7.00"))], price_list="trade"))
    assert order.holds == ()
    assert order.lines[0].allocated == 12
    captured = next(e for e in engine.events() if isinstance(e, iv.events.OrderCaptured))
    assert captured.prices == ()  # nothing priced by the list: the event says so


def test_a_capture_at_another_price_is_held_for_review_until_a_person_accepts_it() -> None:
    engine = stocked_world()
    define(engine, trade())
    lines = [LineItem("1", "MUG", 12, price("6.00")), LineItem("2", "TEE", 1)]
    order = engine.capture(wholesale(lines, price_list="trade"))
    assert order.holds == (iv.HoldReason.PRICE_REVIEW,)
    assert [line.allocated for line in order.lines] == [0, 0]
    assert [line.unit_price for line in order.lines] == [price("6.00"), price("4.00")]
    alerts = engine.order_alerts(at(6))
    assert [a.reasons for a in alerts] == [(iv.records.AlertReason.ON_HOLD,)]
    engine.execute(iv.ReleaseHold(key="ok", at=at(7), order="W-1", reason="price_review"))
    after = engine.order("W-1")
    assert after is not None
    assert after.holds == ()
    assert after.lines[0].unit_price == price("6.00")  # accepted as captured
    assert after.lines[0].allocated == 12
    clean(engine)


def test_a_list_that_does_not_hold_other_prices_lets_the_captured_price_stand() -> None:
    engine = stocked_world()
    define(engine, trade(hold_other_prices=False))
    order = engine.capture(wholesale([LineItem("1", "MUG", 12, price("6.00"))], price_list="trade"))
    assert (order.holds, order.lines[0].unit_price) == ((), price("6.00"))
    assert order.lines[0].allocated == 12


def test_a_held_capture_keeps_its_other_holds_and_the_review_is_one_hold_among_them() -> None:
    engine = stocked_world()
    define(engine, trade())
    terms = iv.WholesaleTerms(price_list="trade", ship_complete=False, manual_approval=True)
    command = wholesale([LineItem("1", "MUG", 1, price("1.00"))], wholesale=terms)
    order = engine.capture(command)
    assert order.holds == (iv.HoldReason.MANUAL_APPROVAL, iv.HoldReason.PRICE_REVIEW)


def test_case_packs_and_minimums_still_hold_for_list_priced_lines() -> None:
    terms = iv.WholesaleTerms(price_list="trade", case_packs=[("MUG", 6)], minimums=[("TEE", 2)])
    with pytest.raises(CasePackError, match="breaks the case pack of 6"):
        wholesale([LineItem("1", "MUG", 8)], wholesale=terms)
    with pytest.raises(CasePackError, match="breaks the minimum of 2"):
        wholesale([LineItem("1", "TEE", 1)], wholesale=terms)
    engine = stocked_world()
    define(engine, trade())
    order = engine.capture(wholesale([LineItem("1", "MUG", 12)], wholesale=terms))
    assert order.lines[0].unit_price == price("7.00")


def test_a_repeat_capture_is_the_order_first_captured_even_after_the_list_changed() -> None:
    engine = stocked_world()
    define(engine, trade())
    command = wholesale([LineItem("1", "MUG", 12)], price_list="trade")
    first = engine.capture(command)
    define(engine, trade(prices=[PriceBreak("MUG", price("9.99"))]), "again")
    assert engine.price_list("trade") == trade(prices=[PriceBreak("MUG", price("9.99"))])
    position = engine.position
    assert engine.capture(command) == first
    assert engine.position == position
    assert first.lines[0].unit_price == price("7.00")


# --- defining lists ----------------------------------------------------------------------


def test_a_list_defined_again_replaces_its_prices_and_whom_it_serves() -> None:
    engine = stocked_world()
    define(engine, trade(customers=["acme"], channels=["wholesale"]))
    define(engine, trade(customers=["globex"]), "again")
    assert engine.price_lists() == [trade(customers=["globex"])]
    # acme and the channel are no longer served: another list may serve them now.
    define(engine, trade(price_list="other", customers=["acme"], channels=["wholesale"]), "o")
    assert [p.price_list for p in engine.price_lists()] == ["trade", "other"]
    assert engine.capture(wholesale([LineItem("1", "TEE", 1)], customer="acme")).price_list == (
        "other"
    )
    clean(engine)


def test_price_list_values_refuse_bad_prices_when_built() -> None:
    with pytest.raises(InvalidMoneyError, match="a list price is zero or more"):
        PriceBreak("MUG", price("-1.00"))
    with pytest.raises(InvalidListError, match="breaks overlap"):
        trade(prices=[PriceBreak("MUG", price("2.00"), 10), PriceBreak("MUG", price("1.00"), 10)])
    with pytest.raises(CurrencyMismatchError, match="cannot mix in one price list USD and EUR"):
        trade(prices=[PriceBreak("MUG", price("2.00")), PriceBreak("TEE", price("1.00", "EUR"))])
    with pytest.raises(InvalidListError, match="a price list prices at least one SKU"):
        trade(prices=[])
    with pytest.raises(InvalidListError, match="'acme' appears twice"):
        trade(customers=["acme", "acme"])
    with pytest.raises(InvalidMoneyError, match="ISO 4217"):
        trade(currency="usd")


@pytest.mark.parametrize(
    ("price_list", "error", "message"),
    [
        (trade(prices=[PriceBreak("CUP", price("1.00"))]), UnknownSkuError, "'CUP'"),
        (trade(channels=["etsy"]), UnknownChannelError, "unknown channel 'etsy'"),
        (trade(price_list="other", customers=["acme"]), DuplicateError,
         "price list of customer 'acme' already exists: list 'trade' serves it; define "
         "'trade' again without it first"),
        (trade(price_list="other", tiers=["gold"]), DuplicateError, "customer tier 'gold'"),
        (trade(price_list="other", channels=["wholesale"]), DuplicateError, "channel"),
    ],
)  # fmt: skip
def test_a_list_that_cannot_be_defined_is_refused_and_changes_nothing(
    price_list: PriceList, error: type[Exception], message: str
) -> None:
    engine = stocked_world()
    define(engine, trade(customers=["acme"], tiers=["gold"], channels=["wholesale"]))
    before, position = state_of(engine), engine.position
    command = iv.DefinePriceList(key="bad", at=at(3), price_list=price_list)
    with pytest.raises(error, match=message):
        engine.execute(command)
    assert state_of(engine) == before
    assert refused_once(engine, position, command)


# --- captures refused --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lines", "fields", "error", "message"),
    [
        ([LineItem("1", "MUG", 1)], {"channel": "amazon", "kind": iv.OrderKind.MARKETPLACE,
                                     "wholesale": None}, UnpricedLineError,
         "line '1' \\(1 of 'MUG'\\) has no unit price and the order has no price list; give "
         "its price, or define a price list \\(DefinePriceList\\) that prices it"),
        ([LineItem("1", "MUG", 1)], {"customer": "acme", "channel": "amazon",
                                     "kind": iv.OrderKind.MARKETPLACE, "wholesale": None},
         UnpricedLineError, "price list 'small' has no price for it at that quantity"),
        ([LineItem("1", "TEE", 1)], {"customer": "acme", "channel": "amazon",
                                     "kind": iv.OrderKind.MARKETPLACE, "wholesale": None},
         UnpricedLineError, "line '1' \\(1 of 'TEE'\\)"),
        ([LineItem("1", "MUG", 12, price("7.00", "EUR")), LineItem("2", "TEE", 1)],
         {"wholesale": iv.WholesaleTerms(price_list="trade")}, CurrencyMismatchError,
         "cannot mix in one order EUR and USD"),
        ([LineItem("1", "MUG", 1)], {"wholesale": iv.WholesaleTerms(price_list="nope")},
         NotFoundError, "no price list with id 'nope'"),
    ],
)  # fmt: skip
def test_a_capture_nothing_can_price_is_refused_and_changes_nothing(
    lines: list[LineItem], fields: dict[str, Any], error: type[Exception], message: str
) -> None:
    engine = stocked_world()
    define(engine, trade())
    define(engine, trade(price_list="small", customers=["acme"],
                         prices=[PriceBreak("MUG", price("5.00"), 10)]), "small")  # fmt: skip
    before, position = state_of(engine), engine.position
    command = wholesale(lines, **fields)
    with pytest.raises(error, match=message):
        engine.execute(command)
    assert state_of(engine) == before
    assert refused_once(engine, position, command)


def test_a_capture_held_for_review_survives_a_snapshot_and_a_replay() -> None:
    store = iv.MemoryEventStore(list(stocked_world().events()))
    snapshots = iv.MemorySnapshotStore()
    engine = iv.Engine(store, snapshots=snapshots)
    define(engine, trade(customers=["acme"]))
    engine.capture(wholesale([LineItem("1", "MUG", 12, price("1.00"))], customer="acme"))
    engine.snapshot()
    again = iv.Engine(store, snapshots=snapshots)
    assert again.startup.snapshot == engine.position
    assert again.price_lists() == engine.price_lists()
    assert again.order("W-1") == engine.order("W-1")
    assert again.verify() == []


# --- the list's price, against a plain scan ----------------------------------------------


@given(
    breaks=st.dictionaries(
        st.tuples(st.sampled_from(["MUG", "TEE", "CUP"]), st.integers(1, 50)),
        st.integers(0, 2_000),
        min_size=1,
    ),
    sku=st.sampled_from(["MUG", "TEE", "CUP", "PEN"]),
    quantity=st.integers(1, 60),
)
def test_the_unit_price_is_that_of_the_largest_break_not_above_the_quantity(
    breaks: dict[tuple[str, int], int], sku: str, quantity: int
) -> None:
    prices = [PriceBreak(s, iv.Money(Decimal(c) / 100, "USD"), q) for (s, q), c in breaks.items()]
    listed = PriceList(price_list="p", currency="USD", prices=prices)
    points = [q for s, q in breaks if s == sku and q <= quantity]
    expected = None if not points else iv.Money(Decimal(breaks[(sku, max(points))]) / 100, "USD")
    assert listed.unit_price(sku, quantity) == expected
