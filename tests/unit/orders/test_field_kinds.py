"""Fields of the wrong kind raise a typed error, the same way in every command (issue 16,
item 6): a choice given as its documented string is accepted, an unknown one is an
``InvalidFieldError`` listing the allowed values, a float price an ``InvalidMoneyError``."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

import invorder as iv
from invorder.errors import InvalidFieldError, InvalidMoneyError
from tests.support.order_world import capture, price
from tests.support.world import T0, at

KINDS = "one of 'dtc', 'marketplace', 'wholesale'"
METHODS = "one of 'same_day', 'express', 'two_day', 'standard', 'economy', 'freight'"
PAYMENTS = "one of 'paid', 'pending', 'on_terms'"
BUCKETS = "one of 'available', 'reserved', 'damaged', 'quality_control', 'incoming', 'in_transit'"
DISPOSITIONS = "one of 'restock', 'quality_control', 'damaged', 'scrap'"


def test_documented_strings_are_accepted_for_every_choice() -> None:
    order = capture(kind="dtc", shipping_method="express", payment="pending")
    assert order.kind is iv.OrderKind.DTC
    assert order.shipping_method is iv.ShippingMethod.EXPRESS
    assert order.payment is iv.PaymentStatus.PENDING
    assert iv.ReturnedUnits("1", 1, "damaged").disposition is iv.Disposition.DAMAGED
    received = iv.ReceiveStock(key="r", at=at(1), sku="MUG", location="EAST/A/01", quantity=1,
                               bucket="quality_control")  # fmt: skip
    assert received.bucket is iv.Bucket.QUALITY_CONTROL


def _bad(value: object) -> Any:
    """A value of the wrong type, passed on purpose (typed ``Any`` for the type checker)."""
    return value


BAD: list[tuple[str, Callable[[], Any], str, object, str]] = [
    ("kind", lambda: capture(kind="retail"), "kind", "retail", KINDS),
    ("kind as a number", lambda: capture(kind=1), "kind", 1, KINDS),
    ("shipping_method", lambda: capture(shipping_method="overnight"), "shipping_method",
     "overnight", METHODS),
    ("payment", lambda: capture(payment="unpaid"), "payment", "unpaid", PAYMENTS),
    ("priority", lambda: capture(priority="high"), "priority", "high", "an integer"),
    ("priority as a bool", lambda: capture(priority=True), "priority", True, "an integer"),
    ("ship_to", lambda: capture(ship_to="10 Main St"), "ship_to", "10 Main St", "a ShipTo"),
    ("bucket", lambda: iv.ReceiveStock(key="r", at=at(1), sku="MUG", location="EAST/A/01",
                                       quantity=1, bucket="shelf"), "bucket", "shelf", BUCKETS),
    ("disposition", lambda: iv.ReturnedUnits("1", 1, "lost"), "disposition", "lost",
     DISPOSITIONS),
    ("split", lambda: iv.AllocateOrder(key="a", at=at(1), order="O-1", split=_bad("yes")), "split",
     "yes", "true or false"),
    ("ship_complete", lambda: iv.WholesaleTerms(ship_complete=_bad(1)), "ship_complete", 1,
     "true or false"),
    ("sku", lambda: iv.DefineSku(key="s", at=at(1), sku=_bad("MUG")), "sku", "MUG", "a Sku"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "build", "field", "value", "expected"), BAD,
                         ids=[b[0] for b in BAD])  # fmt: skip
def test_a_field_of_the_wrong_kind_is_an_invalid_field_error(
    name: str, build: Callable[[], Any], field: str, value: object, expected: str
) -> None:
    with pytest.raises(InvalidFieldError) as caught:
        build()
    error = caught.value
    assert error.code == "invalid_field"
    assert error.fields == {"field": field, "value": value, "expected": expected}
    assert str(error) == f"{field} must be {expected} (got {value!r})"


def test_a_float_price_is_an_invalid_money_error() -> None:
    with pytest.raises(InvalidMoneyError) as caught:
        iv.LineItem("1", "MUG", 1, 9.99)  # type: ignore[arg-type]  # the bad input under test
    assert caught.value.fields == {
        "field": "unit_price",
        "value": 9.99,
        "rule": "give a Money, such as Money(Decimal('9.99'), 'USD')",
    }
    assert iv.LineItem("1", "MUG", 1, price("9.99")).unit_price == price("9.99")


def test_a_negative_price_is_an_invalid_money_error() -> None:
    # Issue 16, item 10: a negative unit price was accepted.
    with pytest.raises(InvalidMoneyError) as caught:
        iv.LineItem("1", "MUG", 1, price("-0.01"))
    assert caught.value.fields == {
        "field": "unit_price",
        "value": Decimal("-0.01"),
        "rule": "a price is zero or more (a discount is a lower price)",
    }
    assert iv.LineItem("1", "MUG", 1, price("0.00")).unit_price == price("0.00")  # a free item


@pytest.mark.parametrize("field", ["quantity", "counted"])
def test_a_quantity_above_a_trillion_is_refused(field: str) -> None:
    # Issue 16, item 10: quantities have a documented maximum (invorder's MAX_QUANTITY).
    def build(n: int) -> iv.Command:
        if field == "quantity":
            return iv.ReceiveStock(key="r", at=T0, sku="MUG", location="EAST/A/01", quantity=n)
        return iv.CountStock(key="c", at=T0, sku="MUG", location="EAST/A/01", counted=n)

    assert build(10**12) is not None  # the maximum itself is a quantity
    with pytest.raises(iv.errors.InvalidQuantityError) as caught:
        build(10**12 + 1)
    assert caught.value.fields == {"field": field, "value": 10**12 + 1}
    assert str(caught.value).startswith(f"{field} must be at most 1,000,000,000,000 units")
