"""The exported strategies produce what they promise: valid values that the ledger accepts,
and a strategy for every stock command."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime

from hypothesis import given
from hypothesis import strategies as st

import invorder
from invorder import Account, Movement, Sku
from invorder.domain import stock
from invorder.domain.stock.catalog import gtin_check_digit, normalize_barcode
from invorder.domain.stock.location import location_id, warehouse_of
from invorder.testing import strategies as ist
from tests.support.world import T0


@given(ist.gtins())
def test_gtins_have_a_valid_length_and_check_digit(code: str) -> None:
    assert len(code) in (8, 12, 13, 14)
    assert gtin_check_digit(code[:-1]) == int(code[-1])
    assert normalize_barcode(code).endswith(code)


@given(ist.catalogs())
def test_catalogs_define_cleanly_in_an_empty_ledger(catalog: tuple[Sku, ...]) -> None:
    engine = invorder.in_memory()
    for n, sku in enumerate(catalog):
        engine.execute(invorder.DefineSku(key=f"s{n}", at=T0, sku=sku))
    assert engine.skus() == list(catalog)
    for sku in catalog:
        for barcode in sku.barcodes:
            assert engine.lookup_barcode(barcode) == sku.code


@given(ist.location_paths())
def test_location_paths_are_valid(path: str) -> None:
    assert location_id(path) == path
    assert not path.startswith("@")


@given(ist.location_trees(min_warehouses=2))
def test_location_trees_are_sorted_three_level_bins(bins: tuple[str, ...]) -> None:
    assert list(bins) == sorted(set(bins))
    assert all(path.count("/") == 2 for path in bins)
    assert len({warehouse_of(path) for path in bins}) >= 2


@given(ist.aware_datetimes())
def test_aware_datetimes_carry_a_timezone(moment: datetime) -> None:
    assert moment.utcoffset() is not None
    assert datetime.fromisoformat(moment.isoformat()) == moment


@given(ist.movements(["MUG", "TEE"], ["EAST/A/01", "WEST/A/01"]))
def test_movements_join_two_different_accounts(movement: Movement) -> None:
    assert movement.source != movement.destination
    assert movement.sku in ("MUG", "TEE")
    assert isinstance(movement.source, Account)


SKUS, BINS = ["MUG", "TEE"], ["EAST/A/01", "EAST/A/02", "WEST/A/01"]
ONE_COMMAND_EACH = [
    (ist.receive_stock(SKUS, BINS, ["5901234123457"]), invorder.ReceiveStock),
    (ist.count_stock(SKUS, BINS), invorder.CountStock),
    (ist.mark_damaged(SKUS, BINS), invorder.MarkDamaged),
    (ist.quarantine_stock(SKUS, BINS), invorder.QuarantineStock),
    (ist.release_quarantine(SKUS, BINS), invorder.ReleaseQuarantine),
    (ist.scrap_stock(SKUS, BINS), invorder.ScrapStock),
    (ist.move_stock(SKUS, BINS), invorder.MoveStock),
    (ist.ship_transfers(SKUS, BINS), invorder.ShipTransfer),
    (ist.receive_transfers(SKUS), invorder.ReceiveTransfer),
    (ist.close_transfers(), invorder.CloseTransfer),
    (ist.post_entries(SKUS, BINS), invorder.PostEntry),
    (ist.define_locations(BINS), invorder.DefineLocation),
    (ist.define_skus(), invorder.DefineSku),
    (ist.assemble_kits(SKUS, BINS), invorder.AssembleKit),
    (ist.disassemble_kits(SKUS, BINS), invorder.DisassembleKit),
]


@given(st.data())
def test_single_command_strategies_build_their_command(data: st.DataObject) -> None:
    strategy, cls = data.draw(st.sampled_from(ONE_COMMAND_EACH))
    assert type(data.draw(strategy)) is cls


def test_every_stock_command_has_a_strategy() -> None:
    # A new stock command needs its strategy in the registry (and, unless it is a definition
    # or a kit command, ledger_commands draws it from there).
    assert set(ist.STOCK_COMMANDS) == set(stock.COMMANDS)


@given(st.data())
def test_every_registered_strategy_builds_its_command(data: st.DataObject) -> None:
    scope = ist.StockScope(SKUS, BINS, barcodes=["5901234123457"])
    command = data.draw(st.sampled_from(list(ist.STOCK_COMMANDS)))
    assert type(data.draw(ist.STOCK_COMMANDS[command](scope))) is command


@given(ist.ledger_commands(SKUS, BINS, barcodes=["5901234123457"]))
def test_ledger_commands_are_stock_commands(command: invorder.Command) -> None:
    assert not isinstance(command, invorder.DefineLocation | invorder.DefineSku)
    assert not isinstance(command, invorder.AssembleKit | invorder.DisassembleKit)
    assert command.at.utcoffset() is not None


def test_importing_invorder_does_not_import_hypothesis() -> None:
    code = "import sys, invorder; print('hypothesis' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
