"""Before Qt is started: can a window be shown at all? (No Qt here: importing Qt's GUI module is
what fails when its system libraries are missing.)

Without a display, or with one of the X11 platform plugin's libraries missing, Qt aborts the
process (exit 134) with a message that names the wrong package. What this module can tell
beforehand it says in one line, naming the Debian/Ubuntu packages to install.

The libraries are the ones PySide6's X11 plugin and Qt's GUI modules link (``ldd
.../PySide6/Qt/plugins/platforms/libqxcb.so``), each with the Debian package that ships it.
Each is looked for the way Qt will load it: ``dlopen`` by its soname (``ctypes.CDLL``).

Test hook: ``TRACKER_TEST_MISSING_LIBRARIES`` (sonames, comma-separated) makes the check treat
those libraries as missing, so a test can show what a machine without them is told.
"""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Callable, Mapping

MISSING_HOOK = "TRACKER_TEST_MISSING_LIBRARIES"

#: what Qt's GUI modules need whatever the platform (offscreen too), soname -> Debian package
GUI_LIBRARIES: dict[str, str] = {
    "libglib-2.0.so.0": "libglib2.0-0",
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libdbus-1.so.3": "libdbus-1-3",
}

#: what the X11 platform plugin (libqxcb.so, libQt6XcbQpa.so.6) needs besides
XCB_LIBRARIES: dict[str, str] = {
    "libX11.so.6": "libx11-6",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libxcb.so.1": "libxcb1",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
}


def loadable(soname: str) -> bool:
    """The library can be loaded as Qt will load it (``dlopen`` by soname)."""
    try:
        ctypes.CDLL(soname)
    except OSError:
        return False
    return True


def platform_wanted(argv: list[str], env: Mapping[str, str]) -> str | None:
    """The Qt platform asked for (``-platform NAME`` or QT_QPA_PLATFORM), else None."""
    for i, arg in enumerate(argv):
        if arg == "-platform" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("-platform="):
            return arg.split("=", 1)[1]
    return env.get("QT_QPA_PLATFORM") or None


def missing_libraries(platform: str, env: Mapping[str, str],
                      load: Callable[[str], bool] = loadable) -> list[tuple[str, str]]:
    """(soname, package) of the libraries the platform needs that cannot be loaded."""
    hidden = {s.strip() for s in env.get(MISSING_HOOK, "").split(",") if s.strip()}
    wanted = dict(GUI_LIBRARIES)
    if platform.startswith("xcb"):
        wanted.update(XCB_LIBRARIES)
    return [(soname, package) for soname, package in wanted.items()
            if soname in hidden or not load(soname)]


def problem(argv: list[str], env: Mapping[str, str] | None = None,
            load: Callable[[str], bool] = loadable) -> str | None:
    """Why no window can be shown, in one line (translated), or None when nothing is known to
    stop it. Only Linux/BSD desktops are checked (Qt picks X11 or Wayland there)."""
    from tracker.i18n import gettext as _

    env = os.environ if env is None else env
    if not sys.platform.startswith(("linux", "freebsd", "openbsd")):
        return None
    platform = platform_wanted(argv, env)
    if platform is None:
        if env.get("WAYLAND_DISPLAY"):
            platform = "wayland"  # Qt tries Wayland, then X11: no guess at its libraries
        elif env.get("DISPLAY"):
            platform = "xcb"
        else:
            return _("No display to show the window on (neither DISPLAY nor WAYLAND_DISPLAY is "
                     "set): start it in a desktop session, or use bilateral-tracker-cli.")
    missing = missing_libraries(platform, env, load)
    if not missing:
        return None
    packages = sorted({package for _soname, package in missing})
    return _("The window cannot open: system libraries are missing ({libraries}); install "
             "them with: sudo apt install {packages}").format(
                 libraries=", ".join(soname for soname, _package in missing),
                 packages=" ".join(packages))
