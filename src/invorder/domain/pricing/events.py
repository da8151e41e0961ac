"""Pricing events: a price list was defined or replaced."""

from __future__ import annotations

from typing import ClassVar

import attrs

from invorder.domain.messages import FromCommand
from invorder.domain.pricing.commands import DefinePriceList


@attrs.frozen(kw_only=True)
class PriceListDefined(FromCommand):
    """A price list was defined or replaced (its content is the command's)."""

    SCHEMA_VERSION: ClassVar[int] = 1
    position: int
    """Index of this event in the log."""
    command: DefinePriceList
    """The command that produced it (it holds the list)."""
