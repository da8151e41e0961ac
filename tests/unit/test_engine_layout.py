"""The engine split by role stays readable: every module short, with a docstring, and a
docstring on every public name."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import invorder

ENGINE = Path(invorder.__file__).parent / "engine"
ENGINE_MODULES = sorted(str(path.relative_to(ENGINE)) for path in ENGINE.rglob("*.py"))


@pytest.mark.parametrize("name", ENGINE_MODULES)
def test_engine_modules_are_short_and_document_every_public_name(name: str) -> None:
    source = (ENGINE / name).read_text()
    assert len(source.splitlines()) <= 400
    tree = ast.parse(source)
    assert ast.get_docstring(tree)
    classes = [node for node in tree.body if isinstance(node, ast.ClassDef)]
    for node in [*tree.body, *(member for c in classes for member in c.body)]:
        if isinstance(node, ast.FunctionDef | ast.ClassDef) and not node.name.startswith("_"):
            assert ast.get_docstring(node), f"{name}: {node.name} has no docstring"
