"""The table of a kind's records (the record page's left half): columns sized by field type, the
title filling what the others leave, columns hidden and shown from the header's menu (never the
title), and the header's layout kept between sessions (per language)."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QEvent, QRect, QSettings, Qt
from PySide6.QtGui import QPainter, QPalette
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QMenu, QTableView

from tracker.i18n import current_language
from tracker.i18n import gettext as _
from tracker.model import CHOICE, DATE, INTEGER, LINK, LINKS, MULTILINE
from ui.widgets.table_models import RecordTableModel


def two_line_width(fm, text: str) -> int:
    """The narrowest width at which ``text`` takes at most two lines (broken between words)."""
    words = text.split()
    best = fm.horizontalAdvance(text)
    for i in range(1, len(words)):
        best = min(best, max(fm.horizontalAdvance(" ".join(words[:i])),
                             fm.horizontalAdvance(" ".join(words[i:]))))
    return best


def header_width(fm, text: str) -> int:
    """The width a column's header needs: its text on one line, or -- beyond ~7 letters -- on
    two lines (a long Russian header wraps rather than being cut or taking the title's room)."""
    pad = fm.horizontalAdvance("M") + 26  # margins and the sort arrow
    one_line = fm.horizontalAdvance(text) + pad
    return min(one_line, max(two_line_width(fm, text) + pad, fm.horizontalAdvance("M") * 7))


def column_widths(fields, fm) -> list[int | None]:
    """Default width of each column for ``fields`` (None: the column that stretches)."""
    em = fm.horizontalAdvance("M")
    cell = 10  # the cell's margins (and a little air)
    widths: list[int | None] = []
    for f in fields:
        header = header_width(fm, _(f.label))
        if f.name == "title":
            widths.append(None)
        elif f.type == INTEGER:
            widths.append(max(header, fm.horizontalAdvance("0000") + cell))
        elif f.type == DATE:
            widths.append(max(header, fm.horizontalAdvance("0000-00-00") + cell))
        elif f.type == CHOICE:
            longest = max((fm.horizontalAdvance(_(label)) for _v, label in f.choices), default=0)
            widths.append(max(header, min(em * 9, longest + cell)))
        elif f.type in (LINK, LINKS, MULTILINE):  # a linked title, a text's first line
            widths.append(max(header, em * 14))
        else:
            widths.append(max(header, em * 8))
    return widths


class RecordTable(QTableView):
    """A view of a :class:`RecordTableModel`: one row per record, one column per listed field."""

    def __init__(self, model: RecordTableModel, parent=None):
        super().__init__(parent)
        self.setModel(model)
        self.fields = model.fields
        self.setAccessibleName(_(model.kind.plural))
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setSortingEnabled(False)
        self.setWordWrap(False)
        self.setAlternatingRowColors(True)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.horizontalHeader()
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(True)
        header.setHighlightSections(False)
        # a long header wraps onto a second line instead of being cut ("Срок исполнения"): the
        # model's headers ask for word wrap (a default alignment holding it would make
        # restoreState refuse the saved header)
        header.setTextElideMode(Qt.TextElideMode.ElideNone)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.fitting = False
        self._header_fitted: tuple | None = None  # (column, width) pairs the height is for
        self.default_widths()
        self.hide_columns({f.name for f in self.fields} - model.default_shown)
        self.viewport().installEventFilter(self)
        header.sectionResized.connect(self._section_resized)
        self.fit_title()
        sort_col = model.sort_column()
        if sort_col >= 0:
            header.setSortIndicator(sort_col, Qt.SortOrder.AscendingOrder)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(
            lambda pos: self.column_menu().exec(header.mapToGlobal(pos)))

    # -- widths ---------------------------------------------------------------------------------

    def default_widths(self) -> None:
        """Widths by field type: every header readable (in any language, with the sort arrow),
        dates and numbers narrow, choices as wide as their labels; the title fills the rest."""
        header = self.horizontalHeader()
        header.setStretchLastSection(False)
        widths = column_widths(self.fields, header.fontMetrics())
        self.title_col = widths.index(None) if None in widths else -1
        self.title_min = max(self.fontMetrics().horizontalAdvance("M") * 13, header_width(
            header.fontMetrics(), _(self.fields[self.title_col].label))
            if self.title_col >= 0 else 0)
        for col, width in enumerate(widths):
            if width is not None:
                header.resizeSection(col, width)

    # -- an empty table says why ----------------------------------------------------------------

    def empty_text(self) -> str:
        """What an empty table says (nothing when it has rows): nothing matches the filter, or
        nothing has been recorded yet and how to begin."""
        model = self.model()
        if model.rowCount():
            return ""
        kinds = _(model.kind.plural)
        if model.search or model.status or model.lead:
            return _("Nothing in “{kinds}” matches the filter. Clear the filter box, choose "
                     "“All statuses” or untick “My items”.").format(kinds=kinds)
        return _("Nothing in “{kinds}” yet. Add the first record with New (Ctrl+N), or import "
                 "a colleague's export (File › Import…).").format(kinds=kinds)

    def empty_rect(self) -> QRect:
        """Where the empty table's words go: the viewport's top, a margin each side."""
        margin = self.fontMetrics().horizontalAdvance("M")
        return self.viewport().rect().adjusted(margin, margin, -margin, -margin)

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().paintEvent(event)
        text = self.empty_text()
        if text:  # wrapped to the viewport's width: never cut, however narrow the table
            painter = QPainter(self.viewport())
            painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(self.empty_rect(), Qt.AlignmentFlag.AlignHCenter
                             | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap, text)
            painter.end()

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt API
        if obj is self.viewport() and event.type() == QEvent.Type.Resize:
            self.fit_title()
        return super().eventFilter(obj, event)

    def _section_resized(self, col: int, _old: int, _new: int) -> None:
        if col != self.title_col:
            self.fit_title()

    def fit_title(self) -> None:
        """The title column takes the width the other columns leave (at least ~13 letters:
        the table scrolls sideways before titles become unreadable)."""
        col = self.title_col
        if col < 0 or self.fitting:
            return
        header = self.horizontalHeader()
        others = sum(header.sectionSize(c) for c in range(header.count())
                     if c != col and not header.isSectionHidden(c))
        width = max(self.title_min, self.viewport().width() - others)
        if header.sectionSize(col) != width:
            self.fitting = True
            try:
                header.resizeSection(col, width)
            finally:
                self.fitting = False
        self.fit_header_height()

    def fit_header_height(self) -> None:
        """The header as tall as its longest wrapped text (a long header takes two lines)."""
        header = self.horizontalHeader()
        shown = tuple((c, header.sectionSize(c)) for c in range(header.count())
                      if not header.isSectionHidden(c))
        if shown == self._header_fitted:
            return  # (called on every resize: measured once for these widths)
        self._header_fitted = shown
        fm = header.fontMetrics()
        model = self.model()
        tallest = fm.height()
        for c, size in shown:
            room = max(size - 24, 1)
            text = str(model.headerData(c, Qt.Orientation.Horizontal) or "")
            tallest = max(tallest, fm.boundingRect(QRect(0, 0, room, 10_000),
                                                   Qt.TextFlag.TextWordWrap, text).height())
        if header.minimumHeight() != tallest + 8:
            header.setMinimumHeight(tallest + 8)
            self.updateGeometries()

    # -- which columns ----------------------------------------------------------------------------

    def column_menu(self) -> QMenu:
        """The header's right-click menu: which columns the table shows (the title always);
        remembered with the column widths."""
        header = self.horizontalHeader()
        menu = QMenu(self)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        for col, f in enumerate(self.fields):
            action = menu.addAction(_(f.label))
            action.setCheckable(True)
            action.setChecked(not header.isSectionHidden(col))
            action.setEnabled(col != self.title_col)
            action.toggled.connect(lambda on, c=col: self.show_column(c, on))
        menu.addSeparator()
        model = self.model()
        menu.addAction(_("Default columns"), lambda: self.hide_columns(
            {f.name for f in self.fields} - model.default_shown))
        menu.addAction(_("Show every column"), lambda: [
            self.show_column(c, True) for c in range(len(self.fields))])
        return menu

    def show_column(self, col: int, shown: bool) -> None:
        if col == self.title_col and not shown:
            return  # the title is always shown
        self.horizontalHeader().setSectionHidden(col, not shown)
        self.model().set_shown(self.shown_columns())
        self.fit_title()

    def hidden_columns(self) -> list[str]:
        header = self.horizontalHeader()
        return [f.name for col, f in enumerate(self.fields) if header.isSectionHidden(col)]

    def hide_columns(self, names) -> None:
        """Hide the columns named ``names`` (field names: they survive a language change and a
        release that adds a column), show the others and always the title."""
        header = self.horizontalHeader()
        for col, f in enumerate(self.fields):
            hide = f.name in names and col != self.title_col
            if header.isSectionHidden(col) != hide:
                header.setSectionHidden(col, hide)
        self.model().set_shown(self.shown_columns())
        self.fit_title()

    def shown_columns(self) -> list[str]:
        """The field names of the columns the table shows, in their on-screen order."""
        header = self.horizontalHeader()
        cols = sorted((header.visualIndex(c), c) for c in range(header.count())
                      if not header.isSectionHidden(c))
        return [self.fields[c].name for _v, c in cols]

    # -- kept between sessions --------------------------------------------------------------------

    @staticmethod
    def columns_key() -> str:
        """Column widths are kept per language (headers differ in length); the title column
        fills the table since "columns" replaced "header"."""
        return f"columns-{current_language()}"

    def save_state(self, settings: QSettings, prefix: str) -> None:
        settings.setValue(prefix + self.columns_key(), self.horizontalHeader().saveState())
        settings.setValue(prefix + "hidden_columns", self.hidden_columns())
        settings.setValue(prefix + "shown_columns", self.shown_columns())

    def restore_state(self, settings: QSettings, prefix: str) -> None:
        model = self.model()
        state = settings.value(prefix + self.columns_key())
        header = self.horizontalHeader()
        if isinstance(state, (QByteArray, bytes)):
            header.blockSignals(True)
            restored = header.restoreState(state)
            header.blockSignals(False)
            if not restored or header.count() != len(self.fields):
                # saved by a release with other columns (or damaged): start from the defaults
                header.reset()
                self.default_widths()
                self.fit_title()
                state = None
        else:
            state = None
        every = {f.name for f in self.fields}
        if settings.contains(prefix + "shown_columns"):
            names = every - set(settings_list(settings, prefix + "shown_columns"))
        elif settings.contains(prefix + "hidden_columns"):
            # settings of a release whose menu offered the listed columns only
            names = set(settings_list(settings, prefix + "hidden_columns")) | (
                every - model.default_shown)
        else:  # settings of an earlier release: as the header state had them
            names = set(self.hidden_columns()) if state is not None else (
                every - model.default_shown)
        self.hide_columns(names)
        if state is not None:
            # the sort order comes from the model, not from the saved header
            col = model.sort_column()
            if col >= 0:
                header.blockSignals(True)
                header.setSortIndicator(col, Qt.SortOrder.DescendingOrder if model.descending
                                        else Qt.SortOrder.AscendingOrder)
                header.blockSignals(False)
            self.fit_title()


def settings_list(settings: QSettings, key: str) -> list[str]:
    """A list of names kept in QSettings (which gives a one-item list back as a string and an
    empty one as None)."""
    value = settings.value(key)
    return ([value] if isinstance(value, str) and value else
            [str(v) for v in value] if isinstance(value, (list, tuple)) else [])
