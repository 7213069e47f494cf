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


def test_the_dialog_says_the_true_count_and_loads_the_rest_as_you_scroll(main_window, repo,
                                                                        qtbot):
    """'Almaty' in 120 records: "120 found, 50 shown"; scrolling to the end (or going past the
    last hit with the arrow keys) adds the next page, until every one is there."""
    from tracker.model import get_kind

    with repo.batch() as b:
        for name in ("meetings", "roadmap"):
            kind = get_kind(name)
            for i in range(60):
                b.insert(kind, {**kind.defaults(), "title": f"Almaty, visit no. {i}"})
    main_window.find_action.trigger()
    dialog = main_window.search_dialog
    dialog.edit.setText("Almaty")
    dialog.run_search()
    assert len(dialog.hits) == 50 and dialog.total == 120
    assert dialog.status.text().startswith("120 found, 50 shown")
    bar = dialog.results.verticalScrollBar()
    bar.setValue(bar.maximum())
    assert len(dialog.hits) == 100
    last = dialog.hit_items()[-1]
    dialog.results.setCurrentItem(last)
    qtbot.keyClick(dialog.edit, Qt.Key.Key_Down)
    assert len(dialog.hits) == 120 and dialog.status.text().startswith("120 found —")
    assert len({(h.kind, h.record_id) for h in dialog.hits}) == 120
    items = dialog.hit_items()
    assert dialog.results.currentItem() is items[items.index(last) + 1]  # one further down
    groups = [dialog.results.topLevelItem(i).text(0)
              for i in range(dialog.results.topLevelItemCount())]
    assert groups == ["Road map (60)", "Meetings (60)"]
    dialog.reject()


def test_a_russian_word_form_is_found_and_marked(main_window, repo):
    repo.create("farms", {"title": "Развитие сельского хозяйства",
                          "notes": "Программа для сельского хозяйства области"})
    main_window.find_action.trigger()
    dialog = main_window.search_dialog
    dialog.edit.setText("сельское хозяйство")
    dialog.run_search()
    # the farm by its words; the seeded road-map item by its Area (Сельское хозяйство)
    assert {h.title for h in dialog.hits} == {
        "Развитие сельского хозяйства",
        "Belarusian experience in farming: from agro-towns to breeding"}
    assert dialog.status.text().startswith("2 found")
    item = next(i for i in dialog.hit_items() if i.text(0) == "Развитие сельского хозяйства")
    marked = [part for part, m in dialog.highlighter.segments(item.text(2)) if m]
    assert marked == ["сельск", "хозяйств"]
    dialog.reject()
