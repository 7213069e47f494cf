"""The real desktop app, started as a desk starts it (``ui.app.main``, ``--db URL``), driven by a
test in another process: one JSON command a line on stdin, one JSON event a line on stdout.

Not a test module: tests/system/test_two_desks.py runs it as ``python tests/system/desk_app.py
--db postgresql://...``. The app runs as it ships (its own settings, polling timer, listener,
message boxes); this script only adds a reader of stdin once the window is up, and does what a
user does (selects a record, types into the form, presses Save, answers the box it shows).

Commands: ``{"do": "expect", "title": T}`` says ``seen`` (with the wall-clock time) once the
Road-map page lists a record titled T, as the app refreshes by itself; ``{"do": "type", "id": N,
"title": T}`` types T over record N's title without saving; ``{"do": "save"}`` presses Save and
says ``saved`` or ``refused`` (with the text of the box it showed, answered No); ``{"do": "quit"}``
closes the window.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

EXPECT_TIMEOUT_S = 5.0


def say(event: str, **data) -> None:
    print(json.dumps({"event": event, **data}, ensure_ascii=False), flush=True)


class Driver:
    def __init__(self, window):
        from PySide6.QtCore import QSocketNotifier

        self.window = window
        self.buffer = b""
        self.notifier = QSocketNotifier(sys.stdin.fileno(), QSocketNotifier.Type.Read, window)
        self.notifier.activated.connect(self.read)

    @property
    def page(self):
        return self.window.pages["roadmap"]

    def titles(self) -> list[str]:
        model = self.page.model
        return [model.data(model.index(row, model.column_of("title")))
                for row in range(model.rowCount())]

    def read(self, *_args) -> None:
        chunk = os.read(sys.stdin.fileno(), 65536)
        if not chunk:
            self.notifier.setEnabled(False)
            return
        self.buffer += chunk
        while b"\n" in self.buffer:
            line, self.buffer = self.buffer.split(b"\n", 1)
            command = json.loads(line)
            getattr(self, "do_" + command.pop("do"))(**command)

    def do_expect(self, title: str) -> None:
        from PySide6.QtCore import QTimer

        deadline = time.monotonic() + EXPECT_TIMEOUT_S
        timer = QTimer(self.window)

        def look() -> None:  # the driver looks; the app must have refreshed by itself
            if title in self.titles():
                timer.stop()
                say("seen", at=time.time())
            elif time.monotonic() > deadline:
                timer.stop()
                say("not_seen", titles=self.titles())

        timer.timeout.connect(look)
        timer.start(5)
        say("watching")

    def do_type(self, id: int, title: str) -> None:  # noqa: A002 - the command's field
        from PySide6.QtTest import QTest

        assert self.window.go_to("roadmap") and self.page.select_record(id)
        edit = self.page.form.editors["title"].edit
        edit.setFocus()
        edit.selectAll()
        QTest.keyClicks(edit, title)
        say("typed", dirty=self.page.form.is_dirty())

    def do_save(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        boxes: list[str] = []
        watcher = answer_boxes(self.window, boxes, QMessageBox.StandardButton.No)
        change = self.window.save_record()
        watcher.stop()
        form = self.page.form
        say("saved" if change is not None else "refused",
            version=change.record["version"] if change is not None else None, boxes=boxes,
            form_title=form.editors["title"].edit.text(), dirty=form.is_dirty())

    def do_quit(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        boxes: list[str] = []  # an unsaved edit: the app asks; the user lets it go
        answer_boxes(self.window, boxes, QMessageBox.StandardButton.Discard)
        say("closing")
        self.window.close()


def answer_boxes(parent, boxes: list[str], button):
    """A timer that answers each message box the app shows with ``button`` (else closes it),
    keeping the box's text in ``boxes``: what a user reads, then clicks."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            boxes.append(box.text())
            if box.button(button) is not None:
                box.button(button).click()
            else:
                box.reject()

    watcher = QTimer(parent)
    watcher.timeout.connect(answer)
    watcher.start(20)
    return watcher


def start_driver() -> None:
    """Once the app's window is up and painted: say ``ready`` and read commands."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from ui.main_window import MainWindow

    def when_up() -> None:
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
        if not windows or not windows[0].painted or windows[0].link is None:
            QTimer.singleShot(20, when_up)
            return
        window = windows[0]
        window.driver = Driver(window)
        window.go_to("roadmap")
        say("ready", title=window.windowTitle(), status=window.path_label.text(),
            polling=window.poll_timer.isActive())

    QTimer.singleShot(0, when_up)


def main() -> int:
    from PySide6.QtWidgets import QApplication

    from ui.app import main as app_main

    original_exec = QApplication.exec

    def exec_with_driver():
        start_driver()
        return original_exec()

    QApplication.exec = staticmethod(exec_with_driver)
    return app_main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
