"""A pytest helper that pins a routing rule's decisions to a golden decision file: the test
fails, listing the first decisions that changed, when a change of the rule (or of invorder)
routes differently; re-record on purpose with ``INVORDER_RECORD_DECISIONS=1``."""

from __future__ import annotations

import os
from pathlib import Path

from invorder.routing import RoutingRule
from invorder.simulate.decisions import DecisionCheck, rule_name
from invorder.simulate.golden import check_golden, read_golden, record_golden, write_golden
from invorder.simulate.scenario import Scenario
from invorder.simulate.scenario_file import read_scenario

RECORD_DECISIONS = "INVORDER_RECORD_DECISIONS"
"""The environment variable that makes :func:`assert_decisions_unchanged` write the golden
file again instead of checking it (any value but empty or ``0``)."""


def assert_decisions_unchanged(
    scenario: Scenario | str | Path,
    rule: str | RoutingRule,
    golden: str | Path,
    allow: int = 0,
    *,
    record: bool | None = None,
    examples: int = 5,
) -> DecisionCheck | None:
    """Run ``scenario`` (a :class:`~invorder.simulate.Scenario` or a scenario file's path)
    under ``rule`` (a built-in name, ``module:attribute``, or your rule itself) and check
    its decisions against the golden file ``golden``; fail with an ``AssertionError`` that
    says "this change alters N of M decisions" and lists the first ``examples`` of them when
    more than ``allow`` differ. Returns the check.

    With ``record=True``, or when ``record`` is ``None`` and the environment variable
    :data:`RECORD_DECISIONS` is set (to anything but empty or ``0``), the run is written to
    ``golden`` instead (the file is replaced whole) and ``None`` is returned. A missing
    golden file fails and says how to record it; a golden file recorded from another
    scenario raises :class:`~invorder.simulate.GoldenMismatchError`, a damaged one
    :class:`~invorder.simulate.GoldenFileError`.
    """
    if record is None:
        record = os.environ.get(RECORD_DECISIONS, "") not in ("", "0")
    loaded = scenario if isinstance(scenario, Scenario) else read_scenario(scenario)
    if record:
        write_golden(record_golden(loaded, rule), golden)
        return None
    if not Path(golden).exists():
        raise AssertionError(
            f"no golden decision file at {golden}: record it by running the test with "
            f"{RECORD_DECISIONS}=1 (or record=True), then commit it"
        )
    check = check_golden(read_golden(golden), loaded, rule, file=str(golden))
    if len(check.differing) > allow:
        allowed = f" (at most {allow} allowed)" if allow else ""
        shown = "\n".join(check.diff_lines(examples))
        raise AssertionError(
            f"{check.summary()}{allowed} under {rule_name(rule)} against {golden}:\n{shown}\n"
            f"If the change is intended, record the file again with {RECORD_DECISIONS}=1."
        )
    return check
