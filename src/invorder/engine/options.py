"""The keyword options an :class:`~invorder.engine.Engine` takes besides its stores, as a
typed dict: the shortcuts ``invorder.in_memory()`` and ``invorder.sqlite()`` pass them on
with their names and types checked by a type checker."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypedDict

from invorder.domain.orders.order import Order
from invorder.routing import LocationFacts, RoutingRule


class EngineOptions(TypedDict, total=False):
    """What :class:`~invorder.engine.Engine` takes after its event store and ``snapshots``;
    each key is optional and means what the engine's parameter of that name means."""

    max_attempts: int
    """Decisions made again after another writer appended first (default 5)."""
    routing_rule: RoutingRule | None
    """The rule that decides which warehouse ships what (``None``: each line from the first
    location, by name, that can ship all of it, else spread over them in name order)."""
    location_facts: Mapping[str, LocationFacts] | None
    """What the routing rule is told of each location besides its stock (coordinates,
    channels and kinds served, capacity); read only with a ``routing_rule``."""
    backorder_priority: Callable[[Order], Any] | None
    """Sort key of the orders waiting for stock (``None``: the built-in priority)."""
    allow_empty: bool
    """Accept a log shorter than its store once held instead of refusing it."""
    rejection_cache: int
    """How many rejected keys are kept decoded in memory (0: none)."""
