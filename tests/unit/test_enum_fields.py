"""Fields that take an enum member or its value (``_checks.one_of``): a value finds its
member by a dict look-up, with exactly the answers of comparing it with each member."""

from __future__ import annotations

import enum
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from invorder.domain import _checks
from invorder.errors import InvalidFieldError


class Colour(enum.StrEnum):
    RED = "red"
    GREEN = "green"


class Level(enum.IntEnum):
    LOW = 1
    HIGH = 2


class Mixed(enum.Enum):
    ONE = 1
    WORD = "one"
    HALF = 0.5


def reference(kind: type[enum.Enum], value: object) -> enum.Enum | None:
    """The rule written out: the member itself, or the member whose value has the value's
    exact type and equals it."""
    if isinstance(value, kind):
        return value
    for member in kind:
        if type(member.value) is type(value) and member.value == value:
            return member
    return None


VALUES = st.one_of(
    st.sampled_from([*Colour, *Level, *Mixed]),
    st.sampled_from(["red", "green", "RED", "one", 1, 2, 1.0, 2.0, True, False, None, b"red"]),
    st.text(max_size=5), st.integers(-3, 3), st.floats(allow_nan=False),
    st.lists(st.integers(), max_size=2), st.dictionaries(st.text(max_size=2), st.integers()),
)  # fmt: skip


@given(st.sampled_from([Colour, Level, Mixed]), VALUES)
def test_a_value_converts_as_comparing_it_with_each_member_would(
    kind: type[enum.Enum], value: object
) -> None:
    convert = _checks.one_of(kind, "field")
    expected = reference(kind, value)
    if expected is None:
        with pytest.raises(InvalidFieldError, match="field must be one of") as caught:
            convert(value)
        assert caught.value.value == value
    else:
        assert convert(value) is expected


def test_a_value_of_another_type_equal_to_a_members_is_refused() -> None:
    with pytest.raises(InvalidFieldError, match=re.escape("level must be one of 1, 2 (got True)")):
        _checks.one_of(Level, "level")(True)  # True == 1, but it is not an integer level
    with pytest.raises(InvalidFieldError, match=re.escape("(got 1.0)")):
        _checks.one_of(Mixed, "field")(1.0)
    assert _checks.one_of(Mixed, "field")(1) is Mixed.ONE
