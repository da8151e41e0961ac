"""A snapshot of the same log is the same, byte for byte, in every process: nothing in it
may follow the order of a set of strings, which changes with Python's hash seed."""

from __future__ import annotations

import os
import subprocess
import sys

_BODY_DIGEST = """
import hashlib, json, random
from invorder import simulate as sim
from invorder.engine._snapshot_body import export_state

params = sim.Parameters(orders=120, skus=30, return_percent=20, cover=0.6)
engine = sim.simulate(sim.generate(params, random.Random(5))).engine
body = export_state(engine._state, engine._replica.keys)
print(hashlib.sha256(json.dumps(body, default=str).encode()).hexdigest())
"""


def _digest(seed: str) -> str:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    done = subprocess.run([sys.executable, "-c", _BODY_DIGEST], env=env, check=True,
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    return done.stdout.strip()


def test_the_snapshot_body_does_not_depend_on_the_hash_seed() -> None:
    digests = {_digest(seed) for seed in ("1", "2", "3")}
    assert len(digests) == 1, digests
