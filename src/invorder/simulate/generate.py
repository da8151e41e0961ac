"""A seeded generator of synthetic scenarios: a day of orders over a small network.

Pure: all randomness comes from the ``random.Random`` passed in, so the same seed gives the
same scenario, and :func:`invorder.simulate.dumps` gives the same bytes.
"""

from __future__ import annotations

import functools
import itertools
import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import attrs

from invorder.domain.money import Money
from invorder.domain.orders.commands import CancelOrder, CaptureOrder
from invorder.domain.orders.ids import OrderKind
from invorder.domain.orders.ship_to import Coordinates, ShippingMethod, ShipTo
from invorder.domain.orders.values import Disposition, LineItem, WholesaleTerms
from invorder.domain.purchasing.commands import (
    ExpectPurchase,
    PurchaseLine,
    ReceiptLine,
    ReceivePurchase,
)
from invorder.domain.stock.catalog import Component, Sku
from invorder.simulate._money_steps import add_money
from invorder.simulate.scenario import (
    ChannelSpec,
    FulfilOrder,
    ReturnOrder,
    Scenario,
    ScenarioHeader,
    Step,
    StockLine,
    Warehouse,
)

_SITES = (
    ("EAST", "Newark NJ", 40.7357, -74.1724),
    ("WEST", "Ontario CA", 34.0633, -117.6509),
    ("CENTRAL", "Dallas TX", 32.7767, -96.7970),
    ("NORTH", "Chicago IL", 41.8781, -87.6298),
    ("SOUTH", "Atlanta GA", 33.7490, -84.3880),
    ("NORTHWEST", "Seattle WA", 47.6062, -122.3321),
    ("MOUNTAIN", "Denver CO", 39.7392, -104.9903),
    ("FLORIDA", "Orlando FL", 28.5383, -81.3792),
)

# channel, name, kind, SLA hours, share of orders, lines (min, max), units per line (min, max)
_CHANNELS = (
    ("shopify", "Shopify DTC store", OrderKind.DTC, 72, 45, (1, 4), (1, 2)),
    ("amazon", "Amazon marketplace", OrderKind.MARKETPLACE, 24, 30, (1, 2), (1, 2)),
    ("walmart", "Walmart marketplace", OrderKind.MARKETPLACE, 48, 20, (1, 2), (1, 2)),
    ("wholesale", "Wholesale portal", OrderKind.WHOLESALE, 120, 5, (2, 6), (2, 8)),
)


_START = datetime(2026, 11, 27, tzinfo=UTC)


@attrs.frozen(kw_only=True)
class Parameters:
    """What to generate. :data:`SIZES` holds the named sizes."""

    skus: int = 200
    """SKUs in the catalog (about 2% more are bundles of two of them)."""
    warehouses: int = 3
    """Warehouses (at most 8 distinct sites)."""
    orders: int = 500
    """Orders over the day."""
    zipf: float = 1.1
    """Skew of demand: SKU of rank ``r`` sells in proportion to ``1 / r ** zipf``."""
    cover: float = 1.5
    """Initial stock as a multiple of the day's expected demand."""
    purchase_orders: int = 10
    """Purchase orders arriving during the day."""
    late_percent: int = 20
    """Share of purchase orders received after their ETA."""
    cancel_percent: int = 3
    """Share of orders cancelled soon after capture."""
    return_percent: int = 2
    """Share of orders returned after shipping."""
    money: bool = True
    """Generate the money side too: a wholesale price list (wholesale lines take its
    prices), card authorisations at checkout, a :class:`~invorder.simulate.SettleOrder`
    after every fulfilment and return, and a ``CloseSettledOrders`` sweep every midnight.
    Drawn after everything else: with or without it, the orders and every routing
    decision are the same."""
    decline_percent: int = 2
    """Share of card-paid orders (DTC and marketplace) whose captures the provider
    declines (with ``money``)."""
    start: datetime = _START
    """Start of the day."""


SIZES: dict[str, Parameters] = {
    "small": Parameters(),
    "day": Parameters(skus=10_000, warehouses=5, orders=100_000, purchase_orders=400),
    "10x": Parameters(skus=10_000, warehouses=5, orders=1_000_000, purchase_orders=4000),
}
"""Named sizes: ``small`` (seconds, for tests and docs), ``day`` and ``10x``."""

_PRICE_POINTS = tuple(Decimal(p) for p in ("4.99", "9.99", "14.99", "19.99", "29.99", "49.99"))


def generate(
    params: Parameters,
    rng: random.Random,
    name: str = "",
    progress: Callable[[int, int], None] | None = None,
) -> Scenario:
    """A scenario drawn from ``rng``: warehouses, channels, catalog, stock, then the day.

    ``progress``, when given, is called with (orders drawn, orders to draw) every thousand
    orders and at the end; it does not change what is drawn.
    """
    start = params.start
    warehouses = tuple(
        Warehouse(
            code=code,
            name=label,
            coordinates=Coordinates(lat, lon),
            daily_capacity=None,
            bins=("A/01",),
        )
        for code, label, lat, lon in itertools.islice(itertools.cycle(_SITES), params.warehouses)
    )
    if len({w.code for w in warehouses}) != len(warehouses):
        raise ValueError(f"at most {len(_SITES)} warehouses")
    channels = tuple(
        ChannelSpec(channel=c, name=label, kind=kind, sla_hours=sla)
        for c, label, kind, sla, *_ in _CHANNELS
    )
    codes = [f"SKU-{n:05}" for n in range(1, params.skus + 1)]
    prices = {code: rng.choice(_PRICE_POINTS) for code in codes}
    catalog = [Sku(code) for code in codes]
    bundles = max(1, params.skus // 50)
    for n in range(bundles):
        a, b = rng.sample(codes, 2)
        code = f"BUNDLE-{n + 1:04}"
        catalog.append(Sku(code, f"{a} + {b}", components=(Component(a), Component(b))))
        prices[code] = prices[a] + prices[b]
    # Zipf-like demand over a shuffled ranking, so popularity is not alphabetical.
    ranked = [s.code for s in catalog]
    rng.shuffle(ranked)
    weights = [1.0 / (r + 1) ** params.zipf for r in range(len(ranked))]
    cum = list(itertools.accumulate(weights))
    total_weight = cum[-1]
    units_per_line = sum(ch[4] * sum(ch[6]) / 2 for ch in _CHANNELS) / 100
    lines_per_order = sum(ch[4] * sum(ch[5]) / 2 for ch in _CHANNELS) / 100
    expected_units = params.orders * lines_per_order * units_per_line
    demand: dict[str, float] = dict.fromkeys(codes, 0.0)
    components = {s.code: s.components for s in catalog}
    for code, w in zip(ranked, weights, strict=True):
        share = expected_units * w / total_weight
        for part in components[code] or (Component(code),):
            demand[part.sku] += share * part.quantity
    stock = []
    for code in codes:
        for wh in warehouses:
            units = round(demand[code] * params.cover * rng.uniform(0.2, 1.8) / len(warehouses))
            if units > 0 and rng.random() < 0.9:
                stock.append(StockLine(code, wh.locations[0], units))
    header = ScenarioHeader(
        name=name or "generated",
        seed=None,
        start=start,
        warehouses=warehouses,
        channels=channels,
        catalog=tuple(catalog),
        stock=tuple(stock),
    )
    timed: list[tuple[datetime, int, Step]] = []
    seq = itertools.count()

    def add(step: Step) -> None:
        timed.append((step.at, next(seq), step))

    day = 86_400
    for n in range(1, params.purchase_orders + 1):
        wh = rng.choice(warehouses)
        eta = start + timedelta(seconds=rng.randrange(day // 6, day))
        lines = [
            PurchaseLine(sku=sku, quantity=rng.randint(10, 200), eta=eta)
            for sku in sorted(set(rng.choices(codes, k=rng.randint(1, 5))))
        ]
        po = f"PO-{n:05}"
        add(
            ExpectPurchase(
                key=f"po/{po}",
                at=start,
                purchase_order=po,
                location=wh.locations[0],
                lines=lines,
                supplier=f"supplier-{rng.randint(1, 20)}",
            )
        )
        late = rng.randrange(100) < params.late_percent
        arrives = eta + timedelta(hours=rng.randint(4, 48) if late else 0)
        add(
            ReceivePurchase(
                key=f"rcv/{po}",
                at=arrives,
                purchase_order=po,
                lines=[ReceiptLine(sku=line.sku, quantity=line.quantity) for line in lines],
            )
        )
    share_cum = list(itertools.accumulate(ch[4] for ch in _CHANNELS))
    # One frozen price per SKU, shared by every line that orders it (values, not copies).
    retail = {code: Money(price, "USD") for code, price in prices.items()}
    for n in range(1, params.orders + 1):
        if progress is not None and n % 1000 == 0:
            progress(n, params.orders)
        channel, _, kind, sla, _, (lo, hi), (qlo, qhi) = rng.choices(
            _CHANNELS, cum_weights=share_cum
        )[0]
        placed = start + timedelta(seconds=rng.randrange(day))
        chosen = dict.fromkeys(rng.choices(ranked, cum_weights=cum, k=rng.randint(lo, hi)))
        order = f"O{n:07}"
        lat = round(rng.uniform(26.0, 48.0), 4)
        lon = round(rng.uniform(-122.0, -70.0), 4)
        items = [
            LineItem(_line_id(i), sku, rng.randint(qlo, qhi), retail[sku])
            for i, sku in enumerate(chosen, start=1)
        ]
        method = ShippingMethod.TWO_DAY if sla <= 24 else ShippingMethod.STANDARD
        add(
            CaptureOrder(
                key=f"cap/{order}",
                at=placed,
                order=order,
                channel=channel,
                external_id=order,
                kind=kind,
                lines=items,
                ship_to=ShipTo(coordinates=Coordinates(lat, lon)),
                shipping_method=method,
                ship_by=placed + timedelta(hours=sla),
                wholesale=WholesaleTerms() if kind is OrderKind.WHOLESALE else None,
            )
        )
        if rng.randrange(100) < params.cancel_percent:
            add(
                CancelOrder(
                    key=f"cancel/{order}",
                    at=placed + timedelta(minutes=rng.randint(1, 30)),
                    order=order,
                    reason="customer request",
                )
            )
            continue
        shipped = placed + timedelta(minutes=rng.randint(60, 36 * 60))
        add(FulfilOrder(key=f"ful/{order}", at=shipped, order=order))
        if rng.randrange(100) < params.return_percent:
            disposition = rng.choice(tuple(Disposition))
            add(
                ReturnOrder(
                    key=f"ret/{order}",
                    at=shipped + timedelta(hours=rng.randint(2, 24)),
                    order=order,
                    quantity=rng.randint(1, 2),
                    disposition=disposition,
                )
            )
    if progress is not None:
        progress(params.orders, params.orders)
    header = _add_costs(header, timed, prices, rng)
    if params.money:
        add_money(timed, prices, rng, params.decline_percent, start)
    timed.sort(key=lambda t: (t[0], t[1]))
    return Scenario(header, tuple(step for _, _, step in timed))


_CENT = Decimal("0.01")


@functools.cache
def _line_id(n: int) -> str:
    """The id of an order's ``n``-th line: ``"1"``, ``"2"``, ... (one string per number,
    shared by every order's lines)."""
    return str(n)


def _add_costs(
    header: ScenarioHeader,
    timed: list[tuple[datetime, int, Step]],
    prices: dict[str, Decimal],
    rng: random.Random,
) -> ScenarioHeader:
    """Give every SKU a unit cost (35% to 60% of its price) on its initial stock, and every
    purchase line that cost give or take a few percent (supplier prices move).

    Drawn after everything else, so that a seed's network, stock and orders do not depend on
    the costs.
    """
    costs = {
        code: (price * rng.randint(35, 60) / 100).quantize(_CENT) for code, price in prices.items()
    }
    for index, (at, seq, step) in enumerate(timed):
        if isinstance(step, ExpectPurchase):
            lines = [
                attrs.evolve(line, unit_cost=_usd(costs[line.sku] * rng.randint(95, 108) / 100))
                for line in step.lines
            ]
            timed[index] = (at, seq, attrs.evolve(step, lines=lines))
    unit_costs = {code: _usd(cost) for code, cost in costs.items()}  # shared per SKU
    stock = [attrs.evolve(s, unit_cost=unit_costs[s.sku]) for s in header.stock]
    return attrs.evolve(header, stock=stock)


def _usd(amount: Decimal) -> Money:
    return Money(amount.quantize(_CENT), "USD")


def generate_size(
    size: str, seed: int, progress: Callable[[int, int], None] | None = None
) -> Scenario:
    """The named size (see :data:`SIZES`) with ``random.Random(seed)``; the header records
    the seed. ``progress`` is passed to :func:`generate`."""
    if size not in SIZES:
        raise ValueError(f"unknown size {size!r}; choose one of {', '.join(SIZES)}")
    scenario = generate(SIZES[size], random.Random(seed), f"{size}-{seed}", progress)
    return attrs.evolve(scenario, header=attrs.evolve(scenario.header, seed=seed))
