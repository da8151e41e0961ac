"""The statistics of a sweep: per rule and KPI the mean across replicates with a 95%
Student t interval and the rank, and paired differences between rules over the same
replicates.

Why a t interval and not a bootstrap: sweeps have few replicates (5 to 30 days), where a
percentile bootstrap is too narrow, and the t interval needs no random draws. Every figure is
rounded to six decimals, so equal inputs give equal bytes in JSON.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from statistics import NormalDist

import attrs

from invorder.simulate._sweep_cell import CellResult
from invorder.simulate.table import format_of

_DIGITS = 6

# The 97.5% quantile of Student's t with 1..30 degrees of freedom.
_T975 = (
    12.706204736, 4.302652730, 3.182446305, 2.776445105, 2.570581836, 2.446911851,
    2.364624252, 2.306004135, 2.262157163, 2.228138852, 2.200985160, 2.178812830,
    2.160368656, 2.144786688, 2.131449546, 2.119905299, 2.109815578, 2.100922040,
    2.093024054, 2.085963447, 2.079613845, 2.073873068, 2.068657610, 2.063898562,
    2.059538553, 2.055529439, 2.051830516, 2.048407142, 2.045229642, 2.042272456,
)  # fmt: skip


def t975(df: int) -> float:
    """The 97.5% quantile of Student's t with ``df`` degrees of freedom (``df >= 1``): the
    table for 1 to 30, the Cornish-Fisher expansion around the normal quantile above (off by
    less than 1e-6 there)."""
    if df < 1:
        raise ValueError(f"degrees of freedom must be at least 1, got {df}")
    if df <= len(_T975):
        return _T975[df - 1]
    z = NormalDist().inv_cdf(0.975)
    terms = (
        (z**3 + z) / 4,
        (5 * z**5 + 16 * z**3 + 3 * z) / 96,
        (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / 384,
        (79 * z**9 + 776 * z**7 + 1482 * z**5 - 1920 * z**3 - 945 * z) / 92160,
    )
    return z + math.fsum(term / float(df) ** (n + 1) for n, term in enumerate(terms))


@attrs.frozen(kw_only=True)
class Estimate:
    """A rule's KPI across the replicates it ran: mean, 95% t interval and rank."""

    n: int
    """Replicates (cells that ran)."""
    mean: float
    """Mean across them."""
    low: float | None
    """Lower end of the 95% t interval of the mean (``None`` with fewer than 2)."""
    high: float | None
    """Upper end."""
    rank: int | None
    """1 for the best mean among the rules (ties share a rank); ``None`` for a KPI with no
    better direction (orders, units, stock value)."""

    @property
    def half_width(self) -> float | None:
        """Half the interval's width: the ``±`` of the tables."""
        if self.low is None or self.high is None:
            return None
        return round((self.high - self.low) / 2, _DIGITS)


@attrs.frozen(kw_only=True)
class Paired:
    """Rule ``a`` minus rule ``b`` on one KPI, replicate by replicate, with the 95% t
    interval of the mean difference: the evidence for "a beats b"."""

    kpi: str
    """The KPI."""
    a: str
    """The first rule."""
    b: str
    """The second rule."""
    n: int
    """Replicates where both rules ran."""
    mean: float
    """Mean of ``a - b``."""
    low: float | None
    """Lower end of its 95% t interval (``None`` with fewer than 2 replicates)."""
    high: float | None
    """Upper end."""
    better: str | None
    """The rule the interval says is better (it excludes 0); ``None`` when it does not, or
    when the KPI has no better direction."""


def interval(values: Sequence[float]) -> tuple[float, float | None, float | None]:
    """Mean and 95% t interval of ``values`` (no interval for fewer than two), rounded."""
    n = len(values)
    mean = math.fsum(values) / n
    if n < 2:
        return round(mean, _DIGITS), None, None
    variance = math.fsum((v - mean) ** 2 for v in values) / (n - 1)
    half = t975(n - 1) * math.sqrt(variance / n)
    return round(mean, _DIGITS), round(mean - half, _DIGITS), round(mean + half, _DIGITS)


def _ranks(means: dict[str, float], direction: int) -> dict[str, int | None]:
    if not direction:
        return dict.fromkeys(means)
    ordered = sorted(means.values(), reverse=direction > 0)
    return {rule: ordered.index(mean) + 1 for rule, mean in means.items()}


def summarise(
    results: Sequence[CellResult], rules: Sequence[str], kpis: Sequence[str]
) -> dict[str, dict[str, Estimate]]:
    """Per KPI, per rule (in ``rules`` order) the :class:`Estimate` over the cells that ran;
    a rule with no such cell is left out."""
    out: dict[str, dict[str, Estimate]] = {}
    for kpi in kpis:
        values = {rule: _values(results, rule, kpi) for rule in rules}
        stats = {rule: interval(v) for rule, v in values.items() if v}
        ranks = _ranks({rule: s[0] for rule, s in stats.items()}, format_of(kpi).better)
        out[kpi] = {
            rule: Estimate(n=len(values[rule]), mean=m, low=lo, high=hi, rank=ranks[rule])
            for rule, (m, lo, hi) in stats.items()
        }
    return out


def _values(results: Sequence[CellResult], rule: str, kpi: str) -> list[float]:
    return [r.kpis[kpi] for r in results if r.cell.rule == rule and kpi in r.kpis]


def paired(
    results: Sequence[CellResult], rules: Sequence[str], kpis: Sequence[str]
) -> list[Paired]:
    """For every two rules (in ``rules`` order, the first as ``a``) and KPI, the paired
    difference over the replicates where both ran."""
    by_rule: dict[str, dict[tuple[str, int | None], dict[str, float]]] = {r: {} for r in rules}
    for result in results:
        if result.ok:
            by_rule[result.cell.rule][result.cell.replicate] = result.kpis
    out = []
    for i, a in enumerate(rules):
        for b in rules[i + 1 :]:
            common = [k for k in by_rule[a] if k in by_rule[b]]
            for kpi in kpis:
                diffs = [
                    by_rule[a][k][kpi] - by_rule[b][k][kpi]
                    for k in common
                    if kpi in by_rule[a][k] and kpi in by_rule[b][k]
                ]
                if diffs:
                    out.append(_pair(kpi, a, b, diffs))
    return out


def _pair(kpi: str, a: str, b: str, diffs: list[float]) -> Paired:
    mean, low, high = interval(diffs)
    direction = format_of(kpi).better
    better = None
    if direction and low is not None and high is not None and (low > 0 or high < 0):
        better = a if (mean > 0) == (direction > 0) else b
    return Paired(kpi=kpi, a=a, b=b, n=len(diffs), mean=mean, low=low, high=high, better=better)
