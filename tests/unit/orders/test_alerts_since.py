"""The alerts queue says since when each alert stands, forgets an alert once its cause
clears, and lets a person acknowledge one with a note (issue 17, item 6)."""

from __future__ import annotations

from datetime import timedelta

import pytest

import invorder as iv
from invorder.events import AlertAcknowledged
from invorder.records import AlertReason, OrderAlert
from tests.support.order_world import capture, clean, order_world
from tests.support.world import at

BACKORDERED = AlertReason.BACKORDERED


def alerts(engine: iv.Engine, minute: int, acknowledged: bool = False) -> dict[str, OrderAlert]:
    """The queue at ``minute``, by order."""
    return {a.order: a for a in engine.order_alerts(at(minute), acknowledged=acknowledged)}


def acknowledge(engine: iv.Engine, alert: str = "backordered", minute: int = 20,
                order: str = "O-1", note: str = "ships Monday") -> list[iv.Event]:  # fmt: skip
    return list(engine.execute(iv.AcknowledgeAlert(key=f"ack-{order}-{minute}", at=at(minute),
                                                   order=order, alert=alert,
                                                   note=note)))  # fmt: skip


def backordered_world() -> iv.Engine:
    """O-1 captured at minute 5 for 6 mugs of which 3 wait for stock."""
    engine = order_world(east={"EAST/A/01": 3}, west={})
    engine.capture(capture(lines=(("1", "MUG", 6),)))
    return engine


def test_each_reason_says_since_when_it_stands() -> None:
    engine = backordered_world()
    engine.execute(iv.PlaceHold(key="h", at=at(12), order="O-1", reason="address_problem"))
    alert = alerts(engine, 30)["O-1"]
    assert alert.reasons == (AlertReason.ON_HOLD, BACKORDERED)
    assert alert.since == (at(12), at(5))
    assert alert.since_of(AlertReason.ON_HOLD) == at(12)
    with pytest.raises(KeyError):
        alert.since_of(AlertReason.SHORT_PICKED)


def test_ship_by_reasons_stand_from_the_window_and_from_the_deadline() -> None:
    engine = order_world()
    engine.capture(capture(lines=(("1", "MUG", 1),), ship_by=at(300)))
    risk = alerts(engine, 200)["O-1"]
    assert risk.reasons == (AlertReason.SHIP_BY_AT_RISK,)
    assert risk.since == (at(300) - timedelta(hours=4),)
    missed = alerts(engine, 400)["O-1"]
    assert (missed.reasons, missed.since) == ((AlertReason.SHIP_BY_MISSED,), (at(300),))


def test_an_alert_clears_with_its_cause_and_a_new_one_starts_afresh() -> None:
    engine = backordered_world()
    engine.execute(iv.ReceiveStock(key="r", at=at(10), sku="MUG", location="EAST/A/01",
                                   quantity=3))  # fmt: skip
    assert "O-1" not in alerts(engine, 11)
    engine.execute(iv.CountStock(key="c", at=at(15), sku="MUG", location="EAST/A/01",
                                 counted=4))  # fmt: skip
    again = alerts(engine, 16)["O-1"]
    assert BACKORDERED in again.reasons
    assert again.since_of(BACKORDERED) == at(15)
    clean(engine)


def test_an_acknowledged_alert_leaves_the_queue_until_it_stands_again() -> None:
    engine = backordered_world()
    [event] = acknowledge(engine)
    assert isinstance(event, AlertAcknowledged)
    assert (event.alert, event.note) == (BACKORDERED, "ships Monday")
    assert "O-1" not in alerts(engine, 30)
    listed = alerts(engine, 30, acknowledged=True)["O-1"]
    assert (listed.reasons, listed.acknowledged) == ((BACKORDERED,), (BACKORDERED,))
    # Another reason still shows, without the acknowledged one.
    engine.execute(iv.PlaceHold(key="h", at=at(31), order="O-1", reason="fraud_review"))
    assert alerts(engine, 32)["O-1"].reasons == (AlertReason.ON_HOLD,)
    engine.execute(iv.ReleaseHold(key="rh", at=at(33), order="O-1", reason="fraud_review"))
    # Cleared by stock, then backordered again by a short count: it needs a person again.
    engine.execute(iv.ReceiveStock(key="r", at=at(40), sku="MUG", location="EAST/A/01",
                                   quantity=3))  # fmt: skip
    engine.execute(iv.CountStock(key="c", at=at(41), sku="MUG", location="EAST/A/01",
                                 counted=5))  # fmt: skip
    back = alerts(engine, 42)["O-1"]  # a short count: units found short, too
    assert (back.reasons, back.acknowledged) == ((BACKORDERED, AlertReason.SHORT_PICKED), ())
    clean(engine)
    replayed = iv.Engine(iv.MemoryEventStore(list(engine.events())))
    assert replayed.order_alerts(at(42), acknowledged=True) == engine.order_alerts(
        at(42), acknowledged=True
    )


def refused(engine: iv.Engine, error: type[iv.InvorderError], **fields: object) -> str:
    """Execute an acknowledgement that must be refused; the message. Nothing changes but
    the rejection record the log gains."""
    before = (engine.position + 1, engine.order_alerts(at(50), acknowledged=True))
    command = {"key": f"bad-{sorted(fields.items())}", "at": at(20), "order": "O-1",
               "alert": "backordered", "note": "n", **fields}  # fmt: skip
    with pytest.raises(error) as caught:
        engine.execute(iv.AcknowledgeAlert(**command))  # type: ignore[arg-type]  # test data
    assert (engine.position, engine.order_alerts(at(50), acknowledged=True)) == before
    return str(caught.value)


def test_only_a_standing_alert_of_a_known_order_is_acknowledged_once() -> None:
    engine = backordered_world()
    message = refused(engine, iv.errors.IllegalTransitionError, alert="on_hold")
    assert message == ("cannot acknowledge on_hold order 'O-1': it is alerted for "
                       "backordered; only a standing alert can be acknowledged")  # fmt: skip
    assert refused(engine, iv.errors.NotFoundError, order="O-9") == "no order with id 'O-9'"
    acknowledge(engine)
    message = refused(engine, iv.errors.IllegalTransitionError)
    assert "acknowledged for backordered at 2026-11-27T08:20:00+00:00" in message
    assert message.endswith("it stays acknowledged until it clears")


def test_a_bad_acknowledgement_is_refused_when_built() -> None:
    with pytest.raises(iv.errors.InvalidFieldError) as caught:
        iv.AcknowledgeAlert(key="k", at=at(1), order="O-1", alert="late", note="n")
    assert caught.value.code == "invalid_field"
    assert "'backordered'" in str(caught.value)
    with pytest.raises(iv.errors.InvalidFieldError) as caught:
        iv.AcknowledgeAlert(key="k", at=at(1), order="O-1", alert="backordered", note="  ")
    assert "a few words saying why it may wait" in str(caught.value)


def test_a_late_purchase_puts_the_promise_at_risk() -> None:
    engine = order_world(east={"EAST/A/01": 3}, west={})
    engine.capture(capture(lines=(("1", "MUG", 6),), ship_by=at(3 * 24 * 60)))
    engine.execute(iv.ExpectPurchase(key="po", at=at(6), purchase_order="PO-1",
                                     location="EAST/A/01", lines=[iv.PurchaseLine(
                                         sku="MUG", quantity=3, eta=at(2 * 24 * 60))]))  # fmt: skip
    assert AlertReason.PROMISE_AT_RISK not in alerts(engine, 30)["O-1"].reasons
    engine.execute(iv.ChangePurchaseEta(key="late", at=at(40), purchase_order="PO-1",
                                        sku="MUG", eta=at(4 * 24 * 60)))  # fmt: skip
    alert = alerts(engine, 41)["O-1"]
    assert alert.reasons == (BACKORDERED, AlertReason.PROMISE_AT_RISK)
    assert alert.detail.endswith(
        "3 unit(s) of MUG backordered, 0 due by ship-by 2026-11-30T08:00:00+00:00"
    )
    assert alert.since_of(AlertReason.PROMISE_AT_RISK) == at(5)  # waiting since capture
    acknowledge(engine, "promise_at_risk", minute=42, note="customer told")
    assert alerts(engine, 43)["O-1"].reasons == (BACKORDERED,)


def test_a_purchase_for_a_warehouse_that_does_not_serve_the_order_does_not_count() -> None:
    engine = order_world(east={"EAST/A/01": 3}, west={})
    engine.execute(iv.DefineChannel(key="west-only", at=at(2), channel="shop",
                                    locations=("WEST",)))  # fmt: skip
    engine.capture(capture(lines=(("1", "MUG", 2),), channel="shop", ship_by=at(3 * 24 * 60)))
    engine.execute(iv.ExpectPurchase(key="po", at=at(6), purchase_order="PO-1",
                                     location="EAST/A/01", lines=[iv.PurchaseLine(
                                         sku="MUG", quantity=9, eta=at(60))]))  # fmt: skip
    assert AlertReason.PROMISE_AT_RISK in alerts(engine, 30)["O-1"].reasons


def test_an_order_without_a_ship_by_makes_no_promise() -> None:
    engine = backordered_world()
    assert AlertReason.PROMISE_AT_RISK not in alerts(engine, 30)["O-1"].reasons
