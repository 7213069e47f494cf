"""Starting the app: the default or given database, first-run seeding, clear errors."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox

from tracker.session import open_session
from tracker.store.repository import Repository
from ui import app as app_module
from ui.main_window import MainWindow

pytestmark = pytest.mark.gui


class Started(list):
    """The windows main() showed; ``while_running`` callbacks look at them before it returns."""

    def __init__(self):
        super().__init__()
        self.while_running = []


@pytest.fixture
def no_event_loop(monkeypatch):
    """``main()`` builds everything, then returns at once instead of running the loop."""
    started = Started()

    def fake_exec(*_args):
        started.extend(w for w in QApplication.topLevelWidgets()
                       if isinstance(w, MainWindow) and w.isVisible())
        for check in started.while_running:  # the repository is open only until we return
            check(started[-1])
        return 0

    monkeypatch.setattr(QApplication, "exec", fake_exec)
    yield started
    for window in started:
        window.poll_timer.stop()
        window.hide()
        window.deleteLater()


def run_app(code: str, home: Path, db: Path) -> subprocess.CompletedProcess:
    """``code`` (which ends by calling ``ui.app.main``) in a fresh process, offscreen, with its
    settings and backups under ``home``; fails the test if it does not exit cleanly."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(home),
               XDG_CONFIG_HOME=str(home / "config"), XDG_DATA_HOME=str(home / "data"))
    out = subprocess.run([sys.executable, "-c", code, "--db", str(db)], capture_output=True,
                         text=True, timeout=60, env=env)
    assert out.returncode == 0, out.stderr
    return out


def test_first_run_creates_and_seeds_the_database(no_event_loop, tmp_path):
    path = tmp_path / "folder" / "first.db"
    assert app_module.main(["--db", str(path), "--language", "en"]) == 0
    assert len(no_event_loop) == 1
    window = no_event_loop[0]
    assert window.repo.path == path
    assert QApplication.organizationName() == "BilateralTracker"
    assert QApplication.applicationName() == "bilateral-tracker"
    assert QApplication.desktopFileName() == "org.bilateraltracker.BilateralTracker"
    with Repository(path) as repo:
        assert repo.count("agreements") > 0  # seeded from the article


def test_default_database_comes_from_tracker_db(no_event_loop, tmp_path, monkeypatch):
    path = tmp_path / "env.db"
    monkeypatch.setenv("TRACKER_DB", str(path))
    assert app_module.main([]) == 0
    assert no_event_loop[0].repo.path == path
    assert path.exists()


def test_a_file_that_is_not_a_database_gets_a_message_and_is_untouched(
        no_event_loop, tmp_path, dialogs):
    path = tmp_path / "notes.db"
    content = b"These are my notes, not a database.\n" * 50
    path.write_bytes(content)
    dialogs.answers.append(None)
    assert app_module.main(["--db", str(path)]) == 2
    assert not no_event_loop  # no window was opened
    shown = [text for kind, _title, text in dialogs.calls if kind == "critical"]
    assert len(shown) == 1 and str(path) in shown[0] and "not changed" in shown[0]
    assert "Traceback" not in shown[0]
    assert path.read_bytes() == content


def test_another_programs_database_is_refused_untouched_and_no_backup_offered(
        no_event_loop, tmp_path, dialogs):
    """A browser's places.sqlite given as --db: a message naming it, not one byte changed, and
    no "restore the newest good backup" (a backup of ours is no answer to another's file)."""
    import sqlite3

    from tracker.store.sqlite import backup

    with open_session(tmp_path / "places.sqlite", seed=True) as ours:  # backups of that name
        backup.create_backup(ours)
    for name in os.listdir(tmp_path):
        if name.startswith("places.sqlite"):
            os.unlink(tmp_path / name)
    path = tmp_path / "places.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)")
    conn.execute("INSERT INTO moz_places(url) VALUES ('https://example.org')")
    conn.commit()
    conn.close()
    before = path.read_bytes(), path.stat().st_mode
    dialogs.answers.append(None)
    assert app_module.main(["--db", str(path)]) == 2
    assert not no_event_loop
    assert [kind for kind, _title, _text in dialogs.calls] == ["critical"]
    text = dialogs.calls[0][2]
    assert str(path) in text and "another program" in text
    assert (path.read_bytes(), path.stat().st_mode) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("places")) == [
        "places.sqlite"]  # no -wal, -shm or -journal left beside it


def test_language_option_switches_the_interface(no_event_loop, tmp_path):
    from tracker import i18n

    seen = {}

    def look(window):
        seen["language"] = i18n.current_language()
        seen["nav"] = [window.nav.item(i).text() for i in range(window.nav.count())]
        seen["menu"] = window.menuBar().actions()[0].text()
        seen["save"] = window.pages["roadmap"].save_button.text().replace("&", "")

    no_event_loop.while_running.append(look)
    try:
        assert app_module.main(["--db", str(tmp_path / "ru.db"), "--language", "ru"]) == 0
        assert seen["language"] == "ru"
        assert seen["nav"][0] == "Сводка" and seen["nav"][4] == "Дорожная карта"
        assert seen["menu"] == "&Файл"
        assert seen["save"] == "Сохранить"
    finally:
        app_module.setup_language(QApplication.instance(), "en")
        assert i18n.current_language() == "en"


def test_python_dash_m_ui_starts_and_shows_the_window(tmp_path):
    """The real entry point in a fresh process: it opens the window, then quits cleanly."""
    code = (
        "import sys; from PySide6.QtCore import QTimer; from PySide6.QtWidgets import "
        "QApplication\n"
        "import ui.app as a\n"
        "orig = a.make_application\n"
        "def make(argv):\n"
        "    app = orig(argv)\n"
        "    def check():\n"
        "        ws = [w for w in QApplication.topLevelWidgets() if w.isVisible()]\n"
        "        print('WINDOW', [w.windowTitle() for w in ws], flush=True)\n"
        "        app.quit()\n"
        "    QTimer.singleShot(300, check)\n"
        "    return app\n"
        "a.make_application = make\n"
        "sys.exit(a.main(sys.argv[1:]))\n")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path),
               XDG_CONFIG_HOME=str(tmp_path / "config"))
    out = subprocess.run([sys.executable, "-c", code, "--db", str(tmp_path / "p.db")],
                         capture_output=True, text=True, timeout=60, env=env)
    assert out.returncode == 0, out.stderr
    assert "WINDOW ['p.db[*]']" in out.stdout  # the window system adds the program's name
    assert "Traceback" not in out.stderr


def test_work_the_window_does_not_need_waits_for_its_first_frame(tmp_path):
    """The daily backup, the integrity watch and the version start only once the window has been
    painted (they used to run in the first event-loop pass, before it), and they do run."""
    code = (
        "import sys, threading; from PySide6.QtCore import QEvent, QObject, QTimer\n"
        "from PySide6.QtWidgets import QApplication\n"
        "import ui.app as a, ui.main_window as mw\n"
        "from tracker.store.sqlite import backup\n"
        "log = []\n"
        "made = backup.create_backup\n"
        "def create(path, **options): log.append('backup'); return made(path, **options)\n"
        "backup.create_backup = create\n"
        "watch = mw.MainWindow.watch_integrity\n"
        "def watched(self): log.append('watch'); watch(self)\n"
        "mw.MainWindow.watch_integrity = watched\n"
        "class Paint(QObject):\n"
        "    def eventFilter(self, obj, ev):\n"
        "        if ev.type() == QEvent.Type.Paint and isinstance(obj, mw.MainWindow):\n"
        "            log.append('paint')\n"
        "        return False\n"
        "show = mw.MainWindow.show\n"
        "def shown(self):\n"
        "    self._paint_log = Paint(); self.installEventFilter(self._paint_log); show(self)\n"
        "mw.MainWindow.show = shown\n"
        "orig = a.make_application\n"
        "def make(argv):\n"
        "    app = orig(argv)\n"
        "    waited = []\n"
        "    def check():\n"  # until the settled work has run (10 s at most)
        "        waited.append(1)\n"
        "        if not ({'backup', 'watch'} <= set(log) and app.applicationVersion())\\\n"
        "                and len(waited) < 100:\n"
        "            QTimer.singleShot(100, check); return\n"
        "        for t in threading.enumerate():\n"
        "            if t.name == 'auto-backup': t.join()\n"
        "        print('LOG', ' '.join(log), '|', app.applicationVersion(), flush=True)\n"
        "        app.quit()\n"
        "    QTimer.singleShot(100, check)\n"
        "    return app\n"
        "a.make_application = make\n"
        "sys.exit(a.main(sys.argv[1:]))\n")
    db = tmp_path / "p.db"
    with open_session(db, seed=True):
        pass
    out = run_app(code, tmp_path, db)
    line = next(x for x in out.stdout.splitlines() if x.startswith("LOG"))
    events, version = line[4:].split("|")
    events = events.split()
    assert events[0] == "paint", events  # nothing of that work ran before the first frame
    assert "watch" in events and "backup" in events, events
    assert version.strip() not in ("", "0.0.0")
    import tracker

    assert version.strip() == tracker.__version__


@pytest.mark.parametrize("last_page", [None, "roadmap"])
def test_the_first_frame_is_painted_before_the_qt_namespace_is_built(tmp_path, last_page):
    """PySide6 builds all 93 enums of ``Qt`` on its first use (~11 ms, a tenth of the bare
    window's start-up): the code that runs before the window's first frame must not need it.
    (bench/run.py measures the time; this names the place that breaks it.)"""
    code = (
        "import os, sys; import PySide6.QtCore as core\n"
        "from PySide6.QtCore import QEvent, QObject, QTimer\n"
        "import ui.app as a, ui.main_window as mw\n"
        "class Paint(QObject):\n"
        "    def eventFilter(self, obj, ev):\n"
        "        if ev.type() == QEvent.Type.Paint:\n"
        "            print('QT-BUILT', 'Qt' in vars(core), flush=True); os._exit(0)\n"
        "        return False\n"
        "show = mw.MainWindow.show\n"
        "def shown(self):\n"
        "    self._p = Paint(); self.installEventFilter(self._p); show(self)\n"
        "mw.MainWindow.show = shown\n"
        "sys.exit(a.main(sys.argv[1:]))\n")
    if last_page:  # the last session ended on this page: it is the start page
        conf = tmp_path / "config" / "BilateralTracker" / "bilateral-tracker.conf"
        conf.parent.mkdir(parents=True)
        conf.write_text(f"[window]\npage={last_page}\n", encoding="utf-8")
    out = run_app(code, tmp_path, tmp_path / "q.db")
    assert "QT-BUILT False" in out.stdout, out.stdout + out.stderr


def test_the_first_frame_imports_no_module_it_does_not_need(tmp_path):
    """Before the first frame: no dialog, no page and no worker thread class (``ui.tasks``:
    QThread's enums) is imported, nor the timeline's model or hashlib; they come when first
    used."""
    code = (
        "import os, sys\n"
        "from PySide6.QtCore import QEvent, QObject\n"
        "import ui.app as a, ui.main_window as mw\n"
        "class Paint(QObject):\n"
        "    def eventFilter(self, obj, ev):\n"
        "        if ev.type() == QEvent.Type.Paint:\n"
        "            print('MODULES', *sorted(m for m in sys.modules\n"
        "                                     if m.startswith(('ui.', 'tracker.', 'hashlib'))),\n"
        "                  flush=True); os._exit(0)\n"
        "        return False\n"
        "show = mw.MainWindow.show\n"
        "def shown(self):\n"
        "    self._p = Paint(); self.installEventFilter(self._p); show(self)\n"
        "mw.MainWindow.show = shown\n"
        "sys.exit(a.main(sys.argv[1:]))\n")
    for start in ("first", "everyday"):  # the first run creates and seeds the file
        out = run_app(code, tmp_path, tmp_path / "m.db")
        line = next(x for x in out.stdout.splitlines() if x.startswith("MODULES"))
        loaded = set(line.split()[1:])
        assert "ui.main_window" in loaded and "ui.menus" in loaded
        assert not {m for m in loaded if m.startswith(("ui.dialogs.", "ui.pages.", "ui.forms.",
                                                       "ui.widgets."))}, loaded
        assert "ui.tasks" not in loaded and "ui.commands" not in loaded
        assert "tracker.model.timeline" not in loaded, loaded  # the Timeline page's
        if start == "everyday":  # (the first run's seeding writes search rows: hashlib)
            assert "hashlib" not in loaded, loaded  # attached files' and search rows'


def test_set_enum_property_sets_by_name_and_refuses_unknown_names(qapp):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QLabel

    from ui.main_window import set_enum_property

    label = QLabel()
    set_enum_property(label, "textFormat", "PlainText")
    assert label.textFormat() == Qt.TextFormat.PlainText
    with pytest.raises(ValueError, match="textFormat"):
        set_enum_property(label, "textFormat", "NoSuchFormat")
    with pytest.raises(ValueError, match="noSuchProperty"):
        set_enum_property(label, "noSuchProperty", "PlainText")


def test_high_dpi_layout_at_1024x768(tmp_path):
    """At devicePixelRatio 2 (QT_SCALE_FACTOR=2) the window still lays out at 1024x768."""
    code = (
        "import sys\n"
        "from PySide6.QtCore import QSettings\n"
        "from ui.app import make_application\n"
        "app = make_application(['x'])\n"
        "QSettings.setDefaultFormat(QSettings.Format.IniFormat)\n"
        f"QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, "
        f"{str(tmp_path / 'conf')!r})\n"
        "from tracker.session import open_session\n"
        "from ui.main_window import MainWindow\n"
        f"repo = open_session({str(tmp_path / 'h.db')!r}, seed=True)\n"
        "w = MainWindow(repo, poll_ms=0); w.resize(1024, 768); w.show(); app.processEvents()\n"
        "w.go_to('roadmap'); app.processEvents()\n"
        "img = w.grab()\n"
        "page = w.pages['roadmap']\n"
        "print(img.devicePixelRatio(), w.width(), w.height(), page.table.width(),\n"
        "      page.scroll.width(), w.minimumSizeHint().width() <= 1024)\n")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QT_SCALE_FACTOR="2",
               HOME=str(tmp_path))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60, env=env)
    assert out.returncode == 0, out.stderr
    dpr, width, height, table_w, form_w, fits = out.stdout.split()
    assert float(dpr) == 2.0
    assert (int(width), int(height)) == (1024, 768)
    assert int(table_w) > 300 and int(form_w) > 300
    assert fits == "True"


def test_a_damaged_file_offers_the_newest_good_backup(no_event_loop, tmp_path, dialogs):
    import ui.dialogs.backups  # noqa: F401 - the dialog module is part of the app
    from tracker.store.sqlite import backup

    path = tmp_path / "work.db"
    with open_session(path, seed=True) as repo:
        titles = [r["title"] for r in repo.list("agreements", columns=["title"])]
        backup.create_backup(repo)
    data = bytearray(path.read_bytes())
    data[:16] = b"garbage garbage!"  # the header is gone: not a database any more
    path.write_bytes(bytes(data))
    dialogs.answers = [QMessageBox.StandardButton.Yes]
    seen = {}
    no_event_loop.while_running.append(
        lambda w: seen.update(titles=[r["title"] for r in w.repo.list("agreements",
                                                                       columns=["title"])]))
    assert app_module.main(["--db", str(path)]) == 0
    kind, _title, text = dialogs.calls[0]
    assert kind == "question" and "backup" in text.lower()
    assert seen["titles"] == titles
    aside = list(tmp_path.glob("work.db.before-restore-*"))
    assert aside and aside[0].read_bytes()[:16] == b"garbage garbage!"  # kept, not deleted


def test_window_icon_has_every_pixel_aligned_size(qapp):
    """The launcher's small sizes come from their own PNGs, not a blurred SVG."""
    from ui.app import ICON_SIZES, window_icon

    icon = window_icon()
    assert icon is not None and not icon.isNull()
    sizes = {s.width() for s in icon.availableSizes()}
    assert set(ICON_SIZES) <= sizes


def test_damage_found_after_the_window_opened_disables_editing(tmp_path, make_window, qtbot,
                                                               dialogs):
    """A large file opens before its integrity check; damage the check finds afterwards is shown,
    editing is disabled, and the file is not written to."""
    from tracker.store.repository import Repository

    path = tmp_path / "tracker.db"
    open_session(path, seed=True).close()
    data = bytearray(path.read_bytes())
    page = len(data) // 4096 - 1  # a data page: the schema stays readable
    data[4096 * (page - 1) + 8: 4096 * (page - 1) + 2008] = bytes(range(250)) * 8
    path.write_bytes(bytes(data))
    before = path.read_bytes()

    repo = Repository(path, background_check=True)
    dialogs.answers.append(None)  # the message about the damage
    window = make_window(repo)
    window.watch_integrity()
    qtbot.waitUntil(window.banner.isVisible)
    assert "damaged" in window.banner.text()
    assert not window.save_action.isEnabled() and not window.new_action.isEnabled()
    assert any(kind == "critical" and "damaged" in text for kind, _t, text in dialogs.calls)
    window.close()
    repo.close()
    assert path.read_bytes() == before


def test_help_speaks_the_chosen_or_saved_language(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path), LANGUAGE="en",
               XDG_CONFIG_HOME=str(tmp_path / "config"))

    def help_text(*args):
        out = subprocess.run([sys.executable, "-m", "ui", *args, "--help"], capture_output=True,
                             text=True, timeout=60, env=env)
        assert out.returncode == 0 and "Traceback" not in out.stderr, out.stderr
        return out.stdout

    assert help_text().startswith("usage: bilateral-tracker")
    russian = help_text("--language", "ru")
    assert russian.startswith("Использование: bilateral-tracker") and "Параметры:" in russian
    assert "язык интерфейса" in russian
    conf = tmp_path / "config" / "BilateralTracker" / "bilateral-tracker.conf"
    conf.parent.mkdir(parents=True)
    conf.write_text("[General]\nlanguage=ru\n", encoding="utf-8")  # saved in Preferences
    assert help_text().startswith("Использование:")
    assert help_text("--language=en").startswith("usage:")


GUI_WITH_CLI_BESIDE = r"""
import sys, threading
from pathlib import Path
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
import ui.app as a
from ui.main_window import MainWindow

signals = Path(sys.argv[-1])
sys.argv = sys.argv[:-1]
orig = a.make_application
state = {"step": "settle", "ticks": 0}

def say(word):
    print(word, flush=True)

def make(argv):
    app = orig(argv)
    def tick():
        state["ticks"] += 1
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
        if state["ticks"] > 600:  # a minute: the test failed to answer
            app.exit(3); return
        if not windows:
            QTimer.singleShot(100, tick); return
        w = windows[0]
        if state["step"] == "settle":  # the daily backup and the integrity check have run
            busy = any(t.name == "auto-backup" and t.is_alive() for t in threading.enumerate())
            backups = list((w.repo.path.parent / "backups").glob("*.db"))
            if busy or not backups or w.repo.check_pending():
                QTimer.singleShot(100, tick); return
            state["step"] = "wait-save"; say("SETTLED")
        elif state["step"] == "wait-save" and (signals / "gui-save").exists():
            for i in range(1, 4):  # the window's own saves, on its own connection
                w.repo.create("roadmap", {"title": f"GUI save {i}"})
            state["step"] = "wait-quit"; say("GUI-SAVED")
        elif state["step"] == "wait-quit" and (signals / "quit").exists():
            app.quit(); return
        QTimer.singleShot(50, tick)
    QTimer.singleShot(100, tick)
    return app

a.make_application = make
sys.exit(a.main(sys.argv[1:]))
"""


@pytest.mark.slow  # ~6 s: the app and six CLI runs, each a process of its own
def test_saves_from_the_cli_beside_the_running_app_are_all_kept(tmp_path):
    """The real app in one process (its daily backup and integrity check running), the CLI in
    others: every save the CLI acknowledged and every save the window made is in the file after
    the window quits. The app's background work used to drop SQLite's locks on the file (it
    opened it with ``open()`` to read the header); the CLI then deleted the -wal the window was
    still writing, and the window's exit checkpointed stale pages over the CLI's saves."""
    import select

    from clirun import run_cli

    db = tmp_path / "desk" / "tracker.db"
    db.parent.mkdir()
    with Repository(db, user="setup") as repo:
        item = repo.create("roadmap", {"title": "Edited from the CLI"}).record_id
    signals = tmp_path / "signals"
    signals.mkdir()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path),
               XDG_CONFIG_HOME=str(tmp_path / "config"), XDG_DATA_HOME=str(tmp_path / "data"))
    gui = subprocess.Popen([sys.executable, "-c", GUI_WITH_CLI_BESIDE, "--db", str(db),
                            str(signals)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True, env=env)

    def wait_for(word: str) -> None:
        line = ""
        while word not in line:
            ready, _w, _x = select.select([gui.stdout], [], [], 60)
            assert ready, f"the app never said {word}"
            line = gui.stdout.readline()
            assert line, f"the app ended before {word}: {gui.communicate()[1]}"

    acknowledged = []
    try:
        wait_for("SETTLED")
        cli_env = {"TRACKER_DB": str(db)}
        edit = run_cli("edit", "roadmap", str(item), "notes=CLI edit", env=cli_env)
        assert edit.returncode == 0 and "version 2" in edit.stdout, edit.stderr
        acknowledged.append(("notes", "CLI edit"))
        for i in (1, 2):
            add = run_cli("add", "roadmap", f"title=CLI save {i}", env=cli_env)
            assert add.returncode == 0, add.stderr
            acknowledged.append(("title", f"CLI save {i}"))
            shown = run_cli("show", "roadmap", str(item), env=cli_env)  # open, read, close
            assert shown.returncode == 0, shown.stderr
        (signals / "gui-save").touch()
        wait_for("GUI-SAVED")
        seen = run_cli("list", "roadmap", "--json", env=cli_env)
        assert seen.returncode == 0, seen.stderr
        assert all(f"GUI save {i}" in seen.stdout for i in (1, 2, 3)), seen.stdout
        add = run_cli("add", "roadmap", "title=CLI save 3", env=cli_env)
        assert add.returncode == 0, add.stderr
        acknowledged.append(("title", "CLI save 3"))
        (signals / "quit").touch()
        _out, err = gui.communicate(timeout=60)
        assert gui.returncode == 0, err
    finally:
        if gui.poll() is None:
            gui.kill()
            gui.communicate()
    with Repository(db, read_only=True) as repo:
        assert repo.backend.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        rows = repo.list("roadmap")
    titles = {r["title"] for r in rows}
    assert {"GUI save 1", "GUI save 2", "GUI save 3"} <= titles
    for field, value in acknowledged:
        assert any(r[field] == value for r in rows), f"the CLI's acknowledged {value!r} is gone"


HOLDER_PROBE = ("import sys; sys.path.insert(0, {root!r}); "
                "from tracker.store.sqlite import files as restoring; "
                "print(restoring.in_use_elsewhere({path!r}))")


def test_the_daily_backup_keeps_the_windows_hold_on_its_file(tmp_path, make_window, qtbot):
    """The backup thread reads the file the window has open: it must not drop the window's
    SQLite locks (closing any other descriptor of the file would), or another program could
    think the file unused (a restore, or a checkpoint deleting the window's -wal)."""
    from tracker.store.sqlite import backup
    path = tmp_path / "work.db"
    root = str(Path(__file__).resolve().parents[2])
    probe = [sys.executable, "-c", HOLDER_PROBE.format(root=root, path=str(path))]
    with open_session(path, seed=True) as repo:
        repo.count("roadmap")
        assert subprocess.run(probe, capture_output=True, text=True).stdout.strip() == "True"
        window = make_window(repo)
        task = app_module.start_auto_backup(window)  # a task of the window: ui.tasks
        assert task is not None
        qtbot.waitUntil(lambda: not window.busy)
        assert backup.list_backups(path), repo.warnings
        repo.count("roadmap")
        assert subprocess.run(probe, capture_output=True, text=True).stdout.strip() == "True"


def test_a_backup_dated_in_the_future_does_not_stop_the_daily_backup(tmp_path, make_window,
                                                                    qtbot):
    from tracker.store.sqlite import backup
    path = tmp_path / "work.db"
    with open_session(path, seed=True) as repo:
        backup.create_backup(repo, now=dt.datetime.now(dt.UTC) + backup.AUTO_INTERVAL * 400)
        window = make_window(repo)
        task = app_module.start_auto_backup(window)
        assert task is not None
        qtbot.waitUntil(lambda: not window.busy)
        assert len(backup.list_backups(path)) == 2
        assert app_module.start_auto_backup(window) is None  # one a day


def test_opening_after_an_interrupted_restore_says_what_happened(no_event_loop, tmp_path,
                                                                 dialogs):
    from tracker.store.sqlite import backup
    from tracker.store.sqlite import restore as restoring

    path = tmp_path / "work.db"
    with open_session(path, seed=True) as repo:
        made = backup.create_backup(repo)
        repo.create("roadmap", {"title": "After the backup"})
    env = dict(os.environ, TRACKER_DB=str(path), TRACKER_TEST_RESTORE_PAUSE="copied")
    proc = subprocess.Popen([sys.executable, "-m", "tracker", "restore", str(made)],
                            stderr=subprocess.PIPE, text=True, env=env,
                            cwd=Path(__file__).resolve().parents[2])
    try:
        assert proc.stderr.readline().strip() == "paused at copied"
    finally:
        proc.kill()
        proc.communicate(timeout=30)
    dialogs.answers = [QMessageBox.StandardButton.Ok]
    seen = {}
    no_event_loop.while_running.append(lambda w: seen.update(
        titles={r["title"] for r in w.repo.list("roadmap", columns=["title"])}))
    assert app_module.main(["--db", str(path)]) == 0
    (aside,) = restoring.set_aside_files(path)
    kind, _title, text = dialogs.calls[0]
    assert kind == "information" and "restore is complete" in text and str(aside) in text
    assert "After the backup" not in seen["titles"]
    with Repository(aside) as before:
        assert before.ids("roadmap", search="After the backup")


def test_version_is_said_without_a_display_or_a_window(tmp_path):
    """``bilateral-tracker --version`` said "No display…" (exit 2) on a machine without one, and
    opened the window where there was one (Qt took the option as its own)."""
    from tracker import __version__

    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env.update(HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path / "config"))
    out = subprocess.run([sys.executable, "-m", "ui", "--version"], capture_output=True,
                         text=True, timeout=60, env=env)
    assert (out.returncode, out.stdout, out.stderr) == (0, f"bilateral-tracker {__version__}\n",
                                                        "")
    assert not (tmp_path / ".local").exists()  # no database was made
