"""The suppliers projection: the last terms defined for each supplier."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from invorder.domain.messages import Event
from invorder.domain.purchasing.events import SupplierDefined
from invorder.domain.purchasing.supplier import Supplier


class Suppliers:
    """The suppliers projection: the last terms defined for each supplier."""

    FOLDS: ClassVar[frozenset[type]] = frozenset({SupplierDefined})
    """The event types :meth:`apply` folds (others leave it unchanged)."""

    __slots__ = ("_by_id",)

    def __init__(self) -> None:
        self._by_id: dict[str, Supplier] = {}

    def get(self, supplier: str) -> Supplier | None:
        """The supplier, or ``None``."""
        return self._by_id.get(supplier)

    def __iter__(self) -> Iterator[Supplier]:
        return iter(self._by_id.values())

    def apply(self, event: Event) -> None:
        """Fold one event (only ``SupplierDefined`` matters)."""
        if type(event) is SupplierDefined:
            assert isinstance(event, SupplierDefined)
            self.put(event.command.supplier)

    def put(self, supplier: Supplier) -> None:
        """Keep ``supplier`` as the definition of its id (the fold and a snapshot's import
        call it)."""
        self._by_id[supplier.supplier] = supplier
