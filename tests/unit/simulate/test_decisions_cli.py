"""``invorder decisions record`` and ``check``: output, JSON, errors and exit codes."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from invorder import simulate as sim
from invorder.cli import main
from tests.support.golden import tiny


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def files(tmp_path: Path) -> tuple[str, str]:
    scenario = tmp_path / "tiny.jsonl"
    sim.write_scenario(tiny(), scenario)
    golden = tmp_path / "golden.jsonl"
    code, out, err = run("decisions", "record", "--scenario", str(scenario), "--rule",
                         "nearest", "-o", str(golden))  # fmt: skip
    assert (code, err) == (0, "")
    assert out.startswith("recorded 4 decisions of scenario 'tiny' (4 steps, sha256 ")
    assert out.endswith(f" under nearest in {golden}\n")
    return str(scenario), str(golden)


def test_record_writes_what_the_library_writes(files: tuple[str, str]) -> None:
    scenario, golden = files
    expected = "".join(line + "\n" for line in sim.golden_lines(sim.record_golden(tiny())))
    assert Path(golden).read_text(encoding="utf-8") == expected
    code, out, _ = run("decisions", "record", "--scenario", scenario, "--rule", "nearest")
    assert (code, out) == (0, expected)  # -o - (the default): the file on standard output


def test_check_unchanged_exits_0(files: tuple[str, str]) -> None:
    scenario, golden = files
    code, out, err = run("decisions", "check", "--scenario", scenario, "--rule", "nearest",
                         golden)  # fmt: skip
    assert (code, err) == (0, "")
    assert out.splitlines()[1:] == ["this change alters 0 of 4 decisions"]


def test_check_under_another_rule_exits_1_with_the_differences(files: tuple[str, str]) -> None:
    scenario, golden = files
    code, out, _ = run("decisions", "check", "--scenario", scenario, "--rule", "most_stock",
                       "--examples", "2", golden)  # fmt: skip
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith(f"{golden}: 4 decisions recorded under nearest (invorder ")
    assert lines[0].endswith("); checked under most_stock")
    assert lines[1] == "this change alters 3 of 4 decisions (2 changed, 1 no longer made)"
    assert lines[2] == "O1 #0 at 2026-11-27T09:00:00+00:00 (CaptureOrder c-O1): changed"
    assert lines[-1] == "(first 2 of 3)"
    code, out, _ = run("decisions", "check", "--scenario", scenario, "--rule", "most_stock",
                       "--all", golden)  # fmt: skip
    assert "O2 #1 at 2026-11-27T12:00:00+00:00 (MoveAllocation m1): gone" in out
    assert "  after:  (not made)" in out


def test_check_as_json(files: tuple[str, str]) -> None:
    scenario, golden = files
    code, out, _ = run("decisions", "check", "--scenario", scenario, "--rule", "most_stock",
                       "--json", golden)  # fmt: skip
    assert code == 1
    data = json.loads(out)
    assert (data["recorded_rule"], data["rule"], data["decisions"]) == ("nearest", "most_stock", 4)
    assert (data["differing"], data["changed"], data["gone"], data["new"]) == (3, 2, 1, 0)
    first = data["examples"][0]
    assert (first["order"], first["seq"], first["kind"]) == ("O1", 0, "changed")
    assert first["after"]["lines"][0]["allocated"] == [["WEST/A/01", 3]]
    assert first["after"]["why"] == "ranked WEST, EAST; split spill_over"
    assert data["examples"][2]["after"] is None


def test_a_generated_day_by_size_and_seed(tmp_path: Path) -> None:
    golden = str(tmp_path / "small.jsonl.gz")
    code, _, _ = run("decisions", "record", "--generate", "small", "--seed", "3", "--rule",
                     "first_fit", "-o", golden)  # fmt: skip
    assert code == 0
    code, out, _ = run("decisions", "check", "--generate", "small", "--seed", "3", "--rule",
                       "first_fit", golden)  # fmt: skip
    assert code == 0
    assert "this change alters 0 of " in out


def _truncated(golden: str) -> str:
    path = Path(golden).with_name("cut.jsonl")
    path.write_text("".join(Path(golden).read_text().splitlines(keepends=True)[:-1]))
    return str(path)


@pytest.mark.parametrize(
    ("argv", "exit_code", "message"),
    [
        (["decisions"], 2, "invorder: decisions: name an action: record or check\n"),
        (["decisions", "check", "{golden}", "--scenario", "{scenario}", "--rule", "cheapest"],
         2, "invorder: unknown routing rule 'cheapest'"),
        (["decisions", "check", "{golden}", "--generate", "small", "--rule", "nearest"], 2,
         "invorder: {golden} was recorded from scenario 'tiny' (4 steps, sha256 "),
        (["decisions", "check", "{golden}", "--scenario", "{scenario}", "--seed", "2", "--rule",
          "nearest"], 2, "invorder: --seed is for generated scenarios; a file carries its own"),
        (["decisions", "check", "{missing}", "--scenario", "{scenario}", "--rule", "nearest"], 3,
         "invorder: cannot read or write a file: [Errno 2] No such file or directory"),
        (["decisions", "check", "{cut}", "--scenario", "{scenario}", "--rule", "nearest"], 3,
         "invorder: {cut}:5: no end record after 4 decisions: the file is truncated\n"),
        (["decisions", "check", "{scenario}", "--scenario", "{scenario}", "--rule", "nearest"], 3,
         "invorder: {scenario}:1: not a golden decision file ('type' is 'Scenario'"),
        (["decisions", "record", "--scenario", "{missing}", "--rule", "nearest"], 3,
         "invorder: cannot read or write a file: [Errno 2] No such file or directory"),
    ],
)  # fmt: skip
def test_bad_input_is_one_line_and_an_exit_code(
    files: tuple[str, str], argv: list[str], exit_code: int, message: str
) -> None:
    scenario, golden = files
    names = {"scenario": scenario, "golden": golden, "missing": golden + ".missing",
             "cut": _truncated(golden)}  # fmt: skip
    before = Path(golden).read_bytes()
    code, out, err = run(*(arg.format(**names) for arg in argv))
    assert code == exit_code
    assert out == ""
    assert err.startswith(message.format(**names))
    assert err.count("\n") == 1
    assert Path(golden).read_bytes() == before
