"""Fixtures the CLI tests share."""

from __future__ import annotations

import pytest
from cli_helpers import cli, ok


@pytest.fixture
def seeded(db_path):
    ok(cli(db_path, "init"))
    return db_path
