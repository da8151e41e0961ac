"""Pricing commands: define a price list (defining it again replaces it)."""

from __future__ import annotations

import attrs

from invorder.domain import _checks
from invorder.domain.messages import Command
from invorder.domain.pricing.price_list import PriceList


@attrs.frozen(kw_only=True)
class DefinePriceList(Command):
    """Record a price list, or replace the one of the same id: its prices and whom it
    serves. Every SKU it prices must be in the catalog and every channel defined; a
    channel, customer or tier another list serves is refused
    (:class:`~invorder.errors.DuplicateError`): define that list again without it first."""

    price_list: PriceList = attrs.field(validator=_checks.instance_of(PriceList))
    """The list."""
