"""The comparison of two simulation runs: KPIs side by side and the orders routed
differently; it renders itself as HTML for notebooks (plain text is in
``invorder.simulate.text``)."""

from __future__ import annotations

from typing import Any

import attrs

from invorder._html import paragraph, table
from invorder.routing import Explanation
from invorder.simulate.kpi import KPI_NAMES, Report, money_text

_EXAMPLES = 10


@attrs.frozen(kw_only=True)
class Comparison:
    """Two reports side by side and the orders routed differently."""

    a: Report
    """The first run."""
    b: Report
    """The second run."""
    differing: tuple[str, ...]
    """Orders whose allocations differ between the runs."""
    decided: int
    """Orders allocated in either run."""

    def _example(self, order: str) -> dict[str, Any]:
        return {"a": _side(self.a, order), "b": _side(self.b, order)}

    def _repr_html_(self) -> str:
        """Both runs side by side and the decisions that differ, as HTML, for notebooks:
        overall KPIs with the difference, the count of decisions that differ, and the first
        ten of them (with each rule's explanation when the runs kept them)."""
        a, b = labels(self)
        rows: list[list[object]] = []
        for name in KPI_NAMES:
            x, y = getattr(self.a.overall, name), getattr(self.b.overall, name)
            rows.append([name, x, y, _difference(x, y)])
        for name, x, y in (
            ("oversold_units", self.a.oversold_units, self.b.oversold_units),
            ("stock_out_skus", len(self.a.stock_outs), len(self.b.stock_outs)),
            ("stock_units", self.a.stock_value.units, self.b.stock_value.units),
        ):
            rows.append([name, x, y, y - x])
        values = (money_text(self.a.stock_value.value), money_text(self.b.stock_value.value))
        rows.append(["stock_value", *values, ""])
        out = [
            table(["kpi", a, b, "difference"], rows),
            paragraph(
                f"this rule change alters {len(self.differing)} of the {self.decided} routing"
                " decisions"
            ),
        ]
        explained = any(self.a.explanations) or any(self.b.explanations)
        header = ["order", a, b]
        if explained:
            header += [f"why under {a}", f"why under {b}"]
        examples = []
        for order in self.differing[:_EXAMPLES]:
            row = [order, *(allocation_text(r.decisions.get(order, ())) for r in (self.a, self.b))]
            if explained:
                for rep in (self.a, self.b):
                    found = rep.explanations.get(order)
                    row.append(why_text(found) if found is not None else "")
            examples.append(row)
        if examples:
            shown = "" if len(self.differing) <= _EXAMPLES else f" (first {_EXAMPLES})"
            out.append(table(header, examples, caption=f"decisions that differ{shown}"))
        return "".join(out)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-compatible dict: both reports, counts, and up to ten differing orders."""
        return {
            "a": self.a.to_dict(),
            "b": self.b.to_dict(),
            "decided": self.decided,
            "differing": len(self.differing),
            "examples": {o: self._example(o) for o in self.differing[:10]},
        }


def _side(rep: Report, order: str) -> dict[str, Any]:
    side: dict[str, Any] = {"allocated": rep.decisions.get(order, ())}
    if order in rep.explanations:
        side["why"] = why_text(rep.explanations[order])
    if order in rep.replans:
        side["why_later"] = [why_text(e) for e in rep.replans[order]]
    return side


def labels(c: Comparison) -> tuple[str, str]:
    """Column names for the two runs of ``c``: their rule names, told apart when equal."""
    if c.a.rule != c.b.rule:
        return c.a.rule, c.b.rule
    return f"{c.a.rule} (a)", f"{c.b.rule} (b)"


def _difference(x: float, y: float) -> float:
    if isinstance(x, float) or isinstance(y, float):
        return round(y - x, 4)
    return y - x


def compare(a: Report, b: Report) -> Comparison:
    """Compare two runs of the same scenario."""
    orders = sorted(set(a.decisions) | set(b.decisions))
    differing = tuple(o for o in orders if a.decisions.get(o, ()) != b.decisions.get(o, ()))
    return Comparison(a=a, b=b, differing=differing, decided=len(orders))


def why_text(explanation: Explanation) -> str:
    """An explanation on one line: the ranked locations, the excluded ones with the filter
    that dropped each, and the split policy."""
    ranked = ", ".join(e.location for e in explanation.ranked()) or "none"
    dropped = ", ".join(f"{e.location} ({e.excluded_by})" for e in explanation.excluded())
    split = f"; split {explanation.split}" if explanation.split else ""
    return f"ranked {ranked}" + (f"; excluded {dropped}" if dropped else "") + split


def allocation_text(rows: tuple[tuple[str, str, int], ...]) -> str:
    """An order's allocated units (``Report.decisions`` rows) on one line, as
    ``unitsxSKU@warehouse``; ``nothing`` when there is none."""
    return ", ".join(f"{n}x{s}@{w}" for w, s, n in rows) or "nothing"
