"""Reading events stored at an older schema version through an upcaster.

Every event of the library is at schema 1 today, so the test plays the first schema bump:
``StockPosted`` goes to schema 2 (its class version is raised for the test) and the fixture
``tests/fixtures/events-stockposted-v1.jsonl`` holds a log as the schema-1 writer stored it,
where a posting was ``{"sku", "qty", "from": "location:bucket", "to", "why"}`` under
``"postings"`` and there was no ``memo``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

import invorder
from invorder.adapters.sql import SqlEventStore, events_table, sql_engine

FIXTURE = Path(__file__).parent.parent / "fixtures" / "events-stockposted-v1.jsonl"


def _account(text: str) -> dict[str, str]:
    location, bucket = text.rsplit(":", 1)
    return {"location": location, "bucket": bucket}


def stock_posted_1_to_2(data: dict[str, Any]) -> dict[str, Any]:
    """Schema 1 -> 2: ``postings`` become ``movements`` with accounts; ``memo`` appears."""
    upgraded = {k: v for k, v in data.items() if k != "postings"}
    upgraded["movements"] = [
        {
            "sku": p["sku"],
            "quantity": p["qty"],
            "source": _account(p["from"]),
            "destination": _account(p["to"]),
            "reason": p["why"],
            "reference": "",
        }
        for p in data["postings"]
    ]
    upgraded.setdefault("memo", "")
    return upgraded


@pytest.fixture
def old_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> sa.Engine:
    """A SQLite log holding the fixture rows exactly as the schema-1 writer stored them."""
    monkeypatch.setattr(invorder.events.StockPosted, "SCHEMA_VERSION", 2)
    engine = sql_engine(f"sqlite:///{tmp_path / 'old.db'}")
    SqlEventStore(engine)  # creates the tables
    rows = []
    for line in FIXTURE.read_text().splitlines():
        data = json.loads(line)
        rows.append(
            {
                "position": data["position"],
                "key": data["command"]["key"],
                "type": data["type"],
                "schema": data["schema"],
                "data": line,
            }
        )
    with engine.begin() as connection:
        connection.execute(sa.insert(events_table), rows)
    return engine


def test_old_events_are_read_through_the_upcaster(old_database: sa.Engine) -> None:
    codec = invorder.Codec(upcasters={("StockPosted", 1): stock_posted_1_to_2})
    store = SqlEventStore(old_database, codec=codec)
    events = list(store.read())
    assert [type(e).__name__ for e in events] == [
        "LocationDefined",
        "SkuDefined",
        "StockPosted",
        "StockPosted",
    ]
    receipt = events[2]
    assert isinstance(receipt, invorder.events.StockPosted)
    assert receipt.movements[0].source == invorder.Account("@supplier", invorder.Bucket.AVAILABLE)
    assert receipt.movements[0].quantity == 12
    engine = invorder.Engine(store)
    assert engine.balance("MUG", "EAST/A/01") == 10
    assert engine.balance("MUG", "EAST/A/01", invorder.Bucket.DAMAGED) == 2
    assert engine.verify() == []
    # New events are written at the current schema; the mixed log reads back whole.
    at = receipt.at
    engine.execute(
        invorder.MarkDamaged(key="dmg-2", at=at, sku="MUG", location="EAST/A/01", quantity=1)
    )
    with old_database.connect() as connection:
        schemas = connection.execute(sa.select(events_table.c.schema)).scalars().all()
    assert schemas == [1, 1, 1, 1, 2]
    assert invorder.Engine(SqlEventStore(old_database, codec=codec)).verify() == []


def test_an_old_event_without_an_upcaster_is_refused(old_database: sa.Engine) -> None:
    store = SqlEventStore(old_database)
    with pytest.raises(
        invorder.errors.CodecError, match="StockPosted schema 1: no upcaster"
    ) as caught:
        list(store.read())
    assert caught.value.code == "codec_error"
    assert caught.value.fields["data"]["position"] == 2
