"""The ``notebook`` extra for the notebook tables and histories: pandas and matplotlib are
imported when a function needs them, and a call without them raises an ``ImportError``
naming the extra."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.axes import Axes

EXTRA = "notebook"
"""The optional extra that installs pandas and matplotlib."""


def missing(package: str) -> ImportError:
    """The error for a call that needs ``package`` without it: it names the extra."""
    return ImportError(
        f"invorder.simulate.notebook needs {package}: install the {EXTRA!r} extra "
        f"(pip install 'invorder[{EXTRA}]')",
        name=package,
    )


def require(package: str) -> None:
    """Import ``package``, or raise :func:`missing`'s error."""
    try:
        __import__(package)
    except ImportError as error:
        raise missing(package) from error


def axes(ax: Axes | None) -> Axes:
    """``ax``, or a new figure's axes (needs matplotlib)."""
    if ax is not None:
        return ax
    require("matplotlib.pyplot")
    import matplotlib.pyplot as plt

    made: Axes = plt.figure().add_subplot()
    return made


def time_axis(ax: Axes) -> None:
    """Concise date ticks in UTC on the x axis, labelled so (the runs' times are UTC)."""
    from datetime import UTC

    import matplotlib.dates as mdates

    locator = mdates.AutoDateLocator(tz=UTC)  # type: ignore[no-untyped-call]  # untyped in mpl
    ax.xaxis.set_major_locator(locator)
    concise = mdates.ConciseDateFormatter(locator, tz=UTC)  # type: ignore[no-untyped-call]  # untyped in mpl
    ax.xaxis.set_major_formatter(concise)
    ax.set_xlabel("time (UTC)")


def legend_outside(ax: Axes) -> None:
    """The legend to the right of the plot, where it covers no data."""
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize="small")


def unique(names: Sequence[str]) -> list[str]:
    """``names`` told apart: a name that repeats gets `` (1)``, `` (2)``... appended."""
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if names.count(name) == 1 else f"{name} ({seen[name]})")
    return out
