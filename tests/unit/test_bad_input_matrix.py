"""Every command, every kind of bad value, both ways in (issue 16): built in code, each bad
value raises a typed ``ValidationError`` naming the field; decoded from JSON, it raises a
typed error (``CodecError`` for the wrong JSON shape) and never a raw Python exception; a
refused command changes nothing.

The commands are one of each type (``ONE_OF_EACH`` of the codec tests); the bad values are
chosen by what a field holds: ids and keys, times, quantities, choices.
"""

from __future__ import annotations

import typing
from datetime import datetime
from typing import Any

import attrs
import pytest

import invorder as iv
from invorder.domain.messages import Command
from tests.unit.test_codec import ONE_OF_EACH, through_json

LOCATIONS = ("location", "destination", "origin")
IDS = ("key", "order", "reservation", "purchase_order", "transfer", "shipment", "rma",
       "external_id", *LOCATIONS)  # fmt: skip
QUANTITIES = ("quantity", "counted")
CHOICES = ("kind", "bucket", "to")
TIMES = ("at", "eta", "expires_at")

BAD_IDS: list[tuple[str, object]] = [
    ("empty", ""), ("padded", " X"), ("newline", "A\nB"), ("nul", "A\x00"),
    ("line separator", "A\u2028"), ("zero width", "A\u200bB"), ("too long", "X" * 201),
    ("number", 7), ("none", None),
]  # fmt: skip
BAD_QUANTITIES: list[tuple[str, object]] = [
    ("negative", -1),
    ("above the maximum", 10**12 + 1),
    ("fraction", 1.5),
    ("text", "1"),
    ("bool", True),
    ("none", None),
]
BAD_CHOICES: list[tuple[str, object]] = [("unknown", "nope"), ("number", 3), ("none", None)]
BAD_TIMES: list[tuple[str, object]] = [
    ("naive", datetime(2026, 11, 27, 9, 0)), ("text", "2026-11-27T09:00:00+00:00"),
    ("none", None),
]  # fmt: skip


def _cases() -> list[tuple[str, Command, str, object]]:
    cases = []
    for command in ONE_OF_EACH:
        names = {f.name for f in attrs.fields(type(command))}
        kinds = ((IDS, BAD_IDS), (QUANTITIES, BAD_QUANTITIES), (CHOICES, BAD_CHOICES),
                 (TIMES, BAD_TIMES))  # fmt: skip
        for fields, values in kinds:
            for field in fields:
                if field not in names or (field in TIMES[1:] and getattr(command, field) is None):
                    continue
                for label, value in values:
                    if label in ("none", "empty") and _optional(command, field):
                        continue  # "not given" is a valid value of an optional field
                    name = f"{type(command).__name__}.{field}={label}"
                    cases.append((name, command, field, value))
    return cases


# A list field given what is not a list: a string or an object iterates as characters or
# keys, and used to slip through as one item per character.
BAD_LISTS: list[tuple[str, object]] = [("text", "L1"), ("number", 7), ("object", {"L1": "1"})]
BY_NAME = ("attributes", "safety_stock_by_sku", "weights", "refund_percent", "fee")
"""List fields of pairs that may also be given as a mapping of name to value."""


def _list_cases() -> list[tuple[str, Command, str, object]]:
    cases = []
    for command in ONE_OF_EACH:
        hints = typing.get_type_hints(type(command))
        for field in attrs.fields(type(command)):
            if typing.get_origin(hints[field.name]) is not tuple:
                continue
            for label, value in BAD_LISTS:
                if label == "object" and field.name in BY_NAME:
                    continue  # the field may be given as a mapping
                if label == "text" and field.name == "locations":
                    continue  # a channel fed by one location may name it alone
                cases.append((f"{type(command).__name__}.{field.name}={label}", command,
                              field.name, value))  # fmt: skip
    return cases


def _optional(command: Command, field: str) -> bool:
    attribute = attrs.fields_dict(type(command))[field]
    return attribute.default is None or attribute.default == ""


CODEC = iv.Codec()  # one codec: building its converters is the costly part
LIST_CASES = _list_cases()
CASES = _cases() + LIST_CASES
# An ISO string is what a time is in JSON: bad only when built in code.
DECODED = [c for c in CASES if not (c[2] in TIMES and isinstance(c[3], str))]


def test_the_matrix_is_wide() -> None:
    assert len(CASES) >= 150
    assert len(LIST_CASES) >= 60
    assert len(DECODED) >= 150
    assert {type(command) for _, command, _, _ in CASES} == {type(c) for c in ONE_OF_EACH}


@pytest.mark.parametrize(("name", "command", "field", "value"), CASES, ids=[c[0] for c in CASES])
def test_a_bad_value_built_in_code_is_a_typed_error_naming_the_field(
    name: str, command: Command, field: str, value: object
) -> None:
    changes: dict[str, Any] = {field: value}  # any value: bad ones are the point
    with pytest.raises(iv.ValidationError) as caught:
        attrs.evolve(command, **changes)
    error = caught.value
    if isinstance(error, iv.errors.InvalidLocationError):
        assert field in LOCATIONS, (name, error)  # location paths have their own error
        assert str(error).startswith(f"{field} "), (name, error)
    else:
        assert field in str(error), (name, error)
    assert error.fields.get("field") == field, (name, error)


@pytest.mark.parametrize(
    ("name", "command", "field", "value"), DECODED, ids=[c[0] for c in DECODED]
)
def test_a_bad_value_decoded_from_json_is_a_typed_error_and_changes_nothing(
    name: str, command: Command, field: str, value: object
) -> None:
    data: dict[str, Any] = through_json(CODEC.command_to_dict(command))
    data[field] = value.isoformat() if isinstance(value, datetime) else value
    engine = iv.in_memory()
    with pytest.raises(iv.InvorderError) as caught:
        engine.execute(CODEC.command_from_dict(data))
    assert isinstance(caught.value, iv.ValidationError), (name, caught.value)
    assert engine.position == 0
    assert list(engine.events()) == []
