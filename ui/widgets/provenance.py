"""Provenance: the source quotes behind a record, and the source text with a quote highlighted."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from tracker.i18n import gettext as _
from tracker.model import SOURCE_KIND, get_kind
from tracker.model.attachments import page_at
from tracker.model.text import find_quote, quote_in
from tracker.store.errors import NotFound

HIGHLIGHT = QColor("#ffe082")

__all__ = ["ProvenancePanel", "QuoteDialog", "SourceViewer", "find_quote"]  # find_quote: the core's


class SourceViewer(QDialog):
    """The text of a source with one quote highlighted and scrolled into view."""

    def __init__(self, repo, source_id: int, quote: str = "", parent=None):
        super().__init__(parent)
        self.setWindowTitle(_("Source"))
        self.resize(760, 560)
        layout = QVBoxLayout(self)
        try:
            source = repo.get(SOURCE_KIND.name, source_id)
        except NotFound:
            source = {"title": _("(source #{id} is missing)").format(id=source_id), "text": ""}
        self.source = source
        title = QLabel(source.get("title") or "")
        title.setTextFormat(Qt.TextFormat.PlainText)
        title.setWordWrap(True)
        font = title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        title.setFont(font)
        layout.addWidget(title)
        meta = " · ".join(x for x in (source.get("publisher"), source.get("published_on"),
                                      source.get("url")) if x)
        if meta:
            meta_label = QLabel(meta)
            meta_label.setTextFormat(Qt.TextFormat.PlainText)
            meta_label.setWordWrap(True)
            meta_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            layout.addWidget(meta_label)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.status)
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setAccessibleName(_("Source text"))
        self.text.setPlainText(source.get("text") or "")
        layout.addWidget(self.text, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.span = None
        if quote:
            self.highlight(quote)

    def highlight(self, quote: str) -> tuple[int, int] | None:
        self.span = find_quote(self.text.toPlainText(), quote)
        if self.span is None:
            self.status.setText(_("The quote was not found in the source text: “{quote}”").format(
                quote=quote))
            self.status.setStyleSheet("color: #c62828;")
            self.text.setExtraSelections([])
            return None
        page = page_at(self.text.toPlainText(), self.span[0])
        self.status.setText(_("The quote is highlighted (page {page}).").format(page=page)
                            if page is not None else _("The quote is highlighted."))
        self.status.setStyleSheet("")
        start, end = self.span
        cursor = QTextCursor(self.text.document())
        cursor.setPosition(start)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        selection = QTextEdit.ExtraSelection()
        fmt = QTextCharFormat()
        fmt.setBackground(HIGHLIGHT)
        fmt.setForeground(QColor("#000000"))
        selection.format = fmt
        selection.cursor = cursor
        self.text.setExtraSelections([selection])
        self.scroll_to_quote()
        return self.span

    def scroll_to_quote(self) -> None:
        """Put the highlighted quote in the middle of the view (again once the dialog is laid
        out: before that the view has no height to centre in)."""
        if self.span is None:
            return
        cursor = QTextCursor(self.text.document())
        cursor.setPosition(self.span[0])
        self.text.setTextCursor(cursor)
        self.text.centerCursor()

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        QTimer.singleShot(0, self.scroll_to_quote)

    def highlighted_text(self) -> str:
        if self.span is None:
            return ""
        return self.text.toPlainText()[self.span[0]:self.span[1]]


class QuoteDialog(QDialog):
    """Pick a source and paste the words it says: the quote must be in the source's text (when
    the source has its text stored), so every quote stays verifiable."""

    def __init__(self, repo, parent=None):
        super().__init__(parent)
        self.repo = repo
        self.setWindowTitle(_("Add a source quote"))
        self.resize(620, 320)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.source = QComboBox()
        self.source.setAccessibleName(_("Source"))
        for rid, title in repo.choices_for_link(SOURCE_KIND.name):
            self.source.addItem(title, rid)
        self.quote = QPlainTextEdit()
        self.quote.setAccessibleName(_("Quote"))
        self.quote.setTabChangesFocus(True)
        self.quote.setPlaceholderText(_("Paste the words exactly as the source has them"))
        form.addRow(_("Source:"), self.source)
        form.addRow(_("Quote:"), self.quote)
        layout.addLayout(form)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.status)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.source.currentIndexChanged.connect(lambda _i: self.check())
        self.quote.textChanged.connect(self.check)
        self.check()

    def check(self) -> bool:
        """True when the quote can be added; says why not otherwise."""
        quote = " ".join(self.quote.toPlainText().split())
        sid = self.source.currentData()
        ok = False
        if sid is None:
            self.status.setText(_("Add the source on the Sources page first."))
        elif not quote:
            self.status.setText(_("Paste the quote."))
        else:
            text = self.repo.get(SOURCE_KIND.name, sid).get("text") or ""
            if not text:
                ok = True
                self.status.setText(_("This source has no text stored; the quote cannot be "
                                      "checked against it."))
            elif not quote_in(text, quote):
                self.status.setText(_("These words are not in the source's text; copy them "
                                      "exactly."))
            else:
                ok = True
                self.status.setText(_("Found in the source."))
        self.status.setStyleSheet("" if ok or not quote else "color: #c62828;")
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)
        return ok

    def citation(self) -> dict:
        return {"source_id": self.source.currentData(),
                "quote": " ".join(self.quote.toPlainText().split())}


class ProvenancePanel(QWidget):
    """The citations of the selected record; for a source, also the records that cite it."""

    openRecord = Signal(str, int)  # noqa: N815 - kind, id
    openQuote = Signal(int, str)  # noqa: N815 - source id, quote
    addQuote = Signal()  # noqa: N815
    removeQuote = Signal(int)  # noqa: N815 - position in the record's citations

    def __init__(self, repo, parent=None):
        super().__init__(parent)
        self.repo = repo
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        self.caption = QLabel(_("Sources behind this record"))
        font = self.caption.font()
        font.setBold(True)
        self.caption.setFont(font)
        layout.addWidget(self.caption)
        self.list = QListWidget()
        self.list.setWordWrap(True)
        self.list.setSpacing(2)
        self.list.setAlternatingRowColors(True)
        self.list.setAccessibleName(_("Sources behind this record"))
        self.list.setToolTip(_("Press Enter or double-click to read the quote in its source"))
        self.list.itemActivated.connect(self._activated)
        layout.addWidget(self.list, 1)
        self.empty = QLabel()
        self.empty.setWordWrap(True)
        self.empty.setStyleSheet("color: palette(mid);")
        layout.addWidget(self.empty)
        self.add_button = QPushButton(_("Add quote…"))
        self.add_button.setToolTip(_("Record where this comes from: a source and its words"))
        self.add_button.clicked.connect(self.addQuote)
        self.remove_button = QPushButton(_("Remove quote"))
        self.remove_button.clicked.connect(self._remove)
        for button in (self.add_button, self.remove_button):
            button.setAutoDefault(True)  # Enter on a focused button presses it
        self.list.currentRowChanged.connect(lambda _r: self._update_buttons())
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addStretch(1)
        bar.addWidget(self.remove_button)
        bar.addWidget(self.add_button)
        layout.addLayout(bar)
        self.editable = True
        self._kind = None
        self._record = None

    def set_editable(self, editable: bool) -> None:
        self.editable = editable
        self._update_buttons()

    @property
    def _cites(self) -> bool:
        """The record shown cites sources (a source itself lists what cites it instead)."""
        return self._kind is None or get_kind(self._kind).cites

    def _update_buttons(self) -> None:
        can = self.editable and self._record is not None and self._cites \
            and not self._record.get("deleted_at")
        self.add_button.setVisible(self._cites)
        self.remove_button.setVisible(self._cites)
        self.add_button.setEnabled(can)
        item = self.list.currentItem()
        data = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        self.remove_button.setEnabled(can and bool(data) and data[0] == "quote")

    def _remove(self) -> None:
        item = self.list.currentItem()
        data = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        if data and data[0] == "quote":
            self.removeQuote.emit(int(data[3]))

    def show_record(self, kind_name: str | None, record: dict | None) -> None:
        self._kind, self._record = kind_name, record
        self._update_buttons()
        self.list.clear()
        if record is None:
            self.empty.setText(_("Save the record to add sources."))
            self.empty.show()
            return
        for position, c in enumerate(record.get("citations") or []):
            quote = " ".join(str(c.get("quote") or "").split())
            item = QListWidgetItem(f"“{quote}”\n— {c.get('source') or ''}")
            item.setData(Qt.ItemDataRole.UserRole,
                         ("quote", c.get("source_id"), c.get("quote"), position))
            item.setToolTip(c.get("source") or "")
            self.list.addItem(item)
        if kind_name == SOURCE_KIND.name:
            for k, rid, title in self.repo.linked_from(kind_name, record["id"]):
                item = QListWidgetItem(_("Cited by {kind}: {title}").format(
                    kind=_(get_kind(k).label).lower(), title=title))
                item.setData(Qt.ItemDataRole.UserRole, ("record", k, rid))
                self.list.addItem(item)
            self.caption.setText(_("Records that cite this source"))
        else:
            self.caption.setText(_("Sources behind this record"))
        if self.list.count():
            self.empty.hide()
        else:
            self.empty.setText(_("No source is recorded for this record."))
            self.empty.show()
        self._update_buttons()

    def _activated(self, item: QListWidgetItem) -> None:
        data = item.data(Qt.ItemDataRole.UserRole)
        if not data:
            return
        if data[0] == "quote" and data[1] is not None:
            self.openQuote.emit(int(data[1]), str(data[2] or ""))
        elif data[0] == "record":
            self.openRecord.emit(str(data[1]), int(data[2]))
