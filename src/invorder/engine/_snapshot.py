"""Snapshots of the engine's projections in a versioned JSON format (never pickle): saved
with the log position and last key they fit, restored only when they fit and read whole.

The bytes are one header line, a JSON object in ASCII (``format``, ``schema``,
``encoding``, ``position``, ``last_key``, ``chain``, ``size``), then the body: the JSON object of
:mod:`invorder.engine._snapshot_body`, UTF-8, zlib-compressed, ``size`` bytes once
inflated. A snapshot of an older ``schema`` is brought up to date by the functions in
:data:`UPCASTERS`; one that cannot be read or does not fit the log is refused with a reason
(:class:`RefusedError`) and the engine replays the log instead. ``chain`` is the log's
chain hash at ``position`` in hex (``null`` if the store keeps none): a store that keeps the
chain must give the same hash, or the snapshot is of another log or of this one before it
was rolled back.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

import attrs

from invorder.domain.model import State
from invorder.engine._chain import kept_chain
from invorder.engine._idempotency import KeyIndex
from invorder.engine._snapshot_body import export_state, import_state
from invorder.ports import EventStore, SnapshotStore

FORMAT = "invorder-snapshot"
"""The ``format`` of every snapshot header; bytes with another one are not read."""
SCHEMA = 4
"""The schema version of the body this version writes."""
ENCODING = "json+zlib"
"""How the body is written: JSON, UTF-8, compressed with zlib."""

Upcaster = Callable[[dict[str, Any]], dict[str, Any]]
"""Turns the body of a snapshot at schema version N into the body at version N + 1."""


def _placed_reservations(body: dict[str, Any]) -> dict[str, Any]:
    """Schema 1 -> 2: a reservation records where its received units are (``placed``). A
    schema 1 reservation held them all at its own location."""
    reservations = body["reservations"]
    records = []
    for record in reservations["reservations"]:
        backed = (record["quantity"] - record.get("committed", 0) - record.get("released", 0)
                  - record.get("expired", 0) - record.get("incoming", 0))  # fmt: skip
        placed = sorted([leaf, record["location"], per * backed] for leaf, per in record["leaves"])
        records.append({**record, "placed": placed if backed else []})
    return {**body, "reservations": {**reservations, "reservations": records}}


def _price_lists_and_invoices(body: dict[str, Any]) -> dict[str, Any]:
    """Schema 2 -> 3: the price lists and invoicing projections (empty before there were
    any)."""
    invoices: dict[str, list[Any]] = {"policies": [], "invoices": [], "credit_notes": []}
    return {**body, "prices": {"records": []}, "invoices": invoices}


def _payments(body: dict[str, Any]) -> dict[str, Any]:
    """Schema 3 -> 4: the payments projection (no payment before there were any)."""
    return {**body, "payments": {"records": []}}


UPCASTERS: Mapping[int, Upcaster] = MappingProxyType(
    {1: _placed_reservations, 2: _price_lists_and_invoices, 3: _payments}
)
"""The registered upcasters, by the schema version they read (schema 1 is the first JSON
schema). A snapshot whose chain has a missing link is refused (and the log replayed): add a
function here when the body changes shape."""

_LEVEL = 1  # zlib: the fastest level; inflating takes the same time at any level
_PROBLEM_LIMIT = 200  # a reason quotes the first problem, not a megabyte of it
_HEADER_LIMIT = 1 << 16  # the header is short; a longer first line is not a snapshot
_PICKLE = 0x80  # the first byte of a pickle (protocol 2 and later): earlier versions wrote them


class SnapshotWarning(UserWarning):
    """A snapshot the engine found and did not use (it replayed the log instead): the
    message says why. The same reason is in :attr:`StartupReport.refused`."""


@attrs.frozen(kw_only=True)
class StartupReport:
    """What the engine read the last time it loaded its projections (at start-up or on
    :meth:`~invorder.Engine.reload`; a batch that loses a race loads nothing).

    Invariant: ``snapshot`` is ``None`` or the position the replay started from;
    ``refused`` is empty when no snapshot was found or the one found was used.
    """

    snapshot: int | None = None
    """The log position of the snapshot the projections were restored from; ``None``: they
    were replayed from the start of the log."""
    refused: str = ""
    """Why the snapshot found was not used (it does not fit the log, is of another format or
    a newer schema, or cannot be read); empty if none was refused."""
    replayed: int = 0
    """Events folded from the log after the snapshot (the whole log without one)."""
    chain: str = "not kept"
    """What of the log's hash chain was checked: ``"checked"`` (the snapshot's hash and
    every event read, each against the one before), ``"kept"`` (the store keeps the chain
    but reads no hashes with its events, like the memory store: the snapshot's hash was
    checked), ``"not kept"`` (a store without the chain, or a log written before hashes
    were kept: nothing was checked)."""


class RefusedError(Exception):
    """A snapshot that is not restored, and why (the engine replays the log instead)."""


def save(
    snapshots: SnapshotStore, store: EventStore, position: int, state: State, keys: KeyIndex
) -> None:
    """Save ``state`` and ``keys``, the projections of the first ``position`` events."""
    last, chain = last_key(store, position), kept_chain(store, position)
    snapshots.save(position, encode(position, last, state, keys, chain))


def encode(
    position: int, last: str | None, state: State, keys: KeyIndex, chain: bytes | None = None
) -> bytes:
    """The snapshot bytes of ``state`` and ``keys`` at ``position`` (``last``: the key of
    the event before it; ``chain``: the log's chain hash there, if kept)."""
    body = json.dumps(export_state(state, keys), separators=(",", ":")).encode("ascii")
    return envelope(SCHEMA, position, last, body, chain)


def envelope(
    schema: int, position: int, last: str | None, body: bytes, chain: bytes | None = None
) -> bytes:
    """The header line and the compressed ``body`` (JSON bytes of schema ``schema``)."""
    header = {"format": FORMAT, "schema": schema, "encoding": ENCODING, "position": position,
              "last_key": last, "chain": None if chain is None else chain.hex(),
              "size": len(body)}  # fmt: skip
    return json.dumps(header).encode("ascii") + b"\n" + zlib.compress(body, _LEVEL)


def restore(
    store: EventStore, position: int, data: bytes, upcasters: Mapping[int, Upcaster] | None = None
) -> tuple[State, KeyIndex]:
    """The state and key index a snapshot saved at ``position`` holds (``upcasters``:
    :data:`UPCASTERS` unless given).

    Raises :class:`RefusedError` if it does not fit this log (another log, a shorter or
    rolled-back one), is not of this format, is of a newer schema or of an older one without
    upcasters, or cannot be read whole.
    """
    # The log is the truth and a replay is always correct: any doubt refuses the snapshot.
    if type(position) is not int or not isinstance(data, bytes | bytearray | memoryview):
        raise RefusedError(f"the snapshot store gave a {type(data).__name__} at {position!r}")
    data = bytes(data)  # a host's store may give a buffer; only bytes have find()
    head = store.head()
    if position > head:
        raise RefusedError(f"it was taken at position {position} but the log holds {head} events")
    header, start = read_header(data)
    if header.get("position") != position:
        raise RefusedError(f"it says position {header.get('position')!r}, the store {position}")
    if header.get("last_key") != last_key(store, position):
        raise RefusedError("its last key is not the log's at that position: it is of another log")
    check_chain(header, kept_chain(store, position), position)
    schema = header.get("schema")
    upcasters = UPCASTERS if upcasters is None else upcasters
    if type(schema) is not int or schema > SCHEMA:
        raise RefusedError(f"schema {schema!r} is not one this version reads (up to {SCHEMA})")
    if schema < SCHEMA and any(v not in upcasters for v in range(schema, SCHEMA)):
        raise RefusedError(f"schema {schema} is older than {SCHEMA} and no upcaster reads it")
    try:
        body = read_body(data, start, header)
        for version in range(schema, SCHEMA):
            body = upcasters[version](body)
        return import_state(body, position)
    except Exception as error:  # bytes from a store can fail in many ways: all mean "replay"
        problem = f"{type(error).__name__}: {error}"
        if len(problem) > _PROBLEM_LIMIT:
            problem = problem[: _PROBLEM_LIMIT - 3] + "..."
        raise RefusedError(f"its body cannot be read ({problem})") from error


def check_chain(header: Mapping[str, Any], kept: bytes | None, position: int) -> None:
    """Raise :class:`RefusedError` unless the header's chain hash is ``kept``, the log's at
    ``position`` (nothing to check when the log keeps none there)."""
    if kept is None:
        return
    recorded = header.get("chain")
    if recorded is None:
        raise RefusedError("it records no chain hash (an earlier version, or an engine on a "
                           "store that keeps none, took it), so it cannot be proven to fit "
                           "the log")  # fmt: skip
    if recorded != kept.hex():
        raise RefusedError(f"its chain hash is not the log's at position {position}: it was "
                           f"taken from another log, or from this one before it was rolled "
                           f"back and grew again")  # fmt: skip


def read_header(data: bytes) -> tuple[dict[str, Any], int]:
    """The header of snapshot ``data`` and where its body starts; raises
    :class:`RefusedError` if the bytes do not start with a header of this format (an
    old pickle among them)."""
    if data[:1] == bytes([_PICKLE]):
        raise RefusedError("it is a pickle (the format of earlier versions), which is never read")
    end = data.find(b"\n", 0, _HEADER_LIMIT)
    try:
        header = json.loads(data[:end]) if end > 0 else None
    except ValueError:  # not JSON, not UTF-8
        header = None
    if type(header) is not dict or header.get("format") != FORMAT:
        raise RefusedError(f"it is not an {FORMAT} header")
    if header.get("encoding") != ENCODING:
        raise RefusedError(f"its encoding {header.get('encoding')!r} is not {ENCODING!r}")
    return header, end + 1


def read_body(data: bytes, start: int, header: Mapping[str, Any]) -> Any:
    """The JSON body of ``data`` after ``start``, of exactly the header's ``size`` bytes."""
    size = header.get("size")
    if type(size) is not int or size < 0:
        raise ValueError(f"the header's size {size!r} is not a byte count")
    inflate = zlib.decompressobj()
    # At most ``size + 1`` bytes: a body larger than its header says is refused before it
    # fills memory.
    raw = inflate.decompress(memoryview(data)[start:], size + 1)
    if len(raw) != size or not inflate.eof or inflate.unused_data:
        raise ValueError(f"the body is not the {size} bytes the header gives")
    return json.loads(raw)


def last_key(store: EventStore, position: int) -> str | None:
    """The idempotency key of the event just before ``position`` (``None`` at 0)."""
    if position == 0:
        return None
    for event in store.read(position - 1, position):
        return event.key
    return None
