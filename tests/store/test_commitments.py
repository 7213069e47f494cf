"""Implementation reports, what happened since a meeting, and the one list of deadlines: on both
engines, through the repository."""

from __future__ import annotations

import datetime as dt

import pytest

from tracker.model import KIND_ORDER, KINDS
from tracker.store.repository import ValidationError

BOTH_ENGINES = True

TODAY = dt.date(2026, 3, 1)
QUOTE = "There is an agreement on annual meetings."


def report(day, done="Work done", progress=None, **more):
    return {"reported_on": day, "done": done, "progress": progress, **more}


def item(repo, **values):
    values.setdefault("title", "Joint laboratory")
    return repo.create("roadmap", values).record


# --- reports in a record's state ------------------------------------------------------------------

def test_the_newest_report_sets_the_progress(empty_repo):
    rec = item(empty_repo, reports=[report("2025-05-01", progress=60, side="partner"),
                                    report("2025-01-10", progress=20, side="home"),
                                    report("2025-06-01", "A visit, no figure")])
    assert rec["progress"] == 60  # the newest report that gives a figure
    assert [r["reported_on"] for r in rec["reports"]] == ["2025-01-10", "2025-05-01",
                                                          "2025-06-01"]
    assert rec["reports"][0]["side"] == "home"
    change = empty_repo.update("roadmap", rec["id"], {"reports": [
        *rec["reports"], report("2025-07-01", progress=75)]}, expected_version=rec["version"])
    assert change.record["progress"] == 75


def test_plants_and_farms_have_reports_too_and_other_kinds_refuse_them(empty_repo):
    for kind in KIND_ORDER:
        values = {"title": "x", "reports": [report("2025-01-01")]}
        if KINDS[kind].reports is None:
            with pytest.raises(ValidationError) as info:
                empty_repo.create(kind, values)
            assert "reports" in info.value.problems
        else:
            rec = empty_repo.create(kind, values).record
            assert rec["reports"][0]["done"] == "Work done"


def test_a_progress_typed_against_the_newest_report_is_refused_naming_the_field(empty_repo):
    rec = item(empty_repo, reports=[report("2025-01-10", progress=20)])
    with pytest.raises(ValidationError) as info:
        empty_repo.update("roadmap", rec["id"], {"progress": 50},
                          expected_version=rec["version"])
    assert str(info.value).startswith("roadmap ")
    assert "Joint laboratory" in str(info.value) and "progress: set by the newest" in str(
        info.value)
    # the same figure, or a new report, is fine
    empty_repo.update("roadmap", rec["id"], {"progress": 20}, expected_version=rec["version"])


@pytest.mark.parametrize(("reports", "words"), [
    ([{"done": "no date"}], "Date is required"),
    ([report("2025-01-01", "")], "What was done is required"),
    ([report("2025-01-01", progress=101)], "at most 100"),
    ([report("31.02.2025")], "report 1: Date:"),
    ([report("2025-01-01", side="third")], "report 1: By:"),
    ([report("2025-01-01", quote="words")], "a quote needs its source"),
    ([report("2025-01-01", bogus=1)], "no such field 'bogus'"),
    (["not a report"], "expected an object"),
    ("[not json", "expected a JSON list"),
    ([report("2025-01-01", source_id=1, quote="words the article never says")],
     "these words are not in the source's text"),
    ([report("2025-01-01", source_id=999, quote=QUOTE)], "no source with id 999"),
])
def test_bad_reports_are_refused_whole_naming_record_and_field(repo, engine, reports, words):
    rec = repo.get("roadmap", 1)
    before = engine.sql("SELECT count(*) FROM reports")[0][0]
    with pytest.raises(ValidationError) as info:
        repo.update("roadmap", 1, {"reports": reports}, expected_version=rec["version"])
    assert words in info.value.problems["reports"]
    assert str(info.value).startswith("roadmap 1 ")
    assert engine.sql("SELECT count(*) FROM reports")[0][0] == before
    assert repo.get("roadmap", 1)["version"] == rec["version"]


def test_a_report_may_cite_its_source_with_words_it_holds(repo):
    rec = repo.get("roadmap", 1)
    change = repo.update("roadmap", 1, {"reports": [report(
        "2025-01-01", "Meetings agreed", source_id=1, quote="there is an  agreement on annual "
        "meetings")]}, expected_version=rec["version"])
    assert change.record["reports"][0]["source_id"] == 1


def test_reports_are_audited_and_undone_and_redone(empty_repo):
    rec = item(empty_repo, reports=[report("2025-01-10", progress=20)])
    changed = empty_repo.update("roadmap", rec["id"], {"reports": [
        *rec["reports"], report("2025-02-10", "Second stage", progress=40)]},
        expected_version=rec["version"]).record
    entry = empty_repo.history("roadmap", rec["id"], limit=1)[0]
    assert [r["done"] for r in entry["after"]["reports"]] == ["Work done", "Second stage"]
    assert [r["done"] for r in entry["before"]["reports"]] == ["Work done"]
    assert ("reports", entry["before"]["reports"], entry["after"]["reports"]) in entry["changes"]
    assert changed["progress"] == 40
    undone = empty_repo.undo().record
    assert [r["done"] for r in undone["reports"]] == ["Work done"] and undone["progress"] == 20
    assert empty_repo.search("second stage") == []
    redone = empty_repo.redo().record
    assert [r["done"] for r in redone["reports"]] == ["Work done", "Second stage"]
    assert redone["progress"] == 40
    assert [h.record_id for h in empty_repo.search("second stage")] == [rec["id"]]


def test_reports_go_to_the_trash_and_come_back_with_their_record(empty_repo):
    rec = item(empty_repo, reports=[report("2025-01-10", "Фундамент залит", progress=20)])
    empty_repo.delete("roadmap", rec["id"])
    assert empty_repo.get("roadmap", rec["id"])["reports"][0]["done"] == "Фундамент залит"
    assert empty_repo.search("фундамент") == []  # the trash is not searched
    back = empty_repo.restore("roadmap", rec["id"]).record
    assert back["reports"] == rec["reports"] and back["progress"] == 20
    assert [h.record_id for h in empty_repo.search("Фундамент")] == [rec["id"]]


def test_editing_other_fields_keeps_the_reports_and_their_search(empty_repo):
    rec = item(empty_repo, reports=[report("2025-01-10", "Ёмкость подтверждена")])
    empty_repo.update("roadmap", rec["id"], {"title": "Renamed"},
                      expected_version=rec["version"])
    assert empty_repo.get("roadmap", rec["id"])["reports"] == rec["reports"]
    assert [h.title for h in empty_repo.search("емкость")] == ["Renamed"]


# --- since a meeting ------------------------------------------------------------------------------

def test_what_happened_since_a_meeting_or_a_date(empty_repo):
    first = empty_repo.create("meetings", {"title": "Commission, 1st session",
                                           "start_date": "2025-03-01",
                                           "end_date": "2025-03-02", "status": "held"}).record
    second = empty_repo.create("meetings", {"title": "Commission, 2nd session",
                                            "start_date": "2025-09-10", "status": "held"}).record
    later = empty_repo.create("meetings", {"title": "Next session",
                                           "start_date": "2026-09-10"}).record
    rec = item(empty_repo, meeting_id=first["id"], reviewed_at=[second["id"], later["id"]],
               reports=[report("2025-03-02", "On the last day"),
                        report("2025-04-01", "Plan drafted", progress=10),
                        report("2025-10-01", "Site chosen", progress=30)])
    assert rec["reviewed_at"] == sorted([second["id"], later["id"]])
    since_first = empty_repo.reports_since("roadmap", rec["id"], ("meetings", first["id"]))
    assert [r["done"] for r in since_first] == ["Plan drafted", "Site chosen"]
    assert [r["done"] for r in empty_repo.reports_since("roadmap", rec["id"], "2025-09-10")] \
        == ["Site chosen"]
    assert [r["done"] for r in empty_repo.reports_since(
        "roadmap", rec["id"], dt.date(2025, 12, 31))] == []
    # the last meeting held by a day: the one that agreed it, or one that reviewed it
    assert empty_repo.last_review("roadmap", rec["id"], dt.date(2025, 6, 1)) == (
        "meetings", first["id"])
    assert empty_repo.last_review("roadmap", rec["id"], dt.date(2026, 1, 1)) == (
        "meetings", second["id"])
    assert empty_repo.last_review("roadmap", rec["id"], dt.date(2025, 1, 1)) is None


# --- the one list of deadlines ------------------------------------------------------------------

def make_deadlines(repo):
    """One record per declared obligation, some overdue on TODAY, some to come."""
    ids = {}
    ids["roadmap_late"] = item(repo, title="Late item", due_date="2026-02-01",
                               home_lead="Ministry of Industry")["id"]
    ids["roadmap_soon"] = item(repo, title="Soon item", due_date="2026-03-10",
                               partner_lead="KazAgro")["id"]
    ids["roadmap_done"] = item(repo, title="Done item", due_date="2026-02-01",
                               status="done")["id"]
    ids["agreement"] = repo.create("agreements", {
        "title": "Renewing agreement", "status": "in_force", "in_force_on": "2021-06-15",
        "term_years": 5, "auto_renewal": "yes", "notice_months": 6}).record_id
    ids["agreement_expired"] = repo.create("agreements", {
        "title": "Lapsed agreement", "status": "in_force", "in_force_on": "2020-01-01",
        "expires_on": "2026-01-01"}).record_id
    ids["meeting"] = repo.create("meetings", {"title": "Session", "start_date": "2026-03-20",
                                              "end_date": "2026-03-21",
                                              "place": "Minsk"}).record_id
    ids["meeting_past"] = repo.create("meetings", {"title": "Past session",
                                                   "start_date": "2026-01-20"}).record_id
    ids["farm"] = repo.create("farms", {"title": "Dairy farm", "due_on": "2026-04-01",
                                        "status": "construction"}).record_id
    ids["plant"] = repo.create("plants", {"title": "Tractor plant", "started_on": "2026-02-15",
                                          "status": "planned"}).record_id
    return ids


def test_deadlines_list_every_declared_kind_in_date_order(empty_repo):
    ids = make_deadlines(empty_repo)
    found = empty_repo.deadlines(TODAY)
    assert [(d.kind, d.obligation, d.date, d.overdue) for d in found] == [
        ("agreements", "expiry", "2026-01-01", True),  # expired, still marked in force
        ("roadmap", "due", "2026-02-01", True),
        ("plants", "start", "2026-02-15", True),  # still planned after its start
        ("roadmap", "due", "2026-03-10", False),
        ("meetings", "meeting", "2026-03-20", False),
        ("farms", "due", "2026-04-01", False),
        ("agreements", "expiry", "2026-06-15", False),  # renews then
        ("agreements", "notice", "2030-12-15", False),
    ]
    kinds_with_obligations = {k for k in KIND_ORDER if KINDS[k].obligations}
    assert {d.kind for d in found} == kinds_with_obligations
    # the renewing agreement's notice day (15 Dec 2025) has passed: the next one is listed
    notice = [d for d in found if d.obligation == "notice"]
    assert [(d.record_id, d.date) for d in notice] == [(ids["agreement"], "2030-12-15")]
    assert ids["roadmap_done"] not in {d.record_id for d in found if d.kind == "roadmap"}
    assert ids["meeting_past"] not in {d.record_id for d in found if d.kind == "meetings"}
    dates = [d.date for d in found]
    assert dates == sorted(dates)
    meeting = next(d for d in found if d.kind == "meetings")
    assert meeting.details == {"end": "2026-03-21", "place": "Minsk"}


def test_deadlines_within_a_horizon_keep_the_overdue_ones(empty_repo):
    make_deadlines(empty_repo)
    found = empty_repo.deadlines(TODAY, within=14)
    assert [(d.kind, d.date) for d in found] == [
        ("agreements", "2026-01-01"), ("roadmap", "2026-02-01"), ("plants", "2026-02-15"),
        ("roadmap", "2026-03-10")]
    assert [d.title for d in empty_repo.deadlines(TODAY, overdue=True)] == [
        "Lapsed agreement", "Late item", "Tractor plant"]


def test_deadlines_my_items_by_lead(empty_repo):
    make_deadlines(empty_repo)
    assert [d.title for d in empty_repo.deadlines(TODAY, lead="KazAgro")] == ["Soon item"]
    assert [d.title for d in empty_repo.deadlines(TODAY, lead=" Ministry of Industry ")] == [
        "Late item"]
    assert empty_repo.deadlines(TODAY, lead="Nobody") == []
    assert [r["title"] for r in empty_repo.list("roadmap", lead="KazAgro")] == ["Soon item"]
    assert empty_repo.count("roadmap", lead="KazAgro") == 1


def test_deadlines_leave_out_the_trash_and_records_above_the_clearance(empty_repo):
    ids = make_deadlines(empty_repo)
    empty_repo.delete("farms", ids["farm"])
    rec = empty_repo.get("roadmap", ids["roadmap_soon"])
    empty_repo.update("roadmap", rec["id"], {"classification": "restricted"},
                      expected_version=rec["version"])
    titles = {d.title for d in empty_repo.deadlines(TODAY, max_classification="internal")}
    assert "Dairy farm" not in titles and "Soon item" not in titles and "Late item" in titles


def test_since_a_meeting_lists_the_items_it_agreed_or_reviewed(empty_repo):
    meeting = empty_repo.create("meetings", {"title": "Commission, 2nd session",
                                             "start_date": "2025-09-10",
                                             "end_date": "2025-09-11", "status": "held"}).record
    other = empty_repo.create("meetings", {"title": "Other", "start_date": "2025-01-01"}).record
    agreed = item(empty_repo, title="Agreed there", meeting_id=meeting["id"],
                  reports=[report("2025-09-11", "On its last day"),
                           report("2025-10-01", "Site chosen", progress=30)])
    reviewed = item(empty_repo, title="Reviewed there", meeting_id=other["id"],
                    reviewed_at=[meeting["id"]], reports=[report("2025-05-01", "Before")])
    both = item(empty_repo, title="Agreed and reviewed", meeting_id=meeting["id"],
                reviewed_at=[meeting["id"]])
    item(empty_repo, title="Elsewhere", meeting_id=other["id"],
         reports=[report("2025-12-01", "Not this meeting's")])
    gone = item(empty_repo, title="In the trash", meeting_id=meeting["id"])
    empty_repo.delete("roadmap", gone["id"])
    found = empty_repo.since_occasion("meetings", meeting["id"])
    assert [(k, rid, title, [r["done"] for r in reports]) for k, rid, title, reports in found] \
        == [("roadmap", agreed["id"], "Agreed there", ["Site chosen"]),
            ("roadmap", reviewed["id"], "Reviewed there", []),
            ("roadmap", both["id"], "Agreed and reviewed", [])]  # once, though linked twice
    with pytest.raises(ValueError, match="not meetings"):
        empty_repo.since_occasion("roadmap", agreed["id"])
    from tracker.store.errors import NotFound

    with pytest.raises(NotFound):
        empty_repo.since_occasion("meetings", 999)
