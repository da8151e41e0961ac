"""A read-only, hashable, picklable mapping for the mappings inside routing values, and a
mixin for frozen values whose costly fields are computed only when first read."""

from __future__ import annotations

from collections.abc import Callable, ItemsView, Iterator, KeysView, Mapping, ValuesView
from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload

K = TypeVar("K")
V = TypeVar("V")
D = TypeVar("D")


class FrozenMap(Mapping[K, V], Generic[K, V]):
    """A mapping that cannot change after it is built; keys keep the order given."""

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[K, V] | None = None) -> None:
        self._data: dict[K, V] = dict(data or {})

    def __getitem__(self, key: K) -> V:
        return self._data[key]

    def __iter__(self) -> Iterator[K]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, key: object) -> bool:
        return key in self._data

    @overload
    def get(self, key: K, /) -> V | None: ...

    @overload
    def get(self, key: K, default: V | D, /) -> V | D: ...

    def get(self, key: K, default: Any = None, /) -> Any:
        """The value for ``key``, or ``default``."""
        return self._data.get(key, default)

    def keys(self) -> KeysView[K]:
        """The keys, in order."""
        return self._data.keys()

    def items(self) -> ItemsView[K, V]:
        """The (key, value) pairs, in order."""
        return self._data.items()

    def values(self) -> ValuesView[V]:
        """The values, in order."""
        return self._data.values()

    def __eq__(self, other: object) -> bool:
        if isinstance(other, FrozenMap):
            return self._data == other._data
        if isinstance(other, Mapping):
            return self._data == dict(other.items())
        return NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(self._data.items()))

    def __repr__(self) -> str:
        return f"FrozenMap({self._data!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (FrozenMap, (self._data,))


def frozen_sorted(value: Mapping[Any, Any]) -> FrozenMap[Any, Any]:
    """``value`` as a :class:`FrozenMap` with its keys sorted."""
    return FrozenMap(dict(sorted(value.items())))


PENDING = "_pending_fields"
"""The instance-dict key of a :class:`Deferred` value's pending builder."""


class Deferred:
    """Mixin for frozen attrs classes declared with ``slots=False``: an instance made by
    :meth:`_deferred` holds some fields as given and computes the others on first read.

    Reading any pending field (directly, or through ``==``, ``hash``, ``repr``,
    ``attrs.evolve``, pickling or copying) runs the builder once and stores its values, so
    a deferred instance is indistinguishable from one built eagerly with the same values.
    """

    @classmethod
    def _deferred(cls: type[D], build: Callable[[], Mapping[str, Any]], /, **ready: Any) -> D:
        """An instance with the ``ready`` fields set and the rest filled by ``build()``."""
        instance = object.__new__(cls)
        state = instance.__dict__
        state.update(ready)
        state[PENDING] = build
        return instance

    def _resolve(self) -> None:
        state = self.__dict__
        build = state.get(PENDING)
        if build is not None:
            state.update(build())
            del state[PENDING]

    @property
    def _is_pending(self) -> bool:
        return PENDING in self.__dict__

    def __getstate__(self) -> dict[str, Any]:
        self._resolve()
        return dict(self.__dict__)

    if not TYPE_CHECKING:  # hidden from mypy so that misspelt attributes stay type errors

        def __getattr__(self, name: str) -> Any:
            if name.startswith("__"):
                raise AttributeError(name)
            state = self.__dict__
            if PENDING in state:
                self._resolve()
                if name in state:
                    return state[name]
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
