"""Routing: which locations fulfil which order lines, and why.

``invorder.routing`` is the one import path for routing (types, Protocols and building
blocks); it depends only on :mod:`invorder.domain`. A rule is any callable
``(RoutingRequest) -> AllocationPlan``; built-in blocks compose with :func:`route` and
:func:`choose`. Plans come without an explanation unless the caller asks for one
(``rule.explain(request)`` or :func:`explain_plan`).
"""

import warnings
from typing import TYPE_CHECKING

from invorder.domain.errors import (
    InconsistentSupplyError,
    InvalidPlanError,
    InvalidRoutingRequestError,
    InvalidRoutingRuleError,
)
from invorder.routing.backorder import (
    Backorder,
    CancelRemainder,
    HoldForReview,
    backorder,
    cancel_remainder,
    hold_for_review,
)
from invorder.routing.conditions import Branch, Choice, choose, explain_plan, when
from invorder.routing.explain import (
    CriterionScore,
    Explanation,
    ExplanationChange,
    ExplanationDiff,
    LocationExplanation,
    ScoreValue,
)
from invorder.routing.filters import (
    BeforeCutoff,
    HasCapacity,
    HasStock,
    IsOnline,
    Predicate,
    ServesOrder,
    WithinDistance,
    before_cutoff,
    has_capacity,
    has_stock,
    online,
    predicate,
    serves_order,
    within_km,
)
from invorder.routing.pipeline import Pipeline, route
from invorder.routing.plan import (
    Allocation,
    AllocationPlan,
    LineAllocation,
    check_plan,
    plan_from_quantities,
)
from invorder.routing.rankers import (
    HostCriterion,
    InTurn,
    LeastLoaded,
    LowestCost,
    MostStock,
    Nearest,
    PriorityList,
    Weighted,
    by,
    criterion,
    least_loaded,
    lowest_cost,
    most_stock,
    nearest,
    priority_list,
    weighted,
)
from invorder.routing.replan import (
    LineChange,
    LocationOffline,
    LocationOnline,
    PurchaseOrderSlipped,
    Replan,
    Reroute,
    ShortPicked,
    StockArrived,
    SupplyChange,
    apply_changes,
    moves,
    replan,
)
from invorder.routing.request import (
    LocationFacts,
    OrderView,
    RequestLine,
    RoutingRequest,
    ShippingRate,
)
from invorder.routing.rule import (
    BackorderPolicy,
    Budget,
    Criterion,
    Filter,
    RankedLocation,
    Ranker,
    RoutingRule,
    Settlement,
    SplitOutcome,
    SplitPolicy,
)
from invorder.routing.split import (
    AtMost,
    MinimiseShipments,
    ShipComplete,
    SpillOver,
    at_most,
    minimise_shipments,
    ship_complete,
    spill_over,
)
from invorder.routing.wave import (
    FairShare,
    PriorityKey,
    Supply,
    WaveResult,
    allocate_wave,
    backorder_priority,
)

__all__ = [
    "Allocation",
    "AllocationPlan",
    "AtMost",
    "Backorder",
    "BackorderPolicy",
    "BeforeCutoff",
    "Branch",
    "Budget",
    "CancelRemainder",
    "Choice",
    "Criterion",
    "CriterionScore",
    "Explanation",
    "ExplanationChange",
    "ExplanationDiff",
    "FairShare",
    "Filter",
    "HasCapacity",
    "HasStock",
    "HoldForReview",
    "HostCriterion",
    "InTurn",
    "InconsistentSupplyError",
    "InvalidPlanError",
    "InvalidRoutingRequestError",
    "InvalidRoutingRuleError",
    "IsOnline",
    "LeastLoaded",
    "LineAllocation",
    "LineChange",
    "LocationExplanation",
    "LocationFacts",
    "LocationOffline",
    "LocationOnline",
    "LowestCost",
    "MinimiseShipments",
    "MostStock",
    "Nearest",
    "OrderView",
    "Pipeline",
    "Predicate",
    "PriorityKey",
    "PriorityList",
    "PurchaseOrderSlipped",
    "RankedLocation",
    "Ranker",
    "Replan",
    "RequestLine",
    "Reroute",
    "RoutingRequest",
    "RoutingRule",
    "ScoreValue",
    "ServesOrder",
    "Settlement",
    "ShipComplete",
    "ShippingRate",
    "ShortPicked",
    "SpillOver",
    "SplitOutcome",
    "SplitPolicy",
    "StockArrived",
    "Supply",
    "SupplyChange",
    "WaveResult",
    "Weighted",
    "WithinDistance",
    "allocate_wave",
    "apply_changes",
    "at_most",
    "backorder",
    "backorder_priority",
    "before_cutoff",
    "by",
    "cancel_remainder",
    "check_plan",
    "choose",
    "criterion",
    "explain_plan",
    "has_capacity",
    "has_stock",
    "hold_for_review",
    "least_loaded",
    "lowest_cost",
    "minimise_shipments",
    "most_stock",
    "moves",
    "nearest",
    "online",
    "plan_from_quantities",
    "predicate",
    "priority_list",
    "replan",
    "route",
    "serves_order",
    "ship_complete",
    "spill_over",
    "weighted",
    "when",
    "within_km",
]

_RENAMED = {"default_priority": "backorder_priority"}
"""Names that were renamed: old name -> new name (the old one works, with a warning, until
0.2)."""

if not TYPE_CHECKING:  # type checkers should flag the old names; at run time they still work

    def __getattr__(name: str) -> object:
        if name not in _RENAMED:
            raise AttributeError(f"module 'invorder.routing' has no attribute {name!r}")
        new = _RENAMED[name]
        warnings.warn(
            f"invorder.routing.{name} is deprecated and will be removed in 0.2: "
            f"it is now invorder.routing.{new}",
            DeprecationWarning,
            stacklevel=2,
        )
        return globals()[new]
