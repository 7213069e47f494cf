"""File › Export calendar…: the deadlines as an .ics file, written as a task."""

from __future__ import annotations

import pytest
from icalendar import Calendar
from PySide6.QtWidgets import QFileDialog

pytestmark = pytest.mark.gui


def test_file_export_calendar_writes_the_events(main_window, repo, qtbot, monkeypatch,
                                                tmp_path):
    repo.create("roadmap", {"title": "Joint lab, «этап» 2", "due_date": "2031-05-01"})
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a: (str(tmp_path / "mine"), "")))
    main_window.actions_by_name["export_calendar"].trigger()
    qtbot.waitUntil(lambda: "Exported" in main_window.statusBar().currentMessage(),
                    timeout=10000)
    path = tmp_path / "mine.ics"  # the ending added
    summaries = [str(e["summary"]) for e in Calendar.from_ical(path.read_bytes()).walk("VEVENT")]
    assert "Due: Joint lab, «этап» 2" in summaries
