"""Rule tournaments: a grid of (rule, day, seed) cells, each an independent simulation, run
in this process, on local processes or on Dask, summarised per rule with a 95% interval
across days, ranked, and compared rule against rule day by day.

A *replicate* is a day: a generated size with one seed, or a given scenario. Each cell runs
one rule on one replicate; the same grid gives the same rows and summary, byte for byte in
:meth:`SweepResult.to_dict`'s JSON, on every backend.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

from invorder.domain.errors import InvalidFieldError
from invorder.simulate._sweep_backends import (
    DASK_EXTRA,
    Backend,
    Dask,
    Local,
    Progress,
    Serial,
    backend_named,
    execute,
)
from invorder.simulate._sweep_cell import Cell, CellResult
from invorder.simulate._sweep_stats import Estimate, Paired, paired, summarise, t975
from invorder.simulate.generate import SIZES, Parameters
from invorder.simulate.run import resolve_rule
from invorder.simulate.scenario import Scenario

__all__ = [
    "Backend",
    "Cell",
    "CellResult",
    "Dask",
    "DASK_EXTRA",
    "Estimate",
    "Grid",
    "INTERVAL",
    "Local",
    "Paired",
    "parse_seeds",
    "Progress",
    "run",
    "Serial",
    "SweepResult",
    "t975",
]

INTERVAL = "95% Student t interval of the mean across replicates"
"""Which interval the summaries and paired differences give."""

SCHEMA = 1
"""Version of :meth:`SweepResult.to_dict`'s layout (its ``schema`` key)."""


_Days = tuple[tuple[str, Parameters], ...]
_Given = tuple[tuple[str, Scenario], ...]


def _rules(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


def _seeds(value: Iterable[int]) -> tuple[int, ...]:
    return tuple(value)


def _generators(value: str | Iterable[str] | Mapping[str, Parameters]) -> _Days:
    if isinstance(value, str):
        value = (value,)
    if isinstance(value, Mapping):
        return tuple(value.items())
    out = []
    for size in value:
        if size not in SIZES:
            raise InvalidFieldError("size", size, "one of " + ", ".join(SIZES))
        out.append((size, SIZES[size]))
    return tuple(out)


def _scenarios(value: Sequence[Scenario] | Mapping[str, Scenario]) -> _Given:
    if isinstance(value, Mapping):
        return tuple(value.items())
    return tuple((s.header.name or f"scenario-{n}", s) for n, s in enumerate(value, 1))


@attrs.frozen(kw_only=True)
class Grid:
    """What a sweep runs: every rule on every generated day (each size or labelled
    parameters, once per seed) and on every given scenario.

    Checked when built: at least one rule, every rule resolvable, no rule twice, seeds for
    the generated days, at least one day, labels told apart.
    """

    rules: tuple[str, ...] = attrs.field(converter=_rules)
    """Rule names, built in or ``module:attribute``; the tables keep this order on ties."""
    generate: _Days = attrs.field(default=(), converter=_generators)
    """Generated days: size names (``small``), or labels mapped to :class:`Parameters`."""
    seeds: tuple[int, ...] = attrs.field(default=(), converter=_seeds)
    """Generator seeds: each generated day once per seed."""
    scenarios: _Given = attrs.field(default=(), converter=_scenarios)
    """Given scenarios (a mapping of label to scenario, or scenarios labelled by their
    header's name), each one replicate; sent to each worker once."""

    def __attrs_post_init__(self) -> None:
        if not self.rules:
            raise InvalidFieldError("rules", self.rules, "at least one rule")
        if len(set(self.rules)) != len(self.rules):
            raise InvalidFieldError("rules", self.rules, "each rule once")
        for rule in self.rules:
            resolve_rule(rule)
        if self.generate and not self.seeds:
            raise InvalidFieldError("seeds", self.seeds, "at least one seed for generated days")
        if self.seeds and not self.generate:
            raise InvalidFieldError("seeds", self.seeds, "none without a generated day")
        if not self.generate and not self.scenarios:
            raise InvalidFieldError("days", (), "at least one generated day or scenario")
        labels = [label for label, _ in (*self.generate, *self.scenarios)]
        if len(set(labels)) != len(labels):
            raise InvalidFieldError("days", tuple(labels), "a different label for each day")

    def cells(self) -> tuple[Cell, ...]:
        """Every cell: per generated day, per seed, per rule; then per scenario, per rule."""
        days: list[tuple[str, int | None, Parameters | None]] = [
            (label, seed, params) for label, params in self.generate for seed in self.seeds
        ]
        days += [(label, None, None) for label, _ in self.scenarios]
        return tuple(
            Cell(index=n, rule=rule, day=day, seed=seed, parameters=params)
            for n, (day, seed, params, rule) in enumerate(
                (d, s, p, r) for d, s, p in days for r in self.rules
            )
        )


def parse_seeds(text: str) -> tuple[int, ...]:
    """Seeds written as ``1-20``, ``3``, or a comma list of both (``1-5,9``), in that order;
    a seed given twice, an empty part or a range that runs backwards is refused."""
    seeds: list[int] = []
    expected = "a seed or a range FIRST-LAST (FIRST <= LAST), or several separated by commas"
    for part in text.split(","):
        first, dash, last = part.strip().partition("-")
        try:
            low = int(first)
            high = int(last) if dash else low
        except ValueError:
            raise InvalidFieldError("seeds", text, expected) from None
        if high < low or low < 0:
            raise InvalidFieldError("seeds", text, expected)
        seeds.extend(range(low, high + 1))
    if len(set(seeds)) != len(seeds):
        raise InvalidFieldError("seeds", text, expected + ", each seed once")
    return tuple(seeds)


@attrs.frozen(kw_only=True)
class SweepResult:
    """A sweep's rows (one per cell, in grid order), the summary per KPI and rule, and the
    paired differences between rules."""

    rules: tuple[str, ...]
    """The rules, in the grid's order."""
    rows: tuple[CellResult, ...]
    """One per cell, in grid order; a failed cell has its error and no KPIs."""
    kpis: tuple[str, ...]
    """The KPI names, in table order (those of the first cell that ran)."""
    summary: dict[str, dict[str, Estimate]]
    """Per KPI, per rule: mean, 95% t interval across replicates, rank."""
    paired: tuple[Paired, ...]
    """Per pair of rules (grid order) and KPI: the first minus the second, per replicate."""

    @classmethod
    def of(cls, rules: Sequence[str], rows: Sequence[CellResult]) -> SweepResult:
        """The result of ``rows``: the summary and paired differences computed from them."""
        kpis = next((tuple(r.kpis) for r in rows if r.ok), ())
        return cls(
            rules=tuple(rules),
            rows=tuple(rows),
            kpis=kpis,
            summary=summarise(rows, rules, kpis),
            paired=tuple(paired(rows, rules, kpis)),
        )

    @property
    def failed(self) -> tuple[CellResult, ...]:
        """The cells that raised, with their errors."""
        return tuple(r for r in self.rows if not r.ok)

    def ranking(self, kpi: str) -> list[tuple[str, Estimate]]:
        """The rules on ``kpi``, best first (by rank, then grid order; grid order for a KPI
        with no better direction)."""
        found = self.summary[kpi]
        order = {rule: n for n, rule in enumerate(self.rules)}
        return sorted(found.items(), key=lambda item: (item[1].rank or 0, order[item[0]]))

    def pair(self, kpi: str, a: str, b: str) -> Paired:
        """``a - b`` on ``kpi`` (in either order of the grid: the sign follows the call)."""
        for p in self.paired:
            if p.kpi == kpi and (p.a, p.b) == (a, b):
                return p
            if p.kpi == kpi and (p.a, p.b) == (b, a):
                low = None if p.high is None else -p.high
                high = None if p.low is None else -p.low
                return attrs.evolve(p, a=a, b=b, mean=-p.mean, low=low, high=high)
        raise KeyError(f"no paired difference of {a!r} and {b!r} on {kpi!r}")

    def to_dict(self) -> dict[str, Any]:
        """JSON-compatible: ``schema``, ``interval``, ``rules``, ``rows`` (one per cell),
        ``summary`` (per KPI, per rule) and ``paired``; the same grid gives the same JSON
        on every backend."""
        return {
            "schema": SCHEMA,
            "interval": INTERVAL,
            "rules": list(self.rules),
            "cells": len(self.rows),
            "failed": len(self.failed),
            "rows": [r.to_dict() for r in self.rows],
            "summary": {
                kpi: {rule: attrs.asdict(e) for rule, e in per.items()}
                for kpi, per in self.summary.items()
            },
            "paired": [attrs.asdict(p) for p in self.paired],
        }

    def __repr__(self) -> str:
        """A short summary: rules, cells, failures and the fill rate ranking."""
        best = ""
        if "fill_rate" in self.summary:
            best = "; fill rate: " + ", ".join(
                f"{rule} {e.mean:.1%}" for rule, e in self.ranking("fill_rate")
            )
        return (
            f"<SweepResult {len(self.rules)} rules, {len(self.rows)} cells, "
            f"{len(self.failed)} failed{best}>"
        )


def run(
    grid: Grid, backend: Backend | str = "local", progress: Progress | None = None
) -> SweepResult:
    """Run every cell of ``grid`` on ``backend`` (``local``, ``serial``, ``dask`` or a
    :class:`Local`, :class:`Serial`, :class:`Dask`) and summarise. ``progress`` is told
    (cells done, cells in all) after each cell. A cell that raises is a row with its error;
    Ctrl-C cancels the cells not started, stops the running ones and raises
    ``KeyboardInterrupt``."""
    chosen = backend_named(backend) if isinstance(backend, str) else backend
    rows = execute(grid.cells(), dict(grid.scenarios), chosen, progress)
    return SweepResult.of(grid.rules, rows)
