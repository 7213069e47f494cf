"""The CLI on a shared database (``--db postgresql://...`` or TRACKER_DB): every command opens the
server, the administrator's ``init`` and ``grant``, the file-only commands refused in one line,
and a desk's file moved to a server by export and import."""

from __future__ import annotations

import json
import os

import pytest
from cli_helpers import cli, fails, ok
from click.testing import CliRunner

from tracker.cli.main import main
from tracker.seed.article import RECORDS
from tracker.store.repository import Repository

SEEDED = len(RECORDS) + 1  # the article's records and the article itself

pytestmark = pytest.mark.postgres


@pytest.fixture
def server(pg_cluster):
    """A seeded server database; ``server.target(login)`` its address for a login."""
    from engine_kit import PostgresEngine

    engine = PostgresEngine(pg_cluster)
    engine.target("tester", seed=True)
    yield engine
    engine.close()


@pytest.fixture
def bare_database(pg_cluster):
    """A database the administrator made (CREATE DATABASE) and nothing else: ``init``'s job."""
    name = f"bare_{os.getpid()}_{id(pg_cluster) % 10_000}_{len(pg_cluster.create_times)}"
    pg_cluster.admin().execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    pg_cluster.admin().execute(f"CREATE DATABASE {name}")
    yield name
    pg_cluster.drop_database(name)


def test_an_address_opens_the_server_for_every_command_never_a_file(server, tmp_path,
                                                                     monkeypatch):
    monkeypatch.chdir(tmp_path)  # a folded "postgresql:/..." path would be made here
    url = server.target("tester")
    with Repository(url) as repo:
        rid = repo.create("roadmap", {"title": "Only on the server"}).record_id
    listed = json.loads(ok(cli(url, "list", "roadmap", "--json")).stdout)
    assert "Only on the server" in [r["title"] for r in listed]
    ok(cli(url, "edit", "roadmap", str(rid), "progress=40"))
    assert '"progress": 40' in ok(cli(url, "show", "roadmap", str(rid), "--json")).stdout
    assert "Only on the server" in ok(cli(url, "search", "server")).stdout
    monkeypatch.setenv("TRACKER_DB", url)  # the address in TRACKER_DB, no --db
    shown = CliRunner().invoke(main, ["--language", "en", "show", "roadmap", str(rid)])
    assert ok(shown).stdout.startswith("Road-map item")
    assert list(tmp_path.iterdir()) == []  # no file made in place of the server


def test_init_sets_a_server_database_up_and_a_second_run_changes_nothing(pg_cluster,
                                                                        bare_database):
    dba = pg_cluster.url(bare_database, "postgres")
    first = ok(cli(dba, "init"))
    assert first.stdout.strip() == dba
    assert "set up" in first.stderr and "grant" in first.stderr
    ok(cli(dba, "grant", "desk_ann", "--clearance", "internal"))
    with Repository(pg_cluster.url(bare_database, "desk_ann")) as ann:
        counts = ann.totals()
        assert counts["roadmap"] == 5 and counts["agreements"] == 4  # the article's records
        assert ann.user == "desk_ann"
    second = ok(cli(dba, "init"))
    assert "already set up" in second.stderr
    with Repository(pg_cluster.url(bare_database, "desk_ann")) as ann:
        assert ann.totals() == counts


def test_init_empty_leaves_the_records_to_an_import(pg_cluster, bare_database):
    dba = pg_cluster.url(bare_database, "postgres")
    ok(cli(dba, "init", "--empty"))
    ok(cli(dba, "grant", "desk_ann", "--clearance", "restricted"))
    with Repository(pg_cluster.url(bare_database, "desk_ann")) as ann:
        assert sum(ann.totals().values()) == 0


def test_grant_gives_a_login_its_clearance_and_the_server_keeps_to_it(server, pg_cluster):
    with Repository(server.target("tester")) as tester:
        secret = tester.create("agreements", {"title": "Restricted protocol",
                                              "classification": "restricted"}).record_id
    dba = server.url_for("postgres")
    said = ok(cli(dba, "grant", "desk_bea", "--clearance", "internal")).stdout
    assert "desk_bea" in said and "internal" in said
    bea = server.url_for("desk_bea")
    ids = [r["id"] for r in json.loads(ok(cli(bea, "list", "agreements", "--json")).stdout)]
    assert secret not in ids and ids
    assert str(secret) in fails(cli(bea, "show", "agreements", str(secret)))
    ok(cli(dba, "grant", "desk_bea", "--clearance", "restricted"))  # replaces the clearance
    ids = [r["id"] for r in json.loads(ok(cli(bea, "list", "agreements", "--json")).stdout)]
    assert secret in ids


def test_grant_refuses_a_file_and_an_unknown_level(tmp_path, server):
    db = tmp_path / "desk.db"
    message = fails(cli(db, "grant", "alice", "--clearance", "internal"))
    assert str(db) in message and "server" in message
    assert not db.exists()
    usage = fails(cli(server.url_for("postgres"), "grant", "alice", "--clearance", "secret"),
                  code=2)
    assert "secret" in usage


@pytest.mark.parametrize("command", [["backup"], ["backups"], ["restore", "x.db"], ["check"]])
def test_file_only_commands_say_in_one_line_that_a_server_is_the_administrators(server, command):
    url = server.target("tester").replace("tester@", "tester:hunter2@")
    message = fails(cli(url, *command))
    assert "pg_dump" in message and "export" in message
    assert "hunter2" not in message and "tester@" in message  # the address, never its password


def test_a_desks_file_moves_to_a_server_with_uids_versions_and_history(tmp_path, pg_cluster,
                                                                        bare_database):
    desk = tmp_path / "desk.db"
    ok(cli(desk, "init"))
    ok(cli(desk, "edit", "roadmap", "1", "progress=40"))
    ok(cli(desk, "edit", "roadmap", "1", "status=in_progress"))
    ok(cli(desk, "delete", "plants", "1"))
    dump = tmp_path / "desk.json"
    ok(cli(desk, "export", "--with-history", "-o", str(dump)))
    dba = pg_cluster.url(bare_database, "postgres")
    ok(cli(dba, "init", "--empty"))
    ok(cli(dba, "grant", "desk_cid", "--clearance", "restricted"))
    url = pg_cluster.url(bare_database, "desk_cid")
    moved = ok(cli(url, "import", "--with-history", str(dump))).stdout
    assert f"{SEEDED} created" in moved and "history" in moved

    def records(db, name):
        ok(cli(db, "export", "-o", str(tmp_path / name)))
        data = json.loads((tmp_path / name).read_text(encoding="utf-8"))
        return {(kind, r["uid"]): {k: v for k, v in r.items() if k != "id"}
                for kind, rows in data.items() if kind != "_settings" for r in rows}

    theirs, ours = records(desk, "desk-again.json"), records(url, "server.json")
    assert len(ours) == SEEDED
    assert ours == theirs  # every record with its uid, version, stamps and trash state
    with Repository(desk) as d, Repository(url) as s:
        uid = d.get("roadmap", 1)["uid"]
        assert s.get_by_uid("roadmap", uid)["version"] == d.get("roadmap", 1)["version"] == 3
        here = s.history("roadmap", s.get_by_uid("roadmap", uid)["id"])
        there = d.history("roadmap", 1)
        assert [e["action"] for e in here] == ["import"] + [e["action"] for e in there]
        assert [e["at"] for e in here[1:]] == [e["at"] for e in there]
        # the server names the importing login; the desk's author is kept in the label
        assert {e["user"] for e in here} == {"desk_cid"}
        assert all(f"(by {e['user']})" in m["label"] for m, e in zip(here[1:], there,
                                                                      strict=True))
