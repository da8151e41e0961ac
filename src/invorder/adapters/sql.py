"""SQL storage (extra ``[sql]``): the event log, snapshots and feed checkpoints in SQLite or
PostgreSQL.

Built on SQLAlchemy 2 Core with one schema for both databases. The database itself enforces
the optimistic-concurrency check: positions are the primary key, so two writers that read
the same head cannot both insert the next position.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

try:
    import sqlalchemy as sa
except ImportError as error:  # pragma: no cover  # the test extra installs SQLAlchemy
    raise ImportError(
        "invorder.adapters.sql needs SQLAlchemy: install the 'sql' extra "
        "(pip install 'invorder[sql]')",
        name=error.name,
    ) from error

from invorder.adapters import _sql_movements as _movements
from invorder.adapters._sql_checkpoints import SqlCheckpointStore
from invorder.adapters._sql_errors import decoded, mapped, refusal, typed
from invorder.adapters._sql_schema import (
    SqlStore,
    events_table,
    has_chain_column,
    head_table,
    keep_head,
    metadata,
    movements_table,
    snapshots_table,
    sql_engine,
    writing,
)
from invorder.adapters._sql_snapshots import SqlSnapshotStore
from invorder.adapters.memory import check_positions
from invorder.chain import GENESIS, canonical_json, canonical_texts, default_codec, link
from invorder.codec import Codec, schema_of, tag_of
from invorder.domain.errors import ConcurrencyError, StoreCorruptError, StoreUnavailableError
from invorder.domain.messages import Event
from invorder.ports import Posting

__all__ = [
    "SqlCheckpointStore",
    "SqlEventStore",
    "SqlSnapshotStore",
    "SqlStore",
    "events_table",
    "head_table",
    "metadata",
    "movements_table",
    "snapshots_table",
    "sql_engine",
]

_COLUMNS = ("position", "key", "type", "schema", "data", "chain")
_PLAIN = len(_COLUMNS) - 1  # the columns of a table created before the chain column


def _sqlite_insert(columns: Sequence[str]) -> str:
    marks = ", ".join("?" for _ in columns)
    return f"INSERT INTO invorder_events ({', '.join(columns)}) VALUES ({marks})"


_SQLITE_INSERT = (_sqlite_insert(_COLUMNS[:_PLAIN]), _sqlite_insert(_COLUMNS))
_PAGE = 5000
_PAGE_OF_POSITIONS = 900  # per read_at query: SQLite allows 999 parameters in old builds


class SqlEventStore(SqlStore):
    """An :class:`~invorder.ports.EventStore` in a SQL database (SQLite or PostgreSQL).

    ``target`` is a database URL (``sqlite:///path/to/file.db``,
    ``postgresql+psycopg://user@host/db``) or an engine from :func:`sql_engine`. Events are
    stored as JSON through ``codec`` (give it upcasters to read events of older schema
    versions). With ``create`` the tables are created if missing, and a table created by an
    earlier version gains the ``chain`` column (``ALTER TABLE``; its old rows stay unchained
    until :meth:`chain_log`). Any number of processes may append to the same database: the
    primary key on the position decides who wins.

    It keeps the log's hash chain (:class:`~invorder.ports.ReadsChain`): each append reads
    the hash of the event before it and stores each new event's hash in the same
    transaction. Without the column (an old table opened with ``create=False``) it works as
    before and keeps no chain.

    It keeps the log's head (:class:`~invorder.ports.KeepsHead`): each append writes the new
    head and its hash to :data:`head_table` in its transaction, so an engine refuses to
    start on a log that was emptied or cut short. A database file deleted as a whole takes
    that row with it and cannot be told from a new one (see the storage-adapter how-to).

    It keeps each journal entry's movements in :data:`movements_table`, written in the
    append's transaction, which ``Engine.history()`` reads instead of decoding the entries
    (:class:`~invorder.ports.ReadsMovements`, :meth:`postings`; :meth:`index_movements`
    fills in the entries of a log written before the index existed).

    Database errors come out typed: :class:`~invorder.errors.StoreUnavailableError` (locked,
    disk full, read-only, cannot connect: nothing was written, safe to retry) or
    :class:`~invorder.errors.StoreCorruptError` (a damaged file, a row that cannot be
    decoded, naming its position); a lost race on the position key is a
    :class:`~invorder.ConcurrencyError`.
    """

    __slots__ = ("_chained", "_codec", "_head_kept", "_indexed", "_sqlite")

    def __init__(
        self, target: str | sa.Engine, *, codec: Codec | None = None, create: bool = True
    ) -> None:
        self._codec = codec or default_codec()

        def open_tables(engine: sa.Engine) -> None:
            self._sqlite = engine.dialect.name == "sqlite"
            with mapped("open its tables"):
                if create:
                    metadata.create_all(engine)
                self._chained = has_chain_column(engine, add=create)
                self._head_kept = create or sa.inspect(engine).has_table(head_table.name)
                self._indexed = create or sa.inspect(engine).has_table(movements_table.name)

        super().__init__(target, open_tables)

    def head(self) -> int:
        """The number of events in the log."""
        with mapped("read the log's head"), self._engine.connect() as connection:
            return self._head(connection)

    def last_head(self) -> tuple[int, bytes | None] | None:
        """The head (and its chain hash) the last append left, kept beside the log (see
        :class:`~invorder.ports.KeepsHead`); ``None`` if nothing was ever appended here."""
        if not self._head_kept:
            return None
        query = sa.select(head_table.c.head, head_table.c.chain).where(head_table.c.id == 0)
        with mapped("read the log's head"), self._engine.connect() as connection:
            row = connection.execute(query).first()
        if row is None:
            return None
        return int(row[0]), None if row[1] is None else bytes(row[1])

    def append(self, events: Sequence[Event], *, expected_position: int) -> int:
        """Insert every event in one transaction if the log holds ``expected_position``."""
        check_positions(events, expected_position)
        chained = self._chained
        columns = _COLUMNS if chained else _COLUMNS[:_PLAIN]
        rows: list[list[Any]] = []  # position, key, type, schema, text (and the hash)
        for event, text in zip(events, canonical_texts(events, self._codec), strict=True):
            row = [event.position, event.key, tag_of(type(event)), schema_of(event), text]
            if chained:
                row.append(None)  # the hash, once the one before the batch is read
            rows.append(row)
        indexed = _movements.rows_of(events) if self._indexed else None
        c = events_table.c
        previous = sa.select(c.position, c.chain if chained else sa.null()).where(
            c.position == expected_position - 1
        )
        try:
            with writing(self._engine) as connection, connection.begin():
                # A gap is refused: the event before the batch must exist. Rows are never
                # deleted, so once seen it stays; the primary key refuses a second writer.
                before = connection.execute(previous).first() if expected_position else None
                if expected_position > 0 and before is None:
                    raise ConcurrencyError(expected_position, self._head(connection))
                if chained:
                    _link_rows(rows, GENESIS if before is None else before[1])
                if not rows:
                    if self._head(connection) != expected_position:
                        raise ConcurrencyError(expected_position, self._head(connection))
                elif self._sqlite:
                    # The driver's executemany: a third faster than Core on SQLite.
                    connection.exec_driver_sql(_SQLITE_INSERT[chained], [tuple(r) for r in rows])
                else:
                    connection.execute(
                        sa.insert(events_table),
                        [dict(zip(columns, row, strict=True)) for row in rows],
                    )
                if rows and indexed is not None:
                    _movements.write(connection, expected_position, indexed, self._sqlite)
                if rows and self._head_kept:
                    new_head = expected_position + len(rows)
                    chain = rows[-1][-1] if chained else None
                    keep_head(connection, new_head, chain, self._sqlite)
        except sa.exc.IntegrityError as error:
            # The primary key refused the batch: another writer took the position first;
            # unless the log has not moved, and the database refused the rows for a reason
            # of its own (a constraint or trigger the host added): not a race to retry.
            head = self.head()
            if head == expected_position:
                raise StoreUnavailableError("append events", refusal(error)) from error
            raise ConcurrencyError(expected_position, head) from None
        except sa.exc.SQLAlchemyError as error:
            raise typed(error, "append events") from error
        return expected_position + len(rows)

    @staticmethod
    def _head(connection: sa.Connection) -> int:
        last = connection.execute(sa.select(sa.func.max(events_table.c.position))).scalar()
        return 0 if last is None else int(last) + 1

    def read(self, start: int = 0, stop: int | None = None) -> Iterator[Event]:
        """The events from ``start`` up to ``stop``, read a page at a time.

        A missing row raises :class:`~invorder.errors.StoreCorruptError` naming its
        position (a deleted row must not make the log look shorter than it is).
        """
        decode = self._codec.event_from_dict
        for position, data, _ in self._rows(start, stop, False):
            yield decoded(decode, position, data)

    def read_chained(
        self, start: int = 0, stop: int | None = None
    ) -> Iterator[tuple[Event, bytes, bytes | None]]:
        """What :meth:`read` gives, each event with its stored JSON (the bytes its chain
        hash covers) and the hash (``None`` in an unchained row)."""
        decode = self._codec.event_from_dict
        for position, data, chain in self._rows(start, stop, self._chained):
            if chain is not None and chain.__class__ is not bytes:
                chain = bytes(chain)  # a driver's buffer type
            yield decoded(decode, position, data), data.encode("utf-8"), chain

    def chain_at(self, position: int) -> bytes | None:
        """The chain hash of the first ``position`` events (see
        :class:`~invorder.ports.KeepsChain`); ``None`` if the row before is unchained or
        missing."""
        if position == 0:
            return GENESIS
        if not self._chained:
            return None
        c = events_table.c
        with mapped("read the log's chain"), self._engine.connect() as connection:
            chain = connection.execute(
                sa.select(c.chain).where(c.position == position - 1)
            ).scalar()
        return None if chain is None else bytes(chain)

    def chain_log(self) -> int:
        """Chain the rows written before this version kept hashes (after the ``ALTER
        TABLE`` that added the column); return how many rows were chained.

        One transaction (it holds the write lock: run it while the log is quiet). Each
        unchained row's JSON is rewritten in canonical form (the same content) with its
        hash. A log whose rows are all chained is left as it is.
        """
        if not self._chained:
            raise ValueError("the events table has no chain column: open with create=True")
        c = events_table.c
        with mapped("chain the log"), writing(self._engine) as connection, connection.begin():
            first = connection.execute(
                sa.select(sa.func.min(c.position)).where(c.chain.is_(None))
            ).scalar()
            if first is None:
                return 0
            previous = self._chain_before(connection, int(first))
            rows = connection.execute(
                sa.select(c.position, c.data).where(c.position >= first).order_by(c.position)
            ).all()
            updates = []
            for expected, (position, data) in enumerate(rows, start=int(first)):
                if position != expected:
                    raise StoreCorruptError(expected, "no event is stored there")
                text = canonical_json(json.loads(data))
                previous = link(previous, text.encode("utf-8"))
                updates.append({"at": position, "text": text, "hash": previous})
            update = (
                sa.update(events_table)
                .where(c.position == sa.bindparam("at"))
                .values(data=sa.bindparam("text"), chain=sa.bindparam("hash"))
            )
            connection.execute(update, updates)
        return len(updates)

    @staticmethod
    def _chain_before(connection: sa.Connection, position: int) -> bytes:
        if position == 0:
            return GENESIS
        c = events_table.c
        chain = connection.execute(sa.select(c.chain).where(c.position == position - 1)).scalar()
        if chain is None:
            raise StoreCorruptError(position - 1, "its chain hash is missing")
        return bytes(chain)

    def _rows(self, start: int, stop: int | None, chained: bool) -> Iterator[sa.Row[Any, Any, Any]]:
        # Every row from ``start`` to ``stop``, a page at a time, each (position, data,
        # chain or None); a gap raises StoreCorruptError naming the position.
        position = events_table.c.position
        # Read raw: the drivers give bytes, and the binary type's per-row conversion is a
        # measurable share of a start-up replay.
        chain = sa.type_coerce(events_table.c.chain, sa.types.NullType()) if chained else sa.null()
        low = start
        while stop is None or low < stop:
            high = low + _PAGE if stop is None else min(low + _PAGE, stop)
            query = (
                sa.select(position, events_table.c.data, chain)
                .where(position >= low, position < high)
                .order_by(position)
            )
            with mapped("read the log"), self._engine.connect() as connection:
                rows = connection.execute(query).all()
                after = None
                if len(rows) < high - low:
                    # A short page is the end of the log, or a gap. One statement decides
                    # (a concurrent append is contiguous: it shows as the next position).
                    last = low + len(rows)
                    after = connection.execute(
                        sa.select(sa.func.min(position)).where(position >= last)
                    ).scalar()
            expected = low
            for row in rows:
                if row[0] != expected:
                    raise StoreCorruptError(expected, "no event is stored there")
                yield row
                expected += 1
            if expected < high:
                if after is not None and after > expected:
                    raise StoreCorruptError(expected, "no event is stored there")
                return
            low = high

    def read_at(self, positions: Sequence[int]) -> Iterator[Event]:
        """The events at ``positions`` (ascending), a page of positions per query."""
        decode = self._codec.event_from_dict
        position = events_table.c.position
        for low in range(0, len(positions), _PAGE_OF_POSITIONS):
            page = positions[low : low + _PAGE_OF_POSITIONS]
            query = (
                sa.select(position, events_table.c.data)
                .where(position.in_(page))
                .order_by(position)
            )
            with mapped("read the log"), self._engine.connect() as connection:
                rows = connection.execute(query).all()
            if [row[0] for row in rows] != list(page):
                found = {row[0] for row in rows}
                missing = next(p for p in page if p not in found)
                raise StoreCorruptError(missing, "no event is stored there")
            for at, data in rows:
                yield decoded(decode, at, data)

    def postings(self, sku: str, positions: Sequence[int]) -> Iterator[Posting]:
        """The journal entries at ``positions`` that the movements index holds, each with
        its movements of ``sku`` (see :class:`~invorder.ports.ReadsMovements`): what
        ``Engine.history()`` reads instead of decoding the entries. Each value is checked
        as it is read; one that is not what it should be raises
        :class:`~invorder.errors.StoreCorruptError`. Without the index's table (an old
        database opened with ``create=False``) it holds nothing."""
        return (
            _movements.postings(self._engine, sku, positions, self._sqlite)
            if self._indexed
            else iter(())
        )

    def index_movements(self, *, slice_size: int = 10_000) -> int:
        """Index the movements of the journal entries the index lacks (those written
        before this version kept it) and return how many entries were indexed.

        It reads and decodes only the rows of journal entries, ``slice_size`` positions of
        the log at a time, each slice in a transaction of its own, so other writers wait
        for one slice at most. Stopped part way, it keeps the slices done; run again, it
        adds only what is still missing. Until it has run, ``Engine.history()`` decodes the
        entries the index lacks.
        """
        if not self._indexed:
            raise ValueError("the movements index has no table: open with create=True")
        decode = self._codec.event_from_dict
        return _movements.index_missing(self._engine, self._head, decode, slice_size,
                                        self._sqlite)  # fmt: skip


def _link_rows(rows: list[list[Any]], previous: bytes | None) -> None:
    # Each row's last item becomes its chain hash; after an unchained row (``None``), the
    # batch is unchained too (a chain cannot start in the middle of a log).
    for row in rows:
        if previous is not None:
            previous = link(previous, row[4].encode("utf-8"))
        row[-1] = previous
