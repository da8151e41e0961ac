"""What the benchmark scripts share: how they end (each figure on a line of its own, then one
JSON object ``{"benchmark": ..., "python": ..., "figures": {...}}`` that a program can
compare), and a recorder of the collector's pauses."""

from __future__ import annotations

import gc
import json
import platform
import time
from collections.abc import Mapping


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
