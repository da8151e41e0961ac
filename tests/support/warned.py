"""Reading what ``pytest.warns`` recorded: only the warnings of the kind a test checks."""

from __future__ import annotations

import pytest


def messages(caught: pytest.WarningsRecorder, category: type[Warning]) -> list[str]:
    """The messages of the warnings of ``category`` in ``caught``, in the order warned.

    A block also records whatever else is warned while it runs: a ``ResourceWarning`` for a
    connection the garbage collector closes there, left by an earlier test, comes first as
    often as not, so a test never reads ``caught[0]``."""
    return [str(warning.message) for warning in caught if issubclass(warning.category, category)]


def filenames(caught: pytest.WarningsRecorder, category: type[Warning]) -> list[str]:
    """The files the warnings of ``category`` in ``caught`` point at (see :func:`messages`)."""
    return [warning.filename for warning in caught if issubclass(warning.category, category)]
