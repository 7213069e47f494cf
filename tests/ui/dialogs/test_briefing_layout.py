"""The Briefing dialog's layout as a user sees it: nothing in the options overlaps (Russian hints
wrap to more lines), and at 150 % on a 1920x1080 screen the dialog fits the screen, its Export
and Close buttons in view."""

from __future__ import annotations

import subprocess
import textwrap

import pytest
from PySide6.QtWidgets import QApplication, QGroupBox, QWidget
from scaled_screen import run_at_150_percent

from ui.dialogs.briefing import BriefingDialog

pytestmark = pytest.mark.gui


def overlaps(panel: QWidget) -> list[str]:
    """Pairs of visible widgets side by side in one group of the options that cover each other
    (a wrapped hint drawn over the section tree)."""
    out = []
    for group in panel.findChildren(QGroupBox):
        shown = [w for w in group.findChildren(QWidget) if w.parentWidget() is group
                 and w.isVisible() and not w.geometry().isEmpty()]
        for i, first in enumerate(shown):
            for second in shown[i + 1:]:
                if first.geometry().intersects(second.geometry()):
                    out.append(f"{group.title()}: {type(first).__name__} "
                               f"{first.geometry()} over {type(second).__name__} "
                               f"{second.geometry()}")
    return out


# the dialog's own size, and the window a 1920x1080 screen at 150 % leaves (1280x720 logical)
@pytest.mark.parametrize("size", [(1280, 760), (1272, 680)])
def test_nothing_in_the_options_covers_anything_else(qtbot, repo, language, size):
    dialog = BriefingDialog(repo)
    qtbot.addWidget(dialog)
    dialog.resize(*size)
    dialog.show()
    qtbot.waitExposed(dialog)
    for _i in range(5):
        QApplication.processEvents()
    assert not overlaps(dialog.panel)


SCALED = textwrap.dedent("""
    import sys
    from PySide6.QtWidgets import QApplication
    from tracker import i18n
    from tracker.session import open_session
    from ui.dialogs.briefing import BriefingDialog

    app = QApplication(sys.argv)
    i18n.set_language("ru")
    dialog = BriefingDialog(open_session(sys.argv[1], seed=True, user="official"))
    dialog.show()
    for _i in range(20):
        app.processEvents()
    area = app.primaryScreen().availableGeometry()
    print("scale", app.primaryScreen().devicePixelRatio())
    print("dialog", area.contains(dialog.frameGeometry()), dialog.frameGeometry(), area)
    close = dialog.close_button
    print("close", area.contains(close.mapToGlobal(close.rect().bottomRight())))
    dialog.preview.close()
""")


def test_at_150_percent_the_dialog_fits_the_screen(tmp_path):
    result = run_at_150_percent(tmp_path, SCALED, str(tmp_path / "t.db"))
    assert result.returncode == 0, result.stderr[-2000:]
    lines = result.stdout.splitlines()
    assert "scale 1.5" in lines
    assert lines[1].startswith("dialog True"), lines[1]
    assert "close True" in lines


RESIZED = textwrap.dedent("""
    import sys, time
    from PySide6.QtWidgets import QApplication
    from tracker.session import open_session
    from ui.dialogs.briefing import BriefingDialog

    app = QApplication(sys.argv)
    dialog = BriefingDialog(open_session(sys.argv[1], seed=True, user="official"))
    dialog.show()
    end = time.monotonic() + 60
    while time.monotonic() < end and not (dialog.pdf_view.document() is not None
                                          and dialog.pdf_view.document().pageCount()):
        app.processEvents()
        time.sleep(0.01)
    print("pages", dialog.pdf_view.document().pageCount(), flush=True)
    for height in range(560, 720):
        dialog.resize(dialog.width(), height)
        for _i in range(3):
            app.processEvents()
    print("resized", flush=True)
    dialog.preview.close()
""")


@pytest.mark.slow
def test_the_preview_settles_at_every_height_of_the_dialog_at_150_percent(tmp_path):
    """At some heights the page fitted to the preview's width needed the scroll bar only until
    the bar narrowed it: Qt spun (100 % CPU, the dialog frozen) at 150 %, in the dialog's size
    fitted to a 1920x1080 screen."""
    try:
        result = run_at_150_percent(tmp_path, RESIZED, str(tmp_path / "t.db"), timeout=90)
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"the dialog did not settle: {exc.stdout!r}")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "pages 1" in result.stdout and "resized" in result.stdout
