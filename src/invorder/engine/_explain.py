"""Why an order went where it went, asked after the fact: the command that allocated it is
decided again on the state the log had just before it, and the routing rule's plan for the
order (with its explanation) is kept. Nothing is stored on the events for this."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from invorder.domain import _checks
from invorder.domain.errors import InvalidFieldError
from invorder.domain.model import State, decide
from invorder.domain.orders.allocator import AllocationRequest, AllocatorAnswer
from invorder.domain.orders.events import OrderAllocated
from invorder.engine.allocation import (
    Policies,
    RoutingAllocator,
    answer_of,
    install_policies,
)
from invorder.ports import EventStore
from invorder.routing import AllocationPlan


def explain_allocation(
    store: EventStore, policies: Policies, order: str, which: int = -1
) -> AllocationPlan | None:
    """The routing rule's plan for allocation ``which`` of ``order`` (``-1``: the latest,
    ``0``: the first), or ``None`` when the engine has no routing rule, the order has no
    such allocation, or a person chose its warehouse (``MoveAllocation``). The log is read
    twice, streaming: once to find the allocation, once to rebuild the state before it."""
    _checks.lookup("order", order)
    if type(which) is not int:
        raise InvalidFieldError(
            "which", which, "an allocation's index (0 the first, -1 the latest)"
        )
    if policies[0] is None:
        return None
    found: list[tuple[int, OrderAllocated]] = []  # (first position of its command, event)
    run_start, last_key = 0, None
    for event in store.read(0):
        if event.key != last_key:
            run_start, last_key = event.position, event.key
        if type(event) is OrderAllocated and event.order == order:
            found.append((run_start, event))
    if not -len(found) <= which < len(found):  # none, or not that many
        return None
    start, target = found[which]
    state = State()
    install_policies(state, *policies)
    for event in store.read(0, start):
        state.apply(event)
    allocator = state.allocator
    assert isinstance(allocator, RoutingAllocator)
    plans: list[AllocationPlan] = []

    def listening(
        request: AllocationRequest,
    ) -> Mapping[str, Sequence[tuple[str, int]]] | AllocatorAnswer:
        # Planned now, explained: the request reads the outcome's running counts.
        plan = allocator.plan(request)
        if request.order.order_id == order:
            plans.append(plan)  # the last one is the one kept (a trial may come first)
        return answer_of(plan)

    state.allocator = listening
    decide(state, target.command, start)
    return plans[-1] if plans else None
