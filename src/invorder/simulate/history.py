"""The log, a SKU's stock and the backorders over time as pandas DataFrames and matplotlib
plots (exported by ``invorder.simulate.notebook``, which says what they need)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from invorder.domain.errors import UnknownSkuError
from invorder.domain.orders.events import (
    OrderAllocated,
    OrderCancelled,
    OrderCaptured,
    OrderEvent,
    OrderHeld,
    OrderHoldReleased,
    ReturnOpened,
    ReturnReceived,
    ShipmentEvent,
    ShipmentShipped,
)
from invorder.domain.stock.events import LocationDefined, SkuDefined, StockPosted
from invorder.domain.stock.movement import PHYSICAL_BUCKETS, Bucket
from invorder.engine import Engine
from invorder.simulate._extra import axes, legend_outside, require, time_axis, unique
from invorder.simulate.run import Simulation

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

__all__ = [
    "backorders_over_time",
    "event_history",
    "HISTORY_COLUMNS",
    "plot_backorders",
    "plot_stock",
    "Run",
    "stock_over_time",
]

Run = Simulation | Engine
"""What the history functions read: a simulation (labelled by its rule) or any engine."""

HISTORY_COLUMNS = (
    "position",
    "at",
    "event",
    "key",
    "order",
    "shipment",
    "operation",
    "sku",
    "quantity",
    "source",
    "source_bucket",
    "destination",
    "destination_bucket",
    "detail",
)
"""Columns of :func:`event_history`, in order."""


def _engine(run: Run) -> Engine:
    return run.engine if isinstance(run, Simulation) else run


def _label(run: Run, n: int) -> str:
    return run.rule_name if isinstance(run, Simulation) else f"run {n + 1}"


def event_history(run: Run, *, start: int = 0, stop: int | None = None) -> pd.DataFrame:
    """The log from ``start`` to ``stop`` as rows (columns :data:`HISTORY_COLUMNS`): one
    row per movement of a stock entry (``operation``, ``sku``, ``quantity``, ``source`` and
    ``destination`` locations and buckets), one row per other event (``order``,
    ``shipment``, and a ``detail`` in words). A stock entry written right after an order or
    shipment event of the same command (reserve, release, commit, return) carries that
    ``order`` and ``shipment``. Times are in UTC."""
    require("pandas")
    import pandas as pd

    frame = pd.DataFrame(
        list(_history_rows(_engine(run), start, stop)), columns=list(HISTORY_COLUMNS)
    )
    frame["at"] = pd.to_datetime(frame["at"], utc=True)
    frame["quantity"] = frame["quantity"].astype("Int64")
    frame["position"] = frame["position"].astype("int64")
    return frame


def _history_rows(engine: Engine, start: int, stop: int | None) -> Iterator[tuple[Any, ...]]:
    # A stock entry that follows an order event of the same command is that order's (the
    # reserve, release, commit and return entries are written right after it).
    owner: tuple[str, str | None, str | None] = ("", None, None)
    for event in engine.events(start, stop):
        head = (event.position, event.at, type(event).__name__, event.key)
        if isinstance(event, StockPosted):
            op = event.operation.value
            order, shipment = owner[1:] if owner[0] == event.key else (None, None)
            for m in event.movements:
                yield (
                    *head, order, shipment, op, m.sku, m.quantity,
                    m.source.location, m.source.bucket.value,
                    m.destination.location, m.destination.bucket.value,
                    event.memo or event.reference or None,
                )  # fmt: skip
            if not event.movements:
                yield (*head, order, shipment, op, *([None] * 6), event.memo or None)
            continue
        order = event.order if isinstance(event, OrderEvent) else None
        shipment = event.shipment if isinstance(event, ShipmentEvent) else None
        owner = (event.key, order, shipment)
        sku = event.sku.code if isinstance(event, SkuDefined) else None
        yield (*head, order, shipment, None, sku, *([None] * 5), _detail(event))


def _detail(event: object) -> str | None:
    if isinstance(event, LocationDefined):
        return f"location {event.location}"
    if isinstance(event, OrderCaptured):
        channel = getattr(event.command, "channel", "")
        return f"channel {channel}"
    if isinstance(event, OrderHeld | OrderHoldReleased):
        return f"hold {event.reason}"
    if isinstance(event, OrderAllocated):
        units = sum(p.quantity for p in event.picks)
        waiting = sum(b.backordered for b in event.backorders)
        return f"rule {event.rule or 'first_fit'}: {units} units reserved, {waiting} backordered"
    if isinstance(event, OrderCancelled):
        return f"{sum(line.quantity for line in event.lines)} units cancelled: {event.reason}"
    if isinstance(event, ShipmentShipped):
        return f"carrier {event.carrier}"
    if isinstance(event, ReturnOpened | ReturnReceived):
        return f"rma {event.rma}"
    return None


def stock_over_time(
    run: Run,
    sku: str,
    *,
    bucket: Bucket | str | None = None,
    by: Literal["warehouse", "bin"] = "warehouse",
) -> pd.DataFrame:
    """Units of ``sku`` per warehouse (or per bin) after every change, indexed by time
    (UTC; the last figure of each time). On hand (the physical buckets) by default, or
    one ``bucket``. Each column ends at the engine's ``on_hand`` (or ``rollup``) now."""
    require("pandas")
    import pandas as pd

    engine = _engine(run)
    if engine.sku(sku) is None:
        raise UnknownSkuError(sku)
    buckets = PHYSICAL_BUCKETS if bucket is None else (Bucket(bucket),)
    warehouses = sorted({location.split("/", 1)[0] for location in engine.locations()})
    changes: dict[int, tuple[datetime, dict[str, int]]] = {}
    for warehouse in warehouses:
        for line in engine.history(sku, warehouse, bucket=None if bucket is None else buckets[0]):
            _, per = changes.setdefault(line.position, (line.at, {}))
            m = line.movement
            for account, sign in ((m.source, -1), (m.destination, 1)):
                inside = account.location == warehouse or account.location.startswith(
                    warehouse + "/"
                )
                if inside and account.bucket in buckets:
                    column = warehouse if by == "warehouse" else account.location
                    per[column] = per.get(column, 0) + sign * m.quantity
    columns = (
        warehouses if by == "warehouse" else sorted({c for _, p in changes.values() for c in p})
    )
    balance = dict.fromkeys(columns, 0)
    times: list[datetime] = []
    rows: list[list[int]] = []
    for position in sorted(changes):
        at, per = changes[position]
        if not any(per.values()) and times:
            continue  # a move inside one column (e.g. a reservation, when on hand)
        for column, change in per.items():
            balance[column] += change
        times.append(at)
        rows.append([balance[c] for c in columns])
    index = pd.DatetimeIndex(pd.to_datetime(times, utc=True), name="at")
    frame = pd.DataFrame(rows, index=index, columns=pd.Index(columns, name=by), dtype="int64")
    return frame[~frame.index.duplicated(keep="last")]


def plot_stock(
    run: Run,
    sku: str,
    *,
    bucket: Bucket | str | None = None,
    by: Literal["warehouse", "bin"] = "warehouse",
    ax: Axes | None = None,
) -> Axes:
    """Steps of :func:`stock_over_time`, one line per warehouse (or bin)."""
    ax = axes(ax)
    frame = stock_over_time(run, sku, bucket=bucket, by=by)
    for column in frame.columns:
        ax.step(frame.index, frame[column].tolist(), where="post", label=str(column))
    what = "on hand" if bucket is None else Bucket(bucket).value
    ax.set_title(f"{sku}: units {what} by {by}")
    ax.set_ylabel("units")
    time_axis(ax)
    legend_outside(ax)
    return ax


def backorders_over_time(run: Run) -> pd.DataFrame:
    """Units backordered after every change, indexed by time (UTC; the last figure of each
    time), overall (``all``) and per channel; starts at zero at the first event. Its last
    row is the report's ``backordered_units``, overall and per channel."""
    require("pandas")
    import pandas as pd

    engine = _engine(run)
    channel_of: dict[str, str] = {}
    waiting: dict[tuple[str, str], int] = {}
    totals: dict[str, int] = {}
    times: list[datetime] = []
    rows: list[dict[str, int]] = []
    for event in engine.events():
        if not times:
            times.append(event.at)
            rows.append({})
        if isinstance(event, OrderCaptured):
            channel_of[event.order] = str(getattr(event.command, "channel", ""))
            continue
        if isinstance(event, OrderAllocated):
            delta = 0
            for b in event.backorders:
                line = (event.order, b.line_id)
                delta += b.backordered - waiting.get(line, 0)
                waiting[line] = b.backordered
        elif isinstance(event, OrderCancelled):
            delta = -sum(c.backordered for c in event.lines)
            for c in event.lines:
                line = (event.order, c.line_id)
                waiting[line] = waiting.get(line, 0) - c.backordered
        else:
            continue
        if not delta:
            continue
        channel = channel_of[event.order]
        totals[channel] = totals.get(channel, 0) + delta
        times.append(event.at)
        rows.append(dict(totals))
    columns = ["all", *sorted({c for row in rows for c in row})]
    data = [[sum(row.values()), *(row.get(c, 0) for c in columns[1:])] for row in rows]
    index = pd.DatetimeIndex(pd.to_datetime(times, utc=True), name="at")
    frame = pd.DataFrame(data, index=index, columns=pd.Index(columns, name="channel"))
    return frame[~frame.index.duplicated(keep="last")].astype("int64")


def plot_backorders(*runs: Run, by_channel: bool = False, ax: Axes | None = None) -> Axes:
    """Steps of :func:`backorders_over_time`: each run's total (labelled by its rule), or
    with ``by_channel`` one line per channel of each run."""
    if not runs:
        raise ValueError("give at least one run")
    ax = axes(ax)
    names = unique([_label(run, n) for n, run in enumerate(runs)])
    for name, run in zip(names, runs, strict=True):
        frame = backorders_over_time(run)
        columns = list(frame.columns[1:]) if by_channel else ["all"]
        for column in columns:
            label = name if not by_channel else f"{name}: {column}"
            ax.step(frame.index, frame[column].tolist(), where="post", label=label)
    ax.set_title("units backordered")
    ax.set_ylabel("units")
    time_axis(ax)
    legend_outside(ax)
    return ax
