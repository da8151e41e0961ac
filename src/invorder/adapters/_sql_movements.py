"""The SQL event store's index of movements: one row per movement of each journal entry,
written in the entry's append and read back by ``Engine.history()`` without decoding the
events (:class:`~invorder.ports.ReadsMovements`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any, NoReturn

import sqlalchemy as sa

from invorder.adapters._sql_errors import decoded, mapped
from invorder.adapters._sql_schema import events_table, movements_table, writing
from invorder.codec import tag_of
from invorder.domain.errors import InvorderError, StoreCorruptError
from invorder.domain.messages import Event
from invorder.domain.stock.catalog import SkuId
from invorder.domain.stock.events import Operation, StockPosted
from invorder.domain.stock.movement import Account, Bucket, Movement, trusted_movement
from invorder.ports import Posting

COLUMNS = tuple(column.name for column in movements_table.columns)
"""The index's columns, in the order :func:`rows_of` gives them."""

_SQLITE_INSERT = (
    f"INSERT INTO {movements_table.name} ({', '.join(COLUMNS)}) "
    f"VALUES ({', '.join('?' for _ in COLUMNS)})"
)
_READ = ("position", "at", "key", "operation", "quantity", "source", "source_bucket",
         "destination", "destination_bucket", "reason", "reference")  # fmt: skip
_SQLITE_READ = (
    f"SELECT {', '.join(_READ)} FROM {movements_table.name} WHERE sku = ? AND position IN (%s)"
    " ORDER BY position, ordinal"
)
_SQLITE_CLEAR = f"DELETE FROM {movements_table.name} WHERE position >= ?"
_PAGE = 900  # positions per query: SQLite allows 999 parameters in old builds
_OPERATIONS = {operation.value: operation for operation in Operation}
_NAMES: dict[object, str] = {
    member: member.value for kind in (Operation, Bucket) for member in kind
}


def rows_of(events: Iterable[Event]) -> list[tuple[Any, ...]]:
    """The index rows of the journal entries among ``events``."""
    rows = []
    names = _NAMES  # an enum's ``.value`` is a property call: its name looked up instead
    for event in events:
        if event.__class__ is not StockPosted:
            continue
        command = event.command
        at, key, operation = command.at.isoformat(), command.key, names[event.operation]
        position = event.position
        for ordinal, movement in enumerate(event.movements):
            source, destination = movement.source, movement.destination
            rows.append((
                position, ordinal, movement.sku, at, key, operation, movement.quantity,
                source.location, names[source.bucket], destination.location,
                names[destination.bucket], movement.reason, movement.reference,
            ))  # fmt: skip
    return rows


def write(connection: sa.Connection, first: int, rows: list[tuple[Any, ...]], sqlite: bool) -> None:
    """In the transaction that appends the events from position ``first``: drop the rows
    from ``first`` on (left by events a host deleted, a log cut short before it grew
    again; one seek, as rows are keyed by position), then insert ``rows``."""
    if sqlite:  # the driver's own statement: Core's per-call overhead shows in an append
        connection.exec_driver_sql(_SQLITE_CLEAR, (first,))
    else:
        connection.execute(sa.delete(movements_table).where(movements_table.c.position >= first))
    if rows:
        insert(connection, rows, sqlite)


def insert(connection: sa.Connection, rows: list[tuple[Any, ...]], sqlite: bool) -> None:
    """Insert ``rows`` into the index."""
    if sqlite:
        connection.exec_driver_sql(_SQLITE_INSERT, rows)
    else:
        columns = [dict(zip(COLUMNS, row, strict=True)) for row in rows]
        connection.execute(sa.insert(movements_table), columns)


def postings(
    engine: sa.Engine, sku: str, positions: Sequence[int], sqlite: bool
) -> Iterator[Posting]:
    """The entries at ``positions`` that the index holds, each with its movements of
    ``sku``, a page of positions per query (see :class:`~invorder.ports.ReadsMovements`)."""
    c = movements_table.c
    select = sa.select(*(getattr(c, name) for name in _READ)).where(c.sku == sku)
    reader = _Reader(sku)
    for low in range(0, len(positions), _PAGE):
        page = positions[low : low + _PAGE]
        with mapped("read the movements index"), engine.connect() as connection:
            if sqlite:  # the driver's own statement: Core's expanding of ``IN`` is slower
                marks = ", ".join("?" * len(page))
                rows = connection.exec_driver_sql(_SQLITE_READ % marks, (sku, *page)).all()
            else:
                query = select.where(c.position.in_(page)).order_by(c.position, c.ordinal)
                rows = connection.execute(query).all()
        yield from reader.postings(rows)


def index_missing(
    database: sa.Engine,
    head_of: Callable[[sa.Connection], int],
    decode: Callable[[dict[str, Any]], Event],
    slice_size: int,
    sqlite: bool,
) -> int:
    """Index the entries the index lacks, ``slice_size`` positions per transaction (see
    :meth:`~invorder.adapters.sql.SqlEventStore.index_movements`); return how many. Only
    the rows of journal entries are read and decoded (``decode``: the store's codec)."""
    if type(slice_size) is not int or slice_size < 1:
        raise ValueError(f"slice_size must be a positive integer (got {slice_size!r})")
    c = events_table.c
    entries = sa.select(c.position, c.data).where(c.type == tag_of(StockPosted))
    count, start = 0, 0
    while True:
        with mapped("index the movements"), writing(database) as connection, connection.begin():
            head = head_of(connection)
            if start == 0:
                write(connection, head, [], sqlite)  # the rows of a log cut short
            if start >= head:
                return count
            stop = min(head, start + slice_size)
            query = entries.where(c.position >= start, c.position < stop).order_by(c.position)
            rows = connection.execute(query).all()
            events = (decoded(decode, position, data) for position, data in rows)
            count += backfill(connection, events, range(start, stop), sqlite)
        start = stop


def backfill(
    connection: sa.Connection, events: Iterable[Event], positions: range, sqlite: bool
) -> int:
    """Index the journal entries among ``events`` (those at ``positions``) that the index
    lacks; return how many."""
    c = movements_table.c
    query = sa.select(c.position).distinct()
    query = query.where(c.position >= positions.start, c.position < positions.stop)
    have = {int(one) for one in connection.execute(query).scalars()}
    count, rows = 0, []
    for event in events:
        if event.position not in have and isinstance(event, StockPosted) and event.movements:
            rows += rows_of((event,))
            count += 1
            if len(rows) >= _PAGE:
                insert(connection, rows, sqlite)
                rows = []
    if rows:
        insert(connection, rows, sqlite)
    return count


class _Reader:
    """Index rows of one SKU back into entries, each value checked as the store reads it
    (the rows are the database's, not the hash-chained log): an account or a quantity that
    is not one is a :class:`~invorder.errors.StoreCorruptError`. Equal movements are built
    once and shared."""

    __slots__ = ("_accounts", "_movements", "_sku")

    def __init__(self, sku: str) -> None:
        self._sku = SkuId(sku)
        self._accounts: dict[tuple[object, object], Account] = {}
        self._movements: dict[tuple[object, ...], Movement] = {}

    def postings(self, rows: Iterable[Sequence[Any]]) -> Iterator[Posting]:
        """The entries of ``rows`` (one SKU's, ordered by position and ordinal)."""
        shared = self._movements
        get = shared.get
        new = tuple.__new__  # a Posting without its Python-level __new__
        entry: list[Any] = []
        moved: list[Movement] = []
        for row in rows:
            position = row[0]
            if not entry or position != entry[0]:
                if entry:
                    yield new(Posting, (*entry, tuple(moved)))
                kind = _OPERATIONS.get(row[3]) or _bad(position, "operation", row[3])
                entry = [position, _time(position, row[1]), _text(position, row[2]), kind]
                moved = []
            same = tuple(row[4:])
            movement = get(same)
            if movement is None:
                movement = shared[same] = self._movement(position, *same)
            moved.append(movement)
        if entry:
            yield new(Posting, (*entry, tuple(moved)))

    def _movement(
        self,
        position: int,
        quantity: object,
        source: object,
        source_bucket: object,
        destination: object,
        destination_bucket: object,
        reason: object,
        reference: object,
    ) -> Movement:
        if type(quantity) is not int or quantity < 1:
            _bad(position, "quantity", quantity)
        start = self._account(position, source, source_bucket)
        end = self._account(position, destination, destination_bucket)
        if start is end:
            _bad(position, "destination", end)
        return trusted_movement(
            self._sku, quantity, start, end, _text(position, reason), _text(position, reference)
        )

    def _account(self, position: int, location: object, bucket: object) -> Account:
        account = self._accounts.get((location, bucket))
        if account is None:
            try:
                account = Account(location, bucket)  # type: ignore[arg-type]  # checked here
            except InvorderError:
                _bad(position, "account", (location, bucket))
            self._accounts[location, bucket] = account
        return account


def _time(position: int, text: object) -> datetime:
    try:
        at = datetime.fromisoformat(text)  # type: ignore[arg-type]  # TypeError caught
    except (TypeError, ValueError):
        _bad(position, "time", text)
    if at.tzinfo is None:
        _bad(position, "time", text)
    return at


def _text(position: int, value: object) -> str:
    if type(value) is not str:
        _bad(position, "text", value)
    return value


def _bad(position: int, field: str, value: object) -> NoReturn:
    raise StoreCorruptError(
        position, f"its row in the movements index holds a {field} that is not one: {value!r}"
    )
