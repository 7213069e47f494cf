"""Entry script PyInstaller freezes as ``bilateral-tracker`` (like the gui-script ``ui.app:main``).

Smoke-test mode, for the packaging test only: when ``BILATERAL_TRACKER_SMOKE_REPORT`` names a file,
the app starts normally; once its event loop has painted the main window, this script writes a
JSON report there (what a packaging mistake would break: the window, its icon, the desktop-file
name that must match the launcher, Qt's translations and the SVG plugins inside the bundle, the
version from the bundled package metadata) plus a PNG grab of the window beside it, and quits
with exit status 0. Without the variable nothing here changes the app.
"""

from __future__ import annotations

import os
import sys

SMOKE_ENV = "BILATERAL_TRACKER_SMOKE_REPORT"


def _smoke_report(path: str) -> dict:
    import PySide6
    from PySide6.QtCore import QCoreApplication, QLibraryInfo
    from PySide6.QtGui import QGuiApplication, QImageReader
    from PySide6.QtWidgets import QApplication, QMainWindow

    import tracker
    import ui

    windows = [w for w in QApplication.topLevelWidgets()
               if isinstance(w, QMainWindow) and w.isVisible()]
    translations = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    report = {
        "version": tracker.__version__,
        "frozen": bool(getattr(sys, "frozen", False)),
        "application_name": QGuiApplication.applicationName(),
        "desktop_file_name": QGuiApplication.desktopFileName(),
        "app_icon_null": QGuiApplication.windowIcon().isNull(),
        "main_windows": len(windows),
        "window_title": windows[0].windowTitle() if windows else None,
        "window_icon_null": windows[0].windowIcon().isNull() if windows else None,
        "menus": [a.text() for a in windows[0].menuBar().actions()] if windows else [],
        "module_files": {m.__name__: m.__file__ for m in (tracker, ui, PySide6)},
        "qt_translations_path": translations,
        "qtbase_ru": os.path.isfile(os.path.join(translations, "qtbase_ru.qm")),
        # a standard button's text: Qt's own translation at work (qtbase_<lang>.qm)
        "qt_cancel": QCoreApplication.translate("QPlatformTheme", "Cancel"),
        "image_formats": sorted(bytes(f).decode() for f in QImageReader.supportedImageFormats()),
    }
    if windows:
        grab = os.path.splitext(path)[0] + ".png"
        report["grab"] = grab if windows[0].grab().save(grab) else None
    return report


def _install_smoke_hook(path: str) -> None:
    """Quit with a report once the main window has been shown and painted."""
    import json

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    original_exec = QApplication.exec

    def finish() -> None:
        try:
            report = _smoke_report(path)
            status = 0 if report["main_windows"] else 3
        except Exception as exc:  # report it: the test shows this text
            report, status = {"error": repr(exc)}, 4
        with open(path, "w", encoding="utf-8") as fh:
            json.dump(report, fh, indent=2)
        QApplication.exit(status)

    def exec_with_smoke():
        # 1.5 s after the loop starts: the window is shown and has had its first paints.
        QTimer.singleShot(1500, finish)
        return original_exec()

    # QApplication.exec is static: app.exec() and QApplication.exec() both end up here
    QApplication.exec = staticmethod(exec_with_smoke)


def run() -> int:
    smoke = os.environ.get(SMOKE_ENV)
    if smoke:
        _install_smoke_hook(smoke)
    from ui.app import main

    return main()


if __name__ == "__main__":
    sys.exit(run())
