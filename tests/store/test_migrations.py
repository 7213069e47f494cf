"""Schema changes go through migrations: a file made by the first schema upgrades in place."""

from __future__ import annotations

import sqlite3

from sqlite_utils import Database

from tracker.store.repository import Repository
from tracker.store.sqlite import schema


def make_first_schema_file(path):
    """A database exactly as the first release wrote it: only migration 0001, with data."""
    conn = sqlite3.connect(path)
    db = Database(conn)
    schema.migrations.apply(db, stop_before=schema.names()[1])
    assert [m.name for m in schema.migrations.applied(db)] == ["0001_initial"]
    conn.execute("INSERT INTO agreements (uid, title, status, classification, created_at, "
                 "updated_at) VALUES ('u-1', 'Old treaty on ёлки', 'in_force', 'internal', "
                 "'2020-01-01T00:00:00Z', '2020-01-01T00:00:00Z')")
    conn.commit()
    conn.close()


def test_first_schema_file_upgrades_in_place(tmp_path):
    path = tmp_path / "old.db"
    make_first_schema_file(path)
    repo = Repository(path)
    applied = [m.name for m in schema.migrations.applied(Database(repo.backend.conn))]
    assert applied == schema.names()
    # The old row is there, searchable (the index was built from existing data) and editable.
    rows = repo.list("agreements")
    assert [r["title"] for r in rows] == ["Old treaty on ёлки"]
    assert [h.title for h in repo.search("елки")] == ["Old treaty on ёлки"]
    repo.update("agreements", rows[0]["id"], {"reference": "R"}, expected_version=1)
    repo.close()


def test_migrating_twice_is_a_no_op(tmp_path):
    path = tmp_path / "x.db"
    Repository(path).close()
    repo = Repository(path)
    from tracker.store.sqlite.connect import migrate

    assert migrate(repo.backend.conn) == []
    repo.close()


def test_initial_schema_is_frozen():
    """0001 reads a committed SQL file, so editing records.py can never change the first schema."""
    sql = schema.INITIAL_SQL.read_text(encoding="utf-8")
    assert "CREATE TABLE [roadmap]" in sql and "CREATE TABLE audit" in sql


def test_audit_entries_get_their_level_when_upgraded_and_when_written(tmp_path):
    """Migration 0007: each audit entry carries the higher level of its two snapshots (public
    when neither has one), for old entries and new; the server engine computes the same."""
    import json

    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    schema.migrations.apply(Database(conn), stop_before="0007_audit_classification")
    rows = [(None, {"classification": "internal"}), ({"classification": "internal"},
                                                      {"classification": "restricted"}),
            (None, {"home_country": "Belarus"}), ({"classification": "public"}, None),
            (None, {"classification": "top secret"})]
    conn.executemany("INSERT INTO audit (at, user, kind, action, before, after) VALUES "
                     "('2020-01-01T00:00:00Z', 'u', 'k', 'a', ?, ?)",
                     [(None if b is None else json.dumps(b), None if a is None else json.dumps(a))
                      for b, a in rows])
    conn.commit()
    conn.close()
    repo = Repository(path, user="tester")
    levels = [r[0] for r in repo.backend.conn.execute(
        "SELECT classification FROM audit ORDER BY id")]
    assert levels == ["internal", "restricted", "public", "public", "restricted"]
    repo.create("people", {"title": "Secret", "classification": "restricted"})
    repo.set_settings({"partner_country": "Kazakhstan"})
    assert [r[0] for r in repo.backend.conn.execute(
        "SELECT classification FROM audit ORDER BY id DESC LIMIT 2")] == ["public", "restricted"]
    repo.close()


def test_an_older_search_index_is_rebuilt_with_forms_and_labels(tmp_path):
    """Migration 0009: a file indexed by an older version is indexed again when opened: word
    forms, transliterations and choice labels are found in the records it had; the trash is
    left out of a search and of its count."""
    from tracker.model.text import fold
    from tracker.store.sqlite.search import search_rowid

    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    schema.migrations.apply(Database(conn), stop_before="0008_audit_wording")
    rows = [("roadmap", "Развитие сельского хозяйства", "agriculture", None),
            ("people", "Назарбаев", None, None),
            ("people", "Назарбаев в корзине", None, "2024-01-01T00:00:00Z")]
    for n, (kind, title, area, deleted) in enumerate(rows):
        rid = conn.execute(
            f"INSERT INTO [{kind}] (uid, title, status, classification, created_at, updated_at, "
            f"deleted_at{', area' if area else ''}) VALUES (?, ?, 'planned', 'internal', "
            f"'2020-01-01T00:00:00Z', '2020-01-01T00:00:00Z', ?{', ?' if area else ''})",
            [f"u{n}", title, deleted, *([area] if area else [])]).lastrowid
        conn.execute("INSERT INTO search (rowid, kind, record_id, body) VALUES (?, ?, ?, ?)",
                     (search_rowid(kind, rid), kind, rid, fold(title)))
    conn.commit()
    conn.close()
    with Repository(path, user="tester") as repo:
        assert [h.title for h in repo.search("сельское хозяйство")] == \
            ["Развитие сельского хозяйства"]
        assert [h.title for h in repo.search("Agriculture")] == ["Развитие сельского хозяйства"]
        found = repo.search("Nazarbayev")
        assert [h.title for h in found] == ["Назарбаев"] and found.total == 1
        assert repo.count("people", search="nazarbaev", trash=True) == 1


def test_history_finds_entries_written_before_the_audit_kept_titles(tmp_path):
    """Migration 0014: an entry written by an older version gets its record's folded titles
    (``title_fold``), so History's title filter still finds it; an entry written without them
    (an older program writing to the upgraded file) is still found from its snapshots."""
    import json

    from tracker.store.audit_filter import AuditFilter

    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    schema.migrations.apply(Database(conn), stop_before="0014_audit_titles")
    old = [(1, None, {"title": "Договор  о ТОРГОВЛЕ"}), (1, {"title": "Договор  о ТОРГОВЛЕ"},
                                                          {"title": "Agreement on trade"}),
           (2, None, {"title": "Treaty on transit"}), (None, None, {"home_country": "X"})]
    conn.executemany("INSERT INTO audit (at, user, kind, record_id, action, before, after) "
                     "VALUES ('2020-01-01T00:00:00Z', 'old', 'agreements', ?, 'update', ?, ?)",
                     [(rid, None if b is None else json.dumps(b, ensure_ascii=False),
                       json.dumps(a, ensure_ascii=False)) for rid, b, a in old])
    conn.commit()
    conn.close()
    with Repository(path, user="tester") as repo:
        kept = [r[0] for r in repo.backend.conn.execute("SELECT title_fold FROM audit "
                                                        "ORDER BY id")]
        assert kept == ["договор о торговле", "agreement on trade\nдоговор о торговле",
                        "treaty on transit", ""]
        where = AuditFilter(title="договор о")
        assert repo.history_count(where=where) == 2
        assert [e["after"]["title"] for e in repo.history(where=where)] == [
            "Agreement on trade", "Договор  о ТОРГОВЛЕ"]
        repo.backend.conn.execute(  # as a program that does not know the column writes
            "INSERT INTO audit (at, user, kind, record_id, action, after) VALUES "
            "('2020-01-02T00:00:00Z', 'old', 'agreements', 3, 'create', ?)",
            (json.dumps({"title": "Протокол о ТОРГОВЛЕ"}, ensure_ascii=False),))
        assert repo.history_count(where=AuditFilter(title="о торговле")) == 3
