"""Hypothesis strategies for the stock area's values: idempotency keys, aware datetimes, SKU
codes, GTINs, SKUs and catalogs, location paths and trees, buckets, accounts, movements and
transfer ids.

Use them to property-test code built on invorder (a routing rule, a storage adapter, a
report) against the ledger's invariants. Every strategy is deterministic given hypothesis'
seed: times come with an explicit timezone, ids are drawn, never made up from a clock.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, timezone, tzinfo

from hypothesis import strategies as st

from invorder.domain.stock.catalog import (
    GTIN_LENGTHS,
    Sku,
    SkuId,
    gtin_check_digit,
    normalize_barcode,
)
from invorder.domain.stock.location import VIRTUAL_LOCATIONS, LocationId
from invorder.domain.stock.movement import Account, Bucket, Movement

__all__ = [
    "TIMEZONES",
    "account_locations",
    "accounts",
    "aware_datetimes",
    "buckets",
    "catalogs",
    "gtins",
    "idempotency_keys",
    "location_paths",
    "location_segments",
    "location_trees",
    "movements",
    "quantities",
    "sku_codes",
    "skus",
    "transfer_ids",
]

TIMEZONES: tuple[tzinfo, ...] = (
    UTC,
    timezone(timedelta(hours=2)),
    timezone(timedelta(hours=-5)),
    timezone(timedelta(hours=5, minutes=30)),
)
"""The fixed-offset timezones :func:`aware_datetimes` draws from (no DST surprises)."""

_EPOCH = datetime(2026, 1, 1)
_SEGMENT_HEAD = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
_SEGMENT_TAIL = _SEGMENT_HEAD + "abcdefghijklmnopqrstuvwxyz._-"


# --- identifiers and values --------------------------------------------------------------


def idempotency_keys() -> st.SearchStrategy[str]:
    """Valid idempotency keys (``"cmd-<n>"``); callers renumber them when keys must differ."""
    return st.integers(min_value=0, max_value=10**6).map(lambda n: f"cmd-{n}")


def sku_codes() -> st.SearchStrategy[SkuId]:
    """Valid SKU codes: short upper-case words joined by ``-`` (``"MUG-BLUE"``)."""
    word = st.text(alphabet=_SEGMENT_HEAD, min_size=1, max_size=5)
    return st.lists(word, min_size=1, max_size=3).map(lambda words: SkuId("-".join(words)))


def gtins(lengths: Sequence[int] = GTIN_LENGTHS) -> st.SearchStrategy[str]:
    """Valid GTIN-8/12/13/14 barcodes: random body digits plus the correct check digit."""

    @st.composite
    def build(draw: st.DrawFn) -> str:
        length = draw(st.sampled_from(tuple(lengths)))
        body = draw(st.text(alphabet="0123456789", min_size=length - 1, max_size=length - 1))
        return body + str(gtin_check_digit(body))

    return build()


def skus(
    codes: st.SearchStrategy[SkuId] | None = None, *, max_barcodes: int = 2
) -> st.SearchStrategy[Sku]:
    """SKUs with a name and up to ``max_barcodes`` valid barcodes (normalised to GTIN-14)."""
    return st.builds(
        Sku,
        code=codes if codes is not None else sku_codes(),
        name=st.text(max_size=12),
        barcodes=st.lists(gtins(), max_size=max_barcodes),
    )


@st.composite
def catalogs(draw: st.DrawFn, *, min_size: int = 1, max_size: int = 4) -> tuple[Sku, ...]:
    """Distinct SKUs whose barcodes are all different once normalised (a valid catalog)."""
    codes = draw(_unique_lists("sku", min_size, max_size))
    taken: set[str] = set()
    result: list[Sku] = []
    for code in codes:
        drawn = draw(_unique_lists("gtin", 0, 2))
        fresh = [b for b in drawn if normalize_barcode(b) not in taken]
        taken.update(normalize_barcode(b) for b in fresh)
        result.append(Sku(code, draw(_unique_lists("name", 1, 1))[0], tuple(fresh)))
    return tuple(result)


def location_segments() -> st.SearchStrategy[str]:
    """One valid path segment: a letter or digit, then letters, digits, ``.``, ``_``, ``-``."""
    return st.builds(
        lambda head, tail: head + tail,
        st.sampled_from(_SEGMENT_HEAD),
        st.text(alphabet=_SEGMENT_TAIL, max_size=4),
    )


@functools.cache
def _unique_lists(what: str, min_size: int, max_size: int) -> st.SearchStrategy[list[str]]:
    # Built once per shape and reused: building strategies on every draw is what makes
    # composite strategies slow (each new strategy is validated when first drawn from).
    elements: st.SearchStrategy[str] = {
        "sku": sku_codes(),
        "gtin": gtins(),
        "name": st.text(max_size=8),
        "segment": location_segments(),
    }[what]
    return st.lists(elements, min_size=min_size, max_size=max_size, unique=True)


def location_paths(max_depth: int = 3) -> st.SearchStrategy[LocationId]:
    """Valid real location paths of 1 to ``max_depth`` segments (``EAST``, ``EAST/A/01``)."""
    return st.lists(location_segments(), min_size=1, max_size=max_depth).map(
        lambda parts: LocationId("/".join(parts))
    )


@st.composite
def location_trees(
    draw: st.DrawFn,
    *,
    max_warehouses: int = 3,
    max_zones: int = 2,
    max_bins: int = 3,
    min_warehouses: int = 1,
) -> tuple[LocationId, ...]:
    """The bins of a warehouse/zone/bin tree, sorted: ``("EAST/A/01", "EAST/A/02", ...)``.

    Every path has exactly three segments; there are ``min_warehouses`` to
    ``max_warehouses`` warehouses, and warehouses, zones and bins each have distinct names
    under their parent. Defining the bins defines the zones and warehouses too.
    """

    def names(most: int, least: int = 1) -> list[str]:
        return draw(_unique_lists("segment", least, most))

    bins: list[LocationId] = []
    for warehouse in names(max_warehouses, min_warehouses):
        for zone in names(max_zones):
            for bin_ in names(max_bins):
                bins.append(LocationId(f"{warehouse}/{zone}/{bin_}"))
    return tuple(sorted(bins))


def buckets() -> st.SearchStrategy[Bucket]:
    """Any bucket."""
    return st.sampled_from(Bucket)


def account_locations(locations: Sequence[str]) -> st.SearchStrategy[LocationId]:
    """One of ``locations`` or a virtual location."""
    return st.sampled_from(
        tuple(LocationId(x) for x in locations) + tuple(sorted(VIRTUAL_LOCATIONS))
    )


def accounts(locations: Sequence[str] | None = None) -> st.SearchStrategy[Account]:
    """Accounts over ``locations`` plus the virtual ones (any valid path when ``None``)."""
    where = location_paths() if locations is None else account_locations(locations)
    return st.builds(Account, where, buckets())


def quantities(max_value: int = 50) -> st.SearchStrategy[int]:
    """Valid movement quantities: positive integers up to ``max_value``."""
    return st.integers(min_value=1, max_value=max_value)


@st.composite
def movements(
    draw: st.DrawFn,
    sku_list: Sequence[str] | None = None,
    locations: Sequence[str] | None = None,
    max_quantity: int = 50,
) -> Movement:
    """A movement of one of ``sku_list`` between two different accounts over ``locations``."""
    sku = draw(sku_codes() if sku_list is None else st.sampled_from(tuple(sku_list)))
    source = draw(accounts(locations))
    destination = draw(accounts(locations).filter(lambda account: account != source))
    return Movement(
        sku=sku,
        quantity=draw(quantities(max_quantity)),
        source=source,
        destination=destination,
        reason=draw(st.sampled_from(("", "receipt", "move", "correction"))),
        reference=draw(st.sampled_from(("", "PO-1", "DOC-7"))),
    )


def aware_datetimes(
    min_value: datetime = _EPOCH,
    max_value: datetime = _EPOCH + timedelta(days=365),
    timezones: Sequence[tzinfo] = TIMEZONES,
) -> st.SearchStrategy[datetime]:
    """Timezone-aware datetimes between two naive bounds, in one of ``timezones``.

    ``fold`` is always 0, so the values survive an ISO-8601 round trip unchanged.
    """
    zones = st.sampled_from(tuple(timezones))
    return st.datetimes(min_value, max_value, timezones=zones).map(lambda t: t.replace(fold=0))


def transfer_ids() -> st.SearchStrategy[str]:
    """Valid transfer ids (``"TR-<n>"``)."""
    return st.integers(min_value=1, max_value=9).map(lambda n: f"TR-{n}")
