"""A server database whose audit entries were written by an older version gets their records'
folded titles from ``init`` (migration 0009), so History's title filter finds them, whoever
runs ``init`` (an administrator holding no clearance included); the audit's policies are in
force again after it."""

from __future__ import annotations

import json

import pytest

from tracker.store.audit_filter import AuditFilter
from tracker.store.repository import Repository

pytestmark = pytest.mark.postgres


def test_init_gives_older_audit_entries_their_titles(pg_cluster, monkeypatch):
    from tracker.session import init_database
    from tracker.store.postgres import schema

    admin = pg_cluster.admin()
    if not admin.execute("SELECT 1 FROM pg_roles WHERE rolname = 'dba'").fetchone():
        admin.execute("CREATE ROLE dba LOGIN CREATEROLE CREATEDB")
    with pg_cluster.connect(user="dba") as dba:
        dba.execute("CREATE DATABASE old_audit")
    url = pg_cluster.url("old_audit", "dba")
    try:
        with monkeypatch.context() as m:  # the schema before 0009
            m.setattr(schema, "MIGRATIONS", schema.MIGRATIONS[:8])
            assert init_database(url, empty=True) is True
        old = [(1, None, {"title": "Договор  о ТОРГОВЛЕ", "classification": "restricted"}),
               (1, {"title": "Договор  о ТОРГОВЛЕ"}, {"title": "Agreement on trade"}),
               (2, None, {"title": "Treaty on transit"}), (None, None, {"home_country": "X"})]
        with pg_cluster.connect("old_audit") as conn:  # written as the old version did
            conn.cursor().executemany(
                'INSERT INTO audit (at, "user", kind, record_id, action, before, after) VALUES '
                "('2020-01-01T00:00:00Z', 'old', 'agreements', %s, 'update', %s, %s)",
                [(rid, None if b is None else json.dumps(b, ensure_ascii=False),
                  json.dumps(a, ensure_ascii=False)) for rid, b, a in old])
        assert init_database(url) is False  # the upgrade
        pg_cluster.ensure_login("tester", "restricted")
        with Repository(pg_cluster.url("old_audit", "tester")) as repo:
            where = AuditFilter(title="договор о")
            assert repo.history_count(where=where) == 2
            assert [e["after"]["title"] for e in repo.history(where=where)] == [
                "Agreement on trade", "Договор  о ТОРГОВЛЕ"]
            assert repo.history_count(where=AuditFilter(title="TRANSIT")) == 1
        pg_cluster.ensure_login("audit_titles_public", "public")
        with Repository(pg_cluster.url("old_audit", "audit_titles_public")) as repo:
            # the restricted entry stays unseen: only the rename's (public) entry is found
            assert repo.history_count(where=AuditFilter(title="договор о")) == 1
        with pg_cluster.connect("old_audit") as conn:
            assert [r[0] for r in conn.execute("SELECT title_fold FROM audit ORDER BY id")] \
                == ["договор о торговле", "agreement on trade\nдоговор о торговле",
                    "treaty on transit", ""]
            assert conn.execute("SELECT relforcerowsecurity FROM pg_class "
                                "WHERE relname = 'audit'").fetchone() == (True,)
    finally:
        pg_cluster.drop_database("old_audit")
