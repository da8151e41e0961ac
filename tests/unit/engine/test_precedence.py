"""The documented error precedence (invorder.domain.errors) for commands breaking several rules.

1. malformed input, when the command is built; 2. idempotency; 3. references: unknown SKU,
then unknown location, then unknown record; 4. state rules, first account named first.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

import invorder
from invorder import (
    SUPPLIER,
    Account,
    Engine,
    IdempotencyConflictError,
    InvorderError,
    Movement,
    TransferLine,
)
from invorder.errors import (
    IllegalTransitionError,
    InsufficientStockError,
    InvalidQuantityError,
    UnknownLocationError,
    UnknownSkuError,
)
from tests.support.world import T0, at

Check = Callable[[Engine], Callable[[], None]]


def first_error(engine: Engine, unchanged: Check, build: Callable[[], Any]) -> InvorderError:
    check = unchanged(engine)
    with pytest.raises(InvorderError) as caught:
        engine.execute(build())
    check()
    return caught.value


def test_malformed_input_wins_over_a_reused_key(engine: Engine, unchanged: Check) -> None:
    engine.execute(invorder.MarkDamaged(key="d", at=T0, sku="MUG", location="EAST/A/01",
                                        quantity=1))  # fmt: skip
    error = first_error(
        engine, unchanged,
        lambda: invorder.MarkDamaged(key="d", at=T0, sku="NOPE", location="EAST/A/01",
                                     quantity=0),
    )  # fmt: skip
    assert type(error) is InvalidQuantityError


def test_malformed_barcode_wins_over_everything_else(engine: Engine, unchanged: Check) -> None:
    error = first_error(
        engine, unchanged,
        lambda: invorder.ReceiveStock(key="r", at=T0, barcode="5901234123450",
                                      location="NOWHERE", quantity=1),
    )  # fmt: skip
    assert type(error) is invorder.errors.InvalidBarcodeError


def test_a_reused_key_wins_over_references_and_state(engine: Engine, unchanged: Check) -> None:
    engine.execute(invorder.MarkDamaged(key="d", at=T0, sku="MUG", location="EAST/A/01",
                                        quantity=1))  # fmt: skip
    error = first_error(
        engine, unchanged,
        lambda: invorder.MarkDamaged(key="d", at=T0, sku="NOPE", location="EAST/Z/99",
                                     quantity=500),
    )  # fmt: skip
    assert type(error) is IdempotencyConflictError
    assert error.fields["field"] == "sku"  # the first field that differs


def test_an_identical_repeat_returns_its_outcome_even_if_it_no_longer_fits(
    engine: Engine,
) -> None:
    command = invorder.MarkDamaged(key="d", at=T0, sku="MUG", location="EAST/A/01", quantity=10)
    outcome = engine.execute(command)
    assert engine.balance("MUG", "EAST/A/01") == 0
    assert engine.execute(command) == outcome


def test_unknown_sku_before_unknown_location_before_stock(engine: Engine, unchanged: Check) -> None:
    error = first_error(
        engine, unchanged,
        lambda: invorder.MarkDamaged(key="x", at=T0, sku="NOPE", location="EAST/Z/99",
                                     quantity=500),
    )  # fmt: skip
    assert type(error) is UnknownSkuError
    error = first_error(
        engine, unchanged,
        lambda: invorder.MarkDamaged(key="y", at=T0, sku="MUG", location="EAST/Z/99",
                                     quantity=500),
    )  # fmt: skip
    assert type(error) is UnknownLocationError


def test_in_an_entry_every_sku_is_checked_before_any_location(
    engine: Engine, unchanged: Check
) -> None:
    error = first_error(
        engine, unchanged,
        lambda: invorder.PostEntry(key="p", at=T0, movements=[
            Movement(sku="MUG", quantity=99, source=Account("EAST/A/01"),
                     destination=Account("EAST/Z/99")),
            Movement(sku="NOPE", quantity=1, source=Account(SUPPLIER),
                     destination=Account("EAST/A/01")),
        ]),
    )  # fmt: skip
    assert type(error) is UnknownSkuError
    assert error.fields["sku"] == "NOPE"


def test_locations_are_checked_in_the_order_named(engine: Engine, unchanged: Check) -> None:
    error = first_error(
        engine, unchanged,
        lambda: invorder.PostEntry(key="p", at=T0, movements=[
            Movement(sku="MUG", quantity=1, source=Account("EAST/A/01"),
                     destination=Account("EAST/Q/1")),
            Movement(sku="MUG", quantity=1, source=Account("EAST/P/1"),
                     destination=Account("EAST/A/01")),
        ]),
    )  # fmt: skip
    assert error.fields == {"location": "EAST/Q/1"}


def test_the_first_account_named_reports_insufficient_stock(
    engine: Engine, unchanged: Check
) -> None:
    error = first_error(
        engine, unchanged,
        lambda: invorder.PostEntry(key="p", at=T0, movements=[
            Movement(sku="TEE", quantity=6, source=Account("EAST/A/01"),
                     destination=Account("EAST/A/02")),
            Movement(sku="MUG", quantity=11, source=Account("EAST/A/01"),
                     destination=Account("EAST/A/02")),
        ]),
    )  # fmt: skip
    assert type(error) is InsufficientStockError
    assert error.fields["sku"] == "TEE"


def test_a_reused_transfer_id_with_an_unknown_sku_reports_the_sku(
    engine: Engine, unchanged: Check
) -> None:
    ship: dict[str, Any] = {
        "at": T0,
        "origin": "EAST/A/01",
        "destination": "WEST/A/01",
        "transfer": "TR-1",
    }
    engine.execute(invorder.ShipTransfer(key="s1", lines=[TransferLine("MUG", 1)], **ship))
    error = first_error(
        engine,
        unchanged,
        lambda: invorder.ShipTransfer(key="s2", lines=[TransferLine("NOPE", 99)], **ship),
    )
    assert type(error) is UnknownSkuError
    # Known SKU, reused id and too little stock: the duplicate id is reported first.
    error = first_error(
        engine,
        unchanged,
        lambda: invorder.ShipTransfer(key="s3", lines=[TransferLine("MUG", 99)], **ship),
    )
    assert type(error) is invorder.errors.DuplicateError


def test_receiving_an_unknown_sku_on_an_unknown_transfer_reports_the_sku(
    engine: Engine, unchanged: Check
) -> None:
    error = first_error(
        engine, unchanged,
        lambda: invorder.ReceiveTransfer(key="r", at=T0, transfer="TR-404",
                                         lines=[TransferLine("NOPE", 1)]),
    )  # fmt: skip
    assert type(error) is UnknownSkuError
    error = first_error(
        engine, unchanged,
        lambda: invorder.ReceiveTransfer(key="r2", at=T0, transfer="TR-404",
                                         lines=[TransferLine("MUG", 1)]),
    )  # fmt: skip
    assert type(error) is invorder.errors.NotFoundError


def test_a_closed_transfer_is_reported_before_an_over_receipt(
    engine: Engine, unchanged: Check
) -> None:
    engine.execute(
        invorder.ShipTransfer(
            key="s",
            at=T0,
            transfer="TR-1",
            origin="EAST/A/01",
            destination="WEST/A/01",
            lines=[TransferLine("MUG", 1)],
        )
    )
    engine.execute(invorder.CloseTransfer(key="c", at=at(1), transfer="TR-1"))  # fmt: skip
    error = first_error(
        engine, unchanged,
        lambda: invorder.ReceiveTransfer(key="r", at=at(2), transfer="TR-1",
                                         lines=[TransferLine("MUG", 50)]),
    )  # fmt: skip
    assert type(error) is IllegalTransitionError
