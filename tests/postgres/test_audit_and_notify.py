"""On a server the audit names the database login and its level is the server's; every write
notifies the other desks at its commit (and only then), with the kinds it touched."""

from __future__ import annotations

import select
import statistics
import time

import psycopg
import pytest

from tracker.store.repository import Repository

pytestmark = pytest.mark.postgres


@pytest.fixture
def server(engine_name, pg_cluster):
    from engine_kit import PostgresEngine

    engine = PostgresEngine(pg_cluster)
    pg_cluster.ensure_login("alice", "internal")
    pg_cluster.ensure_login("bob", "restricted")
    engine.target("bob")  # the database, empty
    yield engine
    engine.close()


def test_the_audit_names_the_login_not_the_user_the_program_says(server):
    with Repository(server.target("alice"), user="mallory") as alice:
        assert alice.user == "alice"
        rid = alice.create("roadmap", {"title": "Who did it"}).record_id
        entry = alice.history("roadmap", rid)[0]
        assert entry["user"] == "alice"
        assert alice.get("roadmap", rid)["created_by"] == "alice"
    assert server.sql('SELECT "user" FROM audit WHERE record_id = %s', (rid,)) == [("alice",)]


def test_a_forged_audit_row_gets_the_login_and_the_servers_level(server, pg_cluster):
    with pg_cluster.connect(server.dbname, user="alice") as conn:
        conn.execute('INSERT INTO audit (at, "user", kind, action, after) VALUES '
                     "('2020-01-01T00:00:00Z', 'bob', 'settings', 'settings', "
                     """'{"classification": "public"}')""")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):  # above her clearance
            conn.execute('INSERT INTO audit (at, "user", kind, action, after, classification) '
                         "VALUES ('2020-01-01T00:00:00Z', 'alice', 'roadmap', 'create', "
                         """'{"classification": "restricted"}', 'public')""")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):  # the trail is append-only
            conn.execute("DELETE FROM audit")
    assert server.sql('SELECT "user", classification FROM audit') == [("alice", "public")]


def test_an_audit_entry_is_as_secret_as_its_most_secret_snapshot(server):
    with Repository(server.target("bob")) as bob, Repository(server.target("alice")) as alice:
        rid = bob.create("people", {"title": "Raised", "classification": "internal"}).record_id
        bob.update("people", rid, {"classification": "restricted"}, expected_version=1)
        levels = [e["action"] for e in bob.history("people", rid)]
        assert levels == ["update", "create"]
        assert [e["action"] for e in alice.history("people", rid)] == ["create"]
    assert sorted(server.sql("SELECT action, classification FROM audit")) == [
        ("create", "internal"), ("update", "restricted")]


def _wait_readable(listener, seconds: float) -> bool:
    ready, _w, _x = select.select([listener.fileno()], [], [], seconds)
    return bool(ready)


def test_another_desks_save_is_notified_at_its_commit_with_its_kinds(server):
    with Repository(server.target("alice")) as alice, Repository(server.target("bob")) as bob:
        listener = alice.backend.listener()
        try:
            with pytest.raises(RuntimeError), bob.batch() as b:  # rolled back: nothing is sent
                b.put_setting("partner_country", "Nowhere")
                b.audit("settings", None, None, "settings", "x", None, {})
                raise RuntimeError("changed my mind")
            assert not _wait_readable(listener, 0.3) and listener.changes() == []
            latencies = []
            for i in range(10):
                started = time.perf_counter()
                change = bob.create("roadmap", {"title": f"Seen {i}"})
                assert _wait_readable(listener, 1.0), "no notification within 1 s"
                latencies.append(time.perf_counter() - started)
                (saved,) = listener.changes()
                assert saved.kinds == {"roadmap"} and saved.first == saved.last
                assert alice.history(limit=1)[0]["record_id"] == change.record_id
            bob.set_settings({"partner_country": "Uzbekistan"})
            assert _wait_readable(listener, 1.0)
            assert [s.kinds for s in listener.changes()] == [{"settings"}]
        finally:
            listener.close()
    print(f"\ncommit -> listener: median {statistics.median(latencies) * 1000:.1f} ms, "
          f"max {max(latencies) * 1000:.1f} ms")
    assert statistics.median(latencies) < 1.0


def test_data_version_changes_when_another_session_commits_not_for_ones_own(server):
    with Repository(server.target("alice")) as alice, Repository(server.target("bob")) as bob:
        v = alice.data_version()
        alice.create("roadmap", {"title": "Mine"})
        assert alice.data_version() == v
        bob.create("roadmap", {"title": "Theirs"})
        assert alice.data_version() != v
        v = alice.data_version()
        assert alice.data_version() == v


def test_stamps_come_from_the_servers_clock_and_are_one_per_write(server, monkeypatch):
    """Desks' clocks differ: on a server every stamp of a write is the server's time (the same
    for the record and its audit entry), whatever this machine's clock says."""
    from tracker.store import results

    monkeypatch.setattr(results, "now", lambda: "1999-01-01T00:00:00Z")
    with Repository(server.target("alice")) as alice:
        rid = alice.create("roadmap", {"title": "Stamped"}).record_id
        record = alice.get("roadmap", rid)
        entry = alice.history("roadmap", rid)[0]
    (server_now,) = server.sql("SELECT to_char(now() AT TIME ZONE 'UTC', "
                               "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')")[0]
    assert record["created_at"] == record["updated_at"] == entry["at"]
    assert record["created_at"][:4] == server_now[:4] != "1999"
