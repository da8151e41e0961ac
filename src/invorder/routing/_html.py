"""HTML for notebooks: plain escaped tables (also used by ``invorder.simulate``), and the
renderings of plans and explanations behind their ``_repr_html_``."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from invorder.routing.explain import Explanation, ExplanationDiff
    from invorder.routing.plan import AllocationPlan


_RIGHT = ' style="text-align: right"'


def cell(value: object) -> str:
    """A value as table-cell text: ``None`` is blank, floats keep four significant digits
    (thousands with separators), anything else is ``str``."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.4g}"
    return str(value)


def _numeric(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def table(
    header: Sequence[str], rows: Iterable[Sequence[object]], *, caption: str | None = None
) -> str:
    """An HTML table with one header row; cells are escaped, numbers right-aligned."""
    out = ['<table class="invorder">']
    if caption:
        out.append(f"<caption>{escape(caption)}</caption>")
    out.append("<thead><tr>" + "".join(f"<th>{escape(h)}</th>" for h in header) + "</tr></thead>")
    out.append("<tbody>")
    for row in rows:
        cells = "".join(f"<td{_RIGHT if _numeric(v) else ''}>{escape(cell(v))}</td>" for v in row)
        out.append(f"<tr>{cells}</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def paragraph(text: str) -> str:
    """A paragraph of escaped text."""
    return f"<p>{escape(text)}</p>"


def items(lines: Iterable[str]) -> str:
    """An unordered list of escaped lines (empty string when there is none)."""
    body = "".join(f"<li>{escape(line)}</li>" for line in lines)
    return f"<ul>{body}</ul>" if body else ""


def explanation_html(explanation: Explanation) -> str:
    """One row per candidate location, best-ranked first, then the excluded ones; the
    rule, branch, split and backorder policies as the caption; notes as a list."""
    caption = f"rule {explanation.rule}"
    if explanation.branch:
        caption += f" (chosen by {explanation.branch})"
    if explanation.split:
        caption += f"; split: {explanation.split}; backorder: {explanation.backorder or 'n/a'}"
    entries = [*explanation.ranked(), *explanation.excluded()]
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
    return table(header, rows, caption=caption) + items(
        f"note: {note}" for note in explanation.notes
    )


def plan_html(plan: AllocationPlan) -> str:
    """One row per line (where its units ship from, what waits), then the explanation."""
    rows = [
        [
            line.line_id,
            line.sku,
            line.requested,
            ", ".join(f"{a.quantity} @ {a.location}" for a in line.allocations) or "nothing",
            line.backordered,
            line.cancelled,
        ]
        for line in plan.lines
    ]
    caption = (
        f"order {plan.order_id}: {plan.allocated} allocated, {plan.backordered} backordered"
        f", {len(plan.shipments)} shipment(s)"
    )
    held = paragraph(f"held: {plan.hold_reason or 'for review'}") if plan.held else ""
    header = ["line", "sku", "requested", "allocations", "backordered", "cancelled"]
    return table(header, rows, caption=caption) + held + explanation_html(plan.explanation)


def diff_html(diff: ExplanationDiff) -> str:
    """One row per difference: where, which field, before, after."""
    if not diff.changes:
        return paragraph("no differences")
    rows = [
        [change.location or "plan", change.field, repr(change.before), repr(change.after)]
        for change in diff.changes
    ]
    return table(["where", "field", "before", "after"], rows)
