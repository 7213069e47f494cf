"""The Timeline page, driven as an official drives it: from the navigation and Ctrl+T, a click
or Enter on a record opening it on the Road map page, the keyboard between records, tooltips,
grouping, overdue in red, records without dates shown, painting only what is on screen."""

from __future__ import annotations

import datetime as _dt

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QColor, QHelpEvent
from PySide6.QtWidgets import QApplication, QToolTip

from tracker.model import timeline as tl
from ui.main_window import PAGES
from ui.pages import page_key
from ui.pages.timeline import TimelinePage

pytestmark = pytest.mark.gui

TODAY = _dt.date.today()


def iso(days: int) -> str:
    return (TODAY + _dt.timedelta(days=days)).isoformat()


def add(repo, title, start=None, due=None, **values) -> int:
    values = {"title": title, "planned_start": start, "due_date": due, **values}
    return repo.create("roadmap", {k: v for k, v in values.items() if v is not None}).record_id


def open_timeline(window, qtbot) -> TimelinePage:
    qtbot.keyClick(window, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    assert window.current_name() == "timeline"
    page = window.pages["timeline"]
    QApplication.processEvents()
    return page


def row_y(view, record_id: int) -> int:
    """The viewport y of the middle of a record's row (scrolled into view first)."""
    view.select_record(record_id)
    row = view.row_of[record_id]
    return (view.header_height + row * view.row_height - view.verticalScrollBar().value()
            + view.row_height // 2)


def test_the_timeline_is_after_the_road_map_and_ctrl_t_opens_it(main_window, qtbot):
    assert PAGES.index("timeline") == PAGES.index("roadmap") + 1
    assert main_window.nav.item(PAGES.index("timeline")).text() == "Timeline"
    page = open_timeline(main_window, qtbot)
    assert main_window.stack.currentWidget() is page
    # the other pages keep their keys in the order listed: Ctrl+5 the Road map, and so on
    assert page_key("roadmap") == "Ctrl+5"
    numbered = [n for n in PAGES if n != "timeline" and page_key(n)]
    assert len(numbered) == min(10, len(PAGES) - 1)
    for name in numbered:
        digit = page_key(name).removeprefix("Ctrl+")
        qtbot.keyClick(main_window, getattr(Qt.Key, f"Key_{digit}"),
                       Qt.KeyboardModifier.ControlModifier)
        assert main_window.current_name() == name
    go = {a.objectName(): a for a in main_window.go_actions}
    assert go["go_timeline"].shortcut().toString() == "Ctrl+T"


def test_a_click_on_a_record_opens_it_on_the_road_map_page(main_window, repo, qtbot):
    rid = add(repo, "Joint tractor assembly in Astana", iso(-30), iso(60), progress=40,
              status="in_progress", area="industry")
    add(repo, "Another item", iso(-10), iso(10), area="industry")
    page = open_timeline(main_window, qtbot)
    page.refresh()
    view = page.view
    y = row_y(view, rid)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(60, y))
    assert main_window.current_name() == "roadmap"
    assert main_window.pages["roadmap"].form.record_id == rid


def test_the_keyboard_moves_between_records_and_enter_opens_one(main_window, repo, qtbot):
    first = add(repo, "A first", iso(-20), iso(5), area="trade")
    second = add(repo, "B second", iso(-10), iso(40), area="trade")
    third = add(repo, "C third", iso(3), iso(90), area="energy")
    page = open_timeline(main_window, qtbot)
    view = page.view
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Home)
    order = [view.current_item().id]
    for _i in range(view.item_count() - 1):
        qtbot.keyClick(view, Qt.Key.Key_Down)
        order.append(view.current_item().id)
    # group rows are passed over; every record is reached once, in the figure's order
    assert sorted(order) == sorted(view.row_of) and len(set(order)) == len(order)
    assert order.index(first) < order.index(second)  # the same group, by start date
    assert page.current_label.text().startswith(view.current_item().title)
    view.select_record(third)
    qtbot.keyClick(view, Qt.Key.Key_Up)
    assert view.current_item().id != third
    qtbot.keyClick(view, Qt.Key.Key_Down)
    assert view.current_item().id == third
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert main_window.current_name() == "roadmap"
    assert main_window.pages["roadmap"].form.record_id == third


def test_overdue_bars_are_red_from_the_declaration_and_on_time_ones_are_not(
        main_window, repo, qtbot):
    late = add(repo, "Late fisheries report", iso(-60), iso(-5), status="in_progress",
               progress=50, area="agriculture")
    fine = add(repo, "On-time report", iso(-60), iso(30), status="in_progress", progress=50,
               area="agriculture")
    page = open_timeline(main_window, qtbot)
    view = page.view
    view.set_per_day(3.0)
    view.show_today()
    kind = tl.TIMELINE_KIND
    for rid, overdue in ((late, True), (fine, False)):
        item = view.rows[view.row_of[rid]]
        assert item.overdue is overdue is kind.is_overdue(repo.get("roadmap", rid), TODAY)
        y = row_y(view, rid)
        x = round(view.x_of(item.start + 10))  # inside the filled part of the bar
        QApplication.processEvents()
        pixel = view.viewport().grab().toImage().pixelColor(x, y)
        red = QColor(tl.OVERDUE_COLOUR)
        assert (pixel == red) is overdue, (rid, pixel.name())
    assert "1 overdue" in page.info.text()


def test_records_without_dates_are_listed_last_and_counted(main_window, repo, qtbot):
    add(repo, "Dated", iso(-5), iso(5), area="trade")
    undated = add(repo, "No dates at all", area="trade")
    due_only = add(repo, "Only a due date", due=iso(20), area="trade")
    page = open_timeline(main_window, qtbot)
    view = page.view
    last_group = [r for r in view.rows if isinstance(r, tl.Group)][-1]
    assert last_group.label == "No dates" and undated in [i.id for i in last_group.items]
    assert view.rows[view.row_of[due_only]].shape == tl.DUE  # a diamond, not dropped
    n = repo.count("roadmap")
    assert view.item_count() == n  # every record is on the page
    assert f"{n} items" in page.info.text() and "without dates" in page.info.text()


def test_grouped_by_agreement_with_the_agreements_titles(main_window, repo, qtbot):
    aid = repo.create("agreements", {"title": "Protocol on tractors"}).record_id
    rid = add(repo, "Deliver tractors", iso(-5), iso(50), agreement_id=aid)
    page = open_timeline(main_window, qtbot)
    page.group_combo.setCurrentIndex(page.group_combo.findData("agreement"))
    view = page.view
    groups = {r.label: r for r in view.rows if isinstance(r, tl.Group)}
    assert rid in [i.id for i in groups["Protocol on tractors"].items]
    assert "No agreement linked" in groups or "No dates" in groups
    # an edit elsewhere reaches the page when it is shown again
    main_window.go_to("agreements")
    change = repo.update("agreements", aid, {"title": "Protocol on tractors (2026)"},
                         expected_version=repo.get("agreements", aid)["version"])
    main_window.apply_change(change)
    main_window.go_to("timeline")
    assert "Protocol on tractors (2026)" in {r.label for r in view.rows
                                             if isinstance(r, tl.Group)}


def test_the_tooltip_says_title_dates_progress_and_overdue(main_window, repo, qtbot,
                                                         monkeypatch):
    rid = add(repo, "Экспо: павильон", "2026-01-01", "2026-03-31", status="in_progress",
              progress=35, area="exhibitions")
    page = open_timeline(main_window, qtbot)
    view = page.view
    y = row_y(view, rid)
    shown = []
    monkeypatch.setattr(QToolTip, "showText", lambda pos, text, *a: shown.append(text))
    QApplication.sendEvent(view.viewport(), QHelpEvent(
        QEvent.Type.ToolTip, QPoint(40, y), view.viewport().mapToGlobal(QPoint(40, y))))
    text = shown[-1]
    assert "Экспо: павильон" in text
    assert "1 January 2026 – 31 March 2026" in text and "done: 35%" in text
    assert ("Overdue" in text) is (TODAY > _dt.date(2026, 3, 31))
    assert view.accessibleDescription().startswith("Экспо: павильон")


def test_painting_touches_only_the_rows_on_screen(repo, qtbot, monkeypatch):
    from tracker.seed.synthetic import generate

    generate(repo, 1, seed=3, sizes={"roadmap": 10_000})
    page = TimelinePage(repo)
    qtbot.addWidget(page)
    page.resize(1100, 700)
    page.show()
    qtbot.waitExposed(page)
    view = page.view
    assert view.item_count() == repo.count("roadmap") > 9_000  # some generated are in the trash
    drawn = []
    real = type(view).paint_item
    monkeypatch.setattr(type(view), "paint_item",
                        lambda self, p, item, y, chart: (drawn.append(item.id),
                                                         real(self, p, item, y, chart)))
    view.viewport().grab()  # a paint of the whole viewport, now
    on_screen = view.viewport().height() // view.row_height + 2
    assert 0 < len(drawn) <= on_screen
    view.verticalScrollBar().setValue(view.verticalScrollBar().maximum())
    drawn.clear()
    view.viewport().grab()
    assert 0 < len(drawn) <= on_screen
    assert view.rows[-1].id in drawn  # the last record, at the bottom


def test_hostile_titles_paint_on_one_line(main_window, repo, qtbot):
    # the longest title a record takes (a 1 MB one: tests/model, tests/briefing)
    hostile = ("\u202eevil override\u202c <b>bold?</b> &amp; =1+1\nsecond line "
               "Ёлка ") + "Ж" * 240
    rid = add(repo, hostile, iso(-5), iso(5), area="trade")
    page = open_timeline(main_window, qtbot)
    view = page.view
    label = view.label_of(view.row_of[rid])
    assert len(label) <= tl.LABEL_LIMIT and "\n" not in label and "\u202e" not in label
    assert label.startswith("evil override <b>bold?</b> &amp; =1+1 second line Ёлка")
    view.select_record(rid)
    view.viewport().grab()  # paints without error, the title cut to its column
    assert view.describe(view.current_item()).startswith("evil override")


def test_zoom_keeps_the_day_under_the_mouse_and_the_scale_persists(main_window, qtbot):
    page = open_timeline(main_window, qtbot)
    view = page.view
    view.set_per_day(1.0)
    view.show_today()
    x = view.label_width + 200
    before = view.axis.day_at(view.horizontalScrollBar().value() + 200, view.per_day)
    view.set_per_day(3.0, anchor_x=x)
    after = view.axis.day_at(view.horizontalScrollBar().value() + 200, view.per_day)
    assert abs(after - before) <= 1
    page.scale_combo.setCurrentIndex(page.scale_combo.findData("weeks"))
    assert view.per_day == 14.0
    from PySide6.QtCore import QSettings

    page.save_state(QSettings())
    other = TimelinePage(main_window.repo)
    qtbot.addWidget(other)
    other.restore_state(QSettings())
    assert other.scale_combo.currentData() == "weeks"


def test_a_bar_scrolled_out_of_view_leaves_an_arrow_at_the_edge(main_window, repo, qtbot):
    rid = add(repo, "Long finished", "2001-01-01", "2001-03-01", status="done", progress=100,
              area="trade")
    page = open_timeline(main_window, qtbot)
    view = page.view
    view.set_per_day(3.0)
    item = view.rows[view.row_of[rid]]
    y = row_y(view, rid)  # its row in view
    view.show_today()  # 2001 is far to the left
    assert view.x_of(item.stop) < view.label_width
    image = view.viewport().grab().toImage()
    colour = QColor(tl.colour(tl.TIMELINE_KIND, item))
    edge = [image.pixelColor(view.label_width + dx, y) for dx in range(1, 12)]
    assert colour in edge
    # the keyboard brings the bar into view: away to the undated records and back
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Down)
    assert view.current_item().id != rid
    qtbot.keyClick(view, Qt.Key.Key_Up)
    assert view.current_item().id == rid
    assert view.x_of(item.first) >= view.label_width


def test_the_whole_timeline_stays_fitted_when_the_window_is_resized(main_window, qtbot):
    page = open_timeline(main_window, qtbot)
    page.scale_combo.setCurrentIndex(page.scale_combo.findData("fit"))
    view = page.view
    assert view.axis.days * view.per_day <= view.chart_width()
    main_window.resize(1024, 768)
    QApplication.processEvents()
    assert view.fitted and view.axis.days * view.per_day <= view.chart_width()
    assert view.axis.days * view.per_day > view.chart_width() - view.row_height


def test_a_mark_due_on_the_axis_last_day_is_drawn_whole(main_window, repo, qtbot):
    last = (_dt.date(TODAY.year + 3, 2, 1) - _dt.timedelta(days=1)).isoformat()
    rid = add(repo, "Due at the very end", due=last, area="trade")
    page = open_timeline(main_window, qtbot)
    page.refresh()
    view = page.view
    item = view.rows[view.row_of[rid]]
    assert item.stop == view.axis.stop  # the axis ends with its due day
    for fitted in (True, False):
        if fitted:
            page.scale_combo.setCurrentIndex(page.scale_combo.findData("fit"))
        else:
            view.set_per_day(4.0)
            view.horizontalScrollBar().setValue(view.horizontalScrollBar().maximum())
        QApplication.processEvents()
        right = view.x_of(item.stop - 0.5) + (view.row_height - 8) / 2  # the diamond's tip
        assert right <= view.viewport().width() - 1


def test_the_legend_names_every_mark_the_chart_draws(main_window, qtbot):
    page = open_timeline(main_window, qtbot)
    from PySide6.QtWidgets import QLabel, QWidget

    [legend] = [w for w in page.findChildren(QWidget) if w.accessibleName() == "Legend"]
    words = [w.text() for w in legend.findChildren(QLabel) if w.text()]
    assert words == ["Planned", "In progress", "Done", "Cancelled", "Overdue", "Due date only",
                     "No due date"]
    assert all(not w.pixmap().isNull() for w in legend.findChildren(QLabel) if not w.text())


def test_no_grid_line_crosses_the_words_no_dates(main_window, repo, qtbot):
    add(repo, "Dated", iso(-400), iso(400), area="trade")
    rid = add(repo, "Undated", area="trade")
    page = open_timeline(main_window, qtbot)
    page.refresh()
    view = page.view
    view.set_per_day(1.0)
    y = row_y(view, rid) - view.row_height // 2  # the row's top
    new_year = _dt.date(TODAY.year, 1, 1).toordinal()
    view.show_day(new_year, 14 / view.chart_width())  # a year's line over the words
    QApplication.processEvents()
    x = round(view.x_of(new_year))
    words = view.fontMetrics().horizontalAdvance("No dates")
    assert view.label_width + 8 < x < view.label_width + 8 + words
    image = view.viewport().grab().toImage()
    for ground in (image.pixelColor(5, y + 3), image.pixelColor(5, y + 1)):
        assert ground.alpha() == 255  # the row's own ground (highlighted: it is current)
    assert image.pixelColor(x, y + 1) != image.pixelColor(5, y + 1)  # the line, above it
    assert image.pixelColor(x, y + 3) == image.pixelColor(5, y + 3)  # not over the words
