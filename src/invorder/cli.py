"""The ``invorder`` command line: ``invorder demo`` runs a small stock story in memory;
``simulate``, ``generate`` and ``verify`` come from :mod:`invorder.simulate.cli`, ``decisions``
from :mod:`invorder.simulate.decisions_cli`, ``sweep`` from ``invorder.simulate._sweep_cli``,
``feed`` from ``invorder._feed_cli``.

Exit codes: 0 success, 1 ``verify`` found problems, ``decisions check`` found decisions
that differ or ``sweep`` cells failed, 2 bad usage (unknown command or option, unknown rule),
3 a scenario file that cannot be read or written, 130 interrupted.
"""

from __future__ import annotations

import argparse
import os
import sys
import textwrap
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import TextIO

from invorder._feed_cli import FEED
from invorder._version import installed_version
from invorder.adapters.memory import MemoryEventStore
from invorder.domain.errors import InvorderError
from invorder.domain.messages import Command
from invorder.domain.stock.catalog import Sku
from invorder.domain.stock.commands import (
    CountStock,
    DefineLocation,
    DefineSku,
    MarkDamaged,
    MoveStock,
    ReceiveStock,
    ReceiveTransfer,
    ShipTransfer,
    TransferLine,
)
from invorder.domain.stock.movement import Bucket
from invorder.engine import Engine
from invorder.simulate import cli as simulate_cli
from invorder.simulate._sweep_cli import SWEEP
from invorder.simulate.cli import Subcommand
from invorder.simulate.decisions_cli import DECISIONS


def demo_commands(start: datetime) -> list[Command]:
    """The commands of the demo story: two warehouses, two SKUs, a day of stock moves."""
    minute = timedelta(minutes=1)
    steps: list[Command] = []

    def at(n: int) -> datetime:
        return start + n * minute

    for n, path in enumerate(("EAST/A/01", "EAST/A/02", "EAST/B/01", "WEST/A/01")):
        steps.append(DefineLocation(key=f"loc-{n}", at=at(0), location=path))
    steps.append(DefineSku(key="sku-mug", at=at(0), sku=Sku("MUG-BLUE", "Blue mug",
                                                            ("5901234123457",))))  # fmt: skip
    steps.append(DefineSku(key="sku-tee", at=at(0), sku=Sku("TEE-M", "T-shirt, M")))
    steps += [
        ReceiveStock(key="rcv-1", at=at(5), barcode="5901234123457", location="EAST/A/01",
                     quantity=120, reference="PO-1001"),
        ReceiveStock(key="rcv-2", at=at(6), sku="TEE-M", location="EAST/B/01", quantity=60,
                     reference="PO-1001"),
        MoveStock(key="mv-1", at=at(30), sku="MUG-BLUE", source="EAST/A/01",
                  destination="EAST/A/02", quantity=20),
        MarkDamaged(key="dmg-1", at=at(45), sku="MUG-BLUE", location="EAST/A/02", quantity=2,
                    reason="dropped during put-away"),
        ShipTransfer(key="tr-out", at=at(60), transfer="TR-7", origin="EAST/A/01",
                     destination="WEST/A/01", lines=(TransferLine("MUG-BLUE", 40),)),
        # More than is there: refused with a typed error, and nothing changes.
        MarkDamaged(key="dmg-2", at=at(90), sku="TEE-M", location="EAST/B/01", quantity=500),
        ReceiveTransfer(key="tr-in", at=at(240), transfer="TR-7",
                        lines=(TransferLine("MUG-BLUE", 38),)),
        CountStock(key="count-1", at=at(300), sku="TEE-M", location="EAST/B/01", counted=49),
    ]  # fmt: skip
    return steps


def demo(out: TextIO) -> int:
    """Run the demo story on an in-memory engine and print the balances as a table."""
    engine = Engine(MemoryEventStore())
    start = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
    commands = demo_commands(start)
    for command in commands:
        try:
            engine.execute(command)
            out.write(f"ok       {command.key:<8} {type(command).__name__}\n")
        except InvorderError as error:
            out.write(f"refused  {command.key:<8} {type(command).__name__}: {error}\n")
    out.write("\n")
    out.write(balance_table(engine))
    problems = engine.verify()
    out.write(f"\n{engine.position} events in the log; verify(): "
              f"{problems or 'clean'}\n")  # fmt: skip
    return 0


def balance_table(engine: Engine) -> str:
    """Balances of every SKU at every real location, one row per (SKU, location)."""
    buckets = (Bucket.AVAILABLE, Bucket.RESERVED, Bucket.DAMAGED, Bucket.QUALITY_CONTROL,
               Bucket.IN_TRANSIT)  # fmt: skip
    header = ["sku", "location", *(b.value for b in buckets), "on_hand"]
    rows = [header]
    for sku in engine.skus():
        for location in engine.locations():
            figures = [engine.rollup(sku.code, location, b) for b in buckets]
            on_hand = engine.on_hand(sku.code, location)
            if any(figures) or on_hand:
                rows.append([sku.code, location, *map(str, figures), str(on_hand)])
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = []
    for index, row in enumerate(rows):
        cells = [cell.ljust(w) if i < 2 else cell.rjust(w) for i, (cell, w) in
                 enumerate(zip(row, widths, strict=True))]  # fmt: skip
        lines.append("  ".join(cells).rstrip())
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines) + "\n"


def _demo(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    return demo(out)


DEMO = Subcommand(
    "demo",
    "receive, move and transfer stock in memory; print balances",
    "A small stock story on an in-memory engine: two warehouses, two SKUs, receipts, a move, "
    "damage, a transfer and a count; one command is refused with a typed error and changes "
    "nothing. Prints every command's outcome and the balances at the end.",
    ("invorder demo",),
    lambda parser: None,
    _demo,
)
"""The ``demo`` sub-command."""

SUBCOMMANDS = (DEMO, *simulate_cli.SUBCOMMANDS, DECISIONS, SWEEP, FEED)
"""Every sub-command, in ``--help`` order."""

EXIT_INTERRUPTED = 130
"""Stopped by Ctrl-C (SIGINT), as shells report it."""


class _Formatter(argparse.RawDescriptionHelpFormatter, argparse.ArgumentDefaultsHelpFormatter):
    """Keeps the descriptions' line breaks and adds each option's default to its help."""


def parser() -> argparse.ArgumentParser:
    """The ``invorder`` argument parser, built from :data:`SUBCOMMANDS`."""
    top = argparse.ArgumentParser(
        prog="invorder",
        description="Inventory and orders in one consistent model: run a demo, simulate "
        "routing rules over scenarios, sweep rules over many days, generate and verify "
        "scenario files.",
        epilog="Run 'invorder COMMAND --help' for a command's options and examples.\n"
        "Exit codes: 0 success, 1 verify found problems, decisions check found changed "
        "decisions or sweep cells failed, 2 bad usage, 3 a file that cannot be read or "
        "written, 130 interrupted.",
        formatter_class=_Formatter,
    )
    top.add_argument("--version", action="version", version=f"invorder {installed_version()}")
    sub = top.add_subparsers(dest="command", metavar="COMMAND")
    for command in SUBCOMMANDS:
        p = sub.add_parser(
            command.name,
            help=command.summary,
            description=textwrap.fill(command.description, 88),
            epilog=command.epilog(),
            formatter_class=_Formatter,
        )
        command.add_arguments(p)
        p.set_defaults(run=command.run)
    return top


def main(
    argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    """Entry point of ``invorder`` and ``python -m invorder``; returns the exit code.

    A bare ``invorder`` prints the help. Ctrl-C prints ``interrupted`` and exits 130; a
    closed standard output (``invorder generate small | head -1``) ends the run quietly.
    The working directory is searched (after the installed packages) for the module of a
    ``--rule module:attribute``, as ``python -m`` would.
    """
    stdout = out if out is not None else sys.stdout
    stderr = err if err is not None else sys.stderr
    top = parser()
    args = top.parse_args(argv)
    if args.command is None:
        top.print_help(stdout)
        return 0
    if os.getcwd() not in sys.path:
        sys.path.append(os.getcwd())
    try:
        code: int = args.run(args, stdout, stderr)
        stdout.flush()
        return code
    except KeyboardInterrupt:
        stderr.write("interrupted\n")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        _quiet_closed_stdout(stdout)
        return 0


def _quiet_closed_stdout(stdout: TextIO) -> None:
    # The reader went away: point the descriptor at /dev/null so the interpreter's flush at
    # exit does not complain about the pipe a second time.
    try:
        fileno = stdout.fileno()
    except (OSError, ValueError):  # a StringIO, or a stream without a descriptor
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fileno)
    os.close(devnull)
