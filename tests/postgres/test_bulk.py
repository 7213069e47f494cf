"""Generated data (benchmarks) on a server: the bulk writers, the identity sequences moved past
the ids the rows carry, search entries with each record's level."""

from __future__ import annotations

import pytest

from tracker.model import KINDS
from tracker.seed.synthetic import GENERATION_ORDER, generate

pytestmark = pytest.mark.postgres

N = 60


def test_generated_rows_are_stored_linked_searchable_and_counted_once(engine_name, pg_cluster):
    from engine_kit import PostgresEngine

    engine = PostgresEngine(pg_cluster)
    try:
        with engine.open() as repo:
            counts = generate(repo, N, seed=5)
            generate(repo, N, seed=5)  # twice: ids continue, uids stay unique
            for kind in GENERATION_ORDER:
                assert counts[kind] == N
                stored = engine.sql(f'SELECT count(*), count(DISTINCT uid) FROM "{kind}"')[0]
                assert stored == (2 * N, 2 * N), kind
                searched = engine.sql("SELECT count(*) FROM search s JOIN "
                                      f'"{kind}" k ON k.id = s.record_id AND s.kind = %s '
                                      "WHERE s.classification = k.classification", (kind,))
                assert searched[0][0] == 2 * N, kind
            assert repo.search("запуск", limit=500)
            assert repo.count("roadmap", search="tractors") > 0
            rid = repo.create("roadmap", {"title": "After the bulk"}).record_id
            assert rid > max(repo.ids("roadmap", trash=True) + repo.ids("roadmap")) - 1
            meeting = engine.sql("SELECT meetings_id FROM meetings_participants")[0][0]
            assert repo.get("meetings", meeting)["participants"]
            kind, record_id = engine.sql("SELECT kind, record_id FROM citations")[0]
            assert repo.get(kind, record_id)["citations"]
            assert [e["action"] for e in repo.history()][:3] == ["create", "generate",
                                                                 "generate"]
        assert set(GENERATION_ORDER) == set(KINDS)
    finally:
        engine.close()


def test_deep_pages_read_through_the_index_are_the_same_rows(engine_name, pg_cluster,
                                                           monkeypatch):
    """Pages far down a list are found through the sort index alone, then read: the same rows in
    the same order as reading them directly."""
    from engine_kit import PostgresEngine

    from tracker.store.postgres import backend

    engine = PostgresEngine(pg_cluster)
    try:
        with engine.open() as repo:
            generate(repo, 5, seed=2, sizes={"roadmap": 150})
            pages = {}
            for deep in (10**9, 10):  # direct first, then every page past 10 rows "deep"
                monkeypatch.setattr(backend, "DEEP_OFFSET", deep)
                pages[deep] = [[row["id"] for row in repo.list(
                    "roadmap", sort=sort, descending=desc, limit=25, offset=offset)]
                    for sort in ("due_date", "notes", "title") for desc in (False, True)
                    for offset in (0, 30, 100, 140)]
            assert pages[10] == pages[10**9]
            live = repo.count("roadmap")
            assert live > 140
            assert sum(len(p) for p in pages[10]) == 6 * (25 * 3 + live - 140)
    finally:
        engine.close()
