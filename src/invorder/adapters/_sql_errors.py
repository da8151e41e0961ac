"""How the SQL stores turn database errors into invorder's typed ones, at their boundary.

A database whose file or pages are damaged is :class:`~invorder.errors.StoreCorruptError`
(no retry helps); every other failure of the database or the connection (locked past the
busy timeout, disk full, read-only file, cannot open, connection refused or lost) is
:class:`~invorder.errors.StoreUnavailableError` (nothing was written: safe to retry). An
integrity error on the position key is not mapped here: the append turns it into a
:class:`~invorder.ConcurrencyError`. The original error is kept as ``__cause__``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, NoReturn

import sqlalchemy as sa

from invorder.codec import EVENT_TYPES, reads_natively
from invorder.domain.errors import (
    CodecError,
    InvorderError,
    StoreCorruptError,
    StoreUnavailableError,
)
from invorder.domain.messages import Event

CORRUPT = ("file is not a database", "database disk image is malformed")
"""SQLite's words for a damaged file (a header overwritten, pages torn)."""
CORRUPT_SQLSTATES = frozenset({"XX001", "XX002"})
"""PostgreSQL's data_corrupted and index_corrupted."""


def typed(error: sa.exc.SQLAlchemyError, operation: str) -> InvorderError:
    """The typed error for ``error``, raised while the store tried to ``operation``."""
    cause = getattr(error, "orig", None) or error
    problem = " ".join(str(cause).split()) or type(cause).__name__
    lowered = problem.lower()
    if any(words in lowered for words in CORRUPT) or (
        getattr(cause, "sqlstate", None) in CORRUPT_SQLSTATES
    ):
        return StoreCorruptError(None, problem)
    return StoreUnavailableError(operation, problem)


@contextmanager
def mapped(operation: str) -> Iterator[None]:
    """Raise the typed error of any database error inside (the original as its cause),
    except an integrity error, which the caller decides about."""
    try:
        yield
    except sa.exc.IntegrityError:
        raise
    except sa.exc.SQLAlchemyError as error:
        raise typed(error, operation) from error


def refusal(error: sa.exc.IntegrityError) -> str:
    """What the database said when it refused rows, on one line."""
    said = " ".join(str(error.orig).split())
    return f"the database refused the rows ({said})"


def decoded(decode: Callable[[dict[str, Any]], Event], position: int, data: str) -> Event:
    """The event of the row at ``position`` (its JSON ``data``, read by ``decode``, a
    codec's ``event_from_dict``); a row that is not one raises as :func:`undecodable`
    says."""
    try:
        return decode(json.loads(data))
    except (ValueError, KeyError, TypeError) as error:  # JSONDecodeError, CodecError
        undecodable(position, error)


def undecodable(position: int, error: Exception) -> NoReturn:
    """Raise why the row at ``position`` cannot be read as an event: a
    :class:`~invorder.errors.StoreCorruptError` for bad JSON, a missing or unknown type tag,
    a field of the wrong kind; but ``error`` itself, a :class:`~invorder.errors.CodecError`,
    for a well-formed event of another schema version (an upcaster not given to the codec,
    or a row written by a newer invorder): the row is sound, the reader must change."""
    if isinstance(error, CodecError) and _of_another_version(error.fields.get("data")):
        raise error
    raise StoreCorruptError(
        position, f"its row cannot be decoded as an event ({type(error).__name__}: {error})"
    ) from error


def _of_another_version(data: object) -> bool:
    if not isinstance(data, dict):
        return False
    tag = data.get("type")
    cls = EVENT_TYPES.get(tag) if isinstance(tag, str) else None
    version = data.get("schema", 1)
    return cls is not None and type(version) is int and not reads_natively(cls, version)
