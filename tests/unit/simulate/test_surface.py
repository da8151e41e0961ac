"""The simulate package's surface: docstrings and a sorted ``__all__`` (its layer is
import-linter's, in .ci/run)."""

from __future__ import annotations

import inspect

from invorder import simulate


def test_every_public_name_has_a_docstring_and_all_is_sorted() -> None:
    assert list(simulate.__all__) == sorted(simulate.__all__, key=str.lower)
    for name in simulate.__all__:
        value = getattr(simulate, name)
        if inspect.isclass(value) or inspect.isfunction(value):
            assert (value.__doc__ or "").strip(), f"{name} has no docstring"
