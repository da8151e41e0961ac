"""The stored form of a journal entry (``StockPosted``) at schema 2: each movement an array,
its accounts plain text, and nothing written twice or at its default.

Schema 1 wrote each movement as an object with nested account objects, a ``PostEntry``'s
movements twice (in the command and in the entry) and an empty ``memo``. An entry read
from a schema-1 log remembers it (``StockPosted.schema``) and is written again in schema 1,
byte for byte, so the hash chain over that log still holds.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from invorder.domain.errors import CodecError
from invorder.domain.stock.commands import PostEntry
from invorder.domain.stock.events import StockPosted

MOVEMENT_FIELDS = (
    "sku", "quantity", "source location", "source bucket", "destination location",
    "destination bucket", "reason", "reference",
)  # fmt: skip
"""What each place of a schema-2 movement array holds, in order."""

Writer = Callable[[Any], dict[str, Any]]
"""Writes an event as its dict."""

WRITTEN_AGAIN: dict[type[Any], frozenset[int]] = {StockPosted: frozenset({1})}
"""Event classes that read older versions of their own (dicts of the class's fields as
they are) without an upcaster, remember the version in their ``schema`` field and are
written in it again, byte for byte: the versions, by class."""


def writer(
    tag: str, schema_1: Writer, unstructure: Callable[[Any], Any], *, command: bool = True
) -> Writer:
    """The function writing a ``StockPosted`` (stored under ``tag``): in schema 1
    (``schema_1``, the dict its fields give) when the entry was read so, else in schema 2;
    ``unstructure`` writes the command (left out when ``command`` is false)."""

    def write(entry: StockPosted) -> dict[str, Any]:
        if entry.schema == 1:
            return schema_1(entry)
        data: dict[str, Any] = {"type": tag, "schema": 2, "position": entry.position}
        given = entry.command
        if command:
            data["command"] = unstructure(given)
        data["operation"] = entry.operation.value
        movements = entry.movements
        if type(given) is not PostEntry or given.movements != movements:
            data["movements"] = [
                [m.sku, m.quantity, m.source.location, m.source.bucket.value,
                 m.destination.location, m.destination.bucket.value, m.reason, m.reference]
                for m in movements
            ]  # fmt: skip
        if entry.reference:
            data["reference"] = entry.reference
        if entry.memo:
            data["memo"] = entry.memo
        return data

    return write


def fields_of(data: dict[str, Any], fields: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """The entry's fields (``fields``: ``data`` without its tags) as ``StockPosted``'s own
    reader takes them, each movement array as the object it stands for; and whether the
    movements were left out as its ``PostEntry``'s (then read as none: the command's are
    given to the entry once it is read, :func:`with_command_movements`). A movement that is
    not an array of eight values, or movements left out of an entry whose command is not a
    ``PostEntry``, raise :class:`~invorder.errors.CodecError`."""
    if "movements" not in fields:
        command = fields.get("command")
        if not isinstance(command, dict) or command.get("type") != "PostEntry":
            raise CodecError("StockPosted.movements: missing", data)
        return {**fields, "movements": []}, True
    rows = fields["movements"]
    if not isinstance(rows, list):
        raise CodecError(f"StockPosted.movements: must be an array (got {rows!r})", data)
    movements = []
    for n, row in enumerate(rows):
        if not isinstance(row, list) or len(row) != len(MOVEMENT_FIELDS):
            raise CodecError(
                f"StockPosted.movements[{n}]: must be an array of {len(MOVEMENT_FIELDS)} "
                f"values ({', '.join(MOVEMENT_FIELDS)}) (got {row!r})",
                data,
            )
        sku, quantity, source, source_bucket, destination, destination_bucket, why, ref = row
        movements.append({
            "sku": sku, "quantity": quantity,
            "source": {"location": source, "bucket": source_bucket},
            "destination": {"location": destination, "bucket": destination_bucket},
            "reason": why, "reference": ref,
        })  # fmt: skip
    return {**fields, "movements": movements}, False


def with_command_movements(entry: StockPosted) -> StockPosted:
    """``entry``, read without movements of its own, holding its ``PostEntry``'s (one tuple,
    read once)."""
    # Set through the slot before any caller holds the entry, as attrs' __init__ does; the
    # command read is a PostEntry, as fields_of checked its type tag.
    object.__setattr__(entry, "movements", cast("PostEntry", entry.command).movements)
    return entry
