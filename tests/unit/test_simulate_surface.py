"""The simulate package's surface: docstrings, a sorted ``__all__``, and its layer."""

from __future__ import annotations

import ast
import inspect
import pkgutil
from pathlib import Path

import invorder
from invorder import simulate

SRC = Path(invorder.__file__).parent


def test_every_public_name_has_a_docstring_and_all_is_sorted() -> None:
    assert list(simulate.__all__) == sorted(simulate.__all__, key=str.lower)
    for name in simulate.__all__:
        value = getattr(simulate, name)
        if inspect.isclass(value) or inspect.isfunction(value):
            assert (value.__doc__ or "").strip(), f"{name} has no docstring"


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_simulate_sits_above_the_engine_and_nothing_below_imports_it() -> None:
    allowed = ("invorder.domain", "invorder.routing", "invorder.engine", "invorder.codec",
               "invorder.adapters.memory", "invorder.simulate")  # fmt: skip
    for module in pkgutil.iter_modules(simulate.__path__):
        path = SRC / "simulate" / f"{module.name}.py"
        assert ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
        ours = {m for m in _imports(path) if m.startswith("invorder")}
        assert all(m.startswith(allowed) for m in ours), (module.name, ours)
    for layer in ("domain", "routing", "engine", "ports", "adapters"):
        for path in (SRC / layer).rglob("*.py"):
            assert not any(m.startswith("invorder.simulate") for m in _imports(path)), path
