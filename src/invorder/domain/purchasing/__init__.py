"""Purchasing: purchase orders from draft to receipt, suppliers' terms, and the value of
stock at weighted-average cost.

========================  =================================================================
module                    what it holds
========================  =================================================================
``commands``              expect, draft, confirm, change ETA, receive, close and cancel a
                          purchase order; define a supplier
``events``                ``PurchaseDrafted``, ``PurchaseEtaChanged``, ``SupplierDefined``
                          (lines moving are ledger entries)
``purchase``              a purchase order as the log tells it, and the projection of them
``supplier``              a supplier and its terms (lead times, minimums, case packs)
``suppliers``             the suppliers projection
``valuation``             inventory value at weighted-average cost, a fold of the log
``costs``                 the currency of each SKU's unit costs (one per SKU)
``decide``                every purchasing command, pre-orders served on receipt
========================  =================================================================
"""

from __future__ import annotations

from invorder.domain.messages import Decision
from invorder.domain.purchasing import commands as _c
from invorder.domain.purchasing import decide as _d
from invorder.domain.purchasing import events as _e
from invorder.domain.purchasing.costs import CostCurrencies
from invorder.domain.purchasing.purchase import Purchases
from invorder.domain.purchasing.suppliers import Suppliers

PROJECTIONS = {"purchases": Purchases, "suppliers": Suppliers, "costs": CostCurrencies}
"""The projections this area folds, by their name in the domain state."""

_ORDERS = ("ledger", "purchases")
_RECEIPTS = ("ledger", "reservations", "purchases")

DECISIONS = (
    Decision(_c.ExpectPurchase, _d.decide_expect, _ORDERS),
    Decision(_c.DraftPurchase, _d.decide_draft, _ORDERS),
    Decision(_c.ConfirmPurchase, _d.decide_confirm, _ORDERS),
    Decision(_c.ChangePurchaseEta, _d.decide_change_eta, ("ledger", "purchases")),
    Decision(_c.ReceivePurchase, _d.decide_receive, _RECEIPTS, arrival=True),
    Decision(_c.ClosePurchase, _d.decide_cancel, _RECEIPTS),
    Decision(_c.CancelPurchase, _d.decide_cancel, _RECEIPTS),
    Decision(_c.DefineSupplier, _d.decide_define_supplier, ("ledger",)),
)
"""Every purchasing command, the function that decides it and what it reads."""

EVENTS: tuple[type, ...] = (_e.PurchaseDrafted, _e.PurchaseEtaChanged, _e.SupplierDefined)
"""The events this area writes (besides ledger entries)."""
