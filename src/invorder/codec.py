"""Turning commands and events into JSON-compatible dicts and back, with cattrs.

Every dict carries its class name under ``"type"``; an event dict also carries its
``"schema"`` version, so stored events of an older shape can be upcast when read.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

import cattrs
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn

from invorder.domain import _checks
from invorder.domain.errors import CodecError as CodecError  # lives with the other errors
from invorder.domain.messages import Command, Event
from invorder.domain.model import COMMANDS, EVENTS


def tag_of(cls: type[Any]) -> str:
    """The name a command or event class is stored under: its ``TAG`` if it declares one (a
    class renamed after logs were written keeps its old tag), else its class name."""
    tag: str = getattr(cls, "TAG", cls.__name__)
    return tag


COMMAND_TYPES: dict[str, type[Command]] = {tag_of(cls): cls for cls in COMMANDS}
"""Command classes by the name used in their dicts (every area's, from the model's table)."""

EVENT_TYPES: dict[str, type[Any]] = {tag_of(cls): cls for cls in EVENTS}
"""Event classes by the name used in their dicts."""

Upcaster = Callable[[dict[str, Any]], dict[str, Any]]
"""Turns the dict of an event at schema version N into the dict at version N + 1."""


def _unstructure_datetime(value: datetime) -> str:
    return value.isoformat()


def _structure_datetime(value: object, _: type) -> datetime:
    if isinstance(value, datetime):
        result = value
    elif isinstance(value, str):
        result = datetime.fromisoformat(value)
    else:
        raise CodecError(f"a datetime from {value!r}", value)
    _checks.check_aware("datetime", result)
    return result


def make_converter() -> cattrs.Converter:
    """A converter for every command and event, with tags, ISO datetimes and enum values."""
    # Without detailed validation, the typed errors of our validators reach the caller as is.
    converter = cattrs.Converter(detailed_validation=False)
    converter.register_unstructure_hook(datetime, _unstructure_datetime)
    converter.register_structure_hook(datetime, _structure_datetime)
    # Decimals travel as strings so that no digit is lost to a JSON float.
    converter.register_unstructure_hook(Decimal, str)
    converter.register_structure_hook(Decimal, lambda value, _: Decimal(value))

    def structure_command(data: Any, _: type) -> Command:
        name = data.get("type") if isinstance(data, dict) else None
        cls = COMMAND_TYPES.get(name) if isinstance(name, str) else None
        if cls is None:
            raise CodecError(f"a command from {data!r}: unknown or missing 'type'", data)
        result: Command = converter.structure(data, cls)
        return result

    converter.register_structure_hook(Command, structure_command)

    # Hooks are registered before the per-class functions are generated, so that a field
    # typed with the base class keeps its concrete class (and tag) on the way out and in.
    tagged: dict[type[Any], Callable[[Any], dict[str, Any]]] = {}

    def unstructure_tagged(value: Any) -> dict[str, Any]:
        return tagged[type(value)](value)

    converter.register_unstructure_hook_func(
        lambda t: t is Command or t in COMMAND_TYPES.values() or t in EVENT_TYPES.values(),
        unstructure_tagged,
    )
    for name, cls in {**COMMAND_TYPES, **EVENT_TYPES}.items():
        inner = make_dict_unstructure_fn(cls, converter)
        schema = getattr(cls, "SCHEMA_VERSION", None)
        tagged[cls] = _tagger(name, schema, inner)
        converter.register_structure_hook(cls, make_dict_structure_fn(cls, converter))
    return converter


def _tagger(
    name: str, schema: int | None, inner: Callable[[Any], dict[str, Any]]
) -> Callable[[Any], dict[str, Any]]:
    def tag(value: Any) -> dict[str, Any]:
        data = {"type": name}
        if schema is not None:
            data["schema"] = schema  # type: ignore[assignment]  # str|int values in a JSON dict
        data.update(inner(value))
        return data

    return tag


class Codec:
    """Reads and writes commands and events as dicts, upcasting old event schemas.

    ``upcasters`` maps ``(event type name, schema version)`` to a function that turns a
    dict of that version into the next version's dict; reading applies them in turn until
    the dict has the current version.
    """

    __slots__ = ("_converter", "_upcasters")

    def __init__(self, upcasters: Mapping[tuple[str, int], Upcaster] | None = None) -> None:
        self._converter = make_converter()
        self._upcasters = dict(upcasters or {})

    def event_to_dict(self, event: Event) -> dict[str, Any]:
        """A JSON-compatible dict of ``event`` (with ``type`` and ``schema``)."""
        data: dict[str, Any] = self._converter.unstructure(event)
        return data

    def event_from_dict(self, data: dict[str, Any]) -> Event:
        """Read an event dict back, upcasting older schema versions first."""
        name = data.get("type")
        cls = EVENT_TYPES.get(name) if isinstance(name, str) else None
        if cls is None:
            raise CodecError(f"an event from {data!r}: unknown or missing 'type'", data)
        version = data.get("schema", 1)
        while version < cls.SCHEMA_VERSION:
            upcaster = self._upcasters.get((tag_of(cls), version))
            if upcaster is None:
                raise CodecError(f"{cls.__name__} schema {version}: no upcaster registered", data)
            data = {**upcaster(data), "schema": version + 1}
            version += 1
        if version != cls.SCHEMA_VERSION:
            raise CodecError(f"{cls.__name__} schema {version} is newer than this library", data)
        try:
            event: Event = self._converter.structure(data, cls)
        except (KeyError, TypeError, AttributeError, cattrs.BaseValidationError) as error:
            raise CodecError(f"{cls.__name__}: {error!r}", data) from error
        return event

    def command_to_dict(self, command: Command) -> dict[str, Any]:
        """A JSON-compatible dict of ``command`` (with ``type``)."""
        data: dict[str, Any] = self._converter.unstructure(command)
        return data

    def command_from_dict(self, data: dict[str, Any]) -> Command:
        """Read a command dict back; malformed fields raise the usual typed errors."""
        try:
            command: Command = self._converter.structure(data, Command)
        except (KeyError, TypeError, AttributeError, cattrs.BaseValidationError) as error:
            raise CodecError(f"a command: {error!r}", data) from error
        return command
