"""Refund policies by disposition: how much of a returned unit's price is refunded when it
comes back restocked, for inspection, damaged or scrapped (a share, less a per-unit fee),
per channel or for every channel. The values and the command (decided with the returns)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, ClassVar, TypeVar

import attrs

from invorder.domain import _checks
from invorder.domain.errors import InvalidMoneyError, InvalidPolicyError
from invorder.domain.messages import Command
from invorder.domain.money import Money
from invorder.domain.orders.values import Disposition

V = TypeVar("V")

_DISPOSITION = _checks.one_of(Disposition, "disposition")


def _check_percent(field: str, value: object) -> None:
    if type(value) is not int or not 0 <= value <= 100:
        raise InvalidPolicyError(
            f"{field} must be a whole percentage from 0 to 100, got {value!r}", value=value
        )


def _check_fee(field: str, value: object) -> None:
    if not isinstance(value, Money) or value.amount < 0:
        raise InvalidMoneyError(field, value, "it must be Money of zero or more")


def _by_disposition(
    field: str, values: Mapping[Any, V] | Iterable[tuple[Any, V]], check: Any
) -> tuple[tuple[Disposition, V], ...]:
    what = "(disposition, figure) pairs"
    pairs = list(
        values.items() if isinstance(values, Mapping) else _checks.items(field, values, None, what)
    )
    for pair in pairs:
        if not isinstance(pair, tuple) or len(pair) != 2:
            raise InvalidPolicyError(f"{field} maps a disposition to its figure, got {pair!r}")
    found = [(_DISPOSITION(key), value) for key, value in pairs]
    _checks.named_once(field, (d.value for d, _ in found), "disposition",
                       "give one figure per disposition", required=False)  # fmt: skip
    for disposition, value in found:
        check(f"{field}[{disposition.value!r}]", value)
    return tuple(sorted(found, key=lambda pair: pair[0].value))


def _percents(values: Any) -> tuple[tuple[Disposition, int], ...]:
    return _by_disposition("refund_percent", values, _check_percent)


def _fees(values: Any) -> tuple[tuple[Disposition, Money], ...]:
    return _by_disposition("fee", values, _check_fee)


def _window(instance: object, attribute: Any, value: Any) -> None:
    if value is not None:
        _checks.non_negative_quantity(instance, attribute, value)


def _channel(instance: object, attribute: Any, value: Any) -> None:
    if value != "":
        _checks.identifier(instance, attribute, value)


@attrs.frozen(kw_only=True)
class DefineRefundPolicy(Command):
    """Define (or replace) how returns are refunded, per disposition, for one channel or,
    with ``channel=""``, for every channel without a policy of its own.

    A returned unit refunds ``refund_percent`` of its line price (rounded half up to the
    price's cents; 100 when the disposition is not named) less the ``fee`` per unit of
    its disposition (a restocking fee, in the order's currency), never below zero. With no
    policy at all, every return refunds the full line price.
    """

    channel: str = attrs.field(default="", validator=_channel)
    """The channel it applies to; ``""``: the default for every channel."""
    refund_percent: tuple[tuple[Disposition, int], ...] = attrs.field(
        default=(), converter=_percents
    )
    """Per disposition, the whole percentage of the price refunded (a mapping or pairs;
    stored sorted)."""
    fee: tuple[tuple[Disposition, Money], ...] = attrs.field(default=(), converter=_fees)
    """Per disposition, the amount kept back per unit (a mapping or pairs; stored sorted)."""
    return_window_days: int | None = attrs.field(default=None, validator=_window)
    """Days after an order last shipped within which a return may be opened, closed order
    or not (``None``: no limit)."""

    ADDED: ClassVar[tuple[str, ...]] = ("return_window_days",)
    """Fields added after logs were written: left out of the JSON while at their default."""


@attrs.frozen
class DispositionRefund:
    """What one unit returned with ``disposition`` gives back under a policy."""

    disposition: Disposition
    """The disposition."""
    percent: int = 100
    """The share of the unit price refunded."""
    fee: Money | None = None
    """The amount kept back per unit, if any."""

    def per_unit(self, price: Money) -> Money:
        """The refund for one unit sold at ``price`` (a fee in another currency raises
        :class:`~invorder.errors.CurrencyMismatchError`)."""
        share = price.amount * self.percent / Decimal(100)
        exponent = price.amount.as_tuple().exponent
        assert isinstance(exponent, int), "Money amounts are finite"
        share = share.quantize(Decimal(1).scaleb(min(exponent, 0)), rounding=ROUND_HALF_UP)
        refund = Money(share, price.currency)
        if self.fee is not None:
            refund = refund + Money(-self.fee.amount, self.fee.currency)
        return refund if refund.amount > 0 else Money(0, price.currency)


@attrs.frozen
class RefundPolicy:
    """A refund policy as last defined for a channel (``""``: the default)."""

    channel: str
    """The channel, or ``""`` for the default."""
    refund_percent: tuple[tuple[Disposition, int], ...] = ()
    """Per disposition, the percentage refunded (100 where not named)."""
    fee: tuple[tuple[Disposition, Money], ...] = ()
    """Per disposition, the amount kept back per unit."""
    return_window_days: int | None = None
    """Days after an order last shipped within which a return may be opened (``None``:
    no limit)."""

    def rule(self, disposition: Disposition) -> DispositionRefund:
        """What a unit returned with ``disposition`` gives back."""
        percent = dict(self.refund_percent).get(disposition, 100)
        return DispositionRefund(disposition, percent, dict(self.fee).get(disposition))


def refund_policy(policies: Mapping[str, RefundPolicy], channel: str) -> RefundPolicy:
    """The policy an order from ``channel`` is refunded by: its own, else the default,
    else full refunds."""
    return policies.get(channel) or policies.get("") or RefundPolicy("")
