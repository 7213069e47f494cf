"""Reads kept on a server (tracker/store/postgres/kept.py): a text filter's records are searched
once for the count and the pages the table asks for, a count asked again is not counted again,
and what they show still follows every commit at once -- another desk's, this session's own, a
change of classification, a clearance granted -- and the login's clearance."""

from __future__ import annotations

import pytest

from tracker.store.repository import Repository

pytestmark = pytest.mark.postgres


@pytest.fixture
def desks(pg_cluster):
    """bob (restricted) and alice (internal) on one database holding six "Kestrel" items."""
    from engine_kit import PostgresEngine

    engine = PostgresEngine(pg_cluster)
    pg_cluster.ensure_login("bob", "restricted")
    pg_cluster.ensure_login("alice", "internal")
    with Repository(engine.target("bob", seed=True)) as bob:
        for i in range(6):
            bob.create("roadmap", {"title": f"Kestrel step {i}", "classification": "internal",
                                   "due_date": None if i % 3 == 0 else f"2026-0{1 + i}-01"})
    yield engine
    engine.close()


def searches(repo, marker: str = "search_ids") -> list[str]:
    """Record the statements of ``repo``'s session that hold ``marker`` (run the search)."""
    seen: list[str] = []
    backend = repo.backend
    run = backend._execute  # noqa: SLF001 - the test watches what reaches the server

    def watched(sql, params=()):
        if marker in sql:
            seen.append(sql)
        return run(sql, params)

    backend._execute = watched  # noqa: SLF001
    return seen


def test_a_text_filter_searches_once_for_its_count_and_its_pages(desks):
    with Repository(desks.target("alice")) as alice:
        seen = searches(alice)
        assert alice.count("roadmap", search="kestrel") == 6
        first = alice.list("roadmap", search="kestrel", sort="due_date", limit=4)
        rest = alice.list("roadmap", search="kestrel", sort="due_date", limit=4, offset=4)
        rows = first + rest
        assert len(seen) == 1  # the count and both pages from one search
        assert [r["title"] for r in rows] == [f"Kestrel step {i}" for i in (1, 2, 4, 5, 0, 3)]
        assert alice.position("roadmap", rows[3]["id"], search="kestrel", sort="due_date") == 3
        assert len(seen) == 1


def test_another_desks_saves_show_in_the_same_filter_at_once(desks):
    with Repository(desks.target("alice")) as alice, \
            Repository(desks.target("bob")) as bob:
        assert alice.count("roadmap", search="kestrel") == 6
        new = bob.create("roadmap", {"title": "Kestrel late step",
                                     "classification": "internal"}).record_id
        assert alice.count("roadmap", search="kestrel") == 7
        assert new in alice.ids("roadmap", search="kestrel")
        bob.delete("roadmap", new)
        assert alice.count("roadmap", search="kestrel") == 6
        assert new not in alice.ids("roadmap", search="kestrel")
        # raised above alice's clearance by another desk: gone from her filter at once
        first = alice.ids("roadmap", search="kestrel")[0]
        bob.update("roadmap", first, {"classification": "restricted"},
                   expected_version=bob.get("roadmap", first)["version"])
        assert alice.count("roadmap", search="kestrel") == 5
        assert first not in alice.ids("roadmap", search="kestrel")
        assert alice.position("roadmap", first, search="kestrel") is None
        assert bob.count("roadmap", search="kestrel") == 6


def test_a_desks_own_saves_show_in_its_filter_at_once(desks):
    with Repository(desks.target("alice")) as alice:
        assert alice.count("roadmap", search="kestrel") == 6
        rid = alice.create("roadmap", {"title": "Kestrel own step",
                                       "classification": "internal"}).record_id
        assert alice.count("roadmap", search="kestrel") == 7
        alice.update("roadmap", rid, {"title": "Falcon own step"}, expected_version=1)
        assert alice.count("roadmap", search="kestrel") == 6
        assert rid not in alice.ids("roadmap", search="kestrel")
        assert alice.ids("roadmap", search="falcon") == [rid]


def test_a_count_asked_again_is_counted_again_only_after_a_commit(desks):
    with Repository(desks.target("alice")) as alice, \
            Repository(desks.target("bob")) as bob:
        counted = searches(alice, "count(*)")
        seen = alice.count("roadmap")
        assert alice.count("roadmap") == seen
        assert len(counted) == 1
        bob.create("roadmap", {"title": "Another desk's step", "classification": "internal"})
        assert alice.count("roadmap") == seen + 1
        mine = bob.count("roadmap")
        bob.create("roadmap", {"title": "Above alice", "classification": "restricted"})
        assert alice.count("roadmap") == seen + 1 and bob.count("roadmap") == mine + 1


def test_a_clearance_granted_on_the_server_shows_in_the_next_count(desks, pg_cluster):
    pg_cluster.ensure_login("dora", "internal")
    with Repository(desks.target("bob")) as bob:
        bob.create("roadmap", {"title": "Kestrel restricted step", "classification": "restricted"})
        everything = bob.count("roadmap")
    with Repository(desks.target("dora")) as dora:
        internal = dora.count("roadmap")
        assert internal < everything
        assert dora.count("roadmap", search="kestrel") == 6
        pg_cluster.ensure_login("dora", "restricted")  # a grant, in another database
        assert dora.count("roadmap") == everything
        assert dora.count("roadmap", search="kestrel") == 7
        pg_cluster.ensure_login("dora", "internal")
        assert dora.count("roadmap") == internal
        assert dora.count("roadmap", search="kestrel") == 6


def test_deep_pages_read_from_the_nearer_end_give_the_whole_lists_rows(desks, monkeypatch):
    """Every page past the second is "deep" here: those past the middle are read backwards from
    the end; paged, each sort in each direction (with empty values, records in the trash, a
    text filter) gives the whole list's rows in its order, and nothing past its end."""
    from tracker.store.postgres import backend

    monkeypatch.setattr(backend, "DEEP_OFFSET", 2)
    with Repository(desks.target("alice")) as alice:
        alice.delete("roadmap", alice.ids("roadmap", search="kestrel")[2])
        for search in (None, "kestrel"):
            for sort in ("due_date", "title", "notes", "progress", "id"):
                for descending in (False, True):
                    ask = {"search": search, "sort": sort, "descending": descending}
                    whole = [r["id"] for r in alice.list("roadmap", **ask)]
                    assert len(whole) == alice.count("roadmap", search=search)
                    paged = [r["id"] for at in range(0, len(whole) + 6, 3)
                             for r in alice.list("roadmap", limit=3, offset=at, **ask)]
                    assert paged == whole, ask
