"""Classification enforced by the server: a login reads and writes only records at the levels its
clearance roles allow, through every repository call and through raw SQL; no setting a client
may change widens it."""

from __future__ import annotations

import datetime as dt

import psycopg
import pytest

from tracker.store.errors import DatabaseError, NotFound, StorageError
from tracker.store.repository import Repository

pytestmark = pytest.mark.postgres

SECRET = "Zvezda secret protocol"


@pytest.fixture
def desks(engine_name, pg_cluster):
    """A seeded database with one restricted agreement (made by bob, restricted), one internal
    one; alice has internal clearance, carol none."""
    from engine_kit import PostgresEngine

    engine = PostgresEngine(pg_cluster)
    pg_cluster.ensure_login("bob", "restricted")
    pg_cluster.ensure_login("alice", "internal")
    pg_cluster.ensure_login("carol", None)
    with Repository(engine.target("bob", seed=True)) as bob:
        people = bob.ids("people")
        secret = bob.create("agreements", {"title": SECRET, "classification": "restricted",
                                           "notes": "zvezda"}).record_id
        bob.create("meetings", {"title": "Zvezda talks", "classification": "restricted",
                                "participants": people[:1]})
        shared = bob.create("agreements", {"title": "Zvezda open treaty",
                                           "classification": "internal"}).record_id
        bob.update("agreements", secret, {"reference": "R-7"}, expected_version=1)
    yield engine, secret, shared
    engine.close()


def test_a_login_with_internal_clearance_reads_no_restricted_record_by_any_call(desks):
    engine, secret, shared = desks
    with Repository(engine.target("alice")) as alice, \
            Repository(engine.target("bob")) as bob:
        assert bob.get("agreements", secret)["title"] == SECRET  # it is there
        assert secret not in alice.ids("agreements") and shared in alice.ids("agreements")
        assert alice.count("agreements") == bob.count("agreements") - 1
        assert alice.count("agreements", search="zvezda") == 1
        assert [h.record_id for h in alice.search("zvezda", kinds=["agreements"])] == [shared]
        assert {h.title for h in alice.search("zvezda")} == {"Zvezda open treaty"}
        with pytest.raises(NotFound):
            alice.get("agreements", secret)
        assert alice.stored("agreements", secret, ["title"]) is None
        assert not alice.exists("agreements", secret)
        assert alice.titles("agreements", [secret, shared]) == {shared: "Zvezda open treaty"}
        assert alice.position("agreements", secret) is None
        assert alice.same_title("agreements", SECRET) == []
        assert secret not in alice.uids("agreements")
        assert alice.history("agreements", secret) == []
        assert alice.history_count("agreements", secret) == 0
        assert SECRET not in repr(alice.history(limit=1000))
        assert bob.history_count("agreements", secret) == 2
        figures = alice.figures(dt.date(2026, 11, 27), max_classification="restricted")
        assert figures["agreements_total"] == alice.count("agreements")
        assert SECRET not in repr(figures)
        from tracker.exchange import export_data

        assert SECRET not in repr(export_data(alice))
        assert SECRET in repr(export_data(bob))
        from tracker.briefing import BriefingOptions
        from tracker.briefing.gather import gather

        briefing = gather(alice, BriefingOptions(max_classification="restricted"),
                          dt.date(2026, 11, 27))
        assert SECRET not in repr(briefing) and "Zvezda open treaty" in repr(briefing)
        people = bob.ids("people")  # the restricted meeting's participant: not linked for alice
        assert "Zvezda talks" in repr(bob.linked_from("people", people[0]))
        assert "Zvezda talks" not in repr(alice.linked_from("people", people[0]))


def test_raw_sql_as_that_login_sees_no_restricted_row(desks, pg_cluster):
    engine, secret, _shared = desks
    with pg_cluster.connect(engine.dbname, user="alice") as conn:
        assert conn.execute("SELECT count(*) FROM agreements WHERE id = %s",
                            (secret,)).fetchone()[0] == 0
        levels = {r[0] for r in conn.execute("SELECT classification FROM agreements")}
        assert levels <= {"public", "internal"}
        assert conn.execute("SELECT count(*) FROM audit WHERE record_id = %s AND kind = "
                            "'agreements'", (secret,)).fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM search WHERE classification = 'restricted'"
                            ).fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM search_hits('zvezda:*'::tsquery, NULL, NULL) "
                            "WHERE record_id = %s", (secret,)).fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM citations c JOIN agreements a "
                            "ON a.id = c.record_id WHERE a.id = %s", (secret,)).fetchone()[0] == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("SELECT tsv FROM search")  # the index only through search_hits()


@pytest.mark.parametrize("attempt", [
    "SET ROLE tracker_restricted", "SET ROLE bob", "SET ROLE tracker_owner",
    "SET SESSION AUTHORIZATION bob", "ALTER TABLE agreements DISABLE ROW LEVEL SECURITY",
    "ALTER TABLE agreements NO FORCE ROW LEVEL SECURITY", "GRANT tracker_restricted TO alice",
    "DROP POLICY tracker_read ON agreements",
    "CREATE FUNCTION public.leak() RETURNS int LANGUAGE sql AS 'SELECT 1'",
])
def test_a_login_cannot_raise_its_own_clearance(desks, pg_cluster, attempt):
    engine, secret, _shared = desks
    with pg_cluster.connect(engine.dbname, user="alice") as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(attempt)
        assert conn.execute("SELECT count(*) FROM agreements WHERE id = %s",
                            (secret,)).fetchone()[0] == 0


def test_settings_a_client_may_change_widen_nothing(desks, pg_cluster):
    engine, secret, _shared = desks
    with pg_cluster.connect(engine.dbname, user="alice") as conn:
        conn.execute("SET tracker.clearance = 'restricted'")
        conn.execute("SET ROLE tracker_internal")  # a role she holds: allowed, changes nothing
        assert conn.execute("SELECT count(*) FROM agreements WHERE id = %s",
                            (secret,)).fetchone()[0] == 0
        conn.execute("RESET ROLE")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):  # "would be affected by RLS"
            conn.execute("SET row_security = off")
            conn.execute("SELECT count(*) FROM agreements")


def test_writing_above_ones_clearance_is_refused_and_writes_nothing(desks):
    engine, secret, shared = desks
    with Repository(engine.target("alice")) as alice:
        n, audit = alice.count("agreements"), alice.history_count()
        with pytest.raises(StorageError, match="clearance"):
            alice.create("agreements", {"title": "Above me", "classification": "restricted"})
        with pytest.raises(StorageError, match="clearance"):
            alice.update("agreements", shared, {"classification": "restricted"},
                         expected_version=1)
        with pytest.raises(NotFound):  # a record she cannot see is not there for her
            alice.update("agreements", secret, {"title": "Mine now"}, expected_version=None)
        assert alice.count("agreements") == n and alice.history_count() == audit
        assert alice.get("agreements", shared)["classification"] == "internal"
    with Repository(engine.target("bob")) as bob:
        assert bob.get("agreements", secret)["title"] == SECRET
        assert bob.count("agreements", search="above") == 0


def test_a_login_without_clearance_is_told_to_ask_for_one(desks):
    engine, _secret, _shared = desks
    with pytest.raises(DatabaseError, match="no clearance") as info:
        Repository(engine.url_for("carol"))
    assert "grant carol" in str(info.value) and "\n" not in str(info.value)


def test_a_grant_takes_effect_on_the_next_statement_of_open_sessions(desks, pg_cluster):
    from tracker.session import grant_clearance

    engine, secret, _shared = desks
    login = "desk_regrant"
    pg_cluster.ensure_login(login, "internal")
    with Repository(engine.url_for(login)) as desk:
        assert not desk.exists("agreements", secret)
        grant_clearance(pg_cluster.url("postgres", "postgres"), login, "restricted")
        assert desk.get("agreements", secret)["title"] == SECRET
        grant_clearance(pg_cluster.url("postgres", "postgres"), login, "public")
        assert desk.count("agreements") == desk.count("agreements",
                                                      max_classification="public")
    with pytest.raises(StorageError, match="unknown clearance"):
        grant_clearance(pg_cluster.url("postgres", "postgres"), login, "secret")


def test_a_leaky_function_of_the_login_sees_only_rows_it_may_read(desks, pg_cluster):
    """Policies filter before a login's own (non-leakproof) function runs: a function that
    reports every value it is given hears nothing of a restricted row."""
    engine, _secret, _shared = desks
    heard: list[str] = []
    with pg_cluster.connect(engine.dbname, user="alice") as conn:
        conn.add_notice_handler(lambda diag: heard.append(diag.message_primary or ""))
        conn.execute("CREATE FUNCTION pg_temp.leak(t text) RETURNS boolean LANGUAGE plpgsql "
                     "COST 0.0000001 AS $$ BEGIN RAISE NOTICE '%', t; RETURN true; END $$")
        conn.execute("SELECT id FROM agreements WHERE pg_temp.leak(title)").fetchall()
        conn.execute("SELECT id FROM agreements WHERE pg_temp.leak(notes) "
                     "AND classification = 'restricted'").fetchall()
    assert heard and "Zvezda open treaty" in heard
    assert SECRET not in heard and "zvezda" not in heard
