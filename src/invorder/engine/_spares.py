"""Spare copies of the projections a batch folds into, kept with the events folded since, so
that a batch which loses its race is undone without replaying the log (see docs/reliability.md).

A copy duplicates every container and mutable record of a projection and shares its frozen
values (the orders, reservations, SKUs a fold replaces but never changes in place), so it
costs about one dictionary copy per container, far less than folding the log again.
"""

from __future__ import annotations

import copy
import enum
from array import array
from collections import OrderedDict, defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from types import BuiltinFunctionType, FunctionType, MethodType
from typing import Any, TypeVar

import attrs

from invorder.domain.messages import Event
from invorder.domain.model import PROJECTIONS, State

T = TypeVar("T")

FRESH_EVENTS = 4096
"""Events a copy may lag behind its projection before it is taken again (at least; more
for a projection whose copy costs more, see :func:`lag`)."""
_BULK = 32  # items a dictionary copy duplicates in the time of one object built in Python


@attrs.frozen
class _Probe:
    """A frozen attrs class: every frozen class shares its ``__setattr__``."""


_FROZEN_SETATTR = _Probe.__setattr__
_ATOMS: frozenset[type] = frozenset({
    int, float, complex, bool, str, bytes, type(None), Decimal, datetime, date, time,
    timedelta, frozenset, range, type, FunctionType, BuiltinFunctionType, MethodType,
})  # fmt: skip
_DICTS: frozenset[type] = frozenset({dict, defaultdict, OrderedDict})
_SKIPPED_SLOTS = frozenset({"__weakref__", "__dict__"})


_SHARED: set[type] = set(_ATOMS)
"""The types whose values are shared (never changed after they are built), as learnt: a
cache every copy shares. A set, so that testing a container's item types is one subset
test in C (a fork of a simulated day's projections tests about 100,000 containers)."""
_COPIED: set[type] = set()
"""The types whose values are copied, as learnt."""


def _shared(kind: type) -> bool:
    """Whether values of ``kind`` are shared rather than copied (learnt once per type)."""
    if kind in _SHARED:
        return True
    if kind in _COPIED:
        return False
    known = issubclass(kind, enum.Enum) or (
        attrs.has(kind) and getattr(kind, "__setattr__", None) is _FROZEN_SETATTR
    )
    (_SHARED if known else _COPIED).add(kind)
    return known


def _all_shared(values: Iterable[Any]) -> bool:
    kinds = set(map(type, values))
    return kinds <= _SHARED or all(map(_shared, kinds))


class _Copier:
    """One copy: the objects already copied (a value shared twice stays shared) and its
    cost in work units (one per object built here, one per ``_BULK`` items copied in bulk)."""

    __slots__ = ("memo", "work")

    def __init__(self) -> None:
        self.memo: dict[int, Any] = {}
        self.work = 0

    def copy(self, value: T) -> T:
        """``value`` itself if it is shared, else a copy of it and of what it holds."""
        kind = type(value)
        if kind in _SHARED or (kind not in _COPIED and _shared(kind)):
            return value
        done = self.memo.get(id(value))
        if done is not None:
            return done  # type: ignore[no-any-return]  # the copy of this very object
        result: Any
        if kind in _DICTS:
            mapping: dict[Any, Any] = value  # type: ignore[assignment]  # kind is a dict type
            result = mapping.copy()
            self.work += 1 + len(mapping) // _BULK
            if not _all_shared(mapping.values()):
                for key, item in result.items():
                    result[key] = self.copy(item)
        elif kind is tuple:
            items: tuple[Any, ...] = value  # type: ignore[assignment]  # kind is tuple
            self.work += 1 + len(items) // _BULK
            result = items if _all_shared(items) else tuple(self.copy(i) for i in items)
        elif kind is list:
            members: list[Any] = value  # type: ignore[assignment]  # kind is list
            self.work += 1 + len(members) // _BULK
            result = members.copy() if _all_shared(members) else [self.copy(i) for i in members]
        elif kind is set or kind is array:
            result = value.copy() if kind is set else value[:]  # type: ignore[attr-defined, index]  # kind is set or array
            self.work += 1 + len(result) // _BULK
        elif kind.__new__ is object.__new__:
            return self._record(value)
        else:  # a container of another kind (a Counter, a deque): copied whole, slowly
            result = copy.deepcopy(value, self.memo)
            self.work += 1 + len(result) if hasattr(result, "__len__") else 1
        self.memo[id(value)] = result
        return result  # type: ignore[no-any-return]  # of the same type as value

    def _record(self, value: T) -> T:
        # A mutable object of a plain class (a projection, a catalog, an order's alert
        # marks): a new one of its class, each slot or attribute copied. Its __init__ is
        # not run: the copy holds exactly what the original holds.
        kind = type(value)
        result = kind.__new__(kind)
        self.memo[id(value)] = result
        self.work += 1
        for klass in kind.__mro__:
            slots = klass.__dict__.get("__slots__", ())
            for name in (slots,) if isinstance(slots, str) else slots:
                if name not in _SKIPPED_SLOTS and hasattr(value, name):
                    object.__setattr__(result, name, self.copy(getattr(value, name)))
        for name, item in getattr(value, "__dict__", {}).items():
            object.__setattr__(result, name, self.copy(item))
        return result


def lag(work: int) -> int:
    """How many events a copy that cost ``work`` may lag before it is taken again. Folding
    an event costs several work units, so at twice the work, taking copies costs a small
    share of folding, and undoing a batch folds at most about as much as the copy is large."""
    return max(FRESH_EVENTS, 2 * work)


def duplicate(value: T) -> tuple[T, int]:
    """A copy of ``value`` that shares its frozen values, and its cost in work units."""
    copier = _Copier()
    return copier.copy(value), copier.work


def folds(projection: object) -> frozenset[type] | None:
    """The event types ``projection`` folds (``None``: every event), as ``State`` routes them."""
    found: frozenset[type] | None = getattr(type(projection), "FOLDS", None)
    return found


class Spares:
    """Copies of some projections of a state, each as it was some events ago, and the events
    folded into that state since the oldest copy was taken.

    Invariant: a copy of projection ``name`` taken at offset ``n`` of :attr:`since`, with
    ``since[n:]`` folded into it, equals the live projection (as long as every event folded
    into the live state was :meth:`record`-ed and no uncommitted event was).
    """

    __slots__ = ("copies", "since")

    def __init__(self) -> None:
        self.copies: dict[str, tuple[int, Any, int]] = {}
        """Per projection slot: the offset in :attr:`since` it was taken at, the copy, and
        what it cost (see :func:`duplicate`)."""
        self.since: list[Event] = []
        """The events folded since the oldest copy, in log order."""

    def record(self, events: Sequence[Event] | Iterable[Event]) -> None:
        """Note ``events``, just folded into the live state for good. Copies that lag too far
        are dropped (each is taken again when a batch needs it), so that :attr:`since` stays
        bounded while no batch runs."""
        copies = self.copies
        if not copies:
            return
        since = self.since
        since.extend(events)
        if len(since) > 2 * max(lag(work) for _, _, work in copies.values()):
            copies.clear()
            since.clear()

    def keep(self, state: State, name: str) -> None:
        """Make sure a fresh enough copy of projection ``name`` of ``state`` is kept; call it
        before the first uncommitted event is folded into it."""
        since = self.since
        kept = self.copies.get(name)
        if kept is not None:
            offset, _, work = kept
            if len(since) - offset <= lag(work):
                return
        if not self.copies:
            since.clear()
        spare, work = duplicate(getattr(state, name))
        self.copies[name] = (len(since), spare, work)
        self._trim()

    def restore(self, state: State, names: Iterable[str]) -> None:
        """Put back the projections ``names`` of ``state`` (changed by uncommitted events):
        each copy, brought level with the live state by the events folded since it. Each
        copy is used up."""
        since = self.since
        for name in names:
            offset, projection, _ = self.copies.pop(name)
            kinds = folds(projection)
            apply = projection.apply
            for event in since[offset:] if offset else since:
                if kinds is None or type(event) in kinds:
                    apply(event)
            setattr(state, name, projection)
        self._trim()

    def _trim(self) -> None:
        # The events before the oldest copy are needed by none.
        copies = self.copies
        if not copies:
            self.since.clear()
            return
        oldest = min(offset for offset, _, _ in copies.values())
        if oldest > len(self.since) // 2:
            del self.since[:oldest]
            for name, (offset, spare, work) in copies.items():
                copies[name] = (offset - oldest, spare, work)


_FOLDING: dict[type, tuple[str, ...]] = {}


def projections_folding(kind: type, state: State) -> tuple[str, ...]:
    """The projection slots of ``state`` that fold events of ``kind`` (as ``State.apply``
    routes them: by each projection's ``FOLDS``, or every event without one)."""
    names = _FOLDING.get(kind)
    if names is None:
        names = _FOLDING[kind] = tuple(
            name for name in PROJECTIONS
            if (kinds := folds(getattr(state, name))) is None or kind in kinds
        )  # fmt: skip
    return names
