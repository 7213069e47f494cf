"""Skipping the PostgreSQL half of the suite is allowed on a laptop without the server, never in
CI: TRACKER_REQUIRE_POSTGRES=1 (set by .ci/run) turns the skip into a failure."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ONE_TEST = "tests/store/test_repository.py::test_not_found"


def _pytest(tmp_path, **env) -> subprocess.CompletedProcess:
    full = {k: v for k, v in os.environ.items() if k != "TRACKER_REQUIRE_POSTGRES"}
    full.update({"TRACKER_PG_BIN": str(tmp_path / "no-server"), **env})
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           ONE_TEST], cwd=ROOT, env=full, capture_output=True, text=True,
                          timeout=300)


@pytest.mark.slow
def test_without_a_server_the_postgres_half_is_skipped_unless_required(tmp_path):
    laptop = _pytest(tmp_path)
    assert laptop.returncode == 0, laptop.stdout + laptop.stderr
    assert "1 passed, 1 skipped" in laptop.stdout
    ci = _pytest(tmp_path, TRACKER_REQUIRE_POSTGRES="1")
    assert ci.returncode == 1, ci.stdout + ci.stderr
    assert "PostgreSQL is required" in ci.stdout and "1 passed" in ci.stdout
