"""Channels: policies, channel ATP and its explanation, publish sets and diffs; stock
position and stock-out risk."""

from __future__ import annotations

from typing import Any

import pytest

import invorder as iv
from tests.support.availability import DAY, T, assert_refused, world


def channel(
    key: str, cid: str = "amazon", locations: Any = ("WEST",), **kw: Any
) -> iv.DefineChannel:
    return iv.DefineChannel(key=key, at=T, channel=cid, locations=locations, **kw)


def stocked() -> tuple[iv.Engine, Any]:
    return world(
        {
            ("MUG", "WEST"): 40,
            ("MUG", "EAST/A/01"): 25,
            ("MUG", "CENTRAL"): 7,
            ("SAUCER", "WEST"): 9,
        }
    )


def test_channel_atp_sums_feeding_locations_then_safety_then_caps() -> None:
    engine, key = stocked()
    engine.execute(channel(key(), locations=["WEST", "EAST"], share_max=20, safety_stock=5,
                           safety_stock_by_sku={"SAUCER": 1}, share_percent=50))  # fmt: skip
    assert engine.channel_atp("amazon", "MUG", T) == 20  # (65 - 5) * 50% = 30, capped at 20
    assert engine.channel_atp("amazon", "SAUCER", T) == 4  # (9 - 1) * 50%
    assert engine.channel_atp("amazon", "SPOON", T) == 0  # safety above stock: never negative
    explanation = engine.explain_channel_atp("amazon", "MUG", T)
    assert explanation.locations == (("EAST", 25), ("WEST", 40))
    assert (explanation.pool, explanation.safety_stock, explanation.after_safety) == (65, 5, 60)
    assert (explanation.after_share, explanation.share_max, explanation.atp) == (30, 20, 20)


def test_share_percent_rounds_down() -> None:
    engine, key = stocked()
    engine.execute(channel(key(), locations=["CENTRAL"], share_percent=33))
    assert engine.channel_atp("amazon", "MUG", T) == 2  # 7 * 33 / 100 = 2.31


def test_channel_sees_only_its_locations_and_reservations_lower_it() -> None:
    engine, key = stocked()
    engine.execute(channel(key(), "wholesale", ["CENTRAL"]))
    assert engine.channel_atp("wholesale", "MUG", T) == 7
    engine.execute(
        iv.ReserveStock(key=key(), at=T, reservation="R", sku="MUG", location="CENTRAL", quantity=3)
    )
    assert engine.channel_atp("wholesale", "MUG", T) == 4


def test_channel_selling_incoming_counts_unclaimed_incoming() -> None:
    engine, key = stocked()
    engine.execute(
        iv.ExpectPurchase(
            key=key(),
            at=T,
            purchase_order="PO-1",
            location="CENTRAL",
            lines=[iv.PurchaseLine(sku="MUG", quantity=10, eta=T + DAY)],
        )
    )
    engine.execute(channel(key(), "shopify", ["CENTRAL"], sell_incoming=True))
    engine.execute(channel(key(), "walmart", ["CENTRAL"]))
    assert engine.channel_atp("shopify", "MUG", T) == 17
    assert engine.channel_atp("walmart", "MUG", T) == 7
    explanation = engine.explain_channel_atp("shopify", "MUG", T)
    assert (explanation.incoming, explanation.pool) == (10, 17)


def test_bundle_channel_atp_counts_whole_bundles_per_location() -> None:
    engine, key = world(
        {("MUG", "WEST"): 3, ("SAUCER", "WEST"): 2, ("MUG", "CENTRAL"): 1, ("SAUCER", "CENTRAL"): 3}
    )
    engine.execute(channel(key(), locations=["WEST", "CENTRAL"]))
    # WEST makes 1 SET, CENTRAL none: the MUG there cannot pair with WEST's SAUCERs.
    assert engine.channel_atp("amazon", "SET", T) == 1


def test_redefining_a_channel_replaces_its_policy() -> None:
    engine, key = stocked()
    engine.execute(channel(key(), locations=["WEST"]))
    engine.execute(channel(key(), locations=["CENTRAL"], name="Amazon US"))
    found = engine.channel("amazon")
    assert found is not None
    assert (found.locations, found.name) == (("CENTRAL",), "Amazon US")
    assert [c.channel for c in engine.channels()] == ["amazon"]


def test_publish_set_and_diff() -> None:
    engine, key = stocked()
    engine.execute(channel(key(), locations=["WEST"]))
    first = engine.channel_atp_all("amazon", T)
    assert first == {"MUG": 40, "SAUCER": 9, "SPOON": 0, "SET": 4, "GIFT": 0}
    assert engine.publish_diff("amazon", T, first) == {}
    engine.execute(
        iv.ReserveStock(key=key(), at=T, reservation="R", sku="SAUCER", location="WEST", quantity=2)
    )
    assert engine.publish_diff("amazon", T, first) == {"SAUCER": 7, "SET": 3}
    assert iv.records.publish_diff({"OLD": 3, "A": 1}, {"A": 1, "B": 0}) == {"B": 0, "OLD": 0}


def test_stock_position_answers_everything_at_once() -> None:
    engine, key = stocked()
    engine.execute(channel(key(), locations=["WEST"]))
    engine.execute(channel(key(), "wholesale", ["CENTRAL"]))
    engine.execute(
        iv.ReserveStock(key=key(), at=T, reservation="R", sku="MUG", location="WEST", quantity=5)
    )
    engine.execute(iv.MarkDamaged(key=key(), at=T, sku="MUG", location="WEST", quantity=1))
    engine.execute(
        iv.ExpectPurchase(
            key=key(),
            at=T,
            purchase_order="PO-1",
            location="WEST",
            lines=[iv.PurchaseLine(sku="MUG", quantity=10, eta=T + DAY)],
        )
    )
    lines = [iv.TransferLine("MUG", 2)]
    engine.execute(
        iv.ShipTransfer(
            key=key(), at=T, transfer="TR-1", origin="CENTRAL", destination="WEST", lines=lines
        )
    )
    west = engine.stock_position("MUG", T, "WEST")
    assert (west.on_hand, west.available, west.reserved, west.damaged) == (40, 34, 5, 1)
    assert (west.incoming, west.in_transit, west.atp) == (10, 2, 34)
    assert west.incoming_by_eta == ((T + DAY, 10),)
    assert west.channels == (("amazon", 34), ("wholesale", 5))
    everywhere = engine.stock_position("MUG", T)
    assert (everywhere.location, everywhere.on_hand, everywhere.atp) == (None, 70, 64)


def test_stock_out_risk_by_threshold_and_by_demand_over_a_horizon() -> None:
    engine, key = stocked()
    engine.execute(
        iv.ExpectPurchase(
            key=key(),
            at=T,
            purchase_order="PO-1",
            location="WEST",
            lines=[iv.PurchaseLine(sku="SAUCER", quantity=10, eta=T + 2 * DAY)],
        )
    )
    risks = engine.stock_out_risk(T, threshold=10)
    assert [(r.sku, r.atp, r.reason) for r in risks] == [
        ("SAUCER", 9, "below_threshold"),
        ("SPOON", 0, "below_threshold"),
        ("SET", 4, "below_threshold"),
        ("GIFT", 0, "below_threshold"),
    ]
    risks = engine.stock_out_risk(
        T, threshold=0, demand={"SAUCER": 15, "MUG": 100}, horizon=T + 3 * DAY
    )
    assert [(r.sku, r.projected, r.demand) for r in risks] == [("MUG", 72, 100)]
    risks = engine.stock_out_risk(
        T, threshold=0, demand={"SAUCER": 15}, horizon=T + DAY, location="WEST"
    )
    assert [(r.sku, r.projected, r.reason) for r in risks] == [("SAUCER", 9, "below_demand")]


# --- bad input -------------------------------------------------------------------------


def test_channel_fed_by_an_unknown_location_or_sku() -> None:
    engine, key = stocked()
    assert_refused(
        engine,
        channel(key(), locations=["WEST", "NORTH"]),
        iv.errors.UnknownLocationError,
        location="NORTH",
    )
    assert_refused(
        engine,
        channel(key(), safety_stock_by_sku={"GHOST": 1}),
        iv.errors.UnknownSkuError,
        sku="GHOST",
    )


def test_channel_queries_on_an_unknown_channel() -> None:
    engine, _ = stocked()
    with pytest.raises(iv.errors.NotFoundError, match="channel"):
        engine.channel_atp("ebay", "MUG", T)
    with pytest.raises(iv.errors.NotFoundError):
        engine.publish_diff("ebay", T, {})
    with pytest.raises(iv.errors.UnknownSkuError):
        engine.stock_position("GHOST", T)
    with pytest.raises(iv.errors.NotFoundError):
        engine.stock_position("MUG", T, "NORTH")


def test_malformed_channel_policies() -> None:
    with pytest.raises(iv.errors.InvalidPolicyError, match="0 to 100"):
        channel("k", share_percent=101)
    with pytest.raises(iv.errors.InvalidPolicyError, match="inside"):
        channel("k", locations=["EAST", "EAST/A"])
    with pytest.raises(iv.errors.InvalidPolicyError, match="at least one"):
        channel("k", locations=[])
    with pytest.raises(iv.errors.InvalidQuantityError):
        channel("k", safety_stock=-1)
    with pytest.raises(iv.errors.InvalidQuantityError):
        channel("k", safety_stock_by_sku={"MUG": -2})
    with pytest.raises(iv.errors.InvalidQuantityError):
        channel("k", share_max=-1)
    with pytest.raises(iv.errors.InvalidLocationError):
        channel("k", locations=["@supplier"])


def test_codec_round_trips_every_new_command_and_event() -> None:
    engine, key = stocked()
    engine.execute(
        channel(
            key(),
            locations=["WEST"],
            safety_stock_by_sku={"MUG": 2},
            share_max=5,
            sell_incoming=True,
        )
    )
    engine.execute(
        iv.ExpectPurchase(
            key=key(),
            at=T,
            purchase_order="PO-1",
            location="WEST",
            lines=[iv.PurchaseLine(sku="MUG", quantity=10, eta=T + DAY)],
        )
    )
    engine.execute(
        iv.ReserveStock(
            key=key(),
            at=T,
            reservation="P",
            sku="MUG",
            location="WEST",
            quantity=3,
            purchase_order="PO-1",
            priority=2,
        )
    )
    engine.execute(
        iv.ReserveStock(
            key=key(),
            at=T,
            reservation="R",
            sku="SET",
            location="WEST",
            quantity=1,
            expires_at=T + DAY,
        )
    )
    engine.execute(
        iv.ReceivePurchase(
            key=key(), at=T, purchase_order="PO-1", lines=[iv.ReceiptLine(sku="MUG", quantity=4)]
        )
    )
    engine.execute(iv.CommitReservation(key=key(), at=T, reservation="P", quantity=1))
    engine.execute(iv.ReleaseReservation(key=key(), at=T, reservation="P"))
    engine.execute(iv.ExpireReservations(key=key(), at=T + DAY))
    engine.execute(iv.CancelPurchase(key=key(), at=T, purchase_order="PO-1"))
    codec = iv.Codec()
    seen = set()
    for event in engine.events():
        assert codec.event_from_dict(codec.event_to_dict(event)) == event
        assert codec.command_from_dict(codec.command_to_dict(event.command)) == event.command
        seen.add(type(event.command).__name__)
    assert {
        "DefineChannel",
        "ExpectPurchase",
        "ReserveStock",
        "ReceivePurchase",
        "CommitReservation",
        "ReleaseReservation",
        "ExpireReservations",
        "CancelPurchase",
    } <= seen
    assert engine.verify() == []
    replayed = iv.Engine(iv.MemoryEventStore(list(engine.events())))
    assert replayed.reservations(open_only=False) == engine.reservations(open_only=False)
    assert replayed.channel_atp_all("amazon", T) == engine.channel_atp_all("amazon", T)


def test_incremental_publish_diff_recomputes_only_touched_skus() -> None:
    engine, key = stocked()
    engine.execute(channel(key(), locations=["WEST"]))
    published = engine.publish("amazon", T)
    assert (published.channel, published.position) == ("amazon", engine.position)
    engine.execute(
        iv.ReserveStock(
            key=key(),
            at=T,
            reservation="CART",
            sku="SAUCER",
            location="WEST",
            quantity=3,
            expires_at=T + DAY,
        )
    )
    assert engine.publish_diff("amazon", T, published) == {"SAUCER": 6, "SET": 3}
    # Once the cart lapses, nothing differs from the published set any more.
    assert engine.publish_diff("amazon", T + DAY, published) == {}
    engine.execute(iv.DefineSku(key=key(), at=T, sku=iv.Sku("CUP")))
    assert engine.publish_diff("amazon", T + DAY, published) == {"CUP": 0}
    engine.execute(channel(key(), locations=["CENTRAL"]))
    assert engine.publish_diff("amazon", T + DAY, published) == iv.records.publish_diff(
        published.quantities, engine.channel_atp_all("amazon", T + DAY)
    )


def test_atp_questions_about_unknown_things_raise() -> None:
    engine, _ = stocked()
    with pytest.raises(iv.errors.UnknownLocationError):
        engine.atp("MUG", "NORTH", T)
    with pytest.raises(iv.errors.UnknownLocationError):
        engine.atp_by_date("MUG", "NORTH", T + DAY, T)
    with pytest.raises(iv.errors.UnknownLocationError):
        engine.stock_out_risk(T, location="NORTH")
    with pytest.raises(iv.errors.UnknownSkuError):
        engine.atp("GHOST", "WEST", T)


def test_reservations_by_order_line_reference() -> None:
    engine, key = stocked()
    for n, ref in enumerate(["order-1/1", "order-1/2", "order-1/1"]):
        engine.execute(
            iv.ReserveStock(
                key=key(),
                at=T,
                reservation=f"R{n}",
                sku="MUG",
                location="WEST",
                quantity=1,
                reference=ref,
            )
        )
    assert [r.reservation for r in engine.reservations(reference="order-1/1")] == ["R0", "R2"]
