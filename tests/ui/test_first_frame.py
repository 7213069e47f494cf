"""The window's first frame comes before its file is opened: the real window (menus, toolbar, the
pages' list, status bar) is painted first, then the session is opened and attached, and the start
page, the dashboard's figures, the recent-files list and the settled work follow."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tracker.session import open_session
from ui.main_window import MainWindow

pytestmark = pytest.mark.gui

# At the first paint of the main window, and again once the dashboard shows its figures: what
# the window shows and which of the core's modules the process has imported.
WATCH = """
import json, os, sys
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication
import ui.app as a, ui.main_window as mw
import tracker.session as session
log = []
opened = session.open_session
def open_session(*args, **kwargs):
    log.append('open')
    return opened(*args, **kwargs)
session.open_session = open_session
def state(w):
    return {'title': w.windowTitle(), 'path': w.path_label.text(), 'ro': w.ro_label.text(),
            'nav': [w.nav.item(i).text() for i in range(w.nav.count())],
            'enabled': {n: a.isEnabled() for n, a in sorted(w.actions_by_name.items())},
            'toolbar': w.toolbar.isVisible(), 'menus': len(w.menuBar().actions()),
            'store': 'tracker.store.repository' in sys.modules,
            'catalogue': 'tracker.model.catalogue' in sys.modules,
            'qstyle': 'QStyle' in vars(sys.modules['PySide6.QtWidgets'])}
class Paint(QObject):
    def eventFilter(self, obj, ev):
        if ev.type() == QEvent.Type.Paint and obj is self.w and 'paint' not in log:
            log.append('paint')
            print('FIRST', json.dumps(state(obj)), flush=True)
        return False
show = mw.MainWindow.show
def shown(self):
    self._p = Paint(); self._p.w = self; self.installEventFilter(self._p); show(self)
    def check(tries=[0]):
        tries[0] += 1
        page = self.pages.get('dashboard') if self.repo is not None else None
        if (page is None or not page.loaded) and tries[0] < 200:
            QTimer.singleShot(50, check); return
        from ui import menus
        data = state(self)
        data.update(log=log, figures=bool(page and page.figures), recent=menus.recent_files(),
                    shown=self.stack.currentWidget() is page)
        print('LOADED', json.dumps(data), flush=True)
        QApplication.instance().quit()
    QTimer.singleShot(0, check)
mw.MainWindow.show = shown
sys.exit(a.main(sys.argv[1:]))
"""


def watch(home: Path, db: Path) -> tuple[dict, dict]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(home), LANGUAGE="en",
               XDG_CONFIG_HOME=str(home / "config"), XDG_DATA_HOME=str(home / "data"))
    out = subprocess.run([sys.executable, "-c", WATCH, "--db", str(db), "--language", "en"],
                         capture_output=True, text=True, timeout=60, env=env)
    assert out.returncode == 0, out.stderr
    assert "Traceback" not in out.stderr, out.stderr
    lines = {line.split(" ", 1)[0]: json.loads(line.split(" ", 1)[1])
             for line in out.stdout.splitlines() if line.startswith(("FIRST ", "LOADED "))}
    return lines["FIRST"], lines["LOADED"]


def test_the_window_is_painted_before_its_file_is_opened_and_then_gets_its_data(tmp_path):
    db = tmp_path / "work.db"
    with open_session(db, seed=True):
        pass
    first, loaded = watch(tmp_path, db)
    assert loaded["log"] == ["paint", "open"]  # the file is opened after the first frame
    assert not first["store"]  # nor is the core's store imported before it
    assert not first["catalogue"]  # nor the catalogue (the pages' list: tracker.model.names)
    assert not first["qstyle"]  # PySide has not built QStyle's enums for the toolbar's icons
    # the first frame is the real window: its title, menus, toolbar, pages and file
    assert first["title"] == "work.db[*]" and first["path"] == str(db)
    assert first["menus"] == 4 and first["toolbar"]
    assert first["nav"][:2] == ["Dashboard", "Agreements"] and first["nav"] == loaded["nav"]
    # ... and what the data changes in it afterwards is nothing a user sees move
    for key in ("title", "path", "ro", "enabled"):
        assert first[key] == loaded[key], key
    # the data arrives: the dashboard with its figures, the file at the top of the recent list
    assert loaded["figures"] and loaded["shown"]
    assert loaded["recent"][0] == str(db)


def test_commands_wait_for_the_session_and_the_window_then_gets_it(qtbot, tmp_path):
    """Between the first frame and the session (a few ms): a command or a page chosen does
    nothing harmful; attached, the window shows the file, its start page and its counts."""
    db = tmp_path / "later.db"
    window = MainWindow(None, poll_ms=0, target=db)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.wait_for_first_frame()
    assert window.repo is None and not window.painted
    for action in window.actions_by_name.values():
        if action.objectName() != "quit":
            action.trigger()  # nothing to act on yet: nothing happens, no traceback
    window.quit_action.trigger()
    assert window.isVisible()  # Quit waits for the session too
    window.go_to("roadmap")  # the page chosen is the start page once the session is there
    assert window.windowTitle() == "later.db[*]"
    repo = open_session(db, seed=True)
    window.attach(repo)
    qtbot.waitUntil(lambda: window.painted)
    assert window.current_page() is window.pages["roadmap"]
    assert window.record_page().record_count() == repo.count("roadmap") > 0
    assert window.count_label.text().endswith("records")
    window.close()
    repo.close()


def test_a_window_closed_before_its_session_keeps_no_settings(qtbot, tmp_path):
    from PySide6.QtCore import QSettings

    QSettings().setValue("window/page", "history")
    window = MainWindow(None, poll_ms=0, target=tmp_path / "never.db")
    qtbot.addWidget(window)
    window.go_to("trash")
    window.close()
    assert QSettings().value("window/page") == "history"
    assert not (tmp_path / "never.db").exists()


def test_a_window_never_painted_still_gets_its_session(qtbot, tmp_path, monkeypatch):
    """Started minimised (no frame to wait for): the file is opened after
    FIRST_PAINT_FALLBACK_MS, and the start page follows as it does after a frame."""
    import time

    import ui.main_window as mw

    monkeypatch.setattr(mw, "FIRST_PAINT_FALLBACK_MS", 50)
    window = MainWindow(None, poll_ms=0, target=tmp_path / "min.db")
    qtbot.addWidget(window)  # never shown
    started = time.monotonic()
    window.wait_for_first_frame()
    assert time.monotonic() - started < 5
    repo = open_session(tmp_path / "min.db", seed=True)
    window.attach(repo)
    qtbot.waitUntil(lambda: window.painted)
    assert window.pages["dashboard"].loaded
    window.close()
    repo.close()


def test_the_toolbar_icons_are_the_styles_own_images(qapp):
    """Each command's icon (ui.menus.STANDARD_IMAGES) draws what Qt's style draws for the
    standard pixmap it names, at every size a toolbar or menu asks for."""
    from PySide6.QtCore import QSize
    from PySide6.QtGui import QImage
    from PySide6.QtWidgets import QApplication, QStyle

    from ui import menus

    def image(icon, n):
        return icon.pixmap(QSize(n, n)).toImage().convertToFormat(QImage.Format.Format_ARGB32)

    named = {c.icon for c in menus.COMMANDS if c.icon}
    assert named and named <= set(menus.STANDARD_IMAGES)
    style = QApplication.style()
    for name in named:
        ours = menus.standard_icon(name)
        theirs = style.standardIcon(getattr(QStyle.StandardPixmap, name))
        for n in (16, 20, 24, 32, 48):
            assert image(ours, n) == image(theirs, n), (name, n)


def test_a_file_the_user_may_not_write_shows_read_only_in_the_first_frame(qtbot, tmp_path,
                                                                          monkeypatch):
    """The first frame comes before the file is opened; a file the user may not write (the
    tests run as root, who may write anything: os.access stands in) is not shown "Editable"
    with its editing commands on until the session says otherwise."""
    import os

    db = tmp_path / "theirs.db"
    open_session(db, seed=True).close()
    real = os.access
    monkeypatch.setattr(os, "access", lambda p, mode, **kw: False if mode == os.W_OK and str(
        p) == str(db) else real(p, mode, **kw))
    window = MainWindow(None, poll_ms=0, target=db)
    qtbot.addWidget(window)
    assert window.ro_label.text() == "Read-only"
    assert not window.actions_by_name["new"].isEnabled()
    monkeypatch.setattr(os, "access", real)
    writable = MainWindow(None, poll_ms=0, target=db)
    qtbot.addWidget(writable)
    assert writable.ro_label.text() == "Editable"
    assert writable.actions_by_name["new"].isEnabled()
    for w in (window, writable):
        w.close()


def test_the_toolbar_icons_are_read_from_qts_images_and_fall_back_to_the_style(qapp,
                                                                               monkeypatch):
    """The images are in this Qt (read, not drawn by the style); a Qt that moved them still
    gives every command the style's icon, never an empty one."""
    from PySide6.QtCore import QFile, QSize

    from ui import menus

    for stem, sizes in menus.STANDARD_IMAGES.values():
        assert all(QFile.exists(f"{menus.QT_IMAGES}{stem}-{n}.png") for n in sizes), stem
    monkeypatch.setattr(menus, "QT_IMAGES", ":/nowhere/")
    for name in menus.STANDARD_IMAGES:
        assert not menus.standard_icon(name).pixmap(QSize(16, 16)).isNull(), name
