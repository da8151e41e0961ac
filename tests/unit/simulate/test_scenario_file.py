"""Scenario files as users meet them: steps the engine refuses, binary and gzipped files, the
end record that tells a whole file from a truncated one, atomic writes, standard input."""

from __future__ import annotations

import gzip
import io
import json
import os
import random
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import attrs
import pytest

import invorder as iv
from invorder import simulate as sim
from invorder.cli import main
from invorder.codec import make_converter
from invorder.simulate import scenario_file
from invorder.simulate._shared_values import sharing


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def tiny() -> sim.Scenario:
    params = sim.Parameters(skus=30, warehouses=3, orders=60, purchase_orders=3)
    return sim.generate(params, random.Random(3), name="tiny")


def with_missing_orders(scenario: sim.Scenario) -> sim.Scenario:
    """``scenario`` plus a capture the engine refuses (unknown SKU), a fulfilment of that
    order, and a return of an order that never existed, all after the last step."""
    last = scenario.steps[-1].at
    capture = next(s for s in scenario.steps if isinstance(s, iv.CaptureOrder))
    bad_line = iv.LineItem("1", "NO-SUCH-SKU", 1, capture.lines[0].unit_price)
    refused = iv.CaptureOrder(
        key="cap/GHOST", at=last + timedelta(minutes=1), order="GHOST",
        channel=capture.channel, kind=capture.kind, external_id="GHOST", lines=[bad_line],
        ship_to=capture.ship_to,
    )  # fmt: skip
    extra = (
        refused,
        sim.FulfilOrder(key="ful/GHOST", at=last + timedelta(minutes=2), order="GHOST"),
        sim.ReturnOrder(key="ret/NEVER", at=last + timedelta(minutes=3), order="NEVER",
                        quantity=1),
    )  # fmt: skip
    return sim.Scenario(scenario.header, (*scenario.steps, *extra))


def test_steps_naming_a_missing_order_are_refused_with_line_key_and_code(
    tiny: sim.Scenario,
) -> None:
    scenario = sim.loads(sim.dumps(with_missing_orders(tiny)))
    n = len(scenario.steps)
    run_ = sim.Simulation(scenario, "nearest").advance()
    assert run_.next_step == n  # the run went on to the end
    assert [(r.line, r.key, r.code) for r in run_.refused] == [
        (n - 1, "cap/GHOST", "unknown_sku"),
        (n, "ful/GHOST", "not_found"),
        (n + 1, "ret/NEVER", "not_found"),
    ]
    assert run_.refused[1].message == "no order with id 'GHOST'"
    assert run_.refused[2].message == "no order with id 'NEVER'"
    assert dict(run_.rejected) == {"unknown_sku": 1, "not_found": 2}
    assert run_.engine.verify() == []


def test_verify_lists_the_refused_steps(tiny: sim.Scenario, tmp_path: Path) -> None:
    path = tmp_path / "ghost.jsonl"
    sim.write_scenario(with_missing_orders(tiny), path)
    n = len(tiny.steps) + 3
    code, out, err = run("verify", str(path))
    assert (code, err) == (0, "")
    assert f"refused: line {n}: ful/GHOST: not_found: no order with id 'GHOST'\n" in out
    assert f"refused: line {n + 1}: ret/NEVER: not_found: no order with id 'NEVER'\n" in out
    assert out.endswith("verify: clean (3 steps refused, listed above)\n")


def test_a_binary_file_is_one_line_and_exit_3(tiny: sim.Scenario, tmp_path: Path) -> None:
    path = tmp_path / "photo.jsonl"
    header = sim.dumps(tiny).splitlines()[0].encode()
    path.write_bytes(header + b"\n\x89PNG\r\n\x1a\n\x00\xff\xfe")
    code, out, err = run("verify", str(path))
    assert (code, out) == (3, "")
    assert err == f"invorder: {path}:2: not UTF-8 text\n"


def test_gzip_and_a_byte_order_mark_are_read(tiny: sim.Scenario, tmp_path: Path) -> None:
    text = sim.dumps(tiny)
    zipped = tmp_path / "tiny.jsonl.gz"
    sim.write_scenario(tiny, zipped)
    assert zipped.read_bytes()[:2] == b"\x1f\x8b"
    assert gzip.decompress(zipped.read_bytes()).decode() == text
    assert sim.read_scenario(zipped) == tiny
    # Gzip is recognised by its bytes too, whatever the name.
    renamed = tmp_path / "tiny.data"
    renamed.write_bytes(zipped.read_bytes())
    assert sim.read_scenario(renamed) == tiny
    marked = tmp_path / "bom.jsonl"
    marked.write_bytes(b"\xef\xbb\xbf" + text.encode())
    assert sim.read_scenario(marked) == tiny
    broken = tmp_path / "cut.jsonl.gz"
    broken.write_bytes(zipped.read_bytes()[:200])
    with pytest.raises(sim.ScenarioError) as caught:
        sim.read_scenario(broken)
    assert "not a whole gzip file" in str(caught.value)
    assert str(caught.value).startswith(f"{broken}:")


def test_the_end_record_counts_and_checks_the_steps(tiny: sim.Scenario) -> None:
    lines = sim.dumps(tiny).splitlines()
    end = json.loads(lines[-1])
    assert end["type"] == "End"
    assert end["steps"] == len(tiny.steps)
    assert len(end["sha256"]) == 64
    # Cut on a whole line: what an interrupted writer leaves behind.
    with pytest.raises(sim.ScenarioError) as caught:
        sim.loads("\n".join(lines[:10]), file="cut.jsonl")
    assert str(caught.value) == "cut.jsonl:10: no end record after 9 steps: the file is truncated"
    # A step edited by hand after writing.
    edited = [*lines]
    edited[5] = edited[5].replace('"key":"', '"key":"x', 1)
    with pytest.raises(sim.ScenarioError) as caught:
        sim.loads("\n".join(edited))
    assert str(caught.value) == (
        f"line {len(lines)}: checksum mismatch: the file was changed after writing"
    )
    # A step removed: the count says so before the checksum does.
    with pytest.raises(sim.ScenarioError) as caught:
        sim.loads("\n".join([*lines[:5], *lines[6:]]))
    assert "steps" in str(caught.value)
    assert f"{len(tiny.steps)}" in str(caught.value)
    # Anything after the end record.
    with pytest.raises(sim.ScenarioError) as caught:
        sim.loads("\n".join([*lines, lines[3]]))
    assert str(caught.value).startswith(f"line {len(lines) + 1}: ")
    assert "after the end record" in str(caught.value)


def test_a_version_1_file_without_an_end_record_loads_with_a_warning(
    tiny: sim.Scenario, tmp_path: Path
) -> None:
    lines = sim.dumps(tiny).splitlines()
    header = json.loads(lines[0])
    header["schema"] = 1
    old = "\n".join([json.dumps(header), *lines[1:-1]]) + "\n"
    with pytest.warns(sim.ScenarioWarning, match="format 1 has no end record"):
        loaded = sim.loads(old)
    assert loaded.steps == tiny.steps
    assert loaded.header == attrs.evolve(tiny.header, schema=1)
    path = tmp_path / "old.jsonl"
    path.write_text(old, encoding="utf-8")
    code, out, err = run("verify", str(path))
    assert code == 0
    assert out.endswith("verify: clean\n")
    assert err == (
        f"invorder: warning: {path}: scenario format 1 has no end record: a truncated file "
        "cannot be detected (write it again with this version to add one)\n"
    )


def test_an_interrupted_write_leaves_no_file(
    tiny: sim.Scenario, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "day.jsonl"
    path.write_text("the previous file\n", encoding="utf-8")

    def interrupted(scenario: sim.Scenario) -> object:
        yield from list(sim.dump_lines(scenario))[:5]
        raise KeyboardInterrupt

    monkeypatch.setattr(scenario_file, "dump_lines", interrupted)
    with pytest.raises(KeyboardInterrupt):
        sim.write_scenario(tiny, path)
    assert path.read_text(encoding="utf-8") == "the previous file\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["day.jsonl"]  # no temporary left


def test_a_written_file_has_the_usual_permissions(tiny: sim.Scenario, tmp_path: Path) -> None:
    path = tmp_path / "day.jsonl"
    sim.write_scenario(tiny, path)
    mask = os.umask(0)
    os.umask(mask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~mask


def test_dash_reads_standard_input(tiny: sim.Scenario, monkeypatch: pytest.MonkeyPatch) -> None:
    data = sim.dumps(tiny).encode()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    assert sim.read_scenario("-") == tiny
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(gzip.compress(data))))
    code, out, err = run("verify", "-")
    assert (code, err) == (0, "")
    assert out.endswith("verify: clean\n")


def test_generate_records_the_seed_in_the_header() -> None:
    code, out, _ = run("generate", "small", "--seed", "3")
    assert code == 0
    header = json.loads(out.splitlines()[0])
    assert (header["seed"], header["name"], header["schema"]) == (3, "small-3", 2)
    assert sim.loads(out).header.seed == 3


def test_an_unknown_key_in_a_file_is_refused_with_file_line_and_path(
    tiny: sim.Scenario, tmp_path: Path
) -> None:
    lines = sim.dumps(tiny).splitlines()
    number = next(n for n, line in enumerate(lines, 1) if '"CaptureOrder"' in line)
    lines[number - 1] = lines[number - 1].replace('"channel":', '"chanel":', 1)
    path = tmp_path / "typo.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, err = run("verify", str(path))
    assert (code, out) == (3, "")
    assert err == (
        f"invorder: {path}:{number}: CaptureOrder.channel: missing; CaptureOrder: unknown key "
        "'chanel' (did you mean 'channel'?)\n"
    )


def test_a_read_scenario_shares_repeated_values_and_keeps_their_text(tiny: sim.Scenario) -> None:
    capture = next(s for s in tiny.steps if isinstance(s, iv.CaptureOrder))
    later = tiny.steps[-1].at + timedelta(minutes=1)
    priced = [  # equal amounts written two ways: each keeps its own text
        attrs.evolve(capture, key=f"cap/P{n}", order=f"P{n}", external_id=f"P{n}", at=later,
                     lines=[attrs.evolve(capture.lines[0], unit_price=iv.Money(price, "USD"))])
        for n, price in enumerate(["19.98", "19.980", "19.98"])
    ]  # fmt: skip
    text = sim.dumps(sim.Scenario(tiny.header, (*tiny.steps, *priced)))
    read = sim.loads(text)
    assert sim.dumps(read) == text  # byte for byte, 19.980 included
    captures = [s for s in read.steps if isinstance(s, iv.CaptureOrder)]
    values: list[object] = [value for c in captures for line in c.lines
                            for value in (line.sku, line.line_id, line.unit_price)]  # fmt: skip
    values += [c.channel for c in captures]
    kept: dict[str, object] = {}
    for value in values:  # one object per id and per money text
        assert value is kept.setdefault(repr(value), value)
    a, b = (c.lines[0].unit_price for c in captures[-3:-1])
    assert a == b
    assert a is not b
    assert b is not None
    assert str(b.amount) == "19.980"


def test_a_converter_prepared_to_share_reads_equal_ids_and_money_as_one_object() -> None:
    shared: dict[Any, Any] = {}
    converter = make_converter(strict=True, detailed=False, prepare=sharing(shared))
    price = {"amount": "4.50", "currency": "USD"}
    one, two = (converter.structure({"line_id": "1", "sku": "MUG", "quantity": n,
                                     "unit_price": dict(price)}, iv.LineItem)
                for n in (1, 2))  # fmt: skip
    assert one.sku is two.sku
    assert one.line_id is two.line_id
    assert one.unit_price is two.unit_price
    plain = make_converter(strict=True, detailed=False)
    alone = plain.structure({"line_id": "1", "sku": "MUG", "quantity": 1, "unit_price": price},
                            iv.LineItem)  # fmt: skip
    assert alone == one
    assert alone.unit_price is not one.unit_price  # nothing kept without the dict
    bad = {"line_id": "1", "sku": "MUG", "quantity": 1,
           "unit_price": {"amount": 4.5, "currency": "USD"}}  # fmt: skip
    for reader in (converter, plain):  # the same checks, and nothing kept of a bad value
        with pytest.raises(TypeError, match="must be a decimal string"):
            reader.structure(bad, iv.LineItem)
    assert len(shared) == 3  # the SKU, the line id, the price


def test_a_codec_shares_only_when_asked(tiny: sim.Scenario) -> None:
    capture = next(s for s in tiny.steps if isinstance(s, iv.CaptureOrder))
    line = sim.ScenarioCodec().step_to_dict(capture)
    for share, alike in ((False, False), (True, True)):
        codec = sim.ScenarioCodec(share=share)
        one, two = (codec.step_from_dict(json.loads(json.dumps(line))) for _ in range(2))
        assert isinstance(one, iv.CaptureOrder)
        assert isinstance(two, iv.CaptureOrder)
        assert one == two
        assert (one.lines[0].unit_price is two.lines[0].unit_price) is alike
        assert (one.order is two.order) is alike
