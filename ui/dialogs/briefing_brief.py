"""The brief in the Briefing dialog (its middle column): which saved brief (or a new one), what
the briefing is (a note, a visit brief for a meeting, the full data briefing), the desk's own
text (objectives, points to make, if-raised lines, background, issues, recommendation, next
steps), and how it is printed (the annex after it, the marking, numbered copies, a Word
letterhead). The editors are the record form's own (``ui.forms.editors``), one per field of the
briefs kind; :meth:`BriefPanel.values` reads the desk's text for a
:class:`tracker.briefing.brief.Brief`."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from tracker.briefing import MAX_COPIES, NARRATIVE
from tracker.i18n import gettext as _
from tracker.model import CLASSIFICATIONS
from tracker.model.figures import BRIEFS_KIND
from ui.forms.editors import make_editor

#: The desk's text shown here (the purpose is the options' own field, on the left).
TEXT_FIELDS = tuple(name for name in NARRATIVE if name != "purpose")
#: One-line fields of the heading block, in the order of the form.
HEAD_FIELDS = ("addressee", "contact_id", "critical_date", "critical_reason")


def narrow(combo: QComboBox) -> QComboBox:
    """A combo box as wide as its column allows, not as its longest item (the column is narrow;
    the list shows each item whole)."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(10)
    return combo


class BriefPanel(QWidget):
    """The brief, its template and its printing; ``changed`` on every edit."""

    changed = Signal()

    def __init__(self, repo, parent=None):
        super().__init__(parent)
        self.repo = repo
        self.editors = {}
        box = QVBoxLayout(self)
        box.setContentsMargins(6, 0, 6, 0)
        box.addWidget(self._chooser())
        box.addWidget(self._what())
        box.addWidget(self._text(), 1)
        box.addWidget(self._printing())

    # -- parts ------------------------------------------------------------------------------------

    def _chooser(self) -> QGroupBox:
        """The saved briefs, Save, Save as new, Delete."""
        group = QGroupBox(_(BRIEFS_KIND.plural))
        box = QVBoxLayout(group)
        self.brief_combo = narrow(QComboBox())
        self.brief_combo.setObjectName("brief_combo")
        self.brief_combo.setMinimumContentsLength(14)
        self.save_button = QPushButton(_("Save"))
        self.save_button.setToolTip(_("Save the brief with its options (Ctrl+S)"))
        self.save_new_button = QPushButton(_("Save as new"))
        self.delete_button = QPushButton(_("Delete"))
        box.addWidget(self.brief_combo)
        row = QHBoxLayout()
        box.addLayout(row)
        row.addWidget(self.save_button)
        row.addWidget(self.save_new_button)
        row.addWidget(self.delete_button)
        row.addStretch(1)
        return group

    def _what(self) -> QGroupBox:
        """The template, the meeting, the brief's own level and its heading block."""
        group = QGroupBox(_("Brief"))
        form = QFormLayout(group)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.template_combo = narrow(QComboBox())
        self.template_combo.setObjectName("template_combo")
        for value, label in BRIEFS_KIND.field("template").choices:
            self.template_combo.addItem(_(label), value)
        self.template_combo.currentIndexChanged.connect(self._template_changed)
        self.template_combo.currentIndexChanged.connect(self._emit)
        form.addRow(_(BRIEFS_KIND.field("template").label) + ":", self.template_combo)
        self.meeting = self._editor("meeting_id")
        form.addRow(_(self.meeting.field.label) + ":", self.meeting)
        self.level_combo = narrow(QComboBox())
        self.level_combo.setObjectName("brief_level_combo")
        for value, label in CLASSIFICATIONS:
            self.level_combo.addItem(_(label), value)
        self.level_combo.setToolTip(_("The brief's own classification: a briefing limited "
                                      "below it is refused."))
        self.level_combo.currentIndexChanged.connect(self._emit)
        form.addRow(_("Brief classified:"), self.level_combo)
        for name in HEAD_FIELDS:
            editor = self._editor(name)
            form.addRow(_(editor.field.label) + ":", editor)
        return group

    def _text(self) -> QGroupBox:
        group = QGroupBox(_("Text"))
        form = QFormLayout(group)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        for name in TEXT_FIELDS:
            editor = self._editor(name)
            form.addRow(_(editor.field.label) + ":", editor)
        return group

    def _printing(self) -> QGroupBox:
        """The annex, the marking, numbered copies, the Word letterhead."""
        group = QGroupBox(_("Printing"))
        form = QFormLayout(group)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.annex_check = QCheckBox(_("Add the full data briefing as an annex"))
        self.annex_check.setObjectName("annex_check")
        self.annex_check.toggled.connect(self._emit)
        form.addRow(self.annex_check)
        self.marking_combo = narrow(QComboBox())
        self.marking_combo.setObjectName("marking_combo")
        self.marking_combo.addItem(_("As the database sets it"), "")
        self.marking_combo.addItem(_("Top and bottom of every page"), "banner")
        self.marking_combo.addItem(_("First page, top right, with the copy number"), "corner")
        self.marking_combo.currentIndexChanged.connect(self._emit)
        form.addRow(_("Marking:"), self.marking_combo)
        self.copies_spin = QSpinBox()
        self.copies_spin.setObjectName("copies_spin")
        self.copies_spin.setRange(0, MAX_COPIES)
        self.copies_spin.setSpecialValueText(_("one, unnumbered"))
        self.copies_spin.setToolTip(_("Numbered copies in one file (Copy No. 1, 2, …), each "
                                      "with its own page numbers."))
        self.copies_spin.valueChanged.connect(self._emit)
        form.addRow(_("Copies:"), self.copies_spin)
        self.letterhead_edit = QLineEdit()
        self.letterhead_edit.setObjectName("letterhead_edit")
        self.letterhead_edit.setPlaceholderText(_("none (Word files only)"))
        self.letterhead_edit.setClearButtonEnabled(True)
        self.letterhead_button = QToolButton()
        self.letterhead_button.setText(_("Choose…"))
        self.letterhead_button.setToolTip(_("Choose a Word letterhead (.docx or .dotx)"))
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(self.letterhead_edit, 1)
        line.addWidget(self.letterhead_button)
        form.addRow(_("Letterhead:"), row)
        return group

    def _editor(self, name: str):
        editor = make_editor(BRIEFS_KIND.field(name), self.repo)
        editor.changed.connect(self._emit)
        self.editors[name] = editor
        return editor

    def _emit(self, *_args) -> None:
        self.changed.emit()

    def _template_changed(self) -> None:
        visit = self.template_combo.currentData() == "visit"
        self.meeting.setEnabled(visit)
        self.annex_check.setEnabled(self.template_combo.currentData() != "annex")

    # -- values -----------------------------------------------------------------------------------

    def values(self) -> dict:
        """The desk's text and heading block, by the briefs kind's field names."""
        out = {}
        for name, editor in self.editors.items():
            if name != "meeting_id":
                editor.commit_text()
                value = editor.value()
                out[name] = value if value not in ("", None) else None
        out["classification"] = self.level_combo.currentData()
        return out

    def set_values(self, record: dict) -> None:
        """Show a brief's text (a record of the briefs kind, or {} for a new one)."""
        for name, editor in self.editors.items():
            if name != "meeting_id":
                editor.set_value(record.get(name))
        self.select(self.level_combo, record.get("classification") or "internal")

    def printing(self) -> dict:
        """The options this panel holds, by :class:`BriefingOptions`' names."""
        self.meeting.commit_text()
        return {"template": self.template_combo.currentData(),
                "meeting_id": self.meeting.value(),
                "with_annex": self.annex_check.isChecked(),
                "marking": self.marking_combo.currentData(),
                "copies": self.copies_spin.value()}

    def set_printing(self, options) -> None:
        self.select(self.template_combo, options.template)
        self.meeting.set_value(options.meeting_id)
        self.annex_check.setChecked(options.with_annex)
        self.select(self.marking_combo, options.marking)
        self.copies_spin.setValue(options.copies)
        self._template_changed()

    def letterhead(self) -> str | None:
        return self.letterhead_edit.text().strip() or None

    def set_read_only(self, read_only: bool) -> None:
        for button in (self.save_button, self.save_new_button, self.delete_button):
            button.setEnabled(not read_only)

    @staticmethod
    def select(combo: QComboBox, value) -> None:
        index = combo.findData(value)
        if index >= 0:
            combo.setCurrentIndex(index)
