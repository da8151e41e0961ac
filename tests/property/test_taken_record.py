"""The allocation's taken record answers every subtree sum, exact place, arrival and
capacity question as a plain scan over the takes and arrivals it was given."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from invorder.domain.orders.taken import Taken

_PLACES = ["EAST", "EAST/A", "EAST/A/01", "EAST/A/02", "EAST/B/01", "WEST", "WEST/A/01", "EASTER/A"]
_SKUS = ["MUG", "LID"]

_moves = st.lists(
    st.tuples(st.sampled_from(_SKUS), st.sampled_from(_PLACES), st.integers(-5, 5)), max_size=30
)
_gifts = st.lists(st.tuples(st.sampled_from(["EAST", "WEST"]), st.integers(0, 4)), max_size=5)


def _within(place: str, location: str) -> bool:
    return place == location or place.startswith(location + "/")


def _check(taken: Taken, moves: list[tuple[str, str, int]], gifts: list[tuple[str, int]]) -> None:
    exact: dict[tuple[str, str], int] = {}
    for sku, place, n in moves:
        exact[(sku, place)] = exact.get((sku, place), 0) + n
    for sku in _SKUS:
        for location in _PLACES:
            assert taken.under(sku, location) == sum(
                n for (s, p), n in exact.items() if s == sku and _within(p, location)
            )
            assert taken.at(sku, location) == exact.get((sku, location), 0)
            arrived = [p for (s, p), n in exact.items() if s == sku and n < 0]
            assert sorted(taken.arrived_in(sku, location)) == sorted(
                p for p in arrived if _within(p, location)
            )
    assert taken.arrived_at() == {p.split("/", 1)[0] for (_s, p), n in exact.items() if n < 0}
    for warehouse in ("EAST", "WEST"):
        assert taken.given(warehouse) == sum(n for w, n in gifts if w == warehouse)


def _record(moves: list[tuple[str, str, int]], gifts: list[tuple[str, int]]) -> Taken:
    taken = Taken()
    for sku, place, n in moves:
        taken.add(sku, place, n)
    for warehouse, n in gifts:
        taken.give(warehouse, n)
    return taken


@settings(max_examples=200, deadline=None)
@given(_moves, _gifts, _moves, _gifts)
def test_taken_answers_what_a_scan_answers(
    first: list[tuple[str, str, int]],
    first_gifts: list[tuple[str, int]],
    then: list[tuple[str, str, int]],
    then_gifts: list[tuple[str, int]],
) -> None:
    taken = _record(first, first_gifts)
    _check(taken, first, first_gifts)
    saved = taken.copy()
    taken.merge(_record(then, then_gifts))
    _check(taken, first + then, first_gifts + then_gifts)
    _check(saved, first, first_gifts)  # a copy is independent
    taken.restore(saved)
    _check(taken, first, first_gifts)
    assert Taken.of(taken.entries()).entries() == taken.entries()
