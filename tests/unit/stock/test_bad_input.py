"""Bad input: every error the ledger raises, its code, message and fields, and no change.

Each test builds and runs the bad command against a stocked engine inside ``pytest.raises``
and then checks that balances, the log and the position are exactly as before.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
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
    RejectedError,
    Sku,
    TransferLine,
    ValidationError,
)
from invorder.errors import (
    BundleStockError,
    DuplicateError,
    IllegalTransitionError,
    InsufficientStockError,
    InvalidBarcodeError,
    InvalidIdentifierError,
    InvalidLocationError,
    InvalidMovementError,
    InvalidQuantityError,
    NaiveDatetimeError,
    NotFoundError,
    TransferOverReceiptError,
    UnknownLocationError,
    UnknownSkuError,
)
from tests.support.world import MUG_EAN, T0, at

Check = Callable[[Engine], Callable[[], None]]
NAIVE = T0.replace(tzinfo=None)


def refused(
    engine: Engine,
    unchanged: Check,
    build: Callable[[], invorder.Command],
    error_type: type[InvorderError],
) -> InvorderError:
    """Build and execute a command that must fail; check nothing changed; return the error."""
    check = unchanged(engine)
    with pytest.raises(error_type) as caught:
        engine.execute(build())
    assert type(caught.value) is error_type
    check()
    return caught.value


def damage(**fields: Any) -> Callable[[], invorder.Command]:
    values: dict[str, Any] = {
        "key": "bad", "at": at(5), "sku": "MUG", "location": "EAST/A/01", "quantity": 1,
    }  # fmt: skip
    values.update(fields)
    return lambda: invorder.MarkDamaged(**values)


def ship(**fields: Any) -> Callable[[], invorder.Command]:
    values: dict[str, Any] = {
        "key": "ship", "at": at(5), "transfer": "TR-1", "origin": "EAST/A/01",
        "destination": "WEST/A/01", "lines": [TransferLine("MUG", 4)],
    }  # fmt: skip
    values.update(fields)
    return lambda: invorder.ShipTransfer(**values)


def test_the_error_tree_and_codes_are_stable() -> None:
    assert issubclass(ValidationError, InvorderError)
    assert issubclass(ValidationError, ValueError)
    assert issubclass(RejectedError, InvorderError)
    codes = {
        InvalidQuantityError: "invalid_quantity",
        NaiveDatetimeError: "naive_datetime",
        InvalidIdentifierError: "invalid_identifier",
        InvalidLocationError: "invalid_location",
        InvalidBarcodeError: "invalid_barcode",
        InvalidMovementError: "invalid_movement",
        UnknownSkuError: "unknown_sku",
        UnknownLocationError: "unknown_location",
        DuplicateError: "duplicate",
        InsufficientStockError: "insufficient_stock",
        NotFoundError: "not_found",
        IllegalTransitionError: "illegal_transition",
        IdempotencyConflictError: "idempotency_conflict",
        invorder.ConcurrencyError: "concurrency_conflict",
    }
    for cls, code in codes.items():
        assert getattr(cls, "code") == code  # noqa: B009  # a class attribute of each error
    for cls in (InvalidQuantityError, NaiveDatetimeError, InvalidIdentifierError,
                InvalidLocationError, InvalidBarcodeError, InvalidMovementError):  # fmt: skip
        assert issubclass(cls, ValidationError)
    for cls in (UnknownSkuError, UnknownLocationError, DuplicateError, InsufficientStockError,
                NotFoundError, IllegalTransitionError):  # fmt: skip
        assert issubclass(cls, RejectedError)


def test_errors_compare_and_pickle_by_content() -> None:
    import pickle

    error = InsufficientStockError("MUG", "EAST/A/01", "available", 5, 2)
    copy = pickle.loads(pickle.dumps(error))
    assert copy == error
    assert copy.fields == error.fields
    assert str(copy) == str(error)
    assert hash(copy) == hash(error)
    assert error != InsufficientStockError("MUG", "EAST/A/01", "available", 5, 3)


# --- InvalidQuantityError -----------------------------------------------------------------


@pytest.mark.parametrize(
    "quantity", [0, -1, -(10**9), True, False, 1.0, 2.5, Decimal(3), "3", None]
)
def test_a_quantity_must_be_a_positive_int(
    engine: Engine, unchanged: Check, quantity: object
) -> None:
    error = refused(engine, unchanged, damage(quantity=quantity), InvalidQuantityError)
    assert error.code == "invalid_quantity"
    assert error.fields == {"field": "quantity", "value": quantity}
    assert str(error) == (
        f"quantity must be a positive integer number of units, got {quantity!r}; "
        "quantities are whole units, never zero, negative or fractional"
    )


@pytest.mark.parametrize("counted", [-1, True, 0.0, "5"])
def test_a_count_must_be_a_non_negative_int(
    engine: Engine, unchanged: Check, counted: object
) -> None:
    error = refused(
        engine, unchanged,
        lambda: invorder.CountStock(key="c", at=T0, sku="MUG", location="EAST/A/01",
                                    counted=counted),  # type: ignore[arg-type]  # on purpose
        InvalidQuantityError,
    )  # fmt: skip
    assert error.fields == {"field": "counted", "value": counted}
    assert "counted must be a non-negative integer number of units" in str(error)


@pytest.mark.parametrize(
    "build",
    [
        lambda: Movement(sku="MUG", quantity=0, source=Account(SUPPLIER),
                         destination=Account("EAST/A/01")),
        lambda: TransferLine("MUG", -2),
        lambda: invorder.ReceiveStock(key="r", at=T0, sku="MUG", location="EAST/A/01",
                                      quantity=1.5),  # type: ignore[arg-type]  # on purpose
    ],
    ids=["movement", "transfer-line", "receive"],
)  # fmt: skip
def test_every_quantity_field_is_checked(
    engine: Engine, unchanged: Check, build: Callable[[], object]
) -> None:
    check = unchanged(engine)
    with pytest.raises(InvalidQuantityError) as caught:
        build()
    assert caught.value.fields["field"] == "quantity"
    check()


# --- NaiveDatetimeError -------------------------------------------------------------------


@pytest.mark.parametrize("when", [NAIVE, "2026-11-27T08:00:00+00:00", None, 1700000000])
def test_a_command_time_must_be_an_aware_datetime(
    engine: Engine, unchanged: Check, when: object
) -> None:
    error = refused(engine, unchanged, damage(at=when), NaiveDatetimeError)
    assert error.fields == {"field": "at", "value": when}
    assert str(error).startswith(f"at must be a timezone-aware datetime, got {when!r}")
    assert "pass tzinfo" in str(error)


def test_a_query_time_must_be_aware(engine: Engine, unchanged: Check) -> None:
    check = unchanged(engine)
    with pytest.raises(NaiveDatetimeError):
        engine.balances_as_of(NAIVE)
    check()


# --- InvalidIdentifierError ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "field", "rule"),
    [
        ({"key": ""}, "key", "it must be a non-empty string"),
        ({"key": " k"}, "key", "it must not have surrounding whitespace"),
        ({"key": "a\nb"}, "key", "it must be printable: no control, format or zero-width "
         "characters, tabs or line breaks (found U+000A at 1)"),
        ({"key": 7}, "key", "it must be a non-empty string"),
        ({"sku": ""}, "sku", "it must be a non-empty string"),
        ({"sku": "MUG "}, "sku", "it must not have surrounding whitespace"),
        ({"reason": None}, "reason", "it must be a string"),
        ({"key": "k\x00"}, "key", "it must be printable: no control, format or zero-width "
         "characters, tabs or line breaks (found U+0000 at 1)"),
        ({"key": "k\tk"}, "key", "it must be printable: no control, format or zero-width "
         "characters, tabs or line breaks (found U+0009 at 1)"),
        ({"key": "O\u2028"}, "key", "it must be printable: no control, format or zero-width "
         "characters, tabs or line breaks (found U+2028 at 1)"),
        ({"key": "O\x85"}, "key", "it must be printable: no control, format or zero-width "
         "characters, tabs or line breaks (found U+0085 at 1)"),
        ({"sku": "MU\u200bG"}, "sku", "it must be printable: no control, format or zero-width "
         "characters, tabs or line breaks (found U+200B at 2)"),
        ({"key": "k" * 100_000}, "key", "it must be at most 200 characters (got 100,000)"),
    ],
)  # fmt: skip
def test_ids_must_be_clean_non_empty_strings(
    engine: Engine, unchanged: Check, fields: dict[str, object], field: str, rule: str
) -> None:
    error = refused(engine, unchanged, damage(**fields), InvalidIdentifierError)
    value = fields[field]
    if isinstance(value, str) and len(value) > 200:  # the error keeps the start of it
        value = value[:40] + "..."
    assert error.fields == {"field": field, "value": value, "rule": rule}
    assert str(error) == f"{field} {value!r} is not valid: {rule}"


def test_a_transfer_id_must_be_a_clean_string(engine: Engine, unchanged: Check) -> None:
    error = refused(engine, unchanged, ship(transfer=""), InvalidIdentifierError)
    assert error.fields["field"] == "transfer"


# --- InvalidLocationError -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("location", "rule"),
    [
        ("EAST//01", "segment '' is empty or has bad characters"),
        ("EAST/A 1", "segment 'A 1' is empty or has bad characters"),
        ("", "it must be a non-empty string"),
        ("@warehouse", "names starting with '@' are reserved for"),
        ("@supplier", "a virtual location cannot be used here"),
        ("@scrap", "a virtual location cannot be used here"),
    ],
)
def test_a_command_location_must_be_a_real_valid_path(
    engine: Engine, unchanged: Check, location: str, rule: str
) -> None:
    error = refused(engine, unchanged, damage(location=location), InvalidLocationError)
    assert error.fields["value"] == location
    assert error.fields["rule"].startswith(rule)
    assert str(error).startswith(f"location {location!r} is not a valid path: {rule}")


def test_reserved_names_are_refused_in_accounts_and_definitions(
    engine: Engine, unchanged: Check
) -> None:
    check = unchanged(engine)
    with pytest.raises(InvalidLocationError, match="reserved for"):
        Account("@nowhere")
    with pytest.raises(InvalidLocationError, match="a virtual location cannot be used here"):
        invorder.DefineLocation(key="l", at=T0, location="@customer")
    check()


# --- InvalidBarcodeError ------------------------------------------------------------------


def test_a_sku_definition_with_a_bad_check_digit_is_refused(
    engine: Engine, unchanged: Check
) -> None:
    error = refused(
        engine, unchanged,
        lambda: invorder.DefineSku(key="s", at=T0, sku=Sku("NEW", barcodes=("4006381333932",))),
        InvalidBarcodeError,
    )  # fmt: skip
    assert error.fields == {
        "value": "4006381333932",
        "rule": "check digit is 2, expected 1 (mistyped or misread?)",
    }


@pytest.mark.parametrize(
    ("barcode", "rule"),
    [
        ("5901234123458", "check digit is 8, expected 7 (mistyped or misread?)"),
        ("59012341234", "it has 11 digits; expected one of (8, 12, 13, 14)"),
        ("59O1234123457", "it must contain digits only"),
    ],
)
def test_receiving_a_misread_scan_is_refused(
    engine: Engine, unchanged: Check, barcode: str, rule: str
) -> None:
    error = refused(
        engine, unchanged,
        lambda: invorder.ReceiveStock(key="r", at=T0, barcode=barcode, location="EAST/A/01",
                                      quantity=1),
        InvalidBarcodeError,
    )  # fmt: skip
    assert error.fields == {"value": barcode, "rule": rule}


# --- InvalidMovementError -----------------------------------------------------------------


def movement_error(engine: Engine, unchanged: Check, build: Callable[[], object]) -> str:
    check = unchanged(engine)
    with pytest.raises(InvalidMovementError) as caught:
        build()
    assert caught.value.code == "invalid_movement"
    check()
    rule: str = caught.value.fields["rule"]
    assert str(caught.value) == f"invalid movement: {rule}"
    return rule


def test_a_movement_from_an_account_to_itself(engine: Engine, unchanged: Check) -> None:
    rule = movement_error(
        engine, unchanged,
        lambda: Movement(sku="MUG", quantity=1, source=Account("EAST/A/01"),
                         destination=Account("EAST/A/01", "available")),
    )  # fmt: skip
    assert rule == "source and destination are the same account (EAST/A/01[available]); " \
        "nothing would move"  # fmt: skip


def test_a_move_across_warehouses(engine: Engine, unchanged: Check) -> None:
    check = unchanged(engine)
    with pytest.raises(InvalidMovementError) as caught:
        invorder.MoveStock(key="m", at=T0, sku="MUG", source="EAST/A/01",
                           destination="WEST/A/01", quantity=1)  # fmt: skip
    assert caught.value.fields["source"] == "EAST/A/01"
    assert caught.value.fields["destination"] == "WEST/A/01"
    assert "are in different warehouses; use a transfer" in str(caught.value)
    check()


def test_a_move_to_the_same_place(engine: Engine, unchanged: Check) -> None:
    rule = movement_error(
        engine, unchanged,
        lambda: invorder.MoveStock(key="m", at=T0, sku="MUG", source="EAST/A/01",
                                   destination="EAST/A/01", quantity=1),
    )  # fmt: skip
    assert rule == "source and destination are both EAST/A/01"


def test_a_transfer_within_one_warehouse(engine: Engine, unchanged: Check) -> None:
    check = unchanged(engine)
    with pytest.raises(InvalidMovementError) as caught:
        ship(destination="EAST/B/01")()
    assert caught.value.fields == {
        "rule": "EAST/A/01 and EAST/B/01 are in the same warehouse; use MoveStock",
        "origin": "EAST/A/01",
        "destination": "EAST/B/01",
    }
    check()


@pytest.mark.parametrize(
    ("build", "rule"),
    [
        (ship(lines=[]), "a transfer needs at least one line"),
        (ship(lines=[TransferLine("MUG", 1), TransferLine("MUG", 2)]),
         "a SKU appears on more than one line; merge the lines"),
        (lambda: invorder.PostEntry(key="p", at=T0, movements=[]),
         "a journal entry needs at least one movement"),
        (lambda: invorder.ReceiveStock(key="r", at=T0, location="EAST/A/01", quantity=1),
         "give exactly one of sku or barcode"),
        (lambda: invorder.ReceiveStock(key="r", at=T0, location="EAST/A/01", quantity=1,
                                       sku="MUG", barcode=MUG_EAN),
         "give exactly one of sku or barcode"),
        (lambda: invorder.ReceiveStock(key="r", at=T0, sku="MUG", location="EAST/A/01",
                                       quantity=1, bucket="damaged"),
         "bucket must be one of ['available', 'quality_control'], got <Bucket.DAMAGED: "
         "'damaged'>"),
        (lambda: invorder.ReleaseQuarantine(key="q", at=T0, sku="MUG", location="EAST/A/01",
                                            quantity=1, to="reserved"),
         "to must be one of ['available', 'damaged'], got <Bucket.RESERVED: 'reserved'>"),
    ],
    ids=["no-lines", "repeated-sku", "empty-entry", "no-sku-or-barcode", "both", "bucket", "to"],
)  # fmt: skip
def test_malformed_entries_and_commands(
    engine: Engine, unchanged: Check, build: Callable[[], object], rule: str
) -> None:
    assert movement_error(engine, unchanged, build) == rule


def test_an_entry_of_something_else_than_movements(engine: Engine, unchanged: Check) -> None:
    rule = movement_error(
        engine,
        unchanged,
        lambda: invorder.PostEntry(key="p", at=T0, movements=["MUG x1"]),  # type: ignore[list-item]  # on purpose
    )
    assert rule == "'MUG x1' is not a Movement"


def test_receiving_more_than_is_in_transit(engine: Engine, unchanged: Check) -> None:
    engine.execute(ship(lines=[TransferLine("MUG", 4)])())
    engine.execute(
        invorder.ReceiveTransfer(key="in-1", at=at(6), transfer="TR-1",
                                 lines=[TransferLine("MUG", 3)])
    )  # fmt: skip
    error = refused(
        engine, unchanged,
        lambda: invorder.ReceiveTransfer(key="in-2", at=at(7), transfer="TR-1",
                                         lines=[TransferLine("MUG", 2)]),
        TransferOverReceiptError,
    )  # fmt: skip
    assert error.code == "transfer_over_receipt"
    assert isinstance(error, invorder.RejectedError)
    assert str(error) == (
        "transfer 'TR-1' has 1 of 'MUG' in transit, 2 cannot be received; "
        "receive extra units with ReceiveStock"
    )
    assert error.fields == {"transfer": "TR-1", "sku": "MUG", "requested": 2, "in_transit": 1}
    # A SKU that is in the catalog but not on the transfer has nothing in transit.
    error = refused(
        engine, unchanged,
        lambda: invorder.ReceiveTransfer(key="in-3", at=at(7), transfer="TR-1",
                                         lines=[TransferLine("TEE", 1)]),
        TransferOverReceiptError,
    )  # fmt: skip
    assert (error.fields["sku"], error.fields["in_transit"]) == ("TEE", 0)


# --- UnknownSkuError / UnknownLocationError -----------------------------------------------


@pytest.mark.parametrize(
    "build",
    [
        damage(sku="CUP"),
        lambda: invorder.ReceiveStock(key="r", at=T0, sku="CUP", location="EAST/A/01",
                                      quantity=1),
        lambda: invorder.CountStock(key="c", at=T0, sku="CUP", location="EAST/A/01", counted=1),
        lambda: invorder.MoveStock(key="m", at=T0, sku="CUP", source="EAST/A/01",
                                   destination="EAST/A/02", quantity=1),
        ship(lines=[TransferLine("MUG", 1), TransferLine("CUP", 1)]),
        lambda: invorder.PostEntry(key="p", at=T0, movements=[
            Movement(sku="CUP", quantity=1, source=Account(SUPPLIER),
                     destination=Account("EAST/A/01"))]),
    ],
    ids=["damage", "receive", "count", "move", "ship", "post"],
)  # fmt: skip
def test_an_unknown_sku(engine: Engine, unchanged: Check, build: Callable[[], Any]) -> None:
    error = refused(engine, unchanged, build, UnknownSkuError)
    assert error.fields == {"sku": "CUP", "barcode": None}
    assert str(error) == "unknown SKU 'CUP'; define it in the catalog before moving stock"


def test_an_unknown_barcode(engine: Engine, unchanged: Check) -> None:
    error = refused(
        engine, unchanged,
        lambda: invorder.ReceiveStock(key="r", at=T0, barcode="4006381333931",
                                      location="EAST/A/01", quantity=1),
        UnknownSkuError,
    )  # fmt: skip
    assert error.fields == {"sku": "", "barcode": "4006381333931"}
    assert "define the SKU with that barcode first" in str(error)


@pytest.mark.parametrize(
    "build",
    [
        damage(location="EAST/A/09"),
        lambda: invorder.ReceiveStock(key="r", at=T0, sku="MUG", location="EAST/A/09",
                                      quantity=1),
        lambda: invorder.CountStock(key="c", at=T0, sku="MUG", location="EAST/A/09", counted=1),
        lambda: invorder.MoveStock(key="m", at=T0, sku="MUG", source="EAST/A/01",
                                   destination="EAST/A/09", quantity=1),
        ship(destination="NORTH/A/09"),
        lambda: invorder.PostEntry(key="p", at=T0, movements=[
            Movement(sku="MUG", quantity=1, source=Account(SUPPLIER),
                     destination=Account("EAST/A/09"))]),
    ],
    ids=["damage", "receive", "count", "move", "ship", "post"],
)  # fmt: skip
def test_an_unknown_location(engine: Engine, unchanged: Check, build: Callable[[], Any]) -> None:
    error = refused(engine, unchanged, build, UnknownLocationError)
    where = error.fields["location"]
    assert where in ("EAST/A/09", "NORTH/A/09")
    assert str(error) == (
        f"unknown location {where!r}; define it (define_location) before using it"
    )


# --- DuplicateError -----------------------------------------------------------------------


def test_a_sku_code_redefined_with_other_content(engine: Engine, unchanged: Check) -> None:
    error = refused(
        engine, unchanged,
        lambda: invorder.DefineSku(key="s", at=T0, sku=Sku("MUG", "Big mug")),
        DuplicateError,
    )  # fmt: skip
    assert error.fields == {"what": "SKU", "key": "MUG"}
    assert str(error).startswith("SKU 'MUG' already exists: defined as Sku(code='MUG'")


def test_a_barcode_on_a_second_sku(engine: Engine, unchanged: Check) -> None:
    error = refused(
        engine, unchanged,
        lambda: invorder.DefineSku(key="s", at=T0, sku=Sku("CUP", barcodes=("0" + MUG_EAN,))),
        DuplicateError,
    )  # fmt: skip
    assert error.fields == {"what": "barcode", "key": "0" + MUG_EAN}
    assert str(error) == f"barcode '0{MUG_EAN}' already exists: it identifies SKU 'MUG'"


def test_a_transfer_id_used_twice(engine: Engine, unchanged: Check) -> None:
    engine.execute(ship()())
    error = refused(
        engine, unchanged, ship(key="ship-again", lines=[TransferLine("TEE", 1)]), DuplicateError
    )
    assert error.fields == {"what": "transfer", "key": "TR-1"}
    assert str(error) == "transfer 'TR-1' already exists: a transfer id is used once"


def test_a_location_renamed(engine: Engine, unchanged: Check) -> None:
    engine.execute(invorder.DefineLocation(key="name", at=T0, location="EAST", name="East DC"))
    error = refused(
        engine, unchanged,
        lambda: invorder.DefineLocation(key="rename", at=T0, location="EAST", name="Depot"),
        DuplicateError,
    )  # fmt: skip
    assert error.fields == {"what": "location", "key": "EAST"}
    assert "named 'East DC'" in str(error)


# --- InsufficientStockError ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("build", "bucket", "requested", "available"),
    [
        (damage(quantity=11), "available", 11, 10),
        (lambda: invorder.QuarantineStock(key="q", at=T0, sku="TEE", location="EAST/A/01",
                                          quantity=6), "available", 6, 5),
        (lambda: invorder.ReleaseQuarantine(key="q", at=T0, sku="MUG", location="EAST/A/01",
                                            quantity=1), "quality_control", 1, 0),
        (lambda: invorder.ScrapStock(key="s", at=T0, sku="MUG", location="EAST/A/01",
                                     quantity=1), "damaged", 1, 0),
        (lambda: invorder.MoveStock(key="m", at=T0, sku="MUG", source="EAST/A/01",
                                    destination="EAST/A/02", quantity=20), "available", 20, 10),
        (ship(lines=[TransferLine("MUG", 10), TransferLine("TEE", 9)]), "available", 9, 5),
    ],
    ids=["damage", "quarantine", "release", "scrap", "move", "ship-second-line"],
)  # fmt: skip
def test_taking_more_than_is_there(
    engine: Engine, unchanged: Check, build: Callable[[], Any], bucket: str, requested: int,
    available: int,
) -> None:  # fmt: skip
    error = refused(engine, unchanged, build, InsufficientStockError)
    sku = error.fields["sku"]
    assert error.fields == {
        "sku": sku, "location": "EAST/A/01", "bucket": bucket,
        "requested": requested, "available": available,
    }  # fmt: skip
    assert str(error) == (
        f"cannot take {requested} of {sku!r} from EAST/A/01 [{bucket}]: only {available} "
        "there; post less, or receive or move stock in first"
    )


def test_an_entry_is_checked_on_its_net_change_per_account(
    engine: Engine, unchanged: Check
) -> None:
    error = refused(
        engine, unchanged,
        lambda: invorder.PostEntry(key="p", at=T0, movements=[
            Movement(sku="MUG", quantity=15, source=Account("EAST/A/01"),
                     destination=Account("EAST/A/02")),
            Movement(sku="MUG", quantity=4, source=Account(SUPPLIER),
                     destination=Account("EAST/A/01")),
        ]),
        InsufficientStockError,
    )  # fmt: skip
    assert (error.fields["requested"], error.fields["available"]) == (15, 14)


def test_a_count_of_a_bundle(engine: Engine, unchanged: Check) -> None:
    # A count below the reserved units is recorded (tests/unit/orders/test_short_count.py);
    # a bundle holds no units of its own, so it cannot be counted.
    engine.execute(
        invorder.DefineSku(key="set", at=T0, sku=Sku("SET", "Two mugs",
                                                     components=[invorder.Component("MUG", 2)]))
    )  # fmt: skip
    error = refused(
        engine, unchanged,
        lambda: invorder.CountStock(key="c", at=T0, sku="SET", location="EAST/A/01", counted=1),
        BundleStockError,
    )  # fmt: skip
    assert error.fields == {"sku": "SET"}
    assert "SET" in str(error)


# --- NotFoundError / IllegalTransitionError -----------------------------------------------


@pytest.mark.parametrize(
    "build",
    [
        lambda: invorder.ReceiveTransfer(key="in", at=T0, transfer="TR-9",
                                         lines=[TransferLine("MUG", 1)]),
        lambda: invorder.CloseTransfer(key="close", at=T0, transfer="TR-9"),
    ],
    ids=["receive", "close"],
)  # fmt: skip
def test_an_unknown_transfer(engine: Engine, unchanged: Check, build: Callable[[], Any]) -> None:
    error = refused(engine, unchanged, build, NotFoundError)
    assert error.fields == {"what": "transfer", "key": "TR-9"}
    assert str(error) == "no transfer with id 'TR-9'"


@pytest.mark.parametrize(
    ("build", "action"),
    [
        (lambda: invorder.ReceiveTransfer(key="in", at=at(9), transfer="TR-1",
                                          lines=[TransferLine("MUG", 1)]), "receive"),
        (lambda: invorder.CloseTransfer(key="close-2", at=at(9), transfer="TR-1"), "close"),
    ],
    ids=["receive", "close"],
)  # fmt: skip
def test_a_closed_transfer(
    engine: Engine, unchanged: Check, build: Callable[[], Any], action: str
) -> None:
    engine.execute(ship()())
    engine.execute(invorder.CloseTransfer(key="close", at=at(8), transfer="TR-1"))
    error = refused(engine, unchanged, build, IllegalTransitionError)
    assert error.fields == {"what": "transfer", "key": "TR-1", "state": "closed", "action": action}
    assert str(error) == f"cannot {action} transfer 'TR-1': it is closed"


# --- IdempotencyConflictError -------------------------------------------------------------


def test_a_reused_key(engine: Engine, unchanged: Check) -> None:
    engine.execute(damage(key="d")())
    error = refused(engine, unchanged, damage(key="d", quantity=2), IdempotencyConflictError)
    assert error.fields == {"key": "d", "field": "quantity", "first": 1, "second": 2}
