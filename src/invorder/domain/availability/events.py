"""Availability events: a channel defined or its policy replaced."""

from __future__ import annotations

from typing import ClassVar

import attrs

from invorder.domain.availability.commands import DefineChannel
from invorder.domain.messages import FromCommand


@attrs.frozen(kw_only=True)
class ChannelDefined(FromCommand):
    """A channel was defined or its policy replaced."""

    SCHEMA_VERSION: ClassVar[int] = 1
    position: int
    """Index of this event in the log."""
    command: DefineChannel
    """The command that produced it (it holds the policy)."""
