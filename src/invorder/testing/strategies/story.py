"""Hypothesis strategies for whole ledger stories (a catalog and a location tree defined,
then stock commands the ledger accepts or refuses) and for ledger events."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from hypothesis import strategies as st

from invorder.domain.messages import Command
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
from invorder.domain.stock.location import SUPPLIER, LocationId, warehouse_of
from invorder.domain.stock.movement import Account, Bucket, Movement
from invorder.testing.strategies.ledger import define_locations, define_skus
from invorder.testing.strategies.stock import (
    aware_datetimes,
    catalogs,
    location_trees,
    movements,
    sku_codes,
)

__all__ = ["ledger_events", "ledger_scenarios"]

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
_SKU_LISTS = st.lists(sku_codes(), min_size=1, max_size=3, unique=True)


@st.composite
def ledger_events(draw: st.DrawFn, position: int | None = None) -> LedgerEvent:
    """A ledger event of any kind (positions from ``position`` or drawn), for codec tests.

    The events are well formed values, not necessarily ones a ledger would accept in
    sequence; use an engine over commands for that.
    """
    index = draw(_POSITIONS) if position is None else position
    sku_list = draw(_SKU_LISTS)
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
