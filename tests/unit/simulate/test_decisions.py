"""Decisions of a run, how two runs' decisions are matched, golden decision files (written,
read, refused when damaged or from another scenario) and the pytest helper."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import attrs
import pytest

from invorder import simulate as sim
from invorder.domain.errors import ErrorCode
from invorder.testing import RECORD_DECISIONS, assert_decisions_unchanged
from tests.support.golden import cancelling, reviewing, tiny


def test_every_allocation_is_a_decision_with_its_trigger_and_reason() -> None:
    found = sim.record_decisions(tiny(), "nearest")
    assert [(d.key, d.trigger, d.text()) for d in found] == [
        (("O1", 0), "CaptureOrder c-O1", "3xMUG@EAST/A/01, 1xPLATE backordered"),
        (("O2", 0), "CaptureOrder c-O2", "2xMUG@WEST/A/01"),
        (("O1", 1), "ReceiveStock r1", "1xPLATE@EAST/A/01"),  # after the arrival
        (("O2", 1), "MoveAllocation m1", "1xMUG@EAST/A/01"),  # a person's move
    ]
    assert found[0].lines == (
        sim.LineDecision("1", "MUG", (("EAST/A/01", 3),)),
        sim.LineDecision("2", "PLATE", (), backordered=1),
    )
    assert found[0].why == "ranked EAST, WEST; split spill_over"
    assert found[2].why == "ranked EAST; excluded WEST (has_stock); split spill_over"
    assert found[3].why == ""  # nobody's rule chose it
    assert [d.why for d in sim.record_decisions(tiny(), "first_fit")] == [""] * 4


def test_a_rules_cancellation_and_hold_belong_to_its_decision() -> None:
    cancelled = sim.record_decisions(tiny(), "tests.support.golden:cancelling")[0]
    assert cancelled.lines[1] == sim.LineDecision("2", "PLATE", (), backordered=0, cancelled=1)
    assert cancelled.text() == "3xMUG@EAST/A/01, 1xPLATE cancelled"
    held = sim.record_decisions(tiny(), "tests.support.golden:reviewing")[0]
    assert held.held
    assert held.text().endswith("held for review")


def test_same_rule_same_decisions() -> None:
    check = sim.compare_decisions(sim.record_decisions(tiny()), sim.record_decisions(tiny()))
    assert check.unchanged
    assert (check.decisions, check.recorded, check.now) == (4, 4, 4)
    assert check.summary() == "this change alters 0 of 4 decisions"


def test_decisions_are_matched_by_order_and_number_not_by_position() -> None:
    # most_stock sends both orders the other way and the move is then refused; O1's plate,
    # re-allocated after the arrival, went to the same bin in both runs: it is not a change.
    check = sim.compare_decisions(
        sim.record_decisions(tiny(), "nearest"), sim.record_decisions(tiny(), "most_stock")
    )
    assert [(d.key, d.kind) for d in check.differing] == [
        (("O1", 0), "changed"),
        (("O2", 0), "changed"),
        (("O2", 1), "gone"),
    ]
    assert check.counts() == {"changed": 2, "gone": 1, "new": 0}
    assert check.summary() == "this change alters 3 of 4 decisions (2 changed, 1 no longer made)"
    assert list(check.diff_lines(1)) == [
        "O1 #0 at 2026-11-27T09:00:00+00:00 (CaptureOrder c-O1): changed",
        "  before: 3xMUG@EAST/A/01, 1xPLATE backordered",
        "  after:  3xMUG@WEST/A/01, 1xPLATE backordered",
        "  why before: ranked EAST, WEST; split spill_over",
        "  why now: ranked WEST, EAST; split spill_over",
        "(first 1 of 3)",
    ]
    back = sim.compare_decisions(
        sim.record_decisions(tiny(), "most_stock"), sim.record_decisions(tiny(), "nearest")
    )
    assert back.differing[-1].kind == "new"
    assert back.differing[-1].to_dict()["before"] is None


def test_the_reason_alone_is_not_a_difference() -> None:
    a = sim.record_decisions(tiny(), "nearest")
    b = tuple(attrs.evolve(d, why="ranked by something else") for d in a)
    assert sim.compare_decisions(a, b).unchanged


def test_a_golden_file_reads_back_as_written(tmp_path: Path) -> None:
    golden = sim.record_golden(tiny(), "nearest")
    assert golden.scenario == sim.scenario_identity(sim.loads(sim.dumps(tiny())))
    assert golden.scenario.steps == 4
    text = "".join(line + "\n" for line in sim.golden_lines(golden))
    assert sim.loads_golden(text) == golden
    first = json.loads(text.splitlines()[0])
    assert (first["type"], first["format"], first["rule"]) == ("GoldenDecisions", 1, "nearest")
    for name in ("g.jsonl", "g.jsonl.gz"):
        sim.write_golden(golden, tmp_path / name)
        assert sim.read_golden(tmp_path / name) == golden
    assert gzip.decompress((tmp_path / "g.jsonl.gz").read_bytes()).decode() == text


def _golden_text() -> list[str]:
    return list(sim.golden_lines(sim.record_golden(tiny(), "nearest")))


def _edited(n: int, change: dict[str, object]) -> list[str]:
    lines = _golden_text()
    lines[n] = json.dumps(json.loads(lines[n]) | change)
    return lines


BAD = [
    ([], 1, "the file is empty"),
    (["[1]"], 1, "a JSON list, not an object"),
    (["{not json"], 1, "Expecting property name"),
    (_edited(0, {"type": "Scenario"}), 1, "not a golden decision file ('type' is 'Scenario'"),
    (_edited(0, {"format": 2}), 1, "golden file format 2 (this library reads 1)"),
    (_edited(0, {"colour": "red"}), 1, "GoldenDecisions: unknown key(s) 'colour'"),
    (_edited(1, {"seq": "0"}), 2, "'seq' has the wrong type (got '0')"),
    (_edited(1, {"at": "2026-11-27T09:00:00"}), 2, "'at' has no time zone"),
    (
        _edited(2, {"lines": [{"line": "1", "sku": "MUG", "allocated": [["EAST", True]]}]}),
        3,
        "'allocated' must hold [location, units] pairs",
    ),
    (_golden_text()[:-1], 5, "no end record after 4 decisions: the file is truncated"),
    (_golden_text()[:3] + _golden_text()[-1:], 4, "the end record says 4 decisions, but 2"),
    (_edited(2, {"why": "edited"}), 6, "checksum mismatch"),
    ([*_golden_text(), "{}"], 7, "a line after the end record"),
    (_edited(2, {"order": "O1", "seq": 0}), 3, "decision #0 of order 'O1' appears twice"),
]


@pytest.mark.parametrize(("lines", "line", "problem"), BAD)
def test_a_damaged_golden_file_is_refused_with_its_line(
    lines: list[str], line: int, problem: str
) -> None:
    with pytest.raises(sim.GoldenFileError) as caught:
        sim.loads_golden("\n".join(lines), file="g.jsonl")
    assert caught.value.code == ErrorCode.GOLDEN_FILE
    assert caught.value.line == line
    assert problem in caught.value.problem
    assert str(caught.value).startswith(f"g.jsonl:{line}: ")


def test_bytes_that_are_not_text_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "g.jsonl"
    path.write_bytes(_golden_text()[0].encode() + b"\n\xff\xfe\n")
    with pytest.raises(sim.GoldenFileError, match=r"g.jsonl:2: not UTF-8 text"):
        sim.read_golden(path)
    path.write_bytes(gzip.compress(b"{}")[:-4])
    with pytest.raises(sim.GoldenFileError, match=r"g.jsonl:1: not a whole gzip file"):
        sim.read_golden(path)
    with pytest.raises(FileNotFoundError):
        sim.read_golden(tmp_path / "missing.jsonl")


def test_a_golden_file_of_another_scenario_is_refused_before_running() -> None:
    golden = sim.record_golden(tiny(), "nearest")
    with pytest.raises(sim.GoldenMismatchError) as caught:
        sim.check_golden(golden, tiny(mugs_west=6), "nearest", file="g.jsonl")
    assert caught.value.code == ErrorCode.GOLDEN_MISMATCH
    assert str(caught.value).startswith("g.jsonl was recorded from scenario 'tiny' (4 steps, ")
    assert "record it again" in str(caught.value)


# --- the pytest helper ---------------------------------------------------------------------


def test_the_helper_passes_fails_and_allows(tmp_path: Path) -> None:
    golden = tmp_path / "g.jsonl"
    sim.write_golden(sim.record_golden(tiny(), "nearest"), golden)
    check = assert_decisions_unchanged(tiny(), "nearest", golden)
    assert check is not None
    assert check.unchanged
    with pytest.raises(AssertionError) as caught:
        assert_decisions_unchanged(tiny(), "most_stock", golden, examples=1)
    message = str(caught.value)
    assert message.startswith("this change alters 3 of 4 decisions (2 changed, 1 no longer")
    assert "O1 #0 at 2026-11-27T09:00:00+00:00 (CaptureOrder c-O1): changed" in message
    assert "(first 1 of 3)" in message
    assert f"{RECORD_DECISIONS}=1" in message
    with pytest.raises(AssertionError, match=r"\(at most 2 allowed\)"):
        assert_decisions_unchanged(tiny(), "most_stock", golden, allow=2)
    allowed = assert_decisions_unchanged(tiny(), "most_stock", golden, allow=3)
    assert allowed is not None
    assert len(allowed.differing) == 3


def test_the_helper_records_again_on_purpose(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    golden = tmp_path / "g.jsonl"
    scenario_file = tmp_path / "tiny.jsonl"
    sim.write_scenario(tiny(), scenario_file)
    with pytest.raises(AssertionError, match=f"no golden decision file at {golden}"):
        assert_decisions_unchanged(scenario_file, "nearest", golden)
    monkeypatch.setenv(RECORD_DECISIONS, "1")
    assert assert_decisions_unchanged(scenario_file, "most_stock", golden) is None
    assert sim.read_golden(golden).rule == "most_stock"
    monkeypatch.setenv(RECORD_DECISIONS, "0")
    assert assert_decisions_unchanged(scenario_file, "most_stock", golden) is not None
    assert assert_decisions_unchanged(tiny(), "nearest", golden, record=True) is None
    assert sim.read_golden(golden).rule == "nearest"


def test_the_helper_takes_a_rule_itself(tmp_path: Path) -> None:
    golden = tmp_path / "g.jsonl"
    assert assert_decisions_unchanged(tiny(), cancelling, golden, record=True) is None
    assert sim.read_golden(golden).rule == "cancelling"
    assert assert_decisions_unchanged(tiny(), cancelling, golden) is not None
    with pytest.raises(AssertionError, match=r"1 changed.* under reviewing against"):
        assert_decisions_unchanged(tiny(), reviewing, golden)
