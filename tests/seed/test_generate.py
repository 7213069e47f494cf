"""The synthetic data generator: valid, linked, searchable, repeatable, one audit entry."""

from __future__ import annotations

import datetime as _dt

import pytest
from click.testing import CliRunner

from tracker.model import KINDS, get_kind, validate
from tracker.seed.synthetic import GENERATION_ORDER, generate
from tracker.session import open_session
from tracker.store.repository import Repository

N = 150


@pytest.fixture
def generated(empty_repo):
    counts = generate(empty_repo, N, seed=5)
    return empty_repo, counts


def _rows(repo, table: str) -> list[tuple]:
    return repo.backend.conn.execute(f"SELECT * FROM [{table}] ORDER BY 1, 2").fetchall()


def test_every_kind_gets_the_number_asked_for(generated):
    repo, counts = generated
    for kind in GENERATION_ORDER:
        assert counts[kind] == N
        total = repo.backend.conn.execute(f"SELECT count(*) FROM [{kind}]").fetchone()[0]
        assert total == N, kind
    assert set(GENERATION_ORDER) == set(KINDS)


def test_links_point_at_existing_records(generated):
    repo, counts = generated
    assert repo.backend.conn.execute("PRAGMA foreign_key_check").fetchall() == []
    linked = repo.backend.conn.execute(
        "SELECT count(agreement_id), count(meeting_id) FROM roadmap").fetchone()
    assert linked[0] > N / 2 and linked[1] > N / 4
    assert counts["meetings_participants"] >= N
    assert counts["citations"] > N
    # citations point at records that exist, of kinds that exist
    for kind, record_id in repo.backend.conn.execute("SELECT kind, record_id FROM citations"):
        assert repo.get(kind, record_id)["id"] == record_id
    meeting = repo.backend.conn.execute(
        "SELECT meetings_id FROM meetings_participants").fetchone()[0]
    rec = repo.get("meetings", meeting)
    assert rec["participants"] and all(repo.get("people", p) for p in rec["participants"])


def test_records_pass_validation_and_cover_every_status(generated):
    repo, _counts = generated
    for kind_name in GENERATION_ORDER:
        kind = get_kind(kind_name)
        statuses = set()
        for rid in repo.backend.conn.execute(f"SELECT id FROM [{kind_name}]").fetchall():
            record = repo.get(kind_name, rid[0])
            assert validate(kind, record) == {}, (kind_name, rid, validate(kind, record))
            statuses.add(record["status"])
        assert statuses == {v for v, _l in kind.field("status").choices}, kind_name


def test_text_is_cyrillic_and_latin_and_dates_spread_over_years(generated):
    repo, _counts = generated
    titles = [t for (t,) in repo.backend.conn.execute("SELECT title FROM roadmap")]
    assert any(any("а" <= ch <= "я" for ch in t.lower()) for t in titles)
    assert any(any("a" <= ch <= "z" for ch in t.lower()) for t in titles)
    years = {d[:4] for (d,) in repo.backend.conn.execute(
        "SELECT due_date FROM roadmap WHERE due_date IS NOT NULL")}
    assert len(years) >= 8
    today = _dt.date.today()
    items = repo.list("roadmap")
    kind = get_kind("roadmap")
    assert any(kind.is_overdue(r, today) for r in items)
    assert any(not kind.is_overdue(r, today) for r in items)


def test_generated_rows_are_found_by_search(generated):
    repo, _counts = generated
    title = repo.backend.conn.execute("SELECT title FROM roadmap WHERE title LIKE 'Запуск%' "
                              "AND deleted_at IS NULL").fetchone()
    assert title is not None
    hits = repo.search("запуск", limit=500)
    assert any(h.kind == "roadmap" for h in hits)
    # Mixed-case Cyrillic words fold: "МОДЕРНИЗАЦИЯ" finds "Модернизация ..."
    assert repo.search("МОДЕРНИЗАЦИЯ", limit=5)
    assert repo.count("roadmap", search="tractors") > 0
    # every generated record is in the index exactly once
    indexed = repo.backend.conn.execute(
        "SELECT count(*) FROM search WHERE kind = 'roadmap'").fetchone()
    assert indexed[0] == N


def test_one_audit_entry_for_the_whole_generation(generated):
    repo, _counts = generated
    entries = repo.history()
    assert [e["action"] for e in entries] == ["generate"]
    assert entries[0]["after"]["per_kind"] == N


def test_same_seed_same_records(tmp_path):
    def make(name: str, seed: int) -> dict[str, list]:
        repo = open_session(tmp_path / name, seed=False, user="tester")
        try:
            generate(repo, 40, seed=seed)
            return {t: _rows(repo, t) for t in (*GENERATION_ORDER, "citations",
                                                "meetings_participants")}
        finally:
            repo.close()

    first = make("a.db", 11)
    assert make("b.db", 11) == first
    assert make("c.db", 12) != first


def test_generating_twice_adds_more_with_unique_uids(empty_repo):
    generate(empty_repo, 30, seed=1)
    generate(empty_repo, 30, seed=1)
    assert empty_repo.count("people") + empty_repo.count("people", trash=True) == 60
    assert empty_repo.backend.conn.execute("PRAGMA foreign_key_check").fetchall() == []
    # indexes dropped for the bulk load are all back
    names = {n for (n,) in empty_repo.backend.conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {"roadmap_due_date", "citations_record", "citations_source"} <= names


def test_sizes_override_per_kind(empty_repo):
    counts = generate(empty_repo, 5, sizes={"roadmap": 50})
    assert counts["roadmap"] == 50 and counts["people"] == 5


def test_cli_command(tmp_path):
    from tracker.cli.main import main

    db = tmp_path / "cli.db"
    result = CliRunner().invoke(main, ["--db", str(db), "generate", "--per-kind", "20",
                                       "--seed", "3"])
    assert result.exit_code == 0, result.output
    with Repository(db) as repo:
        assert repo.count("meetings", trash=False) + repo.count("meetings", trash=True) >= 20
    bad = CliRunner().invoke(main, ["--db", str(db), "generate", "--per-kind", "0"])
    assert bad.exit_code == 2 and "Traceback" not in bad.output


def test_editing_a_generated_record_reindexes_it_once(generated):
    """Updates replace the record's search entry by its computed rowid (no full-table scan)."""
    from tracker.model import KIND_ORDER
    from tracker.store.sqlite.search import search_rowid

    repo, _counts = generated
    rid = repo.list("roadmap", limit=1)[0]["id"]
    for title in ("Квазиуникальный заголовок", "Quasiunique heading"):
        version = repo.get("roadmap", rid)["version"]
        repo.update("roadmap", rid, {"title": title}, expected_version=version)
    entries = repo.backend.conn.execute("SELECT rowid FROM search WHERE kind = 'roadmap' AND "
                                "record_id = ?", (rid,)).fetchall()
    assert entries == [(search_rowid("roadmap", rid),)]
    assert [h.record_id for h in repo.search("quasiunique")] == [rid]
    assert repo.search("квазиуникальный") == []
    codes = {search_rowid(k, 1) for k in KIND_ORDER}
    assert len(codes) == len(KIND_ORDER)


@pytest.mark.parametrize("sort", ["due_date", "agreement_id", "completed_on", "title"])
@pytest.mark.parametrize("descending", [False, True])
def test_pages_of_generated_rows_match_the_whole_list(generated, sort, descending):
    """Paging (empty values last, counted only past the filled rows) returns the same rows as
    one unpaged list, for columns with and without empty values, filtered or not."""
    repo, _counts = generated
    for filters in ({}, {"search": "tractors"}, {"status": "planned"}, {"trash": True}):
        whole = [r["id"] for r in repo.list("roadmap", sort=sort, descending=descending,
                                            columns=["id"], **filters)]
        assert len(whole) == repo.count("roadmap", **filters)
        paged = []
        for offset in range(0, len(whole) + 7, 7):
            paged += [r["id"] for r in repo.list("roadmap", sort=sort, descending=descending,
                                                 columns=["id"], limit=7, offset=offset,
                                                 **filters)]
        assert paged == whole, filters
        for rid in whole[:3] + whole[-3:]:
            assert repo.position("roadmap", rid, sort=sort, descending=descending,
                                 **filters) == whole.index(rid)


def test_figures_limit_caps_lists_but_not_counts(generated):
    repo, _counts = generated
    today = _dt.date(2026, 1, 1)
    full = repo.figures(today)
    capped = repo.figures(today, limit=3)
    assert full["roadmap_overdue"] == len(full["overdue"]) == capped["roadmap_overdue"] > 3
    assert capped["overdue"] == full["overdue"][:3]
    for key, total in (("deadlines", "deadlines_total"), ("upcoming_meetings", "upcoming_total")):
        assert capped[total] == full[total] == len(full[key])
        assert capped[key] == full[key][:3]
