"""A what-if branch of an engine: a new engine on a copy of its log so far, whose
projections are copied rather than replayed (the simulation's forks; a host trying a
change before making it)."""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from typing import Any, Protocol, TypeVar

from invorder.domain.orders.order import Order
from invorder.engine._replica import Replica
from invorder.engine._writer import Writer
from invorder.ports import EventStore
from invorder.routing import LocationFacts, RoutingRule


class Parts(Protocol):
    """What the engine's helper modules (branching here, closing in ``_closing``) read of
    an engine: its own parts (the engine is their only user)."""

    _replica: Replica
    _store: EventStore
    _writer: Writer


E = TypeVar("E", bound=Parts)


class Same(enum.Enum):
    """The marker of a policy a branch keeps from its engine."""

    SAME = "same"


SAME = Same.SAME
"""A branch keeps the engine's policy (the default of each of :func:`branch`'s)."""


def branch(
    engine: E,
    store: EventStore,
    *,
    routing_rule: RoutingRule | Same | None = SAME,
    location_facts: Mapping[str, LocationFacts] | Same | None = SAME,
    backorder_priority: Callable[[Order], Any] | Same | None = SAME,
) -> E:
    """A new engine on ``store``, which must hold this engine's log up to its position and
    nothing more (``MemoryEventStore(list(engine.events()))``: the events are shared, they
    are immutable), with copies of its projections: as if a new engine had replayed
    ``store``, at a fraction of the cost. The policies given replace the engine's (the
    routing rule a what-if tries); the others are kept. No snapshot store: the branch is
    for trying, not for keeping. Raises ``ValueError`` for a store that does not hold this
    log (another head, or another last event)."""
    replica = engine._replica
    position = replica.position
    if store.head() != position:
        raise ValueError(f"the branch's store holds {store.head()} events, the engine "
                         f"{position}: give it the engine's log")  # fmt: skip
    if position and list(store.read(position - 1, position)) != list(
        engine._store.read(position - 1, position)
    ):
        raise ValueError("the branch's store holds another log than the engine's")
    rule, facts, priority = replica.policies
    policies = (
        rule if routing_rule is SAME else routing_rule,
        facts if location_facts is SAME else location_facts,
        priority if backorder_priority is SAME else backorder_priority,
    )
    writer = engine._writer
    new = object.__new__(type(engine))
    object.__setattr__(new, "_store", store)
    object.__setattr__(new, "_replica", replica.branch(store, policies))
    object.__setattr__(new, "_writer", Writer(store, new._replica, writer.max_attempts,
                                              writer.rejections.size))  # fmt: skip
    return new
