"""One cell of a sweep: a rule on one day (generated from its parameters and seed, or a
scenario given once), run to the end and reduced to its KPI row where it ran.

This module is what a worker imports: it returns the row, never the log or the engine.
"""

from __future__ import annotations

import random
from decimal import Decimal

import attrs

from invorder.simulate.comparison import comparison_rows
from invorder.simulate.generate import Parameters, generate
from invorder.simulate.kpi import report
from invorder.simulate.run import simulate
from invorder.simulate.scenario import Scenario

Number = int | float
"""A KPI value in a row: a count, or a share, measure or amount."""


@attrs.frozen(kw_only=True)
class Cell:
    """One independent simulation of a sweep: a rule on a day."""

    index: int
    """Position in the grid; results come back in this order whatever the backend."""
    rule: str
    """The routing rule, by name (built in, or ``module:attribute``)."""
    day: str
    """The day's label: a size name, a label given to generator parameters, or a scenario's."""
    seed: int | None
    """The generator seed; ``None`` for a scenario given as such (it has its own)."""
    parameters: Parameters | None = attrs.field(default=None, eq=False, repr=False)
    """What to generate on the worker; ``None`` for a given scenario."""

    @property
    def replicate(self) -> tuple[str, int | None]:
        """``(day, seed)``: the cells of two rules with the same replicate are paired."""
        return (self.day, self.seed)


@attrs.frozen(kw_only=True)
class CellResult:
    """What came back from one cell: its KPI row, or the error that stopped it."""

    cell: Cell
    """The cell."""
    kpis: dict[str, Number]
    """KPI name to value, in table order (empty when the cell failed)."""
    error: str | None = None
    """``Type: message`` of the exception that stopped the cell; ``None`` when it ran."""

    @property
    def ok(self) -> bool:
        """Whether the cell ran to the end."""
        return self.error is None

    def to_dict(self) -> dict[str, object]:
        """The cell's row as JSON-compatible data: rule, day, seed, then each KPI (or the
        error)."""
        row: dict[str, object] = {
            "index": self.cell.index,
            "rule": self.cell.rule,
            "day": self.cell.day,
            "seed": self.cell.seed,
        }
        if self.error is not None:
            row["error"] = self.error
        return row | self.kpis


def kpi_row(rows: list[tuple[str, object]]) -> dict[str, Number]:
    """A report's rows as numbers: amounts (``Decimal``) become floats, missing values are
    left out."""
    out: dict[str, Number] = {}
    for name, value in rows:
        if isinstance(value, Decimal):
            out[name] = float(value)
        elif isinstance(value, int | float):
            out[name] = value
    return out


def _is_warehouse_row(name: str) -> bool:
    # ``stock_value EAST USD``: a per-warehouse amount, left to the single-run reports.
    return name.startswith("stock_value ") and name.count(" ") == 2


def run_cell(cell: Cell, scenario: Scenario | None = None) -> CellResult:
    """Run ``cell`` (on ``scenario`` when given, else on the day generated from its
    parameters and seed) and return its KPI row: every KPI of the report overall, then
    oversold units, stock-out SKUs, stock units, unvalued units and the stock value per
    currency. Any exception becomes the result's ``error``: one bad cell stops no other."""
    try:
        if scenario is None:
            if cell.parameters is None or cell.seed is None:
                raise ValueError(f"cell {cell.index} has neither a scenario nor parameters")
            scenario = generate(
                cell.parameters, random.Random(cell.seed), f"{cell.day}-{cell.seed}"
            )
        rep = report(simulate(scenario, cell.rule))
        rows = comparison_rows(rep, rep)
        return CellResult(
            cell=cell, kpis=kpi_row([(r.name, r.a) for r in rows if not _is_warehouse_row(r.name)])
        )
    except Exception as error:  # a cell's failure is data for the sweep, not its end
        return CellResult(cell=cell, kpis={}, error=f"{type(error).__name__}: {error}")
