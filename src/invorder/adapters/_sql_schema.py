"""The SQL stores' schema and connections: the tables, :func:`sql_engine`, and the
schema changes a store makes when it opens a database an earlier version created."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Self

import sqlalchemy as sa

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
    sa.Column("chain", sa.LargeBinary(), nullable=True),
)
"""One row per event; ``data`` is the canonical JSON of :meth:`invorder.Codec.event_to_dict`
(see :mod:`invorder.chain`) and ``chain`` the event's chain hash (``NULL`` in rows written
before this column existed: those are "unchained", see :meth:`SqlEventStore.chain_log`)."""

movements_table = sa.Table(
    "invorder_movements",
    metadata,
    sa.Column("position", _POSITION, primary_key=True, autoincrement=False),
    sa.Column("ordinal", sa.Integer(), primary_key=True, autoincrement=False),
    sa.Column("sku", sa.Text(), nullable=False),
    sa.Column("at", sa.Text(), nullable=False),
    sa.Column("key", sa.Text(), nullable=False),
    sa.Column("operation", sa.Text(), nullable=False),
    sa.Column("quantity", sa.BigInteger(), nullable=False),
    sa.Column("source", sa.Text(), nullable=False),
    sa.Column("source_bucket", sa.Text(), nullable=False),
    sa.Column("destination", sa.Text(), nullable=False),
    sa.Column("destination_bucket", sa.Text(), nullable=False),
    sa.Column("reason", sa.Text(), nullable=False),
    sa.Column("reference", sa.Text(), nullable=False),
    # Rows kept in key order: an append adds to the end, as the log does. Keyed by SKU, a
    # SKU's history read a quarter faster, but each append wrote to as many places in the
    # table as it had SKUs: inserts 9 times slower on a table of 200,000 rows.
    sqlite_with_rowid=False,
)
"""One row per movement of each journal entry (``ordinal``: its place in the entry), with
the entry's SKU, time (ISO 8601), key and operation, keyed by log position: what
``Engine.history()`` reads (the ledger knows the positions of a SKU's entries), written in
the append's transaction (see :class:`~invorder.ports.ReadsMovements`). It is an index of
the log, not part of it: the hash chain does not cover it (``Engine.verify()`` compares
it with the log), and an entry missing from it is read from the log."""

snapshots_table = sa.Table(
    "invorder_snapshots",
    metadata,
    sa.Column("position", _POSITION, primary_key=True, autoincrement=False),
    sa.Column("data", sa.LargeBinary(), nullable=False),
)
"""The latest engine snapshot (older ones are deleted when a newer one is saved)."""

head_table = sa.Table(
    "invorder_head",
    metadata,
    sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
    sa.Column("head", _POSITION, nullable=False),
    sa.Column("chain", sa.LargeBinary(), nullable=True),
)
"""One row (``id`` 0): the log's head and its chain hash after the last append, written in
the append's transaction (see :meth:`SqlEventStore.last_head`). It outlives a ``DELETE`` of
the events, so an emptied or rolled-back log is told apart from a new one."""

checkpoints_table = sa.Table(
    "invorder_checkpoints",
    metadata,
    sa.Column("consumer", sa.Text(), primary_key=True),
    sa.Column("position", _POSITION, nullable=False),
)
"""One row per consumer of the notification feed: the log position it has delivered up to
(see :class:`~invorder.adapters.sql.SqlCheckpointStore`)."""

_BEGIN_OPTION = "invorder_sqlite_begin"


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


class SqlStore:
    """What the SQL stores share: the SQLAlchemy engine they use, and closing it.

    A store opened on a URL makes its engine with :func:`sql_engine`; one given an engine
    uses it. Use a store as a context manager, or call :meth:`close`, so that its database
    connections are closed when the host is done with it rather than when the garbage
    collector finds them (Python 3.13 warns about a SQLite connection never closed).
    """

    __slots__ = ("_engine",)

    def __init__(self, target: str | sa.Engine, set_up: Callable[[sa.Engine], None]) -> None:
        self._engine = sql_engine(target) if isinstance(target, str) else target
        try:
            set_up(self._engine)
        except BaseException:
            if isinstance(target, str):  # an engine of its own, that no one else can close
                self._engine.dispose()
            raise

    @property
    def engine(self) -> sa.Engine:
        """The SQLAlchemy engine the store uses."""
        return self._engine

    def close(self) -> None:
        """Close the database connections the store's engine keeps open (SQLAlchemy's
        ``Engine.dispose``). Stores that share an engine (:func:`invorder.sqlite` gives
        the log and the snapshots one) are all closed by it. The store stays usable: a
        later call opens a new connection."""
        self._engine.dispose()

    def __enter__(self) -> Self:
        """The store itself; :meth:`close` is called when the ``with`` block ends."""
        return self

    def __exit__(self, *exception: object) -> None:
        """Close the store (see :meth:`close`), whether or not the block raised."""
        self.close()


def writing(engine: sa.Engine) -> sa.Connection:
    """A connection whose transactions take the write lock at once (``BEGIN IMMEDIATE`` on
    SQLite), so that concurrent writers queue instead of failing."""
    return engine.connect().execution_options(**{_BEGIN_OPTION: "IMMEDIATE"})


_KEEP_HEAD = sa.update(head_table).where(head_table.c.id == 0)
_SQLITE_KEEP_HEAD = "UPDATE invorder_head SET head = ?, chain = ? WHERE id = 0"


def keep_head(connection: sa.Connection, head: int, chain: bytes | None, sqlite: bool) -> None:
    """In an append's transaction: record the head it leaves and its chain hash, so that a
    log found shorter later was cut (the first append of a database inserts the row). The
    driver's own statement on SQLite: Core's per-call overhead cost a quarter of a single
    append."""
    if sqlite:
        updated = connection.exec_driver_sql(_SQLITE_KEEP_HEAD, (head, chain)).rowcount
    else:
        updated = connection.execute(_KEEP_HEAD, {"head": head, "chain": chain}).rowcount
    if not updated:
        connection.execute(sa.insert(head_table), {"id": 0, "head": head, "chain": chain})


def has_chain_column(engine: sa.Engine, *, add: bool) -> bool:
    """Whether the events table has (or, with ``add``, now has) the chain column."""
    # A table created by an earlier version has no chain column: add it (nullable: the old
    # rows are unchained) when the store may change the schema, else keep no chain.
    inspector = sa.inspect(engine)
    if not inspector.has_table(events_table.name):
        return True  # the host creates it from ``metadata``, with the column
    if any(column["name"] == "chain" for column in inspector.get_columns(events_table.name)):
        return True
    if not add:
        return False
    kind = events_table.c.chain.type.compile(dialect=engine.dialect)
    try:
        with writing(engine) as connection, connection.begin():
            connection.exec_driver_sql(f"ALTER TABLE {events_table.name} ADD COLUMN chain {kind}")
    except sa.exc.DBAPIError:  # another process added it first
        columns = sa.inspect(engine).get_columns(events_table.name)
        if not any(column["name"] == "chain" for column in columns):
            raise
    return True
