"""Test set-up shared by the whole repository: hypothesis profiles and the docs runner.

``HYPOTHESIS_PROFILE`` picks ``dev`` (default), ``ci`` (more examples, no deadline; set by
``.ci/run``) or ``nightly``. Every ``python`` block in ``README.md`` and ``docs/*.md`` runs
as a test, through Sybil; matplotlib draws with the ``Agg`` backend (nothing on screen).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings
from sybil import Sybil
from sybil.parsers.markdown import PythonCodeBlockParser

settings.register_profile("dev", max_examples=60, deadline=None)
settings.register_profile(
    "ci", max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "nightly", max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

# Plots in tests and docs draw off screen (a notebook keeps its own backend).
os.environ.setdefault("MPLBACKEND", "Agg")

pytest_collect_file = Sybil(
    parsers=[PythonCodeBlockParser()],
    patterns=["README.md", "docs/**/*.md", "docs/*.md"],
).pytest()
