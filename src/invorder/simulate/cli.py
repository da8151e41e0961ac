"""The ``simulate``, ``generate`` and ``verify`` commands of the ``invorder`` command line.

Exit codes: 0 success; 1 ``verify`` found problems; 2 bad usage (unknown command or option,
bad time, unknown routing rule or size); 3 a scenario file that cannot be read.
"""

from __future__ import annotations

import argparse
import json
import random
from datetime import datetime
from typing import Any, TextIO

from invorder.adapters.memory import MemoryEventStore
from invorder.engine import Engine
from invorder.simulate.comparison import compare
from invorder.simulate.generate import SIZES, generate, generate_size
from invorder.simulate.kpi import report
from invorder.simulate.run import DEFAULT_RULE, Simulation, UnknownRuleError, resolve_rule
from invorder.simulate.scenario import Scenario, ScenarioError, dump_lines, loads
from invorder.simulate.text import format_comparison, format_report

EXIT_OK = 0
"""Success."""
EXIT_PROBLEMS = 1
"""``verify`` found broken invariants or drift."""
EXIT_USAGE = 2
"""Bad usage: unknown command or option, bad value, unknown rule or size."""
EXIT_BAD_FILE = 3
"""The scenario file cannot be read (missing, or a malformed line)."""

COMMANDS = ("simulate", "generate", "verify")
"""Sub-commands this module adds."""


class _UsageError(Exception):
    pass


def add_commands(sub: Any) -> None:
    """Add the sub-commands to an ``argparse`` sub-parser collection."""
    p = sub.add_parser("simulate", help="run a scenario under a routing rule; print KPIs")
    source = p.add_mutually_exclusive_group()
    source.add_argument("--scenario", metavar="FILE", help="a scenario file (JSON Lines)")
    source.add_argument("--generate", metavar="SIZE", help=f"generate one of {', '.join(SIZES)}")
    p.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    p.add_argument("--rule", default=DEFAULT_RULE, help="built-in rule name or module:attribute")
    p.add_argument("--compare", metavar="RULE", help="run again under RULE and compare")
    p.add_argument("--fork-at", metavar="TIME", help="with --compare: fork at this ISO time")
    p.add_argument("--json", action="store_true", help="print JSON instead of tables")
    g = sub.add_parser("generate", help="write a generated scenario file")
    g.add_argument("size", help=f"one of {', '.join(SIZES)}")
    g.add_argument("-o", "--output", default="-", help="file to write ('-': stdout)")
    g.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    v = sub.add_parser("verify", help="run a scenario, check invariants and replay drift")
    v.add_argument("file", help="a scenario file")
    v.add_argument("--rule", default=DEFAULT_RULE, help="built-in rule name or module:attribute")


def run_command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Run one of :data:`COMMANDS`; errors are printed to ``err`` with their exit code."""
    try:
        if args.command == "simulate":
            return _simulate(args, out, err)
        if args.command == "generate":
            return _generate(args, out)
        return _verify(args, out, err)
    except ScenarioError as error:
        err.write(f"invorder: bad scenario file: {error}\n")
        return EXIT_BAD_FILE
    except OSError as error:
        err.write(f"invorder: cannot read or write a file: {error}\n")
        return EXIT_BAD_FILE
    except (UnknownRuleError, _UsageError) as error:
        err.write(f"invorder: {error}\n")
        return EXIT_USAGE


def _load(args: argparse.Namespace) -> Scenario:
    scenario_file = getattr(args, "scenario", None) or getattr(args, "file", None)
    if scenario_file:
        with open(scenario_file, encoding="utf-8") as f:
            return loads(f)
    size = getattr(args, "generate", None) or "small"
    if size not in SIZES:
        raise _UsageError(f"unknown size {size!r}; choose one of {', '.join(SIZES)}")
    return generate_size(size, args.seed)


def _progress(err: TextIO) -> Any:
    if not err.isatty():
        return None

    def show(done: int, total: int) -> None:
        err.write(f"\r{done}/{total} steps")
        if done + 1000 > total:
            err.write("\n")
        err.flush()

    return show


def _simulate(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    resolve_rule(args.rule)
    if args.compare:
        resolve_rule(args.compare)
    fork_at = None
    if args.fork_at:
        if not args.compare:
            raise _UsageError("--fork-at needs --compare RULE (the rule after the fork)")
        try:
            fork_at = datetime.fromisoformat(args.fork_at)
        except ValueError as error:
            raise _UsageError(f"--fork-at: not an ISO time: {args.fork_at!r}") from error
        if fork_at.tzinfo is None:
            raise _UsageError("--fork-at: give a time zone, e.g. 2026-11-27T12:00:00+00:00")
    scenario = _load(args)
    progress = _progress(err)
    base = Simulation(scenario, args.rule, explain=bool(args.compare))
    if not args.compare:
        rep = report(base.advance(progress=progress))
        out.write(json.dumps(rep.to_dict(), indent=2) + "\n" if args.json else format_report(rep))
        return EXIT_OK
    if fork_at is not None:
        base.advance(until=fork_at)
        other = base.fork(args.compare)
    else:
        other = Simulation(scenario, args.compare, explain=True)
    base.advance(progress=progress)
    other.advance(progress=progress)
    comparison = compare(report(base), report(other))
    if args.json:
        out.write(json.dumps(comparison.to_dict(), indent=2) + "\n")
    else:
        if fork_at is not None:
            out.write(f"forked at {fork_at.isoformat()}\n")
        out.write(format_comparison(comparison))
    return EXIT_OK


def _generate(args: argparse.Namespace, out: TextIO) -> int:
    if args.size not in SIZES:
        raise _UsageError(f"unknown size {args.size!r}; choose one of {', '.join(SIZES)}")
    scenario = generate(SIZES[args.size], random.Random(args.seed), name=f"{args.size}-{args.seed}")
    if args.output == "-":
        for line in dump_lines(scenario):
            out.write(line + "\n")
        return EXIT_OK
    with open(args.output, "w", encoding="utf-8", newline="\n") as f:
        for line in dump_lines(scenario):
            f.write(line + "\n")
    return EXIT_OK


def _verify(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    resolve_rule(args.rule)
    scenario = _load(args)
    run = Simulation(scenario, args.rule).advance(progress=_progress(err))
    engine = run.engine
    problems = list(engine.verify())
    rep = report(run)
    if rep.oversold_units:
        problems.append(f"oversold units: {rep.oversold_units}")
    replayed = Engine(MemoryEventStore(list(engine.events())))
    if replayed.orders() != engine.orders():
        problems.append("drift: replaying the log gives other orders")
    for sku in engine.skus():
        if replayed.balances(sku.code) != engine.balances(sku.code):
            problems.append(f"drift: replaying the log gives other balances of {sku.code}")
    out.write(f"{len(scenario.steps)} steps, {engine.position} events under {args.rule}; "
              f"refused commands: {sum(run.rejected.values())}\n")  # fmt: skip
    for problem in problems:
        out.write(f"problem: {problem}\n")
    out.write("verify: clean\n" if not problems else f"verify: {len(problems)} problems\n")
    return EXIT_OK if not problems else EXIT_PROBLEMS
