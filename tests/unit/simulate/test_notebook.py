"""Notebook use: KPI tables, histories and plots (pandas, matplotlib), HTML representations,
and the error without the ``notebook`` extra."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import cast

import attrs
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle

from invorder import Engine
from invorder import simulate as sim
from invorder.domain.stock.events import StockPosted
from invorder.domain.stock.location import CUSTOMER
from invorder.domain.stock.movement import Bucket
from invorder.errors import UnknownSkuError
from invorder.routing import AllocationPlan, Explanation, has_stock, nearest, route
from invorder.simulate import notebook as nb
from invorder.simulate.money import MONEY_KPIS
from tests.support.routing import EAST, NOW, WEST, order


def why(plan: AllocationPlan | None) -> Explanation:
    """The plan's explanation (the plan was asked to explain)."""
    assert plan is not None
    assert plan.explanation is not None
    return plan.explanation


@attrs.frozen
class World:
    scenario: sim.Scenario
    a: sim.Simulation
    b: sim.Simulation
    ra: sim.Report
    rb: sim.Report
    comparison: sim.Comparison


@pytest.fixture(scope="module")
def world() -> World:
    scenario = sim.generate_size("small", 1)
    a = sim.Simulation(scenario, "nearest", explain=True).advance()
    b = sim.Simulation(scenario, "most_stock", explain=True).advance()
    ra, rb = sim.report(a), sim.report(b)
    return World(scenario, a, b, ra, rb, sim.compare(ra, rb))


@pytest.fixture(autouse=True)
def _close_figures() -> Iterator[None]:
    yield
    plt.close("all")


def _bundle(engine: Engine, sku: str) -> bool:
    found = engine.sku(sku)
    assert found is not None
    return bool(found.components)


def _sku(world: World) -> str:
    """The most backordered SKU that is not a bundle (bundles hold no stock)."""
    return next(s for s in world.ra.stock_outs if not _bundle(world.a.engine, s))


# --- KPI tables ----------------------------------------------------------------------------


def test_kpi_table_has_a_row_per_channel_with_the_report_figures(world: World) -> None:
    table = nb.kpi_table(world.ra)
    assert list(table.index) == ["all", "amazon", "shopify", "walmart", "wholesale"]
    assert table.index.name == "channel"
    kpis = {"all": world.ra.overall, **world.ra.by_channel}
    for channel, row in table.iterrows():
        for name in table.columns:
            kpi, _, currency = str(name).partition(" ")
            value = getattr(kpis[str(channel)], kpi)
            expected = value[currency].amount if currency else value
            assert row[name] == expected, (channel, name)
    # Amounts take a column per currency; the generated day is in dollars.
    money = [name for name in table.columns if " " in str(name)]
    assert money == [f"{name} USD" for name in MONEY_KPIS]
    assert table.loc["all", "orders"] == 500
    assert table["orders"].dtype == "int64"
    assert table["fill_rate"].dtype == "float64"
    assert table["orders"].drop("all").sum() == world.ra.overall.orders


def test_comparison_table_overall_and_difference(world: World) -> None:
    c = world.comparison
    table = nb.comparison_table(c)
    assert list(table.columns) == ["nearest", "most_stock", "difference"]
    assert table.loc["shipments", "nearest"] == world.ra.overall.shipments
    assert table.loc["shipments", "most_stock"] == world.rb.overall.shipments
    for name in attrs.fields_dict(sim.Kpis):
        x, y = getattr(world.ra.overall, name), getattr(world.rb.overall, name)
        if isinstance(x, dict):  # an amount per currency: one row each
            name, x, y = f"{name} USD", x["USD"].amount, y["USD"].amount
        assert table.loc[name, "difference"] == pytest.approx(y - x), name
    assert list(table.loc["oversold_units"]) == [0, 0, 0]
    assert table.loc["stock_out_skus", "nearest"] == len(world.ra.stock_outs)
    assert table.loc["stock_out_skus", "difference"] == len(world.rb.stock_outs) - len(
        world.ra.stock_outs
    )
    # Counts stay integers and the stock value is there, in Decimal, per currency.
    assert type(table.loc["shipments", "nearest"]) is int
    assert type(table.loc["fill_rate", "nearest"]) is float
    assert table.loc["stock_value USD", "nearest"] == world.ra.stock_value.value["USD"].amount


def test_text_html_and_dataframe_show_the_same_rows(world: World) -> None:
    c = world.comparison
    names = [row.name for row in c.rows()]
    assert list(nb.comparison_table(c).index) == names
    html = c._repr_html_()
    assert [n for n in names if f"<td>{n}</td>" in html] == names
    text = sim.format_comparison(c).splitlines()
    assert [line.split("  ")[0].strip() for line in text[2 : 2 + len(names)]] == names


def test_comparison_table_for_one_channel(world: World) -> None:
    table = nb.comparison_table(world.comparison, "wholesale")
    assert "oversold_units" not in table.index
    assert table.loc["units", "nearest"] == world.ra.by_channel["wholesale"].units
    assert table.loc["fill_rate", "most_stock"] == world.rb.by_channel["wholesale"].fill_rate
    with pytest.raises(KeyError, match=r"channel 'ebay' is not in both runs; channels: \['amazon'"):
        nb.comparison_table(world.comparison, "ebay")


def test_comparison_table_tells_two_runs_of_one_rule_apart(world: World) -> None:
    table = nb.comparison_table(sim.compare(world.ra, world.ra))
    assert list(table.columns) == ["nearest (a)", "nearest (b)", "difference"]
    assert (table["difference"] == 0).all()


def test_decision_table_rebuilds_both_runs_decisions(world: World) -> None:
    c = world.comparison
    table = nb.decision_table(c)
    assert list(table.columns) == ["nearest", "most_stock", "difference"]
    assert list(dict.fromkeys(table.index.get_level_values("order"))) == list(c.differing)
    for side, rep in (("nearest", c.a), ("most_stock", c.b)):
        got: dict[str, list[tuple[str, str, int]]] = {o: [] for o in c.differing}
        for key, units in table[side].items():
            order_id, warehouse, sku = cast(tuple[str, str, str], key)  # the index's three levels
            if units:
                got[order_id].append((warehouse, sku, int(units)))
        assert {o: tuple(rows) for o, rows in got.items()} == {
            o: rep.decisions.get(o, ()) for o in c.differing
        }, side
    assert (table["difference"] == table["most_stock"] - table["nearest"]).all()
    assert nb.decision_table(sim.compare(world.ra, world.ra)).empty


def test_fill_rates_per_channel_per_run(world: World) -> None:
    rates = nb.fill_rates(world.comparison)
    assert list(rates.columns) == ["nearest", "most_stock"]
    assert rates.loc["all", "nearest"] == world.ra.overall.fill_rate
    assert rates.loc["amazon", "most_stock"] == world.rb.by_channel["amazon"].fill_rate
    twice = nb.fill_rates(world.ra, world.ra)
    assert list(twice.columns) == ["nearest (1)", "nearest (2)"]
    with pytest.raises(ValueError, match="at least one report"):
        nb.fill_rates()


def test_plot_fill_rate_draws_one_bar_per_channel_and_run(world: World) -> None:
    _fig, ax = plt.subplots()
    assert nb.plot_fill_rate(world.comparison, ax=ax) is ax
    heights = [patch.get_height() for patch in ax.patches if isinstance(patch, Rectangle)]
    channels = ["all", *world.ra.by_channel]
    expected = [world.ra.overall.fill_rate, *(k.fill_rate for k in world.ra.by_channel.values())]
    expected += [world.rb.overall.fill_rate, *(k.fill_rate for k in world.rb.by_channel.values())]
    assert heights == pytest.approx(expected)
    assert [t.get_text() for t in ax.get_xticklabels()] == channels
    legend = ax.get_legend()
    assert legend is not None
    assert [t.get_text() for t in legend.get_texts()] == ["nearest", "most_stock"]
    own = nb.plot_fill_rate(world.ra)
    assert own is not ax
    assert len(own.patches) == len(channels)


# --- histories -----------------------------------------------------------------------------


def test_event_history_has_a_row_per_movement_and_per_other_event(world: World) -> None:
    engine = world.a.engine
    events = list(engine.events())
    history = nb.event_history(world.a)
    assert list(history.columns) == list(nb.HISTORY_COLUMNS)
    expected = sum(max(1, len(e.movements)) if isinstance(e, StockPosted) else 1 for e in events)
    assert len(history) == expected
    assert history["position"].drop_duplicates().tolist() == list(range(len(events)))
    assert str(history["at"].dt.tz) == "UTC"
    assert history["at"].iloc[-1] == pd.Timestamp(events[-1].at)
    counts = history.drop_duplicates("position")["event"].value_counts()
    assert counts["OrderCaptured"] == world.ra.overall.orders
    assert counts["ShipmentShipped"] == world.ra.overall.shipments
    # every unit that reached the customer (net of returns) is in the history
    into = history[history["destination"] == CUSTOMER].groupby("sku")["quantity"].sum()
    back = history[history["source"] == CUSTOMER].groupby("sku")["quantity"].sum()
    net = into.sub(back, fill_value=0)
    assert net.sum() > 1000
    assert back.sum() > 0
    for sku, units in net.items():
        assert units == engine.balance(str(sku), CUSTOMER, Bucket.AVAILABLE), sku
    shipped_skus = {s.code for s in engine.skus() if engine.balance(s.code, CUSTOMER)}
    assert shipped_skus == set(net[net != 0].index)
    commits = history[history["operation"] == "commit"]
    assert commits["destination"].eq(CUSTOMER).all()
    assert commits["order"].notna().all()
    assert (commits["shipment"].str.split("/").str[0] == commits["order"]).all()
    # stock entries carry their order: reserved minus released is what the order holds
    reserved = history[history["operation"] == "reserve"].groupby("order")["quantity"].sum()
    released = history[history["operation"] == "release"].groupby("order")["quantity"].sum()
    plain = [o for o in engine.orders() if not any(_bundle(engine, x.sku) for x in o.lines)]
    assert len(plain) > 400
    for o in plain:
        held = reserved.get(o.order_id, 0) - released.get(o.order_id, 0)
        assert held == sum(line.allocated for line in o.lines), o.order_id
    allocated = history[history["event"] == "OrderAllocated"].iloc[0]
    assert allocated["order"]
    assert allocated["detail"].startswith("rule nearest: ")


def test_event_history_slice(world: World) -> None:
    part = nb.event_history(world.b.engine, start=10, stop=20)
    assert part["position"].min() == 10
    assert part["position"].max() == 19
    first = next(world.b.engine.events(10, 11))
    assert part.iloc[0]["key"] == first.key
    assert part.iloc[0]["event"] == type(first).__name__


def test_stock_over_time_ends_at_the_engine_balances(world: World) -> None:
    engine = world.a.engine
    sku = _sku(world)
    stock = nb.stock_over_time(world.a, sku)
    assert list(stock.columns) == ["CENTRAL", "EAST", "WEST"]
    assert stock.index.is_monotonic_increasing
    assert stock.index.is_unique
    assert stock.index[0] == pd.Timestamp(world.scenario.header.start)
    for warehouse in stock.columns:
        assert stock[warehouse].iloc[-1] == engine.on_hand(sku, warehouse)
        assert stock[warehouse].iloc[0] == sum(
            line.quantity
            for line in world.scenario.header.stock
            if line.sku == sku and line.location.startswith(warehouse + "/")
        )
    available = nb.stock_over_time(world.a, sku, bucket="available")
    for warehouse in available.columns:
        assert available[warehouse].iloc[-1] == engine.rollup(sku, warehouse, Bucket.AVAILABLE)


def test_stock_over_time_matches_the_ledger_at_any_time(world: World) -> None:
    engine = world.a.engine
    sku = _sku(world)
    stock = nb.stock_over_time(world.a, sku, bucket=Bucket.AVAILABLE, by="bin")
    assert stock.columns.name == "bin"
    assert all("/" in c for c in stock.columns)
    for hours in (6, 14, 30):
        at = world.scenario.header.start + timedelta(hours=hours)
        ledger = engine.balances_as_of(at)
        row = stock.loc[: pd.Timestamp(at)].iloc[-1]
        for location in stock.columns:
            assert row[location] == ledger.balance(sku, location, Bucket.AVAILABLE), (at, location)


def test_stock_over_time_of_an_unknown_sku(world: World) -> None:
    with pytest.raises(UnknownSkuError) as caught:
        nb.stock_over_time(world.a, "NOPE")
    assert caught.value.code == "unknown_sku"
    assert caught.value.fields["sku"] == "NOPE"


def _last(line: Line2D) -> float:
    """The last y value a plotted line reaches."""
    return float(np.asarray(line.get_ydata())[-1])


def test_plot_stock_draws_a_step_line_per_warehouse(world: World) -> None:
    sku = _sku(world)
    _fig, ax = plt.subplots()
    assert nb.plot_stock(world.a, sku, ax=ax) is ax
    lines = {str(line.get_label()): line for line in ax.get_lines()}
    assert sorted(lines) == ["CENTRAL", "EAST", "WEST"]
    for warehouse, line in lines.items():
        assert _last(line) == world.a.engine.on_hand(sku, warehouse)
    assert sku in ax.get_title()


def test_backorders_over_time_ends_at_the_report_figures(world: World) -> None:
    frame = nb.backorders_over_time(world.a)
    assert list(frame.columns) == ["all", "amazon", "shopify", "walmart", "wholesale"]
    assert frame.iloc[0].tolist() == [0, 0, 0, 0, 0]
    assert frame["all"].iloc[-1] == world.ra.overall.backordered_units
    for channel, kpis in world.ra.by_channel.items():
        assert frame[channel].iloc[-1] == kpis.backordered_units
    assert (frame["all"] == frame.drop(columns="all").sum(axis=1)).all()
    assert (frame >= 0).all().all()


def test_backorders_over_time_at_noon_matches_a_run_stopped_at_noon(world: World) -> None:
    noon = world.scenario.header.start + timedelta(hours=12)
    stopped = sim.report(sim.Simulation(world.scenario, "most_stock").advance(until=noon))
    frame = nb.backorders_over_time(world.b)
    assert frame.loc[: pd.Timestamp(noon), "all"].iloc[-1] == stopped.overall.backordered_units


def test_plot_backorders_per_run_and_per_channel(world: World) -> None:
    _fig, ax = plt.subplots()
    assert nb.plot_backorders(world.a, world.b, ax=ax) is ax
    labels = [line.get_label() for line in ax.get_lines()]
    assert labels == ["nearest", "most_stock"]
    ends = [_last(line) for line in ax.get_lines()]
    assert ends == [world.ra.overall.backordered_units, world.rb.overall.backordered_units]
    per_channel = nb.plot_backorders(world.a.engine, by_channel=True)
    assert [line.get_label() for line in per_channel.get_lines()] == [
        f"run 1: {c}" for c in world.ra.by_channel
    ]
    with pytest.raises(ValueError, match="at least one run"):
        nb.plot_backorders()


# --- without the extra ---------------------------------------------------------------------


def test_without_pandas_the_error_names_the_extra(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)
    calls: tuple[Callable[[], object], ...] = (
        lambda: nb.kpi_table(world.ra),
        lambda: nb.comparison_table(world.comparison),
        lambda: nb.event_history(world.a),
        lambda: nb.backorders_over_time(world.a),
    )
    for call in calls:
        with pytest.raises(ImportError, match=r"pip install 'invorder\[notebook\]'") as caught:
            call()
        assert caught.value.name == "pandas"
        assert "needs pandas" in str(caught.value)
    # the HTML representations need no pandas
    assert "<table" in world.ra._repr_html_()
    assert "<table" in world.comparison._repr_html_()


def test_without_matplotlib_plots_name_the_extra(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match=r"needs matplotlib.pyplot: install the 'notebook'"):
        nb.plot_fill_rate(world.ra)
    assert nb.fill_rates(world.ra).shape == (5, 1)  # tables still work


def test_every_public_name_is_documented() -> None:
    assert nb.__all__ == sorted(nb.__all__, key=str.lower)
    for name in nb.__all__:
        value = getattr(nb, name)
        if callable(value) and not isinstance(value, type):
            assert (value.__doc__ or "").strip(), name


def test_the_module_imports_without_pandas_or_matplotlib(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("pandas", "matplotlib", "matplotlib.pyplot"):
        monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.delitem(sys.modules, "invorder.simulate.notebook")
    fresh = importlib.import_module("invorder.simulate.notebook")
    assert fresh is not nb
    assert callable(fresh.kpi_table)


# --- HTML ----------------------------------------------------------------------------------


def test_report_html_is_the_kpi_table(world: World) -> None:
    html = world.ra._repr_html_()
    kpi_table = html.split("</table>")[0]
    assert kpi_table.count("<tr>") == 1 + len(attrs.fields(sim.Kpis))
    assert "<th>wholesale</th>" in html
    assert "<td>fill_rate</td>" in html
    fill = f"{world.ra.overall.fill_rate:.1%}"  # the text view's format
    assert f'<td style="text-align: right">{fill}</td>' in html
    assert fill in sim.format_report(world.ra)
    assert "oversold units: 0" in html
    hostile = attrs.evolve(world.ra, rule="<script>alert(1)</script>")
    assert "<script>" not in hostile._repr_html_()
    assert "&lt;script&gt;" in hostile._repr_html_()


def test_report_html_shows_the_stock_value_at_the_end(world: World) -> None:
    stock_table = world.ra._repr_html_().split("</table>")[1]
    assert "stock on hand at the end" in stock_table
    parts = {"all": world.ra.stock_value, **world.ra.stock_value_by_warehouse}
    assert stock_table.count("<tr>") == 1 + len(parts)
    for where, part in parts.items():
        value = ", ".join(f"{m.currency} {m.amount:,}" for m in part.value.values())
        assert f"<td>{where}</td>" in stock_table
        assert value in stock_table
    comparison = world.comparison._repr_html_()
    assert "<td>stock_units</td>" in comparison
    assert "<td>stock_value USD</td>" in comparison


def test_comparison_html_has_both_runs_and_the_differing_decisions(world: World) -> None:
    c = world.comparison
    html = c._repr_html_()
    assert "<th>nearest</th><th>most_stock</th><th>difference</th>" in html
    assert f"alters {len(c.differing)} of the {c.decided} routing decisions" in html
    assert "decisions that differ (first 10)" in html
    first = c.differing[0]
    assert f"<td>{first}</td>" in html
    assert "why under nearest" in html
    assert "ranked " in html
    # header, the rows every view shows (Comparison.rows), then the decisions
    assert len(c.rows()) == len(attrs.fields(sim.Kpis)) + 4 + 1 + len(c.a.stock_value_by_warehouse)
    assert html.count("<tr>") == 1 + len(c.rows()) + 1 + 10


def test_plan_and_explanation_html() -> None:
    from invorder.routing import RequestLine, RoutingRequest

    request = RoutingRequest(
        order=order(),
        lines=[RequestLine("L1", "MUG", 5), RequestLine("L2", "TEE", 30)],
        locations=[EAST, WEST, attrs.evolve(EAST, location="EMPTY", atp={})],
        now=NOW,
    )
    plan = route("near", filters=[has_stock()], rank=nearest()).explain(request)
    explanation = why(plan)
    html = explanation._repr_html_()
    assert html.startswith('<table class="invorder"><caption>rule near; split: ')
    assert "<th>nearest_km</th>" in html
    assert html.index("<td>EAST</td>") < html.index("<td>WEST</td>") < html.index("EMPTY")
    assert "<td>has_stock</td>" in html
    plan_html = plan._repr_html_()
    assert f"{plan.allocated} allocated, {plan.backordered} backordered" in plan_html
    assert "3 @ EAST, 2 @ WEST" in plan_html
    assert html in plan_html  # the explanation follows the lines
    other = why(route("big", filters=[has_stock()], rank=nearest()).explain(request))
    diff = explanation.compare(other)
    assert "<td>rule</td><td>&#x27;near&#x27;</td><td>&#x27;big&#x27;</td>" in diff._repr_html_()
    assert explanation.compare(explanation)._repr_html_() == "<p>no differences</p>"
