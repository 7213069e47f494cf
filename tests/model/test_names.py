"""tracker.model.names: the kinds' names and titles the window's pages' list reads before the
catalogue is imported."""

from __future__ import annotations

import subprocess
import sys

from tracker.model import KIND_ORDER, KINDS, names
from tracker.model.catalogue import TIMELINE_KIND


def test_the_names_are_the_catalogues_kinds_in_order_with_their_titles():
    assert KIND_ORDER == names.KIND_ORDER
    assert set(KIND_ORDER) == set(KINDS)
    assert {n: (k.label, k.plural) for n, k in KINDS.items()} == names.TITLES
    assert names.TIMELINE == (TIMELINE_KIND.name if TIMELINE_KIND else None)


def test_the_names_and_the_packages_order_need_no_catalogue():
    """``from tracker.model import KIND_ORDER`` and the names module import neither the
    catalogue nor any kind's declarations; asking for a kind imports them then."""
    code = ("import sys\n"
            "from tracker.model import KIND_ORDER, names\n"
            "print(sorted(m for m in sys.modules if m.startswith('tracker.model')))\n"
            "from tracker.model import KINDS, get_kind\n"
            "print(get_kind('roadmap').plural, len(KINDS),\n"
            "      'tracker.model.catalogue' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60, check=True).stdout.splitlines()
    assert out[0] == "['tracker.model', 'tracker.model.names']"
    assert out[1] == f"Road map {len(KINDS)} True"


def test_the_packages_lazy_names_are_the_ones_type_checkers_are_shown():
    """tracker.model lists each name three times: imported for type checkers, where to import it
    from when first asked for (``_MODULES``), and in ``__all__``. The lists agree."""
    import ast
    from pathlib import Path

    import tracker.model as package

    tree = ast.parse(Path(package.__file__).read_text(encoding="utf-8"))
    shown: dict[str, set[str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING":
            for imp in node.body:
                module = imp.module.rsplit(".", 1)[1]
                shown.setdefault(module, set()).update(a.name for a in imp.names)
    lazy = vars(package)["_MODULES"]  # (module -> the names imported from it when asked for)
    assert shown == {m: set(n) for m, n in lazy.items()}
    assert sorted(package.__all__) == sorted(n for names in lazy.values() for n in names)
    for name in package.__all__:
        assert getattr(package, name) is not None
