"""Typed explanations of routing decisions: per candidate location, why it was excluded or
how it scored, ranked and was picked; rendered as text, rows or HTML, and compared."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import attrs

from invorder._html import items, paragraph, table
from invorder.domain.stock.location import LocationId

ScoreValue = int | float | Decimal
"""A raw criterion value: kilometres, a cost amount, units, a load share, a position."""


@attrs.frozen
class CriterionScore:
    """How one location scored on one ranking criterion."""

    criterion: str
    """The criterion's name (``"nearest_km"``, ``"lowest_cost"``, ...)."""
    value: ScoreValue | None
    """The raw value (``None`` when unknown, e.g. no coordinates); unknown ranks last."""
    higher_is_better: bool = False
    """Direction of the raw value."""
    normalised: float | None = None
    """In a weighted ranking: the value scaled to 0 (worst candidate) .. 1 (best)."""
    weight: Decimal | None = None
    """In a weighted ranking: the criterion's weight."""


@attrs.frozen
class LocationExplanation:
    """What happened to one candidate location while a plan was made."""

    location: LocationId
    """The candidate."""
    excluded_by: str | None = None
    """The filter that dropped it, or ``None`` if it stayed a candidate."""
    exclusion_reason: str | None = None
    """Why that filter dropped it, in words."""
    scores: tuple[CriterionScore, ...] = ()
    """Its score per ranking criterion (empty when excluded)."""
    rank: int | None = None
    """Its place after ranking, 1 for the best (``None`` when excluded)."""
    tie_break: str | None = None
    """How a tie with another candidate was broken, if there was one."""
    decision: str | None = None
    """What the split policy decided for it, in words."""
    allocated: int = 0
    """Units the plan takes from it, over all lines."""

    @property
    def picked(self) -> bool:
        """True when the plan ships something from this location."""
        return self.allocated > 0


@attrs.frozen
class ExplanationChange:
    """One difference between two explanations."""

    location: str
    """The location the difference is about, or ``""`` for the plan as a whole."""
    field: str
    """The field that differs."""
    before: Any
    """Its value in the first explanation."""
    after: Any
    """Its value in the second explanation."""


@attrs.frozen
class ExplanationDiff:
    """The differences between two explanations, location by location; empty if alike."""

    changes: tuple[ExplanationChange, ...]
    """Every difference, plan-level first, then by location id."""

    def __bool__(self) -> bool:
        return bool(self.changes)

    def render(self) -> str:
        """One line per difference, for a person."""
        if not self.changes:
            return "no differences"
        out = []
        for change in self.changes:
            where = change.location or "plan"
            out.append(f"{where}: {change.field} {change.before!r} -> {change.after!r}")
        return "\n".join(out)

    def _repr_html_(self) -> str:
        """The differences as an HTML table, for notebooks: one row per difference (where,
        which field, before, after)."""
        if not self.changes:
            return paragraph("no differences")
        rows = [
            [change.location or "plan", change.field, repr(change.before), repr(change.after)]
            for change in self.changes
        ]
        return table(["where", "field", "before", "after"], rows)


_COMPARED = ("excluded_by", "exclusion_reason", "rank", "tie_break", "decision", "allocated")


def _format(value: ScoreValue | None) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


@attrs.frozen
class Explanation:
    """Why a plan is what it is: the rule, the branch a condition chose, the split and
    backorder policies, and one :class:`LocationExplanation` per candidate (by location id).

    Built only when the caller asks for it (``rule.explain(request)``,
    :func:`~invorder.routing.explain_plan`); a plain call of a rule plans without it.

    Invariant (checked by :func:`~invorder.routing.check_plan`): ``allocated`` per location
    equals what the plan takes from it; excluded locations allocate nothing.
    """

    rule: str
    """The name of the rule or pipeline that made the plan."""
    locations: tuple[LocationExplanation, ...] = ()
    """One entry per candidate location, sorted by location id."""
    branch: str | None = None
    """The condition that chose the pipeline, when a condition did."""
    split: str | None = None
    """The split policy used."""
    backorder: str | None = None
    """The backorder policy used."""
    notes: tuple[str, ...] = ()
    """Anything else worth saying (wave trims, holds, exact or greedy search)."""

    def location(self, location: str) -> LocationExplanation:
        """The entry for one location (a blank one if it was never a candidate)."""
        for entry in self.locations:
            if entry.location == location:
                return entry
        return LocationExplanation(location=LocationId(location))

    def ranked(self) -> tuple[LocationExplanation, ...]:
        """The candidates that survived the filters, best first."""
        kept = [entry for entry in self.locations if entry.rank is not None]
        return tuple(sorted(kept, key=lambda entry: (entry.rank, entry.location)))

    def excluded(self) -> tuple[LocationExplanation, ...]:
        """The candidates a filter dropped, by location id."""
        return tuple(entry for entry in self.locations if entry.excluded_by is not None)

    def render(self) -> str:
        """A readable multi-line account of the decision."""
        head = f"rule {self.rule}"
        if self.branch:
            head += f" (chosen by {self.branch})"
        parts = [head]
        if self.split:
            parts.append(f"split: {self.split}; backorder: {self.backorder or 'n/a'}")
        for entry in self.ranked():
            scores = ", ".join(f"{s.criterion}={_format(s.value)}" for s in entry.scores)
            line = f"  #{entry.rank} {entry.location}"
            if scores:
                line += f" [{scores}]"
            if entry.tie_break:
                line += f" (tie: {entry.tie_break})"
            line += f": {entry.decision or 'not considered'}"
            if entry.allocated:
                line += f"; ships {entry.allocated} units"
            parts.append(line)
        for entry in self.excluded():
            parts.append(
                f"  excluded {entry.location} by {entry.excluded_by}: {entry.exclusion_reason}"
            )
        parts.extend(f"  note: {note}" for note in self.notes)
        return "\n".join(parts)

    def _repr_html_(self) -> str:
        """The candidates as an HTML table, for notebooks: one row per location, best-ranked
        first, then the excluded ones; the rule, branch, split and backorder policies as the
        caption; notes as a list."""
        caption = f"rule {self.rule}"
        if self.branch:
            caption += f" (chosen by {self.branch})"
        if self.split:
            caption += f"; split: {self.split}; backorder: {self.backorder or 'n/a'}"
        entries = [*self.ranked(), *self.excluded()]
        criteria: dict[str, None] = {}
        for entry in entries:
            for score in entry.scores:
                criteria.setdefault(score.criterion, None)
        rows = []
        for entry in entries:
            scores = {score.criterion: score.value for score in entry.scores}
            rows.append(
                [
                    entry.location,
                    entry.rank,
                    *(scores.get(name) for name in criteria),
                    entry.tie_break,
                    entry.decision,
                    entry.allocated,
                    entry.excluded_by,
                    entry.exclusion_reason,
                ]
            )
        header = ["location", "rank", *criteria, "tie_break", "decision", "allocated"]
        header += ["excluded_by", "exclusion_reason"]
        return table(header, rows, caption=caption) + items(f"note: {note}" for note in self.notes)

    def to_rows(self) -> list[dict[str, Any]]:
        """One plain dict per candidate location (scores flattened as ``score:<name>``),
        ready for a notebook table or a log line."""
        rows = []
        for entry in self.locations:
            row: dict[str, Any] = {
                "rule": self.rule,
                "branch": self.branch,
                "location": entry.location,
                "excluded_by": entry.excluded_by,
                "exclusion_reason": entry.exclusion_reason,
                "rank": entry.rank,
                "tie_break": entry.tie_break,
                "decision": entry.decision,
                "allocated": entry.allocated,
            }
            for score in entry.scores:
                row[f"score:{score.criterion}"] = score.value
            rows.append(row)
        return rows

    def compare(self, other: Explanation) -> ExplanationDiff:
        """What changed from this explanation to ``other`` (e.g. under another rule)."""
        changes: list[ExplanationChange] = []
        for name in ("rule", "branch", "split", "backorder", "notes"):
            before, after = getattr(self, name), getattr(other, name)
            if before != after:
                changes.append(ExplanationChange("", name, before, after))
        mine = {entry.location: entry for entry in self.locations}
        theirs = {entry.location: entry for entry in other.locations}
        for location in sorted(mine.keys() | theirs.keys()):
            a = mine.get(location, LocationExplanation(location=location))
            b = theirs.get(location, LocationExplanation(location=location))
            for name in _COMPARED:
                if getattr(a, name) != getattr(b, name):
                    changes.append(
                        ExplanationChange(location, name, getattr(a, name), getattr(b, name))
                    )
            a_scores = {s.criterion: s.value for s in a.scores}
            b_scores = {s.criterion: s.value for s in b.scores}
            for criterion in sorted(a_scores.keys() | b_scores.keys()):
                if a_scores.get(criterion) != b_scores.get(criterion):
                    changes.append(
                        ExplanationChange(
                            location,
                            f"score:{criterion}",
                            a_scores.get(criterion),
                            b_scores.get(criterion),
                        )
                    )
        return ExplanationDiff(tuple(changes))
