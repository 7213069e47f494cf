"""Implementation reports, review links and treaty fields travel with their record through JSON
and CSV exports and imports; a report's quote must occur in its source there too."""

from __future__ import annotations

import json

import pytest
from exchange_helpers import comparable

from tracker import exchange as tio
from tracker.exchange.errors import ImportProblem
from tracker.exchange.json_format import json_text
from tracker.exchange.records import record_text

QUOTE = "There is an agreement on annual meetings."
HOSTILE = "=SUM(A1); \"quoted\", back\\slash\nnew line — Ёлка <b>&amp;</b>"


def fill(repo):
    meeting = repo.create("meetings", {"title": "Session", "start_date": "2025-03-01"}).record
    item = repo.create("roadmap", {
        "title": "Joint laboratory", "due_date": "2026-09-01", "reviewed_at": [meeting["id"]],
        "reports": [{"reported_on": "2025-04-01", "progress": 15, "done": HOSTILE,
                     "side": "partner", "source_id": 1, "quote": QUOTE},
                    {"reported_on": "2025-02-01", "progress": 5, "done": "Started"}]}).record
    farm = repo.create("farms", {"title": "Dairy farm", "reports": [
        {"reported_on": "2025-05-01", "done": "Barns built", "side": "home"}]}).record
    agreement = repo.create("agreements", {
        "title": "Treaty", "signed_on": "2020-01-10", "home_notified_on": "2020-03-01",
        "partner_notified_on": "2020-05-01", "provisional_from": "2020-01-10",
        "term_years": 5, "auto_renewal": "yes", "renewal_years": 2,
        "notice_months": 6}).record
    return item, farm, agreement


def test_json_round_trip_keeps_reports_reviews_and_treaty_fields(repo, other):
    item, farm, agreement = fill(repo)
    data = json.loads(json_text(tio.export_data(repo)))
    exported = next(r for r in data["roadmap"] if r["uid"] == item["uid"])
    assert exported["reports"][1]["source_uid"] and "source_id" not in exported["reports"][1]
    assert exported["reports"][1]["source"].startswith("Presidents of Belarus")
    tio.import_data(other, data)
    copy = other.get_by_uid("roadmap", item["uid"])
    assert [(r["reported_on"], r["progress"], r["done"], r["side"], r["quote"])
            for r in copy["reports"]] == [("2025-02-01", 5, "Started", None, None),
                                          ("2025-04-01", 15, HOSTILE, "partner", QUOTE)]
    assert copy["progress"] == 15 and len(copy["reviewed_at"]) == 1
    assert other.get_by_uid("farms", farm["uid"])["reports"][0]["done"] == "Barns built"
    treaty = other.get_by_uid("agreements", agreement["uid"])
    assert (treaty["term_years"], treaty["renewal_years"], treaty["notice_months"],
            treaty["auto_renewal"]) == (5, 2, 6, "yes")
    assert comparable(tio.export_data(other)) == comparable(data)
    # imported again: nothing changes
    result = tio.import_data(other, data)
    assert result.updated == {} and result.created == {}


def test_csv_round_trip_keeps_reports(repo, other, tmp_path):
    item, _farm, _agreement = fill(repo)
    tio.write_csv(tmp_path / "out.zip", tio.export_data(repo))
    tio.import_file(other, tmp_path / "out.zip")
    copy = other.get_by_uid("roadmap", item["uid"])
    assert [r["done"] for r in copy["reports"]] == ["Started", HOSTILE]
    assert copy["reports"][1]["quote"] == QUOTE and other.search("Ёлка")


def test_an_import_changing_only_the_reports_updates_the_record(repo, other):
    item, _farm, _agreement = fill(repo)
    data = json.loads(json_text(tio.export_data(repo)))
    tio.import_data(other, data)
    row = next(r for r in data["roadmap"] if r["uid"] == item["uid"])
    row["reports"].append({"reported_on": "2025-06-01", "progress": 40, "done": "Site chosen"})
    row["progress"] = 40
    result = tio.import_data(other, data)
    assert result.updated == {"roadmap": 1}
    copy = other.get_by_uid("roadmap", item["uid"])
    assert copy["progress"] == 40 and copy["reports"][-1]["done"] == "Site chosen"
    assert [h.title for h in other.search("site chosen")] == ["Joint laboratory"]
    entry = other.history("roadmap", copy["id"], limit=1)[0]
    assert entry["action"] == "import" and len(entry["after"]["reports"]) == 3


def test_a_report_may_cite_a_source_the_same_file_brings(repo, other):
    data = {"sources": [{"uid": "src-1", "title": "Minutes", "text": "The plan was approved."}],
            "roadmap": [{"uid": "item-1", "title": "Plan", "reports": [
                {"reported_on": "2025-01-01", "done": "Approved", "source_uid": "src-1",
                 "quote": "the plan was  approved"}]}]}
    tio.import_data(other, data)
    copy = other.get_by_uid("roadmap", "item-1")
    assert copy["reports"][0]["source_id"] == other.id_of_uid("sources", "src-1")


@pytest.mark.parametrize(("report", "words"), [
    ({"reported_on": "2025-01-01", "done": "x", "source_uid": "src-1", "quote": "not there"},
     "report 1: these words are not in the source's text"),
    ({"reported_on": "2025-01-01", "done": "x", "source_uid": "nope", "quote": "x"},
     "no sources with uid nope"),
    ({"reported_on": "2025-01-01", "done": "x", "quote": "words"}, "a quote needs its source"),
    ({"reported_on": "someday", "done": "x"}, "report 1: Date:"),
    ({"done": "x"}, "Date is required"),
])
def test_a_bad_report_refuses_the_whole_file_naming_record_and_field(other, report, words):
    data = {"sources": [{"uid": "src-1", "title": "Minutes", "text": "The plan was approved."}],
            "roadmap": [{"uid": "item-1", "title": "Plan", "reports": [report]}]}
    with pytest.raises(ImportProblem) as info:
        tio.import_data(other, data)
    message = str(info.value)
    assert "roadmap" in message and "Plan" in message and "reports" in message
    assert words in message
    assert other.count("sources") == 0 and other.count("roadmap") == 0


def test_reports_show_in_the_record_as_text(repo):
    item, _farm, _agreement = fill(repo)
    text = record_text(repo, "roadmap", repo.get("roadmap", item["id"]), for_mail=True)
    assert "Implementation reports:" in text and "1 February 2025, 5 %: Started" in text
    assert "15 %, Partner side: =SUM(A1)" in text and f"“{QUOTE}”" in text
