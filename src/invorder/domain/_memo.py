"""A cache a decision derives from the projection that holds it, and that no copy of the
projection inherits: a fork, or the spare copy a batch is undone from, starts it empty."""

from __future__ import annotations

from typing import Any


class Memo(dict[Any, Any]):
    """A dict of values derived from the state of the projection holding it, each only
    true of that object's own history of folds. It is not state: never compared, never
    saved in a snapshot, and a copy of it (or a pickled one read back) is empty, so what a
    copy of the projection holds is always derived from the copy's own history."""

    __slots__ = ()

    def __copy__(self) -> Memo:
        return Memo()

    def __deepcopy__(self, memo: dict[int, Any]) -> Memo:
        return Memo()

    def __reduce__(self) -> tuple[type[Memo], tuple[()]]:
        return (Memo, ())

    def copy(self) -> Memo:
        """An empty memo (see the class)."""
        return Memo()
