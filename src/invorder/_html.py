"""Plain HTML for notebooks: escaped tables, paragraphs and lists, with which routing and
simulate values render themselves in ``_repr_html_`` (imports nothing of ours)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape

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


def _right(value: object, column: int, labels: int | None) -> bool:
    return _numeric(value) if labels is None else column >= labels


def table(
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    caption: str | None = None,
    labels: int | None = None,
) -> str:
    """An HTML table with one header row; cells are escaped, numbers right-aligned. With
    ``labels``, the cells are already written: the first ``labels`` columns are left-aligned
    and the others right-aligned."""
    out = ['<table class="invorder">']
    if caption:
        out.append(f"<caption>{escape(caption)}</caption>")
    out.append("<thead><tr>" + "".join(f"<th>{escape(h)}</th>" for h in header) + "</tr></thead>")
    out.append("<tbody>")
    for row in rows:
        cells = "".join(
            f"<td{_RIGHT if _right(v, i, labels) else ''}>{escape(cell(v))}</td>"
            for i, v in enumerate(row)
        )
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
