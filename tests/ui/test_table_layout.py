"""The record pages' tables in Russian: headers never cut (a long one takes two lines), the title
gets the table's spare width, and an empty table says why, in words that are not cut either."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QApplication

from tracker.model import KIND_ORDER

pytestmark = pytest.mark.gui

WRAP = Qt.TextFlag.TextWordWrap


def settle(qtbot) -> None:
    qtbot.wait(20)
    QApplication.processEvents()


def header_problems(page) -> list[str]:
    """Shown headers whose text does not fit its section (wrapped) and the header's height."""
    header = page.table.horizontalHeader()
    fm = header.fontMetrics()
    model = page.model
    out = []
    for col in range(model.columnCount()):
        if header.isSectionHidden(col):
            continue
        text = model.headerData(col, Qt.Orientation.Horizontal)
        room = header.sectionSize(col) - 20  # margins and the sort arrow
        box = fm.boundingRect(QRect(0, 0, max(room, 1), 10_000), WRAP, text)
        if box.width() > room or box.height() > header.height() - 4:
            out.append(f"{page.kind.name}: {text!r} in {header.sectionSize(col)} x "
                       f"{header.height()} px")
    return out


# 1280x800 at 100 %, and what 1280x800 leaves at 150 % scaling (853x533 device-independent)
@pytest.mark.parametrize("size", [(1280, 800), (853, 533)])
def test_russian_headers_are_never_cut(make_window, repo, qtbot, russian, size):
    window = make_window(repo, size=size)
    problems = []
    for kind in KIND_ORDER:
        assert window.go_to(kind)
        settle(qtbot)
        page = window.pages[kind]
        problems += header_problems(page)
        for col in range(page.model.columnCount()):  # and every column the menu offers
            page.table.show_column(col, True)
        settle(qtbot)
        problems += header_problems(page)
    assert not problems


@pytest.mark.parametrize("kind", KIND_ORDER)
def test_russian_titles_get_the_spare_width_at_1280x800(make_window, repo, qtbot, russian, kind):
    """Every record page's default columns fit its table at 1280x800 in Russian (the joint
    plants', indicators' and agreements' scrolled sideways): the form gets what it needs, no
    more; the agreements' computed dates are offered, not shown at first."""
    window = make_window(repo, size=(1280, 800))
    for other in KIND_ORDER:  # the splitter settles once the pages have been shown
        assert window.go_to(other)
    assert window.go_to(kind)
    settle(qtbot)
    table = window.pages[kind].table
    header = table.horizontalHeader()
    # the listed columns fit beside the title, which takes the rest: no sideways scrolling,
    # and more than the minimum it keeps on a narrow table
    assert header.length() == table.viewport().width()
    assert header.sectionSize(window.pages[kind].model.column_of("title")) > table.title_min


@pytest.mark.parametrize("size", [(1280, 800), (853, 533)])
def test_an_empty_table_says_why_in_words_that_are_not_cut(make_window, repo, qtbot, russian,
                                                           size):
    window = make_window(repo, size=size)
    assert window.go_to("roadmap")
    page = window.pages["roadmap"]
    table = page.table
    assert table.empty_text() == ""  # a table with rows says nothing
    page.filter_edit.setText("нет-такого-слова")
    page.apply_filter()
    settle(qtbot)
    text = table.empty_text()
    assert "фильтр" in text and "Дорожная карта" in text
    rect = table.empty_rect()
    box = table.fontMetrics().boundingRect(rect, WRAP | Qt.AlignmentFlag.AlignHCenter, text)
    # wrapped within the table, every line readable (a sideways-scrolled table too)
    assert rect.contains(box) and box.height() < table.viewport().height()
    assert not table.grab().isNull()  # painted (the words drawn over the empty viewport)
    page.filter_edit.clear()
    page.apply_filter()
    for rid in repo.ids("roadmap"):
        repo.delete("roadmap", rid)
    page.refresh()
    assert "Ctrl+N" in table.empty_text()


# 1280x800 at 100 %, and the window a 1920x1080 screen at 150 % gives (1280x720 logical pixels,
# less the frame: ui.window_size)
@pytest.mark.parametrize("size", [(1280, 800), (1272, 680)])
def test_the_dashboards_empty_lists_say_why_in_words_that_are_not_cut(make_window, repo, qtbot,
                                                                       russian, size):
    """«Предстоящих встреч с установленной датой нет» was cut to «Предстоящих встре…» in the
    Meetings column: what an empty list (or its "… and N more") says spans the list's width."""
    window = make_window(repo, size=size)
    assert window.go_to("dashboard")
    settle(qtbot)
    page = window.pages["dashboard"]
    said = []
    for tree in (page.overdue, page.deadlines, page.meetings):
        for row in range(tree.topLevelItemCount()):
            item = tree.topLevelItem(row)
            if item.data(0, Qt.ItemDataRole.UserRole):
                continue  # a record's row: its columns may elide
            column = next(c for c in range(tree.columnCount()) if item.text(c))
            text = item.text(column)
            room = tree.visualRect(tree.indexFromItem(item, column)).width()
            said.append(text)
            assert tree.fontMetrics().horizontalAdvance(text) + 6 <= room, (text, room)
    assert len(said) >= 2  # the seeded file has nothing overdue and no meeting ahead
