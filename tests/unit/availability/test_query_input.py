"""Queries that take a time refuse a naive one at once (issue 16, item 10a), and
``publish_diff`` compares two published sets (item 7)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest

import invorder as iv
from invorder.domain.availability.channel import publish_diff
from tests.support.world import at, snapshot, stocked

NAIVE = datetime(2026, 11, 27, 9, 0)
AWARE = at(5)


@pytest.fixture
def engine() -> iv.Engine:
    engine = stocked()
    engine.execute(iv.DefineChannel(key="ch", at=at(2), channel="shop", locations=["EAST"]))
    engine.execute(
        iv.ReserveStock(key="r", at=at(3), reservation="R1", sku="MUG", location="EAST/A/01",
                        quantity=2, expires_at=at(60))
    )  # fmt: skip
    return engine


QUERIES: list[tuple[str, str, Callable[[iv.Engine, datetime], Any]]] = [
    ("atp", "at", lambda e, t: e.atp("MUG", "EAST", t)),
    ("atp_by_date at", "at", lambda e, t: e.atp_by_date("MUG", "EAST", AWARE, t)),
    ("atp_by_date by", "by", lambda e, t: e.atp_by_date("MUG", "EAST", t, AWARE)),
    ("stock_position", "at", lambda e, t: e.stock_position("MUG", t)),
    ("stock_out_risk", "at", lambda e, t: e.stock_out_risk(t)),
    ("stock_out_risk horizon", "horizon", lambda e, t: e.stock_out_risk(AWARE, horizon=t)),
    ("channel_atp", "at", lambda e, t: e.channel_atp("shop", "MUG", t)),
    ("channel_atp_all", "at", lambda e, t: e.channel_atp_all("shop", t)),
    ("explain_channel_atp", "at", lambda e, t: e.explain_channel_atp("shop", "MUG", t)),
    ("publish", "at", lambda e, t: e.publish("shop", t)),
    ("publish_diff", "at", lambda e, t: e.publish_diff("shop", t, {})),
    ("balances_as_of", "at", lambda e, t: e.balances_as_of(t)),
    ("order_alerts", "at", lambda e, t: e.order_alerts(t)),
]


@pytest.mark.parametrize(("name", "field", "query"), QUERIES, ids=[q[0] for q in QUERIES])
def test_a_naive_time_is_refused_at_once(
    engine: iv.Engine, name: str, field: str, query: Callable[[iv.Engine, datetime], Any]
) -> None:
    before = snapshot(engine)
    query(engine, AWARE)  # the same query with an aware time answers
    with pytest.raises(iv.errors.NaiveDatetimeError) as caught:
        query(engine, NAIVE)
    assert caught.value.code == "naive_datetime"
    assert caught.value.fields == {"field": field, "value": NAIVE}
    assert str(caught.value).startswith(f"{field} must be a timezone-aware datetime")
    assert snapshot(engine) == before


def test_publish_diff_compares_two_published_sets(engine: iv.Engine) -> None:
    first = engine.publish("shop", at(4))
    engine.execute(iv.MarkDamaged(key="d", at=at(5), sku="MUG", location="EAST/A/01",
                                  quantity=3))  # fmt: skip
    second = engine.publish("shop", at(6))
    assert publish_diff(first, second) == {"MUG": first.quantities["MUG"] - 3}
    assert publish_diff(first, second) == publish_diff(first.quantities, second.quantities)
    assert publish_diff(second, second) == {}
    assert engine.publish_diff("shop", at(6), first) == publish_diff(first, second)
