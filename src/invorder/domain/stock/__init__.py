"""Stock: locations, the catalog and the double-entry ledger every other area posts through.

========================  =================================================================
module                    what it holds
========================  =================================================================
``location``              location paths, the tree, the virtual locations (``@supplier``...)
``catalog``               SKUs, barcodes, bundles and kits' bills of materials
``movement``              buckets, accounts and movements: the atoms of an entry
``commands``              define, receive, count, damage, quarantine, scrap, move, transfer,
                          assemble and disassemble kits
``events``                ``LocationDefined``, ``SkuDefined``, ``StockPosted`` (a journal entry)
``ledger``                the ledger projection: balances per account and per subtree
``transfer``              transfers between warehouses as the log tells them
``decide``                every stock command but kits: checks and the entry to post (a
                          count below the reserved units is the orders area's decision)
``decide_kit``            kit assembly and disassembly through ``@production``
========================  =================================================================

``DECISIONS`` is this area's table of who decides what, ``COMMANDS`` its commands, ``EVENTS``
the events it writes.
"""

from __future__ import annotations

from invorder.domain.messages import Decision
from invorder.domain.stock import commands as _c
from invorder.domain.stock import events as _e
from invorder.domain.stock.decide import decide
from invorder.domain.stock.decide_kit import decide_kit
from invorder.domain.stock.ledger import Ledger

PROJECTIONS = {"ledger": Ledger}
"""The projections this area folds, by their name in the domain state."""

DECISIONS = (
    Decision(_c.DefineLocation, decide, ("ledger",)),
    Decision(_c.DefineSku, decide, ("ledger",)),
    Decision(_c.PostEntry, decide, ("ledger",)),
    Decision(_c.ReceiveStock, decide, ("ledger",), arrival=True),
    Decision(_c.MarkDamaged, decide, ("ledger",)),
    Decision(_c.QuarantineStock, decide, ("ledger",)),
    Decision(_c.ReleaseQuarantine, decide, ("ledger",), arrival=True),
    Decision(_c.ScrapStock, decide, ("ledger",)),
    Decision(_c.MoveStock, decide, ("ledger",)),
    Decision(_c.ShipTransfer, decide, ("ledger",)),
    Decision(_c.ReceiveTransfer, decide, ("ledger",), arrival=True),
    Decision(_c.CloseTransfer, decide, ("ledger",)),
    Decision(_c.AssembleKit, decide_kit, ("ledger",)),
    Decision(_c.DisassembleKit, decide_kit, ("ledger",)),
)
"""Every stock command but ``CountStock``, the function that decides it and what it reads.
A count may cut reservations and the orders that own them, so the orders area decides it."""

COMMANDS: tuple[type, ...] = (*(decision.command for decision in DECISIONS), _c.CountStock)
"""Every stock command: those this area decides, and ``CountStock``."""

EVENTS: tuple[type, ...] = (_e.LocationDefined, _e.SkuDefined, _e.StockPosted)
"""The events this area writes."""
