"""A first end-to-end check of the ledger through the engine and the demo."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import invorder
from invorder.cli import main

T = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


def test_demo_prints_balances_and_a_clean_verify() -> None:
    out = io.StringIO()
    assert main(["demo"], out=out) == 0
    text = out.getvalue()
    assert "refused  dmg-2" in text
    assert "MUG-BLUE  WEST/A/01         38" in text
    assert text.rstrip().endswith("verify(): clean")


def test_receive_then_repeat_returns_first_outcome() -> None:
    engine = invorder.in_memory()
    engine.execute(invorder.DefineLocation(key="l", at=T, location="EAST/A/01"))
    engine.execute(invorder.DefineSku(key="s", at=T, sku=invorder.Sku("MUG")))
    command = invorder.ReceiveStock(key="r", at=T, sku="MUG", location="EAST/A/01", quantity=3)
    first = engine.execute(command)
    assert engine.execute(command) == first
    assert engine.position == 3
    assert engine.balance("MUG", "EAST/A/01") == 3
