"""The Dask backend of a sweep (the ``dask`` extra): cells as tasks on an existing scheduler
or on a ``LocalCluster`` started for the sweep; given scenarios scattered to every worker
once; only the KPI rows come back."""

from __future__ import annotations

import importlib
import logging
import os
from collections.abc import Callable, Sequence
from typing import Any

from invorder.domain.errors import InvalidFieldError
from invorder.simulate._sweep_cell import Cell, CellResult, run_cell
from invorder.simulate.scenario import Scenario


def missing_dask(error: ImportError) -> ImportError:
    """The error for the Dask backend without ``dask.distributed``: it names the extra."""
    found = ImportError(
        "the dask backend needs dask.distributed: install the 'dask' extra "
        "(pip install 'invorder[dask]')",
        name="distributed",
    )
    found.__cause__ = error
    return found


def run_on_dask(
    cells: Sequence[Cell],
    scenarios: dict[str, Scenario],
    tell: Callable[[int, int], None],
    *,
    scheduler: str | None,
    workers: int | None,
    processes: bool,
    timeout: float,
) -> list[CellResult]:
    """Run ``cells`` on Dask; the results in cell order (the arguments are those of
    :class:`invorder.simulate.sweep.Dask`)."""
    try:  # imported by name: the library and its type checks do without the extra
        dask: Any = importlib.import_module("distributed")
    except ImportError as error:
        raise missing_dask(error) from error
    cluster: Any = None
    client: Any
    if scheduler is None:
        cluster = dask.LocalCluster(
            n_workers=workers or os.cpu_count() or 1,
            threads_per_worker=1,
            processes=processes,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        )
        client = dask.Client(cluster, set_as_default=False)
    else:
        try:
            client = dask.Client(scheduler, timeout=timeout, set_as_default=False)
        except OSError as error:
            raise InvalidFieldError(
                "scheduler",
                scheduler,
                f"the address of a Dask scheduler that answers within {timeout:g} s ({error})",
            ) from error
    found: dict[int, CellResult] = {}
    pending: dict[Any, Cell] = {}
    try:
        given = {
            day: client.scatter(scenario, broadcast=True, hash=False)
            for day, scenario in scenarios.items()
            if any(c.day == day for c in cells)
        }
        for cell in cells:
            future = client.submit(run_cell, cell, given.get(cell.day), pure=False)
            pending[future] = cell
        for future in dask.as_completed(list(pending), loop=client.loop):
            cell = pending.pop(future)
            try:
                found[cell.index] = future.result()
            except Exception as error:  # a worker that died: the cell's row says it
                text = f"{type(error).__name__}: {error}"
                found[cell.index] = CellResult(cell=cell, kpis={}, error=text)
            tell(len(found), len(cells))
    finally:
        if pending:  # Ctrl-C or an error: the cells not done are cancelled
            client.cancel(list(pending))
        client.close()
        if cluster is not None:
            cluster.close()
    return [found[c.index] for c in cells]
