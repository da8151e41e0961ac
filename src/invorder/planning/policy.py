"""Reorder policies per SKU and location: reorder point, min/max and periodic review.

Each policy turns a stock position (ATP + incoming) and a demand rate into a trigger level
and an order-up-to target; :func:`evaluate` says how many units are needed and why.
Safety stock is ``ceil(z x sigma x sqrt(lead time))`` with ``z`` the standard normal
quantile of the service level.
"""

from __future__ import annotations

import math
from functools import cache
from statistics import NormalDist
from typing import Any

import attrs

from invorder.domain.errors import InvalidReorderPolicyError, MissingLeadTimeError
from invorder.planning.demand import DemandRate


def _service_level(instance: object, attribute: Any, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.5 <= value < 1:
        raise InvalidReorderPolicyError(
            f"{attribute.name} must be a probability in [0.5, 1), got {value!r}",
            field=attribute.name,
        )


def _days(instance: object, attribute: Any, value: Any) -> None:
    if value is not None and (type(value) is not int or value < 0):
        raise InvalidReorderPolicyError(
            f"{attribute.name} must be a whole number of days >= 0, got {value!r}",
            field=attribute.name,
        )


def _positive_days(instance: object, attribute: Any, value: Any) -> None:
    if type(value) is not int or value <= 0:
        raise InvalidReorderPolicyError(
            f"{attribute.name} must be a whole number of days > 0, got {value!r}",
            field=attribute.name,
        )


@attrs.frozen(kw_only=True)
class ReorderPoint:
    """Order when the position falls to the reorder point, up to that point plus
    ``cover_days`` of demand.

    The reorder point is the demand over the lead time plus one day (positions are reviewed
    once a day, so the day of the review is covered too) plus the safety stock. With demand
    at the expected rate and orders received on time, stock never falls below the safety
    stock (a property test checks it).
    """

    service_level: float = attrs.field(default=0.95, validator=_service_level)
    """Probability of not running out during a lead time."""
    lead_time_days: int | None = attrs.field(default=None, validator=_days)
    """Overrides the supplier's lead time; one of the two is required."""
    cover_days: int = attrs.field(default=14, validator=_days)
    """Days of demand each order covers beyond the reorder point."""

    name = "reorder_point"


@attrs.frozen(kw_only=True)
class MinMax:
    """Order up to ``maximum`` when the position falls below ``minimum`` (no lead time)."""

    minimum: int = attrs.field(validator=_days)
    """The trigger level in units."""
    maximum: int = attrs.field(validator=_days)
    """The order-up-to level in units (at least ``minimum``)."""
    lead_time_days: int | None = attrs.field(default=None, validator=_days)
    """Only reported; min/max does not need it."""

    name = "min_max"

    def __attrs_post_init__(self) -> None:
        if self.maximum < self.minimum:
            raise InvalidReorderPolicyError(
                f"maximum {self.maximum} is below minimum {self.minimum}",
                minimum=self.minimum,
                maximum=self.maximum,
            )


@attrs.frozen(kw_only=True)
class PeriodicReview:
    """Every ``review_days`` order up to the demand over lead time + review period plus
    safety stock over the same span."""

    review_days: int = attrs.field(validator=_positive_days)
    """Days between two reviews."""
    service_level: float = attrs.field(default=0.95, validator=_service_level)
    """Probability of not running out before the next order arrives."""
    lead_time_days: int | None = attrs.field(default=None, validator=_days)
    """Overrides the supplier's lead time; one of the two is required."""

    name = "periodic_review"


Policy = ReorderPoint | MinMax | PeriodicReview
"""Any reorder policy."""


@cache
def z_score(service_level: float) -> float:
    """The standard normal quantile of ``service_level`` (0.95 -> 1.645)."""
    return NormalDist().inv_cdf(service_level)


@attrs.frozen
class Reason:
    """Why a quantity is (or is not) needed: every figure the policy used."""

    policy: str
    """``reorder_point``, ``min_max`` or ``periodic_review``."""
    atp: int
    """Available to promise now."""
    incoming: int
    """Units on open purchase orders and transfers."""
    lead_time_days: int | None
    """The lead time used (policy's, else supplier's)."""
    demand_per_day: float
    """Expected daily demand."""
    demand_over_lead_time: int
    """Expected demand until an order placed now arrives (rounded up)."""
    safety_stock: int
    """Units held against demand variability."""
    trigger: int
    """Order when ``atp + incoming`` is at or below this: the reorder point (demand over
    lead time + 1 review day + safety stock), ``minimum - 1``, or ``target - 1`` for
    periodic review."""
    target: int
    """Order up to this level."""

    @property
    def position(self) -> int:
        """``atp + incoming``."""
        return self.atp + self.incoming

    @property
    def need(self) -> int:
        """Units needed to reach the target when the trigger is hit, else 0."""
        if self.position > self.trigger:
            return 0
        return max(0, self.target - self.position)

    def __str__(self) -> str:
        if self.policy == "min_max":
            return (
                f"min_max: position {self.position} (ATP {self.atp} + incoming "
                f"{self.incoming}) vs minimum {self.trigger + 1}; order up to {self.target}"
            )
        return (
            f"{self.policy}: position {self.position} (ATP {self.atp} + incoming "
            f"{self.incoming}) vs trigger {self.trigger} (demand over lead time "
            f"{self.demand_over_lead_time} + safety stock {self.safety_stock}); "
            f"order up to {self.target}"
        )


def evaluate(
    policy: Policy,
    demand: DemandRate,
    atp: int,
    incoming: int,
    *,
    supplier_lead_time: int | None = None,
    sku: str = "",
    location: str = "",
) -> Reason:
    """Apply ``policy`` to one SKU at one location; raise :class:`MissingLeadTimeError` when
    the policy needs a lead time that neither it nor the supplier gives."""
    lead = policy.lead_time_days if policy.lead_time_days is not None else supplier_lead_time
    mean = demand.mean
    if isinstance(policy, MinMax):
        over = math.ceil(mean * lead) if lead is not None else 0
        return Reason(
            policy.name, atp, incoming, lead, mean, over, 0,
            policy.minimum - 1, policy.maximum,
        )  # fmt: skip
    if lead is None:
        raise MissingLeadTimeError(sku, location, policy.name)
    z = z_score(policy.service_level)
    if isinstance(policy, ReorderPoint):
        over = math.ceil(mean * lead - 1e-9)
        safety = math.ceil(z * demand.sigma * math.sqrt(lead) - 1e-9)
        trigger = math.ceil(mean * (lead + 1) - 1e-9) + safety
        target = trigger + math.ceil(mean * policy.cover_days - 1e-9)
        return Reason(policy.name, atp, incoming, lead, mean, over, safety, trigger, target)
    span = lead + policy.review_days
    over = math.ceil(mean * lead - 1e-9)
    safety = math.ceil(z * demand.sigma * math.sqrt(span) - 1e-9)
    target = math.ceil(mean * span - 1e-9) + safety
    # Periodic review orders whenever it is below its target on a review day.
    return Reason(policy.name, atp, incoming, lead, mean, over, safety, target - 1, target)


def days_of_cover(position: int, demand: DemandRate) -> float:
    """How many days ``position`` units last at the expected rate (``inf`` without demand)."""
    if demand.mean <= 0:
        return math.inf
    return max(0, position) / demand.mean
