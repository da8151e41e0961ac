"""The routing package's public surface: docstrings everywhere, and the layering rule
(routing imports only the domain)."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import invorder
import invorder.routing

ROUTING = Path(invorder.routing.__file__).parent


def test_every_public_routing_name_is_documented_and_exported() -> None:
    assert invorder.routing.__all__ == sorted(invorder.routing.__all__)
    for name in invorder.routing.__all__:
        value = getattr(invorder.routing, name)
        if inspect.isclass(value) or inspect.isfunction(value):
            assert (value.__doc__ or "").strip(), f"{name} has no docstring"
    assert "routing" in invorder.__all__
    assert invorder.routing.route is invorder.routing.pipeline.route


def test_every_routing_module_has_a_docstring_and_imports_only_the_domain() -> None:
    for path in sorted(ROUTING.glob("*.py")):
        tree = ast.parse(path.read_text())
        assert ast.get_docstring(tree), f"{path.name} has no module docstring"
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.ImportFrom)
                and node.module
                and node.module.startswith("invorder")
            ):
                assert node.module.startswith(("invorder.domain", "invorder.routing")), (
                    f"{path.name} imports {node.module}"
                )
            if isinstance(node, ast.Import):
                for alias in node.names:
                    assert not alias.name.startswith("invorder") or alias.name.startswith(
                        ("invorder.domain", "invorder.routing")
                    )
