"""Locations: warehouse paths such as ``EAST/A/01``, their tree, and the virtual locations.

A location is named by its path; ``EAST`` is a warehouse, ``EAST/A`` a zone in it and
``EAST/A/01`` a bin. Virtual locations (their names start with ``@``) are the other side of
receipts, shipments, write-offs and assembly, so that every stock change is an ordinary
double-entry movement. Real locations never hold a negative balance; virtual ones may.
"""

from __future__ import annotations

import re
from typing import NewType

import attrs

from invorder.domain._checks import MAX_IDENTIFIER_LENGTH
from invorder.domain.errors import InvalidLocationError


def real_location(value: str, field: str = "location") -> LocationId:
    """``value`` as a checked path of a real location (a virtual one is refused): the
    converter of command fields that name where units are (errors name ``field``)."""
    location = location_id(value, field)
    if is_virtual(location):
        raise InvalidLocationError(value, "a virtual location cannot be used here", field=field)
    return location


LocationId = NewType("LocationId", str)
"""The path naming a location: ``EAST``, ``EAST/A/01`` or a virtual ``@supplier``."""


SUPPLIER = LocationId("@supplier")
"""Virtual: where received stock comes from and where cancelled purchase units return."""


CUSTOMER = LocationId("@customer")
"""Virtual: where shipped stock goes and where returns come from."""


ADJUSTMENT = LocationId("@adjustment")
"""Virtual: the other side of count differences and losses."""


SCRAP = LocationId("@scrap")
"""Virtual: where written-off stock goes."""


PRODUCTION = LocationId("@production")
"""Virtual: consumed components and produced kits pass through it during assembly."""


VIRTUAL_LOCATIONS: frozenset[LocationId] = frozenset(
    {SUPPLIER, CUSTOMER, ADJUSTMENT, SCRAP, PRODUCTION}
)
"""Every virtual location; they exist in every ledger without being defined."""


_SEGMENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


# The whole path in one match: the common, valid case costs a single regex call.
_PATH = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*(?:/[A-Za-z0-9][A-Za-z0-9._-]*)*")


_is_path = _PATH.fullmatch


def location_id(path: str, field: str = "location") -> LocationId:
    """Check ``path`` and return it as a :data:`LocationId`.

    Raises :class:`InvalidLocationError` (naming ``field``) for an empty path, an empty
    segment or a character outside letters, digits, ``.``, ``_`` and ``-``. Virtual names
    are accepted as they are.
    """
    if type(path) is not str or not path:
        raise InvalidLocationError(path, "it must be a non-empty string", field=field)
    if len(path) > MAX_IDENTIFIER_LENGTH:
        raise InvalidLocationError(
            path[:40] + "...",
            f"it must be at most {MAX_IDENTIFIER_LENGTH} characters (got {len(path):,})",
            field=field,
        )
    if _is_path(path) is not None or path in VIRTUAL_LOCATIONS:
        return LocationId(path)
    if path.startswith("@"):
        raise InvalidLocationError(
            path,
            f"names starting with '@' are reserved for {sorted(VIRTUAL_LOCATIONS)}",
            field=field,
        )
    for segment in path.split("/"):
        if not _SEGMENT.fullmatch(segment):
            raise InvalidLocationError(
                path, f"segment {segment!r} is empty or has bad characters", field=field
            )
    return LocationId(path)


def is_virtual(location: str) -> bool:
    """True for the virtual locations (supplier, customer, adjustment, scrap, production)."""
    return location[:1] == "@"


def parent_of(location: str) -> LocationId | None:
    """The parent path (``EAST/A`` for ``EAST/A/01``), or ``None`` for a warehouse."""
    head, sep, _ = location.rpartition("/")
    return LocationId(head) if sep else None


def ancestors_of(location: str) -> tuple[LocationId, ...]:
    """The enclosing locations, nearest first: ``EAST/A/01`` -> ``(EAST/A, EAST)``."""
    parts = location.split("/")
    return tuple(LocationId("/".join(parts[:n])) for n in range(len(parts) - 1, 0, -1))


def warehouse_of(location: str) -> LocationId:
    """The top-level location (the warehouse) that contains ``location``."""
    return LocationId(location.split("/", 1)[0])


def is_within(location: str, ancestor: str) -> bool:
    """True when ``location`` is ``ancestor`` or lies inside its subtree."""
    return location == ancestor or location.startswith(ancestor + "/")


@attrs.frozen
class Location:
    """A defined location: its path and a human-readable name.

    Invariants: ``path`` is a valid real (non-virtual) path; its ancestors are defined too.
    """

    path: LocationId = attrs.field(converter=location_id)
    """The location's path, e.g. ``EAST/A/01``."""
    name: str = ""
    """A label for people (``"East coast DC"``); not used for lookups."""

    @property
    def parent(self) -> LocationId | None:
        """The enclosing location, or ``None`` for a warehouse."""
        return parent_of(self.path)

    @property
    def ancestors(self) -> tuple[LocationId, ...]:
        """Every enclosing location, nearest first."""
        return ancestors_of(self.path)

    @property
    def warehouse(self) -> LocationId:
        """The warehouse this location belongs to."""
        return warehouse_of(self.path)
