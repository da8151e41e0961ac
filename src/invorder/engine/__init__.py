"""The engine: the application service hosts call to run commands and ask questions.

==================  ==================================================================
module              what it holds
==================  ==================================================================
``engine``          :class:`Engine`, the one object a host uses; its queries delegate
``_writer``         the command loop: decide, append, fold, retry on conflict
``_replica``        the store loop: load, catch up, fold; projections and key index
``_idempotency``    the key index, the outcome of a key, repeats and their conflicts
``_snapshot``       the snapshot format's header, schema, upcasters; saving, restoring
                    (only when it fits the log) and the start-up report
``_snapshot_body``  each projection and the key index as JSON data and back
``_verification``   the projections checked against a replay of the log
``views``           the queries, one module per domain area
``allocation``      the routing rule as the order book's allocator; host policies
``options``         :class:`EngineOptions`, the engine's keyword options as a typed dict
==================  ==================================================================
"""

from invorder.engine._writer import Outcome, Rejected
from invorder.engine.engine import Engine
from invorder.engine.options import EngineOptions

__all__ = ["Engine", "EngineOptions", "Outcome", "Rejected"]
