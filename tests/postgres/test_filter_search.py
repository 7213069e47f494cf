"""A text filter on one kind's table (``search_ids()``, schema_0008.sql) finds that kind's records
holding the words at the login's clearance -- never another kind's, never a level above it -- and
the server finds them through the index of the kind's entries, reading no other kind's."""

from __future__ import annotations

import pytest

from tracker.store.repository import Repository

pytestmark = pytest.mark.postgres


@pytest.fixture
def desks(pg_cluster):
    """bob (restricted) wrote "Kestrel" into road-map items at every level, a meeting, an
    agreement and an item in the trash; alice has internal clearance."""
    from engine_kit import PostgresEngine

    engine = PostgresEngine(pg_cluster)
    pg_cluster.ensure_login("bob", "restricted")
    pg_cluster.ensure_login("alice", "internal")
    made: dict[str, int] = {}
    with Repository(engine.target("bob", seed=True)) as bob:
        for title, level in (("Kestrel step one", "public"), ("Kestrel step two", "internal"),
                             ("Kestrel step three", "restricted"), ("Kestrel old", "internal"),
                             ("Falcon step", "internal")):
            made[title] = bob.create("roadmap", {"title": title,
                                                 "classification": level}).record_id
        bob.delete("roadmap", made["Kestrel old"])
        made["Kestrel talks"] = bob.create("meetings", {"title": "Kestrel talks",
                                                        "classification": "internal"}).record_id
        made["Kestrel treaty"] = bob.create("agreements", {"title": "Kestrel treaty",
                                                           "classification": "public"}).record_id
    yield engine, made
    engine.close()


def test_a_text_filter_finds_its_kinds_records_at_the_logins_clearance_only(desks):
    engine, made = desks
    with Repository(engine.target("alice")) as alice, Repository(engine.target("bob")) as bob:
        assert set(alice.ids("roadmap", search="kestrel")) == \
            {made["Kestrel step one"], made["Kestrel step two"]}
        assert alice.count("roadmap", search="kestrel") == 2
        assert bob.count("roadmap", search="kestrel") == 3
        assert alice.count("roadmap", search="kestrel", trash=True) == 1
        assert alice.ids("meetings", search="kestrel") == [made["Kestrel talks"]]
        assert alice.ids("agreements", search="kestrel") == [made["Kestrel treaty"]]
        assert alice.ids("roadmap", search="falcon") == [made["Falcon step"]]
        assert alice.count("people", search="kestrel") == 0


@pytest.mark.parametrize("kind", ["roadmap' | 'kind meetings", "roadmap\\", "", "kind roadmap",
                                  "ROADMAP", "roadmap "])
def test_search_ids_of_a_kind_name_not_ours_finds_nothing(desks, pg_cluster, kind):
    engine, _made = desks
    with pg_cluster.connect(engine.dbname, user="alice") as conn:
        assert conn.execute("SELECT count(*) FROM search_ids('kestrel:*'::tsquery, %s)",
                            (kind,)).fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM search_ids('kestrel:*'::tsquery, 'roadmap')"
                            ).fetchone()[0] == 3  # the two at her levels and the one in the trash


def test_the_server_finds_a_kinds_matches_through_that_kinds_index_entries(desks, pg_cluster):
    """The plan inside search_ids(), as a login (not a superuser): the entries are found by the
    index holding the kind, not by the words' index ANDed with every entry of the kind."""
    engine, made = desks
    plans: list[str] = []
    with pg_cluster.connect(engine.dbname) as conn:
        conn.add_notice_handler(lambda d: plans.append(d.message_primary or ""))
        conn.execute("LOAD 'auto_explain'")
        for setting in ("log_min_duration = 0", "log_nested_statements = on",
                        "log_level = notice"):
            conn.execute(f"SET auto_explain.{setting}")
        conn.execute("SET enable_seqscan = off")  # a few rows here; 100,000 in use
        conn.execute("SET SESSION AUTHORIZATION alice")
        assert conn.execute("SELECT current_setting('is_superuser')").fetchone()[0] == "off"
        found = {r for (r,) in conn.execute(
            "SELECT search_ids('kestrel:*'::tsquery, 'roadmap')")}
    assert made["Kestrel step one"] in found and made["Kestrel step three"] not in found
    inner = [p for p in plans if "Bitmap" in p or "Scan" in p]
    assert inner and any("search_kind_tsv" in p for p in inner), plans
    assert not any("search_pkey" in p or "search_tsv " in p for p in inner), plans
