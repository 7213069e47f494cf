"""Starting the desktop app: ``bilateral-tracker [--db PATH|URL] [--language en|ru|system]``
(``--db postgresql://[user@]host[:port]/dbname``: a database on a server that desks share)."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

log = logging.getLogger(__name__)

ORGANIZATION = "BilateralTracker"
APPLICATION = "bilateral-tracker"
DESKTOP_FILE = "org.bilateraltracker.BilateralTracker"


def _help_language(argv: list[str]) -> None:
    """``--help`` is printed while the arguments are read, before the app sets its language:
    set it from ``--language``, else the saved preference, else the system's."""
    from PySide6.QtCore import QCoreApplication, QSettings

    from tracker.i18n import set_language

    wanted = None
    for i, arg in enumerate(argv):
        if arg == "--language" and i + 1 < len(argv):
            wanted = argv[i + 1]
        elif arg.startswith("--language="):
            wanted = arg.split("=", 1)[1]
    if wanted is None:
        QCoreApplication.setOrganizationName(ORGANIZATION)
        QCoreApplication.setApplicationName(APPLICATION)
        wanted = QSettings().value("language")
    try:
        set_language(str(wanted or "system"))
    except ValueError:
        set_language("system")


class _Version(argparse.Action):
    """``--version``: the version the package metadata gives (read only when asked: reading it
    costs start-up ~20 ms), as ``bilateral-tracker-cli --version`` says it; no window."""

    def __init__(self, option_strings, dest, **kwargs):
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser, namespace, values, option_string=None):
        from tracker import __version__

        print(f"bilateral-tracker {__version__}")
        parser.exit()


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    argv = list(sys.argv[1:] if argv is None else argv)
    if "-h" in argv or "--help" in argv:
        _help_language(argv)
    from tracker.i18n import gettext as _

    class Formatter(argparse.HelpFormatter):
        def add_usage(self, usage, actions, groups, prefix=None):  # argparse's own is English
            return super().add_usage(usage, actions, groups,
                                     _("usage: ") if prefix is None else prefix)

    parser = argparse.ArgumentParser(prog="bilateral-tracker", add_help=False,
                                     description=_("Bilateral Tracker desktop app"),
                                     formatter_class=Formatter)
    # argparse's own group is titled in English: ours, in the interface language, holds them all
    options = parser.add_argument_group(_("options"))
    options.add_argument("-h", "--help", action="help", help=_("show this help and exit"))
    options.add_argument("--version", action=_Version, help=_("show the version and exit"))
    options.add_argument("--db", metavar="PATH|URL", help=_(
        "database file (default: TRACKER_DB or the user data folder), created and seeded on "
        "first use; or a shared database on a server: postgresql://[user@]host[:port]/dbname"))
    options.add_argument("--language", choices=("en", "ru", "system"), help=_(
        "interface language (default: the saved preference, else system)"))
    args, _qt_args = parser.parse_known_args(argv)
    return args


def cannot_show_a_window(argv: list[str], args: argparse.Namespace) -> bool:
    """No display, or a system library Qt's window needs is missing (``ui.display_check``):
    say so in one line, in the user's language, instead of letting Qt abort."""
    from ui.display_check import problem

    if problem(argv) is None:
        return False
    try:  # the saved preference needs QtCore, which a missing library may stop
        _help_language(argv if args.language is None else ["--language", args.language])
    except Exception:  # noqa: BLE001 - then the system's language
        from tracker.i18n import set_language

        set_language(args.language or "system")
    print(problem(argv), file=sys.stderr)
    return True


def make_application(argv: list[str]):
    """The QApplication with names set before any QSettings is made."""
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    QCoreApplication.setOrganizationName(ORGANIZATION)
    QCoreApplication.setApplicationName(APPLICATION)
    QGuiApplication.setDesktopFileName(DESKTOP_FILE)
    app = QApplication.instance() or QApplication(argv)
    app.setApplicationDisplayName("Bilateral Tracker")
    return app


def set_application_version(app) -> None:
    """Called once the window is up: reading the package metadata is not start-up work."""
    try:
        import tracker

        app.setApplicationVersion(tracker.__version__)
    except Exception:  # noqa: BLE001 - a missing version never stops the app
        pass


def start_auto_backup(window):
    """The daily backup on opening, as a task of the window (``ui.tasks``): it reads the file
    through a read-only session of its own (SQLite's online backup API), so the window paints at
    once even for a large file, and the window waits for it before it closes. Returns the task
    (None when no backup is due, or the file is read-only)."""
    from tracker.store.sqlite import backup
    repo = window.repo
    if repo.read_only or repo.backend.engine != "sqlite":  # a server's: its administrator's
        return None
    if not backup.backup_due(repo.path):
        backup.clean_partials(repo.path)  # what killed backups left, even with no backup due
        return None

    def failed(message: str) -> None:  # a failed backup is a warning, never a crash
        log.warning("automatic backup failed: %s", message)
        repo.warnings.append(message)

    return window.tasks.run(lambda session, _task: backup.create_backup(session),
                            failed=failed, describe=backup_failure)


def backup_failure(exc: BaseException) -> str:
    """Why the daily backup was not made (a file that cannot be opened says so as the backup
    module does)."""
    from tracker.i18n import gettext as _
    from tracker.store.sqlite.backup import BackupError

    if isinstance(exc, BackupError):
        return str(exc)
    return _("No backup made: {error}").format(error=exc)


def setup_language(app, option: str | None) -> str:
    """Set the core's language (from the option, else QSettings "language", else system) and
    install Qt's own translation for standard buttons and dialogs (``ui.language``)."""
    from ui.language import install_language

    try:
        return install_language(app, option or None)
    except ValueError:
        return install_language(app, "system")


ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def window_icon():
    """The application icon from its pixel-aligned PNG sizes (crisp at 16 px), else the SVG."""
    from PySide6.QtCore import QSize
    from PySide6.QtGui import QIcon

    from tracker.paths import resource_path

    icon = QIcon()
    for n in ICON_SIZES:
        path = resource_path("icons", f"bilateral-tracker-{n}.png")
        if path.exists():
            icon.addFile(str(path), QSize(n, n))
    if icon.isNull():
        svg = resource_path("icons", "bilateral-tracker.svg")
        if svg.exists():
            icon = QIcon(str(svg))
    return None if icon.isNull() else icon


class OpenError(str):
    """Why the file did not open (the message), and whether a backup could be the way back."""

    damaged = False


def open_repository(path: Path | str):
    """Open (creating and seeding on first run); returns (repo, None) or (None, OpenError).

    A restore of the file that was killed midway is settled first (finished or undone) and the
    user told what happened. ``path`` may be a server's address (nothing to settle there)."""
    from tracker.errors import TrackerError
    from tracker.store.engines import is_server
    from tracker.store.errors import DatabaseError, DiskFull, ForeignDatabase, NotARegularFile

    try:
        if not is_server(path):
            settle_interrupted_restore(path)
    except Exception as exc:  # noqa: BLE001 - BackupError: a restore of it is running now
        return None, OpenError(str(exc))
    try:
        from tracker.session import open_session

        return open_session(path, seed=True, background_check=True), None
    except (DatabaseError, TrackerError, OSError) as exc:
        error = OpenError(str(exc))
        # Another program's file, a full disk, a FIFO: a backup of ours is no answer to those.
        error.damaged = isinstance(exc, DatabaseError) and not isinstance(
            exc, (ForeignDatabase, DiskFull, NotARegularFile))
        return None, error
    except Exception as exc:  # noqa: BLE001 - any error opening it: shown, never a traceback
        error = OpenError(f"{type(exc).__name__}: {exc}")
        error.damaged = True
        return None, error


def settle_interrupted_restore(path: Path, parent=None) -> None:
    """``recover_interrupted_restore`` (tracker.store.sqlite.restore) with its note shown in a
    message box; raises its ``BackupError`` while a restore runs."""
    from tracker.paths import restore_journal_path

    if not restore_journal_path(path).exists():  # nearly always: no restore module to import
        return
    from tracker.store.sqlite import restore as restoring

    note = restoring.recover_interrupted_restore(path)
    if note:
        from tracker.i18n import gettext as _
        from ui import messages

        messages.information(parent, _("Restore backup"), note)


def offer_backup(path: Path, message: str) -> bool:
    """A damaged file: offer its newest good backup (the Backups dialog's module does it; the
    damaged file is kept aside). True when one was restored."""
    from ui.dialogs.backups import offer_newest_good_backup

    try:
        return bool(offer_newest_good_backup(path, message))
    except Exception:  # noqa: BLE001 - the error dialog follows; never a traceback
        return False


def show_open_error(path: Path | str, message: str) -> None:
    from tracker.i18n import gettext as _
    from tracker.store.engines import is_server, without_password
    from ui import messages

    if is_server(path):
        messages.critical(None, _("Cannot open the database"), _(
            "The shared database {server} cannot be opened:\n\n{error}\n\nAsk its "
            "administrator, or open another one: bilateral-tracker --db ADDRESS").format(
                server=without_password(path), error=message))
        return
    messages.critical(None, _("Cannot open the database"), _(
        "The database {path} cannot be opened:\n\n{error}\n\nThe file was not changed. "
        "If it is damaged, restore a backup (bilateral-tracker-cli backups / restore) or "
        "start with another file: bilateral-tracker --db OTHER.db").format(
            path=path, error=message))


def main(argv: list[str] | None = None) -> int:
    """Start-up makes long-lived objects (modules, widgets, the window): a garbage collection
    before the window is settled frees nothing and cost ~13 ms of CPU on the way to the first
    frame. Collecting resumes once the window is settled, or when the app ends."""
    import gc

    collecting = gc.isenabled()
    gc.disable()
    try:
        return _main(argv, collecting)
    finally:
        if collecting:
            gc.enable()


def _main(argv: list[str] | None, collecting: bool) -> int:
    import gc

    argv = list(sys.argv[1:] if argv is None else argv)
    args = parse_args(argv)
    if cannot_show_a_window(argv, args):
        return 2
    app = make_application([sys.argv[0], *argv])
    setup_language(app, args.language)
    icon = window_icon()
    if icon is not None:
        app.setWindowIcon(icon)

    from tracker.session import default_target
    from tracker.store.engines import is_server

    if is_server(args.db):  # an address stays a string (a Path folds its "//")
        path = args.db.strip()
    else:
        path = Path(args.db).expanduser() if args.db else default_target()

    from PySide6.QtCore import QTimer

    from ui.main_window import MainWindow, automatic_backup

    # The window's first frame (menus, toolbar, pages' list, status bar) comes first; the file
    # is opened right after it, and the start page follows.
    window = MainWindow(None, target=path)
    if icon is not None:
        window.setWindowIcon(icon)
    window.show()
    window.wait_for_first_frame()
    repo, error = open_repository(path)
    if repo is None and error.damaged and not is_server(path) and path.exists() \
            and offer_backup(path, error):
        repo, error = open_repository(path)  # the newest good backup was restored
    if repo is None:
        show_open_error(path, error)
        window.discard()
        return 2
    window.attach(repo)

    # What the user does not need in order to see the window and its start page comes after.
    def when_settled() -> None:
        if collecting:
            gc.enable()
        window.watch_integrity()
        start_auto_backup(window)
        from ui.widgets.reminders import check_reminders

        check_reminders(window)  # the day's reminder, once
        QTimer.singleShot(0, lambda: set_application_version(app))

    window.when_settled(when_settled)
    try:
        code = app.exec()
    finally:
        window.close()
        from ui.tasks import stop_tasks

        stop_tasks(window)  # (closing did, unless an unsaved edit kept it open)
        repo = window.repo  # the user may have opened another file
        from tracker.store.sqlite import backup

        automatic_backup(backup.backup_on_exit, repo)
        repo.close()
    return code


if __name__ == "__main__":
    sys.exit(main())
