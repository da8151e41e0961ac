"""A first end-to-end check of the ledger through the engine and the demo."""

from __future__ import annotations

import inspect
import io
from datetime import UTC, datetime
from decimal import Decimal

import pytest

import invorder
from invorder.cli import main
from invorder.simulate import resolve_rule

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


def test_in_memory_takes_the_engines_options() -> None:
    # Issue 19, item 9: the embedded default is configured like any engine.
    engine = invorder.in_memory(routing_rule=resolve_rule("most_stock"), max_attempts=2)
    engine.execute(invorder.DefineLocation(key="e", at=T, location="EAST/A/01"))
    engine.execute(invorder.DefineLocation(key="w", at=T, location="WEST/A/01"))
    engine.execute(invorder.DefineSku(key="s", at=T, sku=invorder.Sku("MUG")))
    for key, location, units in (("re", "EAST/A/01", 2), ("rw", "WEST/A/01", 9)):
        engine.execute(invorder.ReceiveStock(key=key, at=T, sku="MUG", location=location,
                                             quantity=units))  # fmt: skip
    engine.execute(invorder.DefineChannel(key="c", at=T, channel="shop",
                                          locations=["EAST", "WEST"]))  # fmt: skip
    line = invorder.LineItem("1", "MUG", 1, invorder.Money(Decimal("5"), "USD"))
    engine.execute(invorder.CaptureOrder(key="o", at=T, order="O-1", channel="shop",
                                         external_id="x", kind="dtc", lines=[line]))  # fmt: skip
    (shipment,) = engine.shipments("O-1")
    assert shipment.location == "WEST"  # most stock, where the default would take the first
    with pytest.raises(TypeError):
        # The type checker refuses it too (``EngineOptions``): were the options typed
        # ``Any`` again, this ignore would be unused, which mypy --strict reports.
        invorder.in_memory(no_such_option=1)  # type: ignore[call-arg]


def test_the_engine_options_are_the_engines_keyword_parameters() -> None:
    parameters = inspect.signature(invorder.Engine).parameters
    keywords = {name for name, p in parameters.items() if p.kind is p.KEYWORD_ONLY}
    assert set(invorder.EngineOptions.__annotations__) == keywords - {"snapshots"}
    snapshots = invorder.MemorySnapshotStore()
    engine = invorder.in_memory(snapshots=snapshots, allow_empty=True, rejection_cache=0)
    engine.execute(invorder.DefineLocation(key="e", at=T, location="EAST/A/01"))
    engine.snapshot()
    assert snapshots.load() is not None
