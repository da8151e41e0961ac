"""Golden decision files: every routing decision of a run (:mod:`invorder.simulate.decisions`),
recorded once and checked after each change of a rule, of its settings or of the library.

A file is JSON Lines: a header (``{"type": "GoldenDecisions", "format": 1, ...}`` with the
rule, the library version and the scenario's identity: name, seed, step count and the
SHA-256 of its canonical text), one line per decision in the order they were made, and an
end record (``{"type": "End", "decisions": N, "sha256": ...}``) that proves the file whole.
A check against another scenario is refused (:class:`GoldenMismatchError`) rather than
reported as a page of differences.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import IO, Any

import attrs

from invorder._version import installed_version
from invorder.domain.errors import ErrorCode, ValidationError
from invorder.routing import RoutingRule
from invorder.simulate.decisions import (
    Decision,
    DecisionCheck,
    LineDecision,
    compare_decisions,
    record_decisions,
    rule_name,
)
from invorder.simulate.run import DEFAULT_RULE
from invorder.simulate.scenario import Scenario
from invorder.simulate.scenario_file import dump_lines, write_lines

FORMAT = 1
"""The golden file format this library writes and reads."""

HEADER = "GoldenDecisions"
"""The ``type`` of a golden file's first line."""

END = "End"
"""The ``type`` of its last line: the number of decisions and the SHA-256 of every line
before it (each line's UTF-8 text and a newline)."""


class GoldenFileError(ValidationError):
    """A golden decision file that cannot be read: not JSON Lines, another format version, a
    malformed decision, or no end record (truncated); with its file and line."""

    code = ErrorCode.GOLDEN_FILE
    line: int
    problem: str
    file: str = ""

    def _render(self) -> str:
        where = f"{self.file}:{self.line}" if self.file else f"line {self.line}"
        return f"{where}: {self.problem}"


class GoldenMismatchError(ValidationError):
    """A golden decision file recorded from another scenario than the one it is checked
    against: its decisions cannot be compared."""

    code = ErrorCode.GOLDEN_MISMATCH
    template = (
        "{file} was recorded from scenario {recorded}, not from {given}: check it against "
        "the scenario it was recorded from, or record it again"
    )
    file: str
    recorded: str
    given: str


@attrs.frozen(kw_only=True)
class ScenarioIdentity:
    """What a golden file says of the scenario it was recorded from."""

    name: str
    """The scenario's name."""
    seed: int | None
    """Its generator seed (``None`` when not generated)."""
    steps: int
    """Its number of steps."""
    sha256: str
    """SHA-256 of its canonical text (:func:`~invorder.simulate.dumps`), so the same
    scenario read from a gzipped or hand-formatted file has the same identity."""

    def __str__(self) -> str:
        """``'small' (seed 1, 1,028 steps, sha256 1f3a...)``."""
        seed = "" if self.seed is None else f"seed {self.seed}, "
        return f"{self.name!r} ({seed}{self.steps:,} steps, sha256 {self.sha256[:12]})"


def scenario_identity(scenario: Scenario) -> ScenarioIdentity:
    """The identity of ``scenario`` (hashes its canonical text once)."""
    digest = hashlib.sha256()
    for line in dump_lines(scenario):
        digest.update(line.encode("utf-8") + b"\n")
    header = scenario.header
    return ScenarioIdentity(name=header.name, seed=header.seed, steps=len(scenario.steps),
                            sha256=digest.hexdigest())  # fmt: skip


@attrs.frozen(kw_only=True)
class Golden:
    """A golden decision file's content."""

    rule: str
    """The rule it was recorded under (as named)."""
    scenario: ScenarioIdentity
    """The scenario it was recorded from."""
    invorder: str
    """The library version that recorded it."""
    decisions: tuple[Decision, ...]
    """Every decision, in the order they were made."""


def record_golden(
    scenario: Scenario,
    rule: str | RoutingRule = DEFAULT_RULE,
    progress: Callable[[int, int], None] | None = None,
) -> Golden:
    """Run ``scenario`` under ``rule`` (a name, ``module:attribute`` or a rule) and keep
    every decision with the run's identity."""
    decisions = record_decisions(scenario, rule, progress)
    return Golden(rule=rule_name(rule), scenario=scenario_identity(scenario),
                  invorder=installed_version(), decisions=decisions)  # fmt: skip


def check_golden(
    golden: Golden,
    scenario: Scenario,
    rule: str | RoutingRule = DEFAULT_RULE,
    *,
    file: str = "the golden file",
    progress: Callable[[int, int], None] | None = None,
) -> DecisionCheck:
    """Run ``scenario`` under ``rule`` and compare its decisions with ``golden``'s.

    Raises :class:`GoldenMismatchError` (naming ``file``) before running anything when
    ``golden`` was recorded from another scenario. The rule may differ from the recorded
    one: that is how a rule change is measured."""
    given = scenario_identity(scenario)
    if given.sha256 != golden.scenario.sha256:
        raise GoldenMismatchError(file, str(golden.scenario), str(given))
    return compare_decisions(golden.decisions, record_decisions(scenario, rule, progress))


def golden_lines(golden: Golden) -> Iterator[str]:
    """The file's lines (without newlines): header, decisions, end record."""
    digest = hashlib.sha256()
    header = {"type": HEADER, "format": FORMAT, "rule": golden.rule,
              "scenario": attrs.asdict(golden.scenario), "invorder": golden.invorder}  # fmt: skip
    for data in (header, *(d.to_dict() for d in golden.decisions)):
        line = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
        digest.update(line.encode("utf-8") + b"\n")
        yield line
    end = {"type": END, "decisions": len(golden.decisions), "sha256": digest.hexdigest()}
    yield json.dumps(end, separators=(",", ":"))


def write_golden(golden: Golden, path: str | Path, out: IO[str] | None = None) -> None:
    """Write ``golden`` to ``path`` (``-``: ``out`` or standard output; ``.gz``: gzipped),
    whole or not at all."""
    write_lines(golden_lines(golden), path, out)


def read_golden(path: str | Path) -> Golden:
    """Read a golden file (gzipped or not). Raises :class:`GoldenFileError` for bad content
    and :class:`OSError` when it cannot be opened."""
    name = str(path)
    with open(name, "rb") as raw:
        gzipped = raw.peek(2)[:2] == b"\x1f\x8b"
        stream: IO[bytes] | gzip.GzipFile = gzip.GzipFile(fileobj=raw) if gzipped else raw
        lines: list[str] = []
        try:
            for line in stream:
                lines.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            raise GoldenFileError(len(lines) + 1, "not UTF-8 text", name) from None
        except (gzip.BadGzipFile, EOFError) as error:
            problem = f"not a whole gzip file ({error})"
            raise GoldenFileError(len(lines) + 1, problem, name) from None
    return loads_golden(lines, file=name)


def loads_golden(text: str | Iterable[str], *, file: str = "") -> Golden:
    """Read a golden file from its text (or lines); raises :class:`GoldenFileError` for the
    first bad line, naming ``file`` when given."""
    lines = text.split("\n") if isinstance(text, str) else text
    digest = hashlib.sha256()
    header: dict[str, Any] | None = None
    decisions: dict[tuple[str, int], Decision] = {}
    read: Golden | None = None
    number = 0
    for number, raw in enumerate(lines, start=1):
        raw = raw.rstrip("\r\n")
        if not raw.strip():
            continue
        try:
            if read is not None:
                raise ValueError("a line after the end record")
            data = json.loads(raw)
            if not isinstance(data, dict):
                raise ValueError(f"a JSON {type(data).__name__}, not an object")
            if header is None:
                header = _header(data)
            elif data.get("type") == END:
                _end(data, len(decisions), digest.hexdigest())
                read = Golden(rule=header["rule"], scenario=ScenarioIdentity(**header["scenario"]),
                              invorder=header["invorder"],
                              decisions=tuple(decisions.values()))  # fmt: skip
            else:
                decision = _decision(data)
                if decision.key in decisions:
                    order, seq = decision.key
                    raise ValueError(f"decision #{seq} of order {order!r} appears twice")
                decisions[decision.key] = decision
        except (ValueError, TypeError) as error:
            raise GoldenFileError(number, str(error), file) from None
        digest.update(raw.encode("utf-8") + b"\n")
    if read is not None:
        return read
    if header is None:
        raise GoldenFileError(1, "the file is empty: no GoldenDecisions header", file)
    problem = f"no end record after {len(decisions)} decisions: the file is truncated"
    raise GoldenFileError(number, problem, file)


def _header(data: dict[str, Any]) -> dict[str, Any]:
    if data.get("type") != HEADER:
        raise ValueError(f"not a golden decision file ('type' is {data.get('type')!r}, "
                         f"not {HEADER!r})")  # fmt: skip
    if data.get("format") != FORMAT:
        raise ValueError(f"golden file format {data.get('format')!r} (this library reads "
                         f"{FORMAT}): record it again with this version")  # fmt: skip
    _only(data, {"type", "format", "rule", "scenario", "invorder"}, HEADER)
    _typed(data, "rule", str)
    _typed(data, "invorder", str)
    scenario = _typed(data, "scenario", dict)
    _only(scenario, {"name", "seed", "steps", "sha256"}, "scenario")
    _typed(scenario, "name", str)
    _typed(scenario, "seed", (int, type(None)))
    _typed(scenario, "steps", int)
    _typed(scenario, "sha256", str)
    return data


def _end(data: dict[str, Any], read: int, digest: str) -> None:
    _only(data, {"type", "decisions", "sha256"}, END)
    if _typed(data, "decisions", int) != read:
        raise ValueError(f"the end record says {data['decisions']} decisions, but {read} were "
                         "read: the file is truncated or was edited")  # fmt: skip
    if _typed(data, "sha256", str) != digest:
        raise ValueError("checksum mismatch: the file was changed after it was written")


def _decision(data: dict[str, Any]) -> Decision:
    _only(data, {"order", "seq", "at", "trigger", "lines", "held", "why"}, "decision")
    at = datetime.fromisoformat(_typed(data, "at", str))
    if at.tzinfo is None:
        raise ValueError(f"'at' has no time zone: {data['at']!r}")
    lines = []
    for line in _typed(data, "lines", list):
        if not isinstance(line, dict):
            raise ValueError("'lines' must hold objects")
        _only(line, {"line", "sku", "allocated", "backordered", "cancelled"}, "line")
        allocated = []
        for pair in _typed(line, "allocated", list):
            if not (isinstance(pair, list) and len(pair) == 2 and isinstance(pair[0], str)
                    and type(pair[1]) is int):  # fmt: skip
                raise ValueError(f"'allocated' must hold [location, units] pairs (got {pair!r})")
            allocated.append((pair[0], pair[1]))
        lines.append(LineDecision(_typed(line, "line", str), _typed(line, "sku", str),
                                  tuple(allocated), _typed(line, "backordered", int, 0),
                                  _typed(line, "cancelled", int, 0)))  # fmt: skip
    return Decision(order=_typed(data, "order", str), seq=_typed(data, "seq", int), at=at,
                    trigger=_typed(data, "trigger", str), lines=tuple(lines),
                    held=_typed(data, "held", bool, False),
                    why=_typed(data, "why", str, ""))  # fmt: skip


def _only(data: dict[str, Any], keys: set[str], what: str) -> None:
    extra = sorted(set(data) - keys)
    if extra:
        raise ValueError(f"{what}: unknown key(s) {', '.join(map(repr, extra))}")


_MISSING: Any = object()


def _typed(data: dict[str, Any], key: str, kind: Any, default: Any = _MISSING) -> Any:
    if key not in data:
        if default is _MISSING:
            raise ValueError(f"missing {key!r}")
        return default
    value = data[key]
    # bool is an int to isinstance; a count or seq of true is a mistake.
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise ValueError(f"{key!r} has the wrong type (got {value!r})")
    return value
