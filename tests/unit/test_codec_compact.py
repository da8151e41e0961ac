"""The stored form of a journal entry: schema 2 (each movement an array, a ``PostEntry``'s
movements written once, empty text left out) and schema 1 (read and written again as it
was), and the errors a bad schema-2 entry raises."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import attrs
import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

import invorder
from invorder.adapters.sql import SqlEventStore, events_table, sql_engine
from invorder.chain import canonical, canonical_json
from invorder.codec import schema_of
from invorder.events import Operation, StockPosted
from invorder.testing import strategies as ist

CODEC = invorder.Codec()  # building a converter is slow; one serves every example
T = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)


def as_read_from_schema_1(entry: StockPosted) -> StockPosted:
    """A copy of ``entry`` as the codec leaves an entry it read from a schema-1 log."""
    copy = attrs.evolve(entry)
    object.__setattr__(copy, "schema", 1)  # what Codec.event_from_dict does for schema 1
    return copy


entries = ist.ledger_events().filter(lambda event: isinstance(event, StockPosted))


@given(entries)
def test_an_entry_is_written_in_schema_2_and_read_back_equal(entry: StockPosted) -> None:
    text = canonical(entry)
    data = json.loads(text)
    assert (data["schema"], schema_of(entry)) == (2, 2)
    assert ("memo" in data) == bool(entry.memo)
    assert ("reference" in data) == bool(entry.reference)
    command = entry.command
    if isinstance(command, invorder.PostEntry) and command.movements == entry.movements:
        assert "movements" not in data  # written once, in the command
    else:
        assert data["movements"] == [
            [m.sku, m.quantity, m.source.location, m.source.bucket.value,
             m.destination.location, m.destination.bucket.value, m.reason, m.reference]
            for m in entry.movements
        ]  # fmt: skip
    back = CODEC.event_from_dict(data)
    assert isinstance(back, StockPosted)
    assert back == entry
    assert back.schema == 2
    assert canonical(back) == text
    if "movements" not in data:
        assert isinstance(back.command, invorder.PostEntry)
        assert back.movements is back.command.movements  # one tuple, read once


@given(entries)
def test_an_entry_read_from_schema_1_is_written_again_in_schema_1(entry: StockPosted) -> None:
    old = as_read_from_schema_1(entry)
    assert old == entry
    assert hash(old) == hash(entry)
    text = canonical(old)
    data = json.loads(text)
    assert data["schema"] == 1
    assert data["memo"] == entry.memo  # schema 1 wrote every field, empty or not
    assert [m["source"] for m in data["movements"]] == [
        {"location": m.source.location, "bucket": m.source.bucket.value} for m in entry.movements
    ]
    back = CODEC.event_from_dict(data)
    assert isinstance(back, StockPosted)
    assert back == entry
    assert back.schema == 1
    assert canonical(back) == text
    assert canonical(attrs.evolve(back)) == canonical(entry)  # a new entry: schema 2 again


def reserve_entry() -> StockPosted:
    command = invorder.ReserveStock(key="k-1", at=T, reservation="R1", sku="MUG",
                                    location="WEST", quantity=2)  # fmt: skip
    moved = invorder.Movement(
        sku="MUG", quantity=2, source=invorder.Account("WEST"),
        destination=invorder.Account("WEST", invorder.Bucket.RESERVED), reason="reserve",
        reference="R1",
    )  # fmt: skip
    return StockPosted(position=4, command=command, operation=Operation.RESERVE,
                       movements=(moved,), reference="R1")  # fmt: skip


def with_movements(movements: Any) -> dict[str, Any]:
    data = CODEC.event_to_dict(reserve_entry())
    if movements is None:
        del data["movements"]
    else:
        data["movements"] = movements
    return data


ROW = ["MUG", 2, "WEST", "available", "WEST", "reserved", "reserve", "R1"]
FIELDS = ("sku, quantity, source location, source bucket, destination location, "
          "destination bucket, reason, reference")  # fmt: skip


def test_the_example_entry_is_written_as_documented() -> None:
    assert canonical_json(CODEC.event_to_dict(reserve_entry())) == (
        '{"command":{"at":"2026-12-06T09:00:00+00:00","expires_at":null,"key":"k-1",'
        '"location":"WEST","priority":0,"purchase_order":"","quantity":2,"reference":"",'
        '"reservation":"R1","sku":"MUG","type":"ReserveStock"},'
        '"movements":[["MUG",2,"WEST","available","WEST","reserved","reserve","R1"]],'
        '"operation":"reserve","position":4,"reference":"R1","schema":2,"type":"StockPosted"}'
    )


@pytest.mark.parametrize(
    ("movements", "message"),
    [
        ("MUG", "StockPosted.movements: must be an array (got 'MUG')"),
        ([{"sku": "MUG"}], f"StockPosted.movements[0]: must be an array of 8 values ({FIELDS}) "
                           "(got {'sku': 'MUG'})"),
        ([ROW, ROW[:7]], f"StockPosted.movements[1]: must be an array of 8 values ({FIELDS}) "
                         "(got ['MUG', 2, 'WEST', 'available', 'WEST', 'reserved', 'reserve'])"),
        ([[*ROW, "x"]], "StockPosted.movements[0]: must be an array of 8 values"),
        (None, "StockPosted.movements: missing"),
        ([["MUG", "2", *ROW[2:]]], "StockPosted.movements[0].quantity: must be an integer "
                                   "(got '2')"),
        ([["MUG", 2, "WEST", "spare", *ROW[4:]]], "StockPosted.movements[0].source.bucket"),
        ([["MUG", 2, 7, *ROW[3:]]], "StockPosted.movements[0].source.location: must be a "
                                    "string (got 7)"),
    ],
)  # fmt: skip
def test_a_bad_schema_2_entry_is_refused_with_its_field(movements: Any, message: str) -> None:
    data = with_movements(movements)
    before = json.dumps(data)
    with pytest.raises(invorder.errors.CodecError) as caught:
        CODEC.event_from_dict(data)
    assert message in str(caught.value)
    assert caught.value.code == "codec_error"
    assert json.dumps(data) == before  # the dict given is left as it was


def test_a_zero_quantity_is_the_movements_own_typed_error() -> None:
    with pytest.raises(invorder.errors.InvalidQuantityError, match="quantity"):
        CODEC.event_from_dict(with_movements([["MUG", 0, *ROW[2:]]]))


def test_a_key_of_no_schema_is_refused_by_name() -> None:
    data = {**with_movements([ROW]), "postings": []}
    with pytest.raises(invorder.errors.CodecError, match="unknown key 'postings'"):
        CODEC.event_from_dict(data)


def test_a_post_entrys_movements_left_out_are_its_commands() -> None:
    moved = (invorder.Movement(sku="MUG", quantity=1, source=invorder.Account("WEST"),
                               destination=invorder.Account("@scrap")),)  # fmt: skip
    command = invorder.PostEntry(key="p-1", at=T, movements=moved, memo="broken")
    entry = StockPosted(position=0, command=command, operation=Operation.POST,
                        movements=moved, memo="broken")  # fmt: skip
    data = CODEC.event_to_dict(entry)
    assert "movements" not in data
    assert data["command"]["movements"]
    assert data["memo"] == "broken"
    # Movements of its own (not the command's) are written out.
    other = attrs.evolve(entry, movements=(attrs.evolve(moved[0], quantity=2),))
    assert CODEC.event_from_dict(CODEC.event_to_dict(other)) == other
    assert CODEC.event_to_dict(other)["movements"][0][1] == 2


@given(st.integers(0, 7))
def test_a_damaged_row_of_the_sql_log_is_a_corrupt_store_naming_its_position(
    cut: int,
) -> None:
    engine = sql_engine("sqlite://", poolclass=sa.pool.StaticPool)
    with SqlEventStore(engine) as store:
        live = invorder.Engine(store)
        live.execute(invorder.DefineLocation(key="l", at=T, location="WEST"))
        live.execute(invorder.DefineSku(key="s", at=T, sku=invorder.Sku("MUG")))
        live.execute(invorder.ReceiveStock(key="r", at=T, sku="MUG", location="WEST", quantity=3))
        with engine.begin() as connection:
            c = events_table.c
            data = json.loads(connection.execute(
                sa.select(c.data).where(c.position == 2)).scalar_one())  # fmt: skip
            assert data["schema"] == 2
            data["movements"][0] = data["movements"][0][:cut]  # an array too short
            connection.execute(
                sa.update(events_table).where(c.position == 2).values(data=json.dumps(data))
            )
        with pytest.raises(invorder.errors.StoreCorruptError) as caught:
            list(store.read())
        assert caught.value.position == 2
        assert "must be an array of 8 values" in str(caught.value)
        assert store.head() == 3
