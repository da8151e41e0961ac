"""Purchase order lifecycle, suppliers, valuation and kit assembly: behaviour and bad input."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest

import invorder as iv
from invorder import Bucket
from invorder.records import PurchaseState
from tests.support.availability import DAY, T, assert_refused, world


def eur(amount: str) -> iv.Money:
    return iv.Money(Decimal(amount), "EUR")


def line(sku: str, quantity: int, cost: str | None = None) -> iv.PurchaseLine:
    return iv.PurchaseLine(
        sku=sku, quantity=quantity, eta=T + 5 * DAY, unit_cost=None if cost is None else eur(cost)
    )


def draft(
    key: str, po: str = "PO-1", tolerance: str | None = None, **kw: object
) -> iv.DraftPurchase:
    lines = kw.pop("lines", [line("MUG", 10, "2.00"), line("SAUCER", 4, "1.50")])
    return iv.DraftPurchase(
        key=key, at=T, purchase_order=po, location="WEST", supplier="ACME",
        lines=lines, tolerance=tolerance,  # type: ignore[arg-type]  # a list converts to a tuple
    )  # fmt: skip


def receive(
    key: str, po: str = "PO-1", cost: str | None = None, **lines: int
) -> iv.ReceivePurchase:
    return iv.ReceivePurchase(
        key=key, at=T + DAY, purchase_order=po,
        lines=[iv.ReceiptLine(sku=s, quantity=q, unit_cost=None if cost is None else eur(cost))
               for s, q in lines.items()],
    )  # fmt: skip


def test_a_draft_moves_nothing_until_confirmed() -> None:
    engine, key = world({})
    engine.execute(draft(key()))
    order = engine.purchase_order("PO-1")
    assert order is not None
    assert order.state is PurchaseState.DRAFT
    assert engine.balance("MUG", "WEST", Bucket.INCOMING) == 0
    assert engine.late_purchase_lines(T + 30 * DAY) == []
    engine.execute(iv.ConfirmPurchase(key=key(), at=T, purchase_order="PO-1"))
    order = engine.purchase_order("PO-1")
    assert order is not None
    assert order.state is PurchaseState.CONFIRMED
    assert engine.balance("MUG", "WEST", Bucket.INCOMING) == 10
    assert engine.atp_by_date("MUG", "WEST", T + 6 * DAY, T) == 10


def test_receipts_walk_the_states_and_close_returns_the_rest() -> None:
    engine, key = world({})
    engine.execute(draft(key()))
    engine.execute(iv.ConfirmPurchase(key=key(), at=T, purchase_order="PO-1"))
    engine.execute(receive(key(), MUG=4))
    order = engine.purchase_order("PO-1")
    assert order is not None
    assert order.state is PurchaseState.PARTIALLY_RECEIVED
    engine.execute(receive(key(), MUG=6, SAUCER=4))
    order = engine.purchase_order("PO-1")
    assert order is not None
    assert order.state is PurchaseState.RECEIVED
    engine.execute(iv.ClosePurchase(key=key(), at=T, purchase_order="PO-1"))
    order = engine.purchase_order("PO-1")
    assert order is not None
    assert order.state is PurchaseState.CLOSED
    assert order.closed


def test_closing_short_returns_outstanding_units_to_the_supplier() -> None:
    engine, key = world({})
    engine.execute(draft(key()))
    engine.execute(iv.ConfirmPurchase(key=key(), at=T, purchase_order="PO-1"))
    engine.execute(receive(key(), MUG=7))
    engine.execute(iv.ClosePurchase(key=key(), at=T, purchase_order="PO-1"))
    assert engine.balance("MUG", "WEST", Bucket.INCOMING) == 0
    assert engine.balance("SAUCER", "WEST", Bucket.INCOMING) == 0
    assert engine.balance("MUG", "WEST") == 7
    order = engine.purchase_order("PO-1")
    assert order is not None
    assert order.line("MUG") == iv.records.PurchaseLineStatus(
        iv.SkuId("MUG"), 10, T + 5 * DAY, received=7, cancelled=3, unit_cost=eur("2.00")
    )


def test_cancelling_a_draft_moves_nothing() -> None:
    engine, key = world({})
    engine.execute(draft(key()))
    (event,) = engine.execute(iv.CancelPurchase(key=key(), at=T, purchase_order="PO-1"))
    assert isinstance(event, iv.events.StockPosted)
    assert event.movements == ()
    order = engine.purchase_order("PO-1")
    assert order is not None
    assert order.state is PurchaseState.CANCELLED


def test_an_eta_change_is_its_own_event() -> None:
    engine, key = world({})
    engine.execute(draft(key()))
    engine.execute(iv.ConfirmPurchase(key=key(), at=T, purchase_order="PO-1"))
    (event,) = engine.execute(
        iv.ChangePurchaseEta(key=key(), at=T, purchase_order="PO-1", sku="MUG", eta=T + 9 * DAY)
    )
    assert isinstance(event, iv.events.PurchaseEtaChanged)
    assert event.previous == T + 5 * DAY
    order = engine.purchase_order("PO-1")
    assert order is not None
    mug = order.line("MUG")
    assert mug is not None
    assert mug.eta == T + 9 * DAY
    assert engine.atp_by_date("MUG", "WEST", T + 6 * DAY, T) == 0
    assert engine.atp_by_date("SAUCER", "WEST", T + 6 * DAY, T) == 4


def test_over_receipt_within_the_tolerance_is_accepted() -> None:
    engine, key = world({})
    engine.execute(draft(key(), tolerance="0.2"))
    engine.execute(iv.ConfirmPurchase(key=key(), at=T, purchase_order="PO-1"))
    engine.execute(receive(key(), MUG=12))  # 10 + 20 %
    assert engine.balance("MUG", "WEST") == 12
    assert_refused(
        engine, receive(key(), MUG=1), iv.errors.OverReceiptError,
        purchase_order="PO-1", sku="MUG", requested=1, allowed=0,
    )  # fmt: skip


def test_over_receipt_past_the_tolerance_is_refused() -> None:
    engine, key = world({})
    engine.execute(draft(key(), tolerance="0.05"))
    engine.execute(iv.ConfirmPurchase(key=key(), at=T, purchase_order="PO-1"))
    error = assert_refused(engine, receive(key(), MUG=11), iv.errors.OverReceiptError, allowed=10)
    assert "tolerance" in str(error)
    assert error.code == "over_receipt"


def test_bad_purchase_commands_change_nothing() -> None:
    engine, key = world({})
    engine.execute(draft(key()))
    assert_refused(engine, receive(key(), MUG=1), iv.errors.IllegalTransitionError, state="draft")
    assert_refused(
        engine, iv.ClosePurchase(key=key(), at=T, purchase_order="PO-1"),
        iv.errors.IllegalTransitionError, state="draft",
    )  # fmt: skip
    engine.execute(iv.ConfirmPurchase(key=key(), at=T, purchase_order="PO-1"))
    assert_refused(
        engine, iv.ConfirmPurchase(key=key(), at=T, purchase_order="PO-1"),
        iv.errors.IllegalTransitionError, state="confirmed", action="confirm",
    )  # fmt: skip
    assert_refused(
        engine, receive(key(), SPOON=1), iv.errors.NotFoundError, what="purchase order line",
        key="PO-1/SPOON",
    )  # fmt: skip
    assert_refused(engine, receive(key(), po="PO-9", MUG=1), iv.errors.NotFoundError, key="PO-9")
    assert_refused(
        engine, iv.ConfirmPurchase(key=key(), at=T, purchase_order="PO-9"), iv.errors.NotFoundError
    )
    assert_refused(
        engine,
        iv.ChangePurchaseEta(key=key(), at=T, purchase_order="PO-1", sku="SPOON", eta=T),
        iv.errors.NotFoundError, key="PO-1/SPOON",
    )  # fmt: skip
    assert_refused(engine, draft(key()), iv.errors.DuplicateError, key="PO-1")
    usd = iv.ReceivePurchase(
        key=key(), at=T, purchase_order="PO-1",
        lines=[iv.ReceiptLine(sku="MUG", quantity=1, unit_cost=iv.Money(Decimal(1), "USD"))],
    )  # fmt: skip
    assert_refused(engine, usd, iv.errors.InvalidMoneyError)
    engine.execute(iv.CancelPurchase(key=key(), at=T, purchase_order="PO-1"))
    assert_refused(
        engine,
        iv.ChangePurchaseEta(key=key(), at=T, purchase_order="PO-1", sku="MUG", eta=T),
        iv.errors.IllegalTransitionError, state="cancelled",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("build", "code"),
    [
        (lambda: iv.Money(1.5, "EUR"), "invalid_money"),  # a float, refused
        (lambda: iv.Money(Decimal("NaN"), "EUR"), "invalid_money"),
        (lambda: iv.Money(Decimal(1), "euro"), "invalid_money"),
        (lambda: line("MUG", 1, "-2"), "invalid_money"),
        (lambda: iv.DraftPurchase(key="k", at=T, purchase_order="P", location="WEST",
                                  lines=[line("MUG", 1, "1")], tolerance="-0.1"), "invalid_money"),
        (lambda: iv.DraftPurchase(key="k", at=T, purchase_order="P", location="WEST",
                                  lines=[line("MUG", 1, "1")], tolerance="5%"), "invalid_money"),
        (lambda: iv.DraftPurchase(key="k", at=T, purchase_order="P", location="WEST",
                                  lines=[line("MUG", 1, "1"),
                                         iv.PurchaseLine(sku="SPOON", quantity=1, eta=T,
                                                         unit_cost=iv.Money(1, "USD"))]),
         "invalid_money"),
        (lambda: iv.Supplier(supplier="S", case_pack=0), "invalid_quantity"),
        (lambda: iv.Supplier(supplier="S", lead_time_days=-1), "invalid_quantity"),
        (lambda: iv.SupplierTerms(sku="MUG", case_pack=0), "invalid_quantity"),
        (lambda: iv.Sku("K", components=[iv.Component("A")], kit_components=[iv.Component("B")]),
         "invalid_bundle"),
    ],
)  # fmt: skip
def test_malformed_values_are_refused_when_built(build: Callable[[], object], code: str) -> None:
    with pytest.raises(iv.ValidationError) as caught:
        build()
    assert caught.value.code == code
    if code == "invalid_money" and "negative" in str(caught.value):
        assert "zero or more" in str(caught.value)


def test_a_tolerance_that_is_not_a_number_is_a_typed_error() -> None:
    # Decimal("5%") raises decimal.InvalidOperation; the command says which field and why.
    with pytest.raises(iv.errors.InvalidMoneyError) as caught:
        iv.ExpectPurchase(key="k", at=T, purchase_order="P", location="WEST",
                          lines=[line("MUG", 1, "1")], tolerance="5%")  # fmt: skip
    assert caught.value.fields == {
        "field": "tolerance",
        "value": "5%",
        "rule": "it is not a number",
    }
    assert str(caught.value).startswith("money tolerance '5%' is not valid: it is not a number;")


def test_a_negative_receipt_cost_is_refused() -> None:
    with pytest.raises(iv.errors.InvalidMoneyError, match="must not be negative"):
        iv.ReceiptLine(sku="MUG", quantity=1, unit_cost=eur("-1"))
    with pytest.raises(iv.errors.InvalidMoneyError, match="must not be negative"):
        iv.ReceiveStock(key="k", at=T, sku="MUG", location="WEST", quantity=1, unit_cost=eur("-1"))


def test_supplier_terms_fall_back_to_the_supplier_and_round_to_packs() -> None:
    acme = iv.Supplier(
        supplier="ACME", lead_time_days=7, min_order_quantity=10, case_pack=6,
        terms=[iv.SupplierTerms(sku="MUG", lead_time_days=3, case_pack=12)],
    )  # fmt: skip
    assert (acme.lead_time("MUG"), acme.lead_time("SAUCER")) == (3, 7)
    assert (acme.pack("MUG"), acme.pack("SAUCER")) == (12, 6)
    assert acme.round_quantity("MUG", 1) == 12
    assert acme.round_quantity("SAUCER", 1) == 12  # minimum 10, in packs of 6
    assert acme.round_quantity("SAUCER", 13) == 18
    assert acme.round_quantity("SAUCER", 0) == 0
    engine, key = world({})
    engine.execute(iv.DefineSupplier(key=key(), at=T, supplier=acme))
    assert engine.supplier("ACME") == acme
    bad = iv.Supplier(supplier="X", terms=[iv.SupplierTerms(sku="NOPE")])
    assert_refused(
        engine,
        iv.DefineSupplier(key=key(), at=T, supplier=bad),
        iv.errors.UnknownSkuError,
        sku="NOPE",
    )


def test_weighted_average_cost_and_value_by_location() -> None:
    engine, key = world({})
    engine.execute(draft(key()))
    engine.execute(iv.ConfirmPurchase(key=key(), at=T, purchase_order="PO-1"))
    engine.execute(receive(key(), MUG=10))  # 10 at 2.00 (the line's cost)
    engine.execute(
        iv.ReceiveStock(key=key(), at=T + 2 * DAY, sku="MUG", location="EAST/A/01", quantity=10,
                        unit_cost=eur("3.00"))
    )  # fmt: skip
    value = engine.valuation().sku("MUG")
    assert value.units == 20
    assert value.average_cost == eur("2.5")
    assert value.value == eur("50")
    engine.execute(
        iv.MarkDamaged(key=key(), at=T + 3 * DAY, sku="MUG", location="WEST", quantity=2)
    )
    engine.execute(iv.ScrapStock(key=key(), at=T + 3 * DAY, sku="MUG", location="WEST", quantity=2))
    valuation = engine.valuation()
    assert valuation.sku("MUG").value == eur("45")
    assert valuation.sku("MUG").average_cost == eur("2.5")
    assert valuation.by_location() == {
        ("MUG", "EAST/A/01"): eur("25.0"),
        ("MUG", "WEST"): eur("20.0"),
    }
    assert valuation.by_location("EAST") == {("MUG", "EAST/A/01"): eur("25.0")}
    assert valuation.total() == {"EUR": eur("45")}
    as_of = engine.valuation(until=T + DAY)
    assert as_of.sku("MUG").value == eur("20.00")
    assert as_of.sku("MUG").units == 10


def test_kits_assemble_and_come_apart_through_production() -> None:
    engine, key = world({("MUG", "WEST"): 5, ("SAUCER", "WEST"): 5})
    engine.execute(iv.DefineSku(key=key(), at=T, sku=iv.Sku(
        "DUO", kit_components=[iv.Component("MUG", 2), iv.Component("SAUCER", 1)])))  # fmt: skip
    (event,) = engine.execute(
        iv.AssembleKit(key=key(), at=T, sku="DUO", location="WEST", quantity=2)
    )
    assert isinstance(event, iv.events.StockPosted)
    assert event.operation is iv.events.Operation.ASSEMBLE
    assert (engine.balance("DUO", "WEST"), engine.balance("MUG", "WEST")) == (2, 1)
    assert engine.balance("SAUCER", "WEST") == 3
    assert engine.balance("MUG", iv.PRODUCTION) == 4
    assert engine.balance("DUO", iv.PRODUCTION) == -2
    engine.execute(iv.DisassembleKit(key=key(), at=T, sku="DUO", location="WEST", quantity=1))
    assert (engine.balance("DUO", "WEST"), engine.balance("MUG", "WEST")) == (1, 3)
    assert engine.verify() == []


def test_kit_value_is_the_sum_of_its_components_and_survives_disassembly() -> None:
    engine, key = world({})
    for sku, cost in (("MUG", "2"), ("SAUCER", "1")):
        engine.execute(iv.ReceiveStock(key=key(), at=T, sku=sku, location="WEST", quantity=4,
                                       unit_cost=eur(cost)))  # fmt: skip
    engine.execute(iv.DefineSku(key=key(), at=T, sku=iv.Sku(
        "DUO", kit_components=[iv.Component("MUG", 2), iv.Component("SAUCER", 1)])))  # fmt: skip
    engine.execute(iv.AssembleKit(key=key(), at=T, sku="DUO", location="WEST", quantity=2))
    valuation = engine.valuation()
    assert valuation.sku("DUO").average_cost == eur("5")
    assert valuation.total() == {"EUR": eur("12")}
    engine.execute(iv.DisassembleKit(key=key(), at=T, sku="DUO", location="WEST", quantity=2))
    valuation = engine.valuation()
    assert valuation.sku("MUG").average_cost == eur("2")
    assert valuation.sku("DUO").units == 0
    assert valuation.total() == {"EUR": eur("12")}


def test_bad_kit_commands_change_nothing() -> None:
    engine, key = world({("MUG", "WEST"): 1})
    engine.execute(iv.DefineSku(key=key(), at=T, sku=iv.Sku(
        "DUO", kit_components=[iv.Component("MUG", 2), iv.Component("SAUCER", 1)])))  # fmt: skip
    assemble = iv.AssembleKit(key=key(), at=T, sku="DUO", location="WEST", quantity=1)
    assert_refused(
        engine, assemble, iv.errors.InsufficientStockError, sku="MUG", requested=2, available=1
    )
    assert_refused(
        engine, iv.AssembleKit(key=key(), at=T, sku="MUG", location="WEST", quantity=1),
        iv.errors.NotAKitError, sku="MUG",
    )  # fmt: skip
    assert_refused(
        engine, iv.AssembleKit(key=key(), at=T, sku="NOPE", location="WEST", quantity=1),
        iv.errors.UnknownSkuError, sku="NOPE",
    )  # fmt: skip
    assert_refused(
        engine, iv.AssembleKit(key=key(), at=T, sku="DUO", location="NORTH", quantity=1),
        iv.errors.UnknownLocationError, location="NORTH",
    )  # fmt: skip
    assert_refused(
        engine, iv.DisassembleKit(key=key(), at=T, sku="DUO", location="WEST", quantity=1),
        iv.errors.InsufficientStockError, sku="DUO",
    )  # fmt: skip
    bundle_part = iv.DefineSku(
        key=key(), at=T, sku=iv.Sku("BIG", kit_components=[iv.Component("SET", 1)])
    )
    assert_refused(engine, bundle_part, iv.errors.InvalidBundleError)


def test_repeated_purchase_commands_are_answered_not_redone() -> None:
    engine, _key = world({})
    command = draft("dp-1")
    first = engine.execute(command)
    assert engine.execute(command) == first
    changed = draft("dp-1", lines=[line("MUG", 11, "2.00")])
    before = engine.position
    with pytest.raises(iv.IdempotencyConflictError) as caught:
        engine.execute(changed)
    assert caught.value.fields["field"] == "lines"
    assert engine.position == before
    confirm = iv.ConfirmPurchase(key="cf-1", at=T, purchase_order="PO-1")
    outcome = engine.execute(confirm)
    assert engine.execute(confirm) == outcome
    assert engine.balance("MUG", "WEST", Bucket.INCOMING) == 10
