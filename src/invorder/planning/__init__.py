"""Replenishment planning as pure functions over the ledger: demand, policies, suggestions.

Build a :class:`DemandHistory` from the log, estimate rates, evaluate reorder policies and
get transfer and purchase-order suggestions with their reasons; reports show stock-out
risk, overstock and slow movers. Nothing here writes to an engine.
"""

from invorder.planning.demand import (
    DemandHistory,
    DemandRate,
    Method,
    demand_history,
    estimate_demand,
)
from invorder.planning.plan import (
    PlanningItem,
    PurchaseSuggestion,
    ReplenishmentPlan,
    SuggestedLine,
    TransferSuggestion,
    evaluate_items,
    plan_replenishment,
    suggest_transfers,
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

__all__ = [
    "days_of_cover",
    "demand_history",
    "DemandHistory",
    "DemandRate",
    "estimate_demand",
    "evaluate",
    "evaluate_items",
    "Method",
    "MinMax",
    "OverstockLine",
    "overstock_report",
    "PeriodicReview",
    "plan_replenishment",
    "planning_items",
    "PlanningItem",
    "Policy",
    "PurchaseSuggestion",
    "Reason",
    "ReorderPoint",
    "ReplenishmentPlan",
    "slow_movers",
    "SlowMover",
    "stock_out_report",
    "StockOutLine",
    "suggest_transfers",
    "SuggestedLine",
    "TransferSuggestion",
    "z_score",
]
