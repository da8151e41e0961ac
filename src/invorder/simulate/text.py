"""Plain-text renderings of KPI reports and comparisons, for a terminal and the CLI."""

from __future__ import annotations

from invorder.simulate.comparison import Comparison, allocation_text, labels, why_text
from invorder.simulate.kpi import Report, kpi_rows, money_text
from invorder.simulate.table import better, difference_text, text


def format_report(rep: Report) -> str:
    """A plain-text KPI table: one column overall, one per channel."""
    columns = {"all": rep.overall, **rep.by_channel}
    rows = [["kpi", *columns]]
    for name, values in kpi_rows(list(columns.values())):
        rows.append([name, *(text(name, v) for v in values)])
    out = [f"rule: {rep.rule}   events: {rep.events:,}   end: {rep.end.isoformat()}", _table(rows)]
    out.append("stock on hand at the end, at weighted-average cost (cash tied up):")
    stock = [["stock", "units", "value", "unvalued_units"]]
    for where, part in {"all": rep.stock_value, **rep.stock_value_by_warehouse}.items():
        stock.append([where, f"{part.units:,}", money_text(part.value), f"{part.unvalued_units:,}"])
    out.append(_table(stock))
    if rep.uncosted_received_units:
        out.append(
            f"received without a cost (valued at the average of the moment): "
            f"{rep.uncosted_received_units:,} units"
        )
    out.append(f"oversold units: {rep.oversold_units:,}")
    top = ", ".join(f"{s} ({n:,})" for s, n in list(rep.stock_outs.items())[:5]) or "none"
    out.append(f"stock-outs: {len(rep.stock_outs):,} SKUs backordered; most: {top}")
    if rep.close_out_reasons:
        held = ", ".join(f"{r} {n:,}" for r, n in rep.close_out_reasons.items())
        out.append(f"orders held open (done shipping, not closable): {held}")
    if rep.rejected:
        out.append("refused commands: " + ", ".join(f"{c} {n:,}" for c, n in rep.rejected.items()))
    return "\n".join(out) + "\n"


_BOLD_GREEN = "\x1b[1;32m"
_RESET = "\x1b[0m"


def format_comparison(c: Comparison, *, examples: int | None = 5, colour: bool = False) -> str:
    """Two runs side by side (the rows of :meth:`Comparison.rows`) with the difference, the
    better value of each KPI marked with ``*`` (in bold green too when ``colour``), then the
    first ``examples`` decisions that differ (every one when ``None``)."""
    a_label, b_label = labels(c)
    rows = [["kpi", a_label, b_label, "difference"]]
    marks: list[int] = [-1]
    for r in c.rows():
        cells = [r.name, text(r.name, r.a), text(r.name, r.b), difference_text(r.name, r.a, r.b)]
        mark = better(r.name, r.a, r.b)
        if mark >= 0:
            cells[1 + mark] += "*"
        rows.append(cells)
        marks.append(mark)
    table = _table(rows, pad_marks=True)
    if colour:
        table = _coloured(table, marks)
    out = [
        table,
        "* the better value",
        f"this rule change alters {len(c.differing):,} of the {c.decided:,} routing decisions",
    ]
    shown = c.differing if examples is None else c.differing[:examples]
    for order in shown:
        out.append(
            f"  {order}: {a_label} {allocation_text(c.a.decisions.get(order, ()))}"
            f" | {b_label} {allocation_text(c.b.decisions.get(order, ()))}"
        )
        for rep in (c.a, c.b):
            if order in rep.explanations:
                out.append(f"    why under {rep.rule}: {why_text(rep.explanations[order])}")
            later = rep.replans.get(order, ())
            if later:
                out.append(f"    then routed {len(later)} more time(s) under {rep.rule}; "
                           f"last: {why_text(later[-1])}")  # fmt: skip
    if len(shown) < len(c.differing):
        out.append(f"  ... {len(c.differing) - len(shown):,} more (--all lists them)")
    return "\n".join(out) + "\n"


def _coloured(table: str, marks: list[int]) -> str:
    lines = table.split("\n")
    # Line 0 is the header, line 1 the rule under it; row n of the table is line n + 1.
    for n, mark in enumerate(marks[1:], start=2):
        if mark >= 0:
            cells = lines[n].split("  ")
            lines[n] = "  ".join(
                f"{_BOLD_GREEN}{cell}{_RESET}" if cell.endswith("*") else cell for cell in cells
            )
    return "\n".join(lines)


def _table(rows: list[list[str]], *, pad_marks: bool = False) -> str:
    # With pad_marks, a number without a trailing "*" gets a space so that digits line up.
    if pad_marks:
        rows = [row[:1] + [c if c.endswith("*") or n == 0 else c + " " for c in row[1:]]
                for n, row in enumerate(rows)]  # fmt: skip
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for n, row in enumerate(rows):
        lines.append(
            "  ".join(
                c.ljust(w) if i == 0 else c.rjust(w)
                for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
        )
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)
