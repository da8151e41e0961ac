"""Conditions: choose a rule (pipeline or host rule) by order attributes (kind, channel,
customer tier, order value, shipping method, ship-complete flag), with a fallback."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import attrs

from invorder.domain.errors import InvalidRoutingRuleError
from invorder.domain.money import Money
from invorder.domain.orders.ids import OrderKind
from invorder.domain.orders.ship_to import ShippingMethod
from invorder.routing import _rule_fields as _f
from invorder.routing.plan import AllocationPlan, check_plan
from invorder.routing.request import OrderView, RoutingRequest
from invorder.routing.rule import RoutingRule

T = TypeVar("T")


def _set(value: Any, kind: type[T], field: str) -> frozenset[T]:
    if value is None:
        return frozenset()
    takes = f"when({field}=...) takes {kind.__name__} values"
    items = (value,) if isinstance(value, kind) else _f.listed(value, takes, field=field)
    for item in items:
        if not isinstance(item, kind):
            raise InvalidRoutingRuleError(takes, field=field, value=item)
    return frozenset(items)


def _kinds(value: OrderKind | Iterable[OrderKind] | None) -> frozenset[OrderKind]:
    return _set(value, OrderKind, "kind")


def _channels(value: str | Iterable[str] | None) -> frozenset[str]:
    return _set(value, str, "channel")


def _tiers(value: str | Iterable[str] | None) -> frozenset[str]:
    return _set(value, str, "tier")


def _methods(value: ShippingMethod | Iterable[ShippingMethod] | None) -> frozenset[ShippingMethod]:
    return _set(value, ShippingMethod, "method")


def _money(instance: object, attribute: Any, value: Any) -> None:
    if value is not None and not isinstance(value, Money):
        field = attribute.name
        raise InvalidRoutingRuleError(f"{field} must be Money", field=field, value=value)


@attrs.frozen
class Branch:
    """One condition and the rule it selects. Every given attribute must match (and);
    a set of values matches any of them (or). ``min_value`` is inclusive, ``max_value``
    exclusive; an order without a value never matches a value condition, and comparing
    amounts of two currencies raises :class:`CurrencyMismatchError`."""

    name: str = attrs.field(validator=_f.text)
    """Shown in explanations as the branch taken."""
    rule: RoutingRule = attrs.field(validator=_f.function)
    """The rule orders matching this branch get."""
    kinds: frozenset[OrderKind] = attrs.field(default=frozenset(), converter=_kinds)
    """Order kinds that match (empty: any)."""
    channels: frozenset[str] = attrs.field(default=frozenset(), converter=_channels)
    """Channels that match (empty: any)."""
    tiers: frozenset[str] = attrs.field(default=frozenset(), converter=_tiers)
    """Customer tiers that match (empty: any)."""
    methods: frozenset[ShippingMethod] = attrs.field(default=frozenset(), converter=_methods)
    """Shipping methods that match (empty: any)."""
    min_value: Money | None = attrs.field(default=None, validator=_money)
    """Smallest order value that matches (inclusive)."""
    max_value: Money | None = attrs.field(default=None, validator=_money)
    """Order values below this match (exclusive)."""
    ship_complete: bool | None = attrs.field(
        default=None, validator=attrs.validators.optional(_f.flag)
    )
    """The ship-complete flag that matches (``None``: either)."""
    test: Callable[[OrderView], bool] | None = attrs.field(
        default=None, validator=attrs.validators.optional(_f.function)
    )
    """A host predicate on the order view."""

    def matches(self, order: OrderView) -> bool:
        """True when every condition holds for ``order``."""
        checks = (
            not self.kinds or order.kind in self.kinds,
            not self.channels or order.channel in self.channels,
            not self.tiers or order.customer_tier in self.tiers,
            not self.methods or order.shipping_method in self.methods,
            self.ship_complete is None or order.ship_complete == self.ship_complete,
        )
        if not all(checks):
            return False
        if self.min_value is not None or self.max_value is not None:
            if order.value is None:
                return False
            if self.min_value is not None and order.value < self.min_value:
                return False
            if self.max_value is not None and not order.value < self.max_value:
                return False
        return self.test is None or bool(self.test(order))


def when(
    *,
    use: RoutingRule,
    kind: OrderKind | Iterable[OrderKind] | None = None,
    channel: str | Iterable[str] | None = None,
    tier: str | Iterable[str] | None = None,
    method: ShippingMethod | Iterable[ShippingMethod] | None = None,
    min_value: Money | None = None,
    max_value: Money | None = None,
    ship_complete: bool | None = None,
    test: Callable[[OrderView], bool] | None = None,
    name: str | None = None,
) -> Branch:
    """A branch for :func:`choose`: ``when(kind=OrderKind.WHOLESALE, use=wholesale)``."""
    if not callable(use):
        raise InvalidRoutingRuleError("when(use=...) needs a routing rule", use=use)
    branch = Branch(
        name="",
        rule=use,
        kinds=kind,
        channels=channel,
        tiers=tier,
        methods=method,
        min_value=min_value,
        max_value=max_value,
        ship_complete=ship_complete,
        test=test,
    )
    if not any(
        (branch.kinds, branch.channels, branch.tiers, branch.methods, test is not None)
    ) and (min_value, max_value, ship_complete) == (None, None, None):
        raise InvalidRoutingRuleError("when() needs at least one condition; use fallback=")
    return attrs.evolve(branch, name=name or _describe(branch))


def _describe(branch: Branch) -> str:
    parts = []
    for label, values in (
        ("kind", sorted(k.value for k in branch.kinds)),
        ("channel", sorted(branch.channels)),
        ("tier", sorted(branch.tiers)),
        ("method", sorted(m.value for m in branch.methods)),
    ):
        if values:
            parts.append(f"{label}={'|'.join(values)}")
    if branch.min_value is not None:
        parts.append(f"value>={branch.min_value}")
    if branch.max_value is not None:
        parts.append(f"value<{branch.max_value}")
    if branch.ship_complete is not None:
        parts.append(f"ship_complete={branch.ship_complete}")
    if branch.test is not None:
        parts.append(f"test={getattr(branch.test, '__name__', 'host')}")
    return "when(" + ", ".join(parts) + ")"


def _branches(value: Iterable[Branch]) -> tuple[Branch, ...]:
    branches = _f.listed(value, "choose() takes when(...) branches")
    for branch in branches:
        if not isinstance(branch, Branch):
            raise InvalidRoutingRuleError("choose() takes when(...) branches", value=branch)
    return branches


def _fallback(instance: object, attribute: Any, value: Any) -> None:
    if not callable(value):
        raise InvalidRoutingRuleError("choose() needs a fallback routing rule", fallback=value)


@attrs.frozen
class Choice:
    """A :class:`~invorder.routing.RoutingRule` that runs the first matching branch's
    rule, else the fallback; the plan's explanation names the branch."""

    branches: tuple[Branch, ...] = attrs.field(converter=_branches)
    """Tried in order."""
    fallback: RoutingRule = attrs.field(validator=_fallback)
    """The rule when no branch matches."""

    def select(self, order: OrderView) -> tuple[str, RoutingRule]:
        """The branch name and rule ``order`` gets."""
        for branch in self.branches:
            if branch.matches(order):
                return branch.name, branch.rule
        return "fallback", self.fallback

    def __call__(self, request: RoutingRequest) -> AllocationPlan:
        """Plan with the selected rule; the plan is checked against the routing laws."""
        label, rule = self.select(request.order)
        return _branched(run_checked(rule, request), label)

    def explain(self, request: RoutingRequest) -> AllocationPlan:
        """The plan of a plain call, with the selected rule's explanation naming the
        branch taken."""
        label, rule = self.select(request.order)
        return _branched(check_plan(request, explain_plan(rule, request)), label)


def _branched(plan: AllocationPlan, label: str) -> AllocationPlan:
    """``plan`` with its explanation (if it has one) naming the branch ``label``."""
    explanation = plan.explanation
    if explanation is None:
        return plan
    if explanation.branch:
        label = f"{label} > {explanation.branch}"
    return attrs.evolve(plan, explanation=attrs.evolve(explanation, branch=label))


def run_checked(rule: RoutingRule, request: RoutingRequest) -> AllocationPlan:
    """``rule(request)``, checked against the routing laws (a built-in rule's plan, or one
    :func:`~invorder.routing.plan_from_quantities` made, is passed already: it is not
    checked twice)."""
    return check_plan(request, rule(request))


def explain_plan(rule: RoutingRule, request: RoutingRequest) -> AllocationPlan:
    """``rule``'s plan for ``request`` with its explanation: ``rule.explain(request)`` when
    the rule has that method (pipelines and conditions do), else ``rule(request)`` (a host
    rule's plan carries whatever explanation it built). Not checked here."""
    explain = getattr(rule, "explain", None)
    if callable(explain):
        plan: AllocationPlan = explain(request)
        return plan
    return rule(request)


def choose(*branches: Branch, fallback: RoutingRule) -> Choice:
    """A rule picking a pipeline by order attributes: ``choose(when(...), ..., fallback=r)``."""
    return Choice(branches=branches, fallback=fallback)
