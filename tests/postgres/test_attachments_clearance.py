"""Attached files on a server are as secret as their record: a login reads the list, the content,
the text and the search hits of a file only if it may read a record the file is attached to;
knowing a file's SHA-256 is not enough to attach (and so read) it."""

from __future__ import annotations

import psycopg
import pytest

from tracker.extract import read_pending
from tracker.store.errors import NotFound, StorageError
from tracker.store.repository import Repository

pytestmark = pytest.mark.postgres

SECRET = b"Zvezda secret annex: the corridor tariff is 7 per cent"


@pytest.fixture
def desks(engine_name, pg_cluster, tmp_path):
    """bob (restricted) attaches a file to a restricted agreement; alice holds internal
    clearance."""
    from engine_kit import PostgresEngine

    engine = PostgresEngine(pg_cluster)
    pg_cluster.ensure_login("bob", "restricted")
    pg_cluster.ensure_login("alice", "internal")
    (tmp_path / "annex.txt").write_bytes(SECRET)
    with Repository(engine.target("bob", seed=True)) as bob:
        secret = bob.create("agreements", {"title": "Restricted treaty",
                                           "classification": "restricted"}).record_id
        attached = bob.attach("agreements", secret, tmp_path / "annex.txt")
        read_pending(bob)
        aid = attached.record["attachments"][0]["id"]
        digest = attached.record["attachments"][0]["sha256"]
    yield engine, secret, aid, digest
    engine.close()


def test_a_desk_below_the_clearance_reads_no_attachment_by_any_call(desks, tmp_path):
    engine, secret, aid, _digest = desks
    with Repository(engine.target("alice")) as alice, \
            Repository(engine.target("bob")) as bob:
        assert [h.attachment for h in bob.search("tariff")] == ["annex.txt"]  # it is there
        assert alice.search("tariff") == [] and alice.search("corridor tariff") == []
        assert alice.attachments("agreements", secret) == []
        with pytest.raises(NotFound):
            alice.attachment(aid)
        with pytest.raises(NotFound):
            alice.save_attachment(aid, tmp_path / "leak.txt")
        assert not (tmp_path / "leak.txt").exists()
        assert b"".join(bob.attachment_chunks(aid)) == SECRET


def test_raw_sql_as_that_login_sees_no_blob_chunk_text_or_search_row(desks, pg_cluster):
    engine, _secret, _aid, digest = desks
    with pg_cluster.connect(engine.dbname, user="alice") as conn:
        for table in ("attachments", "blobs", "blob_chunks", "blob_pages"):
            assert conn.execute(f"SELECT count(*) FROM {table}").fetchone() == (0,), table
        assert conn.execute("SELECT count(*) FROM blob_chunks WHERE sha256 = %s",
                            (digest,)).fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM search WHERE part <> 0").fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM search_hits('tariff:*'::tsquery, NULL, NULL)"
                            ).fetchone() == (0,)
    with pg_cluster.connect(engine.dbname, user="bob") as conn:
        assert conn.execute("SELECT count(*) FROM blob_chunks").fetchone() == (1,)


def test_knowing_the_sha256_does_not_let_a_desk_attach_and_read_it(desks, pg_cluster):
    engine, _secret, _aid, digest = desks
    with Repository(engine.target("alice")) as alice:
        mine = alice.create("agreements", {"title": "Open treaty",
                                           "classification": "internal"}).record_id
    with pg_cluster.connect(engine.dbname, user="alice") as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(
                "INSERT INTO attachments (kind, record_id, sha256, proof, name, size, media_type, "
                "added_by, added_at) VALUES ('agreements', %s, %s, %s, 'x.txt', 55, 'text/plain',"
                " 'alice', '2026-01-01T00:00:00Z')", (mine, digest, "0" * 64))
        assert conn.execute("SELECT count(*) FROM blob_chunks").fetchone() == (0,)
        assert conn.execute("UPDATE blobs SET text_status = 'pending'").rowcount == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("DELETE FROM blob_chunks")


def test_a_desk_holding_the_same_file_attaches_it_to_its_own_record(desks, tmp_path):
    """The content is stored once: a desk that has the file itself may attach it (its bytes are
    its proof) and reads it through its own record only."""
    engine, secret, _aid, digest = desks
    (tmp_path / "copy.txt").write_bytes(SECRET)
    with Repository(engine.target("alice")) as alice:
        mine = alice.create("agreements", {"title": "Open treaty",
                                           "classification": "internal"}).record_id
        change = alice.attach("agreements", mine, tmp_path / "copy.txt")
        assert change.record["attachments"][0]["sha256"] == digest
        assert b"".join(alice.attachment_chunks(change.record["attachments"][0]["id"])) == SECRET
        assert alice.attachments("agreements", secret) == []
    assert engine.sql("SELECT count(*) FROM blobs") == [(1,)]


def test_a_desk_cannot_write_a_file_onto_a_record_above_its_clearance(desks, tmp_path):
    engine, secret, _aid, _digest = desks
    (tmp_path / "new.txt").write_bytes(b"anything")
    with Repository(engine.target("alice")) as alice, pytest.raises((NotFound, StorageError)):
        alice.attach("agreements", secret, tmp_path / "new.txt")
    assert engine.sql("SELECT count(*) FROM attachments") == [(1,)]


def test_reclassifying_a_record_takes_its_files_search_rows_along(desks):
    engine, secret, _aid, _digest = desks
    with Repository(engine.target("bob")) as bob:
        bob.update("agreements", secret, {"classification": "internal"},
                   expected_version=bob.get("agreements", secret)["version"])
    with Repository(engine.target("alice")) as alice:
        assert [h.attachment for h in alice.search("tariff")] == ["annex.txt"]
        assert alice.attachments("agreements", secret)[0]["name"] == "annex.txt"
