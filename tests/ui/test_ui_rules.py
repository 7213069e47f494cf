"""Rules of the GUI's code that tools can check (the house rules of tests/system, for ui/)."""

from __future__ import annotations

import ast
from pathlib import Path

UI = Path(__file__).resolve().parents[2] / "ui"

#: what starts a thread; ui.tasks is the one way the GUI runs work off its thread
THREADS = {("threading", "Thread"), ("PySide6.QtCore", "QThread"),
           ("PySide6.QtCore", "QThreadPool"), ("PySide6.QtCore", "QRunnable"),
           ("concurrent.futures", None), ("multiprocessing", None)}


def _imports(tree) -> list[tuple[str, str | None, int]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, None, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            found += [(node.module, alias.name, node.lineno) for alias in node.names]
    return found


def _modules():
    for path in sorted(UI.rglob("*.py")):
        yield path.relative_to(UI.parent).as_posix(), ast.parse(path.read_text("utf-8"))


def _starts_threads(tree) -> list[int]:
    lines = []
    for module, name, line in _imports(tree):
        if (module, name) in THREADS or (module, None) in THREADS or (
                module.split(".")[0], None) in THREADS:
            lines.append(line)
    for node in ast.walk(tree):  # threading.Thread(...) without importing the name
        if isinstance(node, ast.Attribute) and node.attr in ("Thread", "QThread") and \
                isinstance(node.value, ast.Name) and node.value.id in ("threading", "QtCore"):
            lines.append(node.lineno)
    return lines


def test_work_leaves_the_gui_thread_only_through_ui_tasks():
    found = {path: lines for path, tree in _modules()
             if path != "ui/tasks.py" and (lines := _starts_threads(tree))}
    assert found == {}


def test_the_thread_check_sees_each_way_to_start_one():
    code = ("import threading\nfrom PySide6.QtCore import QThread\n"
            "from concurrent.futures import ThreadPoolExecutor\nthreading.Thread(target=f)\n")
    assert _starts_threads(ast.parse(code)) == [2, 3, 4]


def test_the_gui_uses_only_the_public_api_of_exchange_and_briefing():
    """``tracker.exchange`` and ``tracker.briefing`` name their public API in their package;
    the modules behind it may move."""
    found = {(path, module) for path, tree in _modules() for module, _name, _line in
             _imports(tree) if module.startswith(("tracker.exchange.", "tracker.briefing."))}
    assert found == set()
