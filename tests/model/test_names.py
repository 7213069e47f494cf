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
