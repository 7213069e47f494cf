"""What the menu commands do that is not the window's own business: the dialogs they open, the
files they choose, the record they copy. Each is a function of the main window
(``ui.menus.COMMANDS`` names them). Dialog modules are imported when a command first runs, not at
start-up.
"""

from __future__ import annotations

from pathlib import Path

from tracker.i18n import gettext as _
from tracker.paths import resources_dir
from ui import messages

# --- databases ------------------------------------------------------------------------------------


def new_database(window) -> None:
    path, _filter = messages.get_save_file_name(
        window, _("New database"), str(window.repo.path.parent / "tracker-new.db"),
        _("Tracker databases (*.db);;All files (*)"))
    if path:
        if Path(path).exists():
            messages.warning(window, _("New database"), _(
                "{path} already exists; choose Open database to open it.").format(path=path))
            return
        window.open_database(path, seed=False)


def open_database_dialog(window) -> None:
    path, _filter = messages.get_open_file_name(
        window, _("Open database"), str(window.repo.path.parent),
        _("Tracker databases (*.db);;All files (*)"))
    if path:
        window.open_database(path)


# --- dialogs --------------------------------------------------------------------------------------

def show_search(window) -> None:
    from PySide6.QtCore import Qt

    from ui.dialogs.search import SearchDialog

    dialog = SearchDialog(window.repo, window)
    dialog.openRecord.connect(window.open_record)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    window.search_dialog = dialog
    dialog.open()  # window-modal; returns at once


def show_backups(window) -> None:
    from ui.dialogs.backups import BackupsDialog

    dialog = BackupsDialog(window.repo, window)
    page = window.record_page()
    # asked after the user confirms a restore, before the dialog closes the repository
    dialog.confirm_leave = page.maybe_leave if page is not None else None
    if dialog.exec() == BackupsDialog.Reopen:
        shown = page.current_id() if page is not None else None
        # the dialog closed the repository to replace the file: open it again
        if window.reopen(window.repo.path) and shown is not None:
            window.open_record(window.current_name(), shown)
    else:
        window.poll()


def show_briefing(window) -> None:
    """The Briefing dialog, on the brief the Briefs page shows (if it is the page shown); the
    briefs it saved appear in the window afterwards."""
    from tracker.model.figures import BRIEFS_KIND
    from ui.dialogs.briefing import BriefingDialog

    page = window.record_page()
    brief_id = page.current_id() if page is not None and page.kind is BRIEFS_KIND else None
    BriefingDialog(window.repo, window, brief_id=brief_id).exec()
    window.poll()


def show_preferences(window) -> None:
    from ui.dialogs.preferences import PreferencesDialog

    PreferencesDialog(window).exec()


def bundled_licences() -> list[Path]:
    """Licence files of bundled assets (fonts, icons, ...) under resources/."""
    base = resources_dir()
    if not base.is_dir():
        return []
    found = []
    for path in sorted(base.rglob("*")):
        upper = path.name.upper()
        if path.is_file() and ("LICENSE" in upper or "LICENCE" in upper or "COPYING" in upper):
            found.append(path)
    return found


def about_text(window) -> str:
    import html

    import tracker

    lines = [
        f"<h3>{html.escape(_('Bilateral Tracker'))}</h3>",
        "<p>" + html.escape(_("Version {version}").format(version=tracker.__version__))
        + "</p>",
        "<p>" + html.escape(_("Database: {path}").format(path=window.repo.path)) + "</p>",
    ]
    licences = bundled_licences()
    if licences:
        lines.append("<p>" + html.escape(_("Licences of bundled assets:")) + "</p><ul>")
        base = resources_dir()
        for path in licences:
            try:
                shown = path.relative_to(base)
            except ValueError:
                shown = path
            lines.append(f"<li>{html.escape(str(shown))}</li>")
        lines.append("</ul>")
    lines.append("<p>" + html.escape(_("Built with Qt for Python (PySide6, LGPLv3), "
                                       "SQLite, sqlite-utils and reportlab.")) + "</p>")
    return "".join(lines)


def show_about(window) -> None:
    from PySide6.QtWidgets import QMessageBox

    QMessageBox.about(window, _("About Bilateral Tracker"), about_text(window))


# --- File › Import… / Export… / Export this list… -------------------------------------------------
#
# They read or write what is saved, so the form's unsaved edit is settled first (Save / Discard /
# Cancel); then ui.dialogs.exchange asks for the file and runs the work as a task.

def _settled(window, *, needs_list: bool = False) -> bool:
    page = window.record_page()
    return not ((needs_list and page is None) or (page is not None and not page.maybe_leave()))


def export_records(window):
    """File › Export…: every saved record (the trash included) to JSON or CSV files."""
    if not _settled(window):
        return None
    from ui.dialogs import exchange

    return exchange.ask_export(window)


def export_list(window):
    """File › Export this list…: the current page's rows to CSV."""
    if not _settled(window, needs_list=True):
        return None
    from ui.dialogs import exchange

    return exchange.ask_export_list(window)


def import_records(window):
    """File › Import…: an export from this app; previewed, backed up, audited."""
    if not _settled(window):
        return None
    from ui.dialogs import exchange

    return exchange.ask_import(window)


# --- the record shown -----------------------------------------------------------------------------

def focus_filter(window) -> None:
    """Edit › Filter this list (Ctrl+L): to the page's filter box, its text selected."""
    page = window.record_page()
    if page is not None:
        page.filter_edit.setFocus()
        page.filter_edit.selectAll()


def choose_columns(window) -> None:
    """Edit › Columns…: the header's column menu, from the keyboard too."""
    page = window.record_page()
    if page is not None:
        header = page.table.horizontalHeader()
        page.table.column_menu().popup(header.mapToGlobal(header.rect().bottomLeft()))


def show_record_history(window) -> None:
    """Edit › History of this record (Ctrl+H): the History page, filtered to it."""
    page = window.record_page()
    if page is None or page.current_id() is None:
        return
    kind, rid = page.kind.name, page.current_id()
    if window.go_to("history"):
        window.pages["history"].set_filter(kind, rid)


def copy_record_text(window) -> str | None:
    """Edit › Copy as text: the record shown (as saved), for a message or a note."""
    page = window.record_page()
    record_id = page.current_id() if page is not None else None
    if record_id is None:
        return None
    from PySide6.QtGui import QGuiApplication

    from tracker.exchange import record_text

    kind = window.current_name()
    record = window.repo.get(kind, record_id)
    text = record_text(window.repo, kind, record, for_mail=True)
    QGuiApplication.clipboard().setText(text)
    title = messages.clip(" ".join(str(record.get("title") or "").split()), 80)
    message = _("Copied “{title}” to the clipboard").format(title=title)
    if page.form.is_dirty():
        message += " " + _("(as last saved: the form has unsaved changes)")
    window.statusBar().showMessage(message, 8000)
    return text
