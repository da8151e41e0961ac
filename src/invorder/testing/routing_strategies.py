"""Deprecated: the routing strategies are in ``invorder.testing.strategies`` (module
``routing``); every old name still works, with a warning, until 0.2."""

import warnings
from typing import TYPE_CHECKING

from invorder.testing.strategies import routing as _new

if not TYPE_CHECKING:  # type checkers should flag the old path; at run time it still works

    def __getattr__(name: str) -> object:
        if name not in _new.__all__:
            raise AttributeError(
                f"module 'invorder.testing.routing_strategies' has no attribute {name!r}"
            )
        warnings.warn(
            f"invorder.testing.routing_strategies.{name} is deprecated and will be removed in "
            f"0.2: use invorder.testing.strategies.{name}",
            DeprecationWarning,
            stacklevel=2,
        )
        return getattr(_new, name)
