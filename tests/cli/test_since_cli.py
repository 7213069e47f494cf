"""``since KIND ID``: what was reported on a meeting's items since it, as text or JSON, in
either language; a kind that is not a meeting or a missing one is a clean one-line error."""

from __future__ import annotations

import json

from cli_helpers import cli, fails, ok

from tracker.store.repository import Repository


def fill(db):
    with Repository(db) as repo:
        meeting = repo.create("meetings", {"title": "Commission", "start_date": "2025-09-10",
                                           "status": "held"}).record_id
        rid = repo.create("roadmap", {"title": "Joint «лаборатория»", "meeting_id": meeting,
                                      "reports": [
                                          {"reported_on": "2025-09-01", "done": "Before it"},
                                          {"reported_on": "2025-10-01", "progress": 30,
                                           "done": "Site\nchosen =1+1"}]}).record_id
        quiet = repo.create("roadmap", {"title": "Quiet item",
                                        "reviewed_at": [meeting]}).record_id
    return meeting, rid, quiet


def test_since_a_meeting_as_text_and_json(seeded):
    meeting, rid, quiet = fill(seeded)
    out = ok(cli(seeded, "since", "meetings", str(meeting))).stdout
    assert out.splitlines() == [f"Road-map item {rid}: Joint «лаборатория»",
                                "   1 October 2025 · 30 % · Site chosen =1+1",
                                f"Road-map item {quiet}: Quiet item",
                                "   nothing reported since the meeting"]
    data = json.loads(ok(cli(seeded, "since", "meetings", str(meeting), "--json")).stdout)
    assert [(d["id"], [r["done"] for r in d["reports"]]) for d in data] == [
        (rid, ["Site\nchosen =1+1"]), (quiet, [])]
    russian = ok(cli(seeded, "since", "meetings", str(meeting), language="ru")).stdout
    assert "1 октября 2025 г. · 30 % · Site chosen" in russian
    assert "со времени встречи ничего не сообщалось" in russian


def test_since_refuses_what_is_not_a_meeting_cleanly(seeded):
    fails(cli(seeded, "since", "roadmap", "1"), code=2)
    fails(cli(seeded, "since", "meetings", "999999"))
