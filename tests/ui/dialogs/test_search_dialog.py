"""Find… (Ctrl+F): results as you type, grouped by kind, the matched words marked; any text is
safe to search."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

pytestmark = pytest.mark.gui


# --- search ---------------------------------------------------------------------------------------

def test_global_search_as_you_type_and_enter_opens(main_window, repo, qtbot):
    qtbot.keyClick(main_window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    dialog = main_window.search_dialog
    assert dialog.isVisible()
    qtbot.keyClicks(dialog.edit, "expo")
    qtbot.waitUntil(lambda: len(dialog.hits) > 0, timeout=2000)
    hits = repo.search("expo")
    assert [(h.kind, h.record_id) for h in dialog.hits] == [(h.kind, h.record_id) for h in hits]
    groups = [dialog.results.topLevelItem(i).text(0)
              for i in range(dialog.results.topLevelItemCount())]
    assert groups and all("(" in g for g in groups)  # grouped by kind with counts
    qtbot.keyClick(dialog.edit, Qt.Key.Key_Return)
    first = hits[0]
    assert main_window.current_name() == first.kind
    assert main_window.pages[first.kind].form.record_id == first.record_id


def test_search_results_mark_the_matched_words(main_window, repo, qtbot):
    repo.create("roadmap", {"title": "Поставка <b>тракторов</b> & «МТЗ» =cmd",
                            "notes": "Ёлочная выставка тракторов в Астане"})
    main_window.find_action.trigger()
    dialog = main_window.search_dialog
    dialog.edit.setText("трактор ЕЛОЧ")
    dialog.run_search()
    item = next(i for i in dialog.hit_items() if "МТЗ" in i.text(0))
    title = dialog.highlighter.segments(item.text(0))
    assert "".join(part for part, _m in title) == item.text(0)  # literal: the tags stay text
    assert [part for part, matched in title if matched] == ["трактор"]
    found = [part for part, matched in dialog.highlighter.segments(item.text(2)) if matched]
    assert found == ["Ёлоч", "трактор"]
    dialog.resize(500, 300)  # narrow: matched words elided with the rest
    assert not dialog.grab().isNull()
    dialog.reject()


@pytest.mark.parametrize("text", ['"', "NEAR(", "a AND", "-x", "*", "col:word", "<b>",
                                  "'; DROP TABLE roadmap; --", "🎉", "Ёлка"])
def test_search_accepts_any_text(main_window, qtbot, text):
    main_window.find_action.trigger()
    dialog = main_window.search_dialog
    dialog.edit.setText(text)
    dialog.run_search()
    assert dialog.status.text()
    dialog.reject()
