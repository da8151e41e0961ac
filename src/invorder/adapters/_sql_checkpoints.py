"""The feed checkpoints in SQL: one row per consumer, moved by compare-and-set in the
database, so that two processes consuming under one name never both move it."""

from __future__ import annotations

import sqlalchemy as sa

from invorder.adapters._sql_errors import mapped
from invorder.adapters._sql_schema import SqlStore, checkpoints_table, metadata, writing
from invorder.domain.errors import CheckpointConflictError


class SqlCheckpointStore(SqlStore):
    """A :class:`~invorder.ports.CheckpointStore` in a SQL database (the events' own, or
    another): table ``invorder_checkpoints``.

    :meth:`advance` updates the row only where it still holds the expected position (a
    consumer's first advance inserts it), in one transaction: on PostgreSQL a second
    consumer's update waits for the first and then finds the row moved, on SQLite writers
    queue; either way one of them gets :class:`~invorder.errors.CheckpointConflictError`.
    """

    __slots__ = ()

    def __init__(self, target: str | sa.Engine, *, create: bool = True) -> None:
        def create_table(engine: sa.Engine) -> None:
            if create:
                with mapped("open its tables"):
                    metadata.create_all(engine, tables=[checkpoints_table])

        super().__init__(target, create_table)

    def load(self, consumer: str) -> int:
        """The checkpoint of ``consumer`` (0 if it never advanced)."""
        table = checkpoints_table
        query = sa.select(table.c.position).where(table.c.consumer == consumer)
        with mapped("load a feed checkpoint"), self._engine.connect() as connection:
            found = connection.execute(query).scalar()
        return 0 if found is None else int(found)

    def advance(self, consumer: str, expected: int, position: int) -> None:
        """Set the checkpoint to ``position`` if it is still ``expected``."""
        table = checkpoints_table
        moved = (
            sa.update(table)
            .where(table.c.consumer == consumer, table.c.position == expected)
            .values(position=position)
        )
        current = sa.select(table.c.position).where(table.c.consumer == consumer)
        with (
            mapped("advance a feed checkpoint"),
            writing(self._engine) as connection,
            connection.begin(),
        ):
            if connection.execute(moved).rowcount == 1:
                return
            found = connection.execute(current).scalar()
            if found is None and expected == 0:
                try:
                    with connection.begin_nested():
                        row = {"consumer": consumer, "position": position}
                        connection.execute(sa.insert(table), row)
                    return
                except sa.exc.IntegrityError:  # another consumer inserted it first
                    found = connection.execute(current).scalar()
        raise CheckpointConflictError(consumer, expected, 0 if found is None else int(found))
