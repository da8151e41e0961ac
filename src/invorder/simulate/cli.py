"""The ``simulate``, ``generate`` and ``verify`` commands of the ``invorder`` command line,
each described by a :class:`Subcommand` (name, help, example, options, what it runs).

Exit codes: 0 success; 1 ``verify`` found problems; 2 bad usage (unknown command or option,
bad time, unknown routing rule or size, options that contradict each other); 3 a scenario
file that cannot be read or written.
"""

from __future__ import annotations

import argparse
import json
import os
import warnings
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, TextIO

import attrs

from invorder.adapters.memory import MemoryEventStore
from invorder.engine import Engine
from invorder.simulate._pair import OtherRun, side_by_side
from invorder.simulate.comparison import Comparison, compare
from invorder.simulate.console import progress_bar
from invorder.simulate.generate import SIZES, generate_size
from invorder.simulate.kpi import report
from invorder.simulate.run import (
    BUILT_IN_RULES,
    DEFAULT_RULE,
    Simulation,
    UnknownRuleError,
    resolve_rule,
)
from invorder.simulate.scenario import Scenario, ScenarioError, ScenarioWarning
from invorder.simulate.scenario_file import read_scenario, write_scenario
from invorder.simulate.text import format_comparison, format_report
from invorder.simulate.waves import in_waves

EXIT_OK = 0
"""Success."""
EXIT_PROBLEMS = 1
"""``verify`` found broken invariants or drift (refused steps are listed, not problems: a
scenario may expect the engine to refuse what it sends)."""
EXIT_USAGE = 2
"""Bad usage: unknown command or option, bad value, unknown rule or size."""
EXIT_BAD_FILE = 3
"""A scenario file cannot be read (missing, not UTF-8, truncated, a malformed line) or
written."""

DEFAULT_SEED = 1
"""The generator seed when ``--seed`` is not given."""

JSON_SCHEMA = 1
"""Version of the ``--json`` output's layout (the ``schema`` key)."""


Runner = Callable[[argparse.Namespace, TextIO, TextIO], int]
"""What runs a parsed sub-command: (arguments, standard output, standard error) -> exit code."""


class UsageError(Exception):
    """Options that are individually valid but make no sense together, or a bad value."""


@attrs.frozen
class Subcommand:
    """One ``invorder`` sub-command: what ``--help`` says and what it runs."""

    name: str
    """The word on the command line."""
    summary: str
    """One line for the list of commands."""
    description: str
    """A paragraph for the command's own ``--help`` (plain text)."""
    examples: tuple[str, ...]
    """Command lines shown under "examples" in ``--help``."""
    add_arguments: Callable[[argparse.ArgumentParser], None]
    """Adds the command's options to its parser."""
    run: Runner
    """Runs the parsed command with standard output and error; returns the exit code."""

    def epilog(self) -> str:
        """The examples as the text after the options in ``--help``."""
        return "examples:\n" + "".join(f"  {example}\n" for example in self.examples)


def rule_help() -> str:
    """What ``--rule`` accepts, for ``--help``."""
    names = ", ".join(BUILT_IN_RULES)
    return (
        f"a built-in routing rule ({names}) or your own as module:attribute; the module is "
        "looked up on the Python path and then in the working directory"
    )


def _source(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--rule", default=DEFAULT_RULE, help=rule_help())
    parser.add_argument(
        "-q", "--quiet", action="store_true", help="no progress bar on standard error"
    )


def scenario_arguments(p: argparse.ArgumentParser) -> None:
    """The options that name the scenario a command runs: ``--scenario FILE``, or
    ``--generate SIZE`` with ``--seed N`` (read by ``_load``)."""
    source = p.add_mutually_exclusive_group()
    source.add_argument(
        "--scenario",
        metavar="FILE",
        help="a scenario file (JSON Lines, .gz read too; '-': standard input)",
    )
    source.add_argument(
        "--generate",
        metavar="SIZE",
        choices=tuple(SIZES),
        help=f"run a generated scenario of this size ({', '.join(SIZES)}; default small)",
    )
    p.add_argument(
        "--seed",
        type=int,
        default=None,
        help=f"generator seed, with --generate (default {DEFAULT_SEED})",
    )


def _simulate_arguments(p: argparse.ArgumentParser) -> None:
    scenario_arguments(p)
    _source(p)
    p.add_argument("--compare", metavar="RULE", help="run again under RULE and compare the two")
    p.add_argument(
        "--fork-at",
        metavar="TIME",
        help="with --compare: run under --rule until TIME (ISO 8601 with a zone), then fork",
    )
    p.add_argument(
        "--workers",
        type=int,
        choices=(1, 2),
        default=2,
        help="with --compare: 2 (the default) runs the second rule in a process of its own "
        "at the same time, on Linux; 1 runs the two one after the other in this process",
    )
    shown = p.add_mutually_exclusive_group()
    shown.add_argument(
        "--examples",
        metavar="N",
        type=int,
        default=5,
        help="with --compare: how many differing decisions to list",
    )
    shown.add_argument(
        "--all", action="store_true", help="with --compare: list every differing decision"
    )
    p.add_argument(
        "--waves",
        metavar="MINUTES",
        type=int,
        help="allocate in waves: orders wait after capture; every MINUTES a wave allocates "
        "every waiting order (invorder.simulate.in_waves)",
    )
    p.add_argument(
        "--fair-share",
        action="store_true",
        help="with --waves: share scarce SKUs across channels equally in each wave",
    )
    p.add_argument("--json", action="store_true", help="print JSON instead of tables")


def _generate_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("size", choices=tuple(SIZES), help=f"one of {', '.join(SIZES)}")
    p.add_argument(
        "-o",
        "--output",
        default="-",
        metavar="FILE",
        help="file to write, gzipped when it ends in .gz ('-': standard output)",
    )
    p.add_argument("--seed", type=int, default=DEFAULT_SEED, help="generator seed")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar on standard error")


def _verify_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", help="a scenario file (.gz read too; '-': standard input)")
    _source(p)


def _guarded(run: Runner) -> Runner:
    def guarded(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", ScenarioWarning)
                code = run(args, out, err)
            for warning in caught:
                err.write(f"invorder: warning: {warning.message}\n")
            return code
        except ScenarioError as error:
            err.write(f"invorder: {error}\n")
            return EXIT_BAD_FILE
        except BrokenPipeError:  # the reader went away: the command line ends quietly
            raise
        except OSError as error:
            err.write(f"invorder: cannot read or write a file: {error}\n")
            return EXIT_BAD_FILE
        except (UnknownRuleError, UsageError) as error:
            err.write(f"invorder: {error}\n")
            return EXIT_USAGE

    return guarded


def _load(args: argparse.Namespace, err: TextIO) -> Scenario:
    scenario = _read(args, err)
    waves = getattr(args, "waves", None)
    if waves is not None:
        if waves <= 0:
            raise UsageError(f"--waves: a number of minutes above 0, not {waves}")
        return in_waves(scenario, timedelta(minutes=waves), fair_share=args.fair_share)
    if getattr(args, "fair_share", False):
        raise UsageError("--fair-share is for waves: give --waves MINUTES too")
    return scenario


def _read(args: argparse.Namespace, err: TextIO) -> Scenario:
    path = getattr(args, "scenario", None) or getattr(args, "file", None)
    if path:
        if getattr(args, "seed", None) is not None:
            raise UsageError("--seed is for generated scenarios; a file carries its own")
        return read_scenario(path)
    size = getattr(args, "generate", None) or "small"
    seed = DEFAULT_SEED if args.seed is None else args.seed
    with progress_bar(err, f"generating {size}", "orders", quiet=args.quiet) as progress:
        return generate_size(size, seed, progress)


def _fork_time(text: str, scenario: Scenario) -> datetime:
    try:
        fork_at = datetime.fromisoformat(text)
    except ValueError as error:
        raise UsageError(f"--fork-at: not an ISO time: {text!r}") from error
    if fork_at.tzinfo is None:
        raise UsageError("--fork-at: give a time zone, e.g. 2026-11-27T12:00:00+00:00")
    first = scenario.header.start
    last = scenario.steps[-1].at if scenario.steps else first
    if not first <= fork_at < last:
        raise UsageError(
            f"--fork-at {fork_at.isoformat()} is outside the scenario, which runs from "
            f"{first.isoformat()} to {last.isoformat()}"
        )
    return fork_at


def _run(sim: Simulation, err: TextIO, quiet: bool, until: datetime | None = None) -> Simulation:
    label = f"running {sim.rule_name}"
    with progress_bar(err, label, "steps", quiet=quiet) as progress:
        return sim.advance(until=until, progress=progress)


def _simulate(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    resolve_rule(args.rule)
    if args.compare:
        resolve_rule(args.compare)
    elif args.fork_at:
        raise UsageError("--fork-at needs --compare RULE (the rule after the fork)")
    scenario = _load(args, err)
    fork_at = _fork_time(args.fork_at, scenario) if args.fork_at else None
    base = Simulation(scenario, args.rule, explain=bool(args.compare))
    if not args.compare:
        rep = report(_run(base, err, args.quiet))
        if args.json:
            out.write(json.dumps(_json_header(scenario) | rep.to_dict(), indent=2) + "\n")
        else:
            out.write(format_report(rep))
        return EXIT_OK
    examples = None if args.all else max(args.examples, 0)
    if fork_at is None and args.workers == 2 and side_by_side():
        comparison = _side_by_side(base, scenario, args, err, examples)
    else:
        if fork_at is not None:
            _run(base, err, args.quiet, until=fork_at)
            other = base.fork(args.compare)
        else:
            other = Simulation(scenario, args.compare, explain=True)
        _run(base, err, args.quiet)
        _run(other, err, args.quiet)
        comparison = compare(report(base), report(other))
    if args.json:
        data = _json_header(scenario) | comparison.to_dict(examples=examples)
        out.write(json.dumps(data, indent=2) + "\n")
        return EXIT_OK
    if fork_at is not None:
        out.write(f"forked at {fork_at.isoformat()}\n")
    out.write(format_comparison(comparison, examples=examples, colour=_colour(out)))
    return EXIT_OK


def _side_by_side(
    base: Simulation, scenario: Scenario, args: argparse.Namespace, err: TextIO,
    examples: int | None,
) -> Comparison:  # fmt: skip
    """The comparison, the second rule run in a forked process while this one runs the
    first; only the explanations of the decisions listed come back from it."""
    other = OtherRun(scenario, args.compare)  # forked before the progress bar's thread
    try:
        mine = report(_run(base, err, args.quiet))
        with progress_bar(err, f"waiting for {args.compare}", "runs", quiet=args.quiet):
            theirs = other.report()
        listed = compare(mine, theirs).differing
        theirs = other.explain(theirs, listed if examples is None else listed[:examples])
    finally:
        other.close()
    return compare(mine, theirs)


def _json_header(scenario: Scenario) -> dict[str, Any]:
    header = scenario.header
    return {"schema": JSON_SCHEMA, "scenario": header.name, "seed": header.seed}


def _colour(out: TextIO) -> bool:
    isatty = getattr(out, "isatty", None)
    return bool(isatty and isatty()) and not os.environ.get("NO_COLOR")


def _generate(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    with progress_bar(err, f"generating {args.size}", "orders", quiet=args.quiet) as progress:
        scenario = generate_size(args.size, args.seed, progress)
    write_scenario(scenario, args.output, out)
    return EXIT_OK


def _verify(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    resolve_rule(args.rule)
    scenario = _load(args, err)
    run = _run(Simulation(scenario, args.rule), err, args.quiet)
    engine = run.engine
    # Two replays of the whole log with no count to show: a bar that says it is working.
    with progress_bar(err, "checking the log", "events", quiet=args.quiet):
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
              f"refused steps: {len(run.refused)}\n")  # fmt: skip
    for step in run.refused:
        out.write(f"refused: line {step.line}: {step.key}: {step.code}: {step.message}\n")
    for problem in problems:
        out.write(f"problem: {problem}\n")
    if problems:
        out.write(f"verify: {len(problems)} problems\n")
        return EXIT_PROBLEMS
    refused = f" ({len(run.refused)} steps refused, listed above)" if run.refused else ""
    out.write(f"verify: clean{refused}\n")
    return EXIT_OK


SUBCOMMANDS = (
    Subcommand(
        "simulate",
        "run a scenario under a routing rule and print its KPIs",
        "Run a scenario file, or a generated day, on an in-memory engine under a routing "
        "rule and print fill rate, splits, SLA misses, backorders and stock value, overall "
        "and per channel. With --compare, run it again under a second rule (from the start, "
        "or from --fork-at on) and list the routing decisions that differ.",
        (
            "invorder simulate",
            "invorder simulate --generate day --seed 7 --rule most_stock",
            "invorder simulate --scenario day.jsonl --compare first_fit --all",
            "invorder simulate --scenario day.jsonl --rule mymodule:my_rule --json",
        ),
        _simulate_arguments,
        _guarded(_simulate),
    ),
    Subcommand(
        "generate",
        "write a generated scenario file",
        "Write a seeded, generated scenario (warehouses, channels, catalog, stock, purchase "
        "orders and a day of orders) as JSON Lines. The file is written whole or not at all, "
        "and ends with a record that lets a reader tell a truncated copy.",
        ("invorder generate day --seed 7 -o day.jsonl.gz", "invorder generate small | head -1"),
        _generate_arguments,
        _guarded(_generate),
    ),
    Subcommand(
        "verify",
        "run a scenario; check invariants, replay drift and refused steps",
        "Run a scenario file and check the ledger's invariants, that replaying the log gives "
        "the same orders and balances, and list every step the engine refused, with its line.",
        ("invorder verify day.jsonl", "invorder generate small | invorder verify -"),
        _verify_arguments,
        _guarded(_verify),
    ),
)
"""The sub-commands this module adds, in ``--help`` order."""
