"""Kit assembly: components become a stocked kit SKU (and back) through ``@production``.

A kit is a SKU with ``kit_components`` (its bill of materials). Assembling ``n`` kits at a
location moves each component ``location -> @production`` (``n`` x its quantity) and ``n``
kits ``@production -> location``, in one all-or-nothing entry; disassembly reverses it.
Unlike a bundle (``components``), a kit holds stock of its own once assembled.

Invariants: the units through ``@production`` follow the bill of materials exactly
(components in, kits out, or the reverse), so the ledger stays balanced per SKU; a refused
command (unknown SKU, not a kit, unknown location, short of a component) changes nothing.
"""

from __future__ import annotations

import attrs

from invorder.domain import _checks
from invorder.domain.catalog import SkuId, sku_id
from invorder.domain.commands import Command, _real_location
from invorder.domain.errors import KitStockError, UnknownLocationError, UnknownSkuError
from invorder.domain.events import Operation, StockPosted
from invorder.domain.ledger import Ledger, check_entry
from invorder.domain.location import PRODUCTION, LocationId
from invorder.domain.stock import Account, Bucket, Movement


@attrs.frozen(kw_only=True)
class AssembleKit(Command):
    """Assemble ``quantity`` kits at ``location`` from its available components."""

    sku: SkuId = attrs.field(converter=sku_id)
    """The kit SKU (it must have ``kit_components``)."""
    location: LocationId = attrs.field(converter=_real_location)
    """Where the components are and the kits will be."""
    quantity: int = attrs.field(validator=_checks.positive_quantity)
    """Kits to assemble."""


@attrs.frozen(kw_only=True)
class DisassembleKit(Command):
    """Take ``quantity`` available kits at ``location`` apart into their components."""

    sku: SkuId = attrs.field(converter=sku_id)
    """The kit SKU."""
    location: LocationId = attrs.field(converter=_real_location)
    """Where the kits are and the components will be."""
    quantity: int = attrs.field(validator=_checks.positive_quantity)
    """Kits to take apart."""


def decide(ledger: Ledger, command: AssembleKit | DisassembleKit, position: int) -> StockPosted:
    """The assembly (or disassembly) entry, or the typed error of the first rule broken:
    unknown SKU, not a kit, unknown location, then insufficient stock."""
    kit = ledger.catalog.get(command.sku)
    if kit is None:
        raise UnknownSkuError(command.sku)
    if not kit.kit_components:
        raise KitStockError(command.sku)
    if not ledger.has_location(command.location):
        raise UnknownLocationError(command.location)
    shelf = Account(command.location, Bucket.AVAILABLE)
    production = Account(PRODUCTION, Bucket.AVAILABLE)
    assemble = isinstance(command, AssembleKit)
    reference = command.key
    parts = [
        Movement(
            sku=c.sku,
            quantity=c.quantity * command.quantity,
            source=shelf if assemble else production,
            destination=production if assemble else shelf,
            reason="kit component" if assemble else "kit taken apart",
            reference=reference,
        )
        for c in kit.kit_components
    ]
    whole = Movement(
        sku=kit.code,
        quantity=command.quantity,
        source=production if assemble else shelf,
        destination=shelf if assemble else production,
        reason="kit assembled" if assemble else "kit disassembled",
        reference=reference,
    )
    movements = (*parts, whole) if assemble else (whole, *parts)
    check_entry(ledger, movements)
    return StockPosted(
        position=position,
        command=command,
        operation=Operation.ASSEMBLE if assemble else Operation.DISASSEMBLE,
        movements=movements,
        reference=reference,
    )
