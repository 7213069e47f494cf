"""Screenshots of the screens issue 18 fixed, for ``python -m tools.screenshots OUTDIR --only
everyday [--language ru] [--scale 1.5]``: the dashboard with overdue items within their status,
the form's contradiction warning, History's filters, the welcome on an empty database, every field
a column with a saved view, Help › Keyboard shortcuts and the Briefing dialog.

Example records (titled "Example:") are added to the throwaway seeded copy, since the article
gives no deadlines and no contradictions.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from tracker.session import open_session

#: the names of the pictures, in the order they are taken
NAMES = ("dashboard-overdue", "form-warning", "history-filter", "table-columns-views",
         "keyboard-shortcuts", "briefing-dialog", "welcome")

WORDS = {
    "en": {"warned": "Example: joint laboratory of agricultural machinery",
           "title_filter": "exhibition", "view": "Leads and links"},
    "ru": {"warned": "Пример: совместная лаборатория сельхозмашиностроения",
           "title_filter": "выставк", "view": "Ответственные и связи"},
}

#: the road map's columns in the saved view: the leads and the linked agreement shown
VIEW_COLUMNS = ["title", "status", "due_date", "progress", "home_lead", "agreement_id"]


def _wait(app, done, seconds: float = 20.0) -> None:
    """Process events until ``done()`` (a background task ended) or the time is up."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        if done():
            return
        time.sleep(0.01)


def take(outdir: Path, language: str = "en", scale: float = 1.0) -> list[Path]:
    import datetime as dt

    from PySide6.QtCore import QDate

    from tools import screenshots as tools

    outdir.mkdir(parents=True, exist_ok=True)
    app, repo = tools.start(language, scale)
    words = WORDS[language]
    saved: list[Path] = []
    shot = tools.shooter(app, outdir, language, scale, saved)

    tools.add_examples(repo, language)
    warned = repo.create("roadmap", {"title": words["warned"], "status": "planned",
                                     "progress": 40, "due_date": (
                                         dt.date.today() + dt.timedelta(days=120)).isoformat()})
    window = tools.show_window(app, repo, scale)

    window.go_to("dashboard")
    shot(window, "dashboard-overdue")

    window.go_to("roadmap")
    page = window.pages["roadmap"]
    page.select_record(warned.record["id"])
    page.scroll.ensureWidgetVisible(page.form.warning_labels["progress"])
    shot(window, "form-warning")

    window.go_to("history")
    history = window.pages["history"]
    history.set_filter(None, None)
    history.title_edit.setText(words["title_filter"])
    history.from_date.setDate(QDate.currentDate().addDays(-7))
    history.title_edit.editingFinished.emit()
    shot(window, "history-filter")

    from ui.widgets.saved_views import apply_view, view_of

    window.go_to("roadmap")
    apply_view(page, {**view_of(page), "search": "", "columns": VIEW_COLUMNS})
    page.views_button.save(words["view"])
    shot(window, "table-columns-views")

    from ui.dialogs.shortcuts import ShortcutsDialog

    dialog = ShortcutsDialog(window)
    dialog.show()
    shot(dialog, "keyboard-shortcuts")
    dialog.close()

    from ui.dialogs.briefing import BriefingDialog

    window.go_to("briefs")
    brief = next(iter(repo.list("briefs", columns=["id"])), None)
    dialog = BriefingDialog(repo, window, brief_id=brief["id"] if brief else None)
    dialog.show()
    def previewed() -> bool:
        document = dialog.pdf_view.document()
        return document is not None and document.pageCount() > 0

    _wait(app, previewed)
    _wait(app, lambda: False, 1.5)  # the view renders its pages in the background
    shot(dialog, "briefing-dialog")
    dialog.close()
    window.close()
    repo.close()

    empty = open_session(Path(tempfile.mkdtemp(prefix="bt-empty-")) / "new.db", seed=False,
                         user="official")
    window = tools.show_window(app, empty, scale)
    window.go_to("dashboard")
    shot(window, "welcome")
    window.close()
    empty.close()
    return saved
