"""The field editors: one per field type, found by the form in one registry."""

from __future__ import annotations

import pytest

from tracker.model import INTEGER, KINDS
from ui.forms import editors
from ui.forms.base import Editor
from ui.forms.record_form import RecordForm

pytestmark = pytest.mark.gui


def test_every_declared_field_type_has_an_editor():
    used = {f.type for kind in KINDS.values() for f in kind.fields}
    assert used <= set(editors.EDITORS)
    assert all(issubclass(cls, Editor) for cls in editors.EDITORS.values())


def test_the_form_builds_its_editors_from_the_registry(qtbot, repo, monkeypatch):
    """A new field type is a new editor registered, nothing else changes: the form asks the
    registry for each field's editor."""

    class Marked(editors.IntegerEditor):
        pass

    monkeypatch.setitem(editors.EDITORS, INTEGER, Marked)
    form = RecordForm(repo, "roadmap")
    qtbot.addWidget(form)
    integers = {f.name for f in form.kind.fields if f.type == INTEGER}
    assert integers and all(isinstance(form.editors[name], Marked) for name in integers)
    assert not any(isinstance(e, Marked) for name, e in form.editors.items()
                   if name not in integers)
