"""Suppliers and their terms: lead times (per supplier, optionally per SKU), minimum order
quantities, case packs."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import attrs

from invorder.domain import _checks
from invorder.domain.errors import InvalidQuantityError
from invorder.domain.money import Money, non_negative_cost
from invorder.domain.stock.catalog import SkuId, sku_id


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
    terms = _checks.items("terms", values, SupplierTerms, "SupplierTerms values")
    _checks.named_once("terms", (t.sku for t in terms), "SKU", "give it once", required=False)
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
