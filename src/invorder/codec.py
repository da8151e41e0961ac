"""Turning commands and events into JSON-compatible dicts and back, with cattrs.

Every dict carries its class name under ``"type"``; an event dict also carries its
``"schema"`` version, so stored events of an older shape can be upcast when read.
"""

from __future__ import annotations

import difflib
import enum
from collections.abc import Callable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any, cast

import attrs
import cattrs
from cattrs.errors import (
    AttributeValidationNote,
    ForbiddenExtraKeysError,
    IterableValidationNote,
)
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from invorder import _codec_compact
from invorder._codec_compact import WRITTEN_AGAIN
from invorder._codec_hooks import (
    NEEDS_ZONE,
    array_hook,
    exactly,
    is_optional,
    is_tuple,
    optional_hook,
    strict_datetime,
    strict_decimal,
    strict_enum,
    strict_float,
    structure_datetime,
    unstructure_datetime,
)
from invorder.domain.errors import CodecError as CodecError  # lives with the other errors
from invorder.domain.errors import (
    InvalidFieldError,
    InvalidQuantityError,
    InvorderError,
    NaiveDatetimeError,
)
from invorder.domain.messages import Command, Event
from invorder.domain.model import COMMANDS, EVENTS
from invorder.domain.stock.events import StockPosted


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


def make_converter(
    *, strict: bool = False, detailed: bool | None = None, forbid_extra_keys: bool | None = None,
    prepare: Callable[[cattrs.Converter], None] | None = None,
) -> cattrs.Converter:  # fmt: skip
    """A converter for every command and event, with tags, ISO datetimes and enum values.

    ``strict=True`` refuses values of the wrong JSON type (``"2"`` or ``2.0`` or ``true`` for
    a quantity, a JSON float for money, a time without a zone) and, unless
    ``forbid_extra_keys=False``, keys the type does not have. ``detailed`` (default: as
    ``strict``) collects every problem with its field path (read them with
    :func:`field_problems`); without it the first problem is raised as is, which is faster
    and lets the typed errors of the values' validators reach the caller unwrapped.

    ``prepare`` is called with the converter before the commands' and events' functions are
    made, which look their fields' hooks up once: hooks for field types registered there
    are used inside commands too (a scenario reader shares repeated ids and money so).
    """
    detailed = strict if detailed is None else detailed
    forbid = strict if forbid_extra_keys is None else forbid_extra_keys
    converter = cattrs.Converter(detailed_validation=detailed, forbid_extra_keys=forbid)
    converter.register_unstructure_hook(datetime, unstructure_datetime)
    converter.register_structure_hook(datetime, structure_datetime)
    # Decimals travel as strings so that no digit is lost to a JSON float.
    converter.register_unstructure_hook(Decimal, str)
    converter.register_structure_hook(Decimal, lambda value, _: Decimal(value))
    if strict:
        for kind, hook in ((int, exactly(int, "an integer")),
                           (str, exactly(str, "a string")),
                           (bool, exactly(bool, "true or false")), (float, strict_float),
                           (Decimal, strict_decimal),
                           (datetime, strict_datetime), (enum.Enum, strict_enum),
                           (enum.StrEnum, strict_enum), (enum.IntEnum, strict_enum)):  # fmt: skip
            # Registered by class: cattrs picks the closest class in a field type's MRO, so
            # the enum hooks keep ``StrEnum`` and ``IntEnum`` fields from the str/int hooks.
            converter.register_structure_hook(kind, hook)

    def structure_command(data: Any, _: type) -> Command:
        name = data.get("type") if isinstance(data, dict) else None
        cls = COMMAND_TYPES.get(name) if isinstance(name, str) else None
        if cls is None:
            raise CodecError(f"a command from {data!r}: unknown or missing 'type'", data)
        fields = {k: v for k, v in data.items() if k not in _TAG_KEYS}
        result: Command = converter.structure(fields, cls)
        return result

    converter.register_structure_hook(Command, structure_command)
    converter.register_structure_hook_factory(is_optional, optional_hook(converter))
    if strict:
        converter.register_structure_hook_factory(is_tuple, array_hook(converter))
    if prepare is not None:
        prepare(converter)

    # Hooks are registered before the per-class functions are generated, so that a field
    # typed with the base class keeps its concrete class (and tag) on the way out and in.
    tagged: dict[type[Any], Callable[[Any], dict[str, Any]]] = {}

    def unstructure_tagged(value: Any) -> dict[str, Any]:
        return tagged[type(value)](value)

    converter.register_unstructure_hook_func(
        lambda t: t is Command or t in COMMAND_TYPES.values() or t in EVENT_TYPES.values(),
        unstructure_tagged,
    )

    def value_with_later_fields(cls: type[Any]) -> Callable[[Any], dict[str, Any]]:
        later = {field: override(omit_if_default=True) for field in cls.ADDED}
        return _unstructure_fn(cls, converter, **later)

    # A value inside a command (a ``PickCount``) may gain fields too: the same rule.
    converter.register_unstructure_hook_factory(
        lambda t: isinstance(t, type) and attrs.has(t) and "ADDED" in vars(t)
        and t not in COMMAND_TYPES.values() and t not in EVENT_TYPES.values(),
        value_with_later_fields,
    )  # fmt: skip
    for name, cls in {**COMMAND_TYPES, **EVENT_TYPES}.items():
        tagged[cls] = _tagged_fn(cls, converter)
        structure = make_dict_structure_fn(cls, converter, _cattrs_forbid_extra_keys=forbid)
        converter.register_structure_hook(cls, _untagged(name, structure))
    return converter


_TAG_KEYS = frozenset({"type", "schema"})


def _tagged_fn(
    cls: type[Any], converter: cattrs.Converter, *, command: bool = True
) -> Callable[[Any], dict[str, Any]]:
    """The function writing a command or event of ``cls`` as a dict with its tags (an
    event's ``command`` left out unless ``command``)."""
    # Fields added after logs were written are left out while at their default, so an
    # older log written again is the same, byte for byte.
    later = {field: override(omit_if_default=True) for field in getattr(cls, "ADDED", ())}
    if not command:
        later["command"] = override(omit=True)
    inner = _unstructure_fn(cls, converter, **later)
    if cls is StockPosted:  # its fields written as they are: schema 1, kept for old logs
        schema_1 = _tagger(tag_of(cls), 1, inner)
        return _codec_compact.writer(tag_of(cls), schema_1, converter.unstructure, command=command)
    return _tagger(tag_of(cls), getattr(cls, "SCHEMA_VERSION", None), inner)


def schema_of(event: Event) -> int:
    """The schema version ``event`` is written in: its class's, or the one it remembers
    having been read in (``StockPosted.schema``)."""
    cls = type(event)
    remembered = cls in WRITTEN_AGAIN
    version: int = cast("Any", event).schema if remembered else getattr(cls, "SCHEMA_VERSION", 1)
    return version


def reads_natively(cls: type[Any], version: object) -> bool:
    """Whether the codec reads an event of ``cls`` at ``version`` without an upcaster: its
    class's current version, or an older one it writes again the same (schema 1 of
    ``StockPosted``, written before the compact form)."""
    current: int = getattr(cls, "SCHEMA_VERSION", 1)
    older = WRITTEN_AGAIN.get(cls, frozenset())
    return type(version) is int and (version == current or version in older)


# Typed loosely: cattrs types its field overrides and its own options as one ``**kwargs``.
_unstructure_fn: Callable[..., Callable[[Any], dict[str, Any]]] = make_dict_unstructure_fn


def _untagged(name: str, structure: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    # A command inside an event (OrderCaptured.command) is written with its tag: check the
    # tag names this class and drop the tag keys before the class's own function reads it.
    def read(data: Any, cls: Any) -> Any:
        if isinstance(data, dict) and ("type" in data or "schema" in data):
            tag = data.get("type", name)
            if tag != name:
                raise ValueError(f"'type' is {tag!r}, expected {name!r}")
            data = {k: v for k, v in data.items() if k not in _TAG_KEYS}
        return structure(data, cls)

    return read


def field_problems(error: BaseException, root: str) -> list[str]:
    """What a strict converter's error says, one ``path: problem`` line per bad field.

    ``root`` names the outermost value (``CaptureOrder``); paths read
    ``CaptureOrder.lines[0].quantity``.
    """
    out: list[str] = []
    _walk(error, root, None, out)
    return out


def _walk(error: BaseException, path: str, kind: object, out: list[str]) -> None:
    if isinstance(error, cattrs.ClassValidationError | cattrs.IterableValidationError):
        noted, bare = error.group_exceptions()
        for inner, note in noted:
            if isinstance(note, AttributeValidationNote):
                _walk(inner, f"{path}.{note.name}", note.type, out)
            elif isinstance(note, IterableValidationNote):
                _walk(inner, f"{path}[{note.index!r}]", note.type, out)
            else:
                _walk(inner, path, kind, out)
        for inner in bare:
            _walk(inner, path, kind, out)
    elif isinstance(error, ForbiddenExtraKeysError):
        known = [f.name for f in attrs.fields(error.cl)] if attrs.has(error.cl) else []
        names = ", ".join(_with_hint(repr(k), k, known) for k in sorted(error.extra_fields))
        out.append(f"{path}: unknown key{'s' if len(error.extra_fields) > 1 else ''} {names}")
    elif isinstance(error, KeyError):
        out.append(f"{path}: missing")
    elif isinstance(error, NaiveDatetimeError):
        out.append(f"{path}: " + NEEDS_ZONE.format(value=error.value))
    elif isinstance(error, InvalidFieldError):
        if not path.endswith(f".{error.field}"):
            path = f"{path}.{error.field}"
        out.append(f"{path}: must be {error.expected} (got {error.value!r})")
    elif isinstance(error, InvalidQuantityError):
        if not path.endswith(f".{error.field}"):
            path = f"{path}.{error.field}"
        least = 0 if error.allow_zero else 1
        out.append(f"{path}: must be >= {least} (got {error.value!r})")
    else:  # a typed error of a validator, or a strict hook's "must be ..."
        out.append(f"{path}: {error}")


def _with_hint(text: str, name: str, known: list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=1)
    return f"{text} (did you mean {close[0]!r}?)" if close else text


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

    Reading is strict: a value of the wrong JSON type (``"5"``, ``5.0`` or ``true`` for a
    quantity, the JSON number ``9.99`` for money, ``"yesterday"`` for a time) or a key the
    type does not have raises :class:`~invorder.errors.CodecError` naming the field path
    (``CaptureOrder.lines[0].quantity: must be an integer (got '5')``); a well-typed value
    that a validator refuses (a quantity of 0) raises that validator's typed error.

    ``upcasters`` maps ``(event type name, schema version)`` to a function that turns a
    dict of that version into the next version's dict; reading applies them in turn until
    the dict has the current version. ``forbid_unknown_keys=False`` reads dicts with keys
    this version does not know (dropping them): for a host that must read a log written by
    a newer version; by default such a log fails loudly, naming its schema version.
    """

    __slots__ = ("_bare", "_converter", "_detailed", "_forbid", "_upcasters")

    def __init__(
        self,
        upcasters: Mapping[tuple[str, int], Upcaster] | None = None,
        *,
        forbid_unknown_keys: bool = True,
    ) -> None:
        self._forbid = forbid_unknown_keys
        self._converter = make_converter(
            strict=True, detailed=False, forbid_extra_keys=forbid_unknown_keys
        )
        self._detailed: cattrs.Converter | None = None  # built for the first error message
        self._upcasters = dict(upcasters or {})
        # Per event class, the function writing its dict without its command (made when
        # first asked for).
        self._bare: dict[type[Any], Callable[[Any], dict[str, Any]]] = {}

    def event_to_dict(self, event: Event, *, command: bool = True) -> dict[str, Any]:
        """A JSON-compatible dict of ``event`` (with ``type`` and ``schema``).

        ``command=False`` leaves the event's ``command`` out: for a writer that encodes a
        command once for all the events it produced (:func:`invorder.chain.canonical_texts`).
        """
        if command:
            data: dict[str, Any] = self._converter.unstructure(event)
            return data
        cls = type(event)
        bare = self._bare.get(cls)
        if bare is None:
            if EVENT_TYPES.get(tag_of(cls)) is not cls:
                raise CodecError(f"an event of unknown class {cls.__name__}", event)
            bare = self._bare[cls] = _tagged_fn(cls, self._converter, command=False)
        return bare(event)

    def event_from_dict(self, data: dict[str, Any]) -> Event:
        """Read an event dict back, upcasting older schema versions first."""
        cls = _class_of(data, EVENT_TYPES, "an event")
        version = data.get("schema", 1)
        if type(version) is not int:
            raise CodecError(f"{cls.__name__}.schema: must be an integer (got {version!r})", data)
        older = WRITTEN_AGAIN.get(cls)
        if older and version in older and (tag_of(cls), version) not in self._upcasters:
            # Read as written, and remembered: written again in that version, byte for byte.
            fields = {k: v for k, v in data.items() if k not in _TAG_KEYS}
            event: Event = self._structure(fields, cls, data, f"schema {version}")
            object.__setattr__(event, "schema", version)  # through the slot, as attrs' init
            return event
        while version < cls.SCHEMA_VERSION:
            upcaster = self._upcasters.get((tag_of(cls), version))
            if upcaster is None:
                raise CodecError(f"{cls.__name__} schema {version}: no upcaster registered", data)
            data = {**upcaster(data), "schema": version + 1}
            version += 1
        if version != cls.SCHEMA_VERSION:
            raise CodecError(f"{cls.__name__} schema {version} is newer than this library", data)
        fields = {k: v for k, v in data.items() if k not in _TAG_KEYS}
        if cls is StockPosted:
            fields, from_command = _codec_compact.fields_of(data, fields)
            entry: StockPosted = self._structure(fields, cls, data, f"schema {version}")
            return _codec_compact.with_command_movements(entry) if from_command else entry
        event = self._structure(fields, cls, data, f"schema {version}")
        return event

    def command_to_dict(self, command: Command) -> dict[str, Any]:
        """A JSON-compatible dict of ``command`` (with ``type``)."""
        data: dict[str, Any] = self._converter.unstructure(command)
        return data

    def command_from_dict(self, data: dict[str, Any]) -> Command:
        """Read a command dict back; wrong types and unknown keys raise
        :class:`~invorder.errors.CodecError` with the field path, values a validator
        refuses raise its typed error."""
        cls = _class_of(data, COMMAND_TYPES, "a command")
        fields = {k: v for k, v in data.items() if k not in _TAG_KEYS}
        command: Command = self._structure(fields, cls, data, "")
        return command

    def _structure(self, fields: dict[str, Any], cls: type[Any], data: object, version: str) -> Any:
        try:
            return self._converter.structure(fields, cls)
        except CodecError:
            raise
        except InvorderError:  # a validator's typed error: the value is well-typed but refused
            raise
        except Exception as error:  # cattrs and the hooks raise many kinds
            problems = self._problems(fields, cls)
            more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
            found = "; ".join(problems[:3]) + more
            if version and isinstance(error, ForbiddenExtraKeysError):
                found += f" (written by a newer version? this library reads {version})"
            raise CodecError(found, data) from error

    def _problems(self, fields: dict[str, Any], cls: type[Any]) -> list[str]:
        if self._detailed is None:
            self._detailed = make_converter(strict=True, forbid_extra_keys=self._forbid)
        try:
            self._detailed.structure(fields, cls)
        except Exception as error:  # whatever it is, it is reported
            return field_problems(error, cls.__name__) or [f"{cls.__name__}: {error!r}"]
        return [f"{cls.__name__}: cannot be read"]  # pragma: no cover  # both agree in practice


def _class_of(data: object, types: Mapping[str, type[Any]], what: str) -> type[Any]:
    if not isinstance(data, dict):
        raise CodecError(f"{what} from a {type(data).__name__}, not a dict", data)
    name = data.get("type")
    cls = types.get(name) if isinstance(name, str) else None
    if cls is None:
        raise CodecError(f"{what} from {_short(data)}: unknown or missing 'type'", data)
    return cls


def _short(data: object) -> str:
    text = repr(data)
    return text if len(text) <= 80 else text[:77] + "..."
