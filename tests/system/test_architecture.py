"""The house rules that tools can check: the core never imports Qt, the code is lint-clean."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _tool(name: str) -> str:
    path = BIN / name
    if path.exists():
        return str(path)
    found = shutil.which(name)
    if not found:
        pytest.fail(f"{name} is not installed (it is in the test extra)")
    return found


def test_import_contracts_hold():
    """tracker never imports PySide6/shiboken6 (directly or not); ui stands on tracker."""
    result = subprocess.run([_tool("lint-imports")], cwd=ROOT, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_core_import_does_not_load_qt():
    """Importing every core module leaves Qt unloaded (catches imports the linter cannot see)."""
    code = (
        "import sys, pkgutil, importlib, tracker\n"
        "for m in pkgutil.walk_packages(tracker.__path__, 'tracker.'):\n"
        "    importlib.import_module(m.name)\n"
        "bad = [m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))]\n"
        "print(bad); sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_is_clean():
    result = subprocess.run([_tool("ruff"), "check", "."], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


# --- where libraries and kind names may appear ----------------------------------------------------

def _modules(*bases: str):
    for base in bases:
        for path in sorted((ROOT / base).rglob("*.py")):
            yield path.relative_to(ROOT).as_posix(), ast.parse(path.read_text(encoding="utf-8"))


def _imported(tree) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


#: library -> the only package (folder) of ours that may import it
ENGINE_LIBRARIES = {
    "sqlite3": "tracker/store/sqlite/",
    "sqlite_utils": "tracker/store/sqlite/",
    "psycopg": "tracker/store/postgres/",
    "reportlab": "tracker/briefing/pdf/",
    "docx": "tracker/briefing/docx/",
    "icalendar": "tracker/exchange/calendar.py",
    "pypdf": "tracker/extract/",
}


def test_engine_and_renderer_libraries_are_imported_only_in_their_package():
    """The repository, exchange, briefing, CLI and GUI never talk to a storage engine's driver
    (its errors reach them as the store's own); each renderer's library stays in its renderer."""
    wrong = [(path, lib) for path, tree in _modules("tracker", "ui")
             for lib in _imported(tree) & set(ENGINE_LIBRARIES)
             if not path.startswith(ENGINE_LIBRARIES[lib])]
    assert wrong == []


def test_the_library_check_sees_an_import_where_it_does_not_belong(tmp_path):
    tree = ast.parse("import sqlite3\nfrom sqlite_utils import Database\n")
    assert _imported(tree) >= {"sqlite3", "sqlite_utils"}
    tree = ast.parse("from psycopg import sql\nimport psycopg.errors\n")
    assert _imported(tree) == {"psycopg"}
    assert ENGINE_LIBRARIES["psycopg"] == "tracker/store/postgres/"


def _kind_name_tests(tree, kind_names: set[str]) -> list[int]:
    """Lines where code compares something with a kind's name, or looks a kind up by a name
    written in the code (``kind.name == "roadmap"``, ``k in ("roadmap", ...)``,
    ``get_kind("roadmap")``, ``KINDS["roadmap"]``)."""
    def literal_kind(node) -> bool:
        if isinstance(node, ast.Constant) and node.value in kind_names:
            return True
        return isinstance(node, (ast.Tuple, ast.List, ast.Set)) and any(
            isinstance(e, ast.Constant) and e.value in kind_names for e in node.elts)

    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare) and any(
                literal_kind(n) for n in [node.left, *node.comparators]):
            lines.append(node.lineno)
        elif isinstance(node, ast.Call) and getattr(node.func, "id", getattr(
                node.func, "attr", None)) == "get_kind" and node.args and literal_kind(
                node.args[0]):
            lines.append(node.lineno)
        elif isinstance(node, ast.Subscript) and getattr(node.value, "id", None) == "KINDS" \
                and literal_kind(node.slice):
            lines.append(node.lineno)
    return lines


def test_no_code_asks_a_kind_its_name():
    """A kind declares its behaviour (tracker.model); only the declarations and the seed may
    name kinds."""
    from tracker.model import KINDS

    allowed = ("tracker/model/", "tracker/seed/")
    found = {path: lines for path, tree in _modules("tracker", "ui")
             if not path.startswith(allowed)
             and (lines := _kind_name_tests(tree, set(KINDS)))}
    assert found == {}


def test_the_kind_name_check_finds_each_form():
    code = ('if kind.name == "roadmap": pass\nx = k in ("meetings", "people")\n'
            'get_kind("sources")\nKINDS["farms"]\nrepo.get_kind(name)\n')
    assert _kind_name_tests(ast.parse(code), {"roadmap", "meetings", "people", "sources",
                                              "farms"}) == [1, 2, 3, 4]


# --- the CLI and the exchange ---------------------------------------------------------------------

def test_the_cli_and_the_exchange_use_no_private_names():
    """No module of theirs reaches into another's (or a library's) private names."""
    result = subprocess.run([_tool("ruff"), "check", "--select", "SLF001,PLC2701", "--preview",
                             "tracker/cli", "tracker/exchange", "tracker/store/sqlite/stage.py"],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_cli_commands_are_added_to_the_group_by_name():
    """tracker/cli/main.py adds each command explicitly: no module is loaded by name."""
    found = [path for path, tree in _modules("tracker/cli") if "importlib" in _imported(tree)
             or any(isinstance(node, ast.Call) and getattr(node.func, "id", "") == "__import__"
                    for node in ast.walk(tree))]
    assert found == []


# --- sizes ----------------------------------------------------------------------------------------

MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 80
#: Declarative tables (the catalogue of kinds, the seed's records) read as data, not as code.
DECLARATIVE = ("tracker/model/catalogue.py", "tracker/seed/article.py")


def test_modules_and_functions_stay_small():
    """A module that grows past ~600 lines, or a function past ~80, is doing several jobs."""
    big_modules, big_functions = [], []
    for path, tree in _modules("tracker", "ui", "tools"):
        if path in DECLARATIVE:
            continue
        lines = (ROOT / path).read_text(encoding="utf-8").count("\n")
        if lines > MAX_MODULE_LINES:
            big_modules.append((path, lines))
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    big_functions.append((path, node.name, length))
    assert big_modules == []
    assert big_functions == []


def test_a_desk_on_a_file_never_loads_the_server_driver(tmp_path):
    """psycopg costs ~0.1 s to import: opening, reading, searching and writing a file, and the
    CLI's start, leave it unloaded."""
    code = (
        "import sys\n"
        "from tracker.session import open_session\n"
        "import tracker.cli.main\n"
        f"r = open_session({str(tmp_path / 't.db')!r}, seed=True, user='x')\n"
        "r.search('belarus'); r.list('roadmap', sort='due_date'); r.figures()\n"
        "r.create('people', {'title': 'Someone'}); r.close()\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('psycopg', 'psycopg_binary')\n"
        "       or m.startswith('tracker.store.postgres')]\n"
        "print(bad); sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_engine_is_chosen_by_the_address(tmp_path, monkeypatch):
    from tracker.session import default_target
    from tracker.store.engines import is_server

    assert is_server("postgresql://alice@db.example/tracker")
    assert is_server("postgres://db.example/tracker") and is_server(" POSTGRESQL://x/y")
    assert not is_server(str(tmp_path / "postgresql.db")) and not is_server(tmp_path / "x")
    monkeypatch.setenv("TRACKER_DB", "postgresql://alice@db.example:5433/tracker")
    assert default_target() == "postgresql://alice@db.example:5433/tracker"
    monkeypatch.setenv("TRACKER_DB", str(tmp_path / "desk.db"))
    assert default_target() == tmp_path / "desk.db"
