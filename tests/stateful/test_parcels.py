"""The identity re-allocation reads instead of walking an order's shipments: under the order
machine's random commands, a line's units allocated and not shipped are exactly its units
on the picks of its parcels not shipped (open, picking or packed)."""

from __future__ import annotations

from hypothesis.stateful import invariant

from invorder.domain.orders.shipment import ShipmentStatus
from tests.stateful.test_order_machine import OrderMachine

_UNSHIPPED = (ShipmentStatus.OPEN, ShipmentStatus.PICKING, ShipmentStatus.PACKED)


class ParcelMachine(OrderMachine):
    """The order machine, each order's lines checked against its parcels."""

    @invariant()
    def allocated_not_shipped_is_on_parcels_not_shipped(self) -> None:
        for order in self.engine.orders():
            on_parcels: dict[str, int] = {}
            for shipment in self.engine.shipments(order.order_id):
                if shipment.status in _UNSHIPPED:
                    for pick in shipment.picks:
                        on_parcels[pick.line_id] = on_parcels.get(pick.line_id, 0) + pick.quantity
            for line in order.lines:
                assert line.allocated - line.shipped == on_parcels.get(line.line_id, 0), (
                    order.order_id,
                    line.line_id,
                    line,
                    on_parcels,
                )


TestParcelMachine = ParcelMachine.TestCase
