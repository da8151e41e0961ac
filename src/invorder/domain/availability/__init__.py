"""Availability: what can be promised, by location, by date and per sales channel (the read
side), and the channels' policies.

========================  =================================================================
module                    what it holds
========================  =================================================================
``commands``              ``DefineChannel``: which locations feed a channel, safety stock,
                          share caps, selling incoming stock
``events``                ``ChannelDefined``
``channel``               a channel as the log tells it, the projection, the publish set
                          and its diff
``atp``                   available-to-promise by subtree, by date and per channel; stock
                          position and stock-out risk (pure functions, never stored)
``decide``                a channel policy is accepted when its locations exist
========================  =================================================================
"""

from __future__ import annotations

from invorder.domain.availability.channel import Channels
from invorder.domain.availability.commands import DefineChannel
from invorder.domain.availability.decide import decide_define_channel
from invorder.domain.availability.events import ChannelDefined
from invorder.domain.messages import Decision

PROJECTIONS = {"channels": Channels}
"""The projections this area folds, by their name in the domain state."""

DECISIONS = (Decision(DefineChannel, decide_define_channel, ("ledger",)),)
"""Every availability command, the function that decides it and what it reads."""

EVENTS: tuple[type, ...] = (ChannelDefined,)
"""The events this area writes."""
