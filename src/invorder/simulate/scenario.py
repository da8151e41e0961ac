"""Scenario files: a header line describing the network, then one timestamped step a line.

A scenario is JSON Lines. Line 1 is the :class:`ScenarioHeader` (warehouses with coordinates
and capacity, channels and their policies, the catalog with bundles, initial stock); every
other line is a command (any type of :data:`invorder.codec.COMMAND_TYPES`) or a simulation
step (:class:`FulfilOrder`, :class:`ReturnOrder`) that the runner expands into commands,
because shipment ids depend on the routing rule.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

import attrs
import cattrs

from invorder.codec import Codec, make_converter
from invorder.domain import _checks
from invorder.domain.availability.commands import DefineChannel
from invorder.domain.errors import ErrorCode, InvorderError, ValidationError
from invorder.domain.messages import Command
from invorder.domain.money import Money, non_negative_cost
from invorder.domain.orders.ids import OrderKind
from invorder.domain.orders.ship_to import Coordinates
from invorder.domain.orders.values import Disposition
from invorder.domain.purchasing.commands import PurchaseLine, ReceiptLine
from invorder.domain.stock.catalog import Sku
from invorder.domain.stock.commands import DefineLocation, DefineSku, ReceiveStock
from invorder.routing import LocationFacts

SCHEMA_VERSION = 1
"""The scenario format version this library reads and writes."""


class ScenarioError(ValidationError):
    """A scenario file that cannot be read: the line number, what was expected, the problem.

    Reading stops at the first bad line and nothing runs.
    """

    code = ErrorCode.SCENARIO_ERROR
    template = "line {line}: expected {expected}: {problem}"
    line: int
    expected: str
    problem: str


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


Step = Command | FulfilOrder | ReturnOrder
"""One line after the header."""

STEP_TYPES: dict[str, type[Any]] = {"FulfilOrder": FulfilOrder, "ReturnOrder": ReturnOrder}
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


class ScenarioCodec:
    """Reads and writes scenario lines with the library's cattrs converter and codec."""

    __slots__ = ("_codec", "_converter")

    def __init__(self) -> None:
        self._codec = Codec()
        self._converter = make_converter()

    def header_to_dict(self, header: ScenarioHeader) -> dict[str, Any]:
        """The header as a JSON-compatible dict (``type`` is ``Scenario``)."""
        data: dict[str, Any] = {"type": "Scenario"}
        data.update(self._converter.unstructure(header))
        return data

    def step_to_dict(self, step: Step) -> dict[str, Any]:
        """A step as a JSON-compatible dict with its ``type``."""
        if isinstance(step, Command):
            return self._codec.command_to_dict(step)
        data: dict[str, Any] = {"type": type(step).__name__}
        data.update(self._converter.unstructure(step))
        return data

    def header_from_dict(self, data: dict[str, Any]) -> ScenarioHeader:
        """Read the header dict back."""
        if data.get("type") != "Scenario":
            raise ValueError(f"'type' is {data.get('type')!r}, not 'Scenario'")
        if data.get("schema") != SCHEMA_VERSION:
            raise ValueError(f"schema {data.get('schema')!r} (this library reads {SCHEMA_VERSION})")
        fields = {k: v for k, v in data.items() if k != "type"}
        header: ScenarioHeader = self._converter.structure(fields, ScenarioHeader)
        return header

    def step_from_dict(self, data: dict[str, Any]) -> Step:
        """Read a step dict back (a command or a simulation step)."""
        cls = STEP_TYPES.get(data.get("type"))  # type: ignore[arg-type]  # None is a valid miss
        if cls is None:
            return self._codec.command_from_dict(data)
        fields = {k: v for k, v in data.items() if k != "type"}
        step: Step = self._converter.structure(fields, cls)
        return step


def dump_lines(scenario: Scenario) -> Iterator[str]:
    """The scenario's lines (without newlines): compact JSON with sorted keys."""
    codec = ScenarioCodec()
    yield _json(codec.header_to_dict(scenario.header))
    for step in scenario.steps:
        yield _json(codec.step_to_dict(step))


def dumps(scenario: Scenario) -> str:
    """The scenario as one JSON Lines string (same scenario, same bytes)."""
    return "".join(line + "\n" for line in dump_lines(scenario))


def _json(data: dict[str, Any]) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


_STEP_EXPECTED = "a command or simulation step object with a known 'type'"


def loads(text: str | Iterable[str]) -> Scenario:
    """Read a scenario from its text (or an iterable of lines, such as an open file).

    Raises :class:`ScenarioError` for the first malformed line (blank lines are skipped);
    nothing is returned, so nothing runs.
    """
    lines = text.splitlines() if isinstance(text, str) else text
    codec = ScenarioCodec()
    header: ScenarioHeader | None = None
    steps: list[Step] = []
    last: datetime | None = None
    currencies: dict[str, str] = {}
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        expected = "the Scenario header object" if header is None else _STEP_EXPECTED
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as error:
            raise ScenarioError(number, expected, f"not JSON ({error.msg})") from error
        if not isinstance(data, dict):
            raise ScenarioError(number, expected, f"a JSON {type(data).__name__}, not an object")
        try:
            if header is None:
                read: ScenarioHeader | Step = codec.header_from_dict(data)
            else:
                read = codec.step_from_dict(data)
        except (
            InvorderError,
            ValueError,
            TypeError,
            KeyError,
            AttributeError,
            cattrs.BaseValidationError,
        ) as error:
            raise ScenarioError(number, expected, _describe(error)) from error
        if isinstance(read, ScenarioHeader):
            header, last = read, read.start
            _one_currency(currencies, ((s.sku, s.unit_cost) for s in header.stock), number)
            continue
        step = read
        _one_currency(currencies, _costs(step), number)
        if last is not None and step.at < last:
            raise ScenarioError(
                number, f"a time at or after {last.isoformat()}", f"'at' is {step.at.isoformat()}"
            )
        last = step.at
        steps.append(step)
    if header is None:
        raise ScenarioError(1, "the Scenario header object", "the file is empty")
    return Scenario(header, tuple(steps))


def _costs(step: Step) -> Iterator[tuple[str, Money | None]]:
    if isinstance(step, ReceiveStock):
        yield step.sku, step.unit_cost
    for line in getattr(step, "lines", ()):
        if isinstance(line, PurchaseLine | ReceiptLine):
            yield line.sku, line.unit_cost


def _one_currency(
    currencies: dict[str, str], costs: Iterable[tuple[str, Money | None]], number: int
) -> None:
    # Valuation averages a SKU's costs: they must share a currency, or no report can be made.
    for sku, cost in costs:
        if cost is None or not sku:
            continue
        known = currencies.setdefault(sku, cost.currency)
        if known != cost.currency:
            raise ScenarioError(
                number,
                f"unit costs of {sku} in {known}, as on earlier lines",
                f"a unit_cost in {cost.currency}: a SKU is valued in one currency "
                "(convert the cost first)",
            )


def _describe(error: BaseException) -> str:
    if isinstance(error, KeyError):
        return f"missing field {error.args[0]!r}"
    return str(error) or type(error).__name__
