"""The engine: the application service hosts call to run commands and ask questions."""

from invorder.engine._bulk import BULK_YOUNG_THRESHOLD, fewer_collections
from invorder.engine._writer import Outcome, Rejected
from invorder.engine.engine import Engine

__all__ = ["BULK_YOUNG_THRESHOLD", "Engine", "Outcome", "Rejected", "fewer_collections"]
