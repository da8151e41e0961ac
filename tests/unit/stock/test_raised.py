"""The ledger's raise marks (where units last came into a warehouse's available bucket), the
one mark re-allocation keeps per SKU from them, and the ledger's memo, which no copy of the
ledger inherits."""

from __future__ import annotations

import copy
import pickle

import invorder as iv
from invorder import Engine
from invorder.domain._memo import Memo
from invorder.domain.orders.reallocate import _mark
from invorder.engine._spares import duplicate
from tests.support.world import at


def test_a_receipt_or_a_release_raises_the_warehouse_a_reservation_does_not(
    engine: Engine,
) -> None:
    ledger = engine._state.ledger  # the projection itself: its marks are not a public query
    received = ledger.raised("MUG", "EAST")
    assert received >= 0
    assert ledger.raised("MUG", "WEST") == -1  # no MUG ever came into WEST
    assert ledger.raised("NOPE", "EAST") == -1
    engine.execute(iv.ReserveStock(key="res", at=at(3), reservation="R1", sku="MUG",
                                   location="EAST/A/01", quantity=4))  # fmt: skip
    assert ledger.raised("MUG", "EAST") == received  # available -> reserved: no unit came in
    (released,) = engine.execute(iv.ReleaseReservation(key="rel", at=at(4), reservation="R1"))
    assert ledger.raised("MUG", "EAST") == released.position
    (moved,) = engine.execute(
        iv.MoveStock(key="m", at=at(5), sku="MUG", source="EAST/A/01",
                     destination="EAST/A/02", quantity=1)
    )  # fmt: skip
    assert ledger.raised("MUG", "EAST") == moved.position  # a move within counts too


def test_a_memo_is_never_copied() -> None:
    memo = Memo(kept=1)
    for made in (copy.copy(memo), copy.deepcopy(memo), memo.copy(),
                 pickle.loads(pickle.dumps(memo))):  # fmt: skip
        assert type(made) is Memo
        assert made == {}
    assert memo == {"kept": 1}


def test_a_copy_of_the_ledger_keeps_its_marks_and_starts_its_memo_empty(
    engine: Engine,
) -> None:
    ledger = engine._state.ledger
    ledger.memo["found"] = "something"
    twin, _ = duplicate(ledger)  # what a fork or a batch's spare copy takes
    assert twin.memo == {}
    assert twin.raised("MUG", "EAST") == ledger.raised("MUG", "EAST") >= 0
    assert twin == ledger  # the memo is not state
    assert ledger.memo == {"found": "something"}


def test_a_bundle_has_one_mark_that_moves_when_units_of_any_part_come_in(
    engine: Engine,
) -> None:
    # What re-allocation's memo keeps for a SKU at a warehouse: the largest mark of its parts.
    engine.execute(iv.DefineSku(key="sku-set", at=at(2), sku=iv.Sku(
        "SET", components=(iv.Component("MUG", 1), iv.Component("TEE", 2)),
    )))  # fmt: skip
    ledger = engine._state.ledger
    mug, tee = ledger.raised("MUG", "EAST"), ledger.raised("TEE", "EAST")
    assert 0 <= mug < tee  # the fixture received MUG, then TEE
    assert _mark(ledger, "EAST", "SET") == tee
    assert _mark(ledger, "EAST", "MUG") == mug
    # Units of the part with the older mark come in: the one number moves all the same.
    (entry,) = engine.execute(iv.ReceiveStock(key="more", at=at(3), sku="MUG",
                                              location="EAST/A/02", quantity=1))  # fmt: skip
    assert _mark(ledger, "EAST", "SET") == entry.position > tee
    # Units taken out (a reservation) move no mark.
    engine.execute(iv.ReserveStock(key="res", at=at(4), reservation="R1", sku="TEE",
                                   location="EAST/A/01", quantity=2))  # fmt: skip
    assert _mark(ledger, "EAST", "SET") == entry.position
    assert _mark(ledger, "WEST", "SET") == -1  # no part ever came into WEST
