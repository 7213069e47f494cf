"""Contradictions a kind declares (issue 18): warned of, never refused."""

from __future__ import annotations

import datetime as dt

import pytest

from tracker import i18n
from tracker.model import KINDS, validate
from tracker.model.checks import TODAY, Check

DAY = dt.date(2026, 3, 1)


def test_planned_with_progress_and_done_unfinished_are_warned_beside_the_progress():
    roadmap = KINDS["roadmap"]
    assert roadmap.warnings({"status": "planned", "progress": 40}, DAY) == {
        "progress": "\u201cPlanned\u201d, yet progress stands at 40 %: is it in progress?"}
    assert "30 %" in roadmap.warnings({"status": "done", "progress": 30}, DAY)["progress"]
    for fine in ({"status": "planned", "progress": 0}, {"status": "in_progress", "progress": 40},
                 {"status": "done", "progress": 100}, {"status": "done", "progress": None}):
        assert roadmap.warnings(fine, DAY) == {}, fine


def test_a_meeting_whose_date_has_passed_still_planned_is_warned_beside_its_status():
    meetings = KINDS["meetings"]
    warned = meetings.warnings({"status": "planned", "start_date": "2017-06-09"}, DAY)
    assert list(warned) == ["status"]
    assert "2017-06-09" in warned["status"] and "held or cancelled" in warned["status"]
    assert meetings.warnings({"status": "held", "start_date": "2017-06-09"}, DAY) == {}
    assert meetings.warnings({"status": "planned", "start_date": "2026-03-01"}, DAY) == {}
    assert meetings.warnings({"status": "planned", "start_date": None}, DAY) == {}


def test_a_warning_is_not_a_refusal():
    record = dict(KINDS["roadmap"].defaults(), title="Joint laboratory", progress=40)
    assert KINDS["roadmap"].warnings(record, DAY)
    assert validate(KINDS["roadmap"], record) == {}


def test_warnings_speak_russian_and_write_dates_as_the_user_does():
    i18n.set_language("ru")
    try:
        warned = KINDS["meetings"].warnings({"status": "planned", "start_date": "2017-06-09"},
                                            DAY)["status"]
    finally:
        i18n.set_language("en")
    assert "09.06.2017" in warned and "«Планируется»" in warned, warned


def test_checks_refer_to_declared_fields_and_statuses():
    for kind in KINDS.values():
        statuses = {v for v, _l in kind.statuses}
        for check in kind.checks:
            assert kind.has_field(check.field) and kind.has_field(check.beside), check
            assert set(check.statuses) <= statuses, check
    assert Check("x", ("planned",), "due", "<", TODAY, "m").bound(DAY) == "2026-03-01"
    with pytest.raises(ValueError):
        Check("x", ("planned",), "due", "!=", 0, "m")
