"""``invorder feed``: a scenario's notifications as JSON Lines (issue 13, item 5)."""

from __future__ import annotations

import io
import json

import pytest

from invorder.cli import main


def feed(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["feed", "--generate", "small", "-q", *argv], out, err)
    return code, out.getvalue(), err.getvalue()


def test_prints_one_channel_as_json_lines_the_same_on_every_run() -> None:
    code, text, err = feed("--channel", "shopify")
    assert (code, err) == (0, "")
    rows = [json.loads(line) for line in text.splitlines()]
    assert rows
    assert {row["channel"] for row in rows} == {"shopify"}
    assert {"order_acknowledged", "shipment_shipped", "inventory_changed"} <= {
        row["kind"] for row in rows
    }
    assert all(row["id"] == f"shopify:{row['position']}:{row['id'].rsplit(':', 1)[1]}"
               for row in rows)  # fmt: skip
    assert feed("--channel", "shopify")[1] == text


def test_after_keeps_the_notifications_from_a_position_on() -> None:
    whole = feed()[1].splitlines()
    middle = json.loads(whole[len(whole) // 2])["position"]
    code, text, _ = feed("--after", str(middle))
    assert code == 0
    assert text.splitlines() == [line for line in whole if json.loads(line)["position"] >= middle]


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (("--channel", "ebay"), "the scenario has no channel 'ebay'"),
        (("--after", "99999999"), "--after 99999999 is past the log's head"),
        (("--after", "-1"), "--after: a log position (0 or more), not -1"),
        (("--rule", "no_such_rule"), "no_such_rule"),
    ],
)
def test_bad_usage_exits_2_with_a_message(argv: tuple[str, ...], words: str) -> None:
    code, text, err = feed(*argv)
    assert (code, text) == (2, "")
    assert words in err
