"""Reading and writing scenario files: strict JSON Lines, an end record that proves the file is
whole, gzip, a byte-order mark, standard input, and writes that never leave half a file.

Every line is decoded strictly (unknown keys and values of the wrong JSON type are refused)
and each problem is reported with the file, the line and the field path:
``day.jsonl:12: CaptureOrder.lines[0].quantity: must be >= 1 (got -1)``.
"""

from __future__ import annotations

import difflib
import gzip
import hashlib
import io
import json
import os
import sys
import tempfile
import warnings
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import IO, Any

import attrs
import cattrs

from invorder.codec import COMMAND_TYPES, field_problems, make_converter
from invorder.domain.errors import InvorderError
from invorder.domain.messages import Command
from invorder.domain.money import Money
from invorder.domain.purchasing.costs import costs_of
from invorder.domain.stock.catalog import Catalog
from invorder.simulate._shared_values import sharing
from invorder.simulate.scenario import (
    SCHEMA_VERSION,
    STEP_TYPES,
    Scenario,
    ScenarioError,
    ScenarioHeader,
    ScenarioWarning,
    Step,
)

END = "End"
"""The ``type`` of the last line of a version-2 file: ``{"type": "End", "steps": N,
"sha256": "..."}``, the number of steps and the SHA-256 of every line before it (each line's
UTF-8 text followed by a newline). ``sha256`` may be left out of a file written by hand."""

READABLE_SCHEMAS = (1, SCHEMA_VERSION)
"""Format versions this library reads."""

_GZIP_MAGIC = b"\x1f\x8b"
_NO_CATALOG = Catalog()  # a step naming its SKU by barcode is checked by the engine instead


class ScenarioCodec:
    """Reads and writes scenario lines with a strict cattrs converter.

    A line is read by the fast converter, which stops at the first problem; only a line it
    refuses is read again by the detailed one, for the error with every field path. With
    ``share=True`` (how :func:`loads` reads a file), what the codec reads shares its
    repeated values: equal ids and money are one object, kept by the codec for as long as
    it lives (see :mod:`invorder.simulate._shared_values`)."""

    __slots__ = ("_converter", "_detailed")

    def __init__(self, *, share: bool = False) -> None:
        prepare = sharing({}) if share else None
        self._converter = make_converter(strict=True, detailed=False, prepare=prepare)
        self._detailed: cattrs.Converter | None = None  # made for the first bad line

    def header_to_dict(self, header: ScenarioHeader) -> dict[str, Any]:
        """The header as a JSON-compatible dict (``type`` is ``Scenario``)."""
        data: dict[str, Any] = {"type": "Scenario"}
        data.update(self._converter.unstructure(header))
        return data

    def step_to_dict(self, step: Step) -> dict[str, Any]:
        """A step as a JSON-compatible dict with its ``type``."""
        if isinstance(step, Command):
            command: dict[str, Any] = self._converter.unstructure(step, Command)
            return command
        data: dict[str, Any] = {"type": type(step).__name__}
        data.update(self._converter.unstructure(step))
        return data

    def header_from_dict(self, data: dict[str, Any]) -> ScenarioHeader:
        """Read the header dict back; raises :class:`ValueError` or a cattrs error."""
        if data.get("type") != "Scenario":
            raise ValueError(f"'type' is {data.get('type')!r}, not 'Scenario'")
        if data.get("schema") not in READABLE_SCHEMAS:
            readable = " and ".join(map(str, READABLE_SCHEMAS))
            raise ValueError(f"schema {data.get('schema')!r} (this library reads {readable})")
        fields = {k: v for k, v in data.items() if k != "type"}
        header: ScenarioHeader = self._structure(fields, ScenarioHeader)
        return header

    def step_from_dict(self, data: dict[str, Any]) -> Step:
        """Read a step dict back (a command or a simulation step); raises :class:`ValueError`
        for an unknown ``type`` and a cattrs error for bad fields."""
        name = data.get("type")
        cls = STEP_TYPES.get(name) if isinstance(name, str) else None
        if cls is None:
            if not isinstance(name, str) or name not in COMMAND_TYPES:
                raise ValueError(_unknown_type(name))
            command: Command = self._structure(data, Command)
            return command
        fields = {k: v for k, v in data.items() if k != "type"}
        step: Step = self._structure(fields, cls)
        return step

    def _structure(self, data: dict[str, Any], kind: Any) -> Any:
        try:
            return self._converter.structure(data, kind)
        except Exception:  # read again below: the detailed converter raises the error
            pass
        if self._detailed is None:
            self._detailed = make_converter(strict=True)
        # Raises what the line's problems are, with their field paths.
        return self._detailed.structure(data, kind)


def _unknown_type(name: object) -> str:
    if not isinstance(name, str):
        return "no 'type' naming a command or simulation step"
    known = [*COMMAND_TYPES, *STEP_TYPES]
    close = difflib.get_close_matches(name, known, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"unknown type {name!r}{hint}"


def dump_lines(scenario: Scenario) -> Iterator[str]:
    """The scenario's lines (without newlines): compact JSON with sorted keys, the header at
    the current :data:`SCHEMA_VERSION` first and the end record last."""
    codec = ScenarioCodec()
    digest = hashlib.sha256()
    header = scenario.header
    if header.schema != SCHEMA_VERSION:
        header = attrs.evolve(header, schema=SCHEMA_VERSION)
    lines = [codec.header_to_dict(header), *map(codec.step_to_dict, scenario.steps)]
    for data in lines:
        line = _json(data)
        digest.update(line.encode("utf-8") + b"\n")
        yield line
    yield _json({"type": END, "steps": len(scenario.steps), "sha256": digest.hexdigest()})


def dumps(scenario: Scenario) -> str:
    """The scenario as one JSON Lines string (same scenario, same bytes)."""
    return "".join(line + "\n" for line in dump_lines(scenario))


def _json(data: dict[str, Any]) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


_STEP_EXPECTED = "a command or simulation step object with a known 'type'"


def loads(text: str | Iterable[str], *, file: str = "") -> Scenario:
    """Read a scenario from its text (or an iterable of lines, such as an open file).

    Raises :class:`ScenarioError` for the first bad line (blank lines are skipped), naming
    ``file`` when given; nothing is returned, so nothing runs. A version-2 file must end with
    its end record (step count and checksum), so a truncated or edited file is refused; a
    version-1 file has none and is read with a :class:`ScenarioWarning`.
    """
    reader = _Reader(file)
    lines = text.split("\n") if isinstance(text, str) else text
    for number, raw in enumerate(lines, start=1):
        if number == 1:
            raw = raw.removeprefix("\ufeff")
        reader.line(number, raw)
    return reader.finish()


class _Reader:
    __slots__ = ("codec", "currencies", "digest", "end", "file", "header", "last", "lines",
                 "number", "steps")  # fmt: skip

    def __init__(self, file: str) -> None:
        self.codec = ScenarioCodec(share=True)  # for this read only
        self.file = file
        self.header: ScenarioHeader | None = None
        self.steps: list[Step] = []
        self.lines: list[int] = []
        self.last: datetime | None = None
        self.currencies: dict[str, str] = {}
        self.digest = hashlib.sha256()
        self.end: dict[str, Any] | None = None
        self.number = 0

    def error(self, number: int, expected: str, problem: str) -> ScenarioError:
        return ScenarioError(number, expected, problem, self.file)

    def line(self, number: int, raw: str) -> None:
        raw = raw.rstrip("\r\n")
        if not raw.strip():
            return
        self.number = number  # the last line with something on it
        if self.end is not None:
            raise self.error(number, "", "a line after the end record")
        expected = "the Scenario header object" if self.header is None else _STEP_EXPECTED
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as error:
            raise self.error(number, expected, f"not JSON ({error.msg})") from error
        if not isinstance(data, dict):
            raise self.error(number, expected, f"a JSON {type(data).__name__}, not an object")
        if self.header is not None and data.get("type") == END:
            self.end = data
            self._check_end(number, data)
            return
        self.digest.update(raw.encode("utf-8") + b"\n")
        read = self._read(number, expected, data)
        if isinstance(read, ScenarioHeader):
            self.header, self.last = read, read.start
            _one_currency(self, ((s.sku, s.unit_cost) for s in read.stock), number)
            return
        if isinstance(read, Command):  # the engine's own rule, read before anything runs
            _one_currency(self, costs_of(read, _NO_CATALOG), number)
        if self.last is not None and read.at < self.last:
            wanted = f"a time at or after {self.last.isoformat()}"
            raise self.error(number, wanted, f"'at' is {read.at.isoformat()}")
        self.last = read.at
        self.steps.append(read)
        self.lines.append(number)

    def _read(self, number: int, expected: str, data: dict[str, Any]) -> ScenarioHeader | Step:
        root = data.get("type") if isinstance(data.get("type"), str) else "line"
        try:
            if self.header is None:
                return self.codec.header_from_dict(data)
            return self.codec.step_from_dict(data)
        except cattrs.BaseValidationError as error:
            problems = field_problems(error, str(root))
            more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
            raise self.error(number, "", "; ".join(problems[:3]) + more) from error
        except InvorderError as error:
            raise self.error(number, "", f"{root}: {error}") from error
        except ValueError as error:
            wanted = expected if self.header is None else ""
            raise self.error(number, wanted, str(error)) from error

    def _check_end(self, number: int, data: dict[str, Any]) -> None:
        steps, digest = data.get("steps"), data.get("sha256")
        extra = ", ".join(repr(k) for k in sorted(set(data) - {"type", "steps", "sha256"}))
        if extra:
            raise self.error(number, "", f"{END}: unknown key(s) {extra}")
        if type(steps) is not int:
            raise self.error(number, "", f"{END}.steps: must be an integer (got {steps!r})")
        if steps != len(self.steps):
            raise self.error(
                number, "", f"the end record says {steps} steps, but {len(self.steps)} were read"
            )
        # A file written by hand may leave the checksum out; the count still tells a cut.
        if digest is not None and digest != self.digest.hexdigest():
            raise self.error(number, "", "checksum mismatch: the file was changed after writing")

    def finish(self) -> Scenario:
        if self.header is None:
            raise self.error(1, "the Scenario header object", "the file is empty")
        if self.end is None:
            if self.header.schema >= 2:
                raise self.error(
                    self.number,
                    "",
                    f"no end record after {len(self.steps)} steps: the file is truncated",
                )
            where = f"{self.file}: " if self.file else ""
            warnings.warn(
                f"{where}scenario format 1 has no end record: a truncated file cannot be "
                "detected (write it again with this version to add one)",
                ScenarioWarning,
                stacklevel=3,
            )
        return Scenario(self.header, tuple(self.steps), tuple(self.lines))


def _one_currency(reader: _Reader, costs: Iterable[tuple[str, Money | None]], number: int) -> None:
    # Valuation averages a SKU's costs: they must share a currency, or no report can be made.
    for sku, cost in costs:
        if cost is None or not sku:
            continue
        known = reader.currencies.setdefault(sku, cost.currency)
        if known != cost.currency:
            raise reader.error(
                number,
                f"unit costs of {sku} in {known}, as on earlier lines",
                f"a unit_cost in {cost.currency}: a SKU is valued in one currency "
                "(convert the cost first)",
            )


def read_scenario(path: str | Path) -> Scenario:
    """Read a scenario file (``-``: standard input), gzipped or not, with or without a UTF-8
    byte-order mark. Raises :class:`ScenarioError` (naming the file and line) for bad content,
    including bytes that are not UTF-8 text, and :class:`OSError` when it cannot be opened."""
    name = str(path)
    if name == "-":
        return _read_binary(sys.stdin.buffer, "<stdin>")
    with open(name, "rb") as raw:
        return _read_binary(raw, name)


def _read_binary(raw: IO[bytes], name: str) -> Scenario:
    if not hasattr(raw, "peek"):  # an in-memory stream standing in for standard input
        raw = io.BufferedReader(raw)  # type: ignore[type-var]  # BytesIO has readinto
    stream: IO[bytes] | gzip.GzipFile = raw
    start = raw.peek(2)[:2]
    if start == _GZIP_MAGIC or name.endswith(".gz"):
        stream = gzip.GzipFile(fileobj=raw, mode="rb")
    return loads(_decoded(stream, name), file=name)


def _decoded(stream: Iterable[bytes], name: str) -> Iterator[str]:
    number = 0
    try:
        for number, line in enumerate(stream, start=1):  # number is read after the loop
            try:
                yield line.decode("utf-8")
            except UnicodeDecodeError:
                raise ScenarioError(number, "", "not UTF-8 text", name) from None
    except (gzip.BadGzipFile, EOFError) as error:
        raise ScenarioError(number + 1, "", f"not a whole gzip file ({error})", name) from None


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_scenario(scenario: Scenario, path: str | Path, out: IO[str] | None = None) -> None:
    """Write ``scenario`` to ``path`` (``-``: ``out`` or standard output); a name ending in
    ``.gz`` is gzipped. The file appears whole or not at all: it is written to a temporary
    file beside it and renamed over ``path`` at the end."""
    write_lines(dump_lines(scenario), path, out)


def write_lines(lines: Iterable[str], path: str | Path, out: IO[str] | None = None) -> None:
    """Write ``lines`` (without their newlines) as :func:`write_scenario` writes a scenario:
    to ``out`` or standard output for ``-``, gzipped for a name ending in ``.gz``, whole or
    not at all."""
    name = str(path)
    if name == "-":
        target = out if out is not None else sys.stdout
        for line in lines:
            target.write(line + "\n")
        return
    final = Path(name)
    handle, temporary = tempfile.mkstemp(prefix=f".{final.name}.", dir=final.parent or ".")
    try:
        with os.fdopen(handle, "wb") as raw:
            sink: IO[bytes] | gzip.GzipFile = raw
            if name.endswith(".gz"):
                sink = gzip.GzipFile(filename="", fileobj=raw, mode="wb", mtime=0)
            for line in lines:
                sink.write(line.encode("utf-8") + b"\n")
            if sink is not raw:
                sink.close()
            raw.flush()
            os.fsync(raw.fileno())  # on disk before the rename makes it the file
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, final)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
