"""The channel feed: the notifications a host must push to its sales channels (orders
acknowledged, held, cancelled, shipped, returned, refunded; inventory levels), derived
from the event log with stable ids, and named consumers that deliver them at least once.

:func:`notifications` is a pure function of the log (the same log gives the same
notifications, byte for byte in :meth:`Notification.to_json`; a log cut at a command
boundary gives a prefix of them). :class:`Feed` is a consumer over a store whose checkpoint
is kept through the :class:`~invorder.ports.CheckpointStore` port
(:class:`~invorder.adapters.memory.MemoryCheckpointStore`,
:class:`~invorder.adapters.sql.SqlCheckpointStore`).
"""

from invorder.feed._consumer import Feed
from invorder.feed._notification import Notification, NotificationKind
from invorder.feed._project import FeedProjection, notifications

__all__ = ["Feed", "FeedProjection", "Notification", "NotificationKind", "notifications"]
