"""The happy path of every ledger command: the event it writes and the balances after it."""

from __future__ import annotations

import invorder
from invorder import (
    ADJUSTMENT,
    SCRAP,
    SUPPLIER,
    Account,
    Bucket,
    Engine,
    LocationId,
    Movement,
    SkuId,
    TransferLine,
)
from invorder.events import Operation, StockPosted
from invorder.records import Location, TransferLineStatus
from tests.support.world import MUG_EAN, T0, at, world


def only_entry(outcome: invorder.Outcome) -> StockPosted:
    assert len(outcome) == 1
    event = outcome[0]
    assert isinstance(event, StockPosted)
    return event


def test_define_location_defines_its_ancestors_too() -> None:
    engine = invorder.in_memory()
    (event,) = engine.execute(
        invorder.DefineLocation(key="l", at=T0, location="EAST/A/01", name="bin one")
    )
    assert isinstance(event, invorder.events.LocationDefined)
    assert (event.position, event.key, event.at, event.location) == (0, "l", T0, "EAST/A/01")
    assert engine.locations() == ["EAST", "EAST/A", "EAST/A/01"]
    assert engine.location("EAST/A/01") == Location("EAST/A/01", "bin one")
    assert engine.location("EAST") == Location("EAST")
    assert engine.locations(within="EAST/A") == ["EAST/A", "EAST/A/01"]


def test_define_sku_adds_it_to_the_catalog() -> None:
    engine = invorder.in_memory()
    sku = invorder.Sku("MUG", "Mug", (MUG_EAN,))
    (event,) = engine.execute(invorder.DefineSku(key="s", at=T0, sku=sku))
    assert isinstance(event, invorder.events.SkuDefined)
    assert event.sku == sku
    assert engine.skus() == [sku]


def test_receive_by_sku_moves_units_from_the_supplier() -> None:
    engine = world()
    command = invorder.ReceiveStock(
        key="r", at=at(1), sku="MUG", location="EAST/A/01", quantity=7, reference="PO-1"
    )
    event = only_entry(engine.execute(command))
    assert event.operation is Operation.RECEIVE
    assert event.command == command
    assert event.reference == "PO-1"
    assert event.movements == (
        Movement(
            sku="MUG",
            quantity=7,
            source=Account(SUPPLIER),
            destination=Account("EAST/A/01"),
            reason="receipt",
            reference="PO-1",
        ),
    )
    assert engine.balances("MUG") == {Account(SUPPLIER): -7, Account("EAST/A/01"): 7}


def test_receive_by_scanned_barcode_finds_the_sku() -> None:
    engine = world()
    # The EAN-13 scanned as a GTIN-14 with its leading zero.
    event = only_entry(
        engine.execute(
            invorder.ReceiveStock(
                key="r", at=at(1), barcode="0" + MUG_EAN, location="EAST/A/01", quantity=3
            )
        )
    )
    assert event.movements[0].sku == "MUG"
    assert engine.balance("MUG", "EAST/A/01") == 3


def test_receive_into_quality_control() -> None:
    engine = world()
    engine.execute(
        invorder.ReceiveStock(
            key="r", at=at(1), sku="MUG", location="EAST/A/01", quantity=4,
            bucket="quality_control",
        )
    )  # fmt: skip
    assert engine.balance("MUG", "EAST/A/01", Bucket.QUALITY_CONTROL) == 4
    assert engine.balance("MUG", "EAST/A/01") == 0
    assert engine.on_hand("MUG", "EAST/A/01") == 4


def test_post_entry_posts_every_movement_together(engine: Engine) -> None:
    entry = invorder.PostEntry(
        key="p",
        at=at(2),
        movements=[
            Movement(sku="MUG", quantity=2, source=Account("EAST/A/01"),
                     destination=Account("EAST/A/02")),
            Movement(sku="TEE", quantity=5, source=Account(SUPPLIER),
                     destination=Account("WEST/A/01", Bucket.DAMAGED)),
        ],
        reference="DOC-1",
        memo="opening balances",
    )  # fmt: skip
    event = only_entry(engine.execute(entry))
    assert event.operation is Operation.POST
    assert (event.reference, event.memo) == ("DOC-1", "opening balances")
    assert engine.balance("MUG", "EAST/A/02") == 2
    assert engine.balance("MUG", "EAST/A/01") == 8
    assert engine.balance("TEE", "WEST/A/01", Bucket.DAMAGED) == 5


def test_an_entry_may_take_what_it_gives_to_the_same_account(engine: Engine) -> None:
    # 10 MUG at EAST/A/01; 12 move in and 20 move out in one entry: the net change is -8.
    engine.execute(
        invorder.PostEntry(
            key="p",
            at=at(2),
            movements=[
                Movement(sku="MUG", quantity=12, source=Account(SUPPLIER),
                         destination=Account("EAST/A/01")),
                Movement(sku="MUG", quantity=20, source=Account("EAST/A/01"),
                         destination=Account("EAST/A/02")),
            ],
        )
    )  # fmt: skip
    assert engine.balance("MUG", "EAST/A/01") == 2
    assert engine.balance("MUG", "EAST/A/02") == 20


def test_count_below_the_shelf_posts_the_loss_to_adjustment(engine: Engine) -> None:
    event = only_entry(
        engine.execute(
            invorder.CountStock(key="c", at=at(2), sku="MUG", location="EAST/A/01", counted=6)
        )
    )
    assert event.operation is Operation.COUNT
    assert event.memo == "counted 6, expected 10"
    assert event.movements == (
        Movement(sku="MUG", quantity=4, source=Account("EAST/A/01"),
                 destination=Account(ADJUSTMENT), reason="cycle count"),
    )  # fmt: skip
    assert engine.balance("MUG", "EAST/A/01") == 6
    assert engine.balance("MUG", ADJUSTMENT) == 4


def test_count_above_the_shelf_posts_the_gain_from_adjustment(engine: Engine) -> None:
    event = only_entry(
        engine.execute(
            invorder.CountStock(
                key="c", at=at(2), sku="MUG", location="EAST/A/01", counted=13,
                reason="found behind the shelf",
            )
        )
    )  # fmt: skip
    assert event.movements[0].source == Account(ADJUSTMENT)
    assert event.movements[0].quantity == 3
    assert event.movements[0].reason == "found behind the shelf"
    assert engine.balance("MUG", "EAST/A/01") == 13
    assert engine.balance("MUG", ADJUSTMENT) == -3


def test_a_count_that_matches_is_recorded_without_movements(engine: Engine) -> None:
    event = only_entry(
        engine.execute(
            invorder.CountStock(key="c", at=at(2), sku="MUG", location="EAST/A/01", counted=10)
        )
    )
    assert event.movements == ()
    assert event.memo == "counted 10, expected 10"
    assert engine.position == 9


def test_count_includes_reserved_units_on_the_shelf(engine: Engine) -> None:
    engine.execute(
        invorder.ReserveStock(key="hold", at=at(2), reservation="R-1", sku="MUG",
                              location="EAST/A/01", quantity=3)
    )  # fmt: skip
    engine.execute(
        invorder.CountStock(key="c", at=at(3), sku="MUG", location="EAST/A/01", counted=8)
    )
    # 7 available + 3 reserved were expected; 8 found: 2 fewer available, reserved untouched.
    assert engine.balance("MUG", "EAST/A/01") == 5
    assert engine.balance("MUG", "EAST/A/01", Bucket.RESERVED) == 3


def test_mark_damaged_quarantine_release_and_scrap(engine: Engine) -> None:
    sku = {"sku": "MUG", "location": "EAST/A/01"}
    damage = only_entry(engine.execute(invorder.MarkDamaged(key="d", at=at(2), quantity=2, **sku)))
    assert damage.operation is Operation.DAMAGE
    assert damage.movements[0].source == Account("EAST/A/01", Bucket.AVAILABLE)
    assert damage.movements[0].destination == Account("EAST/A/01", Bucket.DAMAGED)
    assert damage.movements[0].reason == "damaged"

    hold = only_entry(
        engine.execute(invorder.QuarantineStock(key="q", at=at(3), quantity=5, **sku))
    )
    assert hold.operation is Operation.QUARANTINE
    assert hold.movements[0].destination.bucket is Bucket.QUALITY_CONTROL

    passed = only_entry(
        engine.execute(invorder.ReleaseQuarantine(key="ok", at=at(4), quantity=3, **sku))
    )
    assert passed.operation is Operation.RELEASE_QUARANTINE
    assert passed.movements[0].destination == Account("EAST/A/01", Bucket.AVAILABLE)
    failed = only_entry(
        engine.execute(invorder.ReleaseQuarantine(key="bad", at=at(5), quantity=1, to="damaged",
                                                  **sku))
    )  # fmt: skip
    assert failed.movements[0].destination == Account("EAST/A/01", Bucket.DAMAGED)

    scrapped = only_entry(engine.execute(invorder.ScrapStock(key="s", at=at(6), quantity=3, **sku)))
    assert scrapped.operation is Operation.SCRAP
    assert scrapped.movements[0].source == Account("EAST/A/01", Bucket.DAMAGED)
    assert scrapped.movements[0].destination == Account(SCRAP)
    only_entry(
        engine.execute(invorder.ScrapStock(key="s2", at=at(7), quantity=1, bucket="available",
                                           **sku))
    )  # fmt: skip

    assert engine.balances("MUG") == {
        Account("@scrap"): 4,
        Account("@supplier"): -10,
        Account("EAST/A/01", Bucket.AVAILABLE): 5,
        Account("EAST/A/01", Bucket.QUALITY_CONTROL): 1,
    }
    assert engine.on_hand("MUG", "EAST") == 6


def test_move_stock_between_bins_of_one_warehouse(engine: Engine) -> None:
    event = only_entry(
        engine.execute(
            invorder.MoveStock(key="m", at=at(2), sku="MUG", source="EAST/A/01",
                               destination="EAST/B/01", quantity=4)
        )
    )  # fmt: skip
    assert event.operation is Operation.MOVE
    assert event.movements[0].reason == "move"
    assert engine.balance("MUG", "EAST/A/01") == 6
    assert engine.balance("MUG", "EAST/B/01") == 4
    assert engine.rollup("MUG", "EAST") == 10


def test_move_damaged_units_keeps_their_bucket(engine: Engine) -> None:
    engine.execute(
        invorder.MarkDamaged(key="d", at=at(2), sku="MUG", location="EAST/A/01", quantity=3)
    )
    engine.execute(
        invorder.MoveStock(key="m", at=at(3), sku="MUG", source="EAST/A/01",
                           destination="EAST/A/02", quantity=2, bucket="damaged")
    )  # fmt: skip
    assert engine.balance("MUG", "EAST/A/02", Bucket.DAMAGED) == 2
    assert engine.balance("MUG", "EAST/A/01", Bucket.DAMAGED) == 1


def test_transfer_ship_receive_in_parts_and_close(engine: Engine) -> None:
    ship = only_entry(
        engine.execute(
            invorder.ShipTransfer(
                key="ship", at=at(2), transfer="TR-1", origin="EAST/A/01",
                destination="WEST/A/01",
                lines=[TransferLine("MUG", 6), TransferLine("TEE", 2)],
            )
        )
    )  # fmt: skip
    assert ship.operation is Operation.TRANSFER_SHIP
    assert ship.reference == "TR-1"
    assert engine.balance("MUG", "WEST/A/01", Bucket.IN_TRANSIT) == 6
    assert engine.on_hand("MUG", "WEST") == 0
    assert engine.on_hand("MUG", "EAST") == 4

    engine.execute(
        invorder.ReceiveTransfer(key="in-1", at=at(3), transfer="TR-1",
                                 lines=[TransferLine("MUG", 4)])
    )  # fmt: skip
    engine.execute(
        invorder.ReceiveTransfer(key="in-2", at=at(4), transfer="TR-1",
                                 lines=[TransferLine("MUG", 1), TransferLine("TEE", 2)])
    )  # fmt: skip
    transfer = engine.transfer("TR-1")
    assert transfer is not None
    assert transfer.line("MUG") == TransferLineStatus(SkuId("MUG"), shipped=6, received=5)
    assert transfer.line("TEE") == TransferLineStatus(SkuId("TEE"), shipped=2, received=2)
    assert transfer.line("NOPE") is None
    assert engine.balance("MUG", "WEST/A/01") == 5
    assert engine.balance("MUG", "WEST/A/01", Bucket.IN_TRANSIT) == 1

    close = only_entry(
        engine.execute(invorder.CloseTransfer(key="close", at=at(5), transfer="TR-1"))
    )
    assert close.operation is Operation.TRANSFER_CLOSE
    assert close.movements == (
        Movement(sku="MUG", quantity=1, source=Account("WEST/A/01", Bucket.IN_TRANSIT),
                 destination=Account(ADJUSTMENT), reason="lost in transit", reference="TR-1"),
    )  # fmt: skip
    transfer = engine.transfer("TR-1")
    assert transfer is not None
    assert transfer.closed
    assert transfer.line("MUG") == TransferLineStatus(SkuId("MUG"), 6, 5, 1)
    assert transfer.line("MUG").in_transit == 0  # type: ignore[union-attr]  # checked above
    assert engine.balance("MUG", "WEST/A/01", Bucket.IN_TRANSIT) == 0
    assert engine.balance("MUG", ADJUSTMENT) == 1
    assert engine.verify() == []


def test_closing_a_fully_received_transfer_writes_off_nothing(engine: Engine) -> None:
    engine.execute(
        invorder.ShipTransfer(key="ship", at=at(2), transfer="TR-1", origin="EAST/A/01",
                              destination="WEST/A/01", lines=[TransferLine("MUG", 2)])
    )  # fmt: skip
    engine.execute(
        invorder.ReceiveTransfer(key="in", at=at(3), transfer="TR-1",
                                 lines=[TransferLine("MUG", 2)])
    )  # fmt: skip
    close = only_entry(engine.execute(invorder.CloseTransfer(key="c", at=at(4), transfer="TR-1")))
    assert close.movements == ()
    assert engine.transfer("TR-1") == invorder.records.Transfer(
        "TR-1",
        LocationId("EAST/A/01"),
        LocationId("WEST/A/01"),
        (TransferLineStatus(SkuId("MUG"), 2, 2, 0),),
        True,
    )


def test_execute_many_reports_each_command_on_its_own(engine: Engine) -> None:
    good = invorder.MarkDamaged(key="d1", at=at(2), sku="MUG", location="EAST/A/01", quantity=1)
    bad = invorder.MarkDamaged(key="d2", at=at(2), sku="MUG", location="EAST/A/01", quantity=99)
    results = engine.execute_many([good, bad])
    assert isinstance(results[0], tuple)
    assert results[0][0].key == "d1"
    rejected = results[1]
    assert isinstance(rejected, invorder.Rejected)
    assert rejected.command == bad
    assert isinstance(rejected.error, invorder.errors.InsufficientStockError)
    assert engine.balance("MUG", "EAST/A/01", Bucket.DAMAGED) == 1


def test_a_location_defined_as_an_ancestor_can_be_named_later() -> None:
    engine = invorder.in_memory()
    engine.execute(invorder.DefineLocation(key="bin", at=T0, location="EAST/A/01"))
    engine.execute(invorder.DefineLocation(key="dc", at=T0, location="EAST", name="East DC"))
    assert engine.location("EAST") == Location("EAST", "East DC")
    # Repeating the definition without a name keeps the name.
    engine.execute(invorder.DefineLocation(key="dc-again", at=T0, location="EAST"))
    assert engine.location("EAST") == Location("EAST", "East DC")
    assert engine.verify() == []
