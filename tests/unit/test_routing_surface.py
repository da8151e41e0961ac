"""The routing package's public surface: every public name documented and exported (the
layering is import-linter's, in .ci/run)."""

from __future__ import annotations

import inspect

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
