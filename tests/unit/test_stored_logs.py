"""Logs and snapshots written before the domain moved into area packages (invorder
0.1.0.dev0, commit a3f088b) still load and mean the same.

``tests/fixtures/events-all-v1.jsonl`` holds every command and event type of that version
(41 and 19) as its codec stored them; ``events-all-v1.summary.json`` is what that version's
engine said of the state (``summary`` below, run there); ``engine-snapshot-v3.pickle`` is
its snapshot of the same log, a pickle: a format this version never reads (it replays).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

import invorder
from invorder.codec import COMMAND_TYPES, EVENT_TYPES, Codec
from invorder.errors import SnapshotWarning

FIXTURES = Path(__file__).parent.parent / "fixtures"
LOG = FIXTURES / "events-all-v1.jsonl"


def summary(engine: invorder.Engine) -> dict[str, Any]:
    """What a replayed log says, in plain data: balances, orders, shipments, reservations,
    purchase orders, transfers, channels, valuation."""
    late = datetime(2026, 11, 28, tzinfo=UTC)
    skus = [sku.code for sku in engine.skus()]
    value = engine.valuation()
    rma = engine.rma("RMA-1")
    transfer = engine.transfer("TR-1")
    assert rma is not None
    assert transfer is not None
    return {
        "position": engine.position,
        "balances": {sku: sorted(f"{a.location}/{a.bucket.value}={q}"
                                 for a, q in engine.balances(sku).items()) for sku in skus},
        "orders": {o.order_id: [o.status.value, list(o.holds),
                                [[n.line_id, n.ordered, n.allocated, n.backordered, n.cancelled,
                                  n.shipped, n.returned, n.status.value] for n in o.lines]]
                   for o in engine.orders()},
        "shipments": {s.shipment: [s.status.value, s.location, sum(p.quantity for p in s.picks)]
                      for o in engine.orders() for s in engine.shipments(o.order_id)},
        "rmas": {"RMA-1": [rma.status.value, str(rma.refund.amount)]},
        "reservations": {r.reservation: [r.status.value, r.held, r.committed, r.released,
                                         r.expired, r.incoming]
                         for r in engine.reservations(open_only=False)},
        "purchases": {p.purchase_order: p.state.value for p in engine.purchase_orders()},
        "transfers": {"TR-1": [[t.sku, t.shipped, t.received, t.written_off]
                               for t in transfer.lines]},
        "channels": {c.channel: engine.channel_atp_all(c.channel, late) for c in engine.channels()},
        "suppliers": [s.supplier for s in engine.suppliers()],
        "value": {sku: repr(value.sku(sku)) for sku in value.skus()},
        "value_total": {c: str(m.amount) for c, m in value.total().items()},
    }  # fmt: skip


def stored_events() -> list[invorder.Event]:
    codec = Codec()
    return [codec.event_from_dict(json.loads(line)) for line in LOG.read_text().splitlines()]


ADDED_SINCE = frozenset({
    "PicksWithdrawn", "AlertAcknowledged", "AcknowledgeAlert", "RefundPolicyDefined",
    "DefineRefundPolicy", "MoveAllocation", "AllocateWave", "CommandRejected",
    "DefinePriceList", "PriceListDefined", "DefineInvoicing", "InvoicingDefined", "IssueInvoice",
    "InvoiceIssued", "IssueCreditNote", "CreditNoteIssued", "CloseOrder", "OrderClosed",
    "CloseSettledOrders",
    "RecordAuthorisation", "RecordCapture",
    "RecordPaymentFailure", "RecordRefund", "PaymentAuthorised", "PaymentCaptured",
    "PaymentFailed", "PaymentRefunded",
    "ReserveMany", "ReleaseMany", "ItemsRefused",
})  # fmt: skip
"""Command and event types added after the fixture was written (``test_codec`` round-trips
them)."""


def test_the_fixture_holds_every_command_and_event_type() -> None:
    events = stored_events()
    then = {tag: cls for tag, cls in EVENT_TYPES.items() if tag not in ADDED_SINCE}
    commands = {cls for tag, cls in COMMAND_TYPES.items() if tag not in ADDED_SINCE}
    assert {type(e) for e in events} == set(then.values())
    assert {type(e.command) for e in events} == commands
    assert {json.loads(line)["type"] for line in LOG.read_text().splitlines()} == set(then)


def test_a_log_written_before_the_move_replays_to_the_same_state() -> None:
    store = invorder.MemoryEventStore()
    store.append(stored_events(), expected_position=0)
    engine = invorder.Engine(store)
    assert engine.verify() == []
    assert summary(engine) == json.loads((FIXTURES / "events-all-v1.summary.json").read_text())


def test_a_log_written_again_is_byte_for_byte_the_stored_one() -> None:
    codec = Codec()
    lines = LOG.read_text().splitlines()
    again = [json.dumps(codec.event_to_dict(e), sort_keys=True) for e in stored_events()]
    assert again == lines


def test_a_snapshot_of_an_older_format_is_ignored_and_the_log_replayed() -> None:
    store = invorder.MemoryEventStore()
    events = stored_events()
    store.append(events, expected_position=0)
    snapshots = invorder.MemorySnapshotStore()
    snapshots.save(len(events), (FIXTURES / "engine-snapshot-v3.pickle").read_bytes())
    with pytest.warns(SnapshotWarning, match="it is a pickle"):
        engine = invorder.Engine(store, snapshots=snapshots)  # never unpickled
    assert engine.startup.refused.startswith("it is a pickle")
    assert engine.verify() == []
    assert summary(engine) == summary(invorder.Engine(store))
    assert engine.snapshot() == len(events)  # a snapshot of the current format replaces it
    assert summary(invorder.Engine(store, snapshots=snapshots)) == summary(engine)
