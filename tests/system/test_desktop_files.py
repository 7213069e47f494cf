"""The Linux launcher and AppStream metadata: valid, consistent with each other and with the app.

A desktop shows the launcher's icon and groups the running window under it only when the ids,
the icon name and the window class agree; software centres refuse metadata that does not validate.
"""

from __future__ import annotations

import configparser
import shutil
import subprocess
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PIL import Image

import tracker

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"
ICONS = ROOT / "resources" / "icons"
APP_ID = "org.bilateraltracker.BilateralTracker"
DESKTOP = PACKAGING / f"{APP_ID}.desktop"
METAINFO = PACKAGING / f"{APP_ID}.metainfo.xml"
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
RAW_PREFIX = "https://raw.githubusercontent.com/bilateral-tracker/bilateral-tracker/main/"


def _desktop_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # keys are case-sensitive
    parser.read(DESKTOP, encoding="utf-8")
    return parser["Desktop Entry"]


def _metainfo() -> ET.Element:
    return ET.parse(METAINFO).getroot()


def _run_tool(*cmd: str) -> subprocess.CompletedProcess:
    if not shutil.which(cmd[0]):
        pytest.skip(f"{cmd[0]} is not installed (CI installs it)")
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


def test_desktop_file_validates():
    result = _run_tool("desktop-file-validate", str(DESKTOP))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "", result.stdout  # no warnings or hints either


def test_metainfo_validates_strictly():
    result = _run_tool("appstreamcli", "validate", "--no-net", "--strict", str(METAINFO))
    assert result.returncode == 0, result.stdout + result.stderr


def test_launcher_matches_the_app_identity():
    """Icon, window class and metadata ids line up with what the GUI sets on QApplication."""
    entry = _desktop_entry()
    assert entry["Type"] == "Application"
    assert entry["Exec"].split()[0] == "bilateral-tracker"  # the gui-script / bundled executable
    assert entry["Icon"] == APP_ID
    # Qt's X11 window class is QApplication.applicationName(), set to "bilateral-tracker"; on
    # Wayland the app id is the desktop file name, set to APP_ID.
    assert entry["StartupWMClass"] == "bilateral-tracker"
    assert entry["Categories"].split(";")[:2] == ["Office", "Qt"]
    assert entry["Terminal"] == "false"

    root = _metainfo()
    assert root.get("type") == "desktop-application"
    assert root.findtext("id") == APP_ID
    launchable = root.find("launchable")
    assert launchable.get("type") == "desktop-id" and launchable.text == DESKTOP.name
    assert root.findtext("metadata_license") == "CC0-1.0"
    assert root.findtext("project_license") == "MIT"
    binaries = {b.text for b in root.iter("binary")}
    assert binaries == {"bilateral-tracker", "bilateral-tracker-cli"}


def test_metainfo_release_is_the_package_version():
    """One version number: package metadata = pyproject = the newest AppStream release."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert tracker.__version__ == pyproject["project"]["version"], (
        "installed metadata is stale: pip install -e . again")
    releases = _metainfo().find("releases").findall("release")
    assert releases, "no <release> entries"
    assert releases[0].get("version") == tracker.__version__, (
        f"newest AppStream release is {releases[0].get('version')}, the package is "
        f"{tracker.__version__}: add a <release> entry at the top of {METAINFO.name}")


def test_metainfo_screenshots_exist_in_the_repository():
    """Every screenshot URL points at a file the repository actually holds."""
    shots = _metainfo().find("screenshots").findall("screenshot")
    assert shots
    assert sum(1 for s in shots if s.get("type") == "default") == 1
    for shot in shots:
        url = shot.findtext("image")
        assert url.startswith(RAW_PREFIX), url
        path = ROOT / url.removeprefix(RAW_PREFIX)
        assert path.is_file(), f"{url}: {path.relative_to(ROOT)} is not in the repository"
        with Image.open(path) as image:
            assert image.width >= 620 and image.height >= 350, f"{path.name} is too small"
        assert (shot.findtext("caption") or "").strip(), f"{url}: no caption"


def test_icon_files_are_square_pngs_of_every_size():
    for size in ICON_SIZES:
        path = ICONS / f"bilateral-tracker-{size}.png"
        with Image.open(path) as image:
            assert image.format == "PNG"
            assert image.size == (size, size), path.name
            assert image.mode == "RGBA", f"{path.name}: needs a transparent background"
            # the corners are transparent (rounded tile), the centre is not
            assert image.getpixel((0, 0))[3] == 0, path.name
            assert image.getpixel((size // 2, size // 2))[3] == 255, path.name
    with Image.open(ICONS / "bilateral-tracker.ico") as ico:
        assert {(s, s) for s in (16, 32, 48, 256)} <= set(ico.info["sizes"])
    svg = ET.parse(ICONS / "bilateral-tracker.svg").getroot()
    assert svg.get("viewBox") == "0 0 256 256"
