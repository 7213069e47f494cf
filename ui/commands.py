"""What the menu commands do that is not the window's own business: the dialogs they open, the
files they choose, the record they copy. Each is a function of the main window
(``ui.menus.COMMANDS`` names them). Dialog modules are imported when a command first runs, not at
start-up.
"""

from __future__ import annotations

from pathlib import Path

from tracker.i18n import gettext as _
from tracker.i18n import ngettext
from tracker.paths import resources_dir
from ui import messages

# --- databases ------------------------------------------------------------------------------------


def files_folder(window) -> Path:
    """Where file dialogs start: beside the database file; the home folder on a server."""
    parent = getattr(window.repo.path, "parent", None)
    return Path(parent) if parent is not None else Path.home()


def new_database(window) -> None:
    path, _filter = messages.get_save_file_name(
        window, _("New database"), str(files_folder(window) / "tracker-new.db"),
        _("Tracker databases (*.db);;All files (*)"))
    if path:
        if Path(path).exists():
            messages.warning(window, _("New database"), _(
                "{path} already exists; choose Open database to open it.").format(path=path))
            return
        if window.open_database(path, seed=False):
            edit_relationship(window, first=True)  # a new database asks what it records


def open_database_dialog(window) -> None:
    path, _filter = messages.get_open_file_name(
        window, _("Open database"), str(files_folder(window)),
        _("Tracker databases (*.db);;All files (*)"))
    if path:
        window.open_database(path)


def open_shared_database(window) -> bool:
    """File › Open shared database…: a server's address, database and login (the password is
    used for this connection only); the last shared database opened is offered."""
    from ui.dialogs.open_shared import ask_shared_database

    url = ask_shared_database(window)
    return bool(url) and window.open_database(url)


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

    if PreferencesDialog(window).exec():  # "My items" shown follows a new lead at once
        page = window.current_page()
        if getattr(page, "mine_check", None) is not None and page.mine_check.isChecked():
            (page.apply_filter if hasattr(page, "apply_filter") else page.refresh)()


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


# --- Edit › Undo / Redo ---------------------------------------------------------------------------

def undo_or_redo(window, *, redo: bool):
    """Undo (or redo) the session's last step, once the form's unsaved edit is settled; the
    record it changed is shown."""
    from tracker.errors import TrackerError
    from tracker.model import KINDS
    from tracker.store.errors import ConflictError, NothingToUndo

    page = window.record_page()
    if page is not None and not page.maybe_leave():
        return None
    try:
        change = window.repo.redo() if redo else window.repo.undo()
    except NothingToUndo:
        return None
    except ConflictError as exc:
        messages.warning(window, _("Cannot undo") if not redo else _("Cannot redo"), str(exc))
        return None
    except TrackerError as exc:
        messages.critical(window, _("Cannot undo") if not redo else _("Cannot redo"), str(exc))
        return None
    window.apply_change(change)
    record = change.record or {}
    if change.kind in KINDS and change.record_id is not None and not record.get("deleted_at"):
        window.open_record(change.kind, change.record_id)
    return change


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


# --- File › Export calendar… ----------------------------------------------------------------------

def export_calendar(window):
    """File › Export calendar…: the open deadlines and the meetings to come as an iCalendar
    file (``tracker.exchange.calendar``), written as a task."""
    import datetime as _dt

    from ui.dialogs.exchange import may_write

    start = Path(window.repo.path).parent / f"{_('deadlines')} {_dt.date.today()}.ics"
    path, _chosen = messages.get_save_file_name(window, _("Export calendar"), str(start),
                                                _("iCalendar file (*.ics)"))
    if not path:
        return None
    out = Path(path)
    if out.suffix.lower() != ".ics":
        out = out.with_name(out.name + ".ics")
    if not may_write(window, path, out):
        return None

    def work(session, _task):
        from tracker.exchange import write_calendar

        return write_calendar(session, out)

    def done(result) -> None:
        written, n = result
        window.statusBar().showMessage(ngettext(
            "Exported {n} event to {path}", "Exported {n} events to {path}", n).format(
                n=n, path=written), 15000)

    return window.tasks.run(work, done=done, busy=(_("Export calendar"), _(
        "Exporting the calendar to {name}…").format(name=out.name)),
        failed_title=_("Not exported"), describe=lambda exc: _(
            "The calendar was not exported: {error}\n\nNothing was written to {path}.").format(
                error=" ".join(str(exc).split()), path=out))


# --- Help › Keyboard shortcuts ----------------------------------------------------------------

def show_shortcuts(window) -> None:
    from ui.dialogs.shortcuts import ShortcutsDialog

    ShortcutsDialog(window).exec()


# --- File › Relationship… ------------------------------------------------------------------------

def edit_relationship(window, *, first: bool = False):
    """Name (or rename) the relationship the database records: the two countries and its title
    (audited; the dashboard shows them at once)."""
    from ui.dialogs.relationship import RelationshipDialog

    dialog = RelationshipDialog(window.repo, window, first=first)
    if dialog.exec() and dialog.change is not None and dialog.change.action != "unchanged":
        window.apply_change(dialog.change)
    return dialog.change
