"""Shared fixtures. Qt runs offscreen; QSettings and the default database are isolated per test."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

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

    monkeypatch.delenv("TRACKER_DATES", raising=False)
    i18n.set_language("en")
    i18n.set_date_style(None)
    yield
    i18n.set_language("en")
    i18n.set_date_style(None)  # a CLI run with --dates sets it for the process


@pytest.fixture
def russian():
    """The interface in Russian for the test (``_isolate`` puts English back after it)."""
    from tracker import i18n

    i18n.set_language("ru")
    yield
    i18n.set_language("en")


@pytest.fixture(params=["en", "ru"])
def language(request):
    """The test once in English and once in Russian."""
    from tracker import i18n

    i18n.set_language(request.param)
    yield request.param
    i18n.set_language("en")


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "tracker.db"


# --- engines ----------------------------------------------------------------------------------
# A module that sets BOTH_ENGINES = True runs each test using ``engine`` (or ``repo``,
# ``empty_repo``) on SQLite and on a PostgreSQL server (a throwaway cluster, tests/pgcluster.py);
# ``@pytest.mark.sqlite_only`` keeps one test on SQLite. Elsewhere the engine is SQLite.

ENGINES = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def pytest_generate_tests(metafunc):
    if "engine_name" in metafunc.fixturenames and getattr(metafunc.module, "BOTH_ENGINES",
                                                           False) \
            and not metafunc.definition.get_closest_marker("sqlite_only"):
        metafunc.parametrize("engine_name", ENGINES, scope="module")


@pytest.fixture(scope="session")
def engine_name() -> str:
    return "sqlite"


@pytest.fixture(scope="session")
def pg_cluster():
    """A PostgreSQL cluster for the session, with the templates; skipped when the server's
    programs are absent, unless TRACKER_REQUIRE_POSTGRES=1 (CI) makes that a failure."""
    import time

    import pgcluster

    started = time.perf_counter()
    try:
        cluster = pgcluster.Cluster.start()
    except (FileNotFoundError, OSError) as exc:
        if os.environ.get(pgcluster.REQUIRE) == "1":
            pytest.fail(f"PostgreSQL is required ({pgcluster.REQUIRE}=1) but cannot start: "
                        f"{exc}", pytrace=False)
        pytest.skip(f"PostgreSQL is not available: {exc}")
    try:
        cluster.build_templates()
        cluster.setup_seconds = time.perf_counter() - started
        yield cluster
    finally:
        cluster.stop()
        if cluster.create_times:
            made, waited = sorted(cluster.create_times), sorted(cluster.wait_times)
            print(f"\nPostgreSQL: {len(waited)} test databases; CREATE DATABASE median "
                  f"{made[len(made) // 2] * 1000:.0f} ms (max {made[-1] * 1000:.0f}); a test "
                  f"waited median {waited[len(waited) // 2] * 1000:.0f} ms "
                  f"(max {waited[-1] * 1000:.0f})")


@pytest.fixture
def engine(engine_name, tmp_path, request):
    """This test's database on the engine the test runs on (see ENGINES)."""
    from engine_kit import make_engine

    e = make_engine(engine_name, tmp_path, request)
    yield e
    e.close()


@pytest.fixture
def repo(engine):
    """A freshly created and seeded repository."""

    r = engine.open(seed=True, user="tester")
    yield r
    r.close()


@pytest.fixture
def empty_repo(engine):

    r = engine.open(seed=False, user="tester")
    yield r
    r.close()

