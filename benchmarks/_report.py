"""How the benchmark scripts end: each figure on a line of its own, then one JSON object
(``{"benchmark": ..., "python": ..., "figures": {...}}``) that a program can compare."""

from __future__ import annotations

import json
import platform
from collections.abc import Mapping


def print_figures(benchmark: str, figures: Mapping[str, object]) -> None:
    """Print ``figures`` as ``name: value`` lines, then the benchmark's JSON line."""
    for name, value in figures.items():
        print(f"{name}: {value}")
    print(json.dumps({"benchmark": benchmark, "python": platform.python_version(),
                      "figures": dict(figures)}))  # fmt: skip
