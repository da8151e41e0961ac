"""Every query of the engine given an id, a list or a number of the wrong kind: a typed
error naming the argument, never Python's own ``TypeError`` (an unhashable list) or a
quiet "not found" for a number (DESIGN.md 6). Queries change nothing; the log is
checked unchanged all the same."""

from __future__ import annotations

import inspect
from typing import Any

import pytest

import invorder as iv
import invorder.routing as r
from invorder.errors import InvalidFieldError, NaiveDatetimeError
from tests.support.order_world import capture, order_world
from tests.support.world import at

NOW = at(30)

# (method, valid arguments, the argument spoilt): the valid arguments name what exists.
QUERIES: list[tuple[str, dict[str, Any], str]] = [
    ("balance", {"sku": "MUG", "location": "EAST/A/01"}, "sku"),
    ("balance", {"sku": "MUG", "location": "EAST/A/01"}, "location"),
    ("rollup", {"sku": "MUG", "location": "EAST"}, "location"),
    ("on_hand", {"sku": "MUG", "location": "EAST"}, "sku"),
    ("balances", {"sku": "MUG"}, "sku"),
    ("history", {"sku": "MUG", "location": "EAST"}, "location"),
    ("sku", {"sku": "MUG"}, "sku"),
    ("location", {"location": "EAST"}, "location"),
    ("locations", {"within": "EAST"}, "within"),
    ("transfer", {"transfer": "T-1"}, "transfer"),
    ("reservation", {"reservation": "R-1"}, "reservation"),
    ("reservations", {"sku": "MUG"}, "sku"),
    ("reservations", {"location": "EAST"}, "location"),
    ("atp", {"sku": "MUG", "location": "EAST", "at": NOW}, "sku"),
    ("atp", {"sku": "MUG", "location": "EAST", "at": NOW}, "location"),
    ("atp_by_date", {"sku": "MUG", "location": "EAST", "by": NOW, "at": NOW}, "sku"),
    ("atp_by_date", {"sku": "MUG", "location": "EAST", "by": NOW, "at": NOW}, "location"),
    ("stock_position", {"sku": "MUG", "at": NOW}, "sku"),
    ("stock_position", {"sku": "MUG", "at": NOW, "location": "EAST"}, "location"),
    ("stock_out_risk", {"at": NOW, "location": "EAST"}, "location"),
    ("channel", {"channel": "shopify"}, "channel"),
    ("channel_atp", {"channel": "shopify", "sku": "MUG", "at": NOW}, "channel"),
    ("channel_atp", {"channel": "shopify", "sku": "MUG", "at": NOW}, "sku"),
    ("channel_atp_all", {"channel": "shopify", "at": NOW}, "channel"),
    ("explain_channel_atp", {"channel": "shopify", "sku": "MUG", "at": NOW}, "sku"),
    ("publish", {"channel": "shopify", "at": NOW}, "channel"),
    ("order", {"order": "O-1"}, "order"),
    ("order_by_external", {"channel": "shopify", "external_id": "ext-O-1"}, "external_id"),
    ("shipment", {"shipment": "S-1"}, "shipment"),
    ("shipments", {"order": "O-1"}, "order"),
    ("pick_list", {"shipment": "O-1/S1"}, "shipment"),
    ("rma", {"rma": "R-1"}, "rma"),
    ("payment", {"order": "O-1"}, "order"),
    ("payment_facts", {"order": "O-1"}, "order"),
    ("invoice", {"invoice": "I-1"}, "invoice"),
    ("invoices", {"order": "O-1"}, "order"),
    ("credit_notes", {"invoice": "I-1"}, "invoice"),
    ("invoicing", {"order": "O-1"}, "order"),
    ("price_list", {"price_list": "P-1"}, "price_list"),
    ("purchase_order", {"purchase_order": "PO-1"}, "purchase_order"),
    ("supplier", {"supplier": "S-1"}, "supplier"),
    ("outcome_of", {"key": "cap-O-1-5"}, "key"),
    ("explain_allocation", {"order": "O-1"}, "order"),
]
WRONG: list[object] = [5, None, ["MUG"], {"MUG": 1}, 1.5, b"MUG"]


@pytest.fixture(scope="module")
def engine() -> iv.Engine:
    engine = order_world()
    engine.execute(capture("O-1"))
    return engine


@pytest.mark.parametrize(("method", "valid", "field"), QUERIES,
                         ids=[f"{m}.{f}" for m, _, f in QUERIES])  # fmt: skip
def test_a_query_given_an_id_of_the_wrong_kind_names_it(
    engine: iv.Engine, method: str, valid: dict[str, Any], field: str
) -> None:
    query = getattr(engine, method)
    query(**valid)  # the valid arguments are answered
    events = list(engine.events())
    for wrong in WRONG:
        if (
            wrong is None
            and field in ("within", "location")
            and method
            not in ("balance", "rollup", "on_hand", "history", "location", "atp", "atp_by_date")
        ):
            continue  # ``None`` means "every location" there
        if wrong is None and method == "reservations":
            continue  # ``None`` means "any" there
        with pytest.raises(InvalidFieldError) as raised:
            query(**{**valid, field: wrong})
        assert raised.value.field == field
        assert str(raised.value) == f"{field} must be a string (got {wrong!r})"
    assert list(engine.events()) == events


ARGUMENTS: list[tuple[str, dict[str, Any], str]] = [
    ("events", {"start": "0"}, "start must be a position (a whole number >= 0) (got '0')"),
    ("events", {"start": -1}, "start must be a position (a whole number >= 0) (got -1)"),
    ("events", {"stop": 1.5}, "stop must be a position (a whole number >= 0) (got 1.5)"),
    ("balance", {"sku": "MUG", "location": "EAST/A/01", "bucket": "spare"},
     "bucket must be one of 'available'"),
    ("atp_many", {"skus": "MUG", "locations": ["EAST"], "at": NOW},
     "skus must be a list of SKU codes (got 'MUG')"),
    ("atp_many", {"skus": ["MUG"], "locations": [5], "at": NOW},
     "locations[0] must be a str (got 5)"),
    ("stock_out_risk", {"at": NOW, "threshold": "1"},
     "threshold must be a whole number of units >= 0 (got '1')"),
    ("stock_out_risk", {"at": NOW, "demand": {"MUG": "3"}},
     "demand['MUG'] must be a whole number of units >= 0 (got '3')"),
    ("stock_out_risk", {"at": NOW, "demand": 7},
     "demand must be a mapping or a list of (SKU, units) pairs (got 7)"),
    ("reservations", {"open_only": "yes"}, "open_only must be true or false (got 'yes')"),
    ("publish_diff", {"channel": "shopify", "at": NOW, "previous": 5},
     "previous must be a PublishedSet or a mapping of SKU to units (got 5)"),
    ("capture", {"command": "O-1"}, "command must be a CaptureOrder (got 'O-1')"),
    ("order_alerts", {"at": NOW, "at_risk": 5}, "at_risk must be a timedelta (got 5)"),
    ("order_alerts", {"at": NOW, "acknowledged": "yes"},
     "acknowledged must be true or false (got 'yes')"),
    ("explain_allocation", {"order": "O-1", "which": "x"},
     "which must be an allocation's index (0 the first, -1 the latest) (got 'x')"),
]  # fmt: skip


@pytest.mark.parametrize(("method", "given", "message"), ARGUMENTS)
def test_a_query_given_an_argument_of_the_wrong_kind_says_what_it_takes(
    engine: iv.Engine, method: str, given: dict[str, Any], message: str
) -> None:
    events = list(engine.events())
    with pytest.raises(InvalidFieldError) as raised:  # when called, not when iterated
        getattr(engine, method)(**given)
    assert str(raised.value).startswith(message)
    assert list(engine.events()) == events


def test_well_typed_ids_that_name_nothing_are_still_not_found(engine: iv.Engine) -> None:
    assert engine.order("O-404") is None
    assert engine.balance("MUG", "EAST/A/09") == 0
    assert engine.reservations(sku="NOPE") == []
    assert engine.outcome_of("never-used") == ()


def test_an_allocation_index_past_the_order_s_allocations_is_none() -> None:
    engine = order_world(routing_rule=r.route("most-stock", rank=r.most_stock()))
    engine.execute(capture("O-1"))
    assert engine.explain_allocation("O-1", 0) == engine.explain_allocation("O-1", -1)
    assert engine.explain_allocation("O-1", 0) is not None
    assert engine.explain_allocation("O-1", 1) is None  # it raised IndexError
    assert engine.explain_allocation("O-1", -2) is None


def test_late_purchase_lines_needs_an_aware_time(engine: iv.Engine) -> None:
    with pytest.raises(NaiveDatetimeError):
        engine.late_purchase_lines(5)  # type: ignore[arg-type]  # the wrong kind, on purpose


# The public methods not in the tables above: they run commands, copy, reload or close the
# engine, take only times (checked as aware times, by the tests of their areas), or check
# their one id themselves (a barcode: InvalidBarcodeError; promise_replan's key:
# InvalidIdentifierError). A new query must be added to a table or here.
TAKES_NO_ID = {"branch", "channels", "close_outs", "execute", "execute_batch", "execute_many",
               "lookup_barcode", "order_exceptions", "orders", "price_lists", "promise_replan",
               "purchase_orders", "reload", "skus", "snapshot", "suppliers", "valuation",
               "verify", "balances_as_of", "late_purchase_lines", "close"}  # fmt: skip


def test_every_query_of_the_engine_is_in_these_tables() -> None:
    public = {name for name, member in inspect.getmembers(iv.Engine)
              if not name.startswith("_") and inspect.isfunction(member)}  # fmt: skip
    tabled = {method for method, _, _ in QUERIES} | {method for method, _, _ in ARGUMENTS}
    assert public - TAKES_NO_ID == tabled
