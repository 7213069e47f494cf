"""A server database set up by an older version gets the new search index from ``init``: until
then a desk is told to ask for it; after it, word forms, transliterations and choice labels are
found in records written before, whoever runs ``init`` (an administrator holding no clearance
included), and the records' policies are in force again."""

from __future__ import annotations

import pytest

from tracker.model.text import fold
from tracker.store.errors import DatabaseError
from tracker.store.repository import Repository

pytestmark = pytest.mark.postgres


def _old_tsvector(text: str) -> str:
    """A search entry as version 0001 wrote it: the folded text's FTS5 tokens, no forms."""
    from tracker.store.postgres.search import lexeme
    from tracker.store.sqlite.tokens import fts5_tokens

    at: dict[str, list[int]] = {}
    for i, token in enumerate(fts5_tokens(fold(text))):
        at.setdefault(lexeme(token), []).append(i + 1)
    return " ".join(f"{lex}:{','.join(map(str, p))}" for lex, p in at.items())


def test_init_rebuilds_an_older_search_index(pg_cluster, monkeypatch):
    from tracker.session import init_database
    from tracker.store.postgres import schema

    admin = pg_cluster.admin()
    if not admin.execute("SELECT 1 FROM pg_roles WHERE rolname = 'dba'").fetchone():
        admin.execute("CREATE ROLE dba LOGIN CREATEROLE CREATEDB")
    with pg_cluster.connect(user="dba") as dba:
        dba.execute("CREATE DATABASE old_search")
    url = pg_cluster.url("old_search", "dba")  # an administrator with no clearance
    try:
        with monkeypatch.context() as m:  # the first release's schema
            m.setattr(schema, "MIGRATIONS", schema.MIGRATIONS[:1])
            assert init_database(url, empty=True) is True
        rows = [("roadmap", "Развитие сельского хозяйства", "agriculture", "restricted", None),
                ("people", "Назарбаев", None, "internal", None),
                ("people", "Назарбаев в корзине", None, "public", "2024-01-01T00:00:00Z")]
        with pg_cluster.connect("old_search") as conn:  # written as the old version did
            for n, (kind, title, area, level, deleted) in enumerate(rows):
                extra = ', "area"' if area else ""
                rid = conn.execute(
                    f'INSERT INTO "{kind}" (uid, title, status, classification, created_at, '
                    f'updated_at, deleted_at{extra}) VALUES (%s, %s, %s, %s, %s, %s, %s'
                    f'{", %s" if area else ""}) RETURNING id',
                    [f"u{n}", title, "active" if kind == "people" else "planned", level,
                     "2020-01-01T00:00:00Z", "2020-01-01T00:00:00Z", deleted,
                     *([area] if area else [])]).fetchone()[0]
                conn.execute("INSERT INTO search (kind, record_id, classification, tsv) "
                             "VALUES (%s, %s, %s, %s::tsvector)",
                             (kind, rid, level, _old_tsvector(title)))
        pg_cluster.ensure_login("tester", "restricted")
        with pytest.raises(DatabaseError, match="upgrade.*init"):
            Repository(pg_cluster.url("old_search", "tester"))
        assert init_database(url) is False  # an upgrade: the pending migrations and the index
        with Repository(pg_cluster.url("old_search", "tester")) as repo:
            assert [h.title for h in repo.search("сельское хозяйство")] == \
                ["Развитие сельского хозяйства"]
            assert [h.title for h in repo.search("agriculture")] == \
                ["Развитие сельского хозяйства"]
            found = repo.search("Nazarbayev")
            assert [h.title for h in found] == ["Назарбаев"] and found.total == 1
            assert repo.count("people", search="nazarbaev", trash=True) == 1
            repo.create("people", {"title": "Nazarbayev Nursultan", "classification": "public"})
            assert [h.title for h in repo.search("Назарбаев")] == \
                ["Назарбаев", "Nazarbayev Nursultan"]
        with pg_cluster.connect("old_search") as conn:
            forced = {r for (r,) in conn.execute(
                "SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace "
                "AND relkind = 'r' AND relforcerowsecurity")}
            assert {"roadmap", "people", "agreements", "audit"} <= forced
            assert conn.execute("SELECT count(*) FROM search").fetchone()[0] == 4
    finally:
        pg_cluster.drop_database("old_search")
