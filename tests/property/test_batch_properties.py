"""A batch of reservations (or releases) leaves the state the same items given one by one
leave: the same balances, ATP and reservations, and each item the same outcome."""

from __future__ import annotations

import contextlib
from datetime import datetime
from typing import Any

import attrs
from hypothesis import event, given, settings
from hypothesis import strategies as st

import invorder as iv
from invorder.events import batch_results
from tests.support.availability import MINUTE, T, world

SKUS = ("MUG", "SAUCER", "SPOON", "SET", "GIFT", "NOPE")
LOCATIONS = ("WEST", "CENTRAL", "EAST", "EAST/A/01", "EAST/A/02", "NOWHERE")
STOCKED = ("MUG", "SAUCER", "SPOON")
REAL = ("WEST", "CENTRAL", "EAST", "EAST/A/01", "EAST/A/02")

stock = st.dictionaries(
    st.tuples(
        st.sampled_from(STOCKED), st.sampled_from(("WEST", "CENTRAL", "EAST/A/01", "EAST/A/02"))
    ),
    st.integers(1, 16),
    max_size=8,
)
# Earlier single reservations: (SKU, location, quantity, lapses after minutes or never).
earlier = st.lists(
    st.tuples(
        st.sampled_from((*STOCKED, "SET")),
        st.sampled_from(REAL),
        st.integers(1, 4),
        st.one_of(st.none(), st.integers(1, 10)),
    ),
    max_size=6,
)
# Batch items: (reservation index, SKU, location, quantity, expiry, pre-order).
items = st.lists(
    st.tuples(
        st.integers(4, 18),
        st.sampled_from(SKUS),
        st.sampled_from(LOCATIONS),
        st.integers(1, 8),
        st.one_of(st.none(), st.integers(1, 30)),
        st.booleans(),
    ),
    min_size=1,
    max_size=12,
    unique_by=lambda row: row[0],
)
releases = st.lists(
    st.tuples(st.integers(0, 8), st.one_of(st.none(), st.integers(1, 5))),
    min_size=1,
    max_size=10,
    unique_by=lambda row: row[0],
)


def _set_up(stocked: dict[tuple[str, str], int], holds: list[Any]) -> iv.Engine:
    engine, _key = world(stocked)
    engine.execute(
        iv.ExpectPurchase(
            key="po",
            at=T,
            purchase_order="PO-1",
            location="WEST",
            lines=[iv.PurchaseLine(sku="MUG", quantity=6, eta=T + 90 * MINUTE)],
        )
    )
    for n, (sku, location, quantity, lapses) in enumerate(holds):
        expires = None if lapses is None else T + lapses * MINUTE
        with contextlib.suppress(iv.RejectedError):
            engine.execute(
                iv.ReserveStock(
                    key=f"hold-{n}",
                    at=T,
                    reservation=f"R{n}",
                    sku=sku,
                    location=location,
                    quantity=quantity,
                    expires_at=expires,
                )
            )
    return engine


def _state(engine: iv.Engine, now: datetime) -> tuple[Any, ...]:
    # A batch's reservations share its entry's position: everything else must be equal.
    reservations = sorted(
        (attrs.evolve(r, position=0) for r in engine.reservations()), key=lambda r: r.reservation
    )
    return (
        {sku: engine.balances(sku) for sku in STOCKED},
        {(sku, loc): engine.atp(sku, loc, now) for sku in SKUS[:-1] for loc in REAL},
        reservations,
    )


def _outcomes(singles: list[iv.InvorderError | None], batch: tuple[Any, ...]) -> None:
    assert [None if r.ok else (type(r.error), r.error.message) for r in batch] == [
        None if e is None else (type(e), e.message) for e in singles
    ]


def _one_by_one(engine: iv.Engine, commands: list[iv.Command]) -> list[iv.InvorderError | None]:
    got: list[iv.InvorderError | None] = []
    for command in commands:
        try:
            engine.execute(command)
            got.append(None)
        except iv.RejectedError as error:
            got.append(error)
    return got


@settings(max_examples=60)
@given(stocked=stock, holds=earlier, batch=items, wait=st.integers(0, 25))
def test_a_reserve_batch_leaves_what_its_items_one_by_one_leave(
    stocked: dict[tuple[str, str], int], holds: list[Any], batch: list[Any], wait: int
) -> None:
    _compare_reserving(stocked, holds, batch, wait)


# Little stock, every earlier hold lapsed by the time of the batch: items need their units.
lapsed = st.lists(
    st.tuples(
        st.sampled_from(("MUG", "SET")),
        st.sampled_from(("WEST", "EAST")),
        st.integers(1, 4),
        st.integers(1, 5),
    ),
    min_size=1,
    max_size=6,
)


shelf_items = st.lists(
    st.tuples(
        st.integers(6, 18),
        st.sampled_from(("MUG", "SET")),
        st.sampled_from(("WEST", "EAST")),
        st.integers(1, 6),
        st.none(),
        st.just(False),
    ),
    min_size=1,
    max_size=8,
    unique_by=lambda row: row[0],
)


@settings(max_examples=40)
@given(stocked=stock, holds=lapsed, batch=shelf_items, wait=st.integers(5, 8))
def test_a_reserve_batch_expires_the_lapsed_holds_its_items_need_as_they_would(
    stocked: dict[tuple[str, str], int], holds: list[Any], batch: list[Any], wait: int
) -> None:
    _compare_reserving(stocked, holds, batch, wait)


def _compare_reserving(
    stocked: dict[tuple[str, str], int], holds: list[Any], batch: list[Any], wait: int
) -> None:
    now = T + wait * MINUTE
    rows = []
    for index, sku, location, quantity, lapses, preorder in batch:
        fields: dict[str, Any] = {
            "reservation": f"R{index}",
            "sku": sku,
            "location": location,
            "quantity": quantity,
            "expires_at": None if lapses is None else now + lapses * MINUTE,
        }
        if preorder:
            fields.update(sku="MUG", location="WEST", purchase_order="PO-1", priority=index % 3)
        rows.append(fields)
    one, many = _set_up(stocked, holds), _set_up(stocked, holds)
    singles = _one_by_one(
        one, [iv.ReserveStock(key=f"s{n}", at=now, **fields) for n, fields in enumerate(rows)]
    )
    outcome = many.execute(
        iv.ReserveMany(key="batch", at=now, items=[iv.ReserveItem(**fields) for fields in rows])
    )
    _outcomes(singles, batch_results(outcome))
    event(f"{sum(e is None for e in singles)} of {len(singles)} reserved")
    event("expired lapsed holds" if iv.events.expired_reservations(outcome) else "no sweep")
    assert _state(many, now) == _state(one, now)
    assert many.verify() == []
    later = now + 40 * MINUTE  # what lapses later lapses the same way
    assert _state(many, later) == _state(one, later)


@settings(max_examples=60)
@given(stocked=stock, holds=earlier, batch=releases, wait=st.integers(0, 25))
def test_a_release_batch_leaves_what_its_items_one_by_one_leave(
    stocked: dict[tuple[str, str], int], holds: list[Any], batch: list[Any], wait: int
) -> None:
    now = T + wait * MINUTE
    rows = [
        {"reservation": f"R{index}", "quantity": quantity, "reason": "cancelled"}
        for index, quantity in batch
    ]
    one, many = _set_up(stocked, holds), _set_up(stocked, holds)
    # A pre-order too, partly received: its release takes the units still to come first.
    for engine in (one, many):
        engine.execute(
            iv.ReserveStock(
                key="pre",
                at=T,
                reservation="R8",
                sku="MUG",
                location="WEST",
                quantity=4,
                purchase_order="PO-1",
            )
        )
        engine.execute(
            iv.ReceivePurchase(
                key="rp", at=T, purchase_order="PO-1", lines=[iv.ReceiptLine(sku="MUG", quantity=2)]
            )
        )
    singles = _one_by_one(
        one, [iv.ReleaseReservation(key=f"s{n}", at=now, **fields) for n, fields in enumerate(rows)]
    )
    outcome = many.execute(
        iv.ReleaseMany(key="batch", at=now, items=[iv.ReleaseItem(**fields) for fields in rows])
    )
    _outcomes(singles, batch_results(outcome))
    assert _state(many, now) == _state(one, now)
    assert many.verify() == []
