"""Mutable records a projection keeps by id, shared copy-on-write with the engine's copies
of the projection (spare copies for batches, branches): the order book's orders, shipments
and returns, and the payments register's running amounts; and dicts of values never
changed in place, which those copies share whole."""

from __future__ import annotations

from typing import Any, Protocol, TypeVar


class _Record(Protocol):
    epoch: int

    def copy(self) -> Any: ...


R = TypeVar("R", bound=_Record)
K = TypeVar("K")
V = TypeVar("V")


class FrozenValues(dict[K, V]):
    """A dict whose values are never changed in place (frozen values, tuples of them): a
    value is replaced, never mutated. So its deep copy (the engine's spare copies of a
    projection, a branch) copies the dict alone and shares every value, in one step in C,
    where a plain dict's copy would look into each value to see whether it can be shared."""

    def __deepcopy__(self, memo: dict[int, Any]) -> FrozenValues[K, V]:
        return FrozenValues(self)


class Records(dict[str, R]):
    """The records of one kind by id, shared copy-on-write with its deep copies (how the
    engine keeps spare copies of a projection and branches one): a deep copy copies the
    dict alone and moves both dicts to a new epoch, so that a record stamped with an older
    one is shared and :meth:`mine` copies it before it changes."""

    epoch = 0
    """The epoch of this dict's own records (those only it holds)."""

    def __deepcopy__(self, memo: dict[int, Any]) -> Records[R]:
        self.epoch += 1
        other = Records(self)
        other.epoch = self.epoch
        return other

    def add(self, key: str, record: R) -> R:
        """Add a new record (this dict's own)."""
        record.epoch = self.epoch
        self[key] = record
        return record

    def mine(self, key: str) -> R:
        """The record under ``key``, to change: copied first if another dict shares it."""
        record = self[key]
        if record.epoch != self.epoch:
            record = self.add(key, record.copy())
        return record
