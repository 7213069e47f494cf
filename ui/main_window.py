"""The main window: navigation, pages, menus, undo/redo, status bar and outside-change polling."""

from __future__ import annotations

import importlib.util
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6 import QtCore
from PySide6.QtCore import QEvent, QSettings, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QStyle,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

import tracker
from tracker.i18n import _, ngettext
from tracker.model import KIND_ORDER, KINDS, get_kind
from tracker.paths import resources_dir
from tracker.session import open_session
from tracker.store.repository import ConflictError, NothingToUndo, Repository, TrackerError
from ui import messages

if TYPE_CHECKING:
    from ui.pages.record_page import RecordPage

log = logging.getLogger(__name__)

PAGES = ("dashboard", *KIND_ORDER, "trash", "history")
MAX_RECENT = 8
POLL_MS = 2000
FIRST_PAINT_FALLBACK_MS = 1000
SETTLE_MS = 300  # after the first frame: the start page first, then the rest


def page_title(name: str) -> str:
    if name == "dashboard":
        return _("Dashboard")
    if name == "trash":
        return _("Trash")
    if name == "history":
        return _("History")
    return _(get_kind(name).plural)


def optional_module(name: str) -> bool:
    """True if ``name`` can be imported (checked without importing it: startup stays fast)."""
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def run_safety_hook(name: str, repo) -> None:
    """Call ``<name>(repo)`` of ``tracker.store.sqlite.backup`` if it provides it; never raise."""
    try:
        from tracker.store.sqlite import backup  # type: ignore[attr-defined]
    except ImportError:
        return
    hook = getattr(backup, name, None)
    if hook is None:
        return
    try:
        hook(repo)
    except Exception:  # noqa: BLE001 - a failed automatic backup must not stop the app
        log.exception("automatic backup %s failed", name)


def set_enum_property(obj, name: str, key: str) -> None:
    """Set the enum property ``name`` of ``obj`` to the value called ``key``, through Qt's
    meta-object system.

    Start-up code uses this instead of ``Qt.<Enum>.<key>``: the first touch of PySide6's ``Qt``
    namespace creates all its 93 Python enums (~11 ms), which the first frame does not need."""
    meta = obj.metaObject()
    index = meta.indexOfProperty(name)
    value, ok = (meta.property(index).enumerator().keyToValue(key) if index >= 0
                 else (0, False))
    if not ok or not obj.setProperty(name, value):
        raise ValueError(f"{type(obj).__name__}.{name} cannot be set to {key!r}")


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


class MainWindow(QMainWindow):
    #: Emitted once, after the window's first frame is painted (or after FIRST_PAINT_FALLBACK_MS
    #: if it is never painted, e.g. started minimised), once the slots given to
    #: ``after_first_paint`` (the start page first) have run.
    firstPainted = Signal()

    def __init__(self, repo: Repository, parent=None, *, poll_ms: int = POLL_MS):
        super().__init__(parent)
        self.repo = repo
        self.painted = False
        self._after_paint: list = []
        self.busy: set = set()  # import / export threads running (ui.exchange)
        self.installEventFilter(self)
        QTimer.singleShot(FIRST_PAINT_FALLBACK_MS, self._first_paint_done)
        self.setWindowTitle(_("Bilateral Tracker"))
        self.setMinimumSize(900, 600)
        self.pages: dict[str, QWidget] = {}
        self._stale: set[str] = set()
        self._current = "dashboard"

        self._make_actions()
        self._make_menus()
        self._make_toolbar()

        # central: read-only banner above (navigation | pages)
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet("background: #fff3cd; color: #5c4400; padding: 6px;"
                                  "border-bottom: 1px solid #e0c060;")
        self.banner.setAccessibleName(_("Read-only notice"))
        self.banner.hide()
        self.nav = QListWidget()
        self.nav.setAccessibleName(_("Navigation"))
        self.nav.setUniformItemSizes(True)
        self.nav.setStyleSheet("QListWidget { border: none; border-right: 1px solid palette(mid);"
                               " padding-top: 4px; outline: 0; }"
                               " QListWidget::item { padding: 5px 10px; }")
        self.stack = QStackedWidget()
        self.body = body = QHBoxLayout()
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(0)
        body.addWidget(self.nav)
        body.addWidget(self.stack, 1)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.banner)
        layout.addLayout(body, 1)
        self.setCentralWidget(central)

        # status bar
        self.path_label = QLabel()
        set_enum_property(self.path_label, "textFormat", "PlainText")
        self.count_label = QLabel()
        self.ro_label = QLabel()
        self.ro_label.setAccessibleName(_("Read-only state"))
        self.statusBar().addWidget(self.path_label, 1)
        self.statusBar().addPermanentWidget(self.count_label)
        self.statusBar().addPermanentWidget(self.ro_label)

        self._build_pages()
        self.nav.currentRowChanged.connect(self._nav_changed)
        self._restore_settings()
        self._data_version = self.repo.data_version()
        self.poll_timer = QTimer(self)
        self.poll_timer.setInterval(poll_ms)
        self.poll_timer.timeout.connect(self.poll)
        if poll_ms > 0:
            self.poll_timer.start()

    # -- construction -------------------------------------------------------------------------

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt API
        if obj is self and event.type() == QEvent.Type.Paint and not self.painted:
            self.removeEventFilter(self)
            # the rest of this paint pass (every child) runs before the next loop iteration
            QTimer.singleShot(0, self._first_paint_done)
        return super().eventFilter(obj, event)

    def _first_paint_done(self) -> None:
        if self.painted:
            return
        self.painted = True
        self.removeEventFilter(self)
        slots, self._after_paint = self._after_paint, []
        for slot in slots:
            try:
                slot()
            except Exception:  # noqa: BLE001 - e.g. a damaged file: the others still run
                log.exception("after the first frame: %r failed", slot)
        self.firstPainted.emit()

    def after_first_paint(self, slot) -> None:
        """Call ``slot`` once the window has been painted (at once if it already has)."""
        if self.painted:
            slot()
        else:
            self._after_paint.append(slot)

    def when_settled(self, slot) -> None:
        """Call ``slot`` SETTLE_MS after the first frame: work the start page should not wait
        for (ui.app: the integrity watch, the daily backup, the version)."""
        self.after_first_paint(lambda: self.later(SETTLE_MS, slot))

    def later(self, ms: int, slot) -> QTimer:
        """Call ``slot`` once, ``ms`` from now, unless the window closes first: the timer is the
        window's child, and closing stops every timer under the window (``stop_timers``), so
        no delayed work ever reaches a database that was closed meanwhile."""
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(ms)
        timer.timeout.connect(slot)
        timer.timeout.connect(timer.deleteLater)
        timer.start()
        return timer

    def _action(self, text: str, slot, shortcut=None, icon=None, name: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            # the list overload: setShortcut()'s overloads create the whole Qt namespace
            action.setShortcuts([QKeySequence(shortcut)])
        if icon is not None:
            action.setIcon(self.style().standardIcon(icon))
        action.triggered.connect(lambda _checked=False: slot())
        if name:
            action.setObjectName(name)
        return action

    def _make_actions(self) -> None:
        sp = QStyle.StandardPixmap
        key = QKeySequence.StandardKey
        self.new_db_action = self._action(_("New database…"), self.new_database, name="new_db")
        self.open_db_action = self._action(_("Open database…"), self.open_database_dialog,
                                           key.Open, sp.SP_DialogOpenButton, "open_db")
        self.backups_action = self._action(_("Backups…"), self.show_backups, name="backups")
        self.import_action = self._action(_("Import…"), self.import_records, name="import")
        self.export_action = self._action(_("Export…"), self.export_records, name="export")
        self.export_list_action = self._action(_("Export this list…"), self.export_list,
                                               name="export_list")
        self.export_list_action.setToolTip(_("The records this page lists, as filtered and "
                                             "sorted, to a CSV file for a spreadsheet"))
        self.briefing_action = self._action(_("Briefing…"), self.show_briefing, "Ctrl+E",
                                            sp.SP_FileDialogDetailedView, "briefing")
        self.prefs_action = self._action(_("Preferences…"), self.show_preferences,
                                         name="preferences")
        # Ctrl+Q where the platform names no Quit key (Windows, a desktop without a theme)
        quit_key = key.Quit if QKeySequence.keyBindings(key.Quit) else "Ctrl+Q"
        self.quit_action = self._action(_("Quit"), self.close, quit_key, name="quit")
        self.undo_action = self._action(_("Undo"), self.undo, "Ctrl+Z", sp.SP_ArrowBack, "undo")
        self.redo_action = self._action(_("Redo"), self.redo, "Ctrl+Shift+Z", sp.SP_ArrowForward,
                                        "redo")
        self.new_action = self._action(_("New"), self.new_record, "Ctrl+N", sp.SP_FileIcon,
                                       "new")
        self.save_action = self._action(_("Save"), self.save_record, "Ctrl+S",
                                        sp.SP_DialogSaveButton, "save")
        self.delete_action = self._action(_("Delete"), self.delete_record, QKeySequence.StandardKey
                                          .Delete, sp.SP_TrashIcon, "delete")
        self.revert_action = self._action(_("Revert"), self.revert_record, None,
                                          sp.SP_BrowserReload, "revert")
        self.find_action = self._action(_("Find…"), self.show_search, "Ctrl+F",
                                        sp.SP_FileDialogContentsView, "find")
        self.filter_action = self._action(_("Filter this list"), self.focus_filter, "Ctrl+L",
                                          name="filter")
        self.columns_action = self._action(_("Columns…"), self.choose_columns, name="columns")
        self.columns_action.setToolTip(_("Which columns this list shows (also: right-click a "
                                         "column header)"))
        self.copy_text_action = self._action(_("Copy as text"), self.copy_record_text,
                                             "Ctrl+Shift+C", name="copy_text")
        self.copy_text_action.setToolTip(_("Copy the record, with its sources, as text for a "
                                           "message or a note (Ctrl+Shift+C)"))
        self.record_history_action = self._action(_("History of this record"),
                                                  self.show_record_history, "Ctrl+H",
                                                  name="record_history")
        self.about_action = self._action(_("About Bilateral Tracker"), self.show_about,
                                         name="about")
        for a, tip in ((self.new_action, _("New record (Ctrl+N)")),
                       (self.save_action, _("Save the record (Ctrl+S)")),
                       (self.delete_action, _("Move the record to the trash (Del)")),
                       (self.find_action, _("Search every record (Ctrl+F)"))):
            a.setToolTip(tip)
        self.backups_action.setVisible(optional_module("ui.dialogs.backups"))
        self.briefing_action.setVisible(optional_module("ui.dialogs.briefing"))
        self.prefs_action.setVisible(optional_module("ui.dialogs.preferences"))

    def _make_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu(_("&File"))
        file_menu.addAction(self.new_db_action)
        file_menu.addAction(self.open_db_action)
        self.recent_menu = file_menu.addMenu(_("Open &Recent"))
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        file_menu.addSeparator()
        file_menu.addAction(self.backups_action)
        file_menu.addAction(self.import_action)
        file_menu.addAction(self.export_action)
        file_menu.addAction(self.export_list_action)
        file_menu.addAction(self.briefing_action)
        file_menu.addSeparator()
        file_menu.addAction(self.prefs_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        edit = bar.addMenu(_("&Edit"))
        edit.addAction(self.undo_action)
        edit.addAction(self.redo_action)
        edit.addSeparator()
        edit.addAction(self.new_action)
        edit.addAction(self.save_action)
        edit.addAction(self.delete_action)
        edit.addAction(self.revert_action)
        edit.addSeparator()
        edit.addAction(self.find_action)
        edit.addAction(self.filter_action)
        edit.addAction(self.columns_action)
        edit.addAction(self.record_history_action)
        edit.addAction(self.copy_text_action)
        self.go_menu = bar.addMenu(_("&Go"))
        self.go_actions = []
        for i, name in enumerate(PAGES):
            shortcut = f"Ctrl+{(i + 1) % 10}" if i < 10 else None
            action = self._action(page_title(name), lambda n=name: self.go_to(n), shortcut,
                                  name=f"go_{name}")
            self.go_menu.addAction(action)
            self.go_actions.append(action)
        help_menu = bar.addMenu(_("&Help"))
        help_menu.addAction(self.about_action)

    def _make_toolbar(self) -> None:
        tb = QToolBar(_("Main toolbar"))
        tb.setObjectName("main_toolbar")
        tb.setMovable(False)
        set_enum_property(tb, "toolButtonStyle", "ToolButtonTextBesideIcon")
        for a in (self.new_action, self.save_action, self.delete_action, self.revert_action):
            tb.addAction(a)
        tb.addSeparator()
        tb.addAction(self.undo_action)
        tb.addAction(self.redo_action)
        tb.addSeparator()
        tb.addAction(self.find_action)
        if self.briefing_action.isVisible():
            tb.addAction(self.briefing_action)
        self.addToolBar(tb)
        self.toolbar = tb

    def _build_pages(self) -> None:
        self.nav.blockSignals(True)
        self.nav.clear()
        if self.stack.count():  # another database: fresh pages in a fresh stack
            old = self.stack
            self.stack = QStackedWidget()
            self.body.replaceWidget(old, self.stack)
            self.stack.show()
            old.hide()
            stop_timers(old)  # its pages' pending searches must not reach the closed file
            old.setParent(None)
            old.deleteLater()
        self.pages = _Pages(self._make_page)
        self._stale = set()
        for name in PAGES:
            self.nav.addItem(QListWidgetItem(page_title(name)))  # row i is PAGES[i]
        fm = self.nav.fontMetrics()
        self.nav.setFixedWidth(max(fm.horizontalAdvance(page_title(n)) for n in PAGES) + 44)
        self.nav.setCurrentRow(PAGES.index(self._current))
        if not self.painted:
            # The first frame shows the window around an empty page: the start page (its
            # module, its widgets and the Qt types they need; the last session's page, else the
            # dashboard) is built right after it.
            self.after_first_paint(self._show_start_page)
        else:
            self.stack.setCurrentWidget(self.pages[self._current])
        self.nav.blockSignals(False)
        self._apply_read_only()
        self._update_status()
        self._update_actions()

    def _show_start_page(self) -> None:
        page = self.pages[self._current]
        if hasattr(page, "ensure_loaded"):  # shown complete, not with placeholders first
            page.ensure_loaded()
        self.stack.setCurrentWidget(page)
        self._update_status(total_now=True)
        self._update_actions()

    def _make_page(self, name: str) -> QWidget:
        """Pages are built the first time they are needed (a fast first paint)."""
        # Page modules are imported here, when first needed: startup imports only the dashboard.
        if name == "dashboard":
            from ui.pages.dashboard import DashboardPage

            page = DashboardPage(self.repo)
            page.openRecord.connect(self.open_record)
            page.openList.connect(self.open_list)
        elif name == "trash":
            from ui.pages.trash import TrashPage

            page = TrashPage(self.repo)
            page.changed.connect(self.apply_change)
        elif name == "history":
            from ui.pages.history import HistoryPage

            page = HistoryPage(self.repo)
            page.openRecord.connect(self.open_record)
        else:
            from ui.pages.record_page import RecordPage

            page = RecordPage(self.repo, name)
            page.changed.connect(self.apply_change)
            page.openRecord.connect(self.open_record)
            page.countChanged.connect(self._update_status)
            page.dirtyChanged.connect(lambda _d: self._update_actions())
            page.currentChanged.connect(self._update_actions)
        page.setObjectName(f"page_{name}")
        self.stack.addWidget(page)
        if hasattr(page, "set_read_only"):
            page.set_read_only(self.repo.read_only)
        if hasattr(page, "restore_state"):
            page.restore_state(QSettings())
        return page

    # -- pages --------------------------------------------------------------------------------

    def current_name(self) -> str:
        return self._current

    def current_page(self) -> QWidget:
        return self.pages[self._current]

    def record_page(self, name: str | None = None) -> RecordPage | None:
        """The record page ``name`` (default: the current one); None for other pages, and
        before the first frame for a page not built yet (the start page comes after it)."""
        name = name or self._current
        if name not in KINDS or (not self.painted and name not in self.pages):
            return None
        return self.pages[name]

    def go_to(self, name: str) -> bool:
        if name == self._current:
            return True
        if name not in PAGES:
            return False
        leaving = self.record_page()
        if leaving is not None and not leaving.maybe_leave():
            self.nav.blockSignals(True)
            self.nav.setCurrentRow(PAGES.index(self._current))
            self.nav.blockSignals(False)
            return False
        self._current = name
        self.nav.blockSignals(True)
        self.nav.setCurrentRow(PAGES.index(name))
        self.nav.blockSignals(False)
        if not self.painted:  # the start page: built after the first frame
            return True
        self.stack.setCurrentWidget(self.pages[name])
        if name in self._stale:
            self._refresh_page(name)
        self._update_status()
        self._update_actions()
        return True

    def _nav_changed(self, row: int) -> None:
        if 0 <= row < len(PAGES):
            self.go_to(PAGES[row])

    def open_list(self, kind: str, status: str | None) -> bool:
        """A figure on the dashboard clicked: its kind's page, filtered to that status."""
        if kind not in KINDS or not self.go_to(kind):
            return False
        page = self.record_page(kind)
        if page is None:  # before the first frame
            return False
        page.show_status(status)
        return True

    def open_record(self, kind: str, record_id: int) -> bool:
        if kind not in KINDS:
            return False
        if not self.painted:  # the page is built after the first frame: open it then
            self.go_to(kind)
            self.after_first_paint(lambda: self.open_record(kind, record_id))
            return True
        if not self.go_to(kind):
            return False
        ok = self.record_page(kind).select_record(record_id)
        self.record_page(kind).table.setFocus()
        return ok

    def _refresh_page(self, name: str, record_id: int | None = None) -> None:
        self._stale.discard(name)
        page = self.pages[name]
        if name in KINDS:
            page.refresh(record_id)
        else:
            page.refresh()

    # -- writes -------------------------------------------------------------------------------

    def apply_change(self, change) -> None:
        """After a write: refresh what it touched now if shown, else when next shown."""
        kinds = set(change.kinds or ()) | ({change.kind} if change.kind in KINDS else set())
        touched = set(kinds) | {"dashboard", "history"}
        if change.action in ("delete", "restore", "undo", "redo", "create", "import"):
            touched.add("trash")
        for kind in KINDS.values():  # pages whose link pickers list the changed kinds
            if any(f.target in kinds for f in kind.fields):
                touched.add(kind.name)
        for name in touched:
            if name == self._current:
                rid = change.record_id if name == change.kind else None
                self._refresh_page(name, rid)
            else:
                self._stale.add(name)
        self._data_version = self.repo.data_version()
        if change.label:
            self.statusBar().showMessage(change.label, 5000)
        self._update_status()
        self._update_actions()

    def new_record(self) -> None:
        page = self.record_page()
        if page is None:
            page_name = next((n for n in KIND_ORDER), None)
            self.go_to(page_name)
            page = self.record_page()
        if page is not None and not self.repo.read_only:
            page.new_record()

    def save_record(self):
        page = self.record_page()
        return page.save() if page is not None else None

    def delete_record(self):
        page = self.record_page()
        if page is None or self.repo.read_only:
            return None
        return page.delete_current()

    def revert_record(self) -> None:
        page = self.record_page()
        if page is not None:
            page.revert()

    def undo(self):
        return self._undo_redo(redo=False)

    def redo(self):
        return self._undo_redo(redo=True)

    def _undo_redo(self, *, redo: bool):
        page = self.record_page()
        if page is not None and not page.maybe_leave():
            return None
        try:
            change = self.repo.redo() if redo else self.repo.undo()
        except NothingToUndo:
            return None
        except ConflictError as exc:
            messages.warning(self, _("Cannot undo") if not redo else _("Cannot redo"),
                                str(exc))
            return None
        except TrackerError as exc:
            messages.critical(self, _("Cannot undo") if not redo else _("Cannot redo"),
                                 str(exc))
            return None
        self.apply_change(change)
        record = change.record or {}
        if change.kind in KINDS and change.record_id is not None and not record.get("deleted_at"):
            self.open_record(change.kind, change.record_id)
        return change

    # -- state --------------------------------------------------------------------------------

    def _update_actions(self) -> None:
        ro = self.repo.read_only
        undo_label, redo_label = self.repo.undo_label(), self.repo.redo_label()
        self.undo_action.setText(_("Undo {label}").format(label=undo_label) if undo_label
                                 else _("Undo"))
        self.redo_action.setText(_("Redo {label}").format(label=redo_label) if redo_label
                                 else _("Redo"))
        # the toolbar keeps short, steady buttons; the menu and the tooltip name the step
        self.undo_action.setIconText(_("Undo"))
        self.redo_action.setIconText(_("Redo"))
        self.undo_action.setToolTip(self.undo_action.text() + " (Ctrl+Z)")
        self.redo_action.setToolTip(self.redo_action.text() + " (Ctrl+Shift+Z)")
        self.undo_action.setEnabled(bool(undo_label) and not ro)
        self.redo_action.setEnabled(bool(redo_label) and not ro)
        page = self.record_page()
        on_record = page is not None
        self.new_action.setEnabled(not ro)
        self.import_action.setEnabled(not ro and not self.busy)  # one exchange at a time
        self.export_action.setEnabled(not self.busy)
        self.export_list_action.setEnabled(on_record and not self.busy)
        self.save_action.setEnabled(on_record and not ro and (
            page.current_id() is None or page.form.is_dirty()))
        self.delete_action.setEnabled(on_record and not ro and page.current_id() is not None)
        self.revert_action.setEnabled(on_record and page.form.is_dirty())
        self.record_history_action.setEnabled(on_record and page.current_id() is not None)
        self.copy_text_action.setEnabled(on_record and page.current_id() is not None)
        self.filter_action.setEnabled(on_record)
        self.columns_action.setEnabled(on_record)
        dirty = on_record and page.form.is_dirty()
        self.setWindowModified(dirty)
        self.setWindowTitle(_("Bilateral Tracker — {name}").format(name=self.repo.path.name)
                            + "[*]")

    def _update_status(self, *, total_now: bool = False) -> None:
        """Path, record count and state in the status bar. Counting every kind for the total
        waits for the next loop pass unless ``total_now`` (the start page, just built)."""
        self.path_label.setText(str(self.repo.path))
        self.path_label.setToolTip(str(self.repo.path))
        page = self.record_page()
        if not self.painted:
            pass  # the start page, built after the first frame, sets the count (_show_start_page)
        elif page is not None:
            n = page.record_count()
            self.count_label.setText(ngettext("{n} record", "{n} records", n).format(n=n))
        elif self._current == "trash":
            self.count_label.setText(_("{n} in the trash").format(
                n=self.pages["trash"].row_count()))
        elif total_now:
            self._update_total()
        else:
            self.later(0, self._update_total)
        self.ro_label.setText(_("Read-only") if self.repo.read_only else _("Editable"))
        self.ro_label.setStyleSheet("color: #8a5a00; font-weight: bold;" if self.repo.read_only
                                    else "")

    def _update_total(self) -> None:
        if self.record_page() is not None or self._current == "trash":
            return  # another page took over the status bar meanwhile
        dashboard = self.pages.get("dashboard")  # .get: never builds the page
        figures = dashboard.figures if dashboard is not None and dashboard.loaded else {}
        try:
            # the dashboard shown has just counted every kind (~13 ms at 100,000 records each)
            total = sum(figures[f"{k}_total"] if self._current == "dashboard"
                        and f"{k}_total" in figures else self.repo.count(k) for k in KIND_ORDER)
        except Exception:  # noqa: BLE001 - the window closed (and its file) before this ran
            return
        self.count_label.setText(ngettext("{n} record", "{n} records", total).format(n=total))

    def _apply_read_only(self) -> None:
        ro = self.repo.read_only
        self.banner.setVisible(ro)
        damage = getattr(self.repo, "damage", None)
        reason = getattr(self.repo, "read_only_reason", None)
        if ro and damage:
            self.banner.setText(damage)
        elif ro and reason:  # a newer version's file, a full disk: say which
            self.banner.setText(_("{reason} You can read and search; editing is disabled.")
                                .format(reason=reason))
        elif ro:
            self.banner.setText(_("{path} is open read-only (the file or its folder cannot be "
                                  "written). You can read and search; editing is disabled.")
                                .format(path=self.repo.path))
        for page in self.pages.values():
            if hasattr(page, "set_read_only"):
                page.set_read_only(ro)

    def watch_integrity(self) -> None:
        """A file opened before its integrity check (large files open at once): when the check
        in the background finds damage, editing is disabled and the reason shown."""
        repo = self.repo
        if not hasattr(repo, "check_pending"):
            return
        if repo.check_pending():
            self.later(100, self.watch_integrity)
            return
        if repo.verify() is not None:
            self._apply_read_only()
            self._update_status()
            self._update_actions()
            messages.critical(self, _("Bilateral Tracker"), repo.damage or "")

    def poll(self) -> None:
        """Notice writes by other processes or windows and refresh what is shown."""
        try:
            version = self.repo.data_version()
        except Exception:  # noqa: BLE001 - the file went away; keep the window usable
            return
        if version == self._data_version:
            return
        self._data_version = version
        self._stale.update(self.pages)
        self._refresh_page(self._current)
        self._update_status()
        self._update_actions()

    # -- dialogs ------------------------------------------------------------------------------

    def show_search(self) -> None:
        from ui.dialogs.search import SearchDialog

        dialog = SearchDialog(self.repo, self)
        dialog.openRecord.connect(self.open_record)
        dialog.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
        self._search_dialog = dialog
        dialog.open()  # window-modal; returns at once

    def show_record_history(self) -> None:
        page = self.record_page()
        if page is None or page.current_id() is None:
            return
        kind, rid = page.kind.name, page.current_id()
        if self.go_to("history"):
            self.pages["history"].set_filter(kind, rid)

    def show_backups(self) -> None:
        try:
            from ui.dialogs.backups import BackupsDialog
        except ImportError as exc:
            messages.warning(self, _("Backups"), str(exc))
            return
        dialog = BackupsDialog(self.repo, self)
        page = self.record_page()
        # asked after the user confirms a restore, before the dialog closes the repository
        dialog.confirm_leave = page.maybe_leave if page is not None else None
        result = dialog.exec()
        if result == getattr(BackupsDialog, "Reopen", None):
            shown = page.current_id() if page is not None else None
            # the dialog closed the repository to replace the file: open it again
            if self.reopen(self.repo.path) and shown is not None:
                self.open_record(self._current, shown)
        else:
            self.poll()

    def reopen(self, path) -> bool:
        """Open ``path`` again after its file was replaced (the old repository is closed)."""
        try:
            repo = open_session(path)
        except Exception as exc:  # noqa: BLE001 - DatabaseError, TrackerError, OSError
            messages.critical(self, _("Cannot open database"), _(
                "{path} cannot be opened:\n{error}").format(path=path, error=exc))
            self.close()
            return False
        self.repo = repo
        current = self._current
        self._build_pages()
        self._restore_page_states()
        self.go_to(current)
        self._data_version = self.repo.data_version()
        return True

    def _exchange(self, step: str, *, needs_list: bool = False):
        """File › Import… / Export… / Export this list…: they read or write what is saved, so
        the form's unsaved edit is settled first (Save / Discard / Cancel); then
        ``ui.exchange.<step>(self)``."""
        page = self.record_page()
        if (needs_list and page is None) or (page is not None and not page.maybe_leave()):
            return None
        from ui import exchange

        return getattr(exchange, step)(self)

    def export_records(self):
        """File › Export…: every saved record (the trash included) to JSON or CSV files."""
        return self._exchange("ask_export")

    def focus_filter(self) -> None:
        """Edit › Filter this list (Ctrl+L): to the page's filter box, its text selected."""
        page = self.record_page()
        if page is not None:
            page.filter_edit.setFocus()
            page.filter_edit.selectAll()

    def choose_columns(self) -> None:
        """Edit › Columns…: the header's column menu, from the keyboard too."""
        page = self.record_page()
        if page is not None:
            header = page.table.horizontalHeader()
            page.column_menu().popup(header.mapToGlobal(header.rect().bottomLeft()))

    def copy_record_text(self) -> str | None:
        """Edit › Copy as text: the record shown (as saved), for a message or a note."""
        page = self.record_page()
        record_id = page.current_id() if page is not None else None
        if record_id is None:
            return None
        from PySide6.QtGui import QGuiApplication

        from tracker.exchange import record_text

        record = self.repo.get(self._current, record_id)
        text = record_text(self.repo, self._current, record, for_mail=True)
        QGuiApplication.clipboard().setText(text)
        title = messages.clip(" ".join(str(record.get("title") or "").split()), 80)
        message = _("Copied “{title}” to the clipboard").format(title=title)
        if page.form.is_dirty():
            message += " " + _("(as last saved: the form has unsaved changes)")
        self.statusBar().showMessage(message, 8000)
        return text

    def export_list(self):
        """File › Export this list…: the current page's rows to CSV."""
        return self._exchange("ask_export_list", needs_list=True)

    def import_records(self):
        """File › Import…: an export from this app; previewed, backed up, audited."""
        return self._exchange("ask_import")

    def show_briefing(self) -> None:
        try:
            from ui.dialogs.briefing import BriefingDialog
        except ImportError as exc:
            messages.warning(self, _("Briefing"), str(exc))
            return
        BriefingDialog(self.repo, self).exec()

    def show_preferences(self) -> None:
        try:
            from ui.dialogs.preferences import PreferencesDialog
        except ImportError as exc:
            messages.warning(self, _("Preferences"), str(exc))
            return
        PreferencesDialog(self).exec()

    def about_text(self) -> str:
        import html

        lines = [
            f"<h3>{html.escape(_('Bilateral Tracker'))}</h3>",
            "<p>" + html.escape(_("Version {version}").format(version=tracker.__version__))
            + "</p>",
            "<p>" + html.escape(_("Database: {path}").format(path=self.repo.path)) + "</p>",
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

    def show_about(self) -> None:
        QMessageBox.about(self, _("About Bilateral Tracker"), self.about_text())

    # -- databases ----------------------------------------------------------------------------

    def new_database(self) -> None:
        path, _filter = messages.get_save_file_name(
            self, _("New database"), str(self.repo.path.parent / "tracker-new.db"),
            _("Tracker databases (*.db);;All files (*)"))
        if path:
            if Path(path).exists():
                messages.warning(self, _("New database"), _(
                    "{path} already exists; choose Open database to open it.").format(path=path))
                return
            self.open_database(path, seed=False)

    def open_database_dialog(self) -> None:
        path, _filter = messages.get_open_file_name(
            self, _("Open database"), str(self.repo.path.parent),
            _("Tracker databases (*.db);;All files (*)"))
        if path:
            self.open_database(path)

    def open_database(self, path, *, seed: bool = False) -> bool:
        page = self.record_page()
        if page is not None and not page.maybe_leave():
            return False
        try:
            from ui.app import settle_interrupted_restore  # a restore of it killed midway

            settle_interrupted_restore(Path(path), self)
            repo = open_session(path, seed=seed)
        except Exception as exc:  # noqa: BLE001 - DatabaseError, TrackerError, OSError
            messages.critical(self, _("Cannot open database"), _(
                "{path} cannot be opened:\n{error}").format(path=path, error=exc))
            return False
        self._save_settings()
        old = self.repo
        run_safety_hook("backup_on_exit", old)
        self.repo = repo
        old.close()
        run_safety_hook("auto_backup_on_open", repo)
        self._current = "dashboard"
        self._build_pages()
        self._restore_page_states()
        self._data_version = self.repo.data_version()
        add_recent(str(repo.path))
        return True

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        files = [f for f in recent_files() if f != str(self.repo.path)]
        if not files:
            a = self.recent_menu.addAction(_("No recent databases"))
            a.setEnabled(False)
            return
        for f in files:
            a = self.recent_menu.addAction(f)
            a.triggered.connect(lambda _c=False, p=f: self.open_database(p))

    # -- settings -----------------------------------------------------------------------------

    def _restore_settings(self) -> None:
        s = QSettings()
        geometry = s.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 800)
        state = s.value("window/state")
        if state is not None:
            self.restoreState(state)
        self._restore_page_states()
        last = s.value("window/page")
        if isinstance(last, str) and last in PAGES:
            self.go_to(last)
        add_recent(str(self.repo.path))

    def _restore_page_states(self) -> None:
        s = QSettings()
        for page in self.pages.values():
            if hasattr(page, "restore_state"):
                page.restore_state(s)

    def _save_settings(self) -> None:
        s = QSettings()
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/state", self.saveState())
        s.setValue("window/page", self._current)
        for page in self.pages.values():
            if hasattr(page, "save_state"):
                page.save_state(s)
        s.sync()

    def closeEvent(self, event) -> None:  # noqa: N802
        page = self.record_page()
        if page is not None and not page.maybe_leave():
            event.ignore()
            return
        for worker in list(self.busy):  # an import or export finishes (or fails) first
            worker.wait()
        stop_timers(self)  # the poll, pending searches and filters: the file closes next
        self._save_settings()
        event.accept()


def stop_timers(root) -> None:
    """Stop every timer under ``root`` (a window closing, or pages being replaced): a timer must
    never outlive the repository its slot reads."""
    for timer in root.findChildren(QTimer):
        timer.stop()


class _Pages(dict):
    """name -> page widget, each built by ``make(name)`` on first use."""

    def __init__(self, make):
        super().__init__()
        self._make = make

    def __missing__(self, name: str):
        if name not in PAGES:
            raise KeyError(name)
        page = self._make(name)
        self[name] = page
        return page


def recent_files() -> list[str]:
    value = QSettings().value("recent_files") or []
    if isinstance(value, str):
        value = [value]
    return [str(v) for v in value][:MAX_RECENT]


def add_recent(path: str) -> None:
    files = [path, *[f for f in recent_files() if f != path]][:MAX_RECENT]
    QSettings().setValue("recent_files", files)

