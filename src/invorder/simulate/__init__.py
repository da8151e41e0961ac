"""Simulation: scenario files, a seeded generator, what-if runs under routing rules, KPIs, and
golden decision files that pin a rule's decisions.

Depends on the engine and the in-memory adapter only; nothing below it imports it.
"""

from invorder.simulate.comparison import Comparison, compare
from invorder.simulate.decisions import (
    Decision,
    DecisionCheck,
    DecisionDiff,
    LineDecision,
    compare_decisions,
    record_decisions,
    rule_name,
)
from invorder.simulate.generate import SIZES, Parameters, generate, generate_size
from invorder.simulate.golden import (
    Golden,
    GoldenFileError,
    GoldenMismatchError,
    ScenarioIdentity,
    check_golden,
    golden_lines,
    loads_golden,
    read_golden,
    record_golden,
    scenario_identity,
    write_golden,
)
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
from invorder.simulate.waves import in_waves

__all__ = [
    "BUILT_IN_RULES",
    "ChannelSpec",
    "check_golden",
    "compare",
    "compare_decisions",
    "Comparison",
    "Decision",
    "DecisionCheck",
    "DecisionDiff",
    "DEFAULT_RULE",
    "dump_lines",
    "dumps",
    "format_comparison",
    "format_report",
    "FulfilOrder",
    "generate",
    "generate_size",
    "Golden",
    "golden_lines",
    "GoldenFileError",
    "GoldenMismatchError",
    "in_waves",
    "Kpis",
    "LineDecision",
    "loads",
    "loads_golden",
    "Parameters",
    "read_golden",
    "read_scenario",
    "record_decisions",
    "record_golden",
    "RefusedStep",
    "report",
    "Report",
    "resolve_rule",
    "ReturnOrder",
    "rule_name",
    "Scenario",
    "scenario_identity",
    "ScenarioCodec",
    "ScenarioError",
    "ScenarioHeader",
    "ScenarioIdentity",
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
    "write_golden",
    "write_scenario",
]
