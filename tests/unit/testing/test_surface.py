"""The testing package's surface: every strategy exported from ``invorder.testing.strategies``
in a sorted ``__all__``, documented; the old strategy modules still work, with a warning
naming the new place."""

from __future__ import annotations

import importlib
import inspect

import pytest

from invorder.testing import strategies
from invorder.testing.strategies import planning, purchasing, routing
from tests.support.warned import messages

AREAS = ("ledger", "planning", "purchasing", "routing", "stock", "story")


def test_every_strategy_is_exported_sorted_and_documented() -> None:
    assert strategies.__all__ == sorted(strategies.__all__)
    exported: list[str] = []
    for area in AREAS:
        module = importlib.import_module(f"invorder.testing.strategies.{area}")
        assert module.__all__ == sorted(module.__all__), area
        exported += module.__all__
        public = {
            name
            for name, value in vars(module).items()
            if not name.startswith("_")
            and (inspect.isfunction(value) or inspect.isclass(value))
            and value.__module__ == module.__name__
        }
        assert public <= set(module.__all__), (area, public - set(module.__all__))
    assert sorted(exported) == strategies.__all__
    for name in strategies.__all__:
        value = getattr(strategies, name)
        if inspect.isclass(value) or inspect.isfunction(value):
            assert (value.__doc__ or "").strip(), f"{name} has no docstring"


OLD = [
    *(("invorder.testing.routing_strategies", name) for name in routing.__all__),
    *(("invorder.testing.planning", name) for name in (*planning.__all__, *purchasing.__all__)),
]


@pytest.mark.parametrize(("module", "name"), OLD)
def test_an_old_strategy_module_still_works_and_says_where_it_went(module: str, name: str) -> None:
    old = importlib.import_module(module)
    with pytest.warns(DeprecationWarning, match=rf"{module}\.{name} is deprecated") as caught:
        found = getattr(old, name)
    assert found is getattr(strategies, name)
    assert f"invorder.testing.strategies.{name}" in messages(caught, DeprecationWarning)[0]


OLD_MODULES = ["invorder.testing.routing_strategies", "invorder.testing.planning"]


@pytest.mark.parametrize("module", OLD_MODULES)
def test_an_unknown_name_in_an_old_module_is_an_attribute_error(module: str) -> None:
    old = importlib.import_module(module)
    with pytest.raises(AttributeError, match="no attribute 'nonesuch'"):
        getattr(old, "nonesuch")  # noqa: B009  # the name is not known statically
