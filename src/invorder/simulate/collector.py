"""Fewer garbage collections during bulk work (a simulation run, a replay into a fork): it
keeps almost every object it makes, so CPython's default young-generation threshold has the
collector scan a growing heap and find nothing, and each full collection walks all it kept.

The library never changes the process-wide collector settings on its own (a host's process
is the host's); the simulation, an application, does for the length of a run, and hosts
can do the same around their own bulk work (``docs/performance.md`` has the recipe).
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable, Iterator

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


@contextlib.contextmanager
def kept_out_of_reach() -> Iterator[Callable[[], None]]:
    """For bulk work that keeps what it makes: gives a ``keep()`` that moves every object
    the collector tracks so far out of its reach (``gc.freeze()``), so that later full
    collections stop walking the state already kept; at the end of the block everything
    frozen is handed back to the collector (``gc.unfreeze()``), to be collected as usual.

    CPython cannot hand back part of what is frozen: objects frozen before the block (a
    few hundred by CPython 3.12 itself at start-up, or a host's own) are handed back too.
    A host that freezes its own state calls ``gc.freeze()`` again after the run. While
    the collector is off, ``keep()`` does nothing and nothing is handed back.
    """
    if not gc.isenabled():
        yield _nothing
        return
    try:
        yield gc.freeze
    finally:
        gc.unfreeze()


def _nothing() -> None:
    return None
