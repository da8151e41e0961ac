"""Tools for testing code built on invorder: hypothesis strategies, the port contract kit, and
:func:`assert_decisions_unchanged`, which pins a routing rule's decisions to a golden file.

Importing the strategies and the kit needs the ``test`` extra (hypothesis, pytest); the core
does not, and neither does this package's top level.
"""

from invorder.testing.decisions import RECORD_DECISIONS, assert_decisions_unchanged

__all__ = ["assert_decisions_unchanged", "RECORD_DECISIONS"]
