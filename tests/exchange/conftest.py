"""Fixtures the exchange tests share."""

from __future__ import annotations

import pytest

from tracker.session import open_session


@pytest.fixture
def other(tmp_path):
    r = open_session(tmp_path / "other.db", seed=False, user="importer")
    yield r
    r.close()
