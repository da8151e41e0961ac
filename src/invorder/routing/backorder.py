"""Built-in backorder policies: what happens to units no location could give."""

from __future__ import annotations

import attrs

from invorder.routing import _rule_fields as _f
from invorder.routing.plan import LineAllocation
from invorder.routing.request import RoutingRequest
from invorder.routing.rule import Settlement


@attrs.frozen
class Backorder:
    """The remainder waits for stock (backordered)."""

    name: str = attrs.field(default="backorder", validator=_f.name)

    def settle(self, request: RoutingRequest, lines: tuple[LineAllocation, ...]) -> Settlement:
        """Lines as they are."""
        return Settlement(lines=lines)


@attrs.frozen
class CancelRemainder:
    """The remainder is cancelled; what was allocated still ships."""

    name: str = attrs.field(default="cancel_remainder", validator=_f.name)

    def settle(self, request: RoutingRequest, lines: tuple[LineAllocation, ...]) -> Settlement:
        """Backordered units become cancelled units."""
        return Settlement(
            lines=tuple(
                attrs.evolve(line, backordered=0, cancelled=line.cancelled + line.backordered)
                for line in lines
            )
        )


@attrs.frozen
class HoldForReview:
    """If anything is unfilled the order is held for a person; the proposal is kept
    (allocations plus backorder) so the person can accept or change it."""

    name: str = attrs.field(default="hold_for_review", validator=_f.name)

    def settle(self, request: RoutingRequest, lines: tuple[LineAllocation, ...]) -> Settlement:
        """Hold when any unit is unfilled."""
        short = sum(line.backordered for line in lines)
        if not short:
            return Settlement(lines=lines)
        return Settlement(
            lines=lines, hold_reason=f"{short} unit(s) could not be allocated: a person decides"
        )


def backorder() -> Backorder:
    """Backorder policy: the remainder waits for stock."""
    return Backorder()


def cancel_remainder() -> CancelRemainder:
    """Backorder policy: the remainder is cancelled."""
    return CancelRemainder()


def hold_for_review() -> HoldForReview:
    """Backorder policy: hold the order for a person when anything is unfilled."""
    return HoldForReview()
