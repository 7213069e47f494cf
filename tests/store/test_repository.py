"""Every repository operation, with the audit entry it must write."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from tracker.model import KIND_ORDER, KINDS
from tracker.store import lookups
from tracker.store.repository import (
    ConflictError,
    NotFound,
    NothingToUndo,
    StorageError,
    TrackerError,
    ValidationError,
)

BOTH_ENGINES = True  # every test using repo/empty_repo/engine runs on SQLite and PostgreSQL


def last_audit(repo):
    return repo.history(limit=1)[0]


def test_create_writes_record_and_audit(empty_repo):
    change = empty_repo.create("roadmap", {"title": "Joint lab", "due_date": "2027-01-31",
                                           "progress": "10", "area": "science"})
    rec = empty_repo.get("roadmap", change.record_id)
    assert rec["title"] == "Joint lab" and rec["progress"] == 10 and rec["version"] == 1
    assert rec["status"] == "planned" and rec["classification"] == "internal"
    assert rec["created_by"] == "tester" and rec["uid"]
    entry = last_audit(empty_repo)
    assert (entry["kind"], entry["record_id"], entry["action"]) == ("roadmap", rec["id"], "create")
    assert entry["before"] is None and entry["after"]["title"] == "Joint lab"
    assert entry["user"] == "tester"
    assert change.kind == "roadmap" and change.action == "create"


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kind_round_trips_its_fields(empty_repo, kind):
    values = {"title": f"A {kind} record"}
    k = KINDS[kind]
    for f in k.fields:
        if f.type == "text" and f.name != "title":
            values[f.name] = f"{f.name} «значение» & <x>"
        elif f.type == "multiline":
            values[f.name] = "line one\nline two — ё"
        elif f.type == "date":
            values[f.name] = "2026-05-01"
        elif f.type == "choice" and f.name not in ("status", "classification"):
            values[f.name] = f.choices[-1][0]
        elif f.type == "integer":  # the lowest allowed: every date above is the same day, so a
            # notice period longer than nothing would be refused (an agreement's treaty rules)
            values[f.name] = f.minimum if f.minimum is not None else 7
    rid = empty_repo.create(kind, values).record_id
    rec = empty_repo.get(kind, rid)
    for name, value in values.items():
        assert str(rec[name]) == str(value), name


def test_validation_names_record_and_field_and_writes_nothing(empty_repo):
    audit_before = empty_repo.history_count()
    with pytest.raises(ValidationError) as err:
        empty_repo.create("roadmap", {"title": "Bad", "due_date": "31/12/2026", "progress": "150",
                                      "status": "finished"})
    e = err.value
    assert set(e.problems) == {"due_date", "progress", "status"}
    msg = str(e)
    assert "roadmap" in msg and "'Bad'" in msg and "due_date" in msg and "YYYY-MM-DD" in msg
    assert empty_repo.count("roadmap") == 0
    assert empty_repo.history_count() == audit_before


def test_title_is_required_and_limited(empty_repo):
    with pytest.raises(ValidationError) as err:
        empty_repo.create("agreements", {"title": "   "})
    assert "title" in err.value.problems
    with pytest.raises(ValidationError) as err:
        empty_repo.create("agreements", {"title": "x" * 301})
    assert "too long" in err.value.problems["title"]
    assert empty_repo.create("agreements", {"title": "x" * 300}).record_id


def test_cross_field_dates(empty_repo):
    with pytest.raises(ValidationError) as err:
        empty_repo.create("meetings", {"title": "M", "start_date": "2026-02-02",
                                       "end_date": "2026-02-01"})
    assert "end_date" in err.value.problems


def test_links_must_exist(empty_repo):
    with pytest.raises(ValidationError) as err:
        empty_repo.create("roadmap", {"title": "R", "agreement_id": 999})
    assert "agreement_id" in err.value.problems
    with pytest.raises(ValidationError) as err:
        empty_repo.create("meetings", {"title": "M", "participants": [5, 6]})
    assert "participants" in err.value.problems


def test_update_changes_fields_bumps_version_and_audits_diff(repo):
    item = repo.list("roadmap")[0]
    rec = repo.get("roadmap", item["id"])
    repo.update("roadmap", rec["id"], {"progress": 40, "status": "in_progress"},
                expected_version=rec["version"])
    after = repo.get("roadmap", rec["id"])
    assert after["version"] == rec["version"] + 1 and after["progress"] == 40
    assert after["title"] == rec["title"]  # untouched fields stay
    entry = last_audit(repo)
    assert entry["action"] == "update"
    changed = {name: (old, new) for name, old, new in entry["changes"]}
    assert changed == {"progress": (0, 40), "status": ("planned", "in_progress")}


def test_an_edit_that_changes_nothing_writes_nothing(repo, engine):
    """Values a record already has (a status it is in, links in another order, the same
    sources): no write, no new version, no audit entry, no undo step; the Change says so."""
    ids = repo.ids("people")
    rid = repo.create("meetings", {"title": "Commission", "participants": ids[:2],
                                   "status": "held"}).record_id
    before = repo.get("meetings", rid)
    entries, undo, seen = repo.history_count(), repo.undo_label(), repo.data_version()
    change = repo.update("meetings", rid, {"status": "held", "title": "Commission",
                                           "participants": [ids[1], ids[0], ids[0]]},
                         expected_version=before["version"])
    assert change.action == "unchanged" and change.label == "Nothing changed"
    again = repo.set_citations("meetings", rid, [], expected_version=before["version"])
    assert again.action == "unchanged"
    assert repo.get("meetings", rid) == before
    assert repo.history_count() == entries and repo.undo_label() == undo
    assert repo.data_version() == seen
    assert engine.sql("SELECT version FROM meetings WHERE id = ?", (rid,)) == [(1,)]
    # a real change still is one
    assert repo.update("meetings", rid, {"status": "planned"}, expected_version=1).action == \
        "update"
    assert repo.get("meetings", rid)["version"] == 2 and repo.history_count() == entries + 1


def test_stale_version_is_a_conflict_and_overwrites_nothing(repo, engine):
    rid = repo.list("agreements")[0]["id"]
    loaded = repo.get("agreements", rid)
    other = engine.open(user="colleague")
    other.update("agreements", rid, {"reference": "THEIRS"}, expected_version=loaded["version"])
    other.close()
    with pytest.raises(ConflictError) as err:
        repo.update("agreements", rid, {"reference": "MINE"}, expected_version=loaded["version"])
    assert err.value.current["reference"] == "THEIRS"
    assert "colleague" in str(err.value)
    assert repo.get("agreements", rid)["reference"] == "THEIRS"


def test_delete_goes_to_trash_and_restore_brings_it_back(repo):
    rid = repo.list("people")[0]["id"]
    n = repo.count("people")
    repo.delete("people", rid)
    assert repo.count("people") == n - 1
    assert [r["id"] for r in repo.list("people", trash=True)] == [rid]
    assert last_audit(repo)["action"] == "delete"
    assert not repo.search("Lukashenko", kinds=["people"]) or rid not in [
        h.record_id for h in repo.search("Lukashenko", kinds=["people"])]
    repo.restore("people", rid)
    assert repo.count("people") == n and repo.count("people", trash=True) == 0
    assert last_audit(repo)["action"] == "restore"
    with pytest.raises(TrackerError):
        repo.restore("people", rid)


def test_editing_a_trashed_record_is_refused(repo):
    rid = repo.list("farms")[0]["id"]
    repo.delete("farms", rid)
    with pytest.raises(TrackerError, match="trash"):
        repo.update("farms", rid, {"region": "X"}, expected_version=None)


def test_not_found(repo):
    with pytest.raises(NotFound, match="roadmap 9999"):
        repo.get("roadmap", 9999)
    with pytest.raises(TrackerError, match="unknown kind"):
        repo.list("treaties")


def test_undo_redo_every_kind_of_write(empty_repo):
    r = empty_repo
    rid = r.create("roadmap", {"title": "Item"}).record_id
    r.update("roadmap", rid, {"title": "Item v2"}, expected_version=1)
    r.delete("roadmap", rid)
    r.restore("roadmap", rid)
    assert r.undo_label() == "Restore road-map item"
    r.undo()  # restore undone -> in trash
    assert r.get("roadmap", rid)["deleted_at"]
    r.undo()  # delete undone -> live
    assert not r.get("roadmap", rid)["deleted_at"]
    assert r.undo_label() == "Edit road-map item"
    r.undo()  # edit undone
    assert r.get("roadmap", rid)["title"] == "Item"
    r.undo()  # create undone -> gone from the list (kept in the trash, never lost)
    assert r.count("roadmap") == 0
    with pytest.raises(NothingToUndo):
        r.undo()
    assert r.redo_label() == "New road-map item"
    r.redo()
    assert r.count("roadmap") == 1
    r.redo()
    assert r.get("roadmap", rid)["title"] == "Item v2"
    actions = [e["action"] for e in r.history()][:6]
    assert actions == ["redo", "redo", "undo", "undo", "undo", "undo"]


def test_new_write_clears_redo(empty_repo):
    rid = empty_repo.create("people", {"title": "A"}).record_id
    empty_repo.undo()
    assert empty_repo.redo_label()
    empty_repo.restore("people", rid)
    assert empty_repo.redo_label() is None


def test_undo_refuses_when_someone_else_changed_the_record(repo, engine):
    rid = repo.list("roadmap")[0]["id"]
    v = repo.get("roadmap", rid)["version"]
    repo.update("roadmap", rid, {"progress": 20}, expected_version=v)
    other = engine.open(user="colleague")
    other.update("roadmap", rid, {"progress": 30}, expected_version=v + 1)
    other.close()
    with pytest.raises(ConflictError):
        repo.undo()
    assert repo.get("roadmap", rid)["progress"] == 30
    assert repo.undo_label()  # the step stays available


def test_citations_are_edited_audited_and_undone(repo):
    rid = repo.list("farms")[0]["id"]
    source_id = repo.list("sources")[0]["id"]
    rec = repo.get("farms", rid)
    repo.set_citations("farms", rid, [{"source_id": source_id, "quote": "A farm"}],
                       expected_version=rec["version"])
    assert [c["quote"] for c in repo.citations("farms", rid)] == ["A farm"]
    repo.undo()
    assert [c["quote"] for c in repo.citations("farms", rid)] == [
        c["quote"] for c in rec["citations"]]
    with pytest.raises(ValidationError):
        repo.set_citations("farms", rid, [{"source_id": 999, "quote": "x"}], expected_version=None)


def test_citations_of_many_records_at_once_are_each_ones_citations(repo, monkeypatch):
    """A briefing's sources appendix reads the citations of its printed records in a few
    queries: the same lists, in the same order, as asking record by record."""
    ids = repo.ids("agreements")
    each = {rid: repo.citations("agreements", rid) for rid in ids}
    assert sum(bool(c) for c in each.values()) > 3
    assert any(len(c) > 1 for c in each.values())  # the order within a record counts
    cited = next(c for c in each.values() if c)
    far = repo.create("agreements", {"title": "Far away"}).record_id
    repo.set_citations("agreements", far, [{"source_id": c["source_id"], "quote": c["quote"]}
                                           for c in reversed(cited)], expected_version=1)
    each[far] = repo.citations("agreements", far)
    found = repo.citations_of("agreements", [*ids, far, 10**9])
    assert found == {rid: c for rid, c in each.items() if c}
    monkeypatch.setattr(lookups, "CITATION_SPAN", 2)  # ids far apart: a query for each run
    assert repo.citations_of("agreements", [*ids, far, 10**9]) == found
    first = next(rid for rid in ids if each[rid])
    assert first not in repo.citations_of("agreements", [i for i in ids if i != first])
    assert repo.citations_of("agreements", []) == {}


def test_participants_many_to_many(repo):
    ids = repo.ids("people")
    rid = repo.create("meetings", {"title": "Commission", "participants": ids[:2],
                                   "type": "commission"}).record_id
    assert repo.get("meetings", rid)["participants"] == sorted(ids[:2])
    repo.update("meetings", rid, {"participants": str(ids[2])}, expected_version=1)
    assert repo.get("meetings", rid)["participants"] == [ids[2]]
    linked = repo.linked_from("people", ids[2])
    assert ("meetings", rid, "Commission") in linked


def test_list_sorts_filters_and_pages_in_sql(empty_repo):
    for i in range(30):
        empty_repo.create("roadmap", {"title": f"Item {i:02d}", "due_date": f"2026-01-{i + 1:02d}",
                                      "status": "done" if i % 3 == 0 else "planned"})
    rows = empty_repo.list("roadmap", sort="due_date", descending=True, limit=5, offset=5)
    assert [r["title"] for r in rows] == [f"Item {i:02d}" for i in range(24, 19, -1)]
    assert empty_repo.count("roadmap", status="done") == 10
    assert empty_repo.count("roadmap", search="item 07") == 1
    with pytest.raises(TrackerError):
        empty_repo.list("roadmap", sort="title; DROP TABLE roadmap")


def test_empty_values_sort_last(empty_repo):
    empty_repo.create("roadmap", {"title": "no date"})
    empty_repo.create("roadmap", {"title": "dated", "due_date": "2026-01-01"})
    assert [r["title"] for r in empty_repo.list("roadmap", sort="due_date")] == ["dated", "no date"]
    assert [r["title"] for r in empty_repo.list("roadmap", sort="due_date", descending=True)] == [
        "dated", "no date"]


def test_figures_match_sql(repo):
    today = dt.date(2026, 11, 27)
    repo.create("roadmap", {"title": "Late", "due_date": "2026-11-01", "status": "in_progress"})
    repo.create("roadmap", {"title": "Soon", "due_date": "2026-12-15"})
    repo.create("roadmap", {"title": "Late but done", "due_date": "2026-01-01",
                            "status": "done", "progress": 100})
    repo.create("meetings", {"title": "Next session", "start_date": "2027-02-01",
                             "status": "planned"})
    repo.create("plants", {"title": "Restricted plant", "count": 4, "status": "operating",
                           "classification": "restricted"})
    f = repo.figures(today)
    assert f["agreements_in_force"] == 4
    assert f["plants_operating_sites"] == 17
    assert f["roadmap_overdue"] == 1 and f["overdue"][0]["title"] == "Late"
    assert f["roadmap_overdue_by_status"] == {"in_progress": 1}  # a part of its status
    assert [d["title"] for d in f["deadlines"]] == ["Soon"]
    assert f["next_meeting"]["title"] == "Next session"
    assert f["roadmap_done"] == 1 and f["roadmap_in_progress"] == 1
    assert repo.figures(today, max_classification="internal")["plants_operating_sites"] == 13
    for kind in KIND_ORDER:  # the dashboard's totals are the pages' counts
        assert f[f"{kind}_total"] == repo.count(kind), kind


def test_figures_list_meetings_upcoming_soonest_first_and_held_newest_first(repo):
    today = dt.date(2026, 11, 27)
    for title, start, status in [("Old", "2020-01-01", "held"), ("Newer", "2025-06-01", "held"),
                                 ("Undated talks", None, "held"),
                                 ("Later", "2027-05-01", "planned"),
                                 ("Sooner", "2026-12-01", "planned"),
                                 ("Past plan", "2026-01-01", "planned"),
                                 ("Called off", "2026-12-02", "cancelled")]:
        repo.create("meetings", {"title": title, "start_date": start, "status": status})
    gone = repo.create("meetings", {"title": "Deleted", "start_date": "2026-12-01",
                                    "status": "planned"})
    repo.delete("meetings", gone.record_id)
    f = repo.figures(today, limit=50)
    upcoming = [m["title"] for m in f["upcoming_meetings"]]
    assert upcoming[:2] == ["Sooner", "Later"] and "Past plan" not in upcoming
    assert "Called off" not in upcoming and "Deleted" not in upcoming
    assert f["upcoming_total"] == len(upcoming)
    held = [m["title"] for m in f["recent_meetings"]]
    dated = [m["start_date"] for m in f["recent_meetings"] if m["start_date"]]
    assert dated == sorted(dated, reverse=True)  # newest first
    assert held.index("Newer") < held.index("Old") < held.index("Undated talks")
    assert all(m["status"] == "held" for m in f["recent_meetings"]) and len(held) <= 10


def test_settings_and_presets_are_audited(repo):
    repo.set_settings({"partner_country": "Uzbekistan"})
    assert repo.sides() == ("Belarus", "Uzbekistan")
    assert last_audit(repo)["kind"] == "settings"
    repo.save_preset("Weekly", {"sections": ["summary"], "max_classification": "public"})
    assert repo.presets()["Weekly"]["max_classification"] == "public"
    repo.delete_preset("Weekly")
    assert repo.presets() == {}
    with pytest.raises(ValidationError):
        repo.save_preset("  ", {})


def test_every_write_is_one_audited_transaction(repo, engine):
    """A failure inside a write leaves neither the change nor its audit entry."""
    rid = repo.list("roadmap")[0]["id"]
    before = repo.get("roadmap", rid)
    n_audit = repo.history_count()
    engine.break_audit(repo, "boom")  # the audit INSERT fails inside the engine
    with pytest.raises(StorageError, match="boom"):  # the engine's error, as the store's own
        repo.update("roadmap", rid, {"progress": 77}, expected_version=before["version"])
    engine.mend_audit(repo)
    assert repo.get("roadmap", rid) == before
    assert repo.history_count() == n_audit


def test_history_filters_by_record(repo):
    rid = repo.list("agreements")[0]["id"]
    repo.update("agreements", rid, {"reference": "R-1"}, expected_version=None)
    entries = repo.history("agreements", rid)
    assert {e["record_id"] for e in entries} == {rid}
    assert entries[0]["changes"] == [("reference", None, "R-1")]
    assert json.dumps(entries, default=str)


@pytest.mark.sqlite_only
def test_connection_pragmas(repo):
    c = repo.backend.conn
    assert c.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert c.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert c.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert c.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000


def test_read_only_repository_refuses_writes(repo, engine):
    from tracker.store.repository import ReadOnlyError

    ro = engine.open(read_only=True)
    assert ro.read_only and ro.count("roadmap") == 5
    with pytest.raises(ReadOnlyError):
        ro.create("people", {"title": "X"})
    ro.close()


def test_overdue_filter_matches_the_derived_flag(empty_repo):
    """'Overdue' is a filter, never a stored status: open items whose due date has passed."""
    from tracker.model import OVERDUE

    r = empty_repo
    r.create("roadmap", {"title": "late", "due_date": "2020-01-01", "status": "in_progress"})
    r.create("roadmap", {"title": "late but done", "due_date": "2020-01-01", "status": "done"})
    r.create("roadmap", {"title": "future", "due_date": "2999-01-01"})
    r.create("roadmap", {"title": "no date"})
    rows = r.list("roadmap", status=OVERDUE)
    assert [row["title"] for row in rows] == ["late"]
    assert r.count("roadmap", status=OVERDUE) == 1
    roadmap = KINDS["roadmap"]
    assert all(roadmap.is_overdue(row) == (row["title"] == "late") for row in r.list("roadmap"))
    assert r.position("roadmap", rows[0]["id"], status=OVERDUE) == 0


def test_same_title_finds_a_record_up_to_case_yo_and_spacing(repo):
    first = repo.create("people", {"title": "Пётр Ёлкин"}).record_id
    assert repo.same_title("people", "петр елкин") == [(first, "Пётр Ёлкин")]
    assert repo.same_title("people", " ПЁТР  ЁЛКИН ") == [(first, "Пётр Ёлкин")]
    assert repo.same_title("people", "Пётр Ёлкин", exclude_id=first) == []
    assert repo.same_title("people", "Пётр") == []  # the whole title, not a word of it
    assert repo.same_title("people", "") == [] and repo.same_title("people", '"*') == []
    repo.delete("people", first)
    assert repo.same_title("people", "петр елкин") == []  # the trash does not count


def test_same_title_is_found_among_many_records_sharing_its_words(repo):
    for i in range(300):  # more records holding the word than a page of matches
        repo.create("meetings", {"title": f"Talks round {i}"})
    talks = repo.create("meetings", {"title": "Talks"}).record_id
    assert repo.same_title("meetings", "TALKS") == [(talks, "Talks")]
    assert repo.same_title("meetings", "  talks ") == [(talks, "Talks")]


def test_settings_and_presets_keep_no_nul_characters(repo):
    """A server's text cannot hold NUL: both engines take it out of settings and presets alike
    (on PostgreSQL the write failed; on SQLite it was stored)."""
    repo.set_settings({"partner_country": "Uzbek\x00istan"})
    assert repo.settings()["partner_country"] == "Uzbekistan"
    repo.save_preset("Week\x00ly", {"title": "Brief\x00ing", "sections": ["sum\x00mary"],
                                   "x\x00": 1})
    assert repo.presets() == {"Weekly": {"title": "Briefing", "sections": ["summary"], "x": 1}}
    assert "\x00" not in json.dumps(repo.history(limit=2))


def test_position_is_the_row_in_the_list_for_every_sort_and_direction(empty_repo):
    """Sorted lists (empty values last either way, id breaking ties) and each record's position
    in them agree, paged or not, on every kind of column (a date, a long text, a number)."""
    r = empty_repo
    for i in range(14):
        r.create("roadmap", {"title": f"Item {i % 5}", "due_date": None if i % 4 == 0 else
                             f"2026-0{1 + i % 3}-1{i % 2}", "progress": (i * 7) % 3 * 10,
                             "notes": None if i % 3 == 0 else "Ё" * (i % 4) + "x" * 250})
    ids = set(r.ids("roadmap"))
    for sort in ("due_date", "notes", "title", "progress", "id"):
        for descending in (False, True):
            rows = r.list("roadmap", sort=sort, descending=descending)
            assert {row["id"] for row in rows} == ids
            filled = [row[sort] for row in rows if row[sort] is not None]
            assert filled == sorted(filled, reverse=descending)
            assert all(row[sort] is None for row in rows[len(filled):])  # empty ones last
            paged = [row for start in range(0, 14, 4) for row in r.list(
                "roadmap", sort=sort, descending=descending, limit=4, offset=start)]
            assert [row["id"] for row in paged] == [row["id"] for row in rows]
            for at, row in enumerate(rows):
                assert r.position("roadmap", row["id"], sort=sort, descending=descending) == at


def test_deep_pages_and_the_live_count_agree_with_the_whole_list(empty_repo, monkeypatch):
    """A page deep into a sorted list (where SQLite asks first where the filled values end) and
    the count of an unfiltered table (every row less the trash) give what the whole list does,
    with records in the trash and empty values in the sort column."""
    from tracker.store.sqlite import backend as sqlite_backend

    monkeypatch.setattr(sqlite_backend, "DEEP_PAGE", 2)  # every page past the first is deep
    r = empty_repo
    made = [r.create("roadmap", {"title": f"Item {i}", "due_date": None if i % 3 == 0 else
                                 f"2026-0{1 + i % 5}-1{i % 7}"}).record_id for i in range(17)]
    for rid in made[1:6:2]:
        r.delete("roadmap", rid)
    assert r.count("roadmap") == 14
    for sort in ("due_date", "title"):
        for descending in (False, True):
            whole = [row["id"] for row in r.list("roadmap", sort=sort, descending=descending)]
            assert len(whole) == 14
            for size in (1, 3, 5):
                paged = [row["id"] for start in range(0, 16, size) for row in r.list(
                    "roadmap", sort=sort, descending=descending, limit=size, offset=start)]
                assert paged == whole, (sort, descending, size)


def test_the_dashboard_counts_overdue_items_beyond_its_list_once_by_status(repo):
    """More overdue items than the dashboard lists: their number (taken from the overdue by
    status) is every overdue item's, the list the first of them by due date."""
    today = dt.date(2026, 11, 27)
    for i, status in enumerate(["planned", "in_progress", "in_progress", "done"]):
        repo.create("roadmap", {"title": f"Late {i}", "due_date": f"2026-10-0{i + 1}",
                                "status": status, "progress": 100 if status == "done" else 0})
    f = repo.figures(today, limit=2)
    assert f["roadmap_overdue_by_status"] == {"planned": 1, "in_progress": 2}
    assert f["roadmap_overdue"] == 3 == repo.count("roadmap", status="overdue")
    assert [r["title"] for r in f["overdue"]] == ["Late 0", "Late 1"]


def test_overdue_items_are_counted_by_status_from_the_due_date_index_alone(tmp_path):
    """The dashboard's overdue items by status are read from the index of (due date, status),
    not along the status index with a look-up of each row (1,000,000 road-map items: 95 ms
    instead of 973 ms)."""
    from tracker.session import open_session
    from tracker.store.query import Filter

    with open_session(tmp_path / "plan.db", seed=False, user="tester") as r:
        statements: list[str] = []
        r.backend.conn.set_trace_callback(statements.append)
        r.backend.count_by(Filter(KINDS["roadmap"], overdue_on=dt.date(2026, 11, 27)),
                           "status")
        r.backend.conn.set_trace_callback(None)
        plan = r.backend.conn.execute("EXPLAIN QUERY PLAN " + statements[-1]).fetchall()
        late = {"due_date": "2026-01-01"}
        for status in ("planned", "in_progress", "in_progress", "done"):
            r.create("roadmap", {"title": status, "status": status, **late,
                                 "progress": 100 if status == "done" else 10})
        overdue = Filter(KINDS["roadmap"], overdue_on=dt.date(2026, 11, 27))
        assert r.backend.count_by(overdue, "status") == {"planned": 1, "in_progress": 2}
        # a value outside the declared choices (another program's) is still counted
        r.backend.conn.execute("UPDATE roadmap SET status = 'suspended' WHERE title = 'planned'")
        assert r.backend.count_by(overdue, "status") == {"suspended": 1, "in_progress": 2}
    assert any("roadmap_due_status" in step[3] for step in plan), plan
