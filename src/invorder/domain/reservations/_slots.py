"""Assembling frozen slotted values field by field, for the hot paths that build them from
values already checked (the reservation kernel and the reservations fold)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs


def setters(cls: type, names: tuple[str, ...]) -> tuple[Callable[[Any, Any], None], ...]:
    """The slot setters of ``cls``'s fields ``names``, which must be all of its attrs
    fields in declaration order (so that a field added later is not left unset: the
    assembler using them must then set it too)."""
    declared = tuple(field.name for field in attrs.fields(cls))
    if declared != names:
        raise AssertionError(f"{cls.__name__} has fields {declared}, not {names}")
    return tuple(getattr(cls, name).__set__ for name in names)
