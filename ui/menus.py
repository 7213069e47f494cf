"""The main window's commands: its actions, menus and toolbar, built from the tables below.

Each :class:`Command` becomes ``window.<attr>_action`` (a ``QAction`` named ``name``) with its
text, shortcut, icon, tooltip, and the rule that enables it; :data:`MENUS` and :data:`TOOLBAR`
place them. A command's ``run`` is the name of a window method, or ``"commands.<name>"``: a
function of the window in ``ui.commands``, imported when a command first runs (not before the
first frame). :func:`update_actions` sets what is enabled from the window's state.

Start-up: everything here runs before the first frame, so nothing may touch PySide6's ``Qt``
namespace (DEVELOPERS.md, "Start-up"): shortcuts go through ``setShortcuts([QKeySequence])``,
enum properties through ``set_enum_property``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QFile, QSettings, QSize
from PySide6.QtGui import QAction, QIcon, QKeySequence
from PySide6.QtWidgets import QToolBar

from tracker.i18n import N_
from tracker.i18n import gettext as _

MAX_RECENT = 8
SEPARATOR = "-"
RECENT = "recent"  # the Open Recent submenu's place in the File menu


# (plain classes, not dataclasses: this module is imported before the first frame, and making a
# dataclass costs more than the rest of the module)

class State:
    """What the actions' rules look at (made by :func:`update_actions`)."""

    __slots__ = ("busy", "dirty", "on_record", "read_only", "record", "redo", "server", "undo")

    def __init__(self, *, read_only: bool, busy: bool, on_record: bool, record: bool,
                 dirty: bool, undo: bool, redo: bool, server: bool = False):
        self.read_only = read_only
        self.busy = busy  # an import, an export or the daily backup is running
        self.on_record = on_record  # a record page is shown
        self.record = record  # its form shows a stored record
        self.dirty = dirty  # its form has unsaved changes
        self.undo = undo  # there is a step to undo
        self.redo = redo
        self.server = server  # a shared database on a server (not a file)


class Command:
    """One command: its action's object name and text (``N_()``: translated when the action is
    made), what it runs (a window method's name, or "commands.<name>": a function of the window
    in ``ui.commands``), its key sequence
    (``keys``, e.g. "Ctrl+E"; or ``standard_key``, QKeySequence.StandardKey's name, with
    ``keys`` as the fallback where the platform binds no key to it), its icon
    (QStyle.StandardPixmap's name: :data:`STANDARD_IMAGES`), tooltip (``N_()``), the rule that
    enables it (None: always), and the window attribute it becomes (``<attr>_action``, default:
    the name)."""

    __slots__ = ("attr", "enabled", "icon", "keys", "name", "run", "standard_key", "text",
                 "tip")

    def __init__(self, name: str, text: str, run: str, *,
                 keys: str | None = None, standard_key: str | None = None,
                 icon: str | None = None, tip: str = "",
                 enabled: Callable[[State], bool] | None = None, attr: str = ""):
        self.name, self.text, self.run = name, text, run
        self.keys, self.standard_key, self.icon, self.tip = keys, standard_key, icon, tip
        self.enabled, self.attr = enabled, attr or name


COMMANDS: tuple[Command, ...] = (
    Command("new_db", N_("New database…"), "commands.new_database"),
    Command("open_db", N_("Open database…"), "commands.open_database_dialog",
            standard_key="Open", icon="SP_DialogOpenButton"),
    Command("open_shared", N_("Open shared database…"), "commands.open_shared_database",
            tip=N_("A database on a server that several desks share (PostgreSQL)")),
    Command("backups", N_("Backups…"), "commands.show_backups",
            enabled=lambda s: not s.server),  # a server's are its administrator's (pg_dump)
    Command("import", N_("Import…"), "commands.import_records",
            enabled=lambda s: not s.read_only and not s.busy),  # one exchange at a time
    Command("export", N_("Export…"), "commands.export_records", enabled=lambda s: not s.busy),
    Command("export_list", N_("Export this list…"), "commands.export_list",
            tip=N_("The records this page lists, as filtered and sorted, to a CSV file for a "
                   "spreadsheet"),
            enabled=lambda s: s.on_record and not s.busy),
    Command("export_calendar", N_("Export calendar…"), "commands.export_calendar",
            tip=N_("The open deadlines and the meetings to come, as an iCalendar file for "
                   "Outlook or Thunderbird"), enabled=lambda s: not s.busy),
    Command("briefing", N_("Briefing…"), "commands.show_briefing", keys="Ctrl+E",
            icon="SP_FileDialogDetailedView"),
    Command("preferences", N_("Preferences…"), "commands.show_preferences", attr="prefs"),
    # Ctrl+Q where the platform names no Quit key (Windows, a desktop without a theme)
    Command("quit", N_("Quit"), "close", keys="Ctrl+Q", standard_key="Quit"),
    Command("undo", N_("Undo"), "undo", keys="Ctrl+Z", icon="SP_ArrowBack",
            enabled=lambda s: s.undo and not s.read_only),
    Command("redo", N_("Redo"), "redo", keys="Ctrl+Shift+Z", icon="SP_ArrowForward",
            enabled=lambda s: s.redo and not s.read_only),
    Command("new", N_("New"), "new_record", keys="Ctrl+N", icon="SP_FileIcon",
            tip=N_("New record (Ctrl+N)"), enabled=lambda s: not s.read_only),
    Command("save", N_("Save"), "save_record", keys="Ctrl+S", icon="SP_DialogSaveButton",
            tip=N_("Save the record (Ctrl+S)"),
            enabled=lambda s: s.on_record and not s.read_only and (not s.record or s.dirty)),
    Command("delete", N_("Delete"), "delete_record", standard_key="Delete", icon="SP_TrashIcon",
            tip=N_("Move the record to the trash (Del)"),
            enabled=lambda s: s.on_record and not s.read_only and s.record),
    Command("revert", N_("Revert"), "revert_record", icon="SP_BrowserReload",
            enabled=lambda s: s.on_record and s.dirty),
    Command("find", N_("Find…"), "commands.show_search", keys="Ctrl+F",
            icon="SP_FileDialogContentsView", tip=N_("Search every record (Ctrl+F)")),
    Command("filter", N_("Filter this list"), "commands.focus_filter", keys="Ctrl+L",
            enabled=lambda s: s.on_record),
    Command("columns", N_("Columns…"), "commands.choose_columns",
            tip=N_("Which columns this list shows (also: right-click a column header)"),
            enabled=lambda s: s.on_record),
    Command("copy_text", N_("Copy as text"), "commands.copy_record_text", keys="Ctrl+Shift+C",
            tip=N_("Copy the record, with its sources, as text for a message or a note "
                   "(Ctrl+Shift+C)"),
            enabled=lambda s: s.on_record and s.record),
    Command("record_history", N_("History of this record"), "commands.show_record_history",
            keys="Ctrl+H", enabled=lambda s: s.on_record and s.record),
    Command("about", N_("About Bilateral Tracker"), "commands.show_about"),
    Command("shortcuts", N_("Keyboard shortcuts…"), "commands.show_shortcuts",
            standard_key="HelpContents", keys="F1"),
    Command("relationship", N_("Relationship…"), "commands.edit_relationship",
            tip=N_("The two countries of the relationship and its title, as the dashboard and "
                   "briefings name it"), enabled=lambda s: not s.read_only),
)

#: (title, command names): SEPARATOR, RECENT and GO (the pages) are places, not commands
GO = "go"
MENUS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (N_("&File"), ("new_db", "open_db", "open_shared", RECENT, SEPARATOR, "backups", "import",
                   "export", "export_list", "export_calendar", "briefing", SEPARATOR,
                   "relationship", "preferences", SEPARATOR, "quit")),
    (N_("&Edit"), ("undo", "redo", SEPARATOR, "new", "save", "delete", "revert", SEPARATOR,
                   "find", "filter", "columns", "record_history", "copy_text")),
    (N_("&Go"), (GO,)),
    (N_("&Help"), ("shortcuts", "about")),
)

TOOLBAR: tuple[str, ...] = ("new", "save", "delete", "revert", SEPARATOR, "undo", "redo",
                            SEPARATOR, "find", "briefing")


#: The images Qt's own style (QCommonStyle, which Fusion is) draws for the standard pixmaps the
#: commands name, from the resources inside QtWidgets: (name, sizes). Asking the style for them
#: (``style().standardIcon``) makes PySide build QStyle's eleven enums, ~5 ms before the first
#: frame. The same images on every desktop (its icon theme, if any, is not asked).
QT_IMAGES = ":/qt-project.org/styles/commonstyle/images/"
STANDARD_IMAGES: dict[str, tuple[str, tuple[int, ...]]] = {
    "SP_DialogOpenButton": ("standardbutton-open", (16, 32, 128)),
    "SP_DialogSaveButton": ("standardbutton-save", (16, 32, 128)),
    "SP_FileDialogDetailedView": ("viewdetailed", (16, 32, 128)),
    "SP_FileDialogContentsView": ("filecontents", (16, 32, 128)),
    "SP_ArrowBack": ("arrow-left", (16, 32, 128)),
    "SP_ArrowForward": ("arrow-right", (16, 32, 128)),
    "SP_FileIcon": ("file", (16, 32, 128)),
    "SP_TrashIcon": ("trash", (16, 32, 128)),
    "SP_BrowserReload": ("refresh", (24, 32)),
}


def standard_icon(name: str) -> QIcon:
    """The icon of the standard pixmap ``name`` (:data:`STANDARD_IMAGES`)."""
    stem, sizes = STANDARD_IMAGES[name]
    if not QFile.exists(f"{QT_IMAGES}{stem}-{sizes[0]}.png"):  # (a Qt that moved its images)
        from PySide6.QtWidgets import QApplication, QStyle

        return QApplication.style().standardIcon(getattr(QStyle.StandardPixmap, name))
    icon = QIcon()
    for n in sizes:
        icon.addFile(f"{QT_IMAGES}{stem}-{n}.png", QSize(n, n))
    return icon


def _key_sequence(command: Command) -> QKeySequence | None:
    if command.standard_key is not None:
        key = getattr(QKeySequence.StandardKey, command.standard_key)
        if command.keys is None or QKeySequence.keyBindings(key):
            return QKeySequence(key)
    return QKeySequence(command.keys) if command.keys is not None else None


def make_action(window, text: str, slot: Callable[[], Any], shortcut: QKeySequence | None = None,
                icon: str | None = None, name: str = "") -> QAction:
    action = QAction(text, window)
    if shortcut is not None:
        # the list overload: setShortcut()'s overloads create the whole Qt namespace
        action.setShortcuts([shortcut])
    if icon is not None:
        action.setIcon(standard_icon(icon))
    action.triggered.connect(lambda _checked=False: slot())
    if name:
        action.setObjectName(name)
    return action


def slot(window, run: str) -> Callable[[], Any]:
    """What triggering the command ``run`` calls (see :class:`Command`): nothing while the
    window waits for its session (its first frame comes before the file is open)."""
    module, _dot, name = run.rpartition(".")

    def call():
        if window.repo is None:
            return None
        if module != "commands":
            return getattr(window, run)()
        from ui import commands

        return getattr(commands, name)(window)

    return call


def build(window, pages: tuple[str, ...], page_title: Callable[[str], str],
          page_key: Callable[[str], str | None] | None = None) -> None:
    """The window's actions (``window.<attr>_action``), menus and toolbar; ``page_key``: a
    page's shortcut (default: Ctrl+1 ... Ctrl+0 in order)."""
    window.actions_by_name = {}
    for command in COMMANDS:
        action = make_action(window, _(command.text), slot(window, command.run),
                             _key_sequence(command),
                             command.icon, command.name)
        if command.tip:
            action.setToolTip(_(command.tip))
        setattr(window, f"{command.attr}_action", action)
        window.actions_by_name[command.name] = action
    bar = window.menuBar()
    for title, entries in MENUS:
        menu = bar.addMenu(_(title))
        menu.setToolTipsVisible(True)  # why a command is disabled (Backups… on a server)
        for entry in entries:
            if entry == SEPARATOR:
                menu.addSeparator()
            elif entry == RECENT:
                window.recent_menu = menu.addMenu(_("Open &Recent"))
                window.recent_menu.aboutToShow.connect(lambda: fill_recent(window))
            elif entry == GO:
                window.go_menu = menu
                keys = [page_key(name) if page_key else
                        (f"Ctrl+{(i + 1) % 10}" if i < 10 else None)
                        for i, name in enumerate(pages)]
                window.go_actions = [
                    make_action(window, page_title(name), lambda n=name: window.go_to(n),
                                QKeySequence(key) if key else None, name=f"go_{name}")
                    for name, key in zip(pages, keys, strict=True)]
                menu.addActions(window.go_actions)
            else:
                menu.addAction(window.actions_by_name[entry])
    window.toolbar = toolbar(window)
    window.addToolBar(window.toolbar)
    from ui import mnemonics

    mnemonics.label_menubar(bar)  # Alt+letter for every menu and entry (both languages)
    mnemonics.watch_windows()  # and for every dialog's buttons
    window.after_first_paint(show_focus_ring)  # (it needs the Qt namespace: after the frame)


def show_focus_ring() -> None:
    """A clearly visible ring around the focused widget (``ui.focus_ring``)."""
    from ui import focus_ring

    focus_ring.install()


def toolbar(window) -> QToolBar:
    from ui.main_window import set_enum_property

    tb = QToolBar(_("Main toolbar"))
    tb.setObjectName("main_toolbar")
    tb.setMovable(False)
    set_enum_property(tb, "toolButtonStyle", "ToolButtonTextBesideIcon")
    for entry in TOOLBAR:
        if entry == SEPARATOR:
            tb.addSeparator()
        else:
            tb.addAction(window.actions_by_name[entry])
    return tb


def update_actions(window) -> None:
    """Enable the actions for the window's state; Undo and Redo name their step."""
    repo = window.repo
    undo_label, redo_label = repo.undo_label(), repo.redo_label()
    page = window.record_page()
    server = is_shared(repo)
    now = State(read_only=repo.read_only, busy=window.busy, on_record=page is not None,
                record=page is not None and page.current_id() is not None,
                dirty=page is not None and page.form.is_dirty(),
                undo=bool(undo_label), redo=bool(redo_label), server=server)
    undo, redo = window.undo_action, window.redo_action
    undo.setText(_("Undo {label}").format(label=undo_label) if undo_label else _("Undo"))
    redo.setText(_("Redo {label}").format(label=redo_label) if redo_label else _("Redo"))
    # the toolbar keeps short, steady buttons; the menu and the tooltip name the step
    undo.setIconText(_("Undo"))
    redo.setIconText(_("Redo"))
    undo.setToolTip(undo.text() + " (Ctrl+Z)")
    redo.setToolTip(redo.text() + " (Ctrl+Shift+Z)")
    set_enabled(window, now)


def set_enabled(window, state: State) -> None:
    """Enable each command's action by its rule for ``state``."""
    for command in COMMANDS:
        if command.enabled is not None:
            window.actions_by_name[command.name].setEnabled(bool(command.enabled(state)))
    window.backups_action.setToolTip(_(
        "A shared database on a server is backed up by its administrator (pg_dump); File › "
        "Export… makes a copy of its records") if state.server else _(
        "Backups of this database file"))


# --- where the data lives -------------------------------------------------------------------------

def is_shared(repo) -> bool:
    """The repository is a database on a server, shared by several desks (not a file)."""
    return getattr(repo.backend, "engine", "sqlite") != "sqlite"


def address(repo) -> str:
    """Where the data lives, as the window shows it and the recent list keeps it: a file's path,
    or a server's address without its password (``tracker.store.engines.without_password``)."""
    if not is_shared(repo):
        return str(repo.path)
    from tracker.store.engines import without_password

    return without_password(repo.backend.url)


def shown_where(repo, *, short: bool = False) -> str:
    """The database as titles show it: :func:`address` (``short``: a file's name only)."""
    return repo.path.name if short and not is_shared(repo) else address(repo)


def target_shown(target, *, short: bool = False) -> str:
    """What :func:`shown_where` will show for the session on ``target`` (a file's path or a
    server's address), before it is open."""
    from pathlib import Path

    from tracker.store.engines import is_server, without_password

    if is_server(target):
        return without_password(str(target).strip())
    path = Path(target).expanduser()
    return path.name if short else str(path)


def looks_read_only(target) -> bool:
    """Whether the session on ``target`` will most likely be read-only, before it is open: a
    file (or its folder, where SQLite keeps its -wal and -shm) this user may not write. The
    first frame shows that state; the session's own answer replaces it a few ms later."""
    import os
    from pathlib import Path

    from tracker.store.engines import is_server

    if target is None or is_server(target):
        return False
    path = Path(target).expanduser()
    try:
        return path.exists() and not (os.access(path, os.W_OK)
                                      and os.access(path.parent, os.W_OK))
    except OSError:
        return False


# --- File › Open Recent -------------------------------------------------------------------------

def recent_files() -> list[str]:
    value = QSettings().value("recent_files") or []
    if isinstance(value, str):
        value = [value]
    return [str(v) for v in value][:MAX_RECENT]


def add_recent(path: str) -> None:
    """``path``: a file's, or a server's address without its password (never stored)."""
    files = [path, *[f for f in recent_files() if f != path]][:MAX_RECENT]
    QSettings().setValue("recent_files", files)


def fill_recent(window) -> None:
    menu = window.recent_menu
    menu.clear()
    here = address(window.repo) if window.repo is not None else None
    files = [f for f in recent_files() if f != here]
    if not files:
        menu.addAction(_("No recent databases")).setEnabled(False)
        return
    for f in files:  # ("&" in a path is a literal ampersand, not the entry's mnemonic)
        menu.addAction(f.replace("&", "&&")).triggered.connect(
            lambda _c=False, p=f: window.open_database(p))
