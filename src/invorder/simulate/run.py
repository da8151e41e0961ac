"""What-if runs: a scenario on a fresh in-memory engine under a routing rule, forks, KPIs
and comparisons of two runs.

A fork replays the log prefix into a new engine with another rule: its cost is one fold of
every event so far (no command is decided again, no rule runs again).
"""

from __future__ import annotations

import importlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from datetime import datetime

import attrs

from invorder.adapters.memory import MemoryEventStore
from invorder.domain.errors import ErrorCode, InvorderError, NotFoundError, ValidationError
from invorder.domain.messages import Command
from invorder.domain.orders.commands import (
    OpenReturn,
    PackShipment,
    ReceiveReturn,
    ShipShipment,
    StartPicking,
)
from invorder.domain.orders.shipment import ShipmentStatus
from invorder.domain.orders.values import ReturnedUnits
from invorder.engine import Engine
from invorder.routing import (
    AllocationPlan,
    Explanation,
    RoutingRequest,
    RoutingRule,
    explain_plan,
    has_stock,
    minimise_shipments,
    most_stock,
    nearest,
    route,
)
from invorder.simulate.collector import fewer_collections, kept_out_of_reach
from invorder.simulate.scenario import FulfilOrder, ReturnOrder, Scenario, SettleOrder, Step
from invorder.simulate.settle import settle_commands


class UnknownRuleError(ValidationError):
    """A rule name that is neither built in nor an importable ``module:attribute``."""

    code = ErrorCode.UNKNOWN_RULE
    rule: str
    problem: str

    def _render(self) -> str:
        built_in = ", ".join(BUILT_IN_RULES)
        return f"unknown routing rule {self.rule!r}: {self.problem}; built-in rules: {built_in}"


BUILT_IN_RULES: dict[str, Callable[[], RoutingRule | None]] = {
    "nearest": lambda: route("nearest", filters=[has_stock()], rank=nearest()),
    "most_stock": lambda: route("most_stock", filters=[has_stock()], rank=most_stock()),
    "fewest_shipments": lambda: route(
        "fewest_shipments", filters=[has_stock()], rank=nearest(), split=minimise_shipments()
    ),
    "first_fit": lambda: None,
}
"""Rules available by name; ``first_fit`` is the engine's allocator without routing."""

DEFAULT_RULE = "nearest"
"""The rule a run uses when none is named."""

KEEP_EVERY = 2_000
"""Steps of a run between two moves of what it kept out of the collector's reach (each move
costs about nothing: ``gc.freeze()`` links lists; see ``docs/performance.md``)."""


def resolve_rule(name: str) -> RoutingRule | None:
    """A built-in rule by name, or a host's rule given as ``module:attribute``."""
    if name in BUILT_IN_RULES:
        return BUILT_IN_RULES[name]()
    module, sep, attribute = name.partition(":")
    if not sep or not module or not attribute:
        raise UnknownRuleError(name, "not built in, and not of the form module:attribute")
    try:
        found = getattr(importlib.import_module(module), attribute)
    except ImportError as error:
        raise UnknownRuleError(name, f"cannot import {module!r} ({error})") from error
    except AttributeError as error:
        raise UnknownRuleError(name, f"{module!r} has no attribute {attribute!r}") from error
    if not callable(found):
        raise UnknownRuleError(name, f"{name} is not callable")
    rule: RoutingRule = found
    return rule


@attrs.define
class _Recording:
    """A rule that keeps the explanation of its first plan per order, and of the plans
    made for it later (re-allocations after arrivals, short picks, released holds)."""

    rule: RoutingRule
    explanations: dict[str, Explanation]
    replans: dict[str, list[Explanation]]

    @property
    def name(self) -> str:
        """The rule's name, for the allocation record."""
        return str(getattr(self.rule, "name", getattr(self.rule, "__name__", "routing rule")))

    def __call__(self, request: RoutingRequest) -> AllocationPlan:
        plan = explain_plan(self.rule, request)
        explanation = plan.explanation
        if explanation is None:  # a host rule that explains nothing
            return plan
        order = request.order.order_id
        if order in self.explanations:
            self.replans.setdefault(order, []).append(explanation)
        else:
            self.explanations[order] = explanation
        return plan


@attrs.frozen
class RefusedStep:
    """A step (or one command it expanded to) that the engine refused during a run."""

    line: int
    """Line of the step in the scenario file (header on line 1)."""
    key: str
    """Key of the refused command (``{step}/{shipment}/ship`` for a fulfilment part)."""
    code: str
    """The typed error's code."""
    message: str
    """The typed error's message."""


class Simulation:
    """A scenario running on its own in-memory engine under one rule; advance it, fork it."""

    __slots__ = ("engine", "explanations", "next_step", "refused", "rejected", "replans",
                 "rule_name", "scenario")  # fmt: skip

    def __init__(
        self,
        scenario: Scenario,
        rule: str = DEFAULT_RULE,
        *,
        explain: bool = False,
        _engine: Engine | None = None,
    ) -> None:
        self.scenario = scenario
        """The scenario."""
        self.rule_name = rule
        """The rule's name (as given)."""
        self.explanations: dict[str, Explanation] | None = {} if explain else None
        """With ``explain=True``: the rule's explanation of its first plan per order
        (none for ``first_fit``, which is not a routing rule)."""
        self.replans: dict[str, list[Explanation]] | None = {} if explain else None
        """With ``explain=True``: the explanations of the plans made for an order after its
        first (re-allocations after arrivals, short picks, released holds), in order."""
        if _engine is None:
            _engine = self._new_engine(MemoryEventStore())
            for command in scenario.header.setup_commands():
                _engine.execute(command)
        self.engine = _engine
        """The engine (read its projections for anything the KPIs do not cover)."""
        self.next_step = 0
        """Index of the next step to run."""
        self.rejected: Counter[str] = Counter()
        """Refused commands by error code (a what-if may refuse what the file expects)."""
        self.refused: list[RefusedStep] = []
        """Every refused step or command, in run order, with its line, key and code."""

    def _rule(self) -> RoutingRule | None:
        rule = resolve_rule(self.rule_name)
        if rule is not None and self.explanations is not None:
            replans = self.replans if self.replans is not None else {}
            rule = _Recording(rule, self.explanations, replans)
        return rule

    def _new_engine(self, store: MemoryEventStore) -> Engine:
        return Engine(
            store,
            routing_rule=self._rule(),
            location_facts=self.scenario.header.location_facts(),
        )

    @property
    def now(self) -> datetime:
        """Time of the last step run (the header's start before any)."""
        if self.next_step == 0:
            return self.scenario.header.start
        return self.scenario.steps[self.next_step - 1].at

    def advance(
        self, until: datetime | None = None, progress: Callable[[int, int], None] | None = None
    ) -> Simulation:
        """Run the steps at or before ``until`` (all when ``None``); returns ``self``.

        While it runs, CPython's young-generation collection threshold is raised (see
        :func:`invorder.simulate.collector.fewer_collections`) and put back at the end: a
        run keeps almost everything it makes, so the default threshold spends a fifth of
        the time in the collector finding nothing. Every :data:`KEEP_EVERY` steps what the
        run kept so far is moved out of the collector's reach, and handed back at the end
        (:func:`~invorder.simulate.collector.kept_out_of_reach`): on a 100,000-order day,
        moving it every 2,000 steps left 13 collections, the longest 12 ms.
        """
        steps = self.scenario.steps
        total = len(steps)
        execute = self.engine.execute
        with fewer_collections(), kept_out_of_reach() as keep:
            while self.next_step < total:
                step = steps[self.next_step]
                if until is not None and step.at > until:
                    break
                try:
                    commands = list(self._expand(step))
                except InvorderError as error:  # a step naming an order that does not exist
                    self._refuse(step.key, error)
                    commands = []
                for command in commands:
                    try:
                        execute(command)
                    except InvorderError as error:
                        self._refuse(command.key, error)
                self.next_step += 1
                if self.next_step % KEEP_EVERY == 0:
                    keep()
                if progress is not None and self.next_step % 1000 == 0:
                    progress(self.next_step, total)
        if progress is not None:
            progress(self.next_step, total)
        return self

    def __repr__(self) -> str:
        """A short summary: the rule, how far the run is and what it refused."""
        total = len(self.scenario.steps)
        return (
            f"<Simulation {self.rule_name} of {self.scenario.header.name!r}: step "
            f"{self.next_step:,} of {total:,}, {len(self.refused):,} refused>"
        )

    def _refuse(self, key: str, error: InvorderError) -> None:
        self.rejected[error.code] += 1
        line = self.scenario.line_of(self.next_step)
        self.refused.append(RefusedStep(line, key, str(error.code), str(error)))

    def fork(self, rule: str) -> Simulation:
        """A copy of this run at its current step that continues under ``rule``.

        The new engine is a branch of this one (:meth:`Engine.branch`): its store holds the
        log so far (the events are shared: they are immutable) and its projections are
        copies, not a replay of the log.
        """
        other = Simulation.__new__(Simulation)
        other.scenario = self.scenario
        other.rule_name = rule
        other.explanations = None if self.explanations is None else dict(self.explanations)
        other.replans = None if self.replans is None else {
            order: list(plans) for order, plans in self.replans.items()
        }  # fmt: skip
        with fewer_collections():  # the copy keeps every object it makes
            other.engine = self.engine.branch(
                MemoryEventStore(list(self.engine.events())),
                routing_rule=other._rule(),
                location_facts=self.scenario.header.location_facts(),
            )
        other.next_step = self.next_step
        other.rejected = Counter(self.rejected)
        other.refused = list(self.refused)
        return other

    def _expand(self, step: Step) -> Iterator[Command]:
        if isinstance(step, FulfilOrder):
            for s in self.engine.shipments(step.order):
                if s.status is ShipmentStatus.OPEN and s.units:
                    base = f"{step.key}/{s.shipment}"
                    yield StartPicking(key=f"{base}/pick", at=step.at, shipment=s.shipment)
                    yield PackShipment(key=f"{base}/pack", at=step.at, shipment=s.shipment)
                    yield ShipShipment(
                        key=f"{base}/ship", at=step.at, shipment=s.shipment, carrier=step.carrier
                    )
        elif isinstance(step, ReturnOrder):
            yield from self._returns(step)
        elif isinstance(step, SettleOrder):
            if self.engine.order(step.order) is None:
                raise NotFoundError("order", step.order)
            yield from settle_commands(self.engine, step)
        else:
            yield step

    def _returns(self, step: ReturnOrder) -> Iterator[Command]:
        order = self.engine.order(step.order)
        if order is None:
            raise NotFoundError("order", step.order)
        bins: dict[str, str] = {}
        for s in self.engine.shipments(step.order):
            if s.status is ShipmentStatus.SHIPPED:
                for pick in s.picks:
                    bins.setdefault(pick.line_id, pick.location)
        left = step.quantity
        lines: dict[str, list[tuple[str, int]]] = defaultdict(list)
        for line in order.lines:
            n = min(left, line.shipped - line.returned)
            if n > 0 and line.line_id in bins:
                lines[bins[line.line_id]].append((line.line_id, n))
                left -= n
        if not lines:
            return
        from invorder.domain.orders.values import LineQuantity

        every = [LineQuantity(lid, n) for group in lines.values() for lid, n in group]
        yield OpenReturn(key=step.key, at=step.at, rma=step.key, order=step.order, lines=every)
        for n, (location, group) in enumerate(sorted(lines.items())):
            yield ReceiveReturn(
                key=f"{step.key}/in{n}",
                at=step.at,
                rma=step.key,
                location=location,
                lines=[ReturnedUnits(lid, q, step.disposition) for lid, q in group],
            )


def simulate(scenario: Scenario, rule: str = DEFAULT_RULE) -> Simulation:
    """Run every step of ``scenario`` under ``rule`` on a fresh in-memory engine."""
    return Simulation(scenario, rule).advance()
