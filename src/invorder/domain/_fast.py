"""Trusted copies of frozen attrs values for the engine's hot paths (folding events,
building routing requests): fields are set directly, without converters, validators or
post-init checks, because every value comes from data checked when it entered."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import attrs

T = TypeVar("T")

_REPLACERS: dict[type[Any], Callable[[Any, dict[str, Any]], Any]] = {}
_BUILDERS: dict[type[Any], Callable[[dict[str, Any]], Any]] = {}


def _compile(cls: type[Any], kind: str) -> Any:
    # One straight-line function per class, like attrs' own generated __init__: a loop
    # over the field names would cost several times more per copy.
    names = [a.name for a in attrs.fields(cls)]
    if kind == "replace":
        body = [f"    set(new, {n!r}, changes[{n!r}] if {n!r} in changes else self.{n})"
                for n in names]  # fmt: skip
        head = "def replace(self, changes):"
    else:
        body = [f"    set(new, {n!r}, values[{n!r}])" for n in names]
        head = "def build(values):"
    source = "\n".join([head, "    new = make(cls)", *body, "    return new"])
    scope: dict[str, Any] = {"set": object.__setattr__, "make": object.__new__, "cls": cls}
    exec(compile(source, f"<invorder fast {kind} {cls.__qualname__}>", "exec"), scope)
    return scope[kind]


def replace(instance: T, **changes: Any) -> T:
    """A copy of the frozen attrs ``instance`` with ``changes``, like :func:`attrs.evolve`
    but trusting the new values (no converter, validator or post-init runs)."""
    cls = type(instance)
    replacer = _REPLACERS.get(cls)
    if replacer is None:
        replacer = _REPLACERS[cls] = _compile(cls, "replace")
    return replacer(instance, changes)  # type: ignore[no-any-return]  # same class as given


def build(cls: type[T], **values: Any) -> T:
    """An instance of the frozen attrs class ``cls`` from trusted ``values``; every field
    must be given (defaults are not filled in)."""
    builder = _BUILDERS.get(cls)
    if builder is None:
        builder = _BUILDERS[cls] = _compile(cls, "build")
    return builder(values)  # type: ignore[no-any-return]  # an instance of cls
