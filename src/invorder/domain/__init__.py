"""The domain layer: values, commands, events and pure decisions, by area. It imports nothing
else of ours (import-linter checks it, and the order of the areas, in ``.ci/run``).

One naming rule in every area: ``commands.py`` holds its commands (imperative names),
``events.py`` its events (past tense), one noun module per record or projection, and
``decide*.py`` its pure decisions; a concept under about 200 lines may stay one module. Each
area's ``__init__`` maps its modules and holds its table of who decides what
(``DECISIONS``), which :mod:`invorder.domain.model`, the codec and the hypothesis
strategies read, so adding a command touches one area. "Where is X decided?" is answered by
``ls``.

=================  ========================================================================
area               what it holds (each depends only on the rows above it)
=================  ========================================================================
``stock``          locations, the catalog, movements, the ledger projection, transfers;
                   receive, count, damage, quarantine, scrap, move, transfer, kits
``reservations``   two-phase holds: reserve, commit, release, expire; pre-orders
``purchasing``     purchase orders, suppliers, valuation at weighted-average cost
``availability``   ATP by location, date and channel; channels and their policies
``orders``         capture, holds, allocation, shipments, cancellations, returns, alerts
                   (independent of ``availability``)
=================  ========================================================================

Shared by every area: ``messages`` (the command and event bases, the decision row type),
``errors`` (every typed error and its code), ``money`` and ``_checks`` (validators). ``model``
holds :class:`~invorder.domain.model.State` (every projection) and the one ``decide`` built
from the areas' tables.
"""
