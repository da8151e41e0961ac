"""The hash chain of any generated log is deterministic and the same in every store: the
memory store, the SQLite store, and :func:`invorder.chain.chain_of` over the events."""

from __future__ import annotations

import collections.abc
import contextlib
import json
import random
import typing
from unittest import mock

import attrs
import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

import invorder
from invorder import chain
from invorder import simulate as sim
from invorder.adapters.memory import MemoryEventStore
from invorder.adapters.sql import SqlEventStore, sql_engine
from invorder.chain import (
    GENESIS,
    canonical,
    canonical_json,
    canonical_stream,
    canonical_texts,
    chain_of,
    default_codec,
    link,
)
from invorder.codec import EVENT_TYPES
from invorder.domain.messages import Command, Event
from invorder.engine import Engine
from invorder.testing.strategies import ledger_scenarios
from tests.support.snapshots import fixture_events


def run(story: list[invorder.Command]) -> MemoryEventStore:
    store = MemoryEventStore()
    engine = Engine(store)
    for command in story:
        with contextlib.suppress(invorder.InvorderError):
            engine.execute(command)
    return store


def sqlite_copy(store: MemoryEventStore) -> SqlEventStore:
    # One in-memory database shared by every connection of the engine.
    sql = SqlEventStore(sql_engine("sqlite://", poolclass=sa.pool.StaticPool))
    events = list(store.read())
    for start in range(0, len(events), 7):  # several appends: links cross batches
        sql.append(events[start : start + 7], expected_position=start)
    return sql


def assert_same_chain(store: MemoryEventStore) -> None:
    head = store.head()
    expected = [GENESIS, *chain_of(store.read())]
    assert [store.chain_at(p) for p in range(head + 1)] == expected
    sql = sqlite_copy(store)
    assert [sql.chain_at(p) for p in range(head + 1)] == expected
    assert [kept for _, _, kept in sql.read_chained()] == expected[1:]
    assert Engine(sql).startup.chain == "checked"


@settings(deadline=None)
@given(ledger_scenarios(max_commands=30))
def test_the_chain_of_a_generated_log_is_deterministic_and_the_same_in_every_store(
    story: list[invorder.Command],
) -> None:
    first, second = run(story), run(story)
    assert first.chain_at(first.head()) == second.chain_at(second.head())
    assert_same_chain(first)


def test_the_chain_of_a_log_with_every_event_type_is_the_same_in_every_store() -> None:
    store = MemoryEventStore(fixture_events())
    assert_same_chain(store)


def one_at_a_time(events: list[Event]) -> list[str]:
    encode = default_codec().event_to_dict
    return [canonical_json(encode(event)) for event in events]


FIXTURE = fixture_events()
# Text that would fool a writer splicing the command in by searching for its slot: a quote,
# the slot's own text, a NUL (which the encoder writes as the slot's \u0000).
AWKWARD = st.text(alphabet='"\\:\x00command{},u0', max_size=24)


@settings(deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, len(FIXTURE) - 1), st.integers(0, 4), st.booleans()),
        max_size=40,
    ),
    AWKWARD,
    AWKWARD,
)
def test_canonical_texts_are_each_event_encoded_alone_whatever_commands_they_share(
    picks: list[tuple[int, int, bool]], carrier: str, code: str
) -> None:
    # Events of every type, in groups sharing one command object (any command: the codec
    # writes the field by the command's own class), some with awkward free text, journal
    # entries in both stored forms (schema 2, and 1 as read from an old log).
    commands = [FIXTURE[index].command for index, _, _ in picks[:5]]
    events: list[Event] = []
    for index, group, old in picks:
        event = FIXTURE[index]
        changes: dict[str, object] = {}
        if group < len(commands):
            changes["command"] = commands[group]
        if hasattr(event, "carrier"):
            changes["carrier"] = carrier
        if hasattr(event, "code"):
            changes["code"] = code
        changed = attrs.evolve(event, **changes)  # type: ignore[misc]  # any event class
        if old and isinstance(changed, invorder.events.StockPosted):
            object.__setattr__(changed, "schema", 1)  # as Codec.event_from_dict leaves it
        events.append(changed)
    assert canonical_texts(events) == one_at_a_time(events)
    assert list(canonical_stream(events)) == [canonical(event) for event in events]


def test_a_generated_days_log_encodes_the_same_with_its_commands_written_once() -> None:
    scenario = sim.generate(sim.SIZES["small"], random.Random(3))
    run = sim.Simulation(scenario, "nearest")
    run.advance()
    events = list(run.engine.events())
    shared = len(events) - len({id(event.command) for event in events})
    assert shared > 100  # captures: OrderCaptured and OrderAllocated share a CaptureOrder
    assert canonical_texts(events) == one_at_a_time(events)
    assert len(events) > 1024  # the stream encodes in pieces: commands cross their edges
    hashes, previous = [], GENESIS
    for event in events:
        previous = link(previous, canonical(event))
        hashes.append(previous)
    assert chain_of(events) == hashes


def test_no_event_holds_a_mapping_or_a_command_besides_its_own() -> None:
    # canonical_texts finds an event's command slot by its text ("command":"\u0000"); only
    # a mapping (whose keys are written as they are) or a second command (whose mappings
    # are) could write that text elsewhere in the event. A field that would must come with
    # another way of putting the command in.
    found: list[str] = []

    def walk(kind: object, path: str, seen: set[type]) -> None:
        if typing.get_origin(kind) in (dict, collections.abc.Mapping) or (
            isinstance(kind, type) and issubclass(kind, collections.abc.Mapping | Command)
        ):
            found.append(path)
            return
        for inner in typing.get_args(kind):
            walk(inner, path, seen)
        if isinstance(kind, type) and attrs.has(kind) and kind not in seen:
            seen.add(kind)
            for name, hint in typing.get_type_hints(kind).items():
                walk(hint, f"{path}.{name}", seen)

    for cls in EVENT_TYPES.values():
        for name, hint in typing.get_type_hints(cls).items():
            if name != "command":
                walk(hint, f"{cls.__name__}.{name}", set())
    assert found == []


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@given(st.dictionaries(st.text(), JSON, max_size=6))
def test_canonical_json_is_the_standard_encoders_text(data: dict[str, object]) -> None:
    # The encoder built once (CPython's C one) and the plain one write the same text.
    expected = json.dumps(data, separators=(",", ":"), ensure_ascii=False, sort_keys=True)
    assert canonical_json(data) == expected
    with mock.patch.object(json.encoder, "c_make_encoder", None):
        assert chain._canonical_encoder()(data) == expected


def test_canonical_json_refuses_what_json_cannot_hold_and_goes_on() -> None:
    with pytest.raises(TypeError, match="not JSON serializable"):
        canonical_json({"a": [1, {"b": object()}]})
    assert canonical_json({"b": [2, 1], "a": "é\x00"}) == '{"a":"é\\u0000","b":[2,1]}'
