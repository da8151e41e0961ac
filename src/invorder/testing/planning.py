"""Deprecated: the purchasing and planning strategies are in ``invorder.testing.strategies``
(modules ``purchasing`` and ``planning``); every old name still works, with a warning, until
0.2."""

import warnings
from typing import TYPE_CHECKING

from invorder.testing.strategies import planning as _planning
from invorder.testing.strategies import purchasing as _purchasing

_MOVED = {name: module for module in (_planning, _purchasing) for name in module.__all__}
"""Each old name and the module that holds it now."""

if not TYPE_CHECKING:  # type checkers should flag the old path; at run time it still works

    def __getattr__(name: str) -> object:
        if name not in _MOVED:
            raise AttributeError(f"module 'invorder.testing.planning' has no attribute {name!r}")
        warnings.warn(
            f"invorder.testing.planning.{name} is deprecated and will be removed in 0.2: "
            f"use invorder.testing.strategies.{name}",
            DeprecationWarning,
            stacklevel=2,
        )
        return getattr(_MOVED[name], name)
