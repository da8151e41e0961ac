"""The money side of a generated day: the wholesale price list, card authorisations at
checkout, a settle step after every fulfilment and return (invoices, credits, captures,
refunds; a few captures declined) and the nightly close-out sweep.

Drawn after everything else, so that a seed's network, stock, orders and costs, and so
every routing decision, are the same with the money side as without it.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import Decimal

import attrs

from invorder.domain.invoicing.commands import CloseSettledOrders
from invorder.domain.messages import Command
from invorder.domain.money import Money
from invorder.domain.orders.commands import CaptureOrder
from invorder.domain.orders.ids import OrderKind
from invorder.domain.payments.commands import RecordAuthorisation
from invorder.domain.pricing.commands import DefinePriceList
from invorder.domain.pricing.price_list import PriceBreak, PriceList
from invorder.simulate.scenario import FulfilOrder, ReturnOrder, SettleOrder, Step

WHOLESALE_LIST = "WHOLESALE"
"""The generated wholesale price list's id."""

_CENT = Decimal("0.01")
# Wholesale unit prices as a share of the retail price, and from how many units the
# second break applies.
_LIST_PERCENT, _BREAK_PERCENT, _BREAK_UNITS = 60, 55, 6

Timed = list[tuple[datetime, int, Step]]
"""Steps with their time and draw order (sorted by both once everything is drawn)."""


def add_money(
    timed: Timed, prices: dict[str, Decimal], rng: random.Random, decline_percent: int,
    start: datetime,
) -> None:  # fmt: skip
    """Add the money steps to ``timed`` in place (see the module), drawing from ``rng``.

    Wholesale captures lose their explicit prices and take the generated list's; every
    other capture is authorised for its total right after it; ``decline_percent`` of
    those orders have every capture declined. A step added right after another takes its
    time and draw order and comes after it in ``timed``: the stable sort keeps it next.
    """
    wholesale: dict[str, None] = {}
    declined: dict[str, bool] = {}
    added: Timed = []
    amounts: dict[str, Money] = {}  # one frozen value per amount authorised (shared)
    for index, (at, seq, step) in enumerate(timed):
        if isinstance(step, CaptureOrder):
            if step.kind is OrderKind.WHOLESALE:
                wholesale.update(dict.fromkeys(line.sku for line in step.lines))
                lines = [attrs.evolve(line, unit_price=None) for line in step.lines]
                timed[index] = (at, seq, attrs.evolve(step, lines=lines))
                continue
            declined[step.order] = rng.randrange(100) < decline_percent
            total = sum((line.quantity * line.unit_price.amount for line in step.lines
                         if line.unit_price is not None), Decimal(0))  # fmt: skip
            key = f"auth/{step.order}"  # the key is the provider's reference too
            authorise = RecordAuthorisation(key=key, at=at, order=step.order, reference=key,
                                            amount=_shared(amounts, total))  # fmt: skip
            added.append((at, seq, authorise))
        elif isinstance(step, FulfilOrder | ReturnOrder):
            settle = SettleOrder(key=f"settle/{step.key}", at=at, order=step.order,
                                 decline=declined.get(step.order, False))  # fmt: skip
            added.append((at, seq, settle))
    timed.extend(added)
    if wholesale:
        timed.append((start, -1, _price_list(sorted(wholesale), prices, start)))
    last = max(at for at, _, _ in timed)
    night = start + timedelta(days=1)
    while night <= last + timedelta(days=1):
        day = night.date().isoformat()
        sweep: Command = CloseSettledOrders(key=f"close/{day}", at=night)
        timed.append((night, len(timed), sweep))
        night += timedelta(days=1)


def _shared(amounts: dict[str, Money], amount: Decimal) -> Money:
    """The US dollar amount ``amount``, one value per amount in ``amounts`` (by its text:
    ``19.98`` and ``19.980`` are equal but written differently)."""
    text = str(amount)
    found = amounts.get(text)
    if found is None:
        found = amounts[text] = Money(amount, "USD")
    return found


def _price_list(skus: list[str], prices: dict[str, Decimal], start: datetime) -> DefinePriceList:
    breaks = []
    for sku in skus:
        for percent, units in ((_LIST_PERCENT, 1), (_BREAK_PERCENT, _BREAK_UNITS)):
            price = (prices[sku] * percent / 100).quantize(_CENT)
            breaks.append(PriceBreak(sku=sku, unit_price=Money(price, "USD"), min_quantity=units))
    price_list = PriceList(price_list=WHOLESALE_LIST, currency="USD", prices=breaks,
                           channels=("wholesale",), name="Wholesale price list")  # fmt: skip
    return DefinePriceList(key="setup/price-list/wholesale", at=start, price_list=price_list)
