"""What the benchmark scripts share: how they end (each figure on a line of its own, then one
JSON object ``{"benchmark": ..., "python": ..., "figures": {...}}`` that a program can
compare), a recorder of the collector's pauses, and the memory a set of values holds."""

from __future__ import annotations

import enum
import gc
import json
import platform
import sys
import time
import types
from collections.abc import Iterable, Mapping

_SHARED = (type, types.ModuleType, types.FunctionType, enum.Enum)
"""What :func:`held_bytes` does not count: classes, modules, functions and enum members
(one each per process, whatever the values)."""


def print_figures(benchmark: str, figures: Mapping[str, object]) -> None:
    """Print ``figures`` as ``name: value`` lines, then the benchmark's JSON line."""
    for name, value in figures.items():
        print(f"{name}: {value}")
    print(json.dumps({"benchmark": benchmark, "python": platform.python_version(),
                      "figures": dict(figures)}))  # fmt: skip


class GcPauses:
    """Records how long each of CPython's collections takes while it is in a ``with``
    block: :attr:`longest_ms` is the longest pause a host would have seen, :attr:`count`
    how many collections ran."""

    def __init__(self) -> None:
        self.count = 0
        self.longest_ms = 0.0
        self._started = 0.0

    def _callback(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.count += 1
            self.longest_ms = max(self.longest_ms, (time.perf_counter() - self._started) * 1000)

    def __enter__(self) -> GcPauses:
        gc.callbacks.append(self._callback)
        return self

    def __exit__(self, *exc: object) -> None:
        gc.callbacks.remove(self._callback)


def held_bytes(values: Iterable[object]) -> int:
    """The bytes of every object reachable from ``values`` (``sys.getsizeof``), each object
    counted once however many values share it, less :data:`_SHARED` and ``None``,
    ``True`` and ``False``: what keeping ``values`` costs a process."""
    seen: set[int] = set()
    total = 0
    stack = list(values)
    referents = gc.get_referents
    while stack:
        value = stack.pop()
        ident = id(value)
        if ident in seen or value is None or value is True or value is False:
            continue
        seen.add(ident)
        if isinstance(value, _SHARED):
            continue
        total += sys.getsizeof(value)
        stack.extend(referents(value))
    return total
