"""The comparison of two simulation runs: KPIs side by side and the orders routed
differently; it renders itself as HTML for notebooks (plain text is in
``invorder.simulate.text``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import attrs

from invorder._html import paragraph, table
from invorder.routing import Explanation
from invorder.simulate.kpi import Report, StockValue, kpi_rows
from invorder.simulate.table import Value, difference_text, text

_EXAMPLES = 10


@attrs.frozen
class Row:
    """One row of a comparison: the row name and each run's raw value."""

    name: str
    """The KPI name (``invoiced_value USD``, ``stock_value USD``, ``stock_value EAST USD``
    for money rows)."""
    a: Value
    """The first run's value (``None`` when it has none)."""
    b: Value
    """The second run's value."""


@attrs.frozen(kw_only=True, repr=False)
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

    def rows(self, channel: str | None = None) -> list[Row]:
        """The rows every view of this comparison shows (see :func:`comparison_rows`)."""
        return comparison_rows(self.a, self.b, channel)

    def _repr_html_(self) -> str:
        """Both runs side by side and the decisions that differ, as HTML, for notebooks:
        the rows of :meth:`rows` with the difference, the count of decisions that differ,
        and the first ten of them (with each rule's explanation when the runs kept them)."""
        a, b = labels(self)
        body = [
            [row.name, text(row.name, row.a), text(row.name, row.b),
             difference_text(row.name, row.a, row.b)]
            for row in self.rows()
        ]  # fmt: skip
        out = [
            table(["kpi", a, b, "difference"], body, labels=1),
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

    def __repr__(self) -> str:
        """A short summary: both rules, fill rates and the decisions that differ."""
        a, b = self.a.overall.fill_rate, self.b.overall.fill_rate
        return (
            f"<Comparison {self.a.rule} vs {self.b.rule}: fill rate {a:.1%} vs {b:.1%}, "
            f"{len(self.differing)} of {self.decided} decisions differ>"
        )

    def to_dict(self, examples: int | None = _EXAMPLES) -> dict[str, Any]:
        """A JSON-compatible dict: both reports, counts, and the first ``examples`` differing
        orders (every one when ``None``), each run's allocation as objects with ``warehouse``,
        ``sku`` and ``units``."""
        shown = self.differing if examples is None else self.differing[:examples]
        return {
            "a": self.a.to_dict(),
            "b": self.b.to_dict(),
            "decided": self.decided,
            "differing": len(self.differing),
            "examples": {o: self._example(o) for o in shown},
        }


def _side(rep: Report, order: str) -> dict[str, Any]:
    rows = rep.decisions.get(order, ())
    side: dict[str, Any] = {
        "allocated": [{"warehouse": w, "sku": s, "units": n} for w, s, n in rows]
    }
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


def _stock_rows(a: StockValue | None, b: StockValue | None, label: str) -> Iterator[Row]:
    currencies = sorted((a.value if a else {}).keys() | (b.value if b else {}).keys())
    for currency in currencies:
        values: list[Value] = [
            s.value[currency].amount if s and currency in s.value else None for s in (a, b)
        ]
        yield Row(f"{label} {currency}".strip(), values[0], values[1])


def comparison_rows(a: Report, b: Report, channel: str | None = None) -> list[Row]:
    """The rows of a comparison of two reports: every KPI, then (overall only) oversold
    units, stock-out SKUs, stock units and stock value in total, per currency, and per
    warehouse. With ``channel``, that channel's KPIs only."""
    if channel is None:
        x, y = a.overall, b.overall
    else:
        if channel not in a.by_channel or channel not in b.by_channel:
            known = sorted(a.by_channel.keys() | b.by_channel.keys())
            raise KeyError(f"channel {channel!r} is not in both runs; channels: {known}")
        x, y = a.by_channel[channel], b.by_channel[channel]
    rows = [Row(name, *values) for name, values in kpi_rows([x, y])]
    if channel is not None:
        return rows
    rows += [
        Row("oversold_units", a.oversold_units, b.oversold_units),
        Row("stock_out_skus", len(a.stock_outs), len(b.stock_outs)),
        Row("stock_units", a.stock_value.units, b.stock_value.units),
        Row("unvalued_units", a.stock_value.unvalued_units, b.stock_value.unvalued_units),
    ]
    rows += _stock_rows(a.stock_value, b.stock_value, "stock_value")
    by_a, by_b = a.stock_value_by_warehouse, b.stock_value_by_warehouse
    for warehouse in sorted(by_a.keys() | by_b.keys()):
        rows += _stock_rows(by_a.get(warehouse), by_b.get(warehouse), f"stock_value {warehouse}")
    return rows
