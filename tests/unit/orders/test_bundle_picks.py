"""Pick lists and short picks speak component units per bin (issue 17, item 1): a bundle
line shows its components, and a component found short writes off exactly what is missing."""

from __future__ import annotations

import pytest

import invorder as iv
from invorder import Bucket
from invorder.records import PickRow
from tests.support.order_world import capture, clean, order_world, state_of
from tests.support.world import at, refused_once


def picking(lines: tuple[tuple[str, str, int], ...] = (("1", "SET", 2),)) -> iv.Engine:
    """SET = 2 MUG + 1 TEE; EAST holds MUG in A/01 (2) and A/02 (3), TEE in B/01 (5); an
    order for ``lines`` is allocated at EAST and its parcel is being picked."""
    engine = order_world(west={})
    engine.execute(iv.ReceiveStock(key="rcv-tee-east", at=at(1), sku="TEE",
                                   location="EAST/B/01", quantity=5))  # fmt: skip
    engine.execute(iv.DefineSku(key="set", at=at(2), sku=iv.Sku(
        "SET", components=[iv.Component("MUG", 2), iv.Component("TEE", 1)])))  # fmt: skip
    engine.capture(capture(lines=lines))
    engine.execute(iv.StartPicking(key="start", at=at(6), shipment="O-1/S1"))
    return engine


def record(engine: iv.Engine, *counts: iv.PickCount) -> tuple[iv.Event, ...]:
    return engine.execute(iv.RecordPick(key="pick", at=at(7), shipment="O-1/S1", counts=counts))


def test_a_bundle_line_is_listed_by_component_and_bin() -> None:
    engine = picking()
    rows = engine.pick_list("O-1/S1")
    assert [(r.component, r.location, r.quantity) for r in rows] == [
        ("MUG", "EAST/A/01", 2), ("MUG", "EAST/A/02", 2), ("TEE", "EAST/B/01", 2),
    ]  # fmt: skip
    assert {(r.line_id, r.sku, r.reservation) for r in rows} == {("1", "SET", "O-1/R1")}
    assert all(isinstance(r, PickRow) for r in rows)


def test_a_stocked_line_is_listed_as_it_is() -> None:
    engine = picking(lines=(("1", "MUG", 3),))
    assert [(r.sku, r.component, r.location, r.quantity) for r in engine.pick_list("O-1/S1")] == [
        ("MUG", "MUG", "EAST/A/01", 2), ("MUG", "MUG", "EAST/A/02", 1),
    ]  # fmt: skip


def test_one_missing_component_writes_off_only_that_unit() -> None:
    engine = picking()
    # Every mug was found, one of the two T-shirts was not.
    record(engine, iv.PickCount("O-1/R1", 1, component="TEE", location="EAST/B/01"))
    assert engine.balance("TEE", "@adjustment") == 1
    assert engine.balance("MUG", "@adjustment") == 0  # no good mug is written off
    assert engine.on_hand("TEE", "EAST/B/01") == 4
    assert engine.on_hand("MUG", "EAST") == 5
    # The incomplete SET left the parcel and was allocated again from what is left.
    order = engine.order("O-1")
    assert order is not None
    assert [(line.allocated, line.backordered) for line in order.lines] == [(2, 0)]
    clean(engine)


def test_a_component_counted_over_all_its_bins_writes_off_from_them_in_order() -> None:
    engine = picking()
    record(engine, iv.PickCount("O-1/R1", 3, component="MUG"))  # 4 mugs expected
    assert engine.balance("MUG", "@adjustment") == 1
    assert engine.balance("TEE", "@adjustment") == 0
    assert engine.on_hand("MUG", "EAST/A/01") == 1  # the first bin in bin-path order
    clean(engine)


def test_a_pick_counted_whole_writes_off_every_component_of_the_missing_bundles() -> None:
    engine = picking()
    record(engine, iv.PickCount("O-1/R1", 1))
    assert (engine.balance("MUG", "@adjustment"), engine.balance("TEE", "@adjustment")) == (2, 1)
    clean(engine)


@pytest.mark.parametrize(
    ("count", "error", "message"),
    [
        (iv.PickCount("O-1/R1", 0, component="LID"), iv.errors.NotFoundError,
         "no pick component with id 'O-1/R1/LID in its bins'"),
        (iv.PickCount("O-1/R1", 0, component="TEE", location="EAST/A/01"),
         iv.errors.NotFoundError, "no pick component with id 'O-1/R1/TEE in EAST/A/01'"),
        (iv.PickCount("O-1/R1", 3, component="TEE"), iv.errors.IllegalTransitionError,
         "count extra units with CountStock"),
    ],
)  # fmt: skip
def test_a_bad_component_count_is_refused_and_changes_nothing(
    count: iv.PickCount, error: type[Exception], message: str
) -> None:
    engine = picking()
    before, position = state_of(engine), engine.position
    command = iv.RecordPick(key="pick", at=at(7), shipment="O-1/S1", counts=[count])
    with pytest.raises(error, match=message.replace("(", r"\(")):
        engine.execute(command)
    assert state_of(engine) == before
    assert refused_once(engine, position, command)
    assert engine.balance("MUG", "EAST/A/01", Bucket.RESERVED) == 2


@pytest.mark.parametrize(
    "counts",
    [
        (iv.PickCount("O-1/R1", 1), iv.PickCount("O-1/R1", 1, component="TEE")),
        (iv.PickCount("O-1/R1", 1, component="MUG"),
         iv.PickCount("O-1/R1", 1, component="MUG", location="EAST/A/01")),
    ],
)  # fmt: skip
def test_a_pick_counted_twice_over_is_refused(counts: tuple[iv.PickCount, ...]) -> None:
    with pytest.raises(iv.errors.InvalidListError, match="counted twice over"):
        iv.RecordPick(key="pick", at=at(7), shipment="O-1/S1", counts=counts)


def test_a_component_count_round_trips_through_the_codec() -> None:
    command = iv.RecordPick(key="pick", at=at(7), shipment="O-1/S1", counts=[
        iv.PickCount("O-1/R1", 1, component="TEE", location="EAST/B/01")])  # fmt: skip
    codec = iv.codec.Codec()
    assert codec.command_from_dict(codec.command_to_dict(command)) == command


def test_a_whole_count_is_written_as_before_component_counts_were_added() -> None:
    command = iv.RecordPick(key="pick", at=at(7), shipment="O-1/S1",
                            counts=[iv.PickCount("O-1/R1", 1)])  # fmt: skip
    written = iv.codec.Codec().command_to_dict(command)
    assert written["counts"] == [{"reservation": "O-1/R1", "found": 1}]
