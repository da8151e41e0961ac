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
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import islice
from typing import Any

from invorder.codec import Codec
from invorder.domain.messages import Event

GENESIS = bytes(32)
"""The chain hash of the empty log (32 zero bytes): the "previous hash" of position 0."""

_sha256 = hashlib.sha256


def _canonical_encoder() -> Callable[[dict[str, Any]], str]:
    # ``JSONEncoder.encode`` builds CPython's C encoder again on every call; built once here
    # with the same options, it writes the same text about a third faster. Without its
    # circular-reference check: an event's dict is a tree. Without the C accelerator (an
    # interpreter that lacks it), the plain encoder.
    options = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, sort_keys=True)
    make = getattr(json.encoder, "c_make_encoder", None)  # undocumented in typeshed too
    if make is None:
        return options.encode
    chunks = make(None, options.default, json.encoder.encode_basestring, None, ":", ",",
                  True, False, True)  # fmt: skip  # sort keys, no skipping, NaN allowed
    join = "".join

    def encode(data: dict[str, Any]) -> str:
        text: str = join(chunks(data, 0))
        return text

    return encode


_ENCODE = _canonical_encoder()


def canonical_json(data: dict[str, Any]) -> str:
    """The canonical JSON text of an event dict: compact, keys sorted, non-ASCII kept."""
    return _ENCODE(data)


@functools.cache
def default_codec() -> Codec:
    """The codec without upcasters, built once and shared (building one takes a third of a
    second): what the chain and a SQL store given no codec use."""
    return Codec()


_SLOT = "\x00"  # stands for the command in an event's dict, until its text replaces it
_SLOT_TEXT = '"command":"\\u0000"'  # the slot as the encoder writes it (no other key or
# value can be written so: a string's quotes are escaped, and no event holds a mapping or
# a second command, which a test in tests/property/test_chain_properties.py keeps so)


def canonical_texts(events: Sequence[Event], codec: Codec | None = None) -> list[str]:
    """The :func:`canonical_json` text of each of ``events``, in order, with a command that
    several of them carry encoded once (every event of an outcome carries the command
    behind it: a capture's ``OrderCaptured`` and ``OrderAllocated`` both hold the
    ``CaptureOrder``).

    The texts are those of encoding each event alone, character for character; ``codec``
    (default :func:`default_codec`) writes the dicts.
    """
    codec = default_codec() if codec is None else codec
    whole = codec.event_to_dict
    shared = Counter(id(event.command) for event in events)  # the events hold them alive
    written: dict[int, str] = {}  # the text of a shared command, by its id
    texts = []
    for event in events:
        command = event.command
        if shared[id(command)] == 1:
            texts.append(_ENCODE(whole(event)))
            continue
        text = written.get(id(command))
        if text is None:
            text = written[id(command)] = '"command":' + _ENCODE(codec.command_to_dict(command))
        data = whole(event, command=False)
        data["command"] = _SLOT
        texts.append(_ENCODE(data).replace(_SLOT_TEXT, text, 1))
    return texts


def canonical_stream(events: Iterable[Event], codec: Codec | None = None) -> Iterator[bytes]:
    """:func:`canonical` of each of ``events`` in turn, read in slices of a few hundred so
    that a command several of them carry is encoded once (:func:`canonical_texts`)."""
    it = iter(events)
    while piece := list(islice(it, _SLICE)):
        for text in canonical_texts(piece, codec):
            yield text.encode("utf-8")


_SLICE = 512


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
    for data in canonical_stream(events):
        previous = link(previous, data)
        hashes.append(previous)
    return hashes
