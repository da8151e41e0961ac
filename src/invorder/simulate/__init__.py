"""Simulation: scenario files, a seeded generator, what-if runs under routing rules, KPIs.

Depends on the engine and the in-memory adapter only; nothing below it imports it.
"""

from invorder.simulate.comparison import Comparison, compare
from invorder.simulate.generate import SIZES, Parameters, generate, generate_size
from invorder.simulate.kpi import Kpis, Report, StockValue, report
from invorder.simulate.run import (
    BUILT_IN_RULES,
    DEFAULT_RULE,
    RefusedStep,
    Simulation,
    UnknownRuleError,
    resolve_rule,
    simulate,
)
from invorder.simulate.scenario import (
    SCHEMA_VERSION,
    STEP_TYPES,
    ChannelSpec,
    FulfilOrder,
    ReturnOrder,
    Scenario,
    ScenarioError,
    ScenarioHeader,
    ScenarioWarning,
    Step,
    StockLine,
    Warehouse,
)
from invorder.simulate.scenario_file import (
    ScenarioCodec,
    dump_lines,
    dumps,
    loads,
    read_scenario,
    write_scenario,
)
from invorder.simulate.text import format_comparison, format_report

__all__ = [
    "BUILT_IN_RULES",
    "ChannelSpec",
    "compare",
    "Comparison",
    "DEFAULT_RULE",
    "dump_lines",
    "dumps",
    "format_comparison",
    "format_report",
    "FulfilOrder",
    "generate",
    "generate_size",
    "Kpis",
    "loads",
    "Parameters",
    "read_scenario",
    "RefusedStep",
    "report",
    "Report",
    "resolve_rule",
    "ReturnOrder",
    "Scenario",
    "ScenarioCodec",
    "ScenarioError",
    "ScenarioHeader",
    "ScenarioWarning",
    "SCHEMA_VERSION",
    "simulate",
    "Simulation",
    "SIZES",
    "Step",
    "STEP_TYPES",
    "StockLine",
    "StockValue",
    "UnknownRuleError",
    "Warehouse",
    "write_scenario",
]
