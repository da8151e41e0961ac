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
    fields = attrs.fields(cls)
    names = [a.name for a in fields]
    scope: dict[str, Any] = {"set": object.__setattr__, "make": object.__new__, "cls": cls}
    if kind == "replace":
        body = [f"    set(new, {n!r}, changes[{n!r}] if {n!r} in changes else self.{n})"
                for n in names]  # fmt: skip
        head = "def replace(self, changes):"
    else:
        body = []
        for n, a in enumerate(fields):
            if a.default is attrs.NOTHING:
                body.append(f"    set(new, {a.name!r}, values[{a.name!r}])")
                continue
            if isinstance(a.default, attrs.Factory):  # type: ignore[arg-type]  # attrs types Factory as a function
                if a.default.takes_self:
                    raise TypeError(f"{cls.__qualname__}.{a.name}: a default taking self")
                scope[f"factory{n}"] = a.default.factory
                fallback = f"factory{n}()"
            else:
                scope[f"default{n}"] = a.default
                fallback = f"default{n}"
            body.append(f"    set(new, {a.name!r}, values[{a.name!r}] if {a.name!r} in values"
                        f" else {fallback})")  # fmt: skip
        head = "def build(values):"
    source = "\n".join([head, "    new = make(cls)", *body, "    return new"])
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
    """An instance of the frozen attrs class ``cls`` from trusted ``values``, like calling
    ``cls(**values)`` but without converters, validators or post-init: a field left out
    takes its default (a missing field without one raises ``KeyError``)."""
    builder = _BUILDERS.get(cls)
    if builder is None:
        builder = _BUILDERS[cls] = _compile(cls, "build")
    return builder(values)  # type: ignore[no-any-return]  # an instance of cls
