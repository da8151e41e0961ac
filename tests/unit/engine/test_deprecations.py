"""The engine's deprecated names still answer, with a warning."""

from __future__ import annotations

import pytest

from tests.support.order_world import capture, order_world
from tests.support.warned import filenames
from tests.support.world import at


def test_order_exceptions_is_a_deprecated_alias_of_order_alerts() -> None:
    engine = order_world(east={"EAST/A/01": 1}, west={})
    engine.capture(capture("HELD", holds=["address_problem"], minute=5))
    message = "Engine.order_exceptions is deprecated; use Engine.order_alerts"
    with pytest.warns(DeprecationWarning, match=f"^{message}$") as caught:
        found = engine.order_exceptions(at(59), at_risk=at(600) - at(0))
    assert filenames(caught, DeprecationWarning) == [__file__]  # stacklevel 2: the caller's line
    assert found == engine.order_alerts(at(59), at_risk=at(600) - at(0))
    assert [alert.order for alert in found] == ["HELD"]
