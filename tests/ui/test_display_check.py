"""Issue 18, set-up: with no usable display, or a library of Qt's X11 plugin missing, the app says
in one line what is missing (the Debian packages to install) instead of Qt aborting (exit 134)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from ui import display_check


def start(tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items()
            if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    base.update(HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path / "config"),
                XDG_DATA_HOME=str(tmp_path / "data"), LANGUAGE="en", LANG="C.UTF-8", **env)
    return subprocess.run([sys.executable, "-m", "ui", "--db", str(tmp_path / "t.db")],
                          capture_output=True, text=True, env=base, timeout=60)


def test_a_missing_xcb_library_is_named_with_its_package_in_one_line(tmp_path):
    # the display exists in name only: Qt, had it started, would abort on it (134)
    out = start(tmp_path, DISPLAY=":97",
                TRACKER_TEST_MISSING_LIBRARIES="libxcb-icccm.so.4,libxcb-keysyms.so.1")
    assert out.returncode == 2, (out.returncode, out.stderr)
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    assert "sudo apt install libxcb-icccm4 libxcb-keysyms1" in lines[0]
    assert "libxcb-cursor0" not in lines[0]  # what is present is not named
    assert not (tmp_path / "t.db").exists()  # nothing made before the window could open


def test_no_display_at_all_says_so_instead_of_aborting(tmp_path):
    out = start(tmp_path)
    assert out.returncode == 2, (out.returncode, out.stderr)
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "DISPLAY" in lines[0] and "bilateral-tracker-cli" in lines[0]


def test_the_line_speaks_the_chosen_language(tmp_path):
    out = start(tmp_path, DISPLAY=":97", TRACKER_TEST_MISSING_LIBRARIES="libxcb-icccm.so.4")
    assert out.returncode == 2
    ru = subprocess.run(
        [sys.executable, "-m", "ui", "--language", "ru", "--db", str(tmp_path / "t.db")],
        capture_output=True, text=True, timeout=60,
        env={**os.environ, "HOME": str(tmp_path), "DISPLAY": ":97", "QT_QPA_PLATFORM": "",
             "TRACKER_TEST_MISSING_LIBRARIES": "libxcb-icccm.so.4"})
    assert ru.returncode == 2, ru.stderr
    assert "libxcb-icccm4" in ru.stderr and "библиотек" in ru.stderr


def test_this_machine_with_its_libraries_is_not_refused():
    # every library the plugin links is installed here (the tests' own system): no false alarm
    assert display_check.problem([], {"DISPLAY": ":0"}) is None
    assert display_check.problem([], {"WAYLAND_DISPLAY": "wayland-0"}) is None


def test_offscreen_and_other_platforms_need_no_display():
    assert display_check.problem([], {"QT_QPA_PLATFORM": "offscreen"}) is None
    assert display_check.problem(["-platform", "offscreen"], {}) is None


def test_the_check_asks_the_loader_for_each_library_of_the_xcb_plugin():
    gone = {"libxcb-icccm.so.4", "libGL.so.1"}
    missing = display_check.missing_libraries("xcb", {}, load=lambda so: so not in gone)
    assert sorted(missing) == [("libGL.so.1", "libgl1"), ("libxcb-icccm.so.4", "libxcb-icccm4")]
    # Wayland's session does not need the X11 plugin's libraries
    assert display_check.missing_libraries("wayland", {}, load=lambda so: so not in gone) == [
        ("libGL.so.1", "libgl1")]
