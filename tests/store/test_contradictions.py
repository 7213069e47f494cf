"""The records that contradict themselves, found by each engine (issue 18)."""

from __future__ import annotations

import datetime as dt

BOTH_ENGINES = True

TODAY = dt.date(2026, 3, 1)


def test_the_seeded_sco_meeting_of_2017_still_planned_is_listed(repo):
    rows, total = repo.contradictions(TODAY)
    meetings = [r for r in rows if r["kind"] == "meetings"]
    assert [r["title"] for r in meetings] == [
        "Meeting of the Council of Heads of State of the Shanghai Cooperation Organization"]
    assert meetings[0]["field"] == "status" and "2017-06-09" in meetings[0]["message"]
    assert total == len(rows)
    # on the day of the meeting nothing contradicts yet
    assert not [r for r in repo.contradictions(dt.date(2017, 6, 9))[0]
                if r["kind"] == "meetings"]


def test_road_map_items_contradicting_their_progress_are_listed_and_counted(empty_repo):
    made = {}
    for title, status, progress in (("Planned at 40", "planned", 40), ("Done at 30", "done", 30),
                                    ("Fine", "in_progress", 30), ("Done", "done", 100)):
        made[title] = empty_repo.create("roadmap", {"title": title, "status": status,
                                                    "progress": progress}).record_id
    rows, total = empty_repo.contradictions(TODAY)
    assert [(r["title"], r["field"]) for r in rows] == [("Planned at 40", "progress"),
                                                        ("Done at 30", "progress")]
    assert total == 2
    capped, total = empty_repo.contradictions(TODAY, limit=1)
    assert len(capped) == 1 and total == 2
    empty_repo.delete("roadmap", made["Done at 30"])  # the trash is not the desk's business
    assert empty_repo.contradictions(TODAY)[1] == 1
