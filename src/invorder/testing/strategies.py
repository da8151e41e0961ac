"""Hypothesis strategies for the public ledger values, commands and events.

Use them to property-test code built on invorder (a routing rule, a storage adapter, a
report) against the ledger's invariants. Every strategy is deterministic given hypothesis'
seed: times come with an explicit timezone, ids are drawn, never made up from a clock.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, timezone, tzinfo

from hypothesis import strategies as st

from invorder.domain.messages import Command
from invorder.domain.stock.catalog import (
    GTIN_LENGTHS,
    Sku,
    SkuId,
    gtin_check_digit,
    normalize_barcode,
)
from invorder.domain.stock.commands import (
    CloseTransfer,
    CountStock,
    DefineLocation,
    DefineSku,
    MarkDamaged,
    MoveStock,
    PostEntry,
    QuarantineStock,
    ReceiveStock,
    ReceiveTransfer,
    ReleaseQuarantine,
    ScrapStock,
    ShipTransfer,
    TransferLine,
)
from invorder.domain.stock.events import (
    LedgerEvent,
    LocationDefined,
    Operation,
    SkuDefined,
    StockPosted,
)
from invorder.domain.stock.location import SUPPLIER, VIRTUAL_LOCATIONS, LocationId, warehouse_of
from invorder.domain.stock.movement import Account, Bucket, Movement

__all__ = [
    "TIMEZONES",
    "account_locations",
    "accounts",
    "aware_datetimes",
    "buckets",
    "catalogs",
    "close_transfers",
    "count_stock",
    "define_locations",
    "define_skus",
    "gtins",
    "idempotency_keys",
    "ledger_commands",
    "ledger_events",
    "ledger_scenarios",
    "location_paths",
    "location_segments",
    "location_trees",
    "mark_damaged",
    "move_stock",
    "movements",
    "post_entries",
    "quantities",
    "quarantine_stock",
    "receive_stock",
    "receive_transfers",
    "release_quarantine",
    "scrap_stock",
    "ship_transfers",
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


# --- commands --------------------------------------------------------------------------------


def _header() -> dict[str, st.SearchStrategy[object]]:
    return {"key": idempotency_keys(), "at": aware_datetimes()}


def define_locations(locations: Sequence[str]) -> st.SearchStrategy[DefineLocation]:
    """``DefineLocation`` commands for one of ``locations``."""
    return st.builds(
        DefineLocation, location=st.sampled_from(tuple(locations)), name=st.just(""), **_header()
    )


def define_skus(sku_strategy: st.SearchStrategy[Sku] | None = None) -> st.SearchStrategy[DefineSku]:
    """``DefineSku`` commands."""
    return st.builds(
        DefineSku, sku=sku_strategy if sku_strategy is not None else skus(), **_header()
    )


def receive_stock(
    sku_list: Sequence[str], locations: Sequence[str], barcodes: Sequence[str] = ()
) -> st.SearchStrategy[ReceiveStock]:
    """``ReceiveStock`` by SKU code, or by one of ``barcodes`` when any are given."""
    by_sku = st.builds(
        ReceiveStock,
        sku=st.sampled_from(tuple(sku_list)),
        location=st.sampled_from(tuple(locations)),
        quantity=quantities(),
        bucket=st.sampled_from((Bucket.AVAILABLE, Bucket.QUALITY_CONTROL)),
        reference=st.sampled_from(("", "PO-1", "PO-2")),
        **_header(),
    )
    if not barcodes:
        return by_sku
    by_barcode = st.builds(
        ReceiveStock,
        barcode=st.sampled_from(tuple(barcodes)),
        location=st.sampled_from(tuple(locations)),
        quantity=quantities(),
        **_header(),
    )
    return by_sku | by_barcode


def count_stock(sku_list: Sequence[str], locations: Sequence[str]) -> st.SearchStrategy[CountStock]:
    """``CountStock`` with a counted figure from 0 to 60."""
    return st.builds(
        CountStock,
        sku=st.sampled_from(tuple(sku_list)),
        location=st.sampled_from(tuple(locations)),
        counted=st.integers(min_value=0, max_value=60),
        **_header(),
    )


def _at_location(
    cls: type[MarkDamaged | QuarantineStock | ReleaseQuarantine | ScrapStock],
    sku_list: Sequence[str],
    locations: Sequence[str],
    **extra: st.SearchStrategy[object],
) -> st.SearchStrategy[MarkDamaged | QuarantineStock | ReleaseQuarantine | ScrapStock]:
    return st.builds(
        cls,
        sku=st.sampled_from(tuple(sku_list)),
        location=st.sampled_from(tuple(locations)),
        quantity=quantities(20),
        **extra,
        **_header(),
    )


def mark_damaged(sku_list: Sequence[str], locations: Sequence[str]) -> st.SearchStrategy[Command]:
    """``MarkDamaged`` commands."""
    return _at_location(MarkDamaged, sku_list, locations)


def quarantine_stock(
    sku_list: Sequence[str], locations: Sequence[str]
) -> st.SearchStrategy[Command]:
    """``QuarantineStock`` commands."""
    return _at_location(QuarantineStock, sku_list, locations)


def release_quarantine(
    sku_list: Sequence[str], locations: Sequence[str]
) -> st.SearchStrategy[Command]:
    """``ReleaseQuarantine`` commands, to ``available`` or ``damaged``."""
    return _at_location(
        ReleaseQuarantine,
        sku_list,
        locations,
        to=st.sampled_from((Bucket.AVAILABLE, Bucket.DAMAGED)),
    )


def scrap_stock(sku_list: Sequence[str], locations: Sequence[str]) -> st.SearchStrategy[Command]:
    """``ScrapStock`` commands from ``damaged``, ``quality_control`` or ``available``."""
    return _at_location(
        ScrapStock,
        sku_list,
        locations,
        bucket=st.sampled_from((Bucket.DAMAGED, Bucket.QUALITY_CONTROL, Bucket.AVAILABLE)),
    )


def _pairs(locations: Sequence[str], *, same_warehouse: bool) -> tuple[tuple[str, str], ...]:
    return tuple(
        (a, b)
        for a in locations
        for b in locations
        if a != b and (warehouse_of(a) == warehouse_of(b)) == same_warehouse
    )


def move_stock(sku_list: Sequence[str], locations: Sequence[str]) -> st.SearchStrategy[MoveStock]:
    """``MoveStock`` between two different places of one warehouse (nothing if none)."""
    pairs = _pairs(locations, same_warehouse=True)
    if not pairs:
        return st.nothing()
    return st.sampled_from(pairs).flatmap(
        lambda pair: st.builds(
            MoveStock,
            sku=st.sampled_from(tuple(sku_list)),
            source=st.just(pair[0]),
            destination=st.just(pair[1]),
            quantity=quantities(20),
            bucket=st.sampled_from((Bucket.AVAILABLE, Bucket.DAMAGED, Bucket.QUALITY_CONTROL)),
            **_header(),
        )
    )


def _transfer_lines(sku_list: Sequence[str], max_quantity: int) -> st.SearchStrategy[object]:
    return st.lists(
        st.sampled_from(tuple(sku_list)), min_size=1, max_size=len(sku_list), unique=True
    ).flatmap(
        lambda chosen: st.tuples(
            *(st.builds(TransferLine, st.just(sku), quantities(max_quantity)) for sku in chosen)
        )
    )


def ship_transfers(
    sku_list: Sequence[str],
    locations: Sequence[str],
    transfers: st.SearchStrategy[str] | None = None,
) -> st.SearchStrategy[ShipTransfer]:
    """``ShipTransfer`` between two warehouses (nothing if ``locations`` span only one)."""
    pairs = _pairs(locations, same_warehouse=False)
    if not pairs:
        return st.nothing()
    return st.sampled_from(pairs).flatmap(
        lambda pair: st.builds(
            ShipTransfer,
            transfer=transfers if transfers is not None else transfer_ids(),
            origin=st.just(pair[0]),
            destination=st.just(pair[1]),
            lines=_transfer_lines(sku_list, 20),
            **_header(),
        )
    )


def receive_transfers(
    sku_list: Sequence[str], transfers: st.SearchStrategy[str] | None = None
) -> st.SearchStrategy[ReceiveTransfer]:
    """``ReceiveTransfer`` of some SKUs of a transfer (may ask more than is in transit)."""
    return st.builds(
        ReceiveTransfer,
        transfer=transfers if transfers is not None else transfer_ids(),
        lines=_transfer_lines(sku_list, 20),
        **_header(),
    )


def close_transfers(
    transfers: st.SearchStrategy[str] | None = None,
) -> st.SearchStrategy[CloseTransfer]:
    """``CloseTransfer`` commands."""
    return st.builds(
        CloseTransfer, transfer=transfers if transfers is not None else transfer_ids(), **_header()
    )


@st.composite
def post_entries(
    draw: st.DrawFn, sku_list: Sequence[str], locations: Sequence[str], max_movements: int = 3
) -> PostEntry:
    """``PostEntry`` of 1 to ``max_movements`` movements; most start at the supplier.

    Receipts from the supplier make later real-to-real movements likely to be accepted.
    """
    real = tuple(locations)
    count = draw(st.integers(min_value=1, max_value=max_movements))
    items: list[Movement] = []
    for _ in range(count):
        if draw(st.booleans()):
            source = Account(SUPPLIER)
            destination = Account(draw(st.sampled_from(real)), draw(buckets()))
        else:
            source = draw(accounts(real))
            destination = draw(accounts(real).filter(source.__ne__))
        items.append(
            Movement(
                sku=draw(st.sampled_from(tuple(sku_list))),
                quantity=draw(quantities(20)),
                source=source,
                destination=destination,
                reason="post",
            )
        )
    return PostEntry(
        key=draw(idempotency_keys()),
        at=draw(aware_datetimes()),
        movements=items,
        reference=draw(st.sampled_from(("", "DOC-1"))),
    )


def ledger_commands(
    sku_list: Sequence[str],
    locations: Sequence[str],
    *,
    barcodes: Sequence[str] = (),
    transfers: st.SearchStrategy[str] | None = None,
) -> st.SearchStrategy[Command]:
    """Any stock command over the given SKUs and real locations (not the definitions).

    The commands are well formed; whether the ledger accepts them depends on its state
    (stock there, transfer open, ...), so a sequence of them mixes accepted and refused
    commands. Keys are drawn independently: renumber them (``attrs.evolve(c, key=...)``)
    when every command must be new.
    """
    options: list[st.SearchStrategy[Command]] = [
        receive_stock(sku_list, locations, barcodes),
        count_stock(sku_list, locations),
        mark_damaged(sku_list, locations),
        quarantine_stock(sku_list, locations),
        release_quarantine(sku_list, locations),
        scrap_stock(sku_list, locations),
        move_stock(sku_list, locations),
        ship_transfers(sku_list, locations, transfers),
        receive_transfers(sku_list, transfers),
        close_transfers(transfers),
        post_entries(sku_list, locations),
    ]
    return st.one_of(options)


_KINDS = (
    "receive", "receive", "receive", "receive_barcode", "count", "damage", "quarantine",
    "release", "scrap", "move", "ship", "receive_transfer", "close_transfer", "post",
)  # fmt: skip
_PICK = st.integers(min_value=0, max_value=255)
_SMALL = st.integers(min_value=1, max_value=6)
_LARGE = st.integers(min_value=5, max_value=40)
_KIND = st.sampled_from(_KINDS)
_BOOL = st.booleans()
_QUARTER = st.integers(min_value=0, max_value=3)


def _story_command(
    draw: st.DrawFn,
    sku_list: Sequence[str],
    bins: Sequence[LocationId],
    barcodes: Sequence[str],
    key: str,
    at: datetime,
    recent: Sequence[tuple[str, LocationId]] = (),
    ships: Sequence[ShipTransfer] = (),
) -> Command:
    """One stock command drawn with fixed strategies only (fast: no strategy is built per
    draw); choices index into ``sku_list``, ``bins`` and ``barcodes``. Three times in four
    the SKU and location are one of the ``recent`` pairs that received stock, so that many
    commands find stock to act on."""

    def pick(options: Sequence[str]) -> str:
        return options[draw(_PICK) % len(options)]

    kind = draw(_KIND)
    if recent and draw(_QUARTER) != 3:
        sku, location = recent[draw(_PICK) % len(recent)]
    else:
        sku, location = pick(sku_list), LocationId(pick(bins))
    quantity = draw(_LARGE if kind.startswith("receive") else _SMALL)
    same = [b for b in bins if b != location and warehouse_of(b) == warehouse_of(location)]
    other = [b for b in bins if warehouse_of(b) != warehouse_of(location)]
    bucket = (Bucket.AVAILABLE, Bucket.DAMAGED, Bucket.QUALITY_CONTROL)[draw(_PICK) % 3]
    transfer = ("TR-1", "TR-2")[draw(_PICK) % 2]
    if kind == "receive_barcode" and barcodes:
        return ReceiveStock(
            key=key, at=at, barcode=pick(barcodes), location=location, quantity=quantity
        )
    if kind == "count":
        return CountStock(key=key, at=at, sku=sku, location=location, counted=draw(_LARGE) - 5)
    if kind == "damage":
        return MarkDamaged(key=key, at=at, sku=sku, location=location, quantity=quantity)
    if kind == "quarantine":
        return QuarantineStock(key=key, at=at, sku=sku, location=location, quantity=quantity)
    if kind == "release":
        to = Bucket.DAMAGED if bucket is Bucket.DAMAGED else Bucket.AVAILABLE
        return ReleaseQuarantine(
            key=key, at=at, sku=sku, location=location, quantity=quantity, to=to
        )
    if kind == "scrap":
        return ScrapStock(
            key=key, at=at, sku=sku, location=location, quantity=quantity, bucket=bucket
        )
    if kind == "move" and same:
        return MoveStock(
            key=key, at=at, sku=sku, source=location, destination=pick(same), quantity=quantity,
            bucket=bucket,
        )  # fmt: skip
    lines = [TransferLine(sku, quantity)]
    second = pick(sku_list)
    if second != sku and draw(_BOOL):
        lines.append(TransferLine(second, draw(_SMALL)))
    if kind == "ship" and other:
        return ShipTransfer(
            key=key, at=at, transfer=transfer, origin=location, destination=pick(other), lines=lines
        )
    if kind == "receive_transfer":
        if ships and draw(_QUARTER) != 3:  # mostly part of what a drawn shipment sent
            shipped = ships[draw(_PICK) % len(ships)]
            first = shipped.lines[0]
            transfer = shipped.transfer
            lines = [TransferLine(first.sku, 1 + draw(_SMALL) % first.quantity)]
        return ReceiveTransfer(key=key, at=at, transfer=transfer, lines=lines)
    if kind == "close_transfer":
        return CloseTransfer(key=key, at=at, transfer=transfer)
    if kind == "post":
        source = Account(SUPPLIER) if draw(_BOOL) else Account(location, bucket)
        target = Account(pick(bins), (Bucket.AVAILABLE, Bucket.RESERVED)[draw(_PICK) % 2])
        if target == source:
            target = Account(SUPPLIER)
        movement = Movement(sku=sku, quantity=quantity, source=source, destination=target)
        return PostEntry(key=key, at=at, movements=[movement], reference="DOC")
    return ReceiveStock(key=key, at=at, sku=sku, location=location, quantity=quantity, bucket=bucket
                        if bucket is not Bucket.DAMAGED else Bucket.AVAILABLE)  # fmt: skip


@st.composite
def ledger_scenarios(
    draw: st.DrawFn, *, max_commands: int = 25, max_warehouses: int = 2
) -> list[Command]:
    """A whole story: define a catalog and a location tree, then run stock commands.

    The definitions come first (all accepted by an empty ledger); the stock commands that
    follow mix accepted and refused ones (receipts are drawn most often, so that stock is
    there to move). Every command has its own key (``def-...`` and ``op-<n>``), and times
    increase by one minute per command from a drawn start. Transfers are ``TR-1``/``TR-2``.
    """
    catalog = draw(catalogs(max_size=3))
    bins = draw(
        location_trees(
            max_warehouses=max_warehouses,
            min_warehouses=min(2, max_warehouses),
            max_zones=2,
            max_bins=2,
        )
    )
    sku_list = [sku.code for sku in catalog]
    barcodes = [code for sku in catalog for code in sku.barcodes]
    start = draw(aware_datetimes())
    minute = timedelta(minutes=1)
    story: list[Command] = [
        DefineLocation(key=f"def-loc-{n}", at=start, location=path) for n, path in enumerate(bins)
    ]
    story += [DefineSku(key=f"def-sku-{n}", at=start, sku=sku) for n, sku in enumerate(catalog)]
    count = draw(st.integers(min_value=0, max_value=max_commands))
    recent: list[tuple[str, LocationId]] = []
    ships: list[ShipTransfer] = []
    for n in range(count):
        at = start + (n + 1) * minute
        command = _story_command(draw, sku_list, bins, barcodes, f"op-{n}", at, recent, ships)
        if isinstance(command, ReceiveStock) and command.sku:
            recent.append((command.sku, command.location))
        elif isinstance(command, MoveStock):
            recent.append((command.sku, command.destination))
        elif isinstance(command, ShipTransfer):
            ships.append(command)
        story.append(command)
    return story


# --- events ----------------------------------------------------------------------------------

_POSITIONS = st.integers(min_value=0, max_value=10**6)
_EVENT_KINDS = st.sampled_from(("location", "sku", "posted"))
_OPERATIONS = st.sampled_from(Operation)
_TIMES = aware_datetimes()


@st.composite
def ledger_events(draw: st.DrawFn, position: int | None = None) -> LedgerEvent:
    """A ledger event of any kind (positions from ``position`` or drawn), for codec tests.

    The events are well formed values, not necessarily ones a ledger would accept in
    sequence; use an engine over commands for that.
    """
    index = draw(_POSITIONS) if position is None else position
    sku_list = draw(_unique_lists("sku", 1, 3))
    locations = draw(location_trees(max_warehouses=2, max_zones=1, max_bins=2))
    kind = draw(_EVENT_KINDS)
    if kind == "location":
        return LocationDefined(position=index, command=draw(define_locations(locations)))
    if kind == "sku":
        return SkuDefined(position=index, command=draw(define_skus()))
    command = _story_command(draw, sku_list, locations, (), "cmd-1", draw(_TIMES))
    entry = draw(st.lists(movements(sku_list, locations), max_size=3))
    if isinstance(command, PostEntry):
        entry = list(command.movements)
    return StockPosted(
        position=index,
        command=command,
        operation=draw(_OPERATIONS),
        movements=tuple(entry),
        reference=draw(st.sampled_from(("", "TR-1", "PO-9"))),
        memo=draw(st.text(max_size=10)),
    )
