"""Kit assembly and disassembly: components become a stocked kit SKU (and back) through
``@production``.

A kit is a SKU with ``kit_components`` (its bill of materials). Assembling ``n`` kits at a
location moves each component ``location -> @production`` (``n`` x its quantity) and ``n``
kits ``@production -> location``, in one all-or-nothing entry; disassembly reverses it.
Unlike a bundle (``components``), a kit holds stock of its own once assembled.
"""

from __future__ import annotations

from invorder.domain.errors import NotAKitError, UnknownLocationError, UnknownSkuError
from invorder.domain.stock.commands import AssembleKit, DisassembleKit
from invorder.domain.stock.decide import check_entry
from invorder.domain.stock.events import Operation, StockPosted
from invorder.domain.stock.ledger import Ledger
from invorder.domain.stock.location import PRODUCTION
from invorder.domain.stock.movement import Account, Bucket, Movement


def decide_kit(ledger: Ledger, command: AssembleKit | DisassembleKit, position: int) -> StockPosted:
    """The assembly (or disassembly) entry, or the typed error of the first rule broken:
    unknown SKU, not a kit, unknown location, then insufficient stock."""
    kit = ledger.catalog.get(command.sku)
    if kit is None:
        raise UnknownSkuError(command.sku)
    if not kit.kit_components:
        raise NotAKitError(command.sku)
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
