"""A sweep as plain text, for a terminal and the CLI: per KPI, the rules ranked with their
mean ± the half-width of the 95% interval, and each rule's paired difference to the best."""

from __future__ import annotations

from invorder.simulate.sweep import SweepResult
from invorder.simulate.table import Kind, format_of

_FAILED_SHOWN = 10


def figure(kpi: str, value: float, *, signed: bool = False) -> str:
    """A mean as the sweep tables write it: percentages as %, the rest with decimals (a
    mean of counts is not a count); ``signed`` writes the sign of a difference."""
    sign = "+" if signed else ""
    value += 0.0  # -0.0 is written 0.0
    kind = format_of(kpi).kind
    if kind is Kind.PERCENT:
        return f"{value:{sign}.1%}"
    decimals = {Kind.RATIO: 3, Kind.MONEY: 2}.get(kind, 1)
    return f"{value:{sign},.{decimals}f}"


def spread(kpi: str, value: float, *, signed: bool = False) -> str:
    """A difference or half-width: in points of the percentage for a percentage."""
    if format_of(kpi).kind is Kind.PERCENT:
        return f"{value * 100 + 0.0:{'+' if signed else ''}.1f}"
    return figure(kpi, value, signed=signed)


def _unit(kpi: str) -> str:
    return " pp" if format_of(kpi).kind is Kind.PERCENT else ""


def _days(result: SweepResult) -> str:
    days: dict[str, list[int]] = {}
    for row in result.rows:
        seeds = days.setdefault(row.cell.day, [])
        if row.cell.seed is not None and row.cell.seed not in seeds:
            seeds.append(row.cell.seed)
    parts = [f"{day} x {len(seeds)} seeds" if seeds else day for day, seeds in days.items()]
    return ", ".join(parts)


def _table(rows: list[list[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    out = []
    for row in rows:
        cells = [c.rjust(w) if 1 < i < 4 else c.ljust(w) for i, (c, w) in
                 enumerate(zip(row, widths, strict=True))]  # fmt: skip
        out.append(("  " + "  ".join(cells)).rstrip())
    return out


def _versus(result: SweepResult, kpi: str, rule: str, best: str) -> str:
    try:
        p = result.pair(kpi, rule, best)
    except KeyError:  # no day where both ran
        return ""
    text = spread(kpi, p.mean, signed=True) + _unit(kpi)
    if p.low is not None and p.high is not None:
        text += f" [{spread(kpi, p.low, signed=True)}, {spread(kpi, p.high, signed=True)}]"
    return text + (" worse" if p.better == best else "")


def format_sweep(result: SweepResult) -> str:
    """Per KPI a table of the rules (best first where the KPI has a better direction):
    rank, mean, ± half-width of the 95% t interval, and the paired difference to the
    rank-1 rule with its interval (``worse`` when the interval excludes 0)."""
    out = [
        f"sweep: {len(result.rules)} rules on {_days(result)}: {len(result.rows)} cells, "
        f"{len(result.failed)} failed",
        "mean ± half-width of the 95% t interval across days; 'vs best': the paired "
        "difference to the rank-1 rule, day by day, with its 95% interval",
    ]
    for kpi in result.kpis:
        direction = format_of(kpi).better
        ranked = result.ranking(kpi)
        note = {1: " (higher is better)", -1: " (lower is better)"}.get(direction, "")
        rows = [["rank", "rule", "mean", "± 95%", "vs best" if direction else ""]]
        best = ranked[0][0]
        for rule, est in ranked:
            half = est.half_width
            vs = ""
            if direction and rule != best:
                vs = _versus(result, kpi, rule, best)
            rows.append([
                str(est.rank) if est.rank is not None else "-",
                rule,
                figure(kpi, est.mean),
                "-" if half is None else f"± {spread(kpi, half)}{_unit(kpi)}",
                vs,
            ])  # fmt: skip
        out += ["", kpi + note, *_table(rows)]
    for row in result.failed[:_FAILED_SHOWN]:
        seed = "" if row.cell.seed is None else f" seed {row.cell.seed}"
        out.append(f"failed: cell {row.cell.index} ({row.cell.rule} on {row.cell.day}{seed}): "
                   f"{row.error}")  # fmt: skip
    if len(result.failed) > _FAILED_SHOWN:
        out.append(f"... and {len(result.failed) - _FAILED_SHOWN} more failed cells")
    return "\n".join(out) + "\n"
