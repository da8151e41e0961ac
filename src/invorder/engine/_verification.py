"""Verification: the log's hash chain checked link by link, the engine's projections
checked against a replay of the log, a store's movements index against the log's
entries, each reserved balance against what open reservations hold, real accounts never
below zero, every SKU's accounts summing to zero, and each order line's allocated,
unshipped units against what the order's reservations hold."""

from __future__ import annotations

from collections import defaultdict

from invorder.chain import GENESIS
from invorder.domain.messages import Event
from invorder.domain.model import State
from invorder.domain.orders.ownership import named_order
from invorder.domain.stock.events import StockPosted
from invorder.domain.stock.ledger import Ledger
from invorder.domain.stock.movement import Bucket, Movement
from invorder.engine import _chain
from invorder.engine._replica import Replica
from invorder.ports import EventStore


def verify(replica: Replica) -> list[str]:
    """Every difference between ``replica`` and a replay of its store from empty up to the
    events it has folded (none: ``[]``): the hash chain (each broken link named by its
    position), projections, idempotency keys, gaps in the log, the head, the movements a
    store keeps beside the log, reserved drift, negative real accounts, SKUs whose
    accounts do not sum to zero, order drift.

    Safe beside other writers: the log is read up to the engine's position and the head is
    read before it, so events appended meanwhile (by another process) are neither compared
    with projections that have not folded them nor counted as a problem.
    """
    fresh = State()
    first_position: dict[str, int] = {}
    problems: list[str] = []
    count = 0
    store = replica.store
    head = store.head()
    stop = replica.position
    chained = _chain.reader(store)
    events = (store.read(0, stop) if chained is None
              else _chain.Links(chained, GENESIS, problems).read(0, stop))  # fmt: skip
    entries = _Entries(replica.store)
    for event in events:
        if event.position != count:
            problems.append(f"the log holds position {event.position} at index {count}")
        entries.add(event)
        fresh.apply(event)
        first_position.setdefault(event.key, event.position)
        count += 1
    problems.extend(chain_drift(replica, count))
    problems.extend(entries.drift(fresh.ledger))
    problems.extend(replica.state.differences(fresh))
    problems.extend(reserved_drift(replica.state))
    problems.extend(negative_balances(replica.state))
    problems.extend(unbalanced_skus(replica.state))
    problems.extend(order_drift(replica.state))
    if first_position != dict(replica.keys.items()):
        problems.append("the idempotency keys known to the engine differ from the log")
    if head < stop:
        problems.append(f"the store says its head is {head}, below the {stop} events the "
                        f"engine folded")  # fmt: skip
    if count != stop:
        problems.append(f"engine folded {stop} events, the store gave back {count}")
    return problems


class _Entries:
    """What a store that keeps movements beside the log (``postings``, see
    :class:`~invorder.ports.ReadsMovements`) should give back: a hash of each journal
    entry's movements of each SKU, in log order, as the log holds them (the positions of
    those entries are the replayed ledger's :meth:`~invorder.records.Ledger.history_positions`)."""

    __slots__ = ("hashes", "postings")

    def __init__(self, store: EventStore) -> None:
        self.postings = getattr(store, "postings", None)
        self.hashes: dict[str, list[int]] = defaultdict(list)

    def add(self, event: Event) -> None:
        """Note the movements of ``event`` if it is a journal entry."""
        if self.postings is None or not isinstance(event, StockPosted):
            return
        moved: dict[str, list[Movement]] = {}
        for movement in event.movements:
            moved.setdefault(movement.sku, []).append(movement)
        for sku, movements in moved.items():
            self.hashes[sku].append(hash((event.at, event.key, event.operation, tuple(movements))))

    def drift(self, ledger: Ledger) -> list[str]:
        """Each SKU whose entries the store gives back otherwise than the log holds them,
        with the first such position (entries the store does not keep are no drift);
        ``ledger`` is the replay of the entries :meth:`add` was given."""
        if self.postings is None:
            return []
        problems = []
        for sku in sorted(self.hashes):
            positions, hashes = ledger.history_positions(sku), self.hashes[sku]
            at = {position: n for n, position in enumerate(positions)}
            for entry in self.postings(sku, positions):
                n = at.get(entry.position)
                kept = hash((entry.at, entry.key, entry.operation, entry.movements))
                if n is None or kept != hashes[n]:
                    problems.append(f"the store's movements of {sku!r} at position "
                                    f"{entry.position} are not the log's")  # fmt: skip
                    break
        return problems


def chain_drift(replica: Replica, count: int) -> list[str]:
    """For a store that keeps the chain but reads no hashes with its events: whether the
    hash it keeps after ``count`` events is the one computed from them (none: ``[]``)."""
    store = replica.store
    keeping = _chain.keeper(store)
    if keeping is None or _chain.reader(store) is not None:
        return []  # no chain, or every link was checked while reading
    kept = keeping.chain_at(count)
    if kept is not None and kept != _chain.recomputed(store.read(0, count)):
        return [f"the chain hash the store keeps at position {count} is not the one "
                f"computed from its events"]  # fmt: skip
    return []


def reserved_drift(state: State) -> list[str]:
    """Where the reserved bucket of a real location differs from what open reservations
    hold there (none: ``[]``)."""
    problems: list[str] = []
    held: dict[tuple[str, str], int] = {}
    for r in state.reservations.open():
        for leaf, per in r.leaves:
            placed = sum(units for s, _place, units in r.placed if s == leaf)
            if placed != per * r.backed:
                problems.append(f"reservation {r.reservation!r} places {placed} of {leaf!r}, "
                                f"holds {per * r.backed} received")  # fmt: skip
        for leaf, place, units in r.placed:
            held[(leaf, place)] = held.get((leaf, place), 0) + units
    ledger = state.ledger
    for sku in sorted(ledger.skus_with_stock()):
        for account, quantity in ledger.balances(sku).items():
            if account.bucket is Bucket.RESERVED and not account.is_virtual:
                expected = held.pop((sku, account.location), 0)
                if quantity != expected:
                    problems.append(
                        f"{sku!r} at {account.location}: reserved {quantity}, "
                        f"open reservations hold {expected}"
                    )
    for (code, location), quantity in sorted(held.items()):
        if quantity:
            problems.append(f"{code!r} at {location}: reserved 0, open reservations hold "
                            f"{quantity}")  # fmt: skip
    return problems


def negative_balances(state: State) -> list[str]:
    """Every bucket of a real location below zero: units that are not there (none: ``[]``).
    Only the virtual accounts (``@supplier``, ``@customer``, ...) may go negative."""
    ledger = state.ledger
    return [
        f"{sku!r} at {account}: {quantity} (a real location cannot hold fewer than 0)"
        for sku in sorted(ledger.skus_with_stock())
        for account, quantity in ledger.balances(sku).items()
        if quantity < 0 and not account.is_virtual
    ]


def unbalanced_skus(state: State) -> list[str]:
    """Every SKU whose accounts do not sum to zero (double entry: each movement takes from
    one account what it gives another, so every SKU's balances sum to 0; none: ``[]``)."""
    ledger = state.ledger
    problems = []
    for sku in sorted(ledger.skus_with_stock()):
        total = sum(ledger.balances(sku).values())
        if total:
            problems.append(f"{sku!r}: its accounts sum to {total}, not 0 (a one-sided entry)")
    return problems


def order_drift(state: State) -> list[str]:
    """Where an order line's allocated, unshipped units differ from what the reservations
    its allocation made still hold (none: ``[]``)."""
    held: dict[tuple[str, str], int] = {}
    for r in state.reservations:
        owner = named_order(r.reservation)
        if owner is not None and r.reference.startswith(owner + "/"):
            key = (owner, r.reference[len(owner) + 1 :])
            held[key] = held.get(key, 0) + r.held
    problems: list[str] = []
    for order in state.orders:
        for line in order.lines:
            expected = line.allocated - line.shipped
            found = held.get((order.order_id, line.line_id), 0)
            if expected != found:
                problems.append(
                    f"order {order.order_id!r} line {line.line_id!r}: {expected} allocated and "
                    f"not shipped, its reservations hold {found}"
                )
    return problems
