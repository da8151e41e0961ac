"""Hypothesis strategies for the stock commands, one per command type, and the registry
:data:`STOCK_COMMANDS` that :func:`ledger_commands` draws from.

Every command of ``invorder.domain.stock.COMMANDS`` has its strategy in the registry (a
test checks it), so a new stock command cannot go without one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

import attrs
from hypothesis import strategies as st

from invorder.domain.messages import Command
from invorder.domain.stock.catalog import Sku
from invorder.domain.stock.commands import (
    AssembleKit,
    CloseTransfer,
    CountStock,
    DefineLocation,
    DefineSku,
    DisassembleKit,
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
from invorder.domain.stock.location import SUPPLIER, warehouse_of
from invorder.domain.stock.movement import Account, Bucket, Movement
from invorder.testing.strategies.stock import (
    accounts,
    aware_datetimes,
    buckets,
    idempotency_keys,
    quantities,
    skus,
    transfer_ids,
)

__all__ = [
    "STOCK_COMMANDS",
    "StockScope",
    "assemble_kits",
    "close_transfers",
    "count_stock",
    "define_locations",
    "define_skus",
    "disassemble_kits",
    "ledger_commands",
    "mark_damaged",
    "move_stock",
    "post_entries",
    "quarantine_stock",
    "receive_stock",
    "receive_transfers",
    "release_quarantine",
    "scrap_stock",
    "ship_transfers",
]


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


def assemble_kits(
    sku_list: Sequence[str], locations: Sequence[str]
) -> st.SearchStrategy[AssembleKit]:
    """``AssembleKit`` of one of ``sku_list`` (give kit SKUs for commands the ledger may
    accept) at one of ``locations``, 1 to 10 kits."""
    return st.builds(
        AssembleKit,
        sku=st.sampled_from(tuple(sku_list)),
        location=st.sampled_from(tuple(locations)),
        quantity=quantities(10),
        **_header(),
    )


def disassemble_kits(
    sku_list: Sequence[str], locations: Sequence[str]
) -> st.SearchStrategy[DisassembleKit]:
    """``DisassembleKit`` of one of ``sku_list`` (kit SKUs) at one of ``locations``, 1 to 10
    kits."""
    return st.builds(
        DisassembleKit,
        sku=st.sampled_from(tuple(sku_list)),
        location=st.sampled_from(tuple(locations)),
        quantity=quantities(10),
        **_header(),
    )


def _strings(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(values)


@attrs.frozen
class StockScope:
    """What the stock command strategies of :data:`STOCK_COMMANDS` draw from."""

    skus: tuple[str, ...] = attrs.field(converter=_strings)
    """SKU codes (kit SKUs for the kit commands)."""
    locations: tuple[str, ...] = attrs.field(converter=_strings)
    """Real locations (bins, warehouses)."""
    barcodes: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    """Barcodes that receipts may name instead of a SKU code (none: by code only)."""
    transfers: st.SearchStrategy[str] | None = None
    """Transfer ids (``None``: :func:`~invorder.testing.strategies.transfer_ids`)."""


STOCK_COMMANDS: Mapping[type[Command], Callable[[StockScope], st.SearchStrategy[Command]]] = {
    ReceiveStock: lambda s: receive_stock(s.skus, s.locations, s.barcodes),
    CountStock: lambda s: count_stock(s.skus, s.locations),
    MarkDamaged: lambda s: mark_damaged(s.skus, s.locations),
    QuarantineStock: lambda s: quarantine_stock(s.skus, s.locations),
    ReleaseQuarantine: lambda s: release_quarantine(s.skus, s.locations),
    ScrapStock: lambda s: scrap_stock(s.skus, s.locations),
    MoveStock: lambda s: move_stock(s.skus, s.locations),
    ShipTransfer: lambda s: ship_transfers(s.skus, s.locations, s.transfers),
    ReceiveTransfer: lambda s: receive_transfers(s.skus, s.transfers),
    CloseTransfer: lambda s: close_transfers(s.transfers),
    PostEntry: lambda s: post_entries(s.skus, s.locations),
    DefineLocation: lambda s: define_locations(s.locations),
    DefineSku: lambda s: define_skus(),
    AssembleKit: lambda s: assemble_kits(s.skus, s.locations),
    DisassembleKit: lambda s: disassemble_kits(s.skus, s.locations),
}
"""Every stock command type and the strategy of it over a :class:`StockScope`."""

_NOT_IN_LEDGER_COMMANDS = frozenset({DefineLocation, DefineSku, AssembleKit, DisassembleKit})
"""Registered commands that :func:`ledger_commands` leaves out: the definitions, and kit
assembly (it needs kit SKUs)."""


def ledger_commands(
    sku_list: Sequence[str],
    locations: Sequence[str],
    *,
    barcodes: Sequence[str] = (),
    transfers: st.SearchStrategy[str] | None = None,
) -> st.SearchStrategy[Command]:
    """Any stock command of :data:`STOCK_COMMANDS` over the given SKUs and real locations,
    but the definitions and kit assembly (in the registry's order).

    The commands are well formed; whether the ledger accepts them depends on its state
    (stock there, transfer open, ...), so a sequence of them mixes accepted and refused
    commands. Keys are drawn independently: renumber them (``attrs.evolve(c, key=...)``)
    when every command must be new.
    """
    scope = StockScope(sku_list, locations, barcodes, transfers)
    return st.one_of(
        [
            strategy(scope)
            for command, strategy in STOCK_COMMANDS.items()
            if command not in _NOT_IN_LEDGER_COMMANDS
        ]
    )
