"""The snapshot format: a JSON header and a compressed JSON body, never pickle; whatever a
snapshot store gives back that is not such a snapshot of this log (corrupt, truncated,
tampered, of another schema, an old pickle, a payload that would run code) is refused with
a reason the host sees, and the engine replays the log."""

from __future__ import annotations

import ast
import json
import os
import pickle
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import invorder
from invorder.engine import Engine, _snapshot
from invorder.errors import SnapshotWarning
from invorder.records import StartupReport
from tests.support.snapshots import (
    body_of,
    fixture_events,
    keys_of,
    saved,
    snapshot_of,
    state_differences,
    store_of,
)
from tests.support.warned import messages

Body = dict[str, Any]


@pytest.fixture(scope="module")
def store() -> invorder.MemoryEventStore:
    """A log with every event type (orders, reservations, purchases, transfers, ...)."""
    return store_of(fixture_events())


@pytest.fixture(scope="module")
def good(store: invorder.MemoryEventStore) -> tuple[int, bytes]:
    """A snapshot of the whole log, as the engine writes it."""
    return saved(snapshot_of(store, store.head()))


def rewritten(good: tuple[int, bytes], change: Callable[[Body], object], **header: Any) -> bytes:
    """``good`` with its body edited in place by ``change`` and its header fields replaced by
    ``header``: a well-formed envelope."""
    found, body = body_of(good[1])
    change(body)
    raw = json.dumps(body).encode()
    fields = {**found, "size": len(raw), **header}
    return json.dumps(fields).encode() + b"\n" + zlib.compress(raw)


def chain_hex(store: invorder.MemoryEventStore, position: int) -> str:
    """The hex of the chain hash ``store`` keeps at ``position``."""
    chain = store.chain_at(position)
    assert chain is not None
    return chain.hex()


def assert_replays(store: invorder.EventStore, position: int, data: bytes, reason: str) -> str:
    """Start an engine on snapshot ``data``: it warns, says why in its start-up report, and
    holds exactly what a replay holds. Return the reason."""
    snapshots = invorder.MemorySnapshotStore()
    snapshots.save(position, data)
    with pytest.warns(SnapshotWarning, match="replaying the log") as caught:
        engine = Engine(store, snapshots=snapshots)
    report = engine.startup
    assert report.snapshot is None
    assert report.replayed == store.head()
    assert reason in report.refused, report.refused
    assert report.refused in messages(caught, SnapshotWarning)[0]
    assert state_differences(engine._state, Engine(store)._state) == []
    assert engine.verify() == []
    return report.refused


# --- the format ----------------------------------------------------------------------------


def test_a_snapshot_is_a_json_header_line_then_a_compressed_json_body(
    store: invorder.MemoryEventStore, good: tuple[int, bytes]
) -> None:
    position, data = good
    header_line, _, compressed = data.partition(b"\n")
    header = json.loads(header_line)
    assert header == {
        "format": "invorder-snapshot", "schema": 4, "encoding": "json+zlib",
        "position": position, "last_key": "k087", "chain": chain_hex(store, position),
        "size": len(zlib.decompress(compressed)),
    }  # fmt: skip
    body = json.loads(zlib.decompress(compressed))
    assert sorted(body) == sorted({*invorder.domain.model.PROJECTIONS, "keys"})
    assert b"\x80" not in data[:1]


def test_start_up_reports_what_it_read(store: invorder.MemoryEventStore) -> None:
    assert Engine(store).startup == StartupReport(replayed=store.head(), chain="kept")
    snapshots = snapshot_of(store, 50)
    engine = Engine(store, snapshots=snapshots)
    assert engine.startup == StartupReport(snapshot=50, replayed=store.head() - 50, chain="kept")
    engine.reload()
    assert engine.startup.snapshot == 50
    empty = Engine(store, snapshots=invorder.MemorySnapshotStore())
    assert empty.startup == StartupReport(replayed=store.head(), chain="kept")


# --- nothing named by the data runs --------------------------------------------------------


def test_the_snapshot_code_imports_nothing_that_runs_what_data_names() -> None:
    from invorder.engine import _snapshot_body

    forbidden = {"pickle", "marshal", "shelve", "importlib", "dill", "cloudpickle"}
    for module in (_snapshot, _snapshot_body):
        tree = ast.parse(Path(str(module.__file__)).read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
                names.append(getattr(node, "module", None) or "")
                assert not forbidden & {n.split(".")[0] for n in names}, module.__name__
            if isinstance(node, ast.Name):
                assert node.id not in {"eval", "exec", "__import__"}, module.__name__


class WritesAFile:
    """Pickled, it would write a file when unpickled (what a forged snapshot would do)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self) -> tuple[Callable[..., object], tuple[object, ...]]:
        return (Path.write_text, (self.path, "pwned"))


def test_an_old_pickle_snapshot_that_would_run_code_is_never_unpickled(
    store: invorder.MemoryEventStore, tmp_path: Path
) -> None:
    target = tmp_path / "pwned"
    payload = pickle.dumps(("invorder-engine-snapshot/5", WritesAFile(target)), protocol=5)
    assert assert_replays(store, store.head(), payload, "pickle")
    assert not target.exists()
    pickle.loads(payload)  # the payload is live: unpickled, it writes the file
    assert target.exists()


@pytest.mark.parametrize(
    "forge",
    [
        pytest.param(lambda b: b["orders"]["orders"][0]["capture"].update(type="os.system"),
                     id="command tag"),
        pytest.param(lambda b: b.update(type="os.system", args=["touch pwned"]), id="body"),
        pytest.param(lambda b: b["ledger"].update(catalog=[{"__class__": "os.system"}]),
                     id="record"),
    ],
)  # fmt: skip
def test_a_json_tag_naming_a_function_is_never_called(
    store: invorder.MemoryEventStore,
    good: tuple[int, bytes],
    forge: Callable[[Body], object],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    called: list[object] = []
    monkeypatch.setattr(os, "system", lambda *args: called.append(args))
    assert_replays(store, good[0], rewritten(good, forge), "cannot be read")
    assert called == []


@pytest.mark.parametrize("loaded", [(91, "text"), (91, None), ("91", b""), (91.0, b"")])
def test_what_a_snapshot_store_gives_that_is_not_a_snapshot_is_refused(
    store: invorder.MemoryEventStore, loaded: tuple[Any, Any]
) -> None:
    class Odd(invorder.MemorySnapshotStore):
        def load(self) -> tuple[int, bytes] | None:
            return loaded  # a host store with a bug

    with pytest.warns(SnapshotWarning, match="the snapshot store gave"):
        engine = Engine(store, snapshots=Odd())
    assert engine.startup.replayed == store.head()


def test_a_snapshot_given_as_a_buffer_is_read(
    store: invorder.MemoryEventStore, good: tuple[int, bytes]
) -> None:
    class Buffers(invorder.MemorySnapshotStore):
        def load(self) -> tuple[int, bytes] | None:
            return good[0], memoryview(good[1])  # type: ignore[return-value]  # as a driver may

    report = StartupReport(snapshot=good[0], chain="kept")
    assert Engine(store, snapshots=Buffers()).startup == report


def test_a_header_naming_another_format_is_refused(
    store: invorder.MemoryEventStore, good: tuple[int, bytes]
) -> None:
    data = rewritten(good, lambda b: None, format="os.system")
    assert_replays(store, good[0], data, "not an invorder-snapshot header")


# --- every kind of damage falls back to a replay -------------------------------------------


def _truncated(good: tuple[int, bytes]) -> bytes:
    return good[1][: len(good[1]) // 2]


def _flipped(good: tuple[int, bytes]) -> bytes:
    data = bytearray(good[1])
    data[-40] ^= 0xFF
    return bytes(data)


def _envelope(raw: bytes, size: int | None = None) -> Callable[[tuple[int, bytes]], bytes]:
    def build(good: tuple[int, bytes]) -> bytes:
        header, _ = _snapshot.read_header(good[1])
        header["size"] = len(raw) if size is None else size
        return json.dumps(header).encode() + b"\n" + zlib.compress(raw)

    return build


def _deleted(projection: str, records: str, field: str) -> Callable[[Body], None]:
    return lambda body: body[projection][records][0].pop(field)


def _set(projection: str, records: str, field: str, value: object) -> Callable[[Body], None]:
    return lambda body: body[projection][records][0].update({field: value})


BYTES: dict[str, tuple[Callable[[tuple[int, bytes]], bytes], str]] = {
    "empty": (lambda good: b"", "not an invorder-snapshot header"),
    "truncated": (_truncated, "cannot be read"),
    "a flipped byte": (_flipped, "cannot be read"),
    "trailing bytes": (lambda good: good[1] + b"more", "cannot be read"),
    "not JSON": (lambda good: b"hello\n" + good[1], "not an invorder-snapshot header"),
    "no header line": (lambda good: b'{"format": "invorder-snapshot"', "header"),
    "a body of bad JSON": (_envelope(b"{not json"), "JSONDecodeError"),
    "a body that is a list": (_envelope(b"[]"), "TypeError"),
    "a body deeper than Python recurses": (_envelope(b"[" * 100_000), "RecursionError"),
    "a body larger than its header says": (_envelope(b"{}" * 1000, size=10), "not the 10 bytes"),
    "a body that is not compressed": (lambda good: good[1].partition(b"\n")[0] + b"\n{}",
                                      "decompressing"),
}  # fmt: skip
"""Damage to the bytes, and what the reason says."""


@pytest.mark.parametrize("damage", BYTES.values(), ids=BYTES.keys())
def test_damaged_bytes_fall_back_to_a_replay(
    store: invorder.MemoryEventStore,
    good: tuple[int, bytes],
    damage: tuple[Callable[[tuple[int, bytes]], bytes], str],
) -> None:
    build, reason = damage
    assert_replays(store, good[0], build(good), reason)


_PAYMENT = {"reference": "psp-1", "kind": "captured", "order": "O-1",
            "amount": {"amount": "1.00", "currency": "USD"}}  # fmt: skip
"""A payment fact as a snapshot body holds it."""

BODIES: dict[str, tuple[Callable[[Body], object], str]] = {
    "a projection missing": (lambda b: b.pop("orders"), "lacks orders"),
    "the key index missing": (lambda b: b.pop("keys"), "lacks keys"),
    "a part unknown": (lambda b: b.update(more={}), "an unknown part more"),
    "a field missing": (_deleted("reservations", "reservations", "quantity"), "quantity"),
    "a string for an integer": (_set("reservations", "reservations", "quantity", "5"), "integer"),
    "true for an integer": (_set("reservations", "reservations", "quantity", True), "integer"),
    "a float for money": (lambda b: b["orders"]["orders"][0]["lines"][0]["unit_price"].update(
        amount=9.99), "decimal"),
    "a naive time": (_set("reservations", "reservations", "reserved_at", "2026-11-27T09:00"),
                     "zone"),
    "an unknown key in a record": (_set("purchases", "purchase_orders", "surprise", 1),
                                   "surprise"),
    "an unknown bucket": (lambda b: b["ledger"]["accounts"][0].__setitem__(1, "lost"),
                          "ValueError"),
    "an account of no location": (lambda b: b["ledger"]["accounts"][0].__setitem__(0, "MARS"),
                                  "not a defined location"),
    "an account listed twice": (lambda b: b["ledger"]["accounts"].append(
        b["ledger"]["accounts"][0]), "listed twice"),
    "an account id out of range": (lambda b: b["ledger"]["stock"][0][1].__setitem__(0, 10**6),
                                   "do not fit"),
    "a bundle before its parts": (lambda b: b["ledger"]["catalog"].reverse(), "UnknownSku"),
    "positions not base64": (lambda b: b["keys"].update(positions="%%%"), "Error"),
    "positions of a ragged length": (lambda b: b["keys"].update(positions="AAAA"), "8-byte"),
    "a key position past the snapshot": (lambda b: b["keys"].update(
        positions=_snapshot_body_array([10**9] * 91)), "outside the snapshot"),
    "a negative entry position": (lambda b: b["ledger"]["stock"][0].__setitem__(
        3, _snapshot_body_array([-1])), "outside the snapshot"),
    "keys and positions of other lengths": (lambda b: b["keys"].update(keys="a\nb"), "length"),
    "an index naming no record": (lambda b: b["orders"]["backordered"].append("O-404"),
                                  "O-404"),
    "an order naming no shipment": (lambda b: b["orders"]["orders"][0]["shipments"].append(
        "S-404"), "S-404"),
    "an index of the wrong shape": (lambda b: b["purchases"].update(by_sku={"MUG": []}),
                                    "expected list"),
    "a currency that is not text": (lambda b: b["costs"]["currencies"].update(MUG=1),
                                    "expected strings"),
    "payments of the wrong shape": (lambda b: b["payments"].update(records={}), "expected list"),
    "a payment reference recorded twice": (lambda b: b["payments"]["records"].extend(
        [_PAYMENT, _PAYMENT]), "recorded twice"),
}  # fmt: skip
"""Damage to a well-formed body (valid JSON, right envelope), and what the reason says."""


def _snapshot_body_array(values: list[int]) -> str:
    from array import array

    from invorder.engine._snapshot_shapes import _array_out

    return _array_out(array("q", values))


@pytest.mark.parametrize("damage", BODIES.values(), ids=BODIES.keys())
def test_a_body_of_the_wrong_shape_falls_back_to_a_replay(
    store: invorder.MemoryEventStore,
    good: tuple[int, bytes],
    damage: tuple[Callable[[Body], object], str],
) -> None:
    change, reason = damage
    assert_replays(store, good[0], rewritten(good, change), reason)


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        ({"schema": 5}, "schema 5 is not one this version reads"),
        ({"schema": "1"}, "schema '1'"),
        ({"schema": 0}, "schema 0 is older than 4 and no upcaster reads it"),
        ({"encoding": "pickle"}, "encoding 'pickle'"),
        ({"position": 7}, "says position 7"),
        ({"last_key": "k001"}, "of another log"),
        ({"size": -1}, "not a byte count"),
    ],
)
def test_a_header_that_does_not_fit_falls_back_to_a_replay(
    store: invorder.MemoryEventStore,
    good: tuple[int, bytes],
    header: dict[str, object],
    reason: str,
) -> None:
    assert_replays(store, good[0], rewritten(good, lambda b: None, **header), reason)


# --- older schemas -------------------------------------------------------------------------


def _as_schema_0(body: Body) -> None:
    # A made-up schema 0: the ledger was called "stock" and the key index "idempotency".
    body["stock"], body["idempotency"] = body.pop("ledger"), body.pop("keys")


def _from_schema_0(body: Body) -> Body:
    new = dict(body)
    new["ledger"], new["keys"] = new.pop("stock"), new.pop("idempotency")
    return new


def test_an_older_schema_is_read_through_its_upcaster(
    store: invorder.MemoryEventStore, good: tuple[int, bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    old = rewritten(good, _as_schema_0, schema=0)
    assert_replays(store, good[0], old, "no upcaster")
    upcasters = {**_snapshot.UPCASTERS, 0: _from_schema_0}
    state, keys = _snapshot.restore(store, good[0], old, upcasters)
    assert state_differences(state, Engine(store)._state) == []
    assert sorted(keys.items()) == keys_of(Engine(store))
    monkeypatch.setattr(_snapshot, "UPCASTERS", upcasters)
    snapshots = invorder.MemorySnapshotStore()
    snapshots.save(good[0], old)
    report = StartupReport(snapshot=good[0], chain="kept")
    assert Engine(store, snapshots=snapshots).startup == report


def _as_schema_3(body: Body) -> None:
    # Schema 3 had no payments.
    del body["payments"]


def test_a_schema_3_snapshot_is_read_without_payments(
    store: invorder.MemoryEventStore, good: tuple[int, bytes]
) -> None:
    state, _keys = _snapshot.restore(store, good[0], rewritten(good, _as_schema_3, schema=3))
    assert state_differences(state, Engine(store)._state) == []


def _as_schema_2(body: Body) -> None:
    # Schema 2 had no price lists nor invoices, and its orders no ``price_list``.
    _as_schema_3(body)
    del body["prices"], body["invoices"]
    for record in body["orders"]["orders"]:
        del record["price_list"]


def test_a_schema_2_snapshot_is_read_without_price_lists_nor_invoices(
    store: invorder.MemoryEventStore, good: tuple[int, bytes]
) -> None:
    state, _keys = _snapshot.restore(store, good[0], rewritten(good, _as_schema_2, schema=2))
    assert state_differences(state, Engine(store)._state) == []
    assert list(state.prices) == []
    assert list(state.invoices) == []


def _as_schema_1(body: Body) -> None:
    # Schema 1 had no ``placed``: every reservation held its units at its own location.
    _as_schema_2(body)
    for record in body["reservations"]["reservations"]:
        del record["placed"]


def test_a_schema_1_snapshot_is_read_with_its_reservations_placed_at_their_location(
    store: invorder.MemoryEventStore, good: tuple[int, bytes]
) -> None:
    held = [r for r in Engine(store).reservations(open_only=True) if r.backed]
    assert held, "the fixture log has reservations holding units on the shelf"
    state, _keys = _snapshot.restore(store, good[0], rewritten(good, _as_schema_1, schema=1))
    assert state_differences(state, Engine(store)._state) == []
    for r in held:
        restored = state.reservations.get(r.reservation)
        assert restored is not None
        assert restored.placed == r.placed
        assert {place for _leaf, place, _units in r.placed} == {r.location}


def test_an_upcaster_that_fails_falls_back_to_a_replay(
    store: invorder.MemoryEventStore, good: tuple[int, bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    failing = {**_snapshot.UPCASTERS, 0: lambda body: body["no such part"]}
    monkeypatch.setattr(_snapshot, "UPCASTERS", failing)
    assert_replays(store, good[0], rewritten(good, _as_schema_0, schema=0), "KeyError")
