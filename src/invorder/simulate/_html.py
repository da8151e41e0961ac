"""HTML renderings of KPI reports and comparisons, behind their ``_repr_html_`` in notebooks
(plain tables: no pandas needed)."""

from __future__ import annotations

from invorder.routing._html import items, paragraph, table
from invorder.simulate.kpi import _ROWS, Comparison, Report, _alloc, _money, _why

_EXAMPLES = 10


def report_html(rep: Report) -> str:
    """The KPI table (one column overall, one per channel) and what the ledger says."""
    columns = {"all": rep.overall, **rep.by_channel}
    rows = [[name, *(getattr(k, name) for k in columns.values())] for name in _ROWS]
    caption = f"rule {rep.rule}: {rep.events} events, end {rep.end.isoformat()}"
    top = ", ".join(f"{s} ({n})" for s, n in list(rep.stock_outs.items())[:5]) or "none"
    notes = [
        f"oversold units: {rep.oversold_units}",
        f"stock-outs: {len(rep.stock_outs)} SKUs backordered; most: {top}",
    ]
    if rep.rejected:
        notes.append("refused commands: " + ", ".join(f"{c} {n}" for c, n in rep.rejected.items()))
    stock = [
        [where, part.units, _money(part.value), part.unvalued_units]
        for where, part in {"all": rep.stock_value, **rep.stock_value_by_warehouse}.items()
    ]
    return (
        table(["kpi", *columns], rows, caption=caption)
        + table(["stock", "units", "value", "unvalued_units"], stock,
                caption="stock on hand at the end, at weighted-average cost")
        + items(notes)
    )  # fmt: skip


def comparison_html(c: Comparison) -> str:
    """Overall KPIs side by side with the difference, the count of decisions that differ,
    and the first ten of them (with each rule's explanation when the runs kept them)."""
    a, b = labels(c)
    rows: list[list[object]] = []
    for name in _ROWS:
        x, y = getattr(c.a.overall, name), getattr(c.b.overall, name)
        rows.append([name, x, y, _difference(x, y)])
    for name, x, y in (
        ("oversold_units", c.a.oversold_units, c.b.oversold_units),
        ("stock_out_skus", len(c.a.stock_outs), len(c.b.stock_outs)),
        ("stock_units", c.a.stock_value.units, c.b.stock_value.units),
    ):
        rows.append([name, x, y, y - x])
    rows.append(["stock_value", _money(c.a.stock_value.value), _money(c.b.stock_value.value), ""])
    out = [
        table(["kpi", a, b, "difference"], rows),
        paragraph(
            f"this rule change alters {len(c.differing)} of the {c.decided} routing decisions"
        ),
    ]
    explained = any(c.a.explanations) or any(c.b.explanations)
    header = ["order", a, b]
    if explained:
        header += [f"why under {a}", f"why under {b}"]
    examples = []
    for order in c.differing[:_EXAMPLES]:
        row = [order, _alloc(c.a.decisions.get(order, ())), _alloc(c.b.decisions.get(order, ()))]
        if explained:
            for rep in (c.a, c.b):
                found = rep.explanations.get(order)
                row.append(_why(found) if found is not None else "")
        examples.append(row)
    if examples:
        shown = "" if len(c.differing) <= _EXAMPLES else f" (first {_EXAMPLES})"
        out.append(table(header, examples, caption=f"decisions that differ{shown}"))
    return "".join(out)


def labels(c: Comparison) -> tuple[str, str]:
    """Column names for the two runs: their rule names, told apart when equal."""
    if c.a.rule != c.b.rule:
        return c.a.rule, c.b.rule
    return f"{c.a.rule} (a)", f"{c.b.rule} (b)"


def _difference(x: float, y: float) -> float:
    if isinstance(x, float) or isinstance(y, float):
        return round(y - x, 4)
    return y - x
