"""Suppliers: lead times (per supplier, optionally per SKU), minimum order quantities, case packs.

``DefineSupplier`` records (or replaces) a supplier's terms; the :class:`Suppliers`
projection answers the planner's questions: how long does this SKU take, in what multiples
and from what minimum must it be ordered?
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, ClassVar

import attrs

from invorder.domain import _checks
from invorder.domain.catalog import SkuId, sku_id
from invorder.domain.commands import Command
from invorder.domain.errors import InvalidQuantityError, UnknownSkuError, ValidationError
from invorder.domain.events import Event, FromCommand
from invorder.domain.ledger import Ledger
from invorder.domain.money import Money, non_negative_cost


def _optional_days(instance: object, attribute: Any, value: Any) -> None:
    if value is not None and (type(value) is not int or value < 0):
        raise InvalidQuantityError(attribute.name, value, allow_zero=True)


def _optional_pack(instance: object, attribute: Any, value: Any) -> None:
    if value is not None:
        _checks.positive_quantity(instance, attribute, value)


@attrs.frozen(kw_only=True)
class SupplierTerms:
    """What a supplier says about one SKU; ``None`` fields fall back to the supplier's."""

    sku: SkuId = attrs.field(converter=sku_id)
    """The SKU."""
    lead_time_days: int | None = attrs.field(default=None, validator=_optional_days)
    """Days from order to receipt for this SKU (``None``: the supplier's lead time)."""
    min_order_quantity: int | None = attrs.field(default=None, validator=_optional_days)
    """Smallest quantity accepted on one line (``None``: the supplier's)."""
    case_pack: int | None = attrs.field(default=None, validator=_optional_pack)
    """Units per case: lines are ordered in multiples of it (``None``: the supplier's)."""
    unit_cost: Money | None = attrs.field(default=None, validator=non_negative_cost)
    """The list price, used to value suggestions."""


def _terms(values: Iterable[SupplierTerms]) -> tuple[SupplierTerms, ...]:
    terms = tuple(values)
    skus = [t.sku for t in terms]
    if len(set(skus)) != len(skus):
        raise ValidationError("a SKU appears twice in a supplier's terms; give it once")
    return terms


def _case_pack(instance: object, attribute: Any, value: Any) -> None:
    _checks.positive_quantity(instance, attribute, value)


@attrs.frozen(kw_only=True)
class Supplier:
    """A supplier and its terms.

    Invariants: ``case_pack >= 1``; lead times and minimums are ``None`` or ``>= 0``; a SKU
    has at most one :class:`SupplierTerms`.
    """

    supplier: str = attrs.field(validator=_checks.identifier)
    """The supplier id (the ``supplier`` of a purchase order)."""
    name: str = attrs.field(default="", validator=_checks.text)
    """A label for people."""
    lead_time_days: int | None = attrs.field(default=None, validator=_optional_days)
    """Default days from order to receipt (``None``: unknown)."""
    min_order_quantity: int = attrs.field(default=0, validator=_checks.non_negative_quantity)
    """Default smallest quantity of one line."""
    case_pack: int = attrs.field(default=1, validator=_case_pack)
    """Default units per case."""
    terms: tuple[SupplierTerms, ...] = attrs.field(default=(), converter=_terms)
    """Per-SKU terms."""

    def for_sku(self, sku: str) -> SupplierTerms | None:
        """The per-SKU terms of ``sku``, or ``None``."""
        for t in self.terms:
            if t.sku == sku:
                return t
        return None

    def lead_time(self, sku: str) -> int | None:
        """Lead time in days for ``sku``: its own, else the supplier's, else ``None``."""
        t = self.for_sku(sku)
        if t is not None and t.lead_time_days is not None:
            return t.lead_time_days
        return self.lead_time_days

    def minimum(self, sku: str) -> int:
        """Minimum order quantity of one line of ``sku``."""
        t = self.for_sku(sku)
        if t is not None and t.min_order_quantity is not None:
            return t.min_order_quantity
        return self.min_order_quantity

    def pack(self, sku: str) -> int:
        """Case pack of ``sku`` (lines are multiples of it)."""
        t = self.for_sku(sku)
        if t is not None and t.case_pack is not None:
            return t.case_pack
        return self.case_pack

    def round_quantity(self, sku: str, need: int) -> int:
        """The smallest orderable quantity covering ``need``: at least the minimum, in whole
        case packs; ``0`` when ``need <= 0``."""
        if need <= 0:
            return 0
        pack = self.pack(sku)
        quantity = max(need, self.minimum(sku))
        return -(-quantity // pack) * pack


@attrs.frozen(kw_only=True)
class DefineSupplier(Command):
    """Record a supplier's terms (defining it again replaces them)."""

    supplier: Supplier = attrs.field(validator=attrs.validators.instance_of(Supplier))
    """The supplier and its terms."""


@attrs.frozen(kw_only=True)
class SupplierDefined(FromCommand):
    """A supplier was defined or its terms replaced."""

    SCHEMA_VERSION: ClassVar[int] = 1
    position: int
    """Index of this event in the log."""
    command: DefineSupplier
    """The command that produced it (it holds the terms)."""


class Suppliers:
    """The suppliers projection: the last terms defined for each supplier."""

    FOLDS: ClassVar[frozenset[type]] = frozenset({SupplierDefined})
    """The event types :meth:`apply` folds (others leave it unchanged)."""

    __slots__ = ("_by_id",)

    def __init__(self) -> None:
        self._by_id: dict[str, Supplier] = {}

    def get(self, supplier: str) -> Supplier | None:
        """The supplier, or ``None``."""
        return self._by_id.get(supplier)

    def __iter__(self) -> Iterator[Supplier]:
        return iter(self._by_id.values())

    def apply(self, event: Event) -> None:
        """Fold one event (only ``SupplierDefined`` matters)."""
        if type(event) is SupplierDefined:
            assert isinstance(event, SupplierDefined)
            supplier = event.command.supplier
            self._by_id[supplier.supplier] = supplier


def decide_define(ledger: Ledger, command: DefineSupplier, position: int) -> SupplierDefined:
    """Accept the terms if every SKU they name is in the catalog."""
    for t in command.supplier.terms:
        if t.sku not in ledger.catalog:
            raise UnknownSkuError(t.sku)
    return SupplierDefined(position=position, command=command)
