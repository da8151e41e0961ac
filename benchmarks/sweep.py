"""Sweep benchmark: one grid of rules x seeded days run on each backend, cells per second.

The same grid (default: ``nearest`` and ``most_stock`` on 4 seeds of ``small``, 8 cells) runs
in this process (``serial``), on a pool of local processes (``local``, one per core) and on a
Dask ``LocalCluster`` of one worker process per core (``dask``, its start-up included: the
sweep starts and closes it). Each run's JSON must be the same bytes.

Figures: ``cells``; per backend the wall time ``*_s`` and ``*_cells_per_s``; ``cell_s`` (the
serial time per cell: generating the day, running it, the report); ``local_over_ideal`` (the
local time over serial time / cores: 1.0 means the pool adds nothing); ``dask_over_local``;
``peak_worker_rss_mb`` (the largest resident set of a local worker process); ``load`` (the
1-minute load average before the runs).

Usage: ``python benchmarks/sweep.py [--size small|tenth|day] [--rules A,B] [--seeds N]
[--backends serial,local,dask]``; ``tenth`` is the ``day`` network with a tenth of its
orders, as in ``day.py``. The last line printed is the benchmark JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time

import attrs
from _report import print_figures  # benchmarks/_report.py, beside this script

from invorder import simulate as sim
from invorder.simulate import sweep


def _parameters(size: str) -> sim.Parameters:
    if size == "tenth":
        return attrs.evolve(sim.SIZES["day"], orders=10_000, purchase_orders=40)
    return sim.SIZES[size]


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", default="small", choices=["tenth", *sim.SIZES])
    parser.add_argument("--rules", default="nearest,most_stock")
    parser.add_argument("--seeds", type=int, default=4)
    parser.add_argument("--backends", default="serial,local,dask")
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    grid = sweep.Grid(
        rules=args.rules.split(","),
        generate={args.size: _parameters(args.size)},
        seeds=range(1, args.seeds + 1),
    )
    cells = len(grid.cells())
    figures: dict[str, object] = {
        "size": args.size,
        "cells": cells,
        "cores": cores,
        "load": round(os.getloadavg()[0], 2),
    }
    backends: dict[str, sweep.Backend] = {
        "serial": sweep.Serial(),
        "local": sweep.Local(),
        "dask": sweep.Dask(workers=cores, processes=True),
    }
    outputs: dict[str, str] = {}
    for name in args.backends.split(","):
        start = time.perf_counter()
        result = sweep.run(grid, backends[name])
        seconds = time.perf_counter() - start
        assert not result.failed, result.failed
        outputs[name] = json.dumps(result.to_dict())
        figures[f"{name}_s"] = round(seconds, 2)
        figures[f"{name}_cells_per_s"] = round(cells / seconds, 2)
        print(f"[sweep] {name}: {cells} cells in {seconds:.2f} s", file=sys.stderr, flush=True)
        if name == "local":
            peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
            figures["peak_worker_rss_mb"] = round(peak / 1024, 1)
    assert len(set(outputs.values())) == 1, "the backends disagree"
    if "serial_s" in figures:
        serial = float(str(figures["serial_s"]))
        figures["cell_s"] = round(serial / cells, 3)
        if "local_s" in figures:
            ideal = serial / min(cores, cells)
            figures["local_over_ideal"] = round(float(str(figures["local_s"])) / ideal, 2)
    if "local_s" in figures and "dask_s" in figures:
        ratio = float(str(figures["dask_s"])) / float(str(figures["local_s"]))
        figures["dask_over_local"] = round(ratio, 2)
    print_figures("sweep", figures)


if __name__ == "__main__":
    main()
