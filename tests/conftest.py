"""Fixtures for the storage tests: where PostgreSQL is, and throwaway SQL databases.

PostgreSQL tests read the URL from ``INVORDER_TEST_POSTGRES_URL`` (``.ci/run`` starts a
server and sets it). Without it they skip with that reason, except under ``CI=true``, where
a missing server is a failure: CI must run them.
"""

from __future__ import annotations

import os

import pytest

POSTGRES_URL_VARIABLE = "INVORDER_TEST_POSTGRES_URL"


@pytest.fixture
def postgres_url() -> str:
    """The PostgreSQL URL to test against; skips (or fails in CI) when there is none."""
    url = os.environ.get(POSTGRES_URL_VARIABLE, "")
    if not url:
        reason = f"no PostgreSQL to test against: set {POSTGRES_URL_VARIABLE} (.ci/run does)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason + "; CI must run the PostgreSQL tests")
        pytest.skip(reason)
    return url
