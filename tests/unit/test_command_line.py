"""The ``invorder`` command line at its edges: version, help, Ctrl-C, a closed pipe, a host's
rule in the working directory, JSON output, and the package's own entry points."""

from __future__ import annotations

import importlib
import io
import json
import re
import subprocess
import sys
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

import pytest

import invorder
from invorder import simulate as sim
from invorder.cli import SUBCOMMANDS, main
from invorder.simulate.kpi import KPI_NAMES


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def test_version_comes_from_the_package_metadata(capsys: pytest.CaptureFixture[str]) -> None:
    assert invorder.__version__ == metadata.version("invorder")
    with pytest.raises(SystemExit) as caught:
        main(["--version"])
    assert caught.value.code == 0
    assert capsys.readouterr().out == f"invorder {invorder.__version__}\n"


def test_a_bare_invorder_prints_the_help() -> None:
    code, out, err = run()
    assert (code, err) == (0, "")
    assert out.startswith("usage: invorder [-h] [--version] COMMAND ...")
    for command in SUBCOMMANDS:
        assert f"    {command.name}" in out
    assert "130 interrupted" in out


@pytest.mark.parametrize("command", [c.name for c in SUBCOMMANDS])
def test_each_command_has_plain_help_with_an_example(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as caught:
        main([command, "--help"])
    assert caught.value.code == 0
    text = capsys.readouterr().out
    assert f"examples:\n  invorder {command}" in text
    assert not re.search(r"``|:(class|func|mod|data|meth):", text)  # no reStructuredText


def test_simulate_help_lists_rules_sizes_and_defaults(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["simulate", "--help"])
    text = " ".join(capsys.readouterr().out.split())  # argparse wraps lines
    for rule in sim.BUILT_IN_RULES:
        assert rule in text
    for size in sim.SIZES:
        assert size in text
    assert "(default: nearest)" in text
    assert "(default 1)" in text
    assert "looked up on the Python path and then in the working directory" in text


def test_ctrl_c_prints_one_line_and_exits_130(monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*args: object, **kwargs: object) -> object:
        raise KeyboardInterrupt

    monkeypatch.setattr(sim.Simulation, "advance", interrupted)
    assert run("simulate") == (130, "", "interrupted\n")


def test_a_closed_pipe_ends_quietly_with_exit_0(tmp_path: Path) -> None:
    # A real pipe whose reader goes away after the first line, as `| head -1` does.
    script = Path(sys.executable).with_name("invorder")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "invorder"]
    process = subprocess.Popen(
        [*command, "generate", "small"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
    )
    assert process.stdout is not None
    assert process.stderr is not None
    first = process.stdout.readline()
    process.stdout.close()
    err = process.stderr.read()
    process.stderr.close()
    assert process.wait(timeout=120) == 0
    assert json.loads(first)["type"] == "Scenario"
    assert err == b""


def test_a_rule_module_in_the_working_directory_is_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "house_rules.py").write_text(
        "from invorder.routing import has_stock, most_stock, route\n"
        "rule = route('house', filters=[has_stock()], rank=most_stock())\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", [p for p in sys.path if p not in ("", str(tmp_path))])
    monkeypatch.delitem(sys.modules, "house_rules", raising=False)
    code, out, err = run("simulate", "--rule", "house_rules:rule", "--json")
    assert (code, err) == (0, "")
    assert json.loads(out)["rule"] == "house_rules:rule"
    importlib.invalidate_caches()
    sys.modules.pop("house_rules", None)


def test_json_carries_schema_scenario_and_seed_and_decisions_as_objects() -> None:
    code, out, _ = run("simulate", "--generate", "small", "--seed", "4", "--json")
    assert code == 0
    data = json.loads(out)
    assert (data["schema"], data["scenario"], data["seed"]) == (1, "small-4", 4)
    assert set(KPI_NAMES) <= set(data["overall"])
    code, out, _ = run("simulate", "--compare", "first_fit", "--json", "--all")
    data = json.loads(out)
    assert (data["schema"], data["scenario"], data["seed"]) == (1, "small-1", 1)
    assert len(data["examples"]) == data["differing"] > 10
    allocated = next(iter(data["examples"].values()))["a"]["allocated"]
    assert allocated
    assert set(allocated[0]) == {"warehouse", "sku", "units"}
    code, out, _ = run("simulate", "--compare", "first_fit", "--json", "--examples", "3")
    assert len(json.loads(out)["examples"]) == 3


def test_the_text_comparison_has_a_difference_column_and_marks_the_better_value() -> None:
    code, out, _ = run("simulate", "--compare", "first_fit", "--examples", "2")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["kpi", "nearest", "first_fit", "difference"]
    fill = next(line.split() for line in lines if line.startswith("fill_rate "))
    assert re.fullmatch(r"\d+\.\d%\*?", fill[1])
    assert fill[3] == "pp" or fill[4] == "pp"
    assert sum(1 for cell in fill[1:3] if cell.endswith("*")) <= 1
    orders = next(line.split() for line in lines if line.startswith("orders "))
    assert not any(cell.endswith("*") for cell in orders)  # neither direction is better
    assert "* the better value" in lines
    assert "more (--all lists them)" in out
    assert "\x1b[" not in out  # no colour when not a terminal


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_colour_on_a_terminal_unless_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    out = _Terminal()
    assert main(["simulate", "--compare", "first_fit", "-q"], out, io.StringIO()) == 0
    assert "\x1b[1;32m" in out.getvalue()
    monkeypatch.setenv("NO_COLOR", "1")
    plain = _Terminal()
    assert main(["simulate", "--compare", "first_fit", "-q"], plain, io.StringIO()) == 0
    assert "\x1b[" not in plain.getvalue()


def test_sqlite_opens_an_engine_on_a_file(tmp_path: Path) -> None:
    path = tmp_path / "shop.db"
    engine = invorder.sqlite(path)
    engine.execute(invorder.DefineLocation(key="l1", at=_at(), location="EAST/A/01"))
    again = invorder.sqlite(path)
    assert again.position == engine.position == 1
    assert again.locations() == engine.locations()
    assert "EAST/A/01" in again.locations()


def _at() -> datetime:
    return datetime(2026, 11, 27, tzinfo=UTC)


def test_the_sql_adapter_without_its_extra_names_the_extra(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "sqlalchemy", None)  # as if it were not installed
    monkeypatch.delitem(sys.modules, "invorder.adapters.sql", raising=False)
    with pytest.raises(ImportError) as caught:
        importlib.import_module("invorder.adapters.sql")
    assert "pip install 'invorder[sql]'" in str(caught.value)


def test_report_comparison_engine_and_simulation_have_short_reprs() -> None:
    run_ = sim.Simulation(sim.generate_size("small", 1), "nearest")
    assert repr(run_) == "<Simulation nearest of 'small-1': step 0 of 1,993, 0 refused>"
    run_.advance()
    rep = sim.report(run_)
    k = rep.overall
    assert repr(rep) == (
        f"<Report nearest: {k.orders:,} orders, fill rate {k.fill_rate:.1%}, "
        f"{k.backordered_units:,} units backordered, {rep.events:,} events>"
    )
    assert repr(run_.engine) == f"<Engine on MemoryEventStore at {run_.engine.position}>"
    c = sim.compare(rep, rep)
    assert repr(c) == (
        f"<Comparison nearest vs nearest: fill rate {k.fill_rate:.1%} vs {k.fill_rate:.1%}, "
        f"0 of {c.decided} decisions differ>"
    )
    assert max(len(repr(x)) for x in (run_, rep, run_.engine, c)) < 120


def test_without_rich_the_command_line_runs_with_no_bar(monkeypatch: pytest.MonkeyPatch) -> None:
    # The library and its command line import with attrs and cattrs only: rich (extra [cli])
    # draws the bars when it is there.
    monkeypatch.setitem(sys.modules, "rich", None)
    monkeypatch.setitem(sys.modules, "rich.console", None)
    monkeypatch.setitem(sys.modules, "rich.progress", None)

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    out, err = io.StringIO(), Terminal()
    assert main(["simulate"], out, err) == 0
    assert err.getvalue() == ""
    assert "fill_rate" in out.getvalue()


def test_the_library_imports_with_attrs_and_cattrs_only() -> None:
    blocked = ("rich", "sqlalchemy", "pandas", "matplotlib", "hypothesis", "pytest", "distributed")
    script = (
        "import sys\n"
        f"for name in {blocked!r}:\n"
        "    sys.modules[name] = None\n"
        "import invorder, invorder.simulate, invorder.cli, invorder.planning\n"
        "assert invorder.in_memory().position == 0\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True, timeout=120)


def test_verify_shows_a_bar_for_each_long_phase(tmp_path: Path) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    path = tmp_path / "small.jsonl"
    sim.write_scenario(sim.generate_size("small", 1), path)
    err = Terminal()
    assert main(["verify", str(path)], io.StringIO(), err) == 0
    assert "running nearest" in err.getvalue()
    assert "checking the log" in err.getvalue()
    quiet = Terminal()
    assert main(["verify", str(path), "--quiet"], io.StringIO(), quiet) == 0
    assert quiet.getvalue() == ""
