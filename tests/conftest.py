"""Shared fixtures. Qt runs offscreen; QSettings and the default database are isolated per test."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tracker.session import open_session

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("LANGUAGE", "en")

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _isolate(tmp_path_factory, monkeypatch):
    """Keep every test away from the user's real data folder, settings and language."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("TRACKER_DB", str(home / "data" / "default.db"))
    from tracker import i18n

    i18n.set_language("en")
    yield
    i18n.set_language("en")


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "tracker.db"


@pytest.fixture
def repo(db_path):
    """A freshly created and seeded repository."""

    r = open_session(db_path, seed=True, user="tester")
    yield r
    r.close()


@pytest.fixture
def empty_repo(db_path):

    r = open_session(db_path, seed=False, user="tester")
    yield r
    r.close()

