"""A hold placed after allocation stops every fulfilment step until it is released (issue
16, item 4a): start picking, pack and ship are refused with ``OrderOnHoldError`` and change
nothing; a held order with an open shipment is in the alerts."""

from __future__ import annotations

import pytest

import invorder as iv
from invorder.errors import OrderOnHoldError
from tests.support.order_world import capture, order_world, state_of
from tests.support.world import at


def held_after_allocation() -> tuple[iv.Engine, str]:
    engine = order_world()
    engine.execute(capture("O-1", (("1", "MUG", 2),)))
    (shipment,) = engine.shipments("O-1")
    engine.execute(iv.PlaceHold(key="hold", at=at(10), order="O-1", reason="fraud_review"))
    return engine, shipment.shipment


def refused(engine: iv.Engine, command: iv.Command, action: str, shipment: str) -> None:
    before = state_of(engine)
    with pytest.raises(OrderOnHoldError) as caught:
        engine.execute(command)
    error = caught.value
    assert error.code == "order_on_hold"
    assert error.fields == {"order": "O-1", "shipment": shipment, "action": action,
                            "holds": "fraud_review"}  # fmt: skip
    assert str(error) == (
        f"cannot {action} shipment {shipment!r}: order 'O-1' is on hold (fraud_review); "
        "release the hold first (ReleaseHold)"
    )
    assert state_of(engine) == before


def test_a_hold_after_allocation_stops_picking_until_released() -> None:
    engine, shipment = held_after_allocation()
    refused(engine, iv.StartPicking(key="pick", at=at(11), shipment=shipment), "start picking",
            shipment)  # fmt: skip
    alerts = {str(a.order): a.reasons for a in engine.order_alerts(at(12))}
    assert iv.records.AlertReason.ON_HOLD in alerts["O-1"]
    engine.execute(iv.ReleaseHold(key="release", at=at(13), order="O-1", reason="fraud_review"))
    engine.execute(iv.StartPicking(key="pick2", at=at(14), shipment=shipment))
    engine.execute(iv.PackShipment(key="pack", at=at(15), shipment=shipment))
    engine.execute(iv.ShipShipment(key="ship", at=at(16), shipment=shipment, carrier="UPS"))
    order = engine.order("O-1")
    assert order is not None
    assert order.status is iv.records.OrderStatus.SHIPPED


def test_a_hold_stops_packing_and_shipping_once_picking_started() -> None:
    engine = order_world()
    engine.execute(capture("O-1", (("1", "MUG", 2),)))
    (shipment,) = engine.shipments("O-1")
    sid = shipment.shipment
    engine.execute(iv.StartPicking(key="pick", at=at(6), shipment=sid))
    engine.execute(iv.PlaceHold(key="hold", at=at(7), order="O-1", reason="fraud_review"))
    refused(engine, iv.PackShipment(key="pack", at=at(8), shipment=sid), "pack", sid)
    engine.execute(iv.ReleaseHold(key="release", at=at(9), order="O-1", reason="fraud_review"))
    engine.execute(iv.PackShipment(key="pack2", at=at(10), shipment=sid))
    engine.execute(iv.PlaceHold(key="hold2", at=at(11), order="O-1", reason="fraud_review"))
    refused(engine, iv.ShipShipment(key="ship", at=at(12), shipment=sid, carrier="UPS"), "ship",
            sid)  # fmt: skip
    assert engine.verify() == []
