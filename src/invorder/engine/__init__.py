"""The engine: the application service hosts call to run commands and ask questions."""

from invorder.engine.engine import Engine, Outcome, Rejected

__all__ = ["Engine", "Outcome", "Rejected"]
