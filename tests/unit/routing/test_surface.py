"""The routing package's public surface: every public name documented and exported, renamed
names still importable with a warning (the layering is import-linter's, in .ci/run)."""

from __future__ import annotations

import inspect

import pytest

import invorder
import invorder.routing


def test_every_public_routing_name_is_documented_and_exported() -> None:
    assert invorder.routing.__all__ == sorted(invorder.routing.__all__)
    for name in invorder.routing.__all__:
        value = getattr(invorder.routing, name)
        if inspect.isclass(value) or inspect.isfunction(value):
            assert (value.__doc__ or "").strip(), f"{name} has no docstring"
    assert "routing" in invorder.__all__
    assert invorder.routing.route is invorder.routing.pipeline.route


def test_default_priority_is_the_deprecated_name_of_backorder_priority() -> None:
    assert "default_priority" not in invorder.routing.__all__
    with pytest.warns(DeprecationWarning, match=r"invorder\.routing\.backorder_priority"):
        from invorder.routing import default_priority  # type: ignore[attr-defined]  # hidden old name
    assert default_priority is invorder.routing.backorder_priority
    with pytest.raises(AttributeError, match="no attribute 'nonesuch'"):
        getattr(invorder.routing, "nonesuch")  # noqa: B009  # not known statically
