"""One error per rule (issue 16, item 8): a list that is empty or names an item twice is an
``InvalidListError``, a field that contradicts another a ``ConflictingFieldsError``, an item
of the wrong type in a list an ``InvalidFieldError`` naming its index; never the bare
``ValidationError``. Each is checked built in code and decoded from JSON, with nothing
written."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

import invorder as iv
from invorder.errors import (
    ConflictingFieldsError,
    InvalidFieldError,
    InvalidListError,
    InvalidQuantityError,
    ValidationError,
)
from tests.support.order_world import capture, order_world
from tests.support.world import T0, at

CODEC = iv.Codec()

CASES: list[tuple[str, Callable[[], Any], type[ValidationError], str]] = [
    ("capture: a line id twice",
     lambda: capture("A", (("1", "MUG", 1), ("1", "TEE", 1))),
     InvalidListError, "lines: line id '1' appears twice; line ids are unique within an order"),
    ("capture: not a LineItem",
     lambda: iv.CaptureOrder(key="c", at=T0, order="A", channel="shopify", external_id="x",
                             kind="dtc", lines=["MUG"]),  # type: ignore[list-item]  # the case
     InvalidFieldError, "lines[0] must be a LineItem (got 'MUG')"),
    ("capture: wholesale terms on a DTC order",
     lambda: capture("A", wholesale=iv.WholesaleTerms()),
     ConflictingFieldsError, "wholesale: terms given for kind 'dtc'"),
    ("capture: a wholesale order without terms",
     lambda: capture("A", kind="wholesale"),
     ConflictingFieldsError, "wholesale: terms missing for kind 'wholesale'"),
    ("cancel lines: none",
     lambda: iv.CancelLines(key="c", at=T0, order="A", lines=[]),
     InvalidListError, "lines: no line given; name at least one line to cancel"),
    ("cancel lines: a line twice",
     lambda: iv.CancelLines(key="c", at=T0, order="A",
                            lines=[iv.LineQuantity("1", 1), iv.LineQuantity("1", 2)]),
     InvalidListError, "lines: line '1' appears twice; merge the quantities"),
    ("open return: none",
     lambda: iv.OpenReturn(key="r", at=T0, rma="RMA-1", order="A", lines=[]),
     InvalidListError, "lines: no line given; name each line once"),
    ("open return: a line twice",
     lambda: iv.OpenReturn(key="r", at=T0, rma="RMA-1", order="A",
                           lines=[iv.LineQuantity("1", 1), iv.LineQuantity("1", 1)]),
     InvalidListError, "lines: line '1' appears twice; name each line once"),
    ("receive return: none",
     lambda: iv.ReceiveReturn(key="r", at=T0, rma="RMA-1", location="EAST/A/01", lines=[]),
     InvalidListError, "lines: no line given; a receipt names at least one line"),
    ("record pick: a pick twice",
     lambda: iv.RecordPick(key="p", at=T0, shipment="A/S1",
                           counts=[iv.PickCount("A/R1", 0), iv.PickCount("A/R1", 1)]),
     InvalidListError, "counts: pick 'A/R1' appears twice; give each pick's count once"),
    ("pack: no package",
     lambda: iv.PackShipment(key="p", at=T0, shipment="A/S1", packages=[]),
     InvalidListError, "packages: no package given; a packed shipment has at least one"),
    ("pack: not a Package",
     lambda: iv.PackShipment(key="p", at=T0, shipment="A/S1",
                             packages=[1800]),  # type: ignore[list-item]  # the case tested
     InvalidFieldError, "packages[0] must be a Package (got 1800)"),
    ("reserve: expiry not after the command",
     lambda: iv.ReserveStock(key="r", at=at(5), reservation="R-1", sku="MUG",
                             location="EAST/A/01", quantity=1, expires_at=at(5)),
     ConflictingFieldsError, "expires_at: 2026-11-27T08:05:00+00:00 is not after at"),
    ("supplier: a SKU's terms twice",
     lambda: iv.Supplier(supplier="S", terms=[iv.SupplierTerms(sku="MUG"),
                                             iv.SupplierTerms(sku="MUG")]),
     InvalidListError, "terms: SKU 'MUG' appears twice; give it once"),
    # Values inside commands: a list given as something else, an item of another type.
    ("supplier: terms not SupplierTerms",
     lambda: iv.Supplier(supplier="S", terms=["MUG"]),  # type: ignore[list-item]  # the case
     InvalidFieldError, "terms[0] must be a SupplierTerms (got 'MUG')"),
    ("sku: barcodes a number",
     lambda: iv.Sku("MUG", barcodes=5),  # type: ignore[arg-type]  # the case tested
     InvalidFieldError, "barcodes must be a list of barcodes (got 5)"),
    ("movement: an account that is not an Account",
     lambda: iv.Movement(sku="MUG", quantity=1, source=iv.Account("EAST/A/01"),
                         destination="EAST/A/02"),  # type: ignore[arg-type]  # the case
     InvalidFieldError, "destination must be an Account (got 'EAST/A/02')"),
    ("wholesale terms: case packs a number",
     lambda: iv.WholesaleTerms(case_packs=6),  # type: ignore[arg-type]  # the case tested
     InvalidFieldError, "case_packs must be a mapping or a list of (SKU, units) pairs (got 6)"),
    ("wholesale terms: a minimum not a pair",
     lambda: iv.WholesaleTerms(minimums=["MUG"]),  # type: ignore[list-item]  # the case
     InvalidFieldError, "minimums[0] must be a (SKU, units) pair (got 'MUG')"),
    ("wholesale terms: a minimum of no units",
     lambda: iv.WholesaleTerms(minimums={"MUG": 0}),
     InvalidQuantityError, "minimums['MUG'] must be a positive integer number of units"),
]  # fmt: skip


@pytest.mark.parametrize(("build", "error_type", "message"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])  # fmt: skip
def test_built_in_code(
    build: Callable[[], Any], error_type: type[ValidationError], message: str
) -> None:
    with pytest.raises(error_type) as caught:
        build()
    assert type(caught.value) is error_type
    assert caught.value.code == error_type.code
    assert str(caught.value).startswith(message)


VALID: dict[str, Callable[[], iv.Command]] = {
    "CaptureOrder": lambda: capture("A", (("1", "MUG", 1),)),
    "CancelLines": lambda: iv.CancelLines(key="c", at=T0, order="A",
                                          lines=[iv.LineQuantity("1", 1)]),
    "RecordPick": lambda: iv.RecordPick(key="p", at=T0, shipment="A/S1",
                                        counts=[iv.PickCount("A/R1", 0)]),
    "ReserveStock": lambda: iv.ReserveStock(key="r", at=at(5), reservation="R-1", sku="MUG",
                                            location="EAST/A/01", quantity=1, expires_at=at(6)),
}  # fmt: skip
"""A valid command of each kind, to spoil as JSON."""


DECODED: list[tuple[str, str, Callable[[dict[str, Any]], None], type[ValidationError], str]] = [
    ("capture: a line id twice", "CaptureOrder",
     lambda d: d["lines"].append(dict(d["lines"][0])),
     InvalidListError, "lines: line id '1' appears twice"),
    ("cancel lines: a line twice", "CancelLines",
     lambda d: d["lines"].append(dict(d["lines"][0])),
     InvalidListError, "lines: line '1' appears twice"),
    ("record pick: a pick twice", "RecordPick",
     lambda d: d["counts"].append(dict(d["counts"][0])),
     InvalidListError, "counts: pick 'A/R1' appears twice"),
    ("reserve: expiry before the command", "ReserveStock",
     lambda d: d.update(expires_at=(at(5) - timedelta(minutes=1)).isoformat()),
     ConflictingFieldsError, "expires_at: 2026-11-27T08:04:00+00:00 is not after at"),
]  # fmt: skip


@pytest.mark.parametrize(("kind", "spoil", "error_type", "message"), [c[1:] for c in DECODED],
                         ids=[c[0] for c in DECODED])  # fmt: skip
def test_decoded_from_json_and_nothing_written(
    kind: str,
    spoil: Callable[[dict[str, Any]], None],
    error_type: type[ValidationError],
    message: str,
) -> None:
    engine = order_world()
    engine.execute(capture("B", (("1", "MUG", 1),)))
    position, orders = engine.position, engine.orders()
    data = CODEC.command_to_dict(VALID[kind]())
    spoil(data)
    with pytest.raises(ValidationError) as caught:
        engine.execute(CODEC.command_from_dict(data))
    assert type(caught.value) is error_type  # the codec passes the rule's own error on
    assert str(caught.value).startswith(message)
    assert (engine.position, engine.orders()) == (position, orders)
