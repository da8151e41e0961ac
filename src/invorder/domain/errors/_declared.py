"""How an error class turns its declared facts into a constructor, ``fields`` and a message.

An error class declares its facts as annotated attributes, in the order its constructor takes
them, and its message as a ``template`` formatted with them by name (or a ``_render`` method
when the wording depends on them). On every subclass of :class:`DeclaredError` that has facts,
:func:`dataclasses.dataclass` writes the constructor from them (inherited facts first, then
the class's own, as for any dataclass) unless the class writes its own ``__init__``; a class
without facts keeps its parent's, as the branches keep ``(message, **fields)``.
:func:`typing.dataclass_transform` tells type checkers the same, so every constructor and
every fact (``error.sku``) is typed.
"""

from __future__ import annotations

import dataclasses
import inspect
from typing import TYPE_CHECKING, Any, ClassVar, cast, dataclass_transform

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

_IN_FIELDS = "invorder.error.in_fields"


def fact(
    *, default: Any = dataclasses.MISSING, kw_only: bool = False, in_fields: bool = True
) -> Any:
    """Declare a fact with a ``default``, as keyword-only, or (``in_fields=False``) as wording
    only: the message uses it, ``fields`` leaves it out (a hint, a detail, a flag)."""
    return dataclasses.field(default=default, kw_only=kw_only, metadata={_IN_FIELDS: in_fields})


@dataclass_transform(field_specifiers=(fact,), eq_default=False)
class DeclaredError(Exception):
    """An exception that is data: a code, facts, ``fields`` and a message built from them.

    Errors compare equal when they are of one class with one message and equal ``fields``,
    and pickle with their facts.
    """

    code: ClassVar[str]
    template: ClassVar[str] = ""
    """The message, formatted with the facts by name (``{sku!r}``)."""
    message: str
    """What was asked, what was there, and what to do; also ``str(error)``."""
    fields: dict[str, Any]
    """The facts by name (without those declared ``in_fields=False``)."""
    _reported: ClassVar[tuple[str, ...]] = ()

    def __init__(self, message: str, **fields: Any) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        own = inspect.get_annotations(cls)  # this class's own, not inherited ones
        if dataclasses.is_dataclass(cls) or not all(map(_is_class_var, own.values())):
            # The root's __eq__, __hash__ and __repr__ (the exception's) stay.
            dataclasses.dataclass(eq=False, repr=False)(cls)
            facts = dataclasses.fields(cast("type[DataclassInstance]", cls))
            cls._reported = tuple(f.name for f in facts if f.metadata.get(_IN_FIELDS, True))

    def __post_init__(self) -> None:
        self._settle()

    def _settle(self, **extra: Any) -> None:
        """Build ``fields`` from the declared facts (then ``extra``), and the message."""
        facts = vars(self)
        self.fields = {name: facts[name] for name in self._reported} | extra
        self.message = message = self._render()
        self.args = (message,)

    def _render(self) -> str:
        return self.template.format_map(vars(self))

    def __eq__(self, other: object) -> bool:
        return (
            type(other) is type(self)
            and isinstance(other, DeclaredError)
            and other.message == self.message
            and other.fields == self.fields
        )

    def __hash__(self) -> int:
        return hash((type(self), self.message))

    def __reduce__(self) -> tuple[Any, ...]:
        # Rebuilt without the constructor, then given its attributes (facts included).
        return (_rebuild, (type(self), self.message), vars(self))


def _is_class_var(annotation: object) -> bool:
    # Annotations are strings under ``from __future__ import annotations``.
    return str(annotation).startswith(("ClassVar", "typing.ClassVar"))


def _rebuild(cls: type[DeclaredError], message: str) -> DeclaredError:
    error = cls.__new__(cls)
    BaseException.__init__(error, message)
    return error
