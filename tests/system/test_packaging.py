"""The standalone build: packaging/build.sh makes a folder that runs without Python.

Builds the bundle once into a temporary folder (about a minute on 2 cores), then runs the bundled
GUI offscreen and the bundled CLI with an environment that has no virtualenv, Python path or
source checkout in it, as on an official's machine.
"""

from __future__ import annotations

import configparser
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

import tracker
from tracker.seed.article import RECORDS

SEEDED = len(RECORDS) + 1  # the article's records and the article itself

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
APP_ID = "org.bilateraltracker.BilateralTracker"
# What a bundle of the GUI and CLI may weigh (188 MB measured with PySide6 6.11.2). A stray
# import of WebEngine, QML or every babel locale pushes it far past this.
MAX_BUNDLE_MB = 260  # 233 MiB with python-docx, lxml and psycopg (the server driver)


def _startup_wm_class() -> str:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str
    parser.read(ROOT / "packaging" / f"{APP_ID}.desktop", encoding="utf-8")
    return parser["Desktop Entry"]["StartupWMClass"]


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        pytest.fail("PyInstaller is not installed: pip install -e '.[build]'")
    out = tmp_path_factory.mktemp("pyinstaller")
    start = time.monotonic()
    result = subprocess.run(
        ["bash", str(ROOT / "packaging" / "build.sh"), "--no-archive", str(out / "dist"),
         str(out / "work")],
        cwd=ROOT, capture_output=True, text=True, timeout=900,
        env={**os.environ, "PYTHON": sys.executable})
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    app = out / "dist" / "bilateral-tracker"
    print(f"\nbuilt {app} in {time.monotonic() - start:.0f} s; {result.stdout.strip()}")
    return app


def _clean_env(home: Path, **extra: str) -> dict:
    """What a desktop session gives the app: no virtualenv, no PYTHONPATH, no checkout."""
    env = {"HOME": str(home), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "LANGUAGE": "en",
           "QT_QPA_PLATFORM": "offscreen", "XDG_DATA_HOME": str(home / "data"),
           "XDG_CONFIG_HOME": str(home / "config")}
    env.update(extra)
    return env


def _run(cmd: list, cwd: Path, env: dict, timeout: int = 120) -> subprocess.CompletedProcess:
    return subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=timeout)


def _smoke_gui(bundle: Path, tmp_path: Path, *args: str) -> tuple[dict, Path]:
    home = tmp_path / "home"
    home.mkdir()
    db = tmp_path / "tmp.db"
    report = tmp_path / "smoke.json"
    env = _clean_env(home, BILATERAL_TRACKER_SMOKE_REPORT=str(report))
    result = _run([bundle / "bilateral-tracker", "--db", db, *args], cwd=tmp_path, env=env)
    assert report.exists(), f"exit {result.returncode}\n{result.stdout}\n{result.stderr}"
    data = json.loads(report.read_text(encoding="utf-8"))
    assert result.returncode == 0, f"{data}\n{result.stderr}"
    # a plugin or module missing from the bundle shows up here even when the window comes up
    for marker in ("Traceback", "Cannot load library", "Could not load", "No module named"):
        assert marker not in result.stderr, result.stderr
    return data, db


def test_bundle_holds_both_programs_and_not_the_unused_qt(bundle):
    assert os.access(bundle / "bilateral-tracker", os.X_OK)
    assert os.access(bundle / "bilateral-tracker-cli", os.X_OK)
    internal = bundle / "_internal"
    for data in ("resources/article.txt", "resources/fonts/DejaVuSans.ttf",
                 "resources/icons/bilateral-tracker.svg", "tracker/store/sqlite/schema_0001.sql",
                 "PySide6/Qt/translations/qtbase_ru.qm"):
        assert (internal / data).is_file(), data
    for po in (ROOT / "resources" / "translations").glob("*/LC_MESSAGES/tracker.po"):
        lang = po.parent.parent.name
        assert (internal / "resources" / "translations" / lang / "LC_MESSAGES" /
                "tracker.mo").is_file(), f"{lang} catalogue not compiled into the bundle"
    names = {p.name for p in internal.rglob("*")}
    for unwanted in ("libQt6WebEngineCore.so.6", "libQt6Qml.so.6", "libQt6Quick.so.6",
                     "libQt6Multimedia.so.6", "libQt63DCore.so.6"):
        assert unwanted not in names, f"{unwanted} should not be bundled"
    size = sum(p.lstat().st_size for p in bundle.rglob("*")
               if p.is_file() and not p.is_symlink()) / 2**20
    print(f"bundle size {size:.0f} MiB")
    assert size < MAX_BUNDLE_MB, f"the bundle grew to {size:.0f} MiB"


def test_bundled_gui_comes_up_on_a_new_database(bundle, tmp_path):
    data, db = _smoke_gui(bundle, tmp_path)
    assert data["frozen"] is True
    assert data["version"] == tracker.__version__
    for name, path in data["module_files"].items():  # nothing loaded from the checkout or venv
        assert Path(path).is_relative_to(bundle), f"{name} came from {path}"
    assert data["main_windows"] == 1
    assert "tmp.db" in data["window_title"]
    # the desktop groups the window under the launcher, with the launcher's icon
    assert data["application_name"] == _startup_wm_class()
    assert data["desktop_file_name"] == APP_ID
    assert data["window_icon_null"] is False and data["app_icon_null"] is False
    assert "svg" in data["image_formats"]
    assert data["qtbase_ru"] is True
    # the first paint really happened: the grab is a full window with varied content
    from PIL import Image

    with Image.open(data["grab"]) as grab:
        # (the offscreen screen is 800x800: the window is fitted inside it, frame included)
        assert grab.width >= 760 and grab.height >= 500
        assert len(grab.convert("RGB").getcolors(maxcolors=1 << 20) or []) > 50
    # the database was created and seeded from the article
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        assert conn.execute("SELECT count(*) FROM roadmap").fetchone()[0] > 0
        assert conn.execute("SELECT count(*) FROM agreements").fetchone()[0] > 0


def test_bundled_gui_speaks_russian(bundle, tmp_path):
    """The compiled catalogue and Qt's own qtbase_ru are inside the bundle and in use."""
    data, _db = _smoke_gui(bundle, tmp_path, "--language", "ru")
    menus = " ".join(data["menus"])
    assert any("а" <= ch <= "я" for ch in menus.lower()), data["menus"]
    assert data["qt_cancel"] == "Отмена"


def test_bundled_cli_prints_a_briefing(bundle, tmp_path):
    from pypdf import PdfReader

    home = tmp_path / "home"
    home.mkdir()
    env = _clean_env(home)
    cli = bundle / "bilateral-tracker-cli"
    version = _run([cli, "--version"], cwd=tmp_path, env=env)
    assert version.returncode == 0, version.stderr
    assert version.stdout.split()[-1] == tracker.__version__

    db = tmp_path / "tmp.db"
    result = _run([cli, "--db", db, "briefing", "-o", tmp_path / "x.pdf"], cwd=tmp_path, env=env,
                  timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    pdf = tmp_path / "x.pdf"
    assert pdf.read_bytes()[:5] == b"%PDF-"
    reader = PdfReader(pdf)
    assert len(reader.pages) >= 2
    # the one version number, read from the package metadata inside the bundle
    assert reader.metadata.creator == f"Bilateral Tracker {tracker.__version__}"
    text = reader.pages[0].extract_text()
    assert "Kazakhstan" in text, text[:500]

    ru = _run([cli, "--db", db, "--language", "ru", "briefing", "-o", tmp_path / "ru.pdf"],
              cwd=tmp_path, env=env, timeout=300)
    assert ru.returncode == 0, ru.stdout + ru.stderr
    ru_text = "".join(p.extract_text() for p in PdfReader(tmp_path / "ru.pdf").pages[:3])
    # the bundled catalogue at work ("Page X of Y" in Russian is required by the i18n issue)
    assert "Страница 1 из" in ru_text, ru_text[:500]


def test_bundled_cli_writes_a_word_briefing(bundle, tmp_path):
    """python-docx reads its header and footer templates from files beside its modules."""
    from docx import Document

    home = tmp_path / "home"
    home.mkdir()
    env = _clean_env(home)
    cli = bundle / "bilateral-tracker-cli"
    db, out = tmp_path / "tmp.db", tmp_path / "briefing.docx"
    result = _run([cli, "--db", db, "briefing", "-o", out], cwd=tmp_path, env=env, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    document = Document(str(out))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Kazakhstan" in text, text[:500]
    header = "\n".join(p.text for p in document.sections[0].header.paragraphs)
    assert header.splitlines()[0] == "PUBLIC", header  # the marking, top of every page


def test_bundled_cli_imports_json_and_csv_exports(bundle, tmp_path):
    """The streaming JSON parser's compiled backend (ijson, picked by name at run time) and the
    CSV reading are in the bundle."""
    home = tmp_path / "home"
    home.mkdir()
    env = _clean_env(home)
    cli = bundle / "bilateral-tracker-cli"
    db, fresh = tmp_path / "seeded.db", tmp_path / "fresh.db"
    for args in (["--db", db, "init"], ["--db", db, "export", "-o", tmp_path / "all.json"],
                 ["--db", db, "export", "-o", tmp_path / "all.zip"],
                 ["--db", fresh, "init", "--empty"]):
        result = _run([cli, *args], cwd=tmp_path, env=env)
        assert result.returncode == 0, result.stdout + result.stderr
    for name, created in (("all.json", "created"), ("all.zip", "unchanged")):
        result = _run([cli, "--db", fresh, "import", tmp_path / name], cwd=tmp_path, env=env)
        assert result.returncode == 0, result.stdout + result.stderr
        assert f"{SEEDED} {created}" in result.stdout, result.stdout


def test_bundled_programs_open_a_shared_database_on_a_server(bundle, tmp_path, pg_cluster):
    """The server's driver is in the bundle, with its compiled implementation and the libpq it
    brings (a desk on Windows or macOS has no libpq), and the server's schema files: the CLI
    sets a database up, grants a login its clearance, and the login lists its records."""
    internal = bundle / "_internal"
    assert (internal / "tracker/store/postgres/schema_0001.sql").is_file()
    assert list((internal / "psycopg_binary").glob("_psycopg*"))
    assert list((internal / "psycopg_binary.libs").glob("libpq*"))
    home = tmp_path / "home"
    home.mkdir()
    env = _clean_env(home, PSYCOPG_IMPL="binary")  # the bundled one, never a system libpq
    cli = bundle / "bilateral-tracker-cli"
    name = f"bundle_{os.getpid()}"
    pg_cluster.admin().execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    pg_cluster.admin().execute(f"CREATE DATABASE {name}")
    try:
        for args in (["init"], ["grant", "desk_dan", "--clearance", "internal"]):
            done = _run([cli, "--db", pg_cluster.url(name, "postgres"), *args], cwd=tmp_path,
                        env=env)
            assert done.returncode == 0, done.stdout + done.stderr
        listed = _run([cli, "--db", pg_cluster.url(name, "desk_dan"), "list", "roadmap",
                       "--json"], cwd=tmp_path, env=env)
        assert listed.returncode == 0, listed.stderr
        assert len(json.loads(listed.stdout)) == 5
        assert list(tmp_path.iterdir()) == [home]  # the address made no file
        # the GUI's own archive has the driver too: it opens the server and comes up
        report = tmp_path / "smoke.json"
        gui = _run([bundle / "bilateral-tracker", "--db", pg_cluster.url(name, "desk_dan")],
                   cwd=tmp_path, env={**env, "BILATERAL_TRACKER_SMOKE_REPORT": str(report)})
        assert gui.returncode == 0 and report.exists(), gui.stdout + gui.stderr
        assert "Traceback" not in gui.stderr and "No module named" not in gui.stderr
        assert "desk_dan@" in json.loads(report.read_text(encoding="utf-8"))["window_title"]
    finally:
        pg_cluster.drop_database(name)


def test_bundled_cli_writes_a_calendar(bundle, tmp_path):
    """icalendar (the deadlines as an .ics file) is in the bundle and works from it."""
    from icalendar import Calendar

    home = tmp_path / "home"
    home.mkdir()
    env = _clean_env(home)
    cli = bundle / "bilateral-tracker-cli"
    db, out = tmp_path / "cal.db", tmp_path / "deadlines.ics"
    for args in (["--db", db, "init"],
                 ["--db", db, "add", "roadmap", "title=Joint lab", "due_date=2030-05-01"],
                 ["--db", db, "calendar", "-o", out]):
        result = _run([cli, *args], cwd=tmp_path, env=env)
        assert result.returncode == 0, result.stdout + result.stderr
    found = [str(e["summary"]) for e in Calendar.from_ical(out.read_bytes()).walk("VEVENT")]
    assert found == ["Due: Joint lab"]


def test_bundled_cli_reads_the_text_of_attached_pdf_and_word_files(bundle, tmp_path):
    """pypdf (PDF text) and the extraction worker (the CLI program run with --extract-worker)
    are in the bundle: an attached PDF's and Word file's words are found, with file and page."""
    from attachment_files import docx, pdf

    home = tmp_path / "home"
    home.mkdir()
    env = _clean_env(home)
    cli = bundle / "bilateral-tracker-cli"
    db = tmp_path / "desk.db"
    signed = pdf(tmp_path / "signed.pdf", ["Preamble", "The Zhetysu corridor opens"])
    minutes = docx(tmp_path / "minutes.docx", ["Opening", "Протокол о Капшагайском заводе"])
    for args in (["init"], ["attach", "agreements", "1", signed],
                 ["attach", "plants", "1", minutes]):
        result = _run([cli, "--db", db, *args], cwd=tmp_path, env=env)
        assert result.returncode == 0, result.stdout + result.stderr
    assert "2 pages" in result.stdout and "searchable" in result.stdout, result.stdout
    for words, where in (("zhetysu", ("agreements", "signed.pdf", 2)),
                         ("капшагайском", ("plants", "minutes.docx", 2))):
        result = _run([cli, "--db", db, "search", words, "--json"], cwd=tmp_path, env=env)
        assert result.returncode == 0, result.stdout + result.stderr
        assert [(h["kind"], h["file"], h["page"]) for h in json.loads(result.stdout)] == [where]


def test_install_script_lays_out_a_valid_desktop_install(bundle, tmp_path):
    # build.sh puts install.sh and share/ in the folder; install from a copy as IT would
    shipped = tmp_path / "shipped" / "bilateral-tracker"
    shutil.copytree(bundle, shipped, symlinks=True)
    prefix = tmp_path / "prefix"
    home = tmp_path / "home"
    home.mkdir()
    env = _clean_env(home)
    result = _run(["bash", shipped / "install.sh", "--prefix", prefix], cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stdout + result.stderr

    desktop = prefix / "share" / "applications" / f"{APP_ID}.desktop"
    exec_line = next(line for line in desktop.read_text(encoding="utf-8").splitlines()
                     if line.startswith("Exec="))
    assert Path(exec_line.removeprefix("Exec=").split()[0]) == (
        prefix / "lib" / "bilateral-tracker" / "bilateral-tracker")
    for size in (16, 48, 256, 512):
        assert (prefix / f"share/icons/hicolor/{size}x{size}/apps/{APP_ID}.png").is_file()
    assert (prefix / f"share/icons/hicolor/scalable/apps/{APP_ID}.svg").is_file()
    if shutil.which("appstreamcli"):
        tree = _run(["appstreamcli", "validate-tree", "--no-net", prefix], cwd=tmp_path,
                    env={**env, "PATH": os.environ["PATH"]})
        assert tree.returncode == 0, tree.stdout + tree.stderr
    if shutil.which("desktop-file-validate"):
        check = _run(["desktop-file-validate", desktop], cwd=tmp_path,
                     env={**env, "PATH": os.environ["PATH"]})
        assert check.returncode == 0 and not check.stdout.strip(), check.stdout

    # the installed commands run through their symlinks, with the unpacked folder gone
    unpacked = shipped.rename(tmp_path / "unpacked")
    version = _run([prefix / "bin" / "bilateral-tracker-cli", "--version"], cwd=tmp_path, env=env)
    assert version.returncode == 0, version.stderr
    assert version.stdout.split()[-1] == tracker.__version__

    removed = _run(["bash", unpacked / "install.sh", "--prefix", prefix, "--uninstall"],
                   cwd=tmp_path, env=env)
    assert removed.returncode == 0, removed.stdout + removed.stderr
    assert not (prefix / "lib" / "bilateral-tracker").exists()
    assert not (prefix / "bin" / "bilateral-tracker").is_symlink()
    assert not desktop.exists()
    assert not list((prefix / "share" / "icons").rglob(f"{APP_ID}.*"))


def test_bundled_cli_searches_word_forms_and_other_alphabets(bundle, tmp_path):
    """PyStemmer (Snowball's compiled stemmers, imported on the first search) is in the bundle:
    'exhibitions' finds the seeded 'exhibition' by its stem, 'Лукашенко' the Latin name."""
    home = tmp_path / "home"
    home.mkdir()
    env = _clean_env(home)
    cli = bundle / "bilateral-tracker-cli"
    db = tmp_path / "seeded.db"
    assert _run([cli, "--db", db, "init"], cwd=tmp_path, env=env).returncode == 0
    from tracker.store.repository import Repository

    for word, title in (("exhibitions", "Materials for a Belarusian exhibition"),
                        ("Лукашенко", "Two-day visit of Alexander Lukashenko")):
        with Repository(db) as repo:  # the bundle finds what the source tree finds
            found = f"{repo.search(word).total} found"
        assert found != "0 found"
        result = _run([cli, "--db", db, "search", word], cwd=tmp_path, env=env)
        assert result.returncode == 0, result.stdout + result.stderr
        assert title[:39] in result.stdout and result.stderr.strip() == found, result
