"""The README's promises name the tests that prove them: every test it names exists where it says.

A promise is written ``tests/path/test_x.py::test_name`` and may be followed by ``::test_other``,
which lives in the same file as the last path before it.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = re.compile(r"`(tests/[\w/]+\.py)?(?:::(test_\w+))?`")


def _tests_by_file() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in (ROOT / "tests").rglob("test_*.py"):
        names = re.findall(r"^(?:async )?def (test_\w+)", path.read_text(encoding="utf-8"), re.M)
        found[path.relative_to(ROOT).as_posix()] = set(names)
    return found


def test_every_test_the_readme_names_exists_in_the_file_it_names():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    tests = _tests_by_file()
    missing = []
    last_file = None
    for match in REFERENCE.finditer(readme):
        path, name = match.groups()
        if path is None and name is None:
            continue
        if path is not None:
            last_file = path
            if path not in tests:
                missing.append(path)
                continue
        if name is not None and name not in tests.get(last_file or "", set()):
            missing.append(f"{last_file}::{name}")
    assert missing == []
    assert last_file is not None  # the README does name tests
