"""A ship-complete order found short at a warehouse is remembered as short there (the
ledger's memo) only until units of what it lacked come into that warehouse: by a decision
that re-allocates (a receipt) or by one that does not (a journal entry), the next arrival
there allocates it whole, as if nothing had been remembered."""

from __future__ import annotations

from typing import Any
from unittest import mock

import invorder as iv
from invorder.domain.orders import reallocate
from tests.support.order_world import capture, clean, order_world
from tests.support.world import at
from tests.unit.orders.test_ship_complete import parcels, wholesale


def _found_short_at_both() -> iv.Engine:
    """O-1 (ship-complete: 2 MUG, 2 TEE) found short at EAST (no TEE) when a cancellation
    frees MUG there, and at WEST (no MUG) when TEE is received there; O-3 holds a MUG at
    EAST, to be freed later."""
    engine = order_world(east={"EAST/A/01": 5}, west={"WEST/A/01": 0})
    engine.capture(wholesale(lines=(("1", "MUG", 2), ("2", "TEE", 2))))
    for order in ("O-2", "O-3"):
        engine.capture(capture(order, (("1", "MUG", 1),), minute=6))
    engine.execute(iv.CancelOrder(key="c2", at=at(7), order="O-2", reason="customer"))
    engine.execute(iv.ReceiveStock(key="tee", at=at(8), sku="TEE", location="WEST/A/01",
                                   quantity=2))  # fmt: skip
    assert "O-1/S1" not in parcels(engine)
    return engine


def _remembered(engine: iv.Engine) -> set[str]:
    """The warehouses the ledger's memo holds O-1 short at."""
    found = engine._state.ledger.memo[reallocate._SHORT_WHOLE].get("O-1")
    return set() if found is None else set(found[1])


def _forgetting(ledger: Any) -> dict[str, Any]:
    return {}


def test_units_posted_in_without_a_re_allocation_end_what_was_remembered() -> None:
    assert _remembered(_found_short_at_both()) == {"EAST", "WEST"}

    def run() -> iv.Engine:
        engine = _found_short_at_both()
        found = iv.Movement(sku="TEE", quantity=2, source=iv.Account(iv.ADJUSTMENT),
                            destination=iv.Account("EAST/A/01"))  # fmt: skip
        engine.execute(iv.PostEntry(key="found", at=at(9), movements=[found]))
        assert "O-1/S1" not in parcels(engine)  # a journal entry re-allocates nothing
        engine.execute(iv.CancelOrder(key="c3", at=at(10), order="O-3", reason="customer"))
        return engine

    engine = run()
    assert parcels(engine)["O-1/S1"] == {"EAST/A/01": 2, "EAST/A/01 TEE": 2}
    clean(engine)
    with mock.patch.object(reallocate, "_short_whole", _forgetting):
        assert list(run().events()) == list(engine.events())


def test_units_arriving_in_the_outcome_end_what_was_remembered() -> None:
    engine = _found_short_at_both()
    assert _remembered(engine) == {"EAST", "WEST"}
    engine.execute(iv.ReceiveStock(key="tee-east", at=at(9), sku="TEE", location="EAST/A/01",
                                   quantity=2))  # fmt: skip
    assert parcels(engine)["O-1/S1"] == {"EAST/A/01": 2, "EAST/A/01 TEE": 2}
    clean(engine)


def test_an_order_changed_since_it_was_found_short_is_looked_at_again() -> None:
    def run() -> iv.Engine:
        engine = _found_short_at_both()
        # Without its TEE, O-1 is 2 MUG: EAST could give it whole, once something comes.
        engine.execute(iv.CancelLines(key="cl", at=at(9), order="O-1",
                                      lines=[iv.LineQuantity("2", 2)]))  # fmt: skip
        assert "O-1/S1" not in parcels(engine)
        engine.execute(iv.CancelOrder(key="c3", at=at(10), order="O-3", reason="customer"))
        return engine

    engine = run()
    assert parcels(engine)["O-1/S1"] == {"EAST/A/01": 2}
    clean(engine)
    with mock.patch.object(reallocate, "_short_whole", _forgetting):
        assert list(run().events()) == list(engine.events())
