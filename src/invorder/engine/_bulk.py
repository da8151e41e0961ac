"""Fewer garbage collections during bulk work (start-up replay, simulation runs), which
keeps many long-lived objects and leaves the collector little to find."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

BULK_YOUNG_THRESHOLD = 50_000
"""The young-generation threshold used during bulk work (CPython's default is 700)."""


@contextlib.contextmanager
def fewer_collections(young: int = BULK_YOUNG_THRESHOLD) -> Iterator[None]:
    """Raise the collector's young-generation threshold to ``young`` for the block, then put
    the previous thresholds back. Does nothing when the threshold is already that high or
    the collector is off, so nested blocks and a host's own tuning are left alone; if the
    host changes the thresholds inside the block, its change is kept."""
    before = gc.get_threshold()
    if before[0] >= young or not gc.isenabled():
        yield
        return
    during = (young, *before[1:])
    gc.set_threshold(*during)
    try:
        yield
    finally:
        if gc.get_threshold() == during:
            gc.set_threshold(*before)
