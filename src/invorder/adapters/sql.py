"""SQL storage (extra ``[sql]``): the event log and snapshots in SQLite or PostgreSQL.

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
    from sqlalchemy.exc import IntegrityError
except ImportError as error:  # pragma: no cover  # the test extra installs SQLAlchemy
    raise ImportError(
        "invorder.adapters.sql needs SQLAlchemy: install the 'sql' extra "
        "(pip install 'invorder[sql]')",
        name=error.name,
    ) from error

from invorder.adapters.memory import check_positions
from invorder.codec import Codec
from invorder.domain.errors import ConcurrencyError, StoreCorruptError
from invorder.domain.messages import Event

metadata = sa.MetaData()
"""The schema: the tables below; ``metadata.create_all(engine)`` creates them."""

_POSITION = sa.BigInteger().with_variant(sa.Integer(), "sqlite")  # INTEGER PRIMARY KEY = rowid

events_table = sa.Table(
    "invorder_events",
    metadata,
    sa.Column("position", _POSITION, primary_key=True, autoincrement=False),
    sa.Column("key", sa.Text(), nullable=False),
    sa.Column("type", sa.Text(), nullable=False),
    sa.Column("schema", sa.Integer(), nullable=False),
    sa.Column("data", sa.Text(), nullable=False),
)
"""One row per event; ``data`` is the JSON of :meth:`invorder.Codec.event_to_dict`."""

snapshots_table = sa.Table(
    "invorder_snapshots",
    metadata,
    sa.Column("position", _POSITION, primary_key=True, autoincrement=False),
    sa.Column("data", sa.LargeBinary(), nullable=False),
)
"""The latest engine snapshot (older ones are deleted when a newer one is saved)."""

_BEGIN_OPTION = "invorder_sqlite_begin"
_COLUMNS = ("position", "key", "type", "schema", "data")
_SQLITE_INSERT = f"INSERT INTO invorder_events ({', '.join(_COLUMNS)}) VALUES (?, ?, ?, ?, ?)"
# One encoder for every append: json.dumps with non-default options builds a new one per call.
_ENCODE_JSON = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode
_PAGE = 5000
_PAGE_OF_POSITIONS = 900
"""Positions per ``read_at`` query (SQLite allows 999 bound parameters in older builds)."""


def sql_engine(url: str, *, synchronous: str = "FULL", **kwargs: Any) -> sa.Engine:
    """A SQLAlchemy engine for ``url``, set up the way the SQL stores need it.

    On SQLite: WAL journal (readers do not block the writer), a 30 s busy timeout, and
    ``BEGIN IMMEDIATE`` for appends so that concurrent writers queue instead of failing;
    ``synchronous`` is the SQLite pragma (``FULL``: an acknowledged append survives a power
    cut; ``NORMAL``: it survives a process crash). Other keyword arguments go to
    :func:`sqlalchemy.create_engine`.
    """
    if synchronous not in {"OFF", "NORMAL", "FULL", "EXTRA"}:
        raise ValueError(f"synchronous must be OFF, NORMAL, FULL or EXTRA, not {synchronous!r}")
    engine = sa.create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":

        def connect(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None  # transactions are begun below
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA synchronous={synchronous}")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        def begin(connection: sa.Connection) -> None:
            mode = connection.get_execution_options().get(_BEGIN_OPTION, "DEFERRED")
            connection.exec_driver_sql(f"BEGIN {mode}")

        sa.event.listen(engine, "connect", connect)
        sa.event.listen(engine, "begin", begin)
    return engine


def _engine(target: str | sa.Engine) -> sa.Engine:
    return sql_engine(target) if isinstance(target, str) else target


def _writing(engine: sa.Engine) -> sa.Connection:
    return engine.connect().execution_options(**{_BEGIN_OPTION: "IMMEDIATE"})


class SqlEventStore:
    """An :class:`~invorder.ports.EventStore` in a SQL database (SQLite or PostgreSQL).

    ``target`` is a database URL (``sqlite:///path/to/file.db``,
    ``postgresql+psycopg://user@host/db``) or an engine from :func:`sql_engine`. Events are
    stored as JSON through ``codec`` (give it upcasters to read events of older schema
    versions). With ``create`` the tables are created if missing. Any number of processes
    may append to the same database: the primary key on the position decides who wins.
    """

    __slots__ = ("_codec", "_engine", "_sqlite")

    def __init__(
        self, target: str | sa.Engine, *, codec: Codec | None = None, create: bool = True
    ) -> None:
        self._engine = _engine(target)
        self._sqlite = self._engine.dialect.name == "sqlite"
        self._codec = codec or Codec()
        if create:
            metadata.create_all(self._engine)

    @property
    def engine(self) -> sa.Engine:
        """The SQLAlchemy engine the store uses."""
        return self._engine

    def head(self) -> int:
        """The number of events in the log."""
        query = sa.select(sa.func.max(events_table.c.position))
        with self._engine.connect() as connection:
            last = connection.execute(query).scalar()
        return 0 if last is None else int(last) + 1

    def append(self, events: Sequence[Event], *, expected_position: int) -> int:
        """Insert every event in one transaction if the log holds ``expected_position``."""
        check_positions(events, expected_position)
        encode = self._codec.event_to_dict
        rows = []
        for event in events:
            data = encode(event)
            rows.append(
                (event.position, event.key, data["type"], data.get("schema", 1), _ENCODE_JSON(data))
            )
        previous = sa.select(events_table.c.position).where(
            events_table.c.position == expected_position - 1
        )
        try:
            with _writing(self._engine) as connection, connection.begin():
                # A gap is refused: the event before the batch must exist. Rows are never
                # deleted, so once seen it stays; the primary key refuses a second writer.
                if expected_position > 0 and connection.execute(previous).first() is None:
                    raise ConcurrencyError(expected_position, self._head(connection))
                if not rows:
                    if self._head(connection) != expected_position:
                        raise ConcurrencyError(expected_position, self._head(connection))
                elif self._sqlite:
                    # The driver's executemany: a third faster than Core on SQLite.
                    connection.exec_driver_sql(_SQLITE_INSERT, rows)
                else:
                    connection.execute(
                        sa.insert(events_table),
                        [dict(zip(_COLUMNS, row, strict=True)) for row in rows],
                    )
        except IntegrityError:
            raise ConcurrencyError(expected_position, self.head()) from None
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
        position = events_table.c.position
        low = start
        while stop is None or low < stop:
            high = low + _PAGE if stop is None else min(low + _PAGE, stop)
            query = (
                sa.select(position, events_table.c.data)
                .where(position >= low, position < high)
                .order_by(position)
            )
            with self._engine.connect() as connection:
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
            for at, data in rows:
                if at != expected:
                    raise StoreCorruptError(expected, "no event is stored there")
                yield decode(json.loads(data))
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
            with self._engine.connect() as connection:
                rows = connection.execute(query).all()
            if [row[0] for row in rows] != list(page):
                found = {row[0] for row in rows}
                missing = next(p for p in page if p not in found)
                raise StoreCorruptError(missing, "no event is stored there")
            for _, data in rows:
                yield decode(json.loads(data))


class SqlSnapshotStore:
    """A :class:`~invorder.ports.SnapshotStore` in the same database as the events."""

    __slots__ = ("_engine",)

    def __init__(self, target: str | sa.Engine, *, create: bool = True) -> None:
        self._engine = _engine(target)
        if create:
            metadata.create_all(self._engine)

    def save(self, position: int, data: bytes) -> None:
        """Keep ``data`` as the snapshot at ``position``; older snapshots are deleted."""
        table = snapshots_table
        with _writing(self._engine) as connection, connection.begin():
            connection.execute(sa.delete(table).where(table.c.position <= position))
            connection.execute(sa.insert(table), {"position": position, "data": bytes(data)})

    def load(self) -> tuple[int, bytes] | None:
        """The snapshot with the highest position, or ``None``."""
        table = snapshots_table
        query = sa.select(table.c.position, table.c.data).order_by(table.c.position.desc())
        with self._engine.connect() as connection:
            row = connection.execute(query.limit(1)).first()
        return None if row is None else (int(row[0]), bytes(row[1]))
