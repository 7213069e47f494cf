"""The main window offscreen in Russian: every label, menu, button, header and choice it shows is
Russian, and the record text stays as entered."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QMenu,
    QTabWidget,
    QWidget,
)

from tools import i18n as i18n_tools
from tracker import i18n
from tracker.model import KIND_ORDER, KINDS

pytestmark = pytest.mark.gui


@pytest.fixture(scope="module")
def english_only():
    """English interface strings whose Russian is different: none of them may show in Russian."""
    out = set()
    for m in i18n_tools.read_catalogue("ru"):
        if m.id and isinstance(m.id, str) and m.string and m.string != m.id:
            out.add(m.id)
            out.add(m.id.replace("&", ""))
    return out


def _header_texts(view: QAbstractItemView) -> list[str]:
    model = view.model()
    if model is None:
        return []
    from PySide6.QtCore import QModelIndex

    try:
        count = model.columnCount(QModelIndex())
    except TypeError:  # a list model: one column, its columnCount() is private in PySide6
        count = 1
    texts = []
    for i in range(count):
        value = model.headerData(i, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
        if isinstance(value, str):
            texts.append(value)
    return texts


def shown_texts(window) -> list[tuple[str, str]]:
    """(where, text) for every piece of interface text in the window: not the records' own data."""
    out: list[tuple[str, str]] = [("window title", window.windowTitle())]
    for action in window.findChildren(type(window.menuBar().actions()[0])):
        out += [("action", action.text()), ("tooltip", action.toolTip())]
    for menu in window.findChildren(QMenu):
        out.append(("menu", menu.title()))
    for w in window.findChildren(QWidget):
        cls = type(w).__name__
        if w.toolTip():
            out.append((f"{cls} tooltip", w.toolTip()))
        if w.accessibleName():
            out.append((f"{cls} accessible name", w.accessibleName()))
        if isinstance(w, QLabel):
            out.append(("label", w.text()))
        elif isinstance(w, QAbstractButton):
            out.append(("button", w.text()))
        elif isinstance(w, QGroupBox):
            out.append(("group", w.title()))
        elif isinstance(w, QLineEdit):
            out.append(("placeholder", w.placeholderText()))
        elif isinstance(w, QTabWidget):
            out += [("tab", w.tabText(i)) for i in range(w.count())]
        elif isinstance(w, QComboBox) and w.isEditable() is False:
            out += [("combo item", w.itemText(i)) for i in range(min(w.count(), 30))]
        if isinstance(w, QAbstractItemView):
            out += [("header", t) for t in _header_texts(w)]
        if isinstance(w, QListWidget):
            out += [("list item", w.item(i).text()) for i in range(w.count())]
    return [(where, text) for where, text in out if text]


def test_main_window_in_russian(russian, make_window, repo, english_only):
    window = make_window(repo)
    nav = [window.nav.item(i).text() for i in range(window.nav.count())]
    for label in ("Сводка", "Соглашения", "Совместные предприятия", "Фермы", "Дорожная карта",
                  "Встречи", "Должностные лица", "Источники", "Корзина"):
        assert any(label in item for item in nav), (label, nav)
    menus = [a.text() for a in window.menuBar().actions()]
    assert menus[:2] == ["&Файл", "&Правка"]
    assert window.windowTitle() == f"{repo.path.name}[*]"  # the system adds the program's name

    # visit every page, so each one is built and filled as a user would see it
    english = []
    for name in ("dashboard", *KIND_ORDER, "trash", "history"):
        window.go_to(name)
        english += [(name, where, text) for where, text in shown_texts(window)
                    if text in english_only or text.replace("&", "") in english_only]
    assert english == []


def test_record_table_and_form_in_russian(russian, make_window, repo):
    window = make_window(repo)
    assert window.go_to("roadmap")
    page = window.pages["roadmap"]
    headers = _header_texts(page.table)
    assert "Наименование" in headers and "Статус" in headers
    assert "Срок исполнения" in headers and "Направление" in headers
    # statuses show their Russian labels; the stored value stays neutral
    model = page.table.model()
    status_col = headers.index("Статус")
    shown = {model.index(r, status_col).data() for r in range(model.rowCount())}
    labels = {i18n._(label) for _v, label in KINDS["roadmap"].statuses}
    assert shown and shown <= labels, shown
    stored = {r["status"] for r in repo.list("roadmap")}
    assert stored <= {v for v, _l in KINDS["roadmap"].statuses}
    # record text stays as entered (the seed is in English)
    title_col = headers.index("Наименование")
    titles = {model.index(r, title_col).data() for r in range(model.rowCount())}
    assert titles & {r["title"] for r in repo.list("roadmap")}
    # the status filter offers Russian labels
    combo_items = [page.status_combo.itemText(i) for i in range(page.status_combo.count())]
    assert "Все статусы" in combo_items and "Выполнено" in combo_items


def test_english_window_is_english(make_window, repo, english_only):
    """The same database read in English: labels switch back, the data is the same. (This also
    shows the check above sees the interface's text: in English it finds plenty of it.)"""
    window = make_window(repo)
    nav = [window.nav.item(i).text() for i in range(window.nav.count())]
    assert any("Road map" in item for item in nav)
    assert not any("Дорожная карта" in item for item in nav)
    window.go_to("roadmap")
    found = {text for _where, text in shown_texts(window)
             if text in english_only or text.replace("&", "") in english_only}
    assert {"&File", "Save", "Title", "Status", "Due date", "Agreements"} <= found, found


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_dashboard_fits_1280x800_without_a_scroll_bar(make_window, repo, qtbot, lang):
    """Three-line Russian figure captions once pushed the dashboard into a scroll bar; the
    recent-changes list now takes the height that is left."""
    from PySide6.QtWidgets import QScrollArea

    i18n.set_language(lang)
    try:
        window = make_window(repo, size=(1280, 800))
        page = window.pages["dashboard"]
        area = page.findChild(QScrollArea)
        # laid out: the content fills the viewport exactly (taller would mean a scroll bar)
        qtbot.waitUntil(lambda: area.widget().height() == area.viewport().height())
        assert not area.verticalScrollBar().isVisible()
        assert page.recent.viewport().height() >= 3 * page.recent.sizeHintForRow(0)
    finally:
        i18n.set_language("en")
