"""The deadlines as an iCalendar file: parsed back with icalendar, its UIDs stable across exports
and databases, its text (hostile or not) coming back as it was stored."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from tracker import exchange as tio
from tracker.cli.main import main
from tracker.exchange.calendar import build_calendar, event_uid, write_calendar
from tracker.exchange.json_format import json_text
from tracker.store.deadlines import Due

BOTH_ENGINES = True

TODAY = dt.date(2026, 3, 1)
HOSTILE = "Comma, semi; back\\slash \"quotes\" <b>x</b> =1+1 — Ёлка Қазақстан 😀"


def events(data: bytes) -> dict[str, dict]:
    cal = Calendar.from_ical(data)
    out = {}
    for ev in cal.walk("VEVENT"):
        out[str(ev["uid"])] = {
            "summary": str(ev["summary"]), "start": ev.decoded("dtstart"),
            "end": ev.decoded("dtend"), "location": str(ev.get("location", "")),
            "description": str(ev.get("description", "")), "sequence": int(ev["sequence"]),
            "stamp": ev.decoded("dtstamp"), "class": str(ev.get("class", ""))}
    return out


def fill(repo):
    people = [repo.create("people", {"title": name}).record_id
              for name in ("Ольга Ковалёва", "Nurlan; Nurlanov, Jr.")]
    meeting = repo.create("meetings", {
        "title": "Commission; 5th session, Minsk\\Astana", "start_date": "2026-03-20",
        "end_date": "2026-03-22", "place": "Минск, Дворец Независимости; зал 2",
        "participants": people}).record
    item = repo.create("roadmap", {"title": HOSTILE, "due_date": "2026-03-10",
                                   "home_lead": "Министерство, промышленности"}).record
    late = repo.create("roadmap", {"title": "Late item", "due_date": "2026-01-10"}).record
    agreement = repo.create("agreements", {
        "title": "Renewing agreement", "status": "in_force", "in_force_on": "2021-06-15",
        "term_years": 5, "auto_renewal": "yes", "notice_months": 6}).record
    return meeting, item, late, agreement


def test_events_carry_dates_place_participants_and_stable_uids(empty_repo, tmp_path):
    meeting, item, late, agreement = fill(empty_repo)
    path, n = write_calendar(empty_repo, tmp_path / "a.ics", today=TODAY)
    found = events(path.read_bytes())
    assert n == len(found) == 5
    assert set(found) == {f"{meeting['uid']}.meeting@bilateral-tracker",
                          f"{item['uid']}.due@bilateral-tracker",
                          f"{late['uid']}.due@bilateral-tracker",
                          f"{agreement['uid']}.expiry@bilateral-tracker",
                          f"{agreement['uid']}.notice@bilateral-tracker"}
    m = found[f"{meeting['uid']}.meeting@bilateral-tracker"]
    assert m["summary"] == "Commission; 5th session, Minsk\\Astana"
    assert (m["start"], m["end"]) == (dt.date(2026, 3, 20), dt.date(2026, 3, 23))  # all day
    assert m["location"] == "Минск, Дворец Независимости; зал 2"
    assert "Participants: Ольга Ковалёва; Nurlan; Nurlanov, Jr." in m["description"]
    due = found[f"{item['uid']}.due@bilateral-tracker"]
    assert due["summary"] == f"Due: {HOSTILE}" and due["start"] == dt.date(2026, 3, 10)
    assert "Leads: Министерство, промышленности" in due["description"]
    assert "Overdue" in found[f"{late['uid']}.due@bilateral-tracker"]["description"]
    notice = found[f"{agreement['uid']}.notice@bilateral-tracker"]
    assert notice["start"] == dt.date(2030, 12, 15)  # 15 Dec 2025 had passed
    assert all(str(item["id"]) not in uid.split("@")[0].split(".")[1] for uid in found)


def test_two_exports_of_unchanged_data_are_the_same_file(empty_repo, tmp_path):
    fill(empty_repo)
    first = write_calendar(empty_repo, tmp_path / "a.ics", today=TODAY)[0].read_bytes()
    second = write_calendar(empty_repo, tmp_path / "b.ics", today=TODAY)[0].read_bytes()
    assert first == second


def test_an_edit_keeps_the_uid_and_raises_the_sequence(empty_repo, tmp_path):
    _meeting, item, _late, _agreement = fill(empty_repo)
    before = events(write_calendar(empty_repo, tmp_path / "a.ics", today=TODAY)[0].read_bytes())
    empty_repo.update("roadmap", item["id"], {"due_date": "2026-04-01"},
                      expected_version=item["version"])
    after = events(write_calendar(empty_repo, tmp_path / "a.ics", today=TODAY)[0].read_bytes())
    uid = event_uid(Due("roadmap", item["id"], item["uid"], "", "due", "", "", "", False))
    assert set(after) == set(before)
    assert after[uid]["start"] == dt.date(2026, 4, 1) and before[uid]["start"] == dt.date(
        2026, 3, 10)
    assert after[uid]["sequence"] == before[uid]["sequence"] + 1
    assert after[uid]["stamp"] >= before[uid]["stamp"]


def test_uids_are_the_same_from_another_database_holding_the_records(empty_repo, other,
                                                                      tmp_path):
    fill(empty_repo)
    other.create("people", {"title": "Someone else"})  # so the ids differ
    tio.import_data(other, json.loads(json_text(tio.export_data(empty_repo))))
    ours = events(write_calendar(empty_repo, tmp_path / "a.ics", today=TODAY)[0].read_bytes())
    theirs = events(write_calendar(other, tmp_path / "b.ics", today=TODAY)[0].read_bytes())
    assert set(ours) == set(theirs)


def test_an_event_carries_its_records_classification_and_last_change(empty_repo, tmp_path):
    """The stamps a list of deadlines does not carry are read for the calendar: a public record's
    event is PUBLIC, the others PRIVATE; DTSTAMP is the record's own last change."""
    _meeting, item, late, _agreement = fill(empty_repo)
    public = empty_repo.update("roadmap", late["id"], {"classification": "public"},
                               expected_version=late["version"]).record
    found = events(write_calendar(empty_repo, tmp_path / "a.ics", today=TODAY)[0].read_bytes())
    late_event = found[f"{late['uid']}.due@bilateral-tracker"]
    assert late_event["class"] == "PUBLIC" and found[f"{item['uid']}.due@bilateral-tracker"][
        "class"] == "PRIVATE"
    assert late_event["sequence"] == public["version"] - 1 == 1
    changed = dt.datetime.fromisoformat(public["updated_at"].replace("Z", "+00:00"))
    assert late_event["stamp"] == changed.astimezone(dt.UTC).replace(microsecond=0) or \
        late_event["stamp"] == changed.astimezone(dt.UTC)


def test_every_event_of_a_long_calendar_carries_its_records_stamps(empty_repo, tmp_path):
    """The stamps are read in chunks: past the first, every event still has its record's."""
    for i in range(1_203):
        empty_repo.create("roadmap", {"title": f"Item {i}", "due_date": "2026-03-10",
                                      "classification": "public" if i % 2 else "internal"})
    found = events(write_calendar(empty_repo, tmp_path / "a.ics", today=TODAY)[0].read_bytes())
    classes = [ev["class"] for ev in found.values()]
    assert len(found) == 1_203 and classes.count("PUBLIC") == 601


def test_within_a_horizon(empty_repo, tmp_path):
    fill(empty_repo)
    _path, n = write_calendar(empty_repo, tmp_path / "a.ics", today=TODAY, within=14)
    assert n == 2  # the overdue item and the one due on 10 March


@pytest.mark.sqlite_only  # (the CLI opens a file by path; on a server it is the same module)
def test_the_cli_writes_the_file(empty_repo, tmp_path):
    fill(empty_repo)
    path = tmp_path / "cli.ics"
    result = CliRunner().invoke(main, ["--db", str(empty_repo.path), "calendar", "-o", str(path),
                                       "--today", "2026-03-01", "--within", "30"])
    assert result.exit_code == 0, result.stderr
    assert len(events(path.read_bytes())) == 3 and "3 events" in result.stderr


# --- hostile text: what was stored comes back, nothing breaks the file ----------------------------

nasty = st.one_of(
    st.sampled_from(["a,b;c\\d", "line\nbreak\r\nmore", "\x00\x01\x1b[31m\x7f", "x" * 1_000_000,
                     "Ёлка, «ёжик»; Қазақстан", "\\n not a newline", ";;;,,,\\\\", "\t tab"]),
    st.text(max_size=40))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.data_too_large])
@given(title=nasty, place=nasty, lead=nasty)
def test_hostile_text_round_trips_through_the_library(title, place, lead):
    from tracker.model.fields import clean_text

    due = Due("meetings", 1, "uid-1", title, "meeting", "Meeting", "2026-03-01", "planned",
              False, (lead,), details={"place": place})
    data = build_calendar(_NoRepo(), [due])
    assert b"\x00" not in data and b"\x1b" not in data
    ev = events(data)["uid-1.meeting@bilateral-tracker"]
    assert ev["summary"] == clean_text(title, multiline=True)
    assert ev["location"] == (clean_text(place, multiline=True) if place.strip() else "")
    if clean_text(lead, multiline=True):
        assert clean_text(f"Leads: {lead}", multiline=True) in ev["description"]


class _NoRepo:
    """A repository with no records: participants are looked up, none found."""

    class backend:  # noqa: N801 - the attribute the module reads
        @staticmethod
        def link_ids(*_args):
            return []

        @staticmethod
        def rows_of(*_args):
            return {}

    @staticmethod
    def titles(*_args):
        return {}
