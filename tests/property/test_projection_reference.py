"""The ledger's indexed projection against a plain reference model of the same entries.

The projection keeps balances under integer ids with roll-up nodes per subtree (for speed);
this test recomputes everything from a dictionary of accounts and checks that every query
and every accept/reject decision (with its error fields) agrees.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import invorder
from invorder import Account, Bucket, Movement, PostEntry

T = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
DEFINED = ["E/A/1", "E/A/2", "E/B/1", "E", "W/1"]
TREE = ["E", "E/A", "E/A/1", "E/A/2", "E/B", "E/B/1", "W", "W/1"]
PLACES = [*TREE, "W/2", "@supplier", "@customer", "@adjustment"]
SKUS = ["s1", "s2"]
# Not RESERVED: that bucket changes only through reservations, never a raw entry.
BUCKETS = [Bucket.AVAILABLE, Bucket.QUALITY_CONTROL, Bucket.DAMAGED]

Key = tuple[str, str, Bucket]

movements = st.tuples(
    st.sampled_from([*SKUS, *SKUS, "s3"]),
    st.integers(1, 9),
    st.sampled_from(PLACES),
    st.sampled_from(BUCKETS),
    st.sampled_from(PLACES),
    st.sampled_from(BUCKETS),
).filter(lambda m: (m[2], m[3]) != (m[4], m[5]))
entries = st.lists(st.lists(movements, min_size=1, max_size=4), min_size=1, max_size=15)


def expected_error(book: dict[Key, int], entry: list[Movement]) -> tuple[str, dict[str, object]]:
    """The error the documented precedence gives for ``entry``, or ``("", {})``."""
    for m in entry:
        if m.sku not in SKUS:
            return "unknown_sku", {"sku": m.sku, "barcode": None}
    for m in entry:
        for account in (m.source, m.destination):
            if account.location not in TREE and account.location[0] != "@":
                return "unknown_location", {"location": account.location}
    taken: dict[Key, int] = {}
    for m in entry:
        if m.source.location[0] != "@":
            key = (m.sku, m.source.location, m.source.bucket)
            taken[key] = taken.get(key, 0) + m.quantity
    for (sku, location, bucket), quantity in taken.items():
        have = book.get((sku, location, bucket), 0) + sum(
            m.quantity
            for m in entry
            if (m.sku, m.destination.location, m.destination.bucket) == (sku, location, bucket)
        )
        if quantity > have:
            fields = {"sku": sku, "location": location, "bucket": bucket.value}
            return "insufficient_stock", {**fields, "requested": quantity, "available": have}
    return "", {}


def within(location: str, ancestor: str) -> bool:
    return location == ancestor or location.startswith(ancestor + "/")


def total(book: dict[Key, int], keys: Iterable[Key]) -> int:
    return sum(book.get(key, 0) for key in keys)


A = Bucket.AVAILABLE


@given(entries)
# Units received and moved on within one entry: the check counts the entry's own incoming.
@example([[("s1", 5, "@supplier", A, "E/A/1", A), ("s1", 5, "E/A/1", A, "E/A/2", A)]])
@example([[("s1", 5, "@supplier", A, "E/A/1", A), ("s1", 6, "E/A/1", A, "E/A/2", A)]])
def test_projection_agrees_with_a_reference_model(
    raw_entries: list[list[tuple[str, int, str, Bucket, str, Bucket]]],
) -> None:
    engine = invorder.in_memory()
    for n, path in enumerate(DEFINED):
        engine.execute(invorder.DefineLocation(key=f"loc-{n}", at=T, location=path))
    for sku in SKUS:
        engine.execute(invorder.DefineSku(key=f"sku-{sku}", at=T, sku=invorder.Sku(sku)))
    book: dict[Key, int] = {}
    for n, raw in enumerate(raw_entries):
        entry = [
            Movement(sku=sku, quantity=q, source=Account(s, sb), destination=Account(d, db))
            for sku, q, s, sb, d, db in raw
        ]
        code, fields = expected_error(book, entry)
        head = engine.position
        command = PostEntry(key=f"e{n}", at=T, movements=entry)
        if code:
            with pytest.raises(invorder.RejectedError) as caught:
                engine.execute(command)
            assert (caught.value.code, caught.value.fields) == (code, fields)
            assert engine.position == head + 1  # its rejection record only
            continue
        engine.execute(command)
        for m in entry:
            source = (m.sku, m.source.location, m.source.bucket)
            destination = (m.sku, m.destination.location, m.destination.bucket)
            book[source] = book.get(source, 0) - m.quantity
            book[destination] = book.get(destination, 0) + m.quantity
    for sku in [*SKUS, "s3"]:
        for place in [*PLACES, "X"]:
            for bucket in Bucket:
                assert engine.balance(sku, place, bucket) == book.get((sku, place, bucket), 0)
                inside = [k for k in book if k[0] == sku and k[2] is bucket]
                if place[0] == "@":
                    inside = [(sku, place, bucket)]
                else:
                    inside = [k for k in inside if within(k[1], place)]
                assert engine.rollup(sku, place, bucket) == total(book, inside)
            if place[0] != "@":
                physical = [
                    k for k in book if k[0] == sku and within(k[1], place) and k[2].value in
                    {b.value for b in invorder.records.PHYSICAL_BUCKETS}
                ]  # fmt: skip
                assert engine.on_hand(sku, place) == total(book, physical)
        expected = {
            Account(location, bucket): quantity
            for (code, location, bucket), quantity in sorted(book.items())
            if code == sku and quantity
        }
        assert engine.balances(sku) == expected
        assert list(engine.balances(sku)) == list(expected)
    assert engine.verify() == []
