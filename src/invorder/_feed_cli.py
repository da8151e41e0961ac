"""The ``feed`` command of the ``invorder`` command line: run a scenario and print the
notifications its log gives the channels (:mod:`invorder.feed`), one JSON line each."""

from __future__ import annotations

import argparse
from typing import TextIO

from invorder.feed import notifications
from invorder.simulate.cli import (
    EXIT_OK,
    Subcommand,
    UsageError,
    _guarded,
    _load,
    rule_help,
    scenario_arguments,
)
from invorder.simulate.console import progress_bar
from invorder.simulate.run import DEFAULT_RULE, Simulation, resolve_rule


def _arguments(p: argparse.ArgumentParser) -> None:
    scenario_arguments(p)
    p.add_argument("--rule", default=DEFAULT_RULE, help=rule_help())
    p.add_argument("--channel", metavar="NAME", help="only this channel's notifications")
    p.add_argument("--after", metavar="N", type=int, default=0,
                   help="only the notifications of events at log position N or later (a "
                   "consumer's checkpoint)")  # fmt: skip
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar on standard error")


def _feed(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if args.after < 0:
        raise UsageError(f"--after: a log position (0 or more), not {args.after}")
    resolve_rule(args.rule)
    scenario = _load(args, err)
    run = Simulation(scenario, args.rule)
    with progress_bar(err, f"running {args.rule}", "steps", quiet=args.quiet) as progress:
        run.advance(progress=progress)
    head = run.engine.position
    if args.after > head:
        raise UsageError(f"--after {args.after} is past the log's head {head}")
    channels = {c.channel for c in run.engine.channels()}
    if args.channel is not None and args.channel not in channels:
        raise UsageError(f"--channel: the scenario has no channel {args.channel!r} "
                         f"(it has {', '.join(sorted(channels))})")  # fmt: skip
    for notification in notifications(run.engine.events(), channel=args.channel,
                                      after=args.after):  # fmt: skip
        out.write(notification.to_json() + "\n")
    return EXIT_OK


FEED = Subcommand(
    "feed",
    "print the notifications a scenario's log gives the sales channels, as JSON Lines",
    "Run a scenario file or a generated day under a routing rule, then print what its "
    "event log tells the channels: orders acknowledged, held and released, lines "
    "cancelled, shipments shipped (carrier, tracking), returns received, refunds issued, "
    "and inventory levels per channel. One JSON object per line, each with a stable id "
    "(channel:position:n); the same scenario prints the same bytes.",
    (
        "invorder feed --generate small --channel shopify",
        "invorder feed --scenario day.jsonl --after 120000 > notifications.jsonl",
    ),
    _arguments,
    _guarded(_feed),
)
"""The ``feed`` sub-command."""
