"""A notification of the channel feed: what a host tells a sales channel, with a stable id
so that a delivery retried after a crash can be told apart from a new one."""

from __future__ import annotations

import enum
import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import attrs

from invorder.domain.money import Money


class NotificationKind(enum.StrEnum):
    """What happened, in the words a channel integration uses."""

    ORDER_ACKNOWLEDGED = "order_acknowledged"
    """The order was captured (``lines``: line id, SKU, quantity)."""
    ORDER_HELD = "order_held"
    """A hold was placed (``reason``)."""
    ORDER_RELEASED = "order_released"
    """A hold was lifted (``reason``)."""
    LINES_CANCELLED = "lines_cancelled"
    """Units were cancelled (``reason``; ``lines``: line id, units)."""
    SHIPMENT_SHIPPED = "shipment_shipped"
    """A parcel left (``shipment``, ``carrier``, ``tracking``; ``lines``: line id, SKU,
    units)."""
    RETURN_RECEIVED = "return_received"
    """Returned units arrived (``rma``; ``lines``: line id, units, disposition)."""
    REFUND_ISSUED = "refund_issued"
    """A refund is owed for a return receipt (``rma``, ``amount``)."""
    ORDER_CLOSED = "order_closed"
    """The order was closed (``reason``)."""
    PAYMENT_AUTHORISED = "payment_authorised"
    """The provider authorised a payment (``reference``, ``amount``)."""
    PAYMENT_CAPTURED = "payment_captured"
    """The provider captured a payment (``reference``, ``amount``)."""
    PAYMENT_FAILED = "payment_failed"
    """A payment was declined or failed (``reference``, ``amount``)."""
    PAYMENT_REFUNDED = "payment_refunded"
    """The provider refunded a payment (``reference``, ``amount``)."""
    INVOICE_ISSUED = "invoice_issued"
    """An invoice was issued (``invoice``, ``total``, ``due_at``)."""
    CREDIT_NOTE_ISSUED = "credit_note_issued"
    """A credit note was issued (``credit_note``, ``invoice``, ``total``)."""
    INVENTORY_CHANGED = "inventory_changed"
    """What the channel may sell of a SKU changed (``sku``, ``available``)."""


@attrs.frozen
class Notification:
    """One thing to tell one channel, derived from the event at :attr:`position`."""

    position: int
    """The log position of the event it comes from (an inventory change: of the last event
    of the command that changed it)."""
    channel: str
    """The channel to tell."""
    kind: NotificationKind
    """What happened."""
    at: datetime
    """When (the command's time)."""
    order: str = ""
    """The order (``""`` for inventory)."""
    external_id: str = ""
    """The channel's own id of the order (``""`` for inventory)."""
    details: tuple[tuple[str, Any], ...] = ()
    """The kind's facts as (name, value) pairs, in a fixed order (see :attr:`data`)."""
    seq: int = 1
    """It is the ``seq``-th notification of :attr:`channel` from that event."""

    @property
    def id(self) -> str:
        """Stable across replays: ``{channel}:{position}:{seq}``. Deliver at least once;
        dedupe on it."""
        return f"{self.channel}:{self.position}:{self.seq}"

    @property
    def data(self) -> dict[str, Any]:
        """:attr:`details` as a dict."""
        return dict(self.details)

    def to_dict(self) -> dict[str, Any]:
        """The notification as plain JSON values (amounts as decimal strings)."""
        found: dict[str, Any] = {"id": self.id, "position": self.position,
                                 "channel": self.channel, "kind": self.kind.value,
                                 "at": self.at.isoformat()}  # fmt: skip
        if self.order:
            found["order"] = self.order
            found["external_id"] = self.external_id
        found["data"] = {name: _plain(value) for name, value in self.details}
        return found

    def to_json(self) -> str:
        """One line of JSON, the same bytes for the same notification on every run."""
        return json.dumps(self.to_dict(), separators=(",", ":"), ensure_ascii=False)


def _plain(value: Any) -> Any:
    if isinstance(value, Money):
        return {"amount": str(value.amount), "currency": value.currency}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    return value
