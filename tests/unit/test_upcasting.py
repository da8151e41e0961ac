"""Reading events stored at an older schema version.

``StockPosted`` is at schema 2 (the compact form: each movement an array). The library
reads its schema 1 itself and writes such an entry again in schema 1, so an old SQL log
keeps its bytes and its hash chain. Any other older version needs an upcaster given to the
codec, and an upcaster given for a version replaces the library's own reading of it:
``tests/fixtures/events-stockposted-v1.jsonl`` holds rows labelled schema 1 in a shape of
a host's own (``"postings"`` of ``{"sku", "qty", "from": "location:bucket", "to", "why"}``,
no ``memo``), read through one.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

import invorder
from invorder.adapters.sql import SqlEventStore, events_table, sql_engine
from invorder.chain import canonical

FIXTURES = Path(__file__).parent.parent / "fixtures"
HOST_SHAPE = FIXTURES / "events-stockposted-v1.jsonl"
SCHEMA_1 = FIXTURES / "events-all-v1.jsonl"


def stock_posted_1_to_2(data: dict[str, Any]) -> dict[str, Any]:
    """The host's shape -> schema 2: ``postings`` become movement arrays."""
    upgraded = {k: v for k, v in data.items() if k != "postings"}
    upgraded["movements"] = [
        [p["sku"], p["qty"], *p["from"].rsplit(":", 1), *p["to"].rsplit(":", 1), p["why"], ""]
        for p in data["postings"]
    ]
    return upgraded


def database(path: Path, log: Path) -> sa.Engine:
    """A SQLite log holding the lines of ``log`` as rows, exactly as they were written."""
    engine = sql_engine(f"sqlite:///{path}")
    SqlEventStore(engine).close()  # creates the tables
    rows = []
    for line in log.read_text().splitlines():
        data = json.loads(line)
        rows.append({"position": data["position"], "key": data["command"]["key"],
                     "type": data["type"], "schema": data["schema"], "data": line})  # fmt: skip
    with engine.begin() as connection:
        connection.execute(sa.insert(events_table), rows)
    return engine


def schemas(engine: sa.Engine) -> list[int]:
    """The ``schema`` column of every row, in log order."""
    with engine.connect() as connection:
        query = sa.select(events_table.c.schema).order_by(events_table.c.position)
        return list(connection.execute(query).scalars())


def test_a_schema_1_log_is_read_as_written_and_grows_in_schema_2(tmp_path: Path) -> None:
    engine = database(tmp_path / "old.db", SCHEMA_1)
    with SqlEventStore(engine) as store:
        stored = {event.position: data for event, data, _ in store.read_chained(0)}
        entries = [e for e in store.read() if isinstance(e, invorder.events.StockPosted)]
        assert entries
        assert {e.schema for e in entries} == {1}
        for event in store.read():  # each event written again is its row, byte for byte
            assert canonical(event) == json.dumps(
                json.loads(stored[event.position]), separators=(",", ":"), sort_keys=True,
                ensure_ascii=False).encode()  # fmt: skip
        live = invorder.Engine(store)
        assert live.verify() == []
        before = len(schemas(engine))
        damaged = live.balance("MUG", "EAST/A/01", invorder.Bucket.DAMAGED)
        at = entries[-1].at
        live.execute(invorder.MarkDamaged(key="dmg-new", at=at, sku="MUG",
                                          location="EAST/A/01", quantity=1))  # fmt: skip
    assert schemas(engine)[before:] == [2]
    assert set(schemas(engine)[:before]) == {1}
    with SqlEventStore(engine) as again:
        last = next(iter(again.read(before)))
        assert isinstance(last, invorder.events.StockPosted)
        assert last.schema == 2
        reread = invorder.Engine(again)
        assert reread.verify() == []
        assert reread.balance("MUG", "EAST/A/01", invorder.Bucket.DAMAGED) == damaged + 1
    engine.dispose()


def test_an_upcaster_given_for_a_version_replaces_the_librarys_reading(tmp_path: Path) -> None:
    engine = database(tmp_path / "host.db", HOST_SHAPE)
    codec = invorder.Codec(upcasters={("StockPosted", 1): stock_posted_1_to_2})
    with SqlEventStore(engine, codec=codec) as store:
        events = list(store.read())
        assert [type(e).__name__ for e in events] == [
            "LocationDefined", "SkuDefined", "StockPosted", "StockPosted",
        ]  # fmt: skip
        receipt = events[2]
        assert isinstance(receipt, invorder.events.StockPosted)
        assert receipt.schema == 2  # upcast: written in the current form from now on
        assert receipt.movements[0].source == invorder.Account("@supplier")
        assert receipt.movements[0].quantity == 12
        live = invorder.Engine(store)
        assert live.balance("MUG", "EAST/A/01") == 10
        assert live.balance("MUG", "EAST/A/01", invorder.Bucket.DAMAGED) == 2
        assert live.verify() == []
        live.execute(invorder.MarkDamaged(key="dmg-2", at=receipt.at, sku="MUG",
                                          location="EAST/A/01", quantity=1))  # fmt: skip
    assert schemas(engine) == [1, 1, 1, 1, 2]
    with SqlEventStore(engine, codec=codec) as again:
        assert invorder.Engine(again).verify() == []
    engine.dispose()


def test_the_host_shape_without_its_upcaster_is_a_corrupt_row(tmp_path: Path) -> None:
    # Schema 1 of StockPosted is the library's own: a row of it that does not read is bad.
    engine = database(tmp_path / "host.db", HOST_SHAPE)
    with SqlEventStore(engine) as store, pytest.raises(invorder.errors.StoreCorruptError) as e:
        list(store.read())
    assert e.value.position == 2
    assert "unknown key 'postings'" in str(e.value)
    engine.dispose()


def test_an_older_version_the_library_does_not_read_needs_an_upcaster(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(invorder.events.LocationDefined, "SCHEMA_VERSION", 2)
    engine = database(tmp_path / "old.db", HOST_SHAPE)
    with (
        SqlEventStore(engine) as store,
        pytest.raises(
            invorder.errors.CodecError, match="LocationDefined schema 1: no upcaster"
        ) as caught,
    ):
        list(store.read())
    assert caught.value.code == "codec_error"
    assert caught.value.fields["data"]["position"] == 0
    engine.dispose()


def test_a_newer_version_is_refused_by_name() -> None:
    data = json.loads(HOST_SHAPE.read_text().splitlines()[2])
    with pytest.raises(invorder.errors.CodecError, match="StockPosted schema 3 is newer"):
        invorder.Codec().event_from_dict({**data, "schema": 3})
