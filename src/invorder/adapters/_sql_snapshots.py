"""Engine snapshots in SQL: the latest one kept, beside the events or in another database."""

from __future__ import annotations

import sqlalchemy as sa

from invorder.adapters._sql_errors import mapped
from invorder.adapters._sql_schema import SqlStore, metadata, snapshots_table, writing


class SqlSnapshotStore(SqlStore):
    """A :class:`~invorder.ports.SnapshotStore` in the same database as the events."""

    __slots__ = ()

    def __init__(self, target: str | sa.Engine, *, create: bool = True) -> None:
        def create_tables(engine: sa.Engine) -> None:
            if create:
                with mapped("open its tables"):
                    metadata.create_all(engine)

        super().__init__(target, create_tables)

    def save(self, position: int, data: bytes) -> None:
        """Keep ``data`` as the snapshot at ``position``; older snapshots are deleted."""
        table = snapshots_table
        with mapped("save a snapshot"), writing(self._engine) as connection, connection.begin():
            connection.execute(sa.delete(table).where(table.c.position <= position))
            connection.execute(sa.insert(table), {"position": position, "data": bytes(data)})

    def load(self) -> tuple[int, bytes] | None:
        """The snapshot with the highest position, or ``None``."""
        table = snapshots_table
        query = sa.select(table.c.position, table.c.data).order_by(table.c.position.desc())
        with mapped("load the snapshot"), self._engine.connect() as connection:
            row = connection.execute(query.limit(1)).first()
        return None if row is None else (int(row[0]), bytes(row[1]))
