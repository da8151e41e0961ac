"""The codec: every command and event type round-trips through dicts and through JSON."""

from __future__ import annotations

import contextlib
import json
from datetime import timedelta, timezone
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import invorder
from invorder import SUPPLIER, Account, Bucket, Codec, Command, Movement, TransferLine
from invorder.codec import COMMAND_TYPES, EVENT_TYPES, tag_of
from invorder.errors import CodecError
from invorder.events import Operation
from tests.support.world import MUG_EAN, T0, at, stocked

PLUS_TWO = T0.astimezone(timezone(timedelta(hours=2)))


def EUR(amount: str) -> invorder.Money:  # noqa: N802 (reads like the currency)
    return invorder.Money(Decimal(amount), "EUR")


ONE_OF_EACH: list[Command] = [
    invorder.DefineLocation(key="l", at=T0, location="EAST/A/01", name="bin"),
    invorder.DefineSku(key="s", at=T0, sku=invorder.Sku("MUG", "Mug ☕", (MUG_EAN, "96385074"))),
    invorder.PostEntry(
        key="p", at=PLUS_TWO, reference="DOC", memo="memo",
        movements=[
            Movement(sku="MUG", quantity=2, source=Account(SUPPLIER),
                     destination=Account("EAST/A/01", Bucket.INCOMING), reason="r",
                     reference="x"),
            Movement(sku="TEE", quantity=1, source=Account("EAST/A/01", "damaged"),
                     destination=Account("@scrap")),
        ],
    ),
    invorder.ReceiveStock(key="r1", at=T0, sku="MUG", location="EAST/A/01", quantity=5,
                          bucket="quality_control", reference="PO-1"),
    invorder.ReceiveStock(key="r2", at=T0, barcode=MUG_EAN, location="EAST/A/01", quantity=5),
    invorder.CountStock(key="c", at=T0, sku="MUG", location="EAST/A/01", counted=0, reason="x"),
    invorder.MarkDamaged(key="d", at=T0, sku="MUG", location="EAST/A/01", quantity=1),
    invorder.QuarantineStock(key="q", at=T0, sku="MUG", location="EAST/A/01", quantity=1),
    invorder.ReleaseQuarantine(key="rq", at=T0, sku="MUG", location="EAST/A/01", quantity=1,
                               to="damaged"),
    invorder.ScrapStock(key="sc", at=T0, sku="MUG", location="EAST/A/01", quantity=1,
                        bucket="quality_control"),
    invorder.MoveStock(key="m", at=T0, sku="MUG", source="EAST/A/01", destination="EAST/B",
                       quantity=1, bucket="damaged"),
    invorder.ShipTransfer(key="st", at=T0, transfer="TR-1", origin="EAST/A/01",
                          destination="WEST",
                          lines=[TransferLine("MUG", 2), TransferLine("TEE", 1)]),
    invorder.ReceiveTransfer(key="rt", at=T0, transfer="TR-1", lines=[TransferLine("MUG", 1)]),
    invorder.CloseTransfer(key="ct", at=T0, transfer="TR-1", reason="lost"),
    invorder.ReserveStock(key="rs", at=T0, reservation="R-1", sku="MUG", location="EAST/A/01",
                          quantity=2, reference="ORDER-1/1", priority=3,
                          expires_at=at(60).astimezone(PLUS_TWO.tzinfo), purchase_order="PO-9"),
    invorder.CommitReservation(key="cr", at=T0, reservation="R-1", quantity=1, reference="S-1"),
    invorder.ReleaseReservation(key="rr", at=T0, reservation="R-1", reason="cart emptied"),
    invorder.ExpireReservations(key="ex", at=PLUS_TWO),
    invorder.ExpectPurchase(key="ep", at=T0, purchase_order="PO-9", location="EAST/A/01",
                            supplier="ACME",
                            lines=[invorder.PurchaseLine(sku="MUG", quantity=10,
                                                         eta=PLUS_TWO)]),
    invorder.ReceivePurchase(key="rp", at=T0, purchase_order="PO-9",
                             lines=[invorder.ReceiptLine(sku="MUG", quantity=4)],
                             bucket="quality_control"),
    invorder.CancelPurchase(key="cp", at=T0, purchase_order="PO-9", reason="late"),
    invorder.DraftPurchase(key="dp", at=T0, purchase_order="PO-8", location="EAST/A/01",
                           supplier="ACME", tolerance=Decimal("0.05"),
                           lines=[invorder.PurchaseLine(sku="MUG", quantity=3, eta=PLUS_TWO,
                                                        unit_cost=EUR("2.35"))]),
    invorder.ConfirmPurchase(key="cfp", at=T0, purchase_order="PO-8"),
    invorder.ClosePurchase(key="clp", at=T0, purchase_order="PO-8", reason="short"),
    invorder.ChangePurchaseEta(key="eta", at=T0, purchase_order="PO-8", sku="MUG", eta=PLUS_TWO,
                               reason="port strike"),
    invorder.DefineSupplier(key="ds", at=T0, supplier=invorder.Supplier(
        supplier="ACME", name="Acme", lead_time_days=7, min_order_quantity=10, case_pack=6,
        terms=[invorder.SupplierTerms(sku="MUG", lead_time_days=3, case_pack=12,
                                      unit_cost=EUR("2.10"))])),
    invorder.AssembleKit(key="ak", at=T0, sku="KIT", location="EAST/A/01", quantity=2),
    invorder.DisassembleKit(key="dk", at=T0, sku="KIT", location="EAST/A/01", quantity=1),
    invorder.DefineChannel(key="dc", at=T0, channel="amazon", locations=["EAST", "WEST"],
                           name="Amazon", safety_stock=2, safety_stock_by_sku=[("MUG", 5)],
                           share_percent=50, share_max=40, sell_incoming=True,
                           await_authorisation=True, capture_on_shipment=True),
    invorder.CaptureOrder(
        key="co", at=PLUS_TWO, order="O-1", channel="wholesale", external_id="W-1",
        kind=invorder.OrderKind.WHOLESALE, customer="ACME",
        lines=[invorder.LineItem("1", "MUG", 12, invorder.Money(Decimal("3.25"), "EUR"))],
        ship_to=invorder.ShipTo(invorder.Coordinates(52.5, 13.4), zone="DE-BE", country="DE"),
        shipping_method=invorder.ShippingMethod.FREIGHT, ship_by=at(600), priority=2,
        payment=invorder.PaymentStatus.ON_TERMS, holds=["credit_check"],
        attributes={"segment": "b2b", "tags": "trade-show"},
        wholesale=invorder.WholesaleTerms(payment_terms_days=30, price_list="B2B",
                                          case_packs=[("MUG", 6)], minimums=[("MUG", 12)],
                                          ship_complete=False, manual_approval=True),
    ),
    invorder.PlaceHold(key="ph", at=T0, order="O-1", reason="fraud_review"),
    invorder.ReleaseHold(key="rh", at=T0, order="O-1", reason="fraud_review"),
    invorder.AcknowledgeAlert(key="aa", at=T0, order="O-1", alert="backordered",
                              note="the supplier ships Monday"),
    invorder.MoveAllocation(key="mv", at=T0, order="O-1", source="EAST", destination="WEST",
                            lines=[invorder.LineQuantity("1", 2)]),
    invorder.AllocateWave(key="wave", at=T0, orders=["O-1", "O-2"], fair_share=True,
                          weights={"amazon": 2, "shop": 1}, default_weight=0),
    invorder.CloseOrder(key="close", at=T0, order="O-1", reason="settled"),
    invorder.CloseSettledOrders(key="sweep", at=T0),
    invorder.DefineInvoicing(key="dinv", at=T0, channel="wholesale", kind="wholesale",
                             invoicing="on_completion"),
    invorder.IssueInvoice(key="inv", at=T0, invoice="INV-1", order="O-1",
                          shipments=["O-1/S1", "O-1/S2"], tax=invorder.Money("1.20", "EUR"),
                          shipping=invorder.Money("4.95", "EUR")),
    invorder.IssueCreditNote(key="cn1", at=T0, credit_note="CN-1", invoice="INV-1",
                             reason="return", rma="RMA-1", lines=[invorder.LineQuantity("1", 1)],
                             adjustment=invorder.Money("0.50", "EUR")),
    invorder.DefinePriceList(key="dpl", at=T0, price_list=invorder.PriceList(
        price_list="trade", currency="EUR", name="Trade prices", channels=["wholesale"],
        customers=["acme"], tiers=["gold"], hold_other_prices=False,
        prices=[invorder.PriceBreak("MUG", invorder.Money("3.00", "EUR")),
                invorder.PriceBreak("MUG", invorder.Money("2.75", "EUR"), 24)])),
    invorder.CaptureOrder(
        key="co-listed", at=T0, order="O-9", channel="wholesale", external_id="W-9",
        kind="wholesale", wholesale=invorder.WholesaleTerms(price_list="trade"),
        lines=[invorder.LineItem("1", "MUG", 12)],
    ),
    invorder.DefineRefundPolicy(key="rfp", at=T0, channel="shop", return_window_days=30,
                                refund_percent={"damaged": 50, "scrap": 0},
                                fee={"damaged": invorder.Money("1.50", "EUR")}),
    invorder.AllocateOrder(key="ao", at=T0, order="O-1", split=True),
    invorder.AllocateBackorders(key="ab", at=T0, sku="MUG"),
    invorder.CancelOrder(key="cn", at=T0, order="O-1", reason="customer"),
    invorder.CancelLines(key="cl", at=T0, order="O-1", lines=[invorder.LineQuantity("1", 6)]),
    invorder.StartPicking(key="sp", at=T0, shipment="O-1/S1"),
    invorder.RecordPick(key="rk", at=T0, shipment="O-1/S1",
                        counts=[invorder.PickCount("O-1/R1", 0)]),
    invorder.PackShipment(key="pk", at=T0, shipment="O-1/S1",
                          packages=[invorder.Package(1200), invorder.Package()]),
    invorder.ShipShipment(key="sh", at=T0, shipment="O-1/S1", carrier="UPS", tracking="1Z9"),
    invorder.OpenReturn(key="or", at=T0, rma="RMA-1", order="O-1", reason="broken",
                        lines=[invorder.LineQuantity("1", 2)]),
    invorder.ReceiveReturn(key="rr9", at=T0, rma="RMA-1", location="EAST/A/01",
                           lines=[invorder.ReturnedUnits("1", 1, "scrap"),
                                  invorder.ReturnedUnits("1", 1)]),
    invorder.RecordAuthorisation(key="pa", at=T0, order="O-1", reference="psp-auth-1",
                                 amount=invorder.Money("36.00", "EUR")),
    invorder.RecordCapture(key="pc", at=T0, order="O-1", reference="psp-cap-1",
                           amount=invorder.Money("12.50", "EUR")),
    invorder.RecordPaymentFailure(key="pf", at=T0, order="O-1", reference="psp-fail-1",
                                  amount=invorder.Money("36.00", "EUR")),
    invorder.RecordRefund(key="pr", at=T0, order="O-1", reference="psp-ref-1",
                          amount=invorder.Money("2.50", "EUR")),
    invorder.ReserveMany(key="rm", at=T0, items=[
        invorder.ReserveItem(reservation="R-7", sku="MUG", location="EAST/A/01", quantity=2,
                             reference="O-1/1", expires_at=at(5), priority=1,
                             purchase_order="PO-9"),
        invorder.ReserveItem(reservation="R-8", sku="MUG", location="EAST", quantity=1)]),
    invorder.ReleaseMany(key="rlm", at=T0, items=[
        invorder.ReleaseItem(reservation="R-7", quantity=1, reason="cart emptied"),
        invorder.ReleaseItem(reservation="R-8")]),
]  # fmt: skip


def through_json(data: dict[str, Any]) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(json.dumps(data, sort_keys=True))
    return loaded


def test_the_examples_cover_every_command_type() -> None:
    assert {type(command).__name__ for command in ONE_OF_EACH} == set(COMMAND_TYPES)


@pytest.mark.parametrize("command", ONE_OF_EACH, ids=lambda c: f"{type(c).__name__}-{c.key}")
def test_every_command_round_trips_through_json(command: Command) -> None:
    codec = Codec()
    data = codec.command_to_dict(command)
    assert data["type"] == type(command).__name__
    assert data["key"] == command.key
    assert codec.command_from_dict(data) == command
    again = codec.command_from_dict(through_json(data))
    assert again == command
    assert type(again) is type(command)
    assert again.at.utcoffset() == command.at.utcoffset()


def events_of_every_kind() -> list[invorder.Event]:
    """A real log: definitions, then one StockPosted per operation a ledger performs."""
    engine = stocked()
    commands: list[Command] = [
        invorder.PostEntry(key="p", at=PLUS_TWO, memo="m", reference="DOC", movements=[
            Movement(sku="MUG", quantity=1, source=Account(SUPPLIER),
                     destination=Account("WEST/A/01"))]),
        invorder.ReceiveStock(key="rb", at=T0, barcode=MUG_EAN, location="EAST/A/01", quantity=2),
        invorder.CountStock(key="c", at=T0, sku="TEE", location="EAST/A/01", counted=4),
        invorder.MarkDamaged(key="d", at=T0, sku="MUG", location="EAST/A/01", quantity=2),
        invorder.QuarantineStock(key="q", at=T0, sku="MUG", location="EAST/A/01", quantity=2),
        invorder.ReleaseQuarantine(key="rq", at=T0, sku="MUG", location="EAST/A/01", quantity=1),
        invorder.ScrapStock(key="sc", at=T0, sku="MUG", location="EAST/A/01", quantity=1),
        invorder.MoveStock(key="m", at=T0, sku="MUG", source="EAST/A/01", destination="EAST/B/01",
                           quantity=1),
        invorder.ShipTransfer(key="st", at=T0, transfer="TR-1", origin="EAST/A/01",
                              destination="WEST/A/01", lines=[TransferLine("MUG", 2)]),
        invorder.ReceiveTransfer(key="rt", at=T0, transfer="TR-1", lines=[TransferLine("MUG", 1)]),
        invorder.CloseTransfer(key="ct", at=T0, transfer="TR-1"),
        invorder.ExpectPurchase(key="ep", at=T0, purchase_order="PO-9", location="EAST/A/01",
                                lines=[invorder.PurchaseLine(sku="MUG", quantity=6, eta=PLUS_TWO),
                                       invorder.PurchaseLine(sku="TEE", quantity=2, eta=PLUS_TWO)]),
        invorder.ReserveStock(key="pre", at=T0, reservation="R-0", sku="MUG",
                              location="EAST/A/01", quantity=1, purchase_order="PO-9"),
        invorder.ReceivePurchase(key="rp", at=T0, purchase_order="PO-9",
                                 lines=[invorder.ReceiptLine(sku="MUG", quantity=4)]),
        invorder.CancelPurchase(key="cp", at=T0, purchase_order="PO-9"),
        invorder.ReserveStock(key="rs", at=T0, reservation="R-1", sku="MUG",
                              location="EAST/A/01", quantity=3, expires_at=at(5)),
        invorder.CommitReservation(key="cr", at=T0, reservation="R-1", quantity=1),
        invorder.ReleaseReservation(key="rr", at=T0, reservation="R-1", quantity=1),
        invorder.ReserveStock(key="rs2", at=T0, reservation="R-2", sku="TEE",
                              location="EAST/A/01", quantity=1, expires_at=at(5)),
        invorder.ExpireReservations(key="ex", at=at(10)),
        invorder.DefineChannel(key="dc", at=T0, channel="shop", locations=["EAST"]),
        invorder.DefineSku(key="kit", at=T0, sku=invorder.Sku(
            "KIT", kit_components=[invorder.Component("MUG", 1), invorder.Component("TEE", 1)])),
        invorder.ReceiveStock(key="rk", at=T0, sku="TEE", location="EAST/A/01", quantity=2,
                              unit_cost=EUR("4")),
        invorder.AssembleKit(key="ak", at=T0, sku="KIT", location="EAST/A/01", quantity=1),
        invorder.DisassembleKit(key="dk", at=T0, sku="KIT", location="EAST/A/01", quantity=1),
        invorder.DefineSupplier(key="ds", at=T0, supplier=invorder.Supplier(supplier="ACME")),
        invorder.DraftPurchase(key="dp", at=T0, purchase_order="PO-8", location="EAST/A/01",
                               lines=[invorder.PurchaseLine(sku="MUG", quantity=3, eta=PLUS_TWO,
                                                            unit_cost=EUR("2.35"))]),
        invorder.ChangePurchaseEta(key="eta", at=T0, purchase_order="PO-8", sku="MUG",
                                   eta=at(60)),
        invorder.ConfirmPurchase(key="cfp", at=T0, purchase_order="PO-8"),
        invorder.ClosePurchase(key="clp", at=T0, purchase_order="PO-8"),
        invorder.ReceiveStock(key="rw", at=T0, sku="MUG", location="WEST/A/01", quantity=6),
        invorder.CaptureOrder(key="co", at=T0, order="O-1", channel="shop", external_id="1",
                              kind=invorder.OrderKind.DTC, holds=["fraud_review"],
                              lines=[invorder.LineItem("1", "MUG", 5, invorder.Money("2", "EUR")),
                                     invorder.LineItem("2", "TEE", 9, invorder.Money("1", "EUR"))]),
        invorder.PlaceHold(key="ph", at=T0, order="O-1", reason="address_problem"),
        invorder.ReleaseHold(key="rh1", at=T0, order="O-1", reason="address_problem"),
        invorder.ReleaseHold(key="rh2", at=T0, order="O-1", reason="fraud_review"),
        invorder.CancelLines(key="cl", at=T0, order="O-1", lines=[invorder.LineQuantity("1", 1)]),
        invorder.ReceiveStock(key="rtee", at=T0, sku="TEE", location="EAST/A/02", quantity=9),
        invorder.AllocateBackorders(key="ab", at=T0),
        invorder.StartPicking(key="sp", at=T0, shipment="O-1/S1"),
        invorder.RecordPick(key="rpk", at=T0, shipment="O-1/S1",
                            counts=[invorder.PickCount("O-1/R1", 0)]),
        invorder.PackShipment(key="pk", at=T0, shipment="O-1/S1"),
        invorder.ShipShipment(key="sh", at=T0, shipment="O-1/S1", carrier="UPS"),
        invorder.CancelOrder(key="cn", at=T0, order="O-1"),
        invorder.DefineRefundPolicy(key="rfp", at=T0, refund_percent={"quality_control": 90},
                                    fee={"quality_control": invorder.Money("0.10", "EUR")}),
        invorder.OpenReturn(key="or", at=T0, rma="RMA-1", order="O-1",
                            lines=[invorder.LineQuantity("2", 2)]),
        invorder.ReceiveReturn(key="rr9", at=T0, rma="RMA-1", location="EAST/A/01",
                               lines=[invorder.ReturnedUnits("2", 1, "quality_control")]),
        # A ship-complete order found short where nothing can complete it is withdrawn.
        invorder.DefineSku(key="cup", at=T0, sku=invorder.Sku("CUP")),
        invorder.ReceiveStock(key="rc1", at=T0, sku="CUP", location="EAST/A/01", quantity=1),
        invorder.ReceiveStock(key="rc2", at=T0, sku="CUP", location="EAST/B/01", quantity=1),
        invorder.CaptureOrder(key="co2", at=T0, order="O-2", channel="shop", external_id="2",
                              kind=invorder.OrderKind.WHOLESALE,
                              wholesale=invorder.WholesaleTerms(ship_complete=True),
                              lines=[invorder.LineItem("1", "CUP", 2, invorder.Money("2", "EUR"))]),
        invorder.StartPicking(key="sp2", at=T0, shipment="O-2/S1"),
        invorder.RecordPick(key="rpk2", at=T0, shipment="O-2/S1",
                            counts=[invorder.PickCount("O-2/R1", 0)]),
        invorder.AcknowledgeAlert(key="ack", at=T0, order="O-2", alert="backordered",
                                  note="customer agreed to wait"),
        # The shop's orders invoiced on each shipment: O-4 shipped, invoiced, credited.
        invorder.DefineInvoicing(key="dinv", at=T0, channel="shop", kind="dtc",
                                 invoicing="each_shipment"),
        invorder.ReceiveStock(key="rm4", at=T0, sku="MUG", location="EAST/A/02", quantity=3),
        invorder.CaptureOrder(key="co4", at=T0, order="O-4", channel="shop", external_id="4",
                              kind="dtc", lines=[invorder.LineItem("1", "MUG", 2, EUR("2"))]),
        invorder.StartPicking(key="sp4", at=T0, shipment="O-4/S1"),
        invorder.PackShipment(key="pk4", at=T0, shipment="O-4/S1"),
        invorder.ShipShipment(key="sh4", at=T0, shipment="O-4/S1", carrier="DHL"),
        invorder.IssueInvoice(key="inv", at=T0, invoice="INV-1", order="O-4", tax=EUR("0.40")),
        invorder.IssueCreditNote(key="cn4", at=T0, credit_note="CN-1", invoice="INV-1",
                                 reason="price_correction", adjustment=EUR("0.10")),
        invorder.CloseOrder(key="close4", at=T0, order="O-4", reason="settled"),
        invorder.CloseSettledOrders(key="sweep", at=T0),

        invorder.DefinePriceList(key="dpl", at=T0, price_list=invorder.PriceList(
            price_list="trade", currency="EUR", customers=["acme"],
            prices=[invorder.PriceBreak("CUP", EUR("1.80"))])),
        invorder.CaptureOrder(key="co3", at=T0, order="O-3", channel="shop", external_id="3",
                              kind="dtc", customer="acme",
                              lines=[invorder.LineItem("1", "CUP", 1)]),
        # The payment provider's facts about it.
        invorder.RecordPaymentFailure(key="pf3", at=T0, order="O-3", reference="f3",
                                      amount=EUR("1.80")),
        invorder.RecordAuthorisation(key="pa3", at=T0, order="O-3", reference="a3",
                                     amount=EUR("1.80")),
        invorder.RecordCapture(key="pc3", at=T0, order="O-3", reference="c3",
                               amount=EUR("1.80")),
        invorder.RecordRefund(key="pr3", at=T0, order="O-3", reference="r3",
                              amount=EUR("0.80")),
        # A batch with an item refused: its ItemsRefused record, then the entry for the rest.
        invorder.ReserveMany(key="rmany", at=T0, items=[
            invorder.ReserveItem(reservation="RM-1", sku="MUG", location="EAST", quantity=1),
            invorder.ReserveItem(reservation="RM-2", sku="MUG", location="EAST", quantity=999)]),
        invorder.ReleaseMany(key="rlmany", at=T0, items=[
            invorder.ReleaseItem(reservation="RM-1"), invorder.ReleaseItem(reservation="RM-2")]),
    ]  # fmt: skip
    for command in commands:
        engine.execute(command)
    # A refusal is kept as a CommandRejected record.
    with contextlib.suppress(invorder.errors.InsufficientStockError):
        engine.execute(invorder.MarkDamaged(key="no", at=T0, sku="MUG", location="EAST/A/01",
                                            quantity=999))  # fmt: skip
    return list(engine.events())


def test_the_log_holds_every_event_type_and_operation() -> None:
    events = events_of_every_kind()
    assert {type(event) for event in events} == set(EVENT_TYPES.values())
    operations = {e.operation for e in events if isinstance(e, invorder.events.StockPosted)}
    assert operations == set(Operation)


def test_every_event_round_trips_through_json() -> None:
    codec = Codec()
    for event in events_of_every_kind():
        data = codec.event_to_dict(event)
        assert data["type"] == tag_of(type(event))
        assert data["schema"] == getattr(type(event), "SCHEMA_VERSION")  # noqa: B009  # every event class has one; the Event protocol does not say so
        assert data["command"]["type"] == tag_of(type(event.command))
        assert codec.event_from_dict(data) == event
        assert codec.event_from_dict(through_json(data)) == event


def test_an_event_without_its_command_is_its_dict_less_that_key() -> None:
    codec = Codec()
    for event in events_of_every_kind():
        whole = codec.event_to_dict(event)
        del whole["command"]
        assert codec.event_to_dict(event, command=False) == whole


def test_an_event_of_a_class_the_codec_does_not_know_has_no_dict_without_its_command() -> None:
    @attrs.frozen(kw_only=True)
    class Stranger(invorder.events.StockPosted):
        pass

    event = events_of_every_kind()[0]
    stranger = Stranger(position=0, command=event.command, operation=Operation.POST,
                        movements=())  # fmt: skip
    with pytest.raises(CodecError, match="an event of unknown class Stranger"):
        Codec().event_to_dict(stranger, command=False)


def test_a_replayed_json_log_gives_the_same_balances() -> None:
    codec = Codec()
    events = events_of_every_kind()
    lines = [json.dumps(codec.event_to_dict(event)) for event in events]
    store = invorder.MemoryEventStore([codec.event_from_dict(json.loads(line)) for line in lines])
    replayed = invorder.Engine(store)
    original = invorder.Engine(invorder.MemoryEventStore(events))
    for sku in ("MUG", "TEE"):
        assert replayed.balances(sku) == original.balances(sku)
    assert replayed.transfer("TR-1") == original.transfer("TR-1")
    assert replayed.verify() == []


def test_unknown_types_and_newer_schemas_are_codec_errors() -> None:
    codec = Codec()
    with pytest.raises(CodecError, match="unknown or missing 'type'") as caught:
        codec.command_from_dict({"type": "LaunchRocket", "key": "k"})
    assert caught.value.code == "codec_error"
    with pytest.raises(CodecError, match="unknown or missing 'type'"):
        codec.event_from_dict({"key": "k"})
    event = codec.event_to_dict(events_of_every_kind()[0])
    with pytest.raises(CodecError, match="newer than this library"):
        codec.event_from_dict({**event, "schema": 99})
    with pytest.raises(CodecError, match="no upcaster registered"):
        codec.event_from_dict({**event, "schema": 0})


def test_an_upcaster_turns_an_old_event_dict_into_the_current_one() -> None:
    codec_dict = Codec().event_to_dict(events_of_every_kind()[0])
    old = {**codec_dict, "schema": 0, "command": {**codec_dict["command"], "where": "EAST/A/01"}}
    del old["command"]["location"]

    def rename(data: dict[str, Any]) -> dict[str, Any]:
        command = {**data["command"], "location": data["command"]["where"]}
        del command["where"]
        return {**data, "command": command}

    codec = Codec(upcasters={("LocationDefined", 0): rename})
    assert codec.event_from_dict(old) == Codec().event_from_dict(codec_dict)


def test_a_decoded_command_is_validated_like_a_built_one() -> None:
    data = Codec().command_to_dict(ONE_OF_EACH[6])
    with pytest.raises(invorder.errors.InvalidQuantityError):
        Codec().command_from_dict({**data, "quantity": 0})
    with pytest.raises(invorder.errors.NaiveDatetimeError):
        Codec().command_from_dict({**data, "at": "2026-11-27T08:00:00"})


def test_a_renamed_event_keeps_the_tag_logs_store_it_under() -> None:
    # PicksShort was renamed PicksFoundShort (past tense): logs keep the old tag both ways.
    assert tag_of(invorder.events.PicksFoundShort) == "PicksShort"
    assert EVENT_TYPES["PicksShort"] is invorder.events.PicksFoundShort
    assert "PicksFoundShort" not in EVENT_TYPES


# The JSON boundary is strict (issue 16, items 9 and 10a): each wrong type or unknown key is a
# CodecError naming the field path and what was expected.
def _capture_dict() -> dict[str, Any]:
    capture = next(c for c in ONE_OF_EACH if isinstance(c, invorder.CaptureOrder))
    return through_json(Codec().command_to_dict(capture))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["lines"][0].update(quantity="5"),
         "CaptureOrder.lines[0].quantity: must be an integer (got '5')"),
        (lambda d: d["lines"][0].update(quantity=True),
         "CaptureOrder.lines[0].quantity: must be an integer (got True)"),
        (lambda d: d["lines"][0].update(quantity=5.0),
         "CaptureOrder.lines[0].quantity: must be an integer (got 5.0)"),
        (lambda d: d["lines"][0]["unit_price"].update(amount=9.99),
         'CaptureOrder.lines[0].unit_price.amount: must be a decimal string such as "9.99" '
         "(got 9.99)"),
        (lambda d: d.update(lines="L1"),
         "CaptureOrder.lines: must be an array (got 'L1')"),
        # A string or a dict is iterable, but not a JSON array: "fraud" was read as the five
        # holds f, r, a, u, d, and a dict as its keys.
        (lambda d: d.update(holds="fraud"),
         "CaptureOrder.holds: must be an array (got 'fraud')"),
        (lambda d: d.update(holds={"fraud": True}),
         "CaptureOrder.holds: must be an array (got {'fraud': True})"),
        (lambda d: d.update(attributes=[["segment", "vip"], "tier"]),
         "CaptureOrder.attributes[1]: must be an array (got 'tier')"),
        (lambda d: d.update(colour="red"),
         "CaptureOrder: unknown key 'colour'"),
        (lambda d: d.update(chanel=d.pop("channel")),
         "CaptureOrder.channel: missing; CaptureOrder: unknown key 'chanel' (did you mean "
         "'channel'?)"),
        (lambda d: d.update(at="yesterday"),
         "CaptureOrder.at: must be an ISO 8601 time with a zone, such as "
         "2026-11-27T10:00:00+00:00 (got 'yesterday')"),
        (lambda d: d.update(kind="retail"),
         "CaptureOrder.kind: must be one of 'dtc', 'marketplace', 'wholesale' (got 'retail')"),
        (lambda d: d.update(key=7), "CaptureOrder.key: must be a string (got 7)"),
    ],
)  # fmt: skip
def test_a_wrongly_typed_command_is_a_codec_error_naming_the_field(
    change: Any, message: str
) -> None:
    data = _capture_dict()
    change(data)
    with pytest.raises(CodecError) as caught:
        Codec().command_from_dict(data)
    assert caught.value.code == "codec_error"
    assert str(caught.value).startswith("cannot decode " + message)
    assert caught.value.fields["data"] == data


def test_an_event_whose_list_is_a_string_or_a_dict_is_a_codec_error() -> None:
    posted = next(e for e in events_of_every_kind() if isinstance(e, invorder.events.StockPosted))
    data = through_json(Codec().event_to_dict(posted))
    for wrong in ("receipt", {"sku": "MUG"}):
        with pytest.raises(CodecError) as caught:
            Codec().event_from_dict({**data, "movements": wrong})
        assert (
            str(caught.value)
            == f"cannot decode StockPosted.movements: must be an array (got {wrong!r})"
        )
    assert Codec().event_from_dict(data) == posted  # the well-formed dict still reads


def test_a_command_that_is_not_a_dict_is_a_codec_error() -> None:
    with pytest.raises(CodecError) as caught:
        Codec().command_from_dict(["CaptureOrder"])  # type: ignore[arg-type]  # the bad input
    assert str(caught.value) == "cannot decode a command from a list, not a dict"
    with pytest.raises(CodecError) as caught:
        Codec().event_from_dict("StockPosted")  # type: ignore[arg-type]  # the bad input
    assert str(caught.value) == "cannot decode an event from a str, not a dict"


def test_an_event_with_a_key_this_version_does_not_know_fails_loudly_naming_the_schema() -> None:
    event = through_json(Codec().event_to_dict(events_of_every_kind()[0]))
    newer = {**event, "lot": "L-7"}
    with pytest.raises(CodecError) as caught:
        Codec().event_from_dict(newer)
    assert str(caught.value) == (
        f"cannot decode {type(events_of_every_kind()[0]).__name__}: unknown key 'lot' "
        "(written by a newer version? this library reads schema 1)"
    )
    # A host that must read such a log opts in, and the unknown key is dropped.
    assert Codec(forbid_unknown_keys=False).event_from_dict(newer) == events_of_every_kind()[0]


def test_a_nested_command_must_carry_its_own_tag() -> None:
    event = through_json(Codec().event_to_dict(events_of_every_kind()[0]))
    event["command"]["type"] = "DefineSku"
    with pytest.raises(CodecError) as caught:
        Codec().event_from_dict(event)
    assert "'type' is 'DefineSku', expected 'DefineLocation'" in str(caught.value)


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                 max_size=3),
    max_leaves=8,
)  # fmt: skip


@given(
    command=st.sampled_from(ONE_OF_EACH),
    field=st.integers(min_value=0, max_value=20),
    value=_JSON,
)
def test_any_json_in_any_field_decodes_or_raises_a_typed_error(
    command: Command, field: int, value: object
) -> None:
    data = through_json(Codec().command_to_dict(command))
    names = sorted(k for k in data if k != "type")
    data[names[field % len(names)]] = value
    try:
        decoded = Codec().command_from_dict(data)
    except invorder.InvorderError:
        return  # CodecError for the JSON's shape, a validator's typed error for its value
    assert type(decoded) is type(command)


@given(value=_JSON)
def test_any_json_as_a_whole_command_or_event_is_a_codec_error_or_decodes(value: object) -> None:
    for read in (Codec().command_from_dict, Codec().event_from_dict):
        with contextlib.suppress(invorder.InvorderError):  # anything else fails the test
            read(value)  # type: ignore[arg-type]  # arbitrary JSON is the point
