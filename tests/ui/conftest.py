"""GUI test fixtures: settings isolated per test, no real dialog ever blocks, a main window."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6.QtWidgets")

from PySide6.QtCore import QCoreApplication, QSettings  # noqa: E402
from PySide6.QtWidgets import QMessageBox  # noqa: E402


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path, qapp):
    """QSettings go to an INI file under tmp_path, never the user's configuration."""
    QCoreApplication.setOrganizationName("BilateralTracker")
    QCoreApplication.setApplicationName("bilateral-tracker-tests")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    folder = tmp_path / "qsettings"
    folder.mkdir()
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    QSettings().clear()
    yield folder
    QSettings().clear()


class DialogRecorder:
    """Stands in for QMessageBox's static functions: records each call and answers with
    ``answers`` (a list consumed in order) or fails the test when nothing was expected."""

    def __init__(self):
        self.calls: list[tuple[str, str, str]] = []
        self.answers: list = []
        self.default = None  # answer given when ``answers`` is empty (None: fail the test)

    def make(self, kind: str):
        def box(parent, title, text, *args, **kwargs):
            self.calls.append((kind, title, text))
            if not self.answers:
                if self.default is not None:
                    return self.default
                raise AssertionError(f"unexpected {kind} dialog: {title}: {text}")
            return self.answers.pop(0)
        return box

    def texts(self) -> list[str]:
        return [text for _k, _t, text in self.calls]


@pytest.fixture(autouse=True)
def dialogs(monkeypatch):
    """No test may hang on a modal message box: every one is recorded and answered."""
    from ui import messages

    recorder = DialogRecorder()
    for kind in ("question", "warning", "critical", "information"):
        monkeypatch.setattr(QMessageBox, kind, staticmethod(recorder.make(kind)))
        monkeypatch.setattr(messages, kind, recorder.make(kind))  # what the GUI calls
    monkeypatch.setattr(QMessageBox, "about", staticmethod(
        lambda parent, title, text: recorder.calls.append(("about", title, text))))
    # The GUI's file dialogs (ui.messages) go to QFileDialog's static functions here, which the
    # tests answer (monkeypatch.setattr(QFileDialog, "getSaveFileName", ...)).
    from PySide6.QtWidgets import QFileDialog

    def save_file_name(*args):  # looked up when called: a test may have answered it since
        return QFileDialog.getSaveFileName(*args)

    def open_file_name(*args):
        return QFileDialog.getOpenFileName(*args)

    monkeypatch.setattr(messages, "get_save_file_name", save_file_name)
    monkeypatch.setattr(messages, "get_open_file_name", open_file_name)
    return recorder


@pytest.fixture
def make_window(qtbot, _isolated_settings):
    """Build main windows on a repository; closed (with forms reverted) at teardown."""
    from ui.main_window import MainWindow
    from ui.pages.record_page import RecordPage

    windows = []

    def make(repo, size=(1280, 800)):
        window = MainWindow(repo, poll_ms=0)
        window.original_repo = repo
        if size is not None:
            window.resize(*size)
        window.show()
        qtbot.waitExposed(window)
        qtbot.waitUntil(lambda: window.painted)  # the start page is built after the first frame
        windows.append(window)
        return window

    yield make
    for window in windows:  # closed here, not by qtbot: a test may leave an unsaved edit
        for page in list(window.pages.values()):
            if isinstance(page, RecordPage) and page.form.is_dirty():
                page.form.set_dirty(False)  # closing must not ask (the repository may be shut)
        opened_here = window.repo
        window.close()
        window.deleteLater()
        if opened_here is not window.original_repo:  # the window opened another file
            opened_here.close()


@pytest.fixture
def main_window(make_window, repo):
    return make_window(repo)
