"""A SKU's unit costs share one currency, refused at decide time (issue 16, item 2): a cost
in a second currency used to be logged and then broke every later ``valuation()``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

import pytest

import invorder as iv
from tests.support.world import MUG_EAN, at, snapshot, world


def usd(amount: str) -> iv.Money:
    return iv.Money(Decimal(amount), "USD")


def eur(amount: str) -> iv.Money:
    return iv.Money(Decimal(amount), "EUR")


def valued_in_usd() -> iv.Engine:
    engine = world()
    engine.execute(iv.ReceiveStock(key="r1", at=at(1), sku="MUG", location="EAST/A/01",
                                   quantity=10, unit_cost=usd("2.00")))  # fmt: skip
    return engine


SECOND_CURRENCY: list[tuple[str, Callable[[], iv.Command]]] = [
    ("receive by code", lambda: iv.ReceiveStock(key="r2", at=at(2), sku="MUG",
                                                location="EAST/A/01", quantity=1,
                                                unit_cost=eur("2.00"))),
    ("receive by barcode", lambda: iv.ReceiveStock(key="r2", at=at(2), barcode=MUG_EAN,
                                                   location="EAST/A/01", quantity=1,
                                                   unit_cost=eur("2.00"))),
    ("expect a purchase", lambda: iv.ExpectPurchase(
        key="po", at=at(2), purchase_order="PO-1", location="EAST/A/01",
        lines=[iv.PurchaseLine(sku="MUG", quantity=5, eta=at(2) + timedelta(days=2),
                               unit_cost=eur("1.90"))])),
    ("draft a purchase", lambda: iv.DraftPurchase(
        key="po", at=at(2), purchase_order="PO-1", location="EAST/A/01",
        lines=[iv.PurchaseLine(sku="MUG", quantity=5, eta=at(2) + timedelta(days=2),
                               unit_cost=eur("1.90"))])),
]  # fmt: skip


@pytest.mark.parametrize(("name", "build"), SECOND_CURRENCY, ids=[c[0] for c in SECOND_CURRENCY])
def test_a_cost_in_a_second_currency_is_refused_and_changes_nothing(
    name: str, build: Callable[[], iv.Command]
) -> None:
    engine = valued_in_usd()
    before = snapshot(engine)
    with pytest.raises(iv.errors.CurrencyMismatchError) as caught:
        engine.execute(build())
    error = caught.value
    assert error.code == "currency_mismatch"
    assert error.fields == {
        "action": "value 'MUG' (its stock is averaged at one cost) at unit costs in",
        "first": "USD",
        "second": "EUR",
    }
    assert str(error) == (
        "cannot value 'MUG' (its stock is averaged at one cost) at unit costs in USD and EUR: "
        "convert to one currency first"
    )
    assert snapshot(engine) == before
    assert engine.valuation().sku("MUG").units == 10  # valuation still works


def test_the_first_cost_fixes_the_currency_and_the_same_currency_goes_on() -> None:
    engine = valued_in_usd()
    engine.execute(iv.ReceiveStock(key="r2", at=at(2), barcode=MUG_EAN, location="EAST/A/01",
                                   quantity=10, unit_cost=usd("4.00")))  # fmt: skip
    assert engine.valuation().sku("MUG").average_cost == usd("3.00")
    # Another SKU may be costed in another currency: one currency per SKU, not per ledger.
    engine.execute(iv.ReceiveStock(key="r3", at=at(3), sku="TEE", location="EAST/A/01",
                                   quantity=1, unit_cost=eur("5.00")))  # fmt: skip
    # A replay and a snapshot agree on the currencies (verify compares the projection).
    assert engine.verify() == []
