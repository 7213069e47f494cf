"""Reminders: once a day, on opening a database, a quiet panel at the top of the window says what
became overdue and what falls due within the horizon (File › Preferences; 14 days unless set).
It never blocks: the list is read off the GUI thread (``ui.tasks``), nothing pops up, and
"Dismiss for today" puts it away until the next day (remembered per database and user)."""

from __future__ import annotations

import datetime as _dt
import logging
from dataclasses import dataclass, field

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from tracker.i18n import format_date, ngettext
from tracker.i18n import gettext as _
from tracker.model import KINDS
from ui.deadline_prefs import dismiss, dismissed_on, horizon_days

log = logging.getLogger(__name__)
SHOWN = 5  # items listed per group; the Deadlines page has them all


@dataclass
class Summary:
    """What the reminder says."""
    today: _dt.date
    horizon: int
    overdue: int = 0
    newly_overdue: list = field(default_factory=list)  # became overdue since last dismissed
    new_count: int = 0
    due_soon: list = field(default_factory=list)
    soon_count: int = 0

    def empty(self) -> bool:
        return not (self.overdue or self.soon_count)


def collect(repo, today: _dt.date, horizon: int, since: _dt.date | None) -> Summary:
    """The reminder's content: the overdue obligations (those whose date came after ``since``,
    the day the reminder was last dismissed, first) and those due within ``horizon`` days."""
    found = repo.deadlines(today, within=horizon)
    overdue = [d for d in found if d.overdue]
    newly = [d for d in overdue if since is None or d.date >= since.isoformat()]
    soon = [d for d in found if not d.overdue and d.date >= today.isoformat()]
    newly.sort(key=lambda d: d.date, reverse=True)  # the latest to become overdue first
    return Summary(today, horizon, len(overdue), newly[:SHOWN], len(newly), soon[:SHOWN],
                   len(soon))


def _line(due) -> str:
    kind = KINDS[due.kind]
    return f"{format_date(due.date)} · {_(due.label)} · {due.title} ({_(kind.label).lower()})"


def summary_text(summary: Summary) -> str:
    lines = []
    if summary.overdue:
        head = ngettext("{n} item is overdue", "{n} items are overdue", summary.overdue).format(
            n=summary.overdue)
        if summary.new_count and summary.new_count != summary.overdue:
            head += " " + ngettext("({n} became overdue since the last reminder)",
                                   "({n} became overdue since the last reminder)",
                                   summary.new_count).format(n=summary.new_count)
        lines.append(head + ":")
        lines += ["   " + _line(d) for d in summary.newly_overdue]
        if summary.new_count > len(summary.newly_overdue):
            lines.append("   " + _("… and {n} more").format(
                n=summary.new_count - len(summary.newly_overdue)))
    if summary.soon_count:
        lines.append(ngettext("{n} falls due within {days} days:",
                              "{n} fall due within {days} days:", summary.soon_count).format(
            n=summary.soon_count, days=summary.horizon))
        lines += ["   " + _line(d) for d in summary.due_soon]
        if summary.soon_count > len(summary.due_soon):
            lines.append("   " + _("… and {n} more").format(
                n=summary.soon_count - len(summary.due_soon)))
    return "\n".join(lines)


class ReminderPanel(QFrame):
    """The day's reminder, above the pages: what it says, "Show deadlines", "Dismiss for
    today"."""

    showDeadlines = Signal()  # noqa: N815
    dismissed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("reminderPanel")
        self.setAccessibleName(_("Reminders"))
        self.setStyleSheet("#reminderPanel { background: #eef4fb; border-bottom: 1px solid "
                           "#b9cde5; } #reminderPanel QLabel { color: #1d3557; }")
        self.title = QLabel()
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.body = QLabel()
        self.body.setTextFormat(Qt.TextFormat.PlainText)
        self.body.setWordWrap(True)
        self.body.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.show_button = QPushButton(_("Show deadlines"))
        self.dismiss_button = QPushButton(_("Dismiss for today"))
        self.dismiss_button.setToolTip(_("Put the reminder away until tomorrow"))
        self.show_button.clicked.connect(self.showDeadlines)
        self.dismiss_button.clicked.connect(self.dismissed)
        text = QVBoxLayout()
        text.addWidget(self.title)
        text.addWidget(self.body)
        buttons = QVBoxLayout()
        buttons.addWidget(self.show_button)
        buttons.addWidget(self.dismiss_button)
        buttons.addStretch(1)
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 6, 10, 6)
        row.addLayout(text, 1)
        row.addLayout(buttons)
        self.summary: Summary | None = None

    def show_summary(self, summary: Summary) -> None:
        self.summary = summary
        self.title.setText(_("Reminders for {day}").format(day=format_date(summary.today)))
        self.body.setText(summary_text(summary))
        self.show()


def panel_of(window) -> ReminderPanel:
    """The window's reminder panel (made on first use, above the pages)."""
    panel = getattr(window, "reminder_panel", None)
    if panel is None:
        panel = ReminderPanel()
        panel.hide()
        window.centralWidget().layout().insertWidget(1, panel)  # under the read-only banner
        panel.showDeadlines.connect(lambda: window.go_to("deadlines"))
        panel.dismissed.connect(lambda: dismiss_reminder(window))
        window.reminder_panel = panel
    return panel


def dismiss_reminder(window) -> None:
    panel = panel_of(window)
    day = panel.summary.today if panel.summary is not None else _dt.date.today()
    dismiss(window.repo, day)
    panel.hide()


def check_reminders(window, today: _dt.date | None = None):
    """Show the day's reminder for the window's database unless it was dismissed today (or
    there is nothing to say). The list is read as a task; returns it (None: nothing to do)."""
    today = today or _dt.date.today()
    panel = panel_of(window)
    panel.hide()
    repo = window.repo
    last = dismissed_on(repo)
    if last is not None and last >= today:
        return None
    horizon = horizon_days()

    def done(summary: Summary) -> None:
        if window.repo is repo and not summary.empty():
            panel.show_summary(summary)

    return window.tasks.run(lambda session, _task: collect(session, today, horizon, last),
                            done=done, failed=lambda message: log.warning(
                                "reminders not shown: %s", message))
