"""Where an order's invoicing stands: what shipped, what was invoiced and credited, and
what shipped but is not invoiced yet."""

from __future__ import annotations

from decimal import Decimal

import attrs

from invorder.domain.invoicing.invoices import Invoices
from invorder.domain.invoicing.values import Invoicing
from invorder.domain.money import Money, trusted_money
from invorder.domain.orders.book import OrderBook
from invorder.domain.orders.ids import OrderId
from invorder.domain.orders.order import Order
from invorder.domain.orders.shipment import ShipmentStatus
from invorder.domain.payments.payment import shipped_value


@attrs.frozen(kw_only=True)
class OrderInvoicing:
    """Where an order's invoicing stands (amounts in the order's currency)."""

    order: OrderId
    """The order."""
    policy: Invoicing
    """When it is invoiced."""
    shipped: Money
    """The value of the units shipped, at the prices captured: what an order that is not
    invoiced shows on its receipt."""
    invoiced: Money
    """The totals of its invoices (tax and shipping included)."""
    credited: Money
    """The totals of the credit notes against them."""
    uninvoiced: Money
    """The value of units on shipments shipped and on no invoice (zero when the order is
    not invoiced)."""
    invoices: tuple[str, ...]
    """Its invoices, in the order issued."""


def order_invoicing(orders: OrderBook, invoices: Invoices, order: Order) -> OrderInvoicing:
    """Where ``order``'s invoicing stands."""
    capture = order.capture
    currency = order.currency
    shipped = shipped_value(order)
    policy = invoices.policy(capture.channel, capture.kind)
    uninvoiced = Decimal(0)
    if policy is not Invoicing.NONE:
        prices = {line.line_id: line.unit_price.amount for line in order.lines}
        for shipment in orders.shipments_of(order):
            if (shipment.status is ShipmentStatus.SHIPPED
                    and invoices.invoiced_on(shipment.shipment) is None):  # fmt: skip
                uninvoiced += sum((prices[p.line_id] * p.quantity for p in shipment.picks),
                                  Decimal(0))  # fmt: skip
    issued = invoices.of_order(order.order_id)
    invoiced = sum((i.total.amount for i in issued), Decimal(0))
    credited = sum((invoices.credited(i).amount for i in issued), Decimal(0))
    return OrderInvoicing(
        order=order.order_id, policy=policy, shipped=shipped,
        invoiced=trusted_money(invoiced, currency), credited=trusted_money(credited, currency),
        uninvoiced=trusted_money(uninvoiced, currency), invoices=tuple(i.invoice for i in issued),
    )  # fmt: skip
