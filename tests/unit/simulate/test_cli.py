"""The simulate, generate and verify commands: output, errors and exit codes."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from invorder import simulate as sim
from invorder.cli import main


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def scenario_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("scn") / "small.jsonl"
    code, _, _ = run("generate", "small", "--seed", "5", "-o", str(path))
    assert code == 0
    return path


def test_simulate_without_arguments_prints_the_kpi_table() -> None:
    code, out, err = run("simulate")
    assert code == 0
    assert err == ""
    assert out.startswith("rule: nearest")
    for word in ("fill_rate", "split_rate", "sla_misses", "shopify", "wholesale"):
        assert word in out
    assert "oversold units: 0" in out


def test_generate_writes_the_same_bytes_as_the_library(scenario_file: Path) -> None:
    expected = sim.dumps(sim.generate_size("small", 5))
    assert scenario_file.read_text(encoding="utf-8") == expected
    assert sim.loads(expected).header.seed == 5
    code, out, _ = run("generate", "small", "--seed", "5")
    assert code == 0
    assert out == expected


def test_simulate_a_file_as_json(scenario_file: Path) -> None:
    code, out, _ = run("simulate", "--scenario", str(scenario_file), "--rule", "most_stock",
                       "--json")  # fmt: skip
    assert code == 0
    data = json.loads(out)
    assert data["rule"] == "most_stock"
    assert data["oversold_units"] == 0
    assert set(data["by_channel"]) == {"amazon", "shopify", "walmart", "wholesale"}


def test_compare_with_a_fork_as_json(scenario_file: Path) -> None:
    code, out, _ = run("simulate", "--scenario", str(scenario_file), "--compare", "first_fit",
                       "--fork-at", "2026-11-27T12:00:00+00:00", "--json")  # fmt: skip
    assert code == 0
    data = json.loads(out)
    assert data["a"]["rule"] == "nearest"
    assert data["b"]["rule"] == "first_fit"
    assert 0 < data["differing"] <= data["decided"]
    example = next(iter(data["examples"].values()))
    assert example["a"]["why"].startswith("ranked")
    assert "allocated" in example["b"]


def test_compare_prints_both_columns(scenario_file: Path) -> None:
    code, out, _ = run("simulate", "--scenario", str(scenario_file), "--compare", "first_fit")
    assert code == 0
    assert "nearest" in out
    assert "this rule change alters" in out


def test_verify_is_clean(scenario_file: Path) -> None:
    code, out, _ = run("verify", str(scenario_file))
    assert code == 0
    assert out.endswith("verify: clean\n")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("simulate", "--rule", "fastest"), "unknown routing rule 'fastest'"),
        (("simulate", "--compare", "nope:x"), "cannot import"),
        (("simulate", "--compare", "first_fit", "--fork-at", "2026-12-25T12:00:00+00:00"),
         "--fork-at 2026-12-25T12:00:00+00:00 is outside the scenario, which runs from "
         "2026-11-27T00:00:00+00:00 to 2026-11-30T00:00:00+00:00"),
        (("simulate", "--fork-at", "2026-11-27T12:00:00+00:00"), "--fork-at needs --compare"),
        (("simulate", "--compare", "first_fit", "--fork-at", "noon"), "not an ISO time"),
        (("simulate", "--compare", "first_fit", "--fork-at", "2026-11-27T12:00"),
         "give a time zone"),
    ],
)  # fmt: skip
def test_bad_usage_exits_2(argv: tuple[str, ...], message: str) -> None:
    code, out, err = run(*argv)
    assert code == 2
    assert out == ""
    assert message in err


@pytest.mark.parametrize(
    "argv",
    [("simulate", "--generate", "huge"), ("generate", "huge")],
)
def test_an_unknown_size_is_refused_by_the_parser_with_the_choices(
    argv: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as caught:
        main(list(argv))
    assert caught.value.code == 2
    assert "invalid choice: 'huge' (choose from" in capsys.readouterr().err


def test_seed_with_a_scenario_file_is_refused(scenario_file: Path) -> None:
    code, out, err = run("simulate", "--scenario", str(scenario_file), "--seed", "5")
    assert (code, out) == (2, "")
    assert err == "invorder: --seed is for generated scenarios; a file carries its own\n"


def test_bad_files_exit_3(tmp_path: Path, scenario_file: Path) -> None:
    code, out, err = run("simulate", "--scenario", str(tmp_path / "missing.jsonl"))
    assert (code, out) == (3, "")
    assert "cannot read" in err
    broken = tmp_path / "broken.jsonl"
    lines = scenario_file.read_text(encoding="utf-8").splitlines()
    lines[4] = '{"type": "CaptureOrder", "key": "k"}'
    broken.write_text("\n".join(lines), encoding="utf-8")
    for argv in (("simulate", "--scenario", str(broken)), ("verify", str(broken))):
        code, out, err = run(*argv)
        assert (code, out) == (3, "")
        assert err == (
            f"invorder: {broken}:5: CaptureOrder.at: missing; CaptureOrder.order: missing; "
            "CaptureOrder.channel: missing (and 3 more)\n"
        )


def test_unknown_option_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["simulate", "--nope"])
    assert caught.value.code == 2
    assert "unrecognized arguments: --nope" in capsys.readouterr().err


def test_demo_still_runs() -> None:
    code, out, _ = run("demo")
    assert code == 0
    assert "verify(): clean" in out


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_goes_to_stderr_only_on_a_terminal() -> None:
    out, err = io.StringIO(), _Terminal()
    assert main(["simulate"], out, err) == 0
    bar = err.getvalue()
    assert "running nearest" in bar
    assert "100%" in bar
    assert "steps/s" in bar
    assert "generating small" in bar
    assert "steps/s" not in out.getvalue()
    quiet = _Terminal()
    assert main(["simulate", "--quiet"], io.StringIO(), quiet) == 0
    assert quiet.getvalue() == ""
    piped = io.StringIO()
    assert main(["simulate"], io.StringIO(), piped) == 0
    assert piped.getvalue() == ""


def test_verify_reports_problems_with_exit_1(
    scenario_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from invorder.engine import Engine

    monkeypatch.setattr(Engine, "verify", lambda self: ["ledger out of balance (planted)"])
    code, out, _ = run("verify", str(scenario_file))
    assert code == 1
    assert "problem: ledger out of balance (planted)\n" in out
    assert out.endswith("verify: 1 problems\n")
