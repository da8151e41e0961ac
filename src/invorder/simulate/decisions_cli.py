"""The ``decisions`` command of the ``invorder`` command line: ``decisions record`` writes a
golden decision file, ``decisions check`` replays the scenario and lists what changed.

Exit codes: 0 no decision differs (or recorded); 1 ``check`` found decisions that differ; 2
bad usage (unknown rule, a golden file recorded from another scenario); 3 a scenario or golden
file that cannot be read (missing, truncated, another format) or written.
"""

from __future__ import annotations

import argparse
import json
import textwrap
from typing import Any, TextIO

from invorder.simulate.cli import (
    EXIT_BAD_FILE,
    EXIT_OK,
    EXIT_PROBLEMS,
    EXIT_USAGE,
    JSON_SCHEMA,
    Runner,
    Subcommand,
    _guarded,
    _load,
    rule_help,
    scenario_arguments,
)
from invorder.simulate.console import progress_bar
from invorder.simulate.golden import (
    GoldenFileError,
    GoldenMismatchError,
    check_golden,
    read_golden,
    record_golden,
    write_golden,
)
from invorder.simulate.run import resolve_rule

EXIT_DIFFERENT = EXIT_PROBLEMS
"""``decisions check``: some decisions differ from the golden file's."""


def _run_arguments(p: argparse.ArgumentParser) -> None:
    scenario_arguments(p)
    p.add_argument("--rule", required=True, help=rule_help())
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar on standard error")


def _record_arguments(p: argparse.ArgumentParser) -> None:
    _run_arguments(p)
    p.add_argument("-o", "--output", default="-", metavar="FILE",
                   help="golden file to write, gzipped when it ends in .gz ('-': standard "
                   "output)")  # fmt: skip


def _check_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("golden", help="the golden file to check against (.gz read too)")
    _run_arguments(p)
    shown = p.add_mutually_exclusive_group()
    shown.add_argument("--examples", metavar="N", type=int, default=5,
                       help="how many differing decisions to list")  # fmt: skip
    shown.add_argument("--all", action="store_true", help="list every differing decision")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")


def _record(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    resolve_rule(args.rule)
    scenario = _load(args, err)
    with progress_bar(err, f"running {args.rule}", "steps", quiet=args.quiet) as progress:
        golden = record_golden(scenario, args.rule, progress)
    write_golden(golden, args.output, out)
    if args.output != "-":
        out.write(f"recorded {len(golden.decisions):,} decisions of scenario "
                  f"{golden.scenario} under {args.rule} in {args.output}\n")  # fmt: skip
    return EXIT_OK


def _check(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    resolve_rule(args.rule)
    golden = read_golden(args.golden)
    scenario = _load(args, err)
    with progress_bar(err, f"running {args.rule}", "steps", quiet=args.quiet) as progress:
        check = check_golden(golden, scenario, args.rule, file=args.golden, progress=progress)
    examples = None if args.all else max(args.examples, 0)
    if args.json:
        shown = check.differing if examples is None else check.differing[:examples]
        data: dict[str, Any] = {
            "schema": JSON_SCHEMA,
            "golden": args.golden,
            "scenario": {
                "name": golden.scenario.name,
                "seed": golden.scenario.seed,
                "sha256": golden.scenario.sha256,
            },
            "recorded_rule": golden.rule,
            "rule": args.rule,
            "decisions": check.decisions,
            "differing": len(check.differing),
            **check.counts(),
            "examples": [diff.to_dict() for diff in shown],
        }
        out.write(json.dumps(data, indent=2) + "\n")
    else:
        out.write(f"{args.golden}: {check.recorded:,} decisions recorded under {golden.rule} "
                  f"(invorder {golden.invorder}); checked under {args.rule}\n")  # fmt: skip
        out.write(check.summary() + "\n")
        for line in check.diff_lines(examples):
            out.write(line + "\n")
    return EXIT_OK if check.unchanged else EXIT_DIFFERENT


def _golden_guarded(run: Runner) -> Runner:
    inner = _guarded(run)

    def guarded(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
        try:
            return inner(args, out, err)
        except GoldenFileError as error:
            err.write(f"invorder: {error}\n")
            return EXIT_BAD_FILE
        except GoldenMismatchError as error:
            err.write(f"invorder: {error}\n")
            return EXIT_USAGE

    return guarded


_ACTIONS: dict[str, tuple[str, str, Any, Runner]] = {
    "record": (
        "run a scenario and write every routing decision to a golden file",
        "Run a scenario file or a generated day under a routing rule and write every "
        "routing decision (one JSON line each: order, lines, locations, units, the rule's "
        "reason) after a header naming the scenario, the rule and the library version.",
        _record_arguments,
        _golden_guarded(_record),
    ),
    "check": (
        "run the scenario again and list the decisions that differ from a golden file",
        "Run the scenario a golden file was recorded from under a rule (the same or "
        "another) and compare the decisions, matched by order and by their number within "
        "the order: 'this change alters N of M decisions', then the first differences with "
        "the rule's reason. Exit 1 when any differ.",
        _check_arguments,
        _golden_guarded(_check),
    ),
}


_EXAMPLES = {
    "record": "invorder decisions record --scenario day.jsonl --rule nearest -o golden.jsonl",
    "check": "invorder decisions check golden.jsonl --scenario day.jsonl --rule mymod:rule",
}


def _decisions_arguments(p: argparse.ArgumentParser) -> None:
    actions = p.add_subparsers(dest="decisions_action", metavar="ACTION")
    for name, (summary, description, add_arguments, run) in _ACTIONS.items():
        sub = actions.add_parser(
            name,
            help=summary,
            description=textwrap.fill(description, 88),
            epilog=f"example:\n  {_EXAMPLES[name]}\n",
            formatter_class=p.formatter_class,
        )
        add_arguments(sub)
        sub.set_defaults(decisions_run=run)


def _decisions(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    run: Runner | None = getattr(args, "decisions_run", None)
    if run is None:
        err.write("invorder: decisions: name an action: record or check\n")
        return EXIT_USAGE
    return run(args, out, err)


DECISIONS = Subcommand(
    "decisions",
    "record every routing decision of a run to a golden file, or check a run against one",
    "Golden decision files pin a routing rule's behaviour: 'record' writes every decision "
    "of a run; 'check' replays the scenario and reports 'this change alters N of M "
    "decisions' with the first differences, and exits 1 when any differ. Run 'invorder "
    "decisions ACTION --help' for an action's options.",
    (
        "invorder decisions record --generate small --rule nearest -o golden.jsonl",
        "invorder decisions check golden.jsonl --generate small --rule most_stock",
        "invorder decisions check golden.jsonl --scenario day.jsonl --rule mymod:rule --json",
    ),
    _decisions_arguments,
    _decisions,
)
"""The ``decisions`` sub-command (actions ``record`` and ``check``)."""
