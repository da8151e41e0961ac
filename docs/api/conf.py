"""Sphinx configuration of the API reference, generated from the docstrings (autodoc).

Build: ``sphinx-build -W --keep-going -b html docs/api build/api`` (``.ci/run`` does, with
warnings as errors, so a broken reference or docstring fails CI).
"""

from __future__ import annotations

from invorder._version import installed_version

project = "invorder"
author = "invorder maintainers"
copyright = "2026, invorder maintainers"  # the name Sphinx reads
release = installed_version()

extensions = ["sphinx.ext.autodoc"]
autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_default_options = {"members": True, "show-inheritance": True}
autoclass_content = "class"
html_theme = "alabaster"
html_title = f"invorder {release} API reference"
exclude_patterns = ["_build"]
# A public name lives in more than one namespace (invorder.Event is invorder.events.Event):
# a type hint naming it finds several targets that are the same object.
suppress_warnings = ["ref.python"]
