"""The routing decisions of a run as plain records, and how the decisions of two runs are
matched and compared: what a golden decision file holds (:mod:`invorder.simulate.golden`).

A *decision* is one allocation of an order: each time the engine reserved stock for some of
its lines, or found none and backordered them (an ``OrderAllocated`` event), with the units
the rule cancelled and its hold for review in the same step. The first allocation of an
order, its re-allocations after arrivals, short picks, withdrawals and released holds, and
a person's moves are all decisions; captures, customer cancellations and shipping are not.

Decisions of two runs are matched by order and sequence number within the order (its
first decision is ``#0``), never by position in the log, so an order routed differently
shows as one difference, not as a shift of every later decision. Two matched decisions
are the same when they reserved the same units of the same lines at the same locations and
backordered, cancelled and held the same; the time, trigger and reason are context.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import Any, Literal

import attrs

from invorder.adapters.memory import MemoryEventStore
from invorder.domain.messages import Command, Event
from invorder.domain.orders.events import (
    LineCancellation,
    OrderAllocated,
    OrderCancelled,
    OrderHeld,
)
from invorder.domain.orders.values import HoldReason
from invorder.domain.stock.events import StockPosted
from invorder.engine import Engine, Outcome
from invorder.routing import AllocationPlan, RoutingRequest, RoutingRule, explain_plan
from invorder.simulate.comparison import why_text
from invorder.simulate.run import DEFAULT_RULE, Simulation, resolve_rule
from invorder.simulate.scenario import Scenario

_REVIEW = HoldReason.ROUTING_REVIEW.value


@attrs.frozen
class LineDecision:
    """What one decision did for one order line."""

    line: str
    """The order line."""
    sku: str
    """Its SKU."""
    allocated: tuple[tuple[str, int], ...] = ()
    """Units reserved, as (location, units) sorted by location (the bins the allocator
    reserved in, under the locations the rule chose)."""
    backordered: int = 0
    """Units of the line left waiting after the decision."""
    cancelled: int = 0
    """Units the rule's backorder policy cancelled."""


@attrs.frozen(kw_only=True)
class Decision:
    """One allocation of an order in a run (see the module docstring)."""

    order: str
    """The order."""
    seq: int
    """Its place among the order's decisions in the run, from 0."""
    at: datetime
    """Time of the command that made it."""
    trigger: str
    """That command's type and key (``CaptureOrder o-17``, ``ReceiveStock r-3``)."""
    lines: tuple[LineDecision, ...]
    """Per line allocated, in the order's line order."""
    held: bool = False
    """The rule held the order for review."""
    why: str = ""
    """The rule's explanation on one line (ranked and excluded locations, split policy);
    empty without a routing rule (``first_fit``) or for a person's move."""

    @property
    def key(self) -> tuple[str, int]:
        """What matches it with a decision of another run: (order, seq)."""
        return (self.order, self.seq)

    def same_as(self, other: Decision) -> bool:
        """True when both reserved, backordered, cancelled and held the same."""
        return self.lines == other.lines and self.held == other.held

    def text(self) -> str:
        """The decision's effect on one line: ``2xMUG@EAST/A/01, 1xPLATE backordered``."""
        parts = [f"{n}x{line.sku}@{where}" for line in self.lines for where, n in line.allocated]
        parts += [f"{line.backordered}x{line.sku} backordered" for line in self.lines
                  if line.backordered]  # fmt: skip
        parts += [f"{line.cancelled}x{line.sku} cancelled" for line in self.lines
                  if line.cancelled]  # fmt: skip
        if self.held:
            parts.append("held for review")
        return ", ".join(parts) or "nothing"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-compatible dict (a golden file's line); zero and empty values left out."""
        lines = []
        for line in self.lines:
            row: dict[str, Any] = {"line": line.line, "sku": line.sku}
            row["allocated"] = [[where, n] for where, n in line.allocated]
            if line.backordered:
                row["backordered"] = line.backordered
            if line.cancelled:
                row["cancelled"] = line.cancelled
            lines.append(row)
        data: dict[str, Any] = {"order": self.order, "seq": self.seq, "at": self.at.isoformat(),
                                "trigger": self.trigger, "lines": lines}  # fmt: skip
        if self.held:
            data["held"] = True
        if self.why:
            data["why"] = self.why
        return data


class _Listener:
    """Wraps the routing rule to keep its last plan per order while one command is decided,
    and turns each command's new events into decisions."""

    __slots__ = ("decisions", "plans", "rule", "seqs")

    def __init__(self, rule: RoutingRule | None) -> None:
        self.rule = rule
        self.plans: dict[str, AllocationPlan] = {}
        self.decisions: list[Decision] = []
        self.seqs: dict[str, int] = {}

    @property
    def name(self) -> str:
        """The wrapped rule's name, for the allocation record."""
        return rule_name(self.rule) if self.rule is not None else "first_fit"

    def __call__(self, request: RoutingRequest) -> AllocationPlan:
        assert self.rule is not None  # only installed when there is a rule
        plan = explain_plan(self.rule, request)
        # The last plan is the one kept (the engine may try one first, as explain_allocation
        # says).
        self.plans[request.order.order_id] = plan
        return plan

    def take(self, events: Iterable[Event], sku_of: Callable[[str, str], str]) -> None:
        """Record the decisions among one command's events; ``sku_of(order, line)`` names
        the SKU of a line that got no units."""
        current: Decision | None = None
        for event in events:
            if isinstance(event, OrderAllocated):
                self._keep(current)
                current = self._decision(event, sku_of)
            elif isinstance(event, StockPosted):
                continue  # the reservations of the allocation
            elif current is not None and getattr(event, "order", None) == current.order:
                current = _with_effect(current, event)
            else:
                self._keep(current)
                current = None
        self._keep(current)
        self.plans.clear()

    def _keep(self, decision: Decision | None) -> None:
        if decision is not None:
            self.decisions.append(decision)

    def _decision(self, event: OrderAllocated, sku_of: Callable[[str, str], str]) -> Decision:
        order = event.order
        seq = self.seqs.get(order, 0)
        self.seqs[order] = seq + 1
        allocated: dict[str, dict[str, int]] = {}
        skus: dict[str, str] = {}
        for pick in event.picks:
            where = allocated.setdefault(pick.line_id, {})
            where[pick.location] = where.get(pick.location, 0) + pick.quantity
            skus[pick.line_id] = pick.sku
        lines = tuple(
            LineDecision(b.line_id, skus.get(b.line_id) or sku_of(order, b.line_id),
                         tuple(sorted(allocated.get(b.line_id, {}).items())), b.backordered)
            for b in event.backorders
        )  # fmt: skip
        plan = self.plans.get(order)
        why = plan.explanation if plan is not None else None
        return Decision(order=order, seq=seq, at=event.at, trigger=_trigger(event.command),
                        lines=lines, why=why_text(why) if why is not None else "")  # fmt: skip


def _with_effect(decision: Decision, event: Event) -> Decision:
    """``decision`` with the rule's cancellation or review hold that followed it."""
    if isinstance(event, OrderCancelled):
        by_line: dict[str, LineCancellation] = {c.line_id: c for c in event.lines}
        lines = tuple(_cancelled(x, by_line[x.line]) if x.line in by_line else x
                      for x in decision.lines)  # fmt: skip
        return attrs.evolve(decision, lines=lines)
    if isinstance(event, OrderHeld) and event.reason == _REVIEW:
        return attrs.evolve(decision, held=True)
    return decision


def _cancelled(line: LineDecision, cancellation: LineCancellation) -> LineDecision:
    """``line`` once the rule cancelled units of it (backordered ones first)."""
    return attrs.evolve(
        line,
        backordered=max(0, line.backordered - cancellation.backordered),
        cancelled=line.cancelled + cancellation.quantity,
    )


def _trigger(command: Command) -> str:
    return f"{type(command).__name__} {command.key}"


class _ListeningEngine(Engine):
    """An engine that tells its listener about each command's new events."""

    __slots__ = ("_listener",)

    def __init__(self, store: MemoryEventStore, listener: _Listener, **policies: Any) -> None:
        super().__init__(store, **policies)
        self._listener = listener

    def execute(self, command: Command) -> Outcome:
        """Decide ``command`` as :meth:`Engine.execute` does, then record its decisions."""
        self._listener.plans.clear()  # a refused command may have left plans behind
        start = self.position
        outcome = super().execute(command)
        self._listener.take(self.events(start), self._sku_of)
        return outcome

    def _sku_of(self, order: str, line: str) -> str:
        found = self.order(order)
        lines = found.lines if found is not None else ()
        return next((x.sku for x in lines if x.line_id == line), "")


class _RecordingRun(Simulation):
    """A simulation whose engine records every decision."""

    __slots__ = ("listener",)

    def __init__(self, scenario: Scenario, rule: str | RoutingRule) -> None:
        self.listener = _Listener(resolve_rule(rule) if isinstance(rule, str) else rule)
        super().__init__(scenario, rule_name(rule))

    def _new_engine(self, store: MemoryEventStore) -> Engine:
        rule = self.listener if self.listener.rule is not None else None
        facts = self.scenario.header.location_facts()
        return _ListeningEngine(store, self.listener, routing_rule=rule, location_facts=facts)


def rule_name(rule: str | RoutingRule) -> str:
    """``rule`` as a golden file names it: a name as given, a rule object by its ``name``
    (or ``__name__``)."""
    if isinstance(rule, str):
        return rule
    return str(getattr(rule, "name", getattr(rule, "__name__", "routing rule")))


def record_decisions(
    scenario: Scenario,
    rule: str | RoutingRule = DEFAULT_RULE,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[Decision, ...]:
    """Run ``scenario`` under ``rule`` (a built-in name, ``module:attribute``, or a routing
    rule itself) on a fresh in-memory engine and return every decision, in the order they
    were made."""
    run = _RecordingRun(scenario, rule)
    run.advance(progress=progress)
    return tuple(run.listener.decisions)


Kind = Literal["changed", "gone", "new"]
"""How a decision differs: made otherwise, made only before, made only now."""


@attrs.frozen
class DecisionDiff:
    """One decision that differs between a recorded run and the run now."""

    before: Decision | None
    """The recorded decision (``None``: it is new)."""
    after: Decision | None
    """The decision now (``None``: it is no longer made)."""

    @property
    def kind(self) -> Kind:
        """``changed``, ``gone`` (recorded only) or ``new`` (made only now)."""
        if self.before is None:
            return "new"
        return "changed" if self.after is not None else "gone"

    @property
    def key(self) -> tuple[str, int]:
        """(order, seq) of the decision."""
        found = self.before or self.after
        assert found is not None
        return found.key

    def to_dict(self) -> dict[str, Any]:
        """A JSON-compatible dict: order, seq, kind, and both sides (``null`` when absent)."""
        order, seq = self.key
        return {
            "order": order,
            "seq": seq,
            "kind": self.kind,
            "before": None if self.before is None else self.before.to_dict(),
            "after": None if self.after is None else self.after.to_dict(),
        }


@attrs.frozen
class DecisionCheck:
    """The decisions of a recorded run against those of the run now."""

    differing: tuple[DecisionDiff, ...]
    """Decisions that differ, in the order they were made (recorded time first)."""
    decisions: int
    """Decisions in either run (matched ones counted once)."""
    recorded: int
    """Decisions in the recorded run."""
    now: int
    """Decisions in the run now."""

    @property
    def unchanged(self) -> bool:
        """True when no decision differs."""
        return not self.differing

    def counts(self) -> dict[str, int]:
        """How many differ, by kind (``changed``, ``gone``, ``new``)."""
        found = {"changed": 0, "gone": 0, "new": 0}
        for diff in self.differing:
            found[diff.kind] += 1
        return found

    def summary(self) -> str:
        """``this change alters N of M decisions`` with the count of each kind."""
        text = f"this change alters {len(self.differing)} of {self.decisions} decisions"
        if not self.differing:
            return text
        counts = self.counts()
        words = {"changed": "changed", "gone": "no longer made", "new": "new"}
        kinds = ", ".join(f"{counts[k]} {w}" for k, w in words.items() if counts[k])
        return f"{text} ({kinds})"

    def diff_lines(self, examples: int | None = 5) -> Iterator[str]:
        """The first ``examples`` differences (all when ``None``) as indented text: the
        order, the decision's number, time and trigger, before and after, and the rule's
        reason now (and before, when it was another)."""
        shown = self.differing if examples is None else self.differing[:examples]
        for diff in shown:
            order, seq = diff.key
            found = diff.after or diff.before
            assert found is not None
            yield f"{order} #{seq} at {found.at.isoformat()} ({found.trigger}): {diff.kind}"
            yield f"  before: {diff.before.text() if diff.before else '(not made)'}"
            yield f"  after:  {diff.after.text() if diff.after else '(not made)'}"
            before_why = diff.before.why if diff.before is not None else ""
            if before_why and (diff.after is None or diff.after.why != before_why):
                yield f"  why before: {before_why}"
            if diff.after is not None and diff.after.why:
                yield f"  why now: {diff.after.why}"
        if len(shown) < len(self.differing):
            yield f"(first {len(shown)} of {len(self.differing)})"


def compare_decisions(recorded: Iterable[Decision], now: Iterable[Decision]) -> DecisionCheck:
    """Match the decisions of two runs by (order, seq) and list those that differ."""
    before = {d.key: d for d in recorded}
    after = {d.key: d for d in now}
    keys = [*before, *(k for k in after if k not in before)]
    differing = []
    for key in keys:
        b, a = before.get(key), after.get(key)
        if b is None or a is None or not b.same_as(a):
            differing.append(DecisionDiff(b, a))

    def when(diff: DecisionDiff) -> datetime:
        found = diff.before or diff.after
        assert found is not None
        return found.at

    differing.sort(key=when)  # stable: decisions of one time keep the order they were made
    return DecisionCheck(tuple(differing), len(keys), len(before), len(after))
