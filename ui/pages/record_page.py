"""One page class for every record kind: filter bar, lazy table, generic form, provenance."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from tracker.errors import TrackerError
from tracker.i18n import gettext as _
from tracker.i18n import ngettext
from tracker.model import OVERDUE, get_kind
from tracker.store.errors import ConflictError, NotFound
from ui import messages
from ui.forms.record_form import CANCEL, DISCARD, SAVE, RecordForm, ask_unsaved
from ui.widgets.attachments import AttachmentsPanel
from ui.widgets.provenance import ProvenancePanel, QuoteDialog, SourceViewer
from ui.widgets.record_table import RecordTable
from ui.widgets.saved_views import ViewsButton
from ui.widgets.table_models import RecordTableModel


class RecordPage(QWidget):
    """Browse and edit the records of one kind."""

    changed = Signal(object)  # a Change this page wrote
    countChanged = Signal()  # noqa: N815
    openRecord = Signal(str, int)  # noqa: N815 - ask the window to show another record
    dirtyChanged = Signal(bool)  # noqa: N815
    currentChanged = Signal()  # noqa: N815 - the form shows another record

    def __init__(self, repo, kind_name: str, parent=None):
        super().__init__(parent)
        self.repo = repo
        self.kind = get_kind(kind_name)
        self._guard = False
        self._split_pending = False  # restore_state: no saved split, share it out when shown
        self._before_new: int | None = None  # the record shown when New was pressed

        bar = self._filter_bar()
        # table
        self.model = RecordTableModel(repo, kind_name, self)
        self.table = RecordTable(self.model)
        self.table.horizontalHeader().sortIndicatorChanged.connect(self._sort_changed)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        # Enter on a row goes to the form, to edit it from the keyboard
        self.table.activated.connect(lambda _index: self.form.editors["title"].setFocus())
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(bar)
        left_layout.addWidget(self.table, 1)
        right = self._form_side()

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.splitter)
        self.setTabOrder(self.filter_edit, self.status_combo)
        self.setTabOrder(self.status_combo, self.table)
        self._update_count()
        self._update_buttons()
        self.provenance.show_record(self.kind.name, None)

    def _filter_bar(self) -> QHBoxLayout:
        """The filter box, the status list and the count above the table."""
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText(_("Filter {kinds}…").format(
            kinds=_(self.kind.plural).lower()))
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setAccessibleName(_("Filter {kinds}").format(
            kinds=_(self.kind.plural).lower()))
        self.status_combo = QComboBox()
        self.status_combo.setAccessibleName(_("Status filter"))
        self.status_combo.addItem(_("All statuses"), None)
        for value, label in self.kind.statuses:
            self.status_combo.addItem(_(label), value)
        if self.kind.deadline is not None:
            self.status_combo.addItem(_("Overdue"), OVERDUE)
        self.count_label = QLabel()
        self.mine_check = None
        if self.kind.leads:  # "My items": the records naming the lead set in the preferences
            self.mine_check = QCheckBox(_("My items"))
            self.mine_check.setObjectName("myItems")
            self.mine_check.toggled.connect(lambda _on: self.apply_filter())
        self._filter_timer = QTimer(self)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(200)
        self._filter_timer.timeout.connect(self.apply_filter)
        self.filter_edit.textChanged.connect(lambda _t: self._filter_timer.start())
        self.filter_edit.returnPressed.connect(self.apply_filter)
        self.status_combo.currentIndexChanged.connect(lambda _i: self.apply_filter())
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(self.filter_edit, 1)
        bar.addWidget(self.status_combo)
        if self.mine_check is not None:
            bar.addWidget(self.mine_check)
        self.views_button = ViewsButton(self)  # saved views: filter, sort, columns
        bar.addWidget(self.views_button)
        bar.addWidget(self.count_label)
        return bar

    def my_lead(self) -> str | None:
        """The lead "My items" filters to (None when it is off or no lead is set)."""
        from ui.deadline_prefs import my_lead

        lead = my_lead() if self.mine_check is not None and self.mine_check.isChecked() else ""
        if self.mine_check is not None:
            self.mine_check.setToolTip(_("Only the items whose lead is {lead}").format(
                lead=my_lead()) if my_lead() else _(
                "Set your lead in File › Preferences to list your items"))
        return lead or None

    def _form_side(self) -> QSplitter:
        """The form (scrolling) with its buttons, above the record's sources."""
        self.form = RecordForm(self.repo, self.kind.name)
        self.form.dirtyChanged.connect(self._dirty_changed)
        self.form.openRecord.connect(self.openRecord)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidget(self.form)
        self.save_button = QPushButton(_("Save"))
        self.save_button.setAccessibleName(_("Save record"))
        self.save_button.setToolTip(_("Save (Ctrl+S)"))
        self.save_button.clicked.connect(self.save)
        self.revert_button = QPushButton(_("Revert"))
        self.revert_button.setToolTip(_("Forget the unsaved changes in the form"))
        self.revert_button.clicked.connect(self.revert)
        self.new_button = QPushButton(_("New"))
        self.new_button.setToolTip(_("New record (Ctrl+N)"))
        self.new_button.clicked.connect(self.new_record)
        self.delete_button = QPushButton(_("Delete"))
        self.delete_button.setToolTip(_("Move to the trash (Del); restorable from Trash"))
        self.delete_button.clicked.connect(self.delete_current)
        for button in (self.save_button, self.revert_button, self.new_button,
                       self.delete_button):
            button.setAutoDefault(True)  # Enter on a focused button presses it
        buttons = QHBoxLayout()
        buttons.setContentsMargins(8, 0, 8, 0)
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)
        form_box = QWidget()
        form_layout = QVBoxLayout(form_box)
        form_layout.setContentsMargins(0, 0, 0, 4)
        form_layout.addWidget(self.scroll, 1)
        form_layout.addLayout(buttons)
        self.provenance = ProvenancePanel(self.repo)
        self.provenance.openQuote.connect(self.show_quote)
        self.provenance.openRecord.connect(self.openRecord)
        self.provenance.addQuote.connect(self.add_quote)
        self.provenance.removeQuote.connect(self.remove_quote)
        self.files = AttachmentsPanel(self.repo, self.form)  # the record's attached files
        self.files.changed.connect(self.changed)
        self.files.watch(self.scroll.viewport())  # files dropped on the form are attached
        self.form.saved.connect(lambda _change: self.files.show_record())
        self.currentChanged.connect(self.files.show_record)
        self.right_splitter = QSplitter(Qt.Orientation.Vertical)
        self.right_splitter.addWidget(form_box)
        self.right_splitter.addWidget(self.provenance)
        self.right_splitter.addWidget(self.files)
        self.right_splitter.setStretchFactor(0, 4)
        self.right_splitter.setStretchFactor(1, 1)
        self.right_splitter.setStretchFactor(2, 1)
        self.right_splitter.setChildrenCollapsible(False)
        return self.right_splitter

    # -- layout -------------------------------------------------------------------------------

    def _initial_split(self) -> None:
        """First time shown: the form gets what its labels and fields need (between 38 and 55
        per cent of the width), the table the rest (at 1280 px in Russian: the list's default
        columns beside a title of ~13 letters or more, no sideways scrolling)."""
        total = sum(self.splitter.sizes())
        if not self._split_pending or total <= 0:
            return
        self._split_pending = False
        need = (self.form.sizeHint().width()
                + self.scroll.verticalScrollBar().sizeHint().width() + 8)
        form = min(max(int(total * 0.38), need), int(total * 0.55))
        self.splitter.setSizes([total - form, form])

    def save_state(self, settings: QSettings) -> None:
        prefix = f"pages/{self.kind.name}/"
        settings.setValue(prefix + "splitter", self.splitter.saveState())
        settings.setValue(prefix + "right_splitter", self.right_splitter.saveState())
        self.table.save_state(settings, prefix)

    def restore_state(self, settings: QSettings) -> None:
        prefix = f"pages/{self.kind.name}/"
        for key, widget in (("splitter", self.splitter), ("right_splitter", self.right_splitter)):
            state = settings.value(prefix + key)
            if state is not None:
                widget.restoreState(state)
            elif widget is self.splitter:  # shared out when first shown
                self._split_pending = True
            elif widget is self.right_splitter:  # sources and files get a useful share at first
                widget.setSizes([520, 150, 150])
        self.table.restore_state(settings, prefix)

    # -- filter and sort ----------------------------------------------------------------------

    def show_status(self, status: str | None) -> None:
        """List the records with ``status`` (None: every status), the text filter cleared."""
        i = self.status_combo.findData(status)
        self.filter_edit.blockSignals(True)
        self.filter_edit.clear()
        self.filter_edit.blockSignals(False)
        self.status_combo.setCurrentIndex(max(i, 0))
        self.apply_filter()
        shown = self.form.record_id
        if not self.form.is_dirty() and self.model.rowCount() and (
                shown is None or self.model.row_of_id(shown, hint=0, exact=False) is None):
            self.select_record(self.model.id_at(0))  # the form shows a record of the list
        self.table.setFocus()

    def apply_filter(self) -> None:
        self._filter_timer.stop()
        search = self.filter_edit.text()
        status = self.status_combo.currentData()
        lead = self.my_lead()
        if search == self.model.search and status == self.model.status \
                and lead == self.model.lead:
            return
        keep = self.form.record_id
        self._guard = True
        try:
            self.model.lead = lead
            self.model.set_filter(search, status)
        finally:
            self._guard = False
        # kept selected if it is on the first screen; the form keeps showing it either way
        self._reselect(keep, hint=0, exact=False)
        self._update_count()

    def _sort_changed(self, column: int, order) -> None:
        keep = self.form.record_id
        self._guard = True
        try:
            self.model.sort(column, order)
            if self.model.sort_column() != column:  # a computed column: the order stays
                header = self.table.horizontalHeader()
                header.blockSignals(True)
                header.setSortIndicator(self.model.sort_column(), Qt.SortOrder.DescendingOrder
                                        if self.model.descending else Qt.SortOrder.AscendingOrder)
                header.blockSignals(False)
        finally:
            self._guard = False
        self._reselect(keep, hint=0, exact=False)

    def _update_count(self) -> None:
        shown = self.model.rowCount()
        total = self.repo.count(self.kind.name) if (
            self.model.search or self.model.status or self.model.lead) else shown
        if shown == total:
            self.count_label.setText(ngettext("{n} record", "{n} records", shown).format(
                n=shown))
        else:
            self.count_label.setText(_("{shown} of {total}").format(shown=shown, total=total))
        self.countChanged.emit()

    def record_count(self) -> int:
        return self.model.rowCount()

    # -- selection ----------------------------------------------------------------------------

    def current_id(self) -> int | None:
        return self.form.record_id

    def _row_changed(self, current, previous) -> None:
        if self._guard:
            return
        new_id = self.model.id_at(current.row()) if current.isValid() else None
        if new_id is not None and new_id == self.form.record_id:
            return
        if not self.maybe_leave():
            self._guard = True
            try:
                row = self.model.row_of_id(self.form.record_id) \
                    if self.form.record_id is not None else None
                if row is None:
                    self.table.selectionModel().clearSelection()
                else:
                    self.table.selectRow(row)
            finally:
                self._guard = False
            return
        if new_id is not None:
            self._load(new_id)

    def _load(self, record_id: int | None) -> None:
        self.form.load(record_id)
        self.provenance.show_record(self.kind.name, self.form.record)
        self._update_buttons()
        self.currentChanged.emit()

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        if self._split_pending:
            QTimer.singleShot(0, self, self._initial_split)
        QTimer.singleShot(0, self.table, self.table.fit_title)  # after the scroll bars have settled
        # A page opens on its first record rather than on an empty form.
        if self.form.record_id is None and not self.form.is_dirty() and self.model.rowCount():
            self._load(self.model.id_at(0))
            self._reselect(self.form.record_id)

    def select_record(self, record_id: int) -> bool:
        """Show ``record_id`` in the form and select its row (clearing filters that hide it)."""
        if record_id == self.form.record_id:
            self._reselect(record_id)
            return True
        if not self.maybe_leave():
            return False
        row = self.model.row_of_id(record_id)
        if row is None and (self.model.search or self.model.status or self.model.lead):
            self._guard = True
            try:
                if self.mine_check is not None:
                    self.mine_check.blockSignals(True)
                    self.mine_check.setChecked(False)
                    self.mine_check.blockSignals(False)
                self.model.lead = None
                self.filter_edit.blockSignals(True)
                self.filter_edit.clear()
                self.filter_edit.blockSignals(False)
                self.status_combo.blockSignals(True)
                self.status_combo.setCurrentIndex(0)
                self.status_combo.blockSignals(False)
                self.model.set_filter("", None)
            finally:
                self._guard = False
            self._update_count()
            row = self.model.row_of_id(record_id)
        self._load(record_id)
        self._reselect(record_id)
        return self.form.record_id == record_id

    def _reselect(self, record_id: int | None, *, hint: int | None = None,
                  exact: bool = True) -> None:
        self._guard = True
        try:
            row = None if record_id is None else self.model.row_of_id(record_id, hint=hint,
                                                                       exact=exact)
            if row is None:
                self.table.selectionModel().clearSelection()
            else:
                index = self.model.index(row, 0)
                self.table.selectionModel().setCurrentIndex(
                    index, self.table.selectionModel().SelectionFlag.ClearAndSelect
                    | self.table.selectionModel().SelectionFlag.Rows)
                self.table.scrollTo(index, QAbstractItemView.ScrollHint.EnsureVisible)
        finally:
            self._guard = False

    def maybe_leave(self) -> bool:
        """Before the form shows something else: Save / Discard / Cancel unsaved changes."""
        if not self.form.is_dirty():
            return True
        answer = ask_unsaved(self, self.form.describe())
        if answer == SAVE:
            return self.save() is not None
        if answer == DISCARD:
            self.form.revert()
            return True
        assert answer == CANCEL
        return False

    # -- commands -----------------------------------------------------------------------------

    def new_record(self) -> None:
        if not self.maybe_leave():
            return
        if self.form.record_id is not None:
            self._before_new = self.form.record_id
        self._guard = True
        try:
            self.table.selectionModel().clearSelection()
            self.table.selectionModel().setCurrentIndex(
                self.model.index(-1, -1), self.table.selectionModel().SelectionFlag.Clear)
        finally:
            self._guard = False
        self._load(None)
        self.form.editors["title"].setFocus()

    def save(self):
        change = self.form.save()
        if change is not None and change.action == "unchanged":  # the record had those values
            self.say(change.label)
        elif change is not None:
            self.provenance.show_record(self.kind.name, self.form.record)
            self.changed.emit(change)
        return change

    def say(self, text: str) -> None:
        """A short message in the window's status bar (when the page is in a window)."""
        bar = getattr(self.window(), "statusBar", None)
        if callable(bar):
            bar().showMessage(text, 5000)

    def revert(self) -> None:
        if self.form.record_id is None and self.form.is_dirty():
            self.form.revert()  # a new record forgotten: back to the record shown before
            self._show_instead_of_new()
            return
        self.form.revert()

    def _fallback_id(self) -> int | None:
        """The record to show instead of a new one that was forgotten or undone: the one shown
        before New if it is still there, else the first of the list."""
        before = self._before_new
        if before is not None:
            try:
                if not self.repo.get(self.kind.name, before).get("deleted_at"):
                    return before
            except NotFound:
                pass
        return self.model.id_at(0) if self.model.rowCount() else None

    def _show_instead_of_new(self) -> None:
        rid = self._fallback_id()
        if rid is not None:
            self._load(rid)
            self._reselect(rid)
        self._update_buttons()

    def delete_current(self):
        rid = self.form.record_id
        if rid is None:
            return None
        current = self.table.selectionModel().currentIndex()
        row = current.row() if current.isValid() and self.model.id_at(current.row()) == rid \
            else None
        expected = self.form.loaded_version
        shown = self.form.record or {}
        try:
            change = self.repo.delete(self.kind.name, rid, expected_version=expected)
        except ConflictError as exc:
            messages.warning(self, _("Not deleted"), str(exc))
            return None
        except (TrackerError, NotFound) as exc:
            messages.critical(self, _("Not deleted"), str(exc))
            return None
        self.form.load(None)
        self.provenance.show_record(self.kind.name, None)
        self.changed.emit(change)  # the window refreshes the pages
        if row is not None and self.form.record_id is None and not self.form.is_dirty():
            self._show_row_after_delete(rid, row)
        self.currentChanged.emit()
        title = messages.clip(" ".join(str(shown.get("title") or "").split()), 80)
        self.say(_("Moved to the Trash: {kind} “{title}” (Ctrl+Z brings it back)").format(
            kind=_(self.kind.label).lower(), title=title))
        return change

    def _show_row_after_delete(self, deleted: int, row: int) -> None:
        """The record that took the deleted one's place is shown, as in a list one works down."""
        if self.model.row_of_id(deleted, hint=row, exact=False) is not None:
            self._guard = True
            try:
                self.model.reload()  # (a page without a window around it)
            finally:
                self._guard = False
            self._update_count()
        n = self.model.rowCount()
        if not n:
            return
        next_id = self.model.id_at(min(row, n - 1))
        if next_id is not None:
            self._load(next_id)
            self._reselect(next_id, hint=min(row, n - 1))

    def add_quote(self):
        """Ask for a source and its words, then add them to the record's citations."""
        if not self._citations_editable():
            return None
        dialog = QuoteDialog(self.repo, self)
        if dialog.exec() != QDialog.DialogCode.Accepted or not dialog.check():
            return None
        current = [{"source_id": c["source_id"], "quote": c["quote"]}
                   for c in self.form.record.get("citations") or []]
        return self._write_citations([*current, dialog.citation()])

    def remove_quote(self, position: int):
        if not self._citations_editable():
            return None
        current = [{"source_id": c["source_id"], "quote": c["quote"]}
                   for c in self.form.record.get("citations") or []]
        if not 0 <= position < len(current):
            return None
        del current[position]
        return self._write_citations(current)

    def _citations_editable(self) -> bool:
        if self.form.record is None or self.form.is_read_only():
            return False
        if self.form.is_dirty():
            messages.information(self, _("Sources"), _(
                "Save or revert the changes in the form first."))
            return False
        return True

    def _write_citations(self, citations: list[dict]):
        try:
            change = self.repo.set_citations(self.kind.name, self.form.record_id, citations,
                                             expected_version=self.form.loaded_version)
        except ConflictError as exc:
            messages.warning(self, _("Not saved"), str(exc))
            return None
        except TrackerError as exc:
            messages.critical(self, _("Not saved"), str(exc))
            return None
        self.form.load_record(change.record)
        self.provenance.show_record(self.kind.name, self.form.record)
        self.changed.emit(change)
        return change

    def show_quote(self, source_id: int, quote: str) -> None:
        viewer = SourceViewer(self.repo, source_id, quote, self)
        viewer.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.viewer = viewer
        viewer.open()  # window-modal; returns at once

    # -- refresh ------------------------------------------------------------------------------

    def refresh(self, record_id: int | None = None, *, reload_form: bool = True) -> None:
        """Re-read the table (and the form, unless it holds unsaved edits)."""
        keep = record_id if record_id is not None else self.form.record_id
        current = self.table.selectionModel().currentIndex()
        hint = current.row() if current.isValid() and keep == self.form.record_id else None
        self._guard = True
        try:
            self.model.reload()
        finally:
            self._guard = False
        self._update_count()
        if reload_form and not self.form.is_dirty():
            if keep is not None:
                try:
                    rec = self.repo.get(self.kind.name, keep)
                except NotFound:
                    rec = None
                if rec is None or rec.get("deleted_at"):
                    # the record shown went (a new record undone, say): another one is shown
                    keep = self._fallback_id() if keep == self.form.record_id else None
                    self.form.load(keep)
                else:
                    self.form.load_record(rec)
            self.provenance.show_record(self.kind.name, self.form.record)
        self.form.reload_choices()
        self._reselect(keep, hint=hint)
        self._update_buttons()
        self.currentChanged.emit()

    def set_read_only(self, read_only: bool) -> None:
        self.form.set_read_only(read_only)
        self.provenance.set_editable(not read_only)
        self.files.set_editable(not read_only)
        self._update_buttons()

    def _dirty_changed(self, dirty: bool) -> None:
        self._update_buttons()
        self.dirtyChanged.emit(dirty)

    def _update_buttons(self) -> None:
        ro = self.form.is_read_only()
        self.save_button.setEnabled(not ro and (self.form.record_id is None
                                                or self.form.is_dirty()))
        self.revert_button.setEnabled(self.form.is_dirty())
        self.new_button.setEnabled(not ro)
        self.delete_button.setEnabled(not ro and self.form.record_id is not None)
