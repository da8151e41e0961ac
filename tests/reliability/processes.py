"""Worker processes started together: each is started and connected (it prints ``ready``)
before any is told ``go``, and each ends by printing one JSON line, its report."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def run_together(module: str, argvs: list[list[str]], timeout: float = 300) -> list[Any]:
    """Run ``python -m module *argv`` for each of ``argvs`` from the repository root, all
    released at once; the report each printed last, in the order given."""
    workers = [
        subprocess.Popen([sys.executable, "-m", module, *argv], cwd=ROOT,
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        for argv in argvs
    ]  # fmt: skip
    for worker in workers:  # all started and connected before any goes
        assert worker.stdout is not None
        assert worker.stdout.readline().strip() == "ready"
    for worker in workers:
        assert worker.stdin is not None
        worker.stdin.write("go\n")
        worker.stdin.flush()
    reports = []
    for worker in workers:
        out, _ = worker.communicate(timeout=timeout)
        assert worker.returncode == 0
        reports.append(json.loads(out.strip().splitlines()[-1]))
    return reports
