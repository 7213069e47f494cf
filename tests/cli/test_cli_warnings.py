"""The CLI warns of contradictions and writes dates in the user's format (issue 18)."""

from __future__ import annotations

import json

from cli_helpers import cli, ok

SCO = "Meeting of the Council of Heads of State of the Shanghai Cooperation Organization"


def _id_of(db, kind, title):
    rows = json.loads(ok(cli(db, "list", kind, "--json")).stdout)
    return str(next(r["id"] for r in rows if r["title"] == title))


def test_show_warns_of_the_seeded_meeting_of_2017_still_planned(seeded):
    out = ok(cli(seeded, "show", "meetings", _id_of(seeded, "meetings", SCO))).stdout
    assert "Warning: Status: Still \u201cPlanned\u201d, yet its date (2017-06-09) has passed" \
        in out


def test_edit_saves_a_contradiction_and_warns_of_it(seeded):
    rid = ok(cli(seeded, "add", "roadmap", "title=Joint laboratory")).stdout.strip()
    result = ok(cli(seeded, "edit", "roadmap", rid, "progress=40"))
    assert "Saved roadmap" in result.stdout
    assert "Warning: Progress, %: \u201cPlanned\u201d, yet progress stands at 40 %" in result.stderr
    record = json.loads(ok(cli(seeded, "show", "roadmap", rid, "--json")).stdout)
    assert record["progress"] == 40  # a warning, not a refusal
    quiet = ok(cli(seeded, "edit", "roadmap", rid, "status=in_progress"))
    assert "Warning" not in quiet.stderr
    done = ok(cli(seeded, "edit", "roadmap", rid, "status=done", "progress=30"))
    assert "\u201cDone\u201d, yet progress stands at only 30 %" in done.stderr


def test_dates_follow_the_chosen_format_in_list_and_show(seeded):
    sco = _id_of(seeded, "meetings", SCO)
    assert "2017-06-09" in ok(cli(seeded, "show", "meetings", sco)).stdout
    dotted = ok(cli(seeded, "--dates", "dotted", "show", "meetings", sco)).stdout
    assert "09.06.2017" in dotted and "2017-06-09" not in dotted
    assert "09.06.2017" in ok(cli(seeded, "--dates", "dotted", "list", "meetings")).stdout
    # Russian desks write dates day first by default; ISO when they choose it
    assert "09.06.2017" in ok(cli(seeded, "list", "meetings", language="ru")).stdout
    assert "2017-06-09" in ok(cli(seeded, "--dates", "iso", "list", "meetings",
                                  language="ru")).stdout
    # the date typed back in the format shown is read as the same day
    rid = ok(cli(seeded, "--dates", "dotted", "add", "meetings", "title=Talks",
                 "start_date=09.06.2017")).stdout.strip()
    assert json.loads(ok(cli(seeded, "show", "meetings", rid, "--json")).stdout)[
        "start_date"] == "2017-06-09"
    message = cli(seeded, "--dates", "dotted", "add", "meetings", "title=T",
                  "start_date=2017/06/09").stderr
    assert "DD.MM.YYYY" in message
