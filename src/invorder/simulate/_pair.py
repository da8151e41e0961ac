"""The second run of ``invorder simulate --compare`` in a process of its own, beside the
first: a forked child inherits the scenario already loaded (nothing is copied up front),
runs the other rule and sends its report back; the explanations of the decisions the
comparison lists are asked for afterwards, so only those cross between the processes."""

from __future__ import annotations

import multiprocessing
import signal
import sys
import traceback
from collections.abc import Iterable
from multiprocessing.connection import Connection
from typing import Any

import attrs

from invorder.routing.explain import Explanation
from invorder.simulate.kpi import Report, report
from invorder.simulate.run import Simulation
from invorder.simulate.scenario import Scenario


def side_by_side() -> bool:
    """Whether this platform can run the second rule in a forked process: Linux, where a
    fork is safe and cheap. Elsewhere the two runs take turns in this process (the same
    results)."""
    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


class OtherRun:
    """A run of ``scenario`` under ``rule`` in a forked child process, started by the
    constructor. Fork it before this process starts a thread (a progress bar): a fork
    copies only the thread that calls it."""

    def __init__(self, scenario: Scenario, rule: str) -> None:
        context = multiprocessing.get_context("fork")
        self._conn, theirs = context.Pipe()
        self._process = context.Process(
            target=_serve, args=(theirs, scenario, rule), name=f"invorder-{rule}", daemon=True
        )
        self._process.start()
        theirs.close()

    def report(self) -> Report:
        """The child's report, once its run is over (without explanations: see
        :meth:`explain`)."""
        found = self._receive()
        assert isinstance(found, Report)
        return found

    def explain(self, rep: Report, orders: Iterable[str]) -> Report:
        """``rep`` with the child's explanations of ``orders`` (those it has); ends the
        child."""
        self._conn.send(list(orders))
        found = self._receive()
        explanations, replans = found
        self.close()
        return attrs.evolve(rep, explanations=explanations, replans=replans)

    def close(self) -> None:
        """End the child (now, if it is still running) and wait for it."""
        self._conn.close()
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()

    def _receive(self) -> Any:
        try:
            kind, payload = self._conn.recv()
        except EOFError:
            self.close()
            raise RuntimeError(
                f"the run under the second rule ended without a report (its process exited "
                f"with code {self._process.exitcode})"
            ) from None
        if kind == "failed":
            self.close()
            raise RuntimeError(f"the run under the second rule failed:\n{payload}")
        return payload


def _serve(conn: Connection, scenario: Scenario, rule: str) -> None:
    """The child: run, send the report without explanations, then the explanations of the
    orders asked for."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's: it ends us
    try:
        full = report(Simulation(scenario, rule, explain=True).advance())
        conn.send(("report", attrs.evolve(full, explanations={}, replans={})))
        wanted: list[str] = conn.recv()
        explanations: dict[str, Explanation] = {
            o: full.explanations[o] for o in wanted if o in full.explanations
        }
        replans = {o: full.replans[o] for o in wanted if o in full.replans}
        conn.send(("explanations", (explanations, replans)))
    except (EOFError, BrokenPipeError):
        pass  # the parent went away or needs nothing more
    except BaseException:  # told to the parent, which raises it there
        conn.send(("failed", traceback.format_exc()))
    finally:
        conn.close()
