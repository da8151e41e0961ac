"""The log's hash chain: each event's hash covers the hash before it and the event's
canonical bytes, so a row changed, lost, or copied from another log shows when read.

``link(previous, canonical(event))`` is SHA-256 over the previous hash (:data:`GENESIS`
before the first event) followed by the event's canonical bytes: the codec's dict of it
(:meth:`invorder.Codec.event_to_dict`) as compact JSON with sorted keys, UTF-8. Every store
computes the same hashes from the same events; any tool can recompute them (SHA-256 is
built into PostgreSQL, ``sha256sum`` and every language's standard library).
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Iterable
from typing import Any

from invorder.codec import Codec
from invorder.domain.messages import Event

GENESIS = bytes(32)
"""The chain hash of the empty log (32 zero bytes): the "previous hash" of position 0."""

_ENCODE = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, sort_keys=True).encode
_sha256 = hashlib.sha256


def canonical_json(data: dict[str, Any]) -> str:
    """The canonical JSON text of an event dict: compact, keys sorted, non-ASCII kept."""
    return _ENCODE(data)


@functools.cache
def default_codec() -> Codec:
    """The codec without upcasters, built once and shared (building one takes a third of a
    second): what the chain and a SQL store given no codec use."""
    return Codec()


def canonical(event: Event) -> bytes:
    """The bytes of ``event`` its chain hash covers (the UTF-8 of :func:`canonical_json`)."""
    return _ENCODE(default_codec().event_to_dict(event)).encode("utf-8")


def link(previous: bytes, data: bytes) -> bytes:
    """The chain hash of an event: SHA-256 of ``previous`` (the hash before it) and
    ``data`` (its canonical bytes)."""
    return _sha256(previous + data).digest()


def chain_of(events: Iterable[Event], previous: bytes = GENESIS) -> list[bytes]:
    """The chain hash of each of ``events`` in turn, the first linked to ``previous``."""
    hashes = []
    for event in events:
        previous = link(previous, canonical(event))
        hashes.append(previous)
    return hashes
