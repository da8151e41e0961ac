"""Queries: balance, roll-up over shallow and deep trees, on-hand, balances, history, as-of."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import invorder
from invorder import SUPPLIER, Account, Bucket, Engine
from invorder.adapters.sql import SqlEventStore
from invorder.errors import InvalidFieldError, NaiveDatetimeError
from invorder.events import Operation
from tests.support.world import T0, at, stocked


def test_balance_is_exact_and_zero_for_unknown_accounts(engine: Engine) -> None:
    assert engine.balance("MUG", "EAST/A/01") == 10
    assert engine.balance("MUG", "EAST/A/01", Bucket.DAMAGED) == 0
    assert engine.balance("MUG", "EAST/A") == 0  # nothing sits on the zone itself
    assert engine.balance("NOPE", "EAST/A/01") == 0
    assert engine.balance("MUG", SUPPLIER) == -10


def test_rollup_over_one_level(engine: Engine) -> None:
    engine.execute(
        invorder.MoveStock(key="m", at=at(2), sku="MUG", source="EAST/A/01",
                           destination="EAST/A/02", quantity=3)
    )  # fmt: skip
    assert engine.rollup("MUG", "EAST/A") == 10
    assert engine.rollup("MUG", "EAST/A/02") == 3
    assert engine.rollup("MUG", "EAST/B") == 0
    assert engine.rollup("MUG", SUPPLIER) == -10  # a virtual location has no subtree


def test_rollup_over_a_deep_tree_counts_stock_at_every_level() -> None:
    engine = invorder.in_memory()
    paths = ("DC/Z1/AISLE-1/SHELF-1/BIN-1", "DC/Z1/AISLE-1/SHELF-2/BIN-1", "DC/Z2/AISLE-9/S/B")
    for n, path in enumerate(paths):
        engine.execute(invorder.DefineLocation(key=f"l{n}", at=T0, location=path))
    engine.execute(invorder.DefineSku(key="s", at=T0, sku=invorder.Sku("BOLT")))
    for n, (path, quantity) in enumerate(zip((*paths, "DC/Z1"), (1, 20, 300, 4000), strict=True)):
        engine.execute(
            invorder.ReceiveStock(key=f"r{n}", at=T0, sku="BOLT", location=path, quantity=quantity)
        )
    assert engine.rollup("BOLT", "DC") == 4321
    assert engine.rollup("BOLT", "DC/Z1") == 4021
    assert engine.rollup("BOLT", "DC/Z1/AISLE-1") == 21
    assert engine.rollup("BOLT", "DC/Z1/AISLE-1/SHELF-2") == 20
    assert engine.rollup("BOLT", "DC/Z2/AISLE-9/S/B") == 300
    assert engine.balance("BOLT", "DC/Z1") == 4000
    assert engine.verify() == []


def test_on_hand_sums_the_physical_buckets_only(engine: Engine) -> None:
    sku = {"sku": "MUG", "location": "EAST/A/01"}
    engine.execute(invorder.MarkDamaged(key="d", at=at(2), quantity=1, **sku))
    engine.execute(invorder.QuarantineStock(key="q", at=at(2), quantity=2, **sku))
    engine.execute(
        invorder.ShipTransfer(key="t", at=at(3), transfer="TR-1", origin="EAST/A/01",
                              destination="WEST/A/01", lines=[invorder.TransferLine("MUG", 3)])
    )  # fmt: skip
    engine.execute(
        invorder.PostEntry(
            key="po", at=at(4),
            movements=[invorder.Movement(sku="MUG", quantity=9, source=Account(SUPPLIER),
                                         destination=Account("WEST/A/01", Bucket.INCOMING))],
        )
    )  # fmt: skip
    assert engine.on_hand("MUG", "EAST/A/01") == 7  # 4 available + 1 damaged + 2 in QC
    assert engine.on_hand("MUG", "EAST") == 7
    assert engine.on_hand("MUG", "WEST") == 0  # in transit and incoming are not on hand
    assert engine.rollup("MUG", "WEST", Bucket.IN_TRANSIT) == 3
    assert engine.rollup("MUG", "WEST", Bucket.INCOMING) == 9


def test_balances_lists_every_non_zero_account_sorted(engine: Engine) -> None:
    engine.execute(
        invorder.MoveStock(key="m", at=at(2), sku="MUG", source="EAST/A/01",
                           destination="EAST/A/02", quantity=10)
    )  # fmt: skip
    assert list(engine.balances("MUG").items()) == [
        (Account("@supplier"), -10),
        (Account("EAST/A/02"), 10),
    ]
    assert engine.balances("NOPE") == {}


def test_history_follows_a_location_with_a_running_balance(engine: Engine) -> None:
    engine.execute(
        invorder.MoveStock(key="m", at=at(2), sku="MUG", source="EAST/A/01",
                           destination="EAST/A/02", quantity=4)
    )  # fmt: skip
    engine.execute(
        invorder.MarkDamaged(key="d", at=at(3), sku="MUG", location="EAST/A/01", quantity=1)
    )
    engine.execute(
        invorder.ScrapStock(key="s", at=at(4), sku="MUG", location="EAST/A/01", quantity=1)
    )
    bin_ = engine.history("MUG", "EAST/A/01")
    assert [(line.key, line.change, line.balance) for line in bin_] == [
        ("rcv-mug", 10, 10),
        ("m", -4, 6),
        ("d", 0, 6),  # available -> damaged stays on hand
        ("s", -1, 5),
    ]
    assert bin_[1].operation is Operation.MOVE
    assert bin_[1].at == at(2)
    assert bin_[0].position == 6
    zone = engine.history("MUG", "EAST/A")
    assert [(line.key, line.change, line.balance) for line in zone] == [
        ("rcv-mug", 10, 10),
        ("m", 0, 10),  # inside the zone
        ("d", 0, 10),
        ("s", -1, 9),
    ]
    available = engine.history("MUG", "EAST/A/01", Bucket.AVAILABLE)
    assert [(line.key, line.change, line.balance) for line in available] == [
        ("rcv-mug", 10, 10),
        ("m", -4, 6),
        ("d", -1, 5),
    ]
    assert engine.history("MUG", "WEST") == []
    assert engine.history("NOPE", "EAST") == []


def _busy(engine: Engine) -> Engine:
    """``engine`` after moves in and out of EAST/A/01, and TEE and other bins in between."""
    for n in range(6):
        engine.execute(
            invorder.MoveStock(key=f"m{n}", at=at(2 + n), sku="MUG", source="EAST/A/01",
                               destination="EAST/A/02", quantity=1)
        )  # fmt: skip
        if n < 5:  # TEE has five
            engine.execute(
                invorder.MoveStock(key=f"t{n}", at=at(2 + n), sku="TEE", source="EAST/A/01",
                                   destination="EAST/B/01", quantity=1)
            )  # fmt: skip
        engine.execute(
            invorder.MarkDamaged(key=f"d{n}", at=at(2 + n), sku="MUG", location="EAST/A/02",
                                 quantity=1)
        )  # fmt: skip
    return engine


@pytest.mark.parametrize("store", ["memory", "sqlite"])
def test_history_last_gives_the_latest_movements_with_their_balances(
    store: str, tmp_path: Path
) -> None:
    sql = SqlEventStore(f"sqlite:///{tmp_path / 'h.db'}") if store == "sqlite" else None
    engine = _busy(stocked(sql))
    whole = engine.history("MUG", "EAST/A/01")
    assert [(line.key, line.change, line.balance) for line in whole][-3:] == [
        ("m3", -1, 6), ("m4", -1, 5), ("m5", -1, 4),
    ]  # fmt: skip
    for last in (1, 2, 3, 6, 7, 50):
        assert engine.history("MUG", "EAST/A/01", last=last) == whole[-last:]
    # EAST/A/02's history in its available bucket: every entry moves stock in, then out.
    available = engine.history("MUG", "EAST/A/02", Bucket.AVAILABLE)
    assert engine.history("MUG", "EAST/A/02", Bucket.AVAILABLE, last=4) == available[-4:]
    assert available[-1].balance == 0
    assert engine.history("MUG", "WEST", last=3) == []
    assert engine.history("NOPE", "EAST", last=3) == []


@pytest.mark.parametrize("last", [0, -1, True, 2.0, "2"])
def test_history_last_must_be_a_positive_number_of_movements(
    engine: Engine, last: object, unchanged: Any
) -> None:
    check = unchanged(engine)
    with pytest.raises(InvalidFieldError) as caught:
        engine.history("MUG", "EAST/A/01", last=last)  # type: ignore[arg-type]  # the bad input
    assert str(caught.value) == f"last must be a positive number of movements (got {last!r})"
    assert caught.value.code == "invalid_field"
    check()


def test_balances_as_of_a_past_time(engine: Engine) -> None:
    engine.execute(
        invorder.MoveStock(key="m", at=at(10), sku="MUG", source="EAST/A/01",
                           destination="EAST/A/02", quantity=4)
    )  # fmt: skip
    engine.execute(
        invorder.MarkDamaged(key="d", at=at(20), sku="MUG", location="EAST/A/02", quantity=1)
    )
    before = engine.balances_as_of(at(0))
    assert before.balance("MUG", "EAST/A/01") == 0
    assert before.balances("MUG") == {}
    after_receipt = engine.balances_as_of(at(5))
    assert after_receipt.balance("MUG", "EAST/A/01") == 10
    at_move = engine.balances_as_of(at(10))  # inclusive
    assert at_move.balance("MUG", "EAST/A/02") == 4
    assert at_move.rollup("MUG", "EAST", Bucket.DAMAGED) == 0
    now = engine.balances_as_of(at(60))
    assert now.on_hand("MUG", "EAST") == 10
    assert now.rollup("MUG", "EAST", Bucket.DAMAGED) == 1
    assert {sku: now.balances(sku) for sku in ("MUG", "TEE")} == {
        sku: engine.balances(sku) for sku in ("MUG", "TEE")
    }


def test_balances_as_of_compares_instants_across_timezones(engine: Engine) -> None:
    from datetime import timedelta, timezone

    # at(1) is 08:01 UTC, i.e. 10:01 at UTC+2.
    plus_two = timezone(timedelta(hours=2))
    assert engine.balances_as_of(at(1).astimezone(plus_two)).balance("MUG", "EAST/A/01") == 10
    assert engine.balances_as_of(at(0).astimezone(plus_two)).balance("MUG", "EAST/A/01") == 0


def test_balances_as_of_needs_an_aware_time(engine: Engine) -> None:
    with pytest.raises(NaiveDatetimeError) as caught:
        engine.balances_as_of(at(5).replace(tzinfo=None))
    assert caught.value.fields["field"] == "at"


def test_transfer_query_is_none_for_an_unknown_id(engine: Engine) -> None:
    assert engine.transfer("TR-404") is None


def test_balances_as_of_is_a_prefix_of_the_log_when_times_go_backwards(engine: Engine) -> None:
    # A host clock skew: the receipt is stamped before the shipment it receives. Folding
    # only the events at or before 08:25 would receive a transfer never shipped.
    engine.execute(
        invorder.ShipTransfer(key="ship", at=at(30), transfer="TR-1", origin="EAST/A/01",
                              destination="WEST/A/01", lines=[invorder.TransferLine("MUG", 2)])
    )  # fmt: skip
    engine.execute(
        invorder.ReceiveTransfer(key="in", at=at(20), transfer="TR-1",
                                 lines=[invorder.TransferLine("MUG", 2)])
    )  # fmt: skip
    past = engine.balances_as_of(at(25))
    assert past.balances("MUG") == {Account(SUPPLIER): -10, Account("EAST/A/01"): 10}
    assert past.transfers == {}
    assert engine.balances_as_of(at(30)).balance("MUG", "WEST/A/01") == 2
