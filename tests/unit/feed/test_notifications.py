"""The channel feed as a pure function of the log (issue 13, item 5): what each kind of
event tells which channel, stable ids, the same bytes on every replay, a prefix of the log
giving a prefix of the feed, and inventory figures that equal channel ATP."""

from __future__ import annotations

import itertools
from collections import Counter
from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import invorder as iv
from invorder.feed import FeedProjection, Notification, NotificationKind, notifications
from tests.support.feed_logs import boundaries, day_log
from tests.support.order_world import capture, order_world
from tests.support.world import at

KIND = NotificationKind


def told(engine: iv.Engine, channel: str | None = None) -> list[Notification]:
    return list(notifications(engine.events(), channel=channel))


def orders_of(found: list[Notification]) -> list[tuple[str, str, dict[str, object]]]:
    """(id, kind, data) of the order notifications."""
    return [(n.id, n.kind.value, n.data) for n in found if n.kind is not KIND.INVENTORY_CHANGED]


def test_an_order_told_from_capture_to_close() -> None:
    engine = order_world(east={"EAST/A/01": 3}, west={})
    engine.capture(capture(lines=(("1", "MUG", 2), ("2", "TEE", 1))))
    captured = engine.position - 1
    engine.execute(iv.PlaceHold(key="h", at=at(6), order="O-1", reason="fraud_review"))
    engine.execute(iv.ReleaseHold(key="r", at=at(7), order="O-1", reason="fraud_review"))
    engine.execute(iv.CancelLines(key="c", at=at(8), order="O-1",
                                  lines=[iv.LineQuantity("2", 1)],
                                  reason="customer asked"))  # fmt: skip
    sid = next(s.shipment for s in engine.shipments("O-1") if s.location == "EAST")
    engine.execute(iv.StartPicking(key="p", at=at(9), shipment=sid))
    engine.execute(iv.PackShipment(key="k", at=at(10), shipment=sid))
    engine.execute(iv.ShipShipment(key="s", at=at(11), shipment=sid, carrier="UPS",
                                   tracking="1Z999"))  # fmt: skip
    engine.execute(iv.OpenReturn(key="o", at=at(12), rma="RMA-1", order="O-1",
                                 lines=[iv.LineQuantity("1", 1)]))  # fmt: skip
    engine.execute(iv.ReceiveReturn(key="rr", at=at(13), rma="RMA-1", location="EAST/A/01",
                                    lines=[iv.ReturnedUnits("1", 1)]))  # fmt: skip
    engine.execute(iv.CloseOrder(key="x", at=at(14), order="O-1", reason="settled"))
    found = told(engine, "shopify")
    shipped = next(n for n in found if n.kind is KIND.SHIPMENT_SHIPPED)
    refund = next(n for n in found if n.kind is KIND.REFUND_ISSUED)
    assert [kind for _, kind, _ in orders_of(found)] == [
        "order_acknowledged", "order_held", "order_released", "lines_cancelled",
        "shipment_shipped", "return_received", "refund_issued", "order_closed",
    ]  # fmt: skip
    assert found[-1].data == {"reason": "settled"}
    first = next(n for n in found if n.kind is KIND.ORDER_ACKNOWLEDGED)
    assert first.position < captured  # the capture, then its allocation's entries
    assert orders_of(found)[0] == (f"shopify:{first.position}:1", "order_acknowledged",
                                   {"lines": (("1", "MUG", 2), ("2", "TEE", 1))})  # fmt: skip
    assert shipped.data == {"shipment": sid, "carrier": "UPS", "tracking": "1Z999",
                            "lines": (("1", "MUG", 2),)}  # fmt: skip
    assert (shipped.order, shipped.external_id) == ("O-1", "ext-O-1")
    assert refund.data["amount"] == iv.Money("10.00", "USD")
    assert refund.id == f"shopify:{refund.position}:2"  # after the return at that position
    amount = {"amount": "10.00", "currency": "USD"}
    assert refund.to_dict()["data"] == {"rma": "RMA-1", "amount": amount}
    # Every channel sees the mugs go and come back, and no other channel sees the order.
    assert not orders_of(told(engine, "amazon"))
    levels = [n.data["available"] for n in told(engine, "amazon")
              if n.kind is KIND.INVENTORY_CHANGED and n.data["sku"] == "MUG"]  # fmt: skip
    assert levels == [3, 1, 2]


def test_inventory_figures_are_channel_atp_after_each_command() -> None:
    events = day_log()
    projection = FeedProjection()
    cuts = boundaries(events)
    latest: dict[tuple[str, str], int] = {}
    for start, stop in itertools.pairwise(cuts):
        for n in projection.feed(events[start:stop]):
            if n.kind is KIND.INVENTORY_CHANGED:
                assert n.position == stop - 1  # told with the command's last event
                latest[(n.channel, n.data["sku"])] = n.data["available"]
        if stop % 97 and stop != len(events):
            continue  # compare at some commands only: a fresh engine per check
        engine = iv.Engine(iv.MemoryEventStore(events[:stop]))
        when = events[stop - 1].command.at
        for channel in engine.channels():
            for sku in engine.skus():
                figure = engine.channel_atp(channel.channel, sku.code, when)
                assert latest.get((channel.channel, sku.code), 0) == figure, (stop, sku)


def test_shipped_lines_are_what_the_parcel_held() -> None:
    events = day_log()
    engine = iv.Engine(iv.MemoryEventStore(events))
    shipped = [n for n in notifications(events) if n.kind is KIND.SHIPMENT_SHIPPED]
    assert len(shipped) > 50
    for n in shipped:
        shipment = engine.shipment(n.data["shipment"])
        assert shipment is not None
        units: Counter[tuple[str, str]] = Counter()
        for pick in shipment.picks:
            units[(pick.line_id, pick.sku)] += pick.quantity
        assert n.data["lines"] == tuple((line, sku, q) for (line, sku), q in units.items() if q)


@settings(max_examples=12, deadline=None)
@given(seed=st.integers(1, 4), cut=st.floats(0, 1))
def test_the_feed_is_a_pure_function_of_the_log(seed: int, cut: float) -> None:
    events = day_log(seed, 60)
    whole = [n.to_json() for n in notifications(events)]
    assert whole == [n.to_json() for n in notifications(list(events))]  # same log, same bytes
    ids = [n.id for n in notifications(events)]
    assert len(set(ids)) == len(ids)
    cuts = boundaries(events)
    stop = cuts[int(cut * (len(cuts) - 1))]
    prefix = [n.to_json() for n in notifications(events[:stop])]
    assert prefix == whole[: len(prefix)]  # a prefix of the log, a prefix of the feed
    assert all(n.position < stop for n in notifications(events[:stop]))
    after = list(notifications(events, after=stop))
    assert [n.to_json() for n in after] == whole[len(prefix) :]


def test_a_rejection_record_tells_nothing_and_moves_no_notification() -> None:
    engine = order_world(east={"EAST/A/01": 3}, west={})
    received = engine.execute(iv.ReceiveStock(key="in", at=at(5), sku="MUG",
                                              location="EAST/A/01", quantity=2))  # fmt: skip
    with pytest.raises(iv.RejectedError):
        engine.execute(iv.MarkDamaged(key="bad", at=at(6), sku="MUG", location="EAST/A/01",
                                      quantity=99))  # fmt: skip
    refused = engine.position - 1
    engine.execute(iv.ReceiveStock(key="in-2", at=at(7), sku="MUG", location="EAST/A/01",
                                   quantity=1))  # fmt: skip
    events = list(engine.events())
    found = list(notifications(events))
    assert not [n for n in found if n.position == refused]
    mugs = [(n.position, n.data["available"]) for n in found
            if n.channel == "amazon" and n.kind is KIND.INVENTORY_CHANGED]  # fmt: skip
    assert mugs[-2:] == [(received[-1].position, 5), (refused + 1, 6)]
    cut = [n.to_json() for n in notifications(events[: refused + 1])]
    assert cut == [n.to_json() for n in found][: len(cut)]


def test_payments_invoices_and_credit_notes_are_told_to_the_orders_channel() -> None:
    engine = order_world(east={"EAST/A/01": 3}, west={})
    engine.capture(capture(channel="wholesale", kind=iv.OrderKind.WHOLESALE,
                           wholesale=iv.WholesaleTerms(payment_terms_days=30)))  # fmt: skip
    for step in (iv.StartPicking, iv.PackShipment):
        engine.execute(step(key=step.__name__, at=at(6), shipment="O-1/S1"))
    engine.execute(iv.ShipShipment(key="s", at=at(7), shipment="O-1/S1", carrier="UPS"))
    engine.execute(iv.IssueInvoice(key="i", at=at(8), invoice="INV-1", order="O-1"))
    engine.execute(iv.IssueCreditNote(key="c", at=at(9), credit_note="CN-1", invoice="INV-1",
                                      reason="price_correction",
                                      adjustment=iv.Money("2.00", "USD")))  # fmt: skip
    for n, fact in enumerate((iv.RecordAuthorisation, iv.RecordCapture, iv.RecordRefund)):
        engine.execute(fact(key=f"p{n}", at=at(10 + n), order="O-1", reference=f"wire-{n}",
                            amount=iv.Money("2.00", "USD")))  # fmt: skip
    engine.execute(iv.RecordPaymentFailure(key="f", at=at(13), order="O-1", reference="bad",
                                           amount=iv.Money("18.00", "USD")))  # fmt: skip
    found = [n for n in told(engine, "wholesale") if n.kind is not KIND.INVENTORY_CHANGED]
    assert [n.kind.value for n in found[-6:]] == [
        "invoice_issued", "credit_note_issued", "payment_authorised", "payment_captured",
        "payment_refunded", "payment_failed",
    ]  # fmt: skip
    invoice, note, *_, failed = found[-6:]
    assert invoice.to_dict()["data"] == {
        "invoice": "INV-1", "total": {"amount": "20.00", "currency": "USD"},
        "due_at": (at(8) + timedelta(days=30)).isoformat(),
    }  # fmt: skip
    assert note.data == {"credit_note": "CN-1", "invoice": "INV-1",
                         "total": iv.Money("2.00", "USD")}  # fmt: skip
    assert (failed.order, failed.external_id, failed.data["reference"]) == ("O-1", "ext-O-1",
                                                                            "bad")  # fmt: skip
    assert not orders_of(told(engine, "shopify"))  # another channel hears nothing of it
