"""Where the cells of a sweep run: in this process (:class:`Serial`), on a pool of local
processes (:class:`Local`, the default, standard library only) or on Dask (:class:`Dask`,
the ``dask`` extra).

Each backend sends every given scenario to each worker once (a pool initializer; a Dask
scatter), lets the worker generate generated days from their parameters, and gets back the
KPI rows only. A cell that raises comes back as a row with its error. On Ctrl-C the cells not
started are cancelled, the running ones stopped (local worker processes are terminated; a
Dask cluster started for the sweep is closed), and ``KeyboardInterrupt`` goes on up.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any

import attrs

from invorder.domain.errors import InvalidFieldError
from invorder.simulate._sweep_cell import Cell, CellResult, run_cell
from invorder.simulate.scenario import Scenario

Progress = Callable[[int, int], None]
"""Told (cells done, cells in all) after each cell."""

DASK_EXTRA = "dask"
"""The optional extra that installs ``dask.distributed``."""


@attrs.frozen
class Serial:
    """Every cell in this process, one after the other (tests, debugging, a profiler)."""


@attrs.frozen
class Local:
    """A pool of local processes (``concurrent.futures``), one per core by default."""

    workers: int | None = None
    """Processes; ``None``: one per core (``os.cpu_count()``)."""


@attrs.frozen
class Dask:
    """A Dask cluster: an existing scheduler's address, or a ``LocalCluster`` started for
    the sweep and closed after it."""

    scheduler: str | None = None
    """``tcp://host:8786``; ``None`` starts a ``LocalCluster``."""
    workers: int | None = None
    """Workers of the ``LocalCluster`` (one thread each); ``None``: one per core."""
    processes: bool = True
    """Whether the ``LocalCluster``'s workers are processes (threads share one interpreter:
    quicker to start, but the cells then take turns on its lock)."""
    timeout: float = 10.0
    """Seconds to wait for the scheduler before giving up with an error naming it."""


Backend = Serial | Local | Dask
"""Where a sweep runs."""


def backend_named(name: str) -> Backend:
    """``serial``, ``local`` or ``dask`` as a backend with its defaults."""
    named: dict[str, Backend] = {"serial": Serial(), "local": Local(), "dask": Dask()}
    if name not in named:
        raise InvalidFieldError("backend", name, "one of " + ", ".join(named))
    return named[name]


def execute(
    cells: Sequence[Cell],
    scenarios: dict[str, Scenario],
    backend: Backend,
    progress: Progress | None = None,
) -> list[CellResult]:
    """Run ``cells`` on ``backend``; the results in cell order. ``scenarios`` maps a day's
    label to its scenario for the cells that do not generate theirs."""
    tell = progress or _silent
    if isinstance(backend, Serial):
        results = []
        for cell in cells:
            results.append(run_cell(cell, scenarios.get(cell.day)))
            tell(len(results), len(cells))
        return results
    if isinstance(backend, Local):
        return _local(cells, scenarios, backend, tell)
    from invorder.simulate._sweep_dask import run_on_dask

    return run_on_dask(
        cells,
        scenarios,
        tell,
        scheduler=backend.scheduler,
        workers=backend.workers,
        processes=backend.processes,
        timeout=backend.timeout,
    )


def _silent(done: int, total: int) -> None:
    """No progress to show."""


# The scenarios a pool worker was given by its initializer. A worker process's own state:
# the initializer is the one way concurrent.futures has to send data once per worker.
_GIVEN: dict[str, Scenario] = {}


def _install(scenarios: dict[str, Scenario]) -> None:
    # Ctrl-C is the parent's to handle (it stops the workers): a worker that took the
    # terminal's SIGINT itself would die with a traceback of its own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _GIVEN.update(scenarios)


def _pooled(cell: Cell) -> CellResult:
    return run_cell(cell, _GIVEN.get(cell.day))


def _local(
    cells: Sequence[Cell], scenarios: dict[str, Scenario], backend: Local, tell: Progress
) -> list[CellResult]:
    workers = backend.workers or os.cpu_count() or 1
    if workers < 1:
        raise InvalidFieldError("workers", workers, "a positive number of processes")
    found: dict[int, CellResult] = {}
    pool = ProcessPoolExecutor(workers, mp_context=_start_method(), initializer=_install,
                               initargs=(scenarios,))  # fmt: skip
    pending: dict[Future[CellResult], Cell] = {}
    try:
        pending.update((pool.submit(_pooled, c), c) for c in cells)
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                cell = pending.pop(future)
                found[cell.index] = _outcome(future, cell)
                tell(len(found), len(cells))
    except BaseException:  # Ctrl-C (or a failing progress callback): stop now
        for future in pending:
            future.cancel()
        _stop_workers(pool)
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return [found[c.index] for c in cells]


def _start_method() -> multiprocessing.context.BaseContext:
    """``forkserver`` where the platform has it, else ``spawn``: never a plain ``fork`` of
    the host's process, which may run threads (a Dask client, a web server) and could
    deadlock the child (Python 3.12 warns of it)."""
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """End the running cells now: a cell of a big day runs for minutes."""
    terminate = getattr(pool, "terminate_workers", None)  # Python 3.14 and later
    if terminate is not None:
        terminate()
        return
    # Before 3.14 the pool has no public way to stop a running call; its processes do.
    processes: dict[int, Any] = getattr(pool, "_processes", None) or {}
    for process in list(processes.values()):
        process.terminate()


def _outcome(future: Future[CellResult], cell: Cell) -> CellResult:
    """The future's result, or a row naming what went wrong outside the cell (a worker that
    died, a result that could not be sent back)."""
    try:
        return future.result()
    except Exception as error:  # the cell's row says it; the other cells go on
        return CellResult(cell=cell, kpis={}, error=f"{type(error).__name__}: {error}")
