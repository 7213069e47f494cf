"""The main window: pages and navigation, the status bar, the first frame, and routing each change
to the pages it touches. Its actions, menus and toolbar are built from the table in ui.menus;
what they open lives in ui.commands; work off the GUI thread runs through ui.tasks."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, QTimer, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from tracker.i18n import gettext as _
from tracker.i18n import ngettext
from tracker.model.names import KIND_ORDER
from tracker.store.engines import is_server
from ui import audit_name, menus, window_size
from ui.first_frame import SETTLE_MS, FirstFrame, stop_timers
from ui.pages import PAGES, Pages, make_page, page_key, page_kinds, page_title

if TYPE_CHECKING:  # (the repository's modules are imported when a session opens)
    from tracker.store.repository import Repository
    from ui.pages.record_page import RecordPage
    from ui.tasks import Tasks

log = logging.getLogger(__name__)

POLL_MS = 2000
FIRST_PAINT_FALLBACK_MS = 1000


def automatic_backup(make, repo) -> None:
    """``make(repo)``: ``backup_on_exit`` or ``auto_backup_on_open`` of the backup module. A
    failed automatic backup is logged (and in ``repo.warnings``), never raised: it must not stop
    the app. A shared database on a server is backed up by its administrator, not here."""
    if menus.is_shared(repo):
        return
    try:
        make(repo)
    except Exception:  # noqa: BLE001 - never stops the app
        log.exception("automatic backup %s failed", getattr(make, "__name__", make))


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


class MainWindow(FirstFrame, QMainWindow):
    #: Emitted once, after the window's first frame is painted (or after FIRST_PAINT_FALLBACK_MS
    #: if it is never painted, e.g. started minimised), once the slots given to
    #: ``after_first_paint`` (the start page first) have run.
    firstPainted = Signal()

    def __init__(self, repo: Repository | None, parent=None, *, poll_ms: int = POLL_MS,
                 target=None):
        """``repo`` None: the window without its session (``target``: the file or server it
        will show), painted first; :meth:`attach` gives it the session (``ui.first_frame``)."""
        super().__init__(parent)
        self.repo = repo
        self.painted = False  # the first frame is painted AND the session attached
        self._framed = False  # the first frame is painted
        self._frame_loop = None  # wait_for_first_frame's
        self._after_paint: list = []
        self._tasks: Tasks | None = None  # made on first use (not before the first frame)
        self.search_dialog = None  # the last Find… dialog (Ctrl+F)
        self.installEventFilter(self)
        QTimer.singleShot(FIRST_PAINT_FALLBACK_MS, self._first_paint_done)
        self.setWindowTitle(_("Bilateral Tracker"))
        self.setMinimumSize(900, 600)
        self.pages: dict[str, QWidget] = {}
        self._stale: set[str] = set()
        self._current = "dashboard"

        menus.build(self, PAGES, page_title, page_key)

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

        self.poll_ms = poll_ms
        self.poll_timer = QTimer(self)
        self.poll_timer.setInterval(poll_ms)
        self.poll_timer.timeout.connect(self.poll)
        self.link = None  # ui.widgets.server_link.ServerLink, on a server
        self._fill_nav()
        self.nav.currentRowChanged.connect(self._nav_changed)
        self._restore_settings()
        if repo is not None:
            self.attach(repo)
        else:  # the frame as it will be with the session (its file, nothing to undo yet)
            where = menus.target_shown(target)
            self.path_label.setText(where)
            self.path_label.setToolTip(where)
            self.setWindowTitle(menus.target_shown(target, short=True) + "[*]")
            read_only = menus.looks_read_only(target)  # (the session's answer follows)
            self.ro_label.setText(_("Read-only") if read_only else _("Editable"))
            menus.set_enabled(window=self, state=menus.State(
                read_only=read_only, busy=False, on_record=False, record=False, dirty=False,
                undo=False, redo=False, server=is_server(target)))

    def attach(self, repo: Repository) -> None:
        """Give the window made without its session (``repo`` None) the session ``repo``: its
        pages, status and actions; the start page and the work waiting for the first frame
        follow (at once when the frame is already painted)."""
        self.repo = repo
        self._build_pages()
        self._restore_page_states()
        menus.add_recent(menus.shown_where(repo))
        self._data_version = self._version()
        if self.poll_ms > 0 and not menus.is_shared(repo):  # a server tells (self.link)
            self.poll_timer.start()
        self.after_first_paint(self.link_server)
        if self._framed:
            QTimer.singleShot(0, self._first_paint_done)

    # -- construction -------------------------------------------------------------------------

    def _fill_nav(self) -> None:
        """The navigation list: row i is PAGES[i], the current page selected."""
        self.nav.blockSignals(True)
        self.nav.clear()
        for name in PAGES:
            self.nav.addItem(QListWidgetItem(page_title(name)))
        fm = self.nav.fontMetrics()
        self.nav.setFixedWidth(max(fm.horizontalAdvance(page_title(n)) for n in PAGES) + 44)
        self.nav.setCurrentRow(PAGES.index(self._current))
        self.nav.blockSignals(False)

    def _build_pages(self) -> None:
        audit_name.apply(self.repo)  # a file's history names the name set in the preferences
        self._fill_nav()
        self.nav.blockSignals(True)
        if self.stack.count():  # another database: fresh pages in a fresh stack
            old = self.stack
            self.stack = QStackedWidget()
            self.body.replaceWidget(old, self.stack)
            self.stack.show()
            old.hide()
            stop_timers(old)  # its pages' pending searches must not reach the closed file
            old.setParent(None)
            old.deleteLater()
        self.pages = Pages(lambda name: make_page(self, name))
        self._stale = set()
        if not self.painted:
            # The first frame shows the window around an empty page: the start page (its
            # module, its widgets and the Qt types they need; the last session's page, else the
            # dashboard) is built right after it.
            self.after_first_paint(self._show_start_page)
        else:
            self.stack.setCurrentWidget(self.pages[self._current])
        self.nav.blockSignals(False)
        self._apply_read_only()
        self.update_status()
        self.update_actions()

    def _show_start_page(self) -> None:
        page = self.pages[self._current]
        if hasattr(page, "ensure_loaded"):  # shown complete, not with placeholders first
            page.ensure_loaded()
        self.stack.setCurrentWidget(page)
        self.update_status(total_now=True)
        self.update_actions()

    # -- pages --------------------------------------------------------------------------------

    def current_name(self) -> str:
        return self._current

    def current_page(self) -> QWidget:
        return self.pages[self._current]

    def record_page(self, name: str | None = None) -> RecordPage | None:
        """The record page ``name`` (default: the current one); None for other pages, and
        before the first frame for a page not built yet (the start page comes after it)."""
        name = name or self._current
        if name not in KIND_ORDER or (not self.painted and name not in self.pages):
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
        self.update_status()
        self.update_actions()
        return True

    def _nav_changed(self, row: int) -> None:
        if 0 <= row < len(PAGES):
            self.go_to(PAGES[row])

    def open_list(self, kind: str, status: str | None) -> bool:
        """A figure on the dashboard clicked: its kind's page, filtered to that status."""
        if kind not in KIND_ORDER or not self.go_to(kind):
            return False
        page = self.record_page(kind)
        if page is None:  # before the first frame
            return False
        page.show_status(status)
        return True

    def open_record(self, kind: str, record_id: int) -> bool:
        if kind not in KIND_ORDER:
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
        from tracker.store.errors import ConnectionLost

        self._stale.discard(name)
        page = self.pages[name]
        try:
            page.refresh(record_id) if name in KIND_ORDER else page.refresh()
        except ConnectionLost:  # the server went away: shown again once it is back
            self._stale.add(name)

    # -- writes -------------------------------------------------------------------------------

    def apply_change(self, change) -> None:
        """After a write: refresh what it touched now if shown, else when next shown."""
        kinds = set(change.kinds or ()) | ({change.kind} if change.kind in KIND_ORDER else set())
        self._refresh_touched(kinds, change.action, change.kind, change.record_id)
        self._data_version = self._version()
        if change.label:
            self.statusBar().showMessage(change.label, 5000)
        self.update_status()
        self.update_actions()

    def _refresh_touched(self, kinds, action: str, kind=None, record_id=None) -> None:
        touched = set(kinds) | {"dashboard", "history", "deadlines"}
        if action in ("delete", "restore", "undo", "redo", "create", "import"):
            touched.add("trash")
        from tracker.model import KINDS

        for k in KINDS.values():  # pages whose link pickers list the changed kinds
            if any(f.target in kinds for f in k.fields):
                touched.add(k.name)
        touched.update(name for name, shown in page_kinds().items() if shown & kinds)
        for name in touched:
            if name == self._current:
                self._refresh_page(name, record_id if name == kind else None)
            else:
                self._stale.add(name)

    def apply_remote(self, kinds) -> None:
        """Another desk saved on the server (``self.link``): the pages showing ``kinds`` are read
        again (None: anything may have changed)."""
        if kinds is None:
            self._stale.update(self.pages)
            kinds = {self._current}
        self._refresh_touched({k for k in kinds if k in KIND_ORDER or k == self._current}, "import")
        self.update_status()
        self.update_actions()

    def link_server(self) -> None:
        """On a server: hear other desks' saves, say when it is away (ui.widgets.server_link)."""
        from ui.widgets.server_link import relink  # (after the first frame)

        self.link = relink(self, self.link)

    def _version(self) -> int:  # a file's is polled; a server's listener tells (self.link)
        return 0 if menus.is_shared(self.repo) else self.repo.data_version()

    def task_wrote(self, change) -> None:
        """A task wrote on a session of its own (an import): this session counts it (the backup
        on closing looks at ``repo.changed``), and the pages it touched are refreshed."""
        self.repo.changed = True
        self.apply_change(change)

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
        from ui.commands import undo_or_redo

        return undo_or_redo(self, redo=False)

    def redo(self):
        from ui.commands import undo_or_redo

        return undo_or_redo(self, redo=True)

    # -- state --------------------------------------------------------------------------------

    def update_actions(self) -> None:
        """Enable the actions for what is shown (ui.menus); the title marks unsaved edits."""
        menus.update_actions(self)
        page = self.record_page()
        self.setWindowModified(page is not None and page.form.is_dirty())
        # the file once; the window system adds the program's name (its display name) after it
        self.setWindowTitle(menus.shown_where(self.repo, short=True) + "[*]")

    @property
    def tasks(self) -> Tasks:
        """The work this window runs off the GUI thread (imports, exports, the daily backup),
        each on a session of its own: ``ui.tasks``."""
        if self._tasks is None:
            from ui.tasks import Tasks

            self._tasks = Tasks(self, lambda: self.repo, route=self.task_wrote)
            self._tasks.changed.connect(self.update_actions)
        return self._tasks

    @property
    def busy(self) -> bool:
        """True while an import, an export or the daily backup runs (``self.tasks``)."""
        return self._tasks is not None and bool(self._tasks)

    def update_status(self, *, total_now: bool = False) -> None:
        """Path, record count and state in the status bar. Counting every kind for the total
        waits for the next loop pass unless ``total_now`` (the start page, just built)."""
        self.path_label.setText(menus.shown_where(self.repo))
        self.path_label.setToolTip(menus.shown_where(self.repo))
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
        from tracker.model.figures import total_key
        from tracker.store.errors import StorageError

        try:
            # the dashboard shown has just counted every kind (~13 ms at 100,000 records each)
            total = sum(figures[total_key(k)] if self._current == "dashboard"
                        and total_key(k) in figures else self.repo.count(k) for k in KIND_ORDER)
        except StorageError:  # the window closed (and its file) before this ran
            return
        self.count_label.setText(ngettext("{n} record", "{n} records", total).format(n=total))

    def _apply_read_only(self) -> None:
        ro = self.repo.read_only
        self.banner.setVisible(ro)
        if ro:
            from ui import messages

            self.banner.setText(messages.read_only_text(self.repo))
        for page in self.pages.values():
            if hasattr(page, "set_read_only"):
                page.set_read_only(ro)

    def watch_integrity(self) -> None:
        """A file opened before its integrity check (large files open at once): when the check
        in the background finds damage, editing is disabled and the reason shown."""
        repo = self.repo
        if repo.check_pending():
            self.later(100, self.watch_integrity)
            return
        if repo.verify() is not None:
            from ui import messages

            self._apply_read_only()
            self.update_status()
            self.update_actions()
            messages.critical(self, _("Bilateral Tracker"), repo.damage or "")

    def poll(self) -> None:
        """Notice writes by other processes or windows and refresh what is shown."""
        from tracker.store.errors import StorageError

        try:
            version = self.repo.data_version()
        except StorageError:  # the file went away (or closed); keep the window usable
            return
        if version == self._data_version:
            return
        self._data_version = version
        self._stale.update(self.pages)
        self._refresh_page(self._current)
        self.update_status()
        self.update_actions()

    # -- other sessions -----------------------------------------------------------------------

    def reopen(self, path) -> bool:
        """Open ``path`` again after its file was replaced (the old repository is closed)."""
        from tracker.session import open_session
        from ui import messages

        try:
            repo = open_session(path)
        except Exception as exc:  # noqa: BLE001 - a file the user chose: a message, never a traceback
            messages.critical(self, _("Cannot open database"), _(
                "{path} cannot be opened:\n{error}").format(path=path, error=exc))
            self.close()
            return False
        self.repo = repo
        current = self._current
        self._build_pages()
        self._restore_page_states()
        self.go_to(current)
        self._data_version = self._version()
        return True

    def open_database(self, path, *, seed: bool = False) -> bool:
        page = self.record_page()
        if page is not None and not page.maybe_leave():
            return False
        from tracker.session import open_session
        from ui import messages

        try:
            if not is_server(path):
                from ui.app import settle_interrupted_restore  # a restore of it killed midway

                settle_interrupted_restore(Path(path), self)
            repo = open_session(path, seed=seed)
        except Exception as exc:  # noqa: BLE001 - a file the user chose: a message, never a traceback
            if is_server(path):  # the address (no password) and the reason, to try again
                from ui.dialogs.open_shared import open_failed

                return open_failed(self, path, exc)
            messages.critical(self, _("Cannot open database"), _(
                "{path} cannot be opened:\n{error}").format(path=path, error=exc))
            return False
        from tracker.store.sqlite import backup

        self._save_settings()
        old = self.repo
        automatic_backup(backup.backup_on_exit, old)
        self.repo = repo
        old.close()
        automatic_backup(backup.auto_backup_on_open, repo)
        self._current = "dashboard"
        self._build_pages()
        self._restore_page_states()
        self._data_version = self._version()
        self.link_server()
        menus.add_recent(menus.shown_where(repo))
        from ui.widgets.reminders import check_reminders

        self.later(SETTLE_MS, lambda: check_reminders(self))  # the day's reminder of this one
        return True

    # -- settings -----------------------------------------------------------------------------

    def _restore_settings(self) -> None:
        s = QSettings()
        window_size.restore(self, s.value("window/geometry"))  # fitted to the screen
        state = s.value("window/state")
        if state is not None:
            self.restoreState(state)
        last = s.value("window/page")
        if isinstance(last, str) and last in PAGES:
            self.go_to(last)

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
        if self.repo is None:  # closed before its session was attached: nothing to keep
            stop_timers(self)
            event.accept()
            return
        page = self.record_page()
        if page is not None and not page.maybe_leave():
            event.ignore()
            return
        from ui.tasks import stop_tasks

        stop_tasks(self)  # cancelled, then waited for: an import finishes (or fails) first
        stop_timers(self)  # the poll, pending searches and filters: the file closes next
        if self.link is not None:
            self.link.stop()  # the listener's own connection
        self._save_settings()
        event.accept()

