"""The ``invorder`` command line: ``invorder demo`` runs a small stock story in memory;
``simulate``, ``generate`` and ``verify`` come from :mod:`invorder.simulate.cli`.

Exit codes: 0 success, 1 ``verify`` found problems, 2 bad usage (unknown command or option,
unknown rule), 3 a scenario file that cannot be read.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import TextIO

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


def main(
    argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    """Entry point of ``invorder`` and ``python -m invorder``."""
    parser = argparse.ArgumentParser(prog="invorder", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("demo", help="receive, move and transfer stock in memory; print balances")
    simulate_cli.add_commands(sub)
    args = parser.parse_args(argv)
    stream = out if out is not None else sys.stdout
    if args.command == "demo":
        return demo(stream)
    if args.command in simulate_cli.COMMANDS:
        return simulate_cli.run_command(args, stream, err if err is not None else sys.stderr)
    parser.error(f"unknown command {args.command}")  # pragma: no cover  # argparse exits first
    return 2  # pragma: no cover
