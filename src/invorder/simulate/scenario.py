"""Scenarios as values: a header describing the network, then timestamped steps.

The :class:`ScenarioHeader` holds warehouses with coordinates and capacity, channels and
their policies, the catalog with bundles and initial stock; each step is a command (any type
of :data:`invorder.codec.COMMAND_TYPES`) or a simulation step (:class:`FulfilOrder`,
:class:`ReturnOrder`, :class:`SettleOrder`) that the runner expands into commands, because
shipment ids and amounts depend on the routing rule. Reading and writing the JSON Lines
files is in :mod:`invorder.simulate.scenario_file`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import attrs

from invorder.domain import _checks
from invorder.domain.availability.commands import DefineChannel
from invorder.domain.errors import ErrorCode, ValidationError
from invorder.domain.messages import Command
from invorder.domain.money import Money, non_negative_cost
from invorder.domain.orders.ids import OrderKind
from invorder.domain.orders.ship_to import Coordinates
from invorder.domain.orders.values import Disposition
from invorder.domain.stock.catalog import Sku
from invorder.domain.stock.commands import DefineLocation, DefineSku, ReceiveStock
from invorder.routing import LocationFacts

SCHEMA_VERSION = 2
"""The scenario format version this library writes; it reads this one and version 1 (which
has no end record)."""


class ScenarioError(ValidationError):
    """A scenario file that cannot be read: the line number, what was expected there (empty
    when the problem says it), the problem, and the file when one was read.

    Reading stops at the first bad line and nothing runs.
    """

    code = ErrorCode.SCENARIO_ERROR
    line: int
    expected: str
    problem: str
    file: str = ""

    def _render(self) -> str:
        where = f"{self.file}:{self.line}" if self.file else f"line {self.line}"
        if self.expected:
            return f"{where}: expected {self.expected}: {self.problem}"
        return f"{where}: {self.problem}"


class ScenarioWarning(UserWarning):
    """A scenario file that was read but deserves a look (an old format without its end
    record, so a truncated copy cannot be told from a whole one)."""


def _numbers(values: Iterable[int]) -> tuple[int, ...]:
    return tuple(values)


def _strings(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(values)


@attrs.frozen(kw_only=True)
class Warehouse:
    """A warehouse of the scenario: its bins are defined and its facts given to routing."""

    code: str = attrs.field(validator=_checks.identifier)
    """Top-level location path (``EAST``); routing chooses between warehouses."""
    name: str = attrs.field(default="", validator=_checks.text)
    """Display name."""
    coordinates: Coordinates | None = None
    """Where it is, for distances and the ``nearest`` rule."""
    daily_capacity: int | None = None
    """Units it can ship per day (routing fact); ``None`` for unlimited."""
    bins: tuple[str, ...] = attrs.field(default=("A/01",), converter=_strings)
    """Bin paths under the warehouse; stock is received into the first one."""

    @property
    def locations(self) -> tuple[str, ...]:
        """Full paths of the bins."""
        return tuple(f"{self.code}/{b}" for b in self.bins)


@attrs.frozen(kw_only=True)
class ChannelSpec:
    """A sales channel: the locations feeding it, its ATP policy, its kind and its SLA."""

    channel: str = attrs.field(validator=_checks.identifier)
    """Channel id (orders name it)."""
    name: str = attrs.field(default="", validator=_checks.text)
    """Display name."""
    kind: OrderKind = OrderKind.DTC
    """Kind of its orders."""
    locations: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    """Warehouses feeding its ATP; empty for every warehouse."""
    safety_stock: int = attrs.field(default=0, validator=_checks.non_negative_quantity)
    """Units per SKU kept back from the channel."""
    share_percent: int = 100
    """Share of the pooled ATP offered."""
    sla_hours: int | None = None
    """Hours from capture to ship-by the generator gives its orders (documentation only)."""


@attrs.frozen
class StockLine:
    """Initial stock: units of a SKU available at a bin, with what one unit cost."""

    sku: str
    """The SKU."""
    location: str
    """The bin path."""
    quantity: int = attrs.field(validator=_checks.positive_quantity)
    """Units."""
    unit_cost: Money | None = attrs.field(default=None, validator=non_negative_cost)
    """What one unit cost, for valuation (``None``: not known; the units enter at the SKU's
    average cost of the moment, and the report counts them as received without a cost)."""


def _warehouses(values: Iterable[Warehouse]) -> tuple[Warehouse, ...]:
    return tuple(values)


def _channels(values: Iterable[ChannelSpec]) -> tuple[ChannelSpec, ...]:
    return tuple(values)


def _skus(values: Iterable[Sku]) -> tuple[Sku, ...]:
    return tuple(values)


def _stock(values: Iterable[StockLine]) -> tuple[StockLine, ...]:
    return tuple(values)


@attrs.frozen(kw_only=True)
class ScenarioHeader:
    """Line 1 of a scenario: everything that exists before the first step."""

    schema: int = SCHEMA_VERSION
    """Format version (must be :data:`SCHEMA_VERSION`)."""
    name: str = attrs.field(default="scenario", validator=_checks.text)
    """Name shown in reports."""
    seed: int | None = None
    """The generator seed, if generated."""
    start: datetime = attrs.field(validator=_checks.aware_datetime)
    """When the setup happens (before every step)."""
    warehouses: tuple[Warehouse, ...] = attrs.field(converter=_warehouses)
    """Warehouses."""
    channels: tuple[ChannelSpec, ...] = attrs.field(default=(), converter=_channels)
    """Channels."""
    catalog: tuple[Sku, ...] = attrs.field(default=(), converter=_skus)
    """SKUs, bundles after their components."""
    stock: tuple[StockLine, ...] = attrs.field(default=(), converter=_stock)
    """Initial stock."""

    def setup_commands(self) -> list[Command]:
        """The commands that build the initial state: locations, SKUs, channels, stock."""
        at = self.start
        out: list[Command] = []
        for w in self.warehouses:
            for path in w.locations:
                out.append(
                    DefineLocation(key=f"setup/loc/{path}", at=at, location=path, name=w.name)
                )
        for sku in self.catalog:
            out.append(DefineSku(key=f"setup/sku/{sku.code}", at=at, sku=sku))
        for c in self.channels:
            feeds = c.locations or tuple(w.code for w in self.warehouses)
            out.append(
                DefineChannel(
                    key=f"setup/channel/{c.channel}",
                    at=at,
                    channel=c.channel,
                    locations=feeds,
                    name=c.name,
                    safety_stock=c.safety_stock,
                    share_percent=c.share_percent,
                )
            )
        for n, s in enumerate(self.stock):
            out.append(
                ReceiveStock(
                    key=f"setup/stock/{n}",
                    at=at,
                    sku=s.sku,
                    location=s.location,
                    quantity=s.quantity,
                    reference="initial",
                    unit_cost=s.unit_cost,
                )
            )
        return out

    def location_facts(self) -> dict[str, LocationFacts]:
        """Routing facts per warehouse (coordinates and capacity)."""
        return {
            w.code: LocationFacts(
                location=w.code, coordinates=w.coordinates, daily_capacity=w.daily_capacity
            )
            for w in self.warehouses
        }


@attrs.frozen(kw_only=True)
class FulfilOrder:
    """Simulation step: pick, pack and ship every allocated, unshipped shipment of an order.

    Nothing happens if the order has none at that time (it waits for stock, or is cancelled).
    """

    key: str = attrs.field(validator=_checks.identifier)
    """Step id; the commands it expands to have keys ``{key}/{shipment}/pick|pack|ship``."""
    at: datetime = attrs.field(validator=_checks.aware_datetime)
    """When."""
    order: str = attrs.field(validator=_checks.identifier)
    """The order."""
    carrier: str = attrs.field(default="UPS", validator=_checks.identifier)
    """Carrier for the shipments."""


@attrs.frozen(kw_only=True)
class ReturnOrder:
    """Simulation step: the customer returns up to ``quantity`` shipped units of an order.

    Opens an RMA for shipped units (lines in order) and receives them at once with
    ``disposition`` at the bin they were picked from. Nothing happens if nothing shipped.
    """

    key: str = attrs.field(validator=_checks.identifier)
    """Step id; also the RMA id."""
    at: datetime = attrs.field(validator=_checks.aware_datetime)
    """When."""
    order: str = attrs.field(validator=_checks.identifier)
    """The order."""
    quantity: int = attrs.field(validator=_checks.positive_quantity)
    """Units at most."""
    disposition: Disposition = Disposition.RESTOCK
    """What happens to the units."""


@attrs.frozen(kw_only=True)
class SettleOrder:
    """Simulation step: the host's money work on an order after it ships or units come
    back, as the engine stands when the step runs.

    It invoices what shipped and is on no invoice yet (where the order's policy invoices
    it), credits returned units on the invoices that charged them, reports the capture of
    what shipped and is not captured (for orders whose payments the host reports: those
    with an authorisation), or the provider declining it when ``decline`` is set, and
    reports the refund of what the order's returns owe. Nothing happens when nothing is
    due (see :mod:`invorder.simulate.settle`).
    """

    key: str = attrs.field(validator=_checks.identifier)
    """Step id; the commands it expands to have keys ``{key}/invoice``, ``{key}/credit/N``,
    ``{key}/capture`` and ``{key}/refund``."""
    at: datetime = attrs.field(validator=_checks.aware_datetime)
    """When."""
    order: str = attrs.field(validator=_checks.identifier)
    """The order."""
    decline: bool = attrs.field(default=False, validator=_checks.boolean)
    """True: the provider declines the capture (reported as a payment failure)."""


Step = Command | FulfilOrder | ReturnOrder | SettleOrder
"""One line after the header."""

STEP_TYPES: dict[str, type[Any]] = {
    "FulfilOrder": FulfilOrder,
    "ReturnOrder": ReturnOrder,
    "SettleOrder": SettleOrder,
}
"""Simulation step classes by the name used in their lines."""


def _steps(values: Iterable[Step]) -> tuple[Step, ...]:
    return tuple(values)


@attrs.frozen
class Scenario:
    """A header and its steps in time order."""

    header: ScenarioHeader
    """The header."""
    steps: tuple[Step, ...] = attrs.field(converter=_steps)
    """The steps, times never decreasing."""
    step_lines: tuple[int, ...] = attrs.field(default=(), converter=_numbers, eq=False, repr=False)
    """Line number of each step in the file it was read from (empty when not read)."""

    def line_of(self, index: int) -> int:
        """File line of step ``index`` (as written by :func:`dumps` when not read)."""
        if index < len(self.step_lines):
            return self.step_lines[index]
        return index + 2
