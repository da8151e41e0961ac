"""The package's surface: a small top level, three namespaces, every old name still
importable (with a warning naming its new place), every module and public name documented,
no source file over 400 lines, and every command and event exported."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from pathlib import Path

import pytest

import invorder
from invorder.domain import model
from tests.support.warned import messages

SRC = Path(invorder.__file__).parent
NAMESPACES = ("invorder", "invorder.errors", "invorder.events", "invorder.records",
              "invorder.routing")  # fmt: skip
OLD = invorder._deprecated
OLD_NAMES = sorted({*OLD._MOVED_TO, *OLD._RENAMED, *OLD._DROPPED})


def test_the_top_level_is_small() -> None:
    # Every command is at the top (the next test), so the top grows with the commands;
    # what is kept small is the rest: the values, ids, ports and entry points.
    commands = {command.__name__ for command in model.COMMANDS}
    others = [name for name in invorder.__all__ if name not in commands]
    assert len(others) <= 63, others  # 63: EngineOptions, the typed options of in_memory()
    assert len(set(invorder.__all__)) == len(invorder.__all__)


def test_every_command_is_at_the_top_and_every_event_in_the_events_namespace() -> None:
    for command in model.COMMANDS:
        assert getattr(invorder, command.__name__) is command
    for event in model.EVENTS:
        assert getattr(invorder.events, event.__name__) is event


@pytest.mark.parametrize("namespace", NAMESPACES)
def test_every_exported_name_exists_and_is_documented(namespace: str) -> None:
    module = importlib.import_module(namespace)
    assert list(module.__all__) == sorted(module.__all__)
    for name in module.__all__:
        value = getattr(module, name)
        if inspect.isclass(value) or inspect.isfunction(value):
            assert (value.__doc__ or "").strip(), f"{namespace}.{name} has no docstring"


@pytest.mark.parametrize("name", OLD_NAMES)
def test_an_old_top_level_name_still_works_and_says_where_it_went(name: str) -> None:
    assert name not in invorder.__all__
    with pytest.warns(DeprecationWarning, match=rf"invorder\.{name} is deprecated") as caught:
        found = getattr(invorder, name)
    message = messages(caught, DeprecationWarning)[0]
    if name in OLD._MOVED_TO:
        module = OLD._MOVED_TO[name]
        assert found is getattr(importlib.import_module(module), name)
        assert f"{module}.{name}" in message
    elif name in OLD._RENAMED:
        assert OLD._RENAMED[name][1] in message
    else:
        assert "no longer public" in message


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'Nonesuch'"):
        getattr(invorder, "Nonesuch")  # noqa: B009  # the name is not known statically


def _modules() -> list[Path]:
    return sorted(SRC.rglob("*.py"))


def test_every_module_says_what_it_is_for_and_stays_short() -> None:
    undocumented, long = [], []
    for path in _modules():
        text = path.read_text(encoding="utf-8")
        name = str(path.relative_to(SRC))
        if not ast.get_docstring(ast.parse(text)):
            undocumented.append(name)
        if len(text.splitlines()) > 400:
            long.append(f"{name}: {len(text.splitlines())} lines")
    assert undocumented == []
    assert long == []


def test_every_module_imports() -> None:
    for info in pkgutil.walk_packages(invorder.__path__, "invorder."):
        if info.name == "invorder.__main__":
            continue  # the command line, run by ``python -m invorder``
        importlib.import_module(info.name)


def test_every_public_function_class_and_method_has_a_docstring() -> None:
    missing = []
    for path in _modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        classes = [c for c in tree.body if isinstance(c, ast.ClassDef) and c.name[0] != "_"]
        for node in [*tree.body, *(member for c in classes for member in c.body)]:
            if not isinstance(node, ast.FunctionDef | ast.ClassDef) or node.name[0] == "_":
                continue
            if any(ast.unparse(d).endswith("overload") for d in node.decorator_list):
                continue  # the implementation carries the docstring
            if not ast.get_docstring(node):
                missing.append(f"{path.relative_to(SRC)}: {node.name}")
    assert missing == []
