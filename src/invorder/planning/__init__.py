"""Replenishment planning as pure functions over the ledger: demand, policies, suggestions.

Build a :class:`DemandHistory` from the log, estimate rates, evaluate reorder policies and
get transfer and purchase-order suggestions with their reasons; reports show stock-out
risk, overstock and slow movers. Nothing here writes to an engine.
"""

import warnings
from typing import TYPE_CHECKING

from invorder.planning.demand import (
    DemandHistory,
    DemandRate,
    Method,
    demand_history,
    estimate_demand,
)
from invorder.planning.policy import (
    MinMax,
    PeriodicReview,
    Policy,
    Reason,
    ReorderPoint,
    days_of_cover,
    evaluate,
    z_score,
)
from invorder.planning.report import (
    OverstockLine,
    SlowMover,
    StockOutLine,
    overstock_report,
    slow_movers,
    stock_out_report,
)
from invorder.planning.snapshot import planning_items
from invorder.planning.suggestion import (
    PlanningItem,
    PurchaseSuggestion,
    ReplenishmentSuggestions,
    SuggestedLine,
    TransferSuggestion,
    evaluate_items,
    suggest_replenishment,
    suggest_transfers,
)

__all__ = [
    "DemandHistory",
    "DemandRate",
    "Method",
    "MinMax",
    "OverstockLine",
    "PeriodicReview",
    "PlanningItem",
    "Policy",
    "PurchaseSuggestion",
    "Reason",
    "ReorderPoint",
    "ReplenishmentSuggestions",
    "SlowMover",
    "StockOutLine",
    "SuggestedLine",
    "TransferSuggestion",
    "days_of_cover",
    "demand_history",
    "estimate_demand",
    "evaluate",
    "evaluate_items",
    "overstock_report",
    "planning_items",
    "slow_movers",
    "stock_out_report",
    "suggest_replenishment",
    "suggest_transfers",
    "z_score",
]

_RENAMED = {
    "plan_replenishment": "suggest_replenishment",
    "ReplenishmentPlan": "ReplenishmentSuggestions",
}
"""Names that were renamed ("plan" is a routing plan; replenishment suggests): old name ->
new name (the old one works, with a warning, until 0.2)."""

if not TYPE_CHECKING:  # type checkers should flag the old names; at run time they still work

    def __getattr__(name: str) -> object:
        if name not in _RENAMED:
            raise AttributeError(f"module 'invorder.planning' has no attribute {name!r}")
        new = _RENAMED[name]
        warnings.warn(
            f"invorder.planning.{name} is deprecated and will be removed in 0.2: "
            f"it is now invorder.planning.{new}",
            DeprecationWarning,
            stacklevel=2,
        )
        return globals()[new]
