"""Orders: capture to shipment to return. An order's statuses derive from its line
quantities; each location's share is a shipment; returns are RMAs.

========================  =================================================================
module                    what it holds
========================  =================================================================
``ids``                   order, line, channel and customer ids; the order kind
``ship_to``               coordinates, ship-to facts, shipping methods
``values``                what commands carry: line items, wholesale terms, pick counts,
                          packages, returned units; hold, payment and disposition words
``commands``              capture, holds, allocate, cancel; start picking, record a pick,
                          pack, ship; open and receive a return
``events``                every order, shipment and return event
``order``                 an order and its lines as the log tells them, derived statuses
``shipment``              a shipment (one location's share) and its status
``rma``                   a return (RMA) and its status
``book``                  the order book projection: orders, shipments, returns, backorders
``allocator``             the port the engine fills with a routing rule; the default order
                          in which backorders are served
``context``               what the order decisions read
``decide_order``          capture, holds, cancellation
``decide_allocation``     allocation into reservations (the rule's plan, bin by bin)
``whole``                 the entry decisions allocate through: ship-complete orders
                          allocated whole from one location or not at all
``reallocate``            allocate an order, allocate backorders, and serve backorders on
                          arrival, in priority order
``decide_shipment``       picking (short picks), packing, shipping
``refunds``               refund policies by disposition (values and command)
``decide_rma``            opening and receiving returns, defining the refund policy
``decide_count``          cycle counts (a stock command): below the reserved units, the
                          holds cut and their orders' lines allocated again
``standing``              the alert reasons an order's state raises; since when (marks)
``alerts``                orders that need a person, why, and since when
``acknowledge``           a person acknowledges an alert (command and decision)
``move``                  a person moves an allocation to another warehouse (command and
                          decision)
``wave``                  a set of waiting orders allocated as one wave, with fair share
                          of scarce SKUs across channels (command and decision)
``closeout``              closing an order (command and decision); a closed order takes no
                          command but a return within its window
========================  =================================================================
"""

from __future__ import annotations

from invorder.domain.messages import Decision
from invorder.domain.orders import acknowledge as _ack
from invorder.domain.orders import closeout as _close
from invorder.domain.orders import commands as _c
from invorder.domain.orders import decide_count as _count
from invorder.domain.orders import decide_order as _order
from invorder.domain.orders import decide_rma as _rma
from invorder.domain.orders import decide_shipment as _ship
from invorder.domain.orders import events as _e
from invorder.domain.orders import move as _move
from invorder.domain.orders import reallocate as _realloc
from invorder.domain.orders import wave as _wave
from invorder.domain.orders.book import OrderBook
from invorder.domain.orders.refunds import DefineRefundPolicy
from invorder.domain.stock.commands import CountStock

PROJECTIONS = {"orders": OrderBook}
"""The projections this area folds, by their name in the domain state."""

_CTX = ("context",)

DECISIONS = (
    Decision(_c.CaptureOrder, _order.decide_capture, ("context", "prices", "channels")),
    Decision(_c.PlaceHold, _order.decide_hold, _CTX),
    Decision(_c.ReleaseHold, _order.decide_release_hold, _CTX),
    Decision(_c.AllocateOrder, _realloc.decide_allocate, _CTX),
    Decision(_c.AllocateBackorders, _realloc.decide_backorders, _CTX),
    # A cancellation frees units: like an arrival, they go to waiting orders first.
    Decision(_c.CancelOrder, _order.decide_cancel_order, _CTX, arrival=True),
    Decision(_c.CancelLines, _order.decide_cancel_lines, _CTX, arrival=True),
    Decision(_c.StartPicking, _ship.decide_start_picking, _CTX),
    Decision(_c.RecordPick, _ship.decide_record_pick, _CTX),
    Decision(_c.PackShipment, _ship.decide_pack, _CTX),
    Decision(_c.ShipShipment, _ship.decide_ship, _CTX),
    Decision(_c.OpenReturn, _rma.decide_open_return, _CTX),
    Decision(_c.ReceiveReturn, _rma.decide_receive_return, _CTX, arrival=True),
    # A stock command decided here: a count may cut order-owned reservations. Units it
    # finds (or frees) go to waiting orders like any arrival.
    Decision(CountStock, _count.decide_count, _CTX, arrival=True),
    Decision(_ack.AcknowledgeAlert, _ack.decide_acknowledge, _CTX),
    Decision(DefineRefundPolicy, _rma.decide_refund_policy, _CTX),
    # A move frees units at the source: like an arrival, they go to waiting orders.
    Decision(_move.MoveAllocation, _move.decide_move, _CTX, arrival=True),
    Decision(_wave.AllocateWave, _wave.decide_wave, _CTX),
    Decision(_close.CloseOrder, _close.decide_close, _CTX),
)
"""Every order command (and ``CountStock``), the function that decides it and what it
reads."""

EVENTS: tuple[type, ...] = (
    _e.OrderCaptured, _e.OrderHeld, _e.OrderHoldReleased, _e.OrderAllocated, _e.OrderCancelled,
    _e.PickingStarted, _e.PicksFoundShort, _e.PicksWithdrawn, _e.ShipmentPacked,
    _e.ShipmentShipped,
    _e.ReturnOpened, _e.ReturnReceived, _e.AlertAcknowledged, _e.RefundPolicyDefined,
    _e.OrderClosed,
)  # fmt: skip
"""The events this area writes (besides ledger entries)."""
