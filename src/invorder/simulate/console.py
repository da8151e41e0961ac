"""Progress bars for the command line: percentage, rate and time left on standard error, drawn
by ``rich`` (the ``cli`` extra) when standard error is a terminal, and nothing otherwise."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TextIO

Progress = Callable[[int, int], None]
"""A callback told (done, total) as a long phase goes on."""


def _no_progress(done: int, total: int) -> None:
    """The callback when no bar is drawn."""


@contextmanager
def progress_bar(err: TextIO, label: str, unit: str, *, quiet: bool = False) -> Iterator[Progress]:
    """A bar on ``err`` labelled ``label``, counting ``unit`` (for the rate, e.g. ``steps``),
    for the length of the ``with`` block; the callback it yields takes (done, total). Until
    it is called the bar pulses: a phase with no count to show still shows it is working.

    No bar (a callback that does nothing) when ``quiet``, when ``err`` is not a terminal, or
    when ``rich`` is not installed: output piped to a file or another program stays clean.
    """
    isatty = getattr(err, "isatty", None)
    if quiet or isatty is None or not isatty():
        yield _no_progress
        return
    try:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            ProgressColumn,
            TaskProgressColumn,
            TextColumn,
            TimeRemainingColumn,
        )
        from rich.progress import (
            Progress as Bar,
        )
        from rich.text import Text
    except ImportError:  # the library without the cli extra: no bar, same results
        yield _no_progress
        return

    class Rate(ProgressColumn):
        """Units a second, with thousands separators."""

        def render(self, task: Any) -> Text:
            speed = task.finished_speed or task.speed
            return Text("" if speed is None else f"{speed:,.0f} {unit}/s")

    text = TextColumn(label.replace("{", "{{").replace("}", "}}"), markup=False)
    columns = (text, BarColumn(), TaskProgressColumn(), Rate(), TimeRemainingColumn())
    with Bar(*columns, console=Console(file=err), transient=False) as bar:
        task = bar.add_task(label, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update
