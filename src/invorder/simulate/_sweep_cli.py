"""The ``sweep`` command of the ``invorder`` command line: a rule tournament over many
days, printed as a ranked table per KPI (or JSON), with a progress bar over the cells.

Exit codes: 0 every cell ran; 1 some cells failed (listed); 2 bad usage (unknown rule, bad
seeds, an empty grid, the dask backend without its extra, a scheduler that does not
answer); 3 a scenario file that cannot be read.
"""

from __future__ import annotations

import argparse
import json
from typing import TextIO

from invorder.domain.errors import InvalidFieldError
from invorder.simulate._sweep_text import format_sweep
from invorder.simulate.cli import (
    EXIT_OK,
    EXIT_PROBLEMS,
    Subcommand,
    UsageError,
    _guarded,
    rule_help,
)
from invorder.simulate.console import progress_bar
from invorder.simulate.generate import SIZES
from invorder.simulate.scenario_file import read_scenario
from invorder.simulate.sweep import Backend, Dask, Grid, Local, Serial, parse_seeds, run

DEFAULT_SEEDS = "1-5"
"""The seeds of a generated day when ``--seeds`` is not given."""


def _arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--rules",
        required=True,
        metavar="RULE,RULE,...",
        help="the rules to compare, separated by commas: " + rule_help(),
    )
    p.add_argument(
        "--generate",
        metavar="SIZE",
        choices=tuple(SIZES),
        help=f"generated days of this size ({', '.join(SIZES)}), one per seed "
        "(default small, unless --scenario is given)",
    )
    p.add_argument(
        "--seeds",
        metavar="SEEDS",
        help=f"generator seeds: 1-20, 3, or a comma list of both (default {DEFAULT_SEEDS})",
    )
    p.add_argument(
        "--scenario",
        metavar="FILE",
        action="append",
        default=[],
        help="a scenario file as one more day (repeat for several; .gz read too)",
    )
    p.add_argument(
        "--backend",
        choices=("local", "serial", "dask"),
        default="local",
        help="local: a process per core; serial: this process; dask: a Dask cluster",
    )
    p.add_argument(
        "--workers", type=int, metavar="N", help="local processes or LocalCluster workers"
    )
    p.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="with --backend dask: a running scheduler (tcp://host:8786); "
        "default: a LocalCluster for the sweep",
    )
    p.add_argument("--json", action="store_true", help="print the rows and summary as JSON")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar on standard error")


def _backend(args: argparse.Namespace) -> Backend:
    if args.workers is not None and args.workers < 1:
        raise UsageError(f"--workers must be at least 1 (got {args.workers})")
    if args.scheduler and args.backend != "dask":
        raise UsageError("--scheduler is for --backend dask")
    if args.backend == "serial":
        return Serial()
    if args.backend == "local":
        return Local(args.workers)
    if args.scheduler and args.workers is not None:
        raise UsageError("--workers starts a LocalCluster; a --scheduler has its own workers")
    return Dask(args.scheduler, args.workers)


def _grid(args: argparse.Namespace) -> Grid:
    rules = [r.strip() for r in args.rules.split(",") if r.strip()]
    generate = args.generate or ("" if args.scenario else "small")
    if args.seeds is not None and not generate:
        raise UsageError("--seeds is for generated days; a scenario file is one day")
    seeds = parse_seeds(args.seeds or DEFAULT_SEEDS) if generate else ()
    scenarios = {path: read_scenario(path) for path in args.scenario}
    return Grid(rules=rules, generate=(generate,) if generate else (), seeds=seeds,
                scenarios=scenarios)  # fmt: skip


def _sweep(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    try:
        backend = _backend(args)
        grid = _grid(args)
        cells = len(grid.cells())
        with progress_bar(err, f"sweeping {cells} cells", "cells", quiet=args.quiet) as bar:
            result = run(grid, backend, progress=bar)
    except InvalidFieldError as error:
        raise UsageError(str(error)) from error
    except ImportError as error:
        if error.name != "distributed":
            raise
        raise UsageError(str(error)) from error
    if args.json:
        out.write(json.dumps(result.to_dict(), indent=2) + "\n")
    else:
        out.write(format_sweep(result))
    return EXIT_PROBLEMS if result.failed else EXIT_OK


SWEEP = Subcommand(
    "sweep",
    "run a rule tournament over many days; rank the rules per KPI",
    "Run every rule on every day (generated days, one per seed, and scenario files), each "
    "run an independent simulation on local processes, in this process, or on a Dask "
    "cluster. Prints, per KPI, the rules ranked by their mean with the 95% Student t "
    "interval across days, and each rule's paired difference to the best, day by day. "
    "Exit 1 when some cells failed (each is listed with its error).",
    (
        "invorder sweep --rules nearest,most_stock --seeds 1-20",
        "invorder sweep --rules nearest,mymodule:my_rule --generate day --seeds 1-30 "
        "--backend dask --scheduler tcp://10.0.0.5:8786",
        "invorder sweep --rules nearest,fewest_shipments --scenario mon.jsonl "
        "--scenario tue.jsonl --json",
    ),
    _arguments,
    _guarded(_sweep),
)
"""The ``sweep`` sub-command."""
