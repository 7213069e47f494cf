"""ONE generic record form, built from the core's field declarations (``kind.fields``).

Each field gets the editor its type is registered with (``ui.forms.editors.EDITORS``); nothing
here knows a particular kind or field type. Validation is the repository's (``repo.check``):
problems are shown in red under their field and nothing is saved until they are fixed.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import QFormLayout, QLabel, QMessageBox, QVBoxLayout, QWidget

from tracker.errors import TrackerError
from tracker.i18n import gettext as _
from tracker.i18n import short_date
from tracker.model import REPORTS_KEY, get_kind, normalize
from tracker.model.reports import newest_progress
from tracker.store.errors import ConflictError, NotFound, StorageError, ValidationError
from ui import messages
from ui.forms.base import Editor
from ui.forms.editors import make_editor
from ui.forms.warnings import show_warnings, warning_label
from ui.widgets.table_models import utc_to_local

ERROR_STYLE = "color: #c62828;"


# --- dialogs (module functions so tests can patch QMessageBox) -----------------------------------

SAVE, DISCARD, CANCEL = "save", "discard", "cancel"


def ask_unsaved(parent, what: str) -> str:
    """Save / Discard / Cancel for a form with unsaved changes."""
    answer = messages.question(
        parent, _("Unsaved changes"),
        _("{what} has unsaved changes. Save them?").format(what=what),
        QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
        | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Save)
    if answer == QMessageBox.StandardButton.Save:
        return SAVE
    if answer == QMessageBox.StandardButton.Discard:
        return DISCARD
    return CANCEL


# --- the form -------------------------------------------------------------------------------------


def wrap_long_label(label: QLabel) -> None:
    """A form label longer than ~12 letters (Russian ones) wraps onto more lines, right-aligned,
    so that the fields keep their room and the form stays narrow; every line is shown."""
    widest = label.fontMetrics().horizontalAdvance("M") * 12
    if label.sizeHint().width() > widest:
        label.setWordWrap(True)
        label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        label.setFixedWidth(widest)
        label.setMinimumHeight(label.heightForWidth(widest))

class RecordForm(QWidget):
    """Shows and edits one record of one kind; ``save()`` goes through the repository."""

    dirtyChanged = Signal(bool)  # noqa: N815 - Qt naming
    saved = Signal(object)  # the Change
    openRecord = Signal(str, int)  # noqa: N815 - a linked record, to be shown

    def __init__(self, repo, kind_name: str, parent=None):
        super().__init__(parent)
        self.repo = repo
        self.kind = get_kind(kind_name)
        self.record_id: int | None = None
        self.loaded_version: int | None = None
        self.record: dict | None = None
        self._baseline: dict = {}
        self._dirty = False
        self._read_only = False
        self.editors: dict[str, Editor] = {}
        self.error_labels: dict[str, QLabel] = {}
        self.field_labels: dict[str, QLabel] = {}
        self.warning_labels: dict[str, QLabel] = {}  # contradictions (ui.forms.warnings)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 8, 8, 8)
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.heading.setFont(font)
        self.heading.setAccessibleName(_("Record heading"))
        outer.addWidget(self.heading)
        self.meta = QLabel()
        self.meta.setTextFormat(Qt.TextFormat.PlainText)
        self.meta.setWordWrap(True)
        self.meta.setStyleSheet("color: palette(mid);")
        outer.addWidget(self.meta)
        self.overdue_label = QLabel(_("Overdue: the due date has passed and the item is not done"))
        self.overdue_label.setStyleSheet(ERROR_STYLE + " font-weight: bold;")
        self.overdue_label.setWordWrap(True)
        self.overdue_label.hide()
        outer.addWidget(self.overdue_label)
        self.form_problem = QLabel()
        self.form_problem.setStyleSheet(ERROR_STYLE)
        self.form_problem.setWordWrap(True)
        self.form_problem.setTextFormat(Qt.TextFormat.PlainText)
        self.form_problem.hide()
        outer.addWidget(self.form_problem)

        outer.addLayout(self._fields())
        hint = QLabel(_("* required"))
        hint.setStyleSheet("color: palette(mid);")
        outer.addWidget(hint)
        outer.addStretch(1)
        self.load(None)
        from ui.forms.undo_keys import install

        self.undo_keys = install(self)  # Ctrl+Z after a save undoes the save

    def _fields(self) -> QFormLayout:
        """One row per field: its label, its editor (``EDITORS``) and a problem line under it."""
        layout = QFormLayout()
        layout.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        layout.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        for f in self.kind.fields:
            self._add_row(layout, make_editor(f, self.repo))
        self.computed_labels: dict[str, QLabel] = {}
        for c in self.kind.computed:  # read-only rows: what the core computes from the fields
            value = QLabel()
            value.setTextFormat(Qt.TextFormat.PlainText)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setAccessibleName(_(c.label))
            label = QLabel(_("{label} (computed)").format(label=_(c.label)))
            label.setToolTip(_(c.help))
            value.setToolTip(_(c.help))
            label.setStyleSheet("font-style: italic;")
            wrap_long_label(label)  # as the fields' labels: the form stays narrow
            layout.addRow(label, value)
            self.computed_labels[c.name] = value
        if self.kind.reports is not None:
            from ui.forms.reports import ReportsEditor

            # a table of its own: its heading above it, the table the form's whole width (beside
            # its label it made the form too wide for the list at 1280 px in Russian)
            self._add_row(layout, ReportsEditor(self.repo), full_width=True)
        return layout

    def _add_row(self, layout: QFormLayout, editor: Editor, *, full_width: bool = False) -> None:
        """A field's row: its label, its editor and a problem line under it (``full_width``:
        the label on a line of its own above the editor)."""
        f = editor.field
        editor.changed.connect(self.check_changes)
        editor.openRecord.connect(self.openRecord)
        error = QLabel()
        error.setStyleSheet(ERROR_STYLE)
        error.setWordWrap(True)
        error.setTextFormat(Qt.TextFormat.PlainText)
        error.setAccessibleName(_("Problem with {field}").format(field=_(f.label)))
        error.hide()
        cell = QWidget()
        cell_layout = QVBoxLayout(cell)
        cell_layout.setContentsMargins(0, 0, 0, 0)
        cell_layout.setSpacing(2)
        cell_layout.addWidget(editor)
        cell_layout.addWidget(error)
        self.warning_labels[f.name] = warning_label(f)
        cell_layout.addWidget(self.warning_labels[f.name])
        label = QLabel(_(f.label) + (" *" if f.required else ""))
        label.setBuddy(editor.focusProxy() or editor)
        if not full_width:
            wrap_long_label(label)
        if f.help:
            label.setToolTip(_(f.help))
        if full_width:
            layout.addRow(label)
            layout.addRow(cell)
        else:
            layout.addRow(label, cell)
        self.editors[f.name] = editor
        self.error_labels[f.name] = error
        self.field_labels[f.name] = label

    # -- loading ------------------------------------------------------------------------------

    def load(self, record_id: int | None) -> None:
        """Show a stored record (or a new one with defaults when ``record_id`` is None)."""
        if record_id is None:
            self._show(None, self.kind.defaults())
            return
        try:
            record = self.repo.get(self.kind.name, record_id)
        except NotFound:
            self._show(None, self.kind.defaults())
            return
        self._show(record, record)

    def load_record(self, record: dict) -> None:
        self._show(record, record)

    def _show(self, record: dict | None, values: dict) -> None:
        self.record = record
        self.record_id = record["id"] if record else None
        self.loaded_version = record["version"] if record else None
        for name, editor in self.editors.items():
            with QSignalBlocker(editor):
                editor.set_value(values.get(name))
        self._follow_fields()
        self.clear_problems()
        self._baseline = self.values()
        self.show_warnings(self._baseline)
        self._tell_editors(self._baseline)
        self.set_dirty(False)
        self._update_heading()
        self.set_read_only(self._read_only)

    def _update_heading(self) -> None:
        if self.record is None:
            self.overdue_label.hide()
            self.heading.setText(_("New {kind}").format(kind=_(self.kind.label).lower()))
            self.meta.setText(_("Not saved yet. Fill in the fields and press Save (Ctrl+S)."))
            return
        r = self.record
        self.heading.setText(r.get("title") or "")
        when = utc_to_local(r.get("updated_at"))  # local time, as in the tables and History
        meta = _("#{id} · version {version} · changed {when} by {who}").format(
            id=r["id"], version=r["version"], when=when, who=r.get("updated_by") or "?")
        if r.get("deleted_at"):
            meta += " · " + _("in the trash")
        self.meta.setText(meta)
        overdue = self.kind.is_overdue(r)
        self.overdue_label.setVisible(overdue)

    def reload_choices(self) -> None:
        """Link pickers read their targets again (after records of another kind changed)."""
        for editor in self.editors.values():
            with QSignalBlocker(editor):
                editor.reload_choices()

    # -- state --------------------------------------------------------------------------------

    def values(self) -> dict[str, Any]:
        return {name: editor.value() for name, editor in self.editors.items()}

    def is_dirty(self) -> bool:
        return self._dirty

    def check_changes(self) -> None:
        """Compare the editors with the record as loaded: the form is dirty when they differ
        (or a link field holds typing that names no record yet)."""
        self._follow_fields()
        values = self.values()
        self._tell_editors(values)
        self.show_warnings(values)
        self.set_dirty(values != self._baseline or any(
            e.has_pending_text() for e in self.editors.values()))

    def _tell_editors(self, values: dict[str, Any]) -> None:
        for editor in self.editors.values():
            editor.form_changed(self.kind, values)

    def _follow_fields(self) -> None:
        """What follows the fields as they are edited: the computed rows, and the progress the
        newest report sets (read-only while a report gives one)."""
        if self.computed_labels:
            clean, _problems = normalize(self.kind, {
                k: v for k, v in self.values().items() if self.kind.has_field(k)})
            for name, value in self.kind.compute(clean).items():
                self.computed_labels[name].setText(short_date(value) if value else "—")
        field = self.kind.reports.progress if self.kind.reports is not None else None
        if field is None or REPORTS_KEY not in self.editors:
            return
        newest = newest_progress(self.editors[REPORTS_KEY].value())
        editor = self.editors[field]
        if newest is not None and editor.value() != newest:
            with QSignalBlocker(editor):
                editor.set_value(newest)
        editor.set_read_only(self._read_only or newest is not None or bool(
            self.record and self.record.get("deleted_at")))
        editor.setToolTip(_("Set by the newest implementation report") if newest is not None
                          else "")

    def set_dirty(self, dirty: bool) -> None:
        """Mark the form as holding unsaved changes or not (``dirtyChanged`` says so)."""
        if dirty != self._dirty:
            self._dirty = dirty
            self.dirtyChanged.emit(dirty)

    def set_read_only(self, read_only: bool) -> None:
        self._read_only = read_only
        deleted = bool(self.record and self.record.get("deleted_at"))
        for editor in self.editors.values():
            editor.set_read_only(read_only or deleted)
        self._follow_fields()

    def is_read_only(self) -> bool:
        return self._read_only

    def describe(self) -> str:
        if self.record is None:
            return _("The new {kind}").format(kind=_(self.kind.label).lower())
        return _("{kind} “{title}”").format(kind=_(self.kind.label),
                                            title=self.record.get("title") or "")

    # -- problems -----------------------------------------------------------------------------

    def clear_problems(self) -> None:
        for label in self.error_labels.values():
            label.clear()
            label.hide()
        self.form_problem.clear()
        self.form_problem.hide()

    def show_problems(self, problems: dict[str, str]) -> None:
        self.clear_problems()
        first = None
        other = []
        order = {name: i for i, name in enumerate(self.editors)}  # the form's order
        for name, message in sorted(problems.items(),
                                    key=lambda p: order.get(p[0], len(order))):
            label = self.error_labels.get(name)
            if label is None:
                other.append(f"{name}: {message}")
                continue
            label.setText(message)
            label.show()
            if first is None:
                first = name
        if other:
            self.form_problem.setText("; ".join(other))
            self.form_problem.show()
        if first is not None:
            self.editors[first].setFocus(Qt.FocusReason.OtherFocusReason)

    def show_warnings(self, values: dict[str, Any] | None = None) -> dict[str, str]:
        """The contradictions the values hold (``Kind.checks``), beside their fields: a
        warning, never a refusal."""
        return show_warnings(self.kind, self.warning_labels,
                             self.values() if values is None else values)

    def warnings_shown(self) -> dict[str, str]:
        return {name: label.text() for name, label in self.warning_labels.items()
                if label.text()}

    def problems_shown(self) -> dict[str, str]:
        return {name: label.text() for name, label in self.error_labels.items() if label.text()}

    # -- saving -------------------------------------------------------------------------------

    def revert(self) -> None:
        if self.record_id is None:
            self.load(None)
        else:
            self.load(self.record_id)

    def validate(self) -> dict[str, str]:
        _record, problems = self.repo.check(self.kind.name, self.values(),
                                            record_id=self.record_id)
        return problems

    def save(self):
        """Validate and write; returns the Change, or None when nothing was saved."""
        if self._read_only:
            messages.information(self, _("Read-only"),
                                    _("This database is open read-only; changes cannot be saved."))
            return None
        for editor in self.editors.values():  # a title typed but not yet confirmed counts
            editor.commit_text()
        self.check_changes()  # text that named no record went back to the linked title
        if self.record_id is not None and not self._dirty:
            return None  # nothing changed: no empty edit in the history and the undo list
        values = self.values()
        try:  # checking reads too: a server away (or a file gone) is said here as well
            problems = self.validate()
            if not problems and self.record_id is None \
                    and not self._confirm_not_a_duplicate(values):
                return None
        except NotFound:
            problems = {}
        except (StorageError, TrackerError) as exc:
            return self._not_saved(exc)
        if problems:
            self.show_problems(problems)
            return None
        try:
            if self.record_id is None:
                change = self.repo.create(self.kind.name, values)
            else:
                change = self.repo.update(self.kind.name, self.record_id, values,
                                          expected_version=self.loaded_version)
        except ValidationError as exc:
            self.show_problems(exc.problems)
            return None
        except ConflictError as exc:
            self._conflict(exc)
            return None
        except (StorageError, TrackerError) as exc:
            return self._not_saved(exc)
        self._show(change.record, change.record)
        self.saved.emit(change)
        return change

    def _not_saved(self, exc: Exception) -> None:
        messages.critical(self, _("Not saved"), _(
            "{what} was not saved: {error}\n\nYour edit is still in the form; "
            "try again when the problem is solved.").format(what=self.describe(),
                                                             error=str(exc)))

    def _confirm_not_a_duplicate(self, values: dict[str, Any]) -> bool:
        """A new record titled like one that exists: ask before saving a second (the official
        may have missed the first; two desks may enter the same meeting)."""
        same = self.repo.same_title(self.kind.name, values.get("title") or "")
        if not same:
            return True
        rid, title = same[0]
        answer = messages.question(
            self, _("Already recorded?"),
            _("“{title}” is already recorded ({kind} #{id}). Save another one?").format(
                kind=_(self.kind.label), title=title, id=rid),
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel)
        return answer == QMessageBox.StandardButton.Save

    def _conflict(self, exc: ConflictError) -> None:
        answer = messages.question(
            self, _("Changed by someone else"),
            _("{error}\n\nNothing was overwritten. Reload the record now? "
              "Your edits in the form will be lost; copy anything you need first.").format(
                error=str(exc)),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        if answer == QMessageBox.StandardButton.Yes:
            self.load(exc.record_id)
