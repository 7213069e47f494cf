"""The briefing's options as a form (the Briefing dialog's left half): presets, the document,
the dates, the sections and their statuses. :meth:`OptionsPanel.options` reads them as one
:class:`tracker.briefing.BriefingOptions` (the object the CLI and the presets use),
:meth:`OptionsPanel.set_options` shows one."""

from __future__ import annotations

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from tracker import briefing as core
from tracker.i18n import LANGUAGES
from tracker.i18n import gettext as _
from tracker.model import CLASSIFICATIONS, KINDS
from tracker.model.timeline import TIMELINE_KIND
from ui.forms.base import day_format

LANGUAGE_NAMES = {"en": "English", "ru": "Русский"}


class OptionsPanel(QWidget):
    """Every option of a briefing; the presets row on top (the dialog handles the presets)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        form_box = QVBoxLayout(self)
        form_box.setContentsMargins(0, 0, 6, 0)
        form_box.addWidget(self._presets())
        form_box.addWidget(self._document())
        form_box.addWidget(self._dates())
        form_box.addWidget(self._sections(), 1)
        for label in self.findChildren(QLabel):  # their height is set at each resize, below:
            if label.wordWrap():  # height-for-width would let the layouts squeeze the tree
                policy = label.sizePolicy()
                policy.setHeightForWidth(False)
                label.setSizePolicy(policy)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt API
        """Each wrapped hint as tall as its lines at this width: the layout's own guess is one
        line short in Russian (and at 150 %), and the hint was drawn over the section tree."""
        super().resizeEvent(event)
        for label in self.findChildren(QLabel):
            if label.wordWrap() and label.width() > 0:
                need = label.heightForWidth(label.width())
                if need > 0 and need != label.minimumHeight():
                    label.setMinimumHeight(need)

    def _presets(self) -> QGroupBox:
        """A preset's name, Save as… and Delete."""
        presets = QGroupBox(_("Presets"))
        row = QHBoxLayout(presets)
        self.preset_combo = QComboBox()
        self.preset_combo.setObjectName("preset_combo")
        self.preset_combo.setMinimumContentsLength(14)
        self.save_preset_button = QPushButton(_("Save as…"))
        self.delete_preset_button = QPushButton(_("Delete"))
        row.addWidget(self.preset_combo, 1)
        row.addWidget(self.save_preset_button)
        row.addWidget(self.delete_preset_button)
        return presets

    def _document(self) -> QGroupBox:
        """Title, author, purpose, classification, paper and language."""
        general = QGroupBox(_("Document"))
        form = QFormLayout(general)
        self.title_edit = QLineEdit()
        self.title_edit.setPlaceholderText(_("Briefing"))
        self.title_edit.setMaxLength(core.MAX_TITLE)
        self.prepared_edit = QLineEdit()
        self.prepared_edit.setMaxLength(core.MAX_PREPARED_BY)
        self.purpose_edit = QPlainTextEdit()
        self.purpose_edit.setObjectName("purpose_edit")
        self.purpose_edit.setPlaceholderText(_(
            "One paragraph printed before the executive summary (optional)"))
        self.purpose_edit.setTabChangesFocus(True)  # Tab moves on, as in the other fields
        lines = self.purpose_edit.fontMetrics().lineSpacing()
        self.purpose_edit.setFixedHeight(lines * 3 + 12)
        self.classification_combo = QComboBox()
        for value, label in CLASSIFICATIONS:
            self.classification_combo.addItem(_(label), value)
        self.classification_combo.setToolTip(_(
            "Records classified above this level are left out; every page is marked with the "
            "highest level the briefing actually includes."))
        self.paper_combo = QComboBox()
        self.paper_combo.addItem("A4", "a4")
        self.paper_combo.addItem(_("Letter"), "letter")
        self.language_combo = QComboBox()
        for code in LANGUAGES:
            self.language_combo.addItem(LANGUAGE_NAMES.get(code, code), code)
        form.addRow(_("Title:"), self.title_edit)
        form.addRow(_("Prepared by:"), self.prepared_edit)
        form.addRow(_("Purpose:"), self.purpose_edit)
        form.addRow(_("Highest classification:"), self.classification_combo)
        # Paper and language share a row (two short lists), so the panel fits without scrolling.
        paper_row = QWidget()
        prow = QHBoxLayout(paper_row)
        prow.setContentsMargins(0, 0, 0, 0)
        prow.addWidget(self.paper_combo, 1)
        language_label = QLabel(_("Language:"))
        language_label.setBuddy(self.language_combo)
        prow.addSpacing(6)
        prow.addWidget(language_label)
        prow.addWidget(self.language_combo, 1)
        form.addRow(_("Paper:"), paper_row)
        return general

    def _dates(self) -> QGroupBox:
        """From and To, each ticked to apply."""
        dates = QGroupBox(_("Dates"))
        dform = QFormLayout(dates)
        self.from_check, self.from_edit = self._date_row()
        self.to_check, self.to_edit = self._date_row()
        # From and To share a row, so the panel fits 760 px without scrolling.
        both = QWidget()
        brow = QHBoxLayout(both)
        brow.setContentsMargins(0, 0, 0, 0)
        brow.addWidget(self._pair(self.from_check, self.from_edit, _("From:")), 1)
        brow.addSpacing(8)
        brow.addWidget(self._pair(self.to_check, self.to_edit, _("To:")), 1)
        dform.addRow(both)
        hint = QLabel(_("Applied to each kind's main date (signed, started, due, start). "
                        "Unticked: no limit."))
        hint.setWordWrap(True)
        hint.setStyleSheet("color: palette(mid);")
        dform.addRow(hint)
        return dates

    def _sections(self) -> QGroupBox:
        """The sections, each kind's statuses, notes and the sources appendix."""
        sections = QGroupBox(_("Sections and statuses"))
        sbox = QVBoxLayout(sections)
        self.section_tree = QTreeWidget()
        self.section_tree.setObjectName("section_tree")
        self.section_tree.setHeaderHidden(True)
        self.section_tree.setMinimumHeight(160)
        # The tree takes the height left over (its default size hint, 192 px, would make the
        # panel scroll in Russian, whose hints wrap to more lines).
        self.section_tree.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Ignored)
        self.section_items: dict[str, QTreeWidgetItem] = {}
        self.status_items: dict[str, dict[str, QTreeWidgetItem]] = {}
        for section in core.SECTIONS:
            item = QTreeWidgetItem([core.section_label(section)])
            item.setData(0, Qt.ItemDataRole.UserRole, section)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(0, Qt.CheckState.Checked)
            self.section_tree.addTopLevelItem(item)
            self.section_items[section] = item
            if section in KINDS:
                self.status_items[section] = {}
                for value, label in KINDS[section].statuses:
                    child = QTreeWidgetItem([_(label)])
                    child.setData(0, Qt.ItemDataRole.UserRole, value)
                    child.setFlags(child.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                    child.setCheckState(0, Qt.CheckState.Checked)
                    item.addChild(child)
                    self.status_items[section][value] = child
        self.sources_check = QCheckBox(_("Appendix of sources with their quotes"))
        self.sources_check.setChecked(True)
        self.notes_check = QCheckBox(_("Notes of the records under each table"))
        self.notes_check.setObjectName("notes_check")
        self.notes_check.setChecked(True)
        self.timeline_group_combo = QComboBox()
        self.timeline_group_combo.setObjectName("timeline_group_combo")
        timeline_kind = TIMELINE_KIND
        for name in core.TIMELINE_GROUPS:
            g = next(g for g in timeline_kind.timeline.groups if g.name == name)
            self.timeline_group_combo.addItem(_(timeline_kind.field(g.field).label), name)
        group_row = QHBoxLayout()
        group_label = QLabel(_("Timeline grouped by:"))
        group_label.setBuddy(self.timeline_group_combo)
        group_row.addWidget(group_label)
        group_row.addWidget(self.timeline_group_combo, 1)
        self.section_tree.itemChanged.connect(lambda *_a: self._timeline_group_enabled())
        tree_hint = QLabel(_("Expand a kind to choose the statuses it includes."))
        tree_hint.setWordWrap(True)
        tree_hint.setStyleSheet("color: palette(mid);")
        sbox.addWidget(self.section_tree, 1)
        sbox.addWidget(tree_hint)
        sbox.addLayout(group_row)
        sbox.addWidget(self.notes_check)
        sbox.addWidget(self.sources_check)
        return sections

    def _timeline_group_enabled(self) -> None:
        item = self.section_items.get("timeline")
        self.timeline_group_combo.setEnabled(
            item is not None and item.checkState(0) == Qt.CheckState.Checked)

    def _date_row(self) -> tuple[QCheckBox, QDateEdit]:
        check = QCheckBox()
        edit = QDateEdit()
        edit.setCalendarPopup(True)
        edit.setDisplayFormat(day_format())
        edit.setDate(QDate.currentDate())
        edit.setEnabled(False)
        check.toggled.connect(edit.setEnabled)
        return check, edit

    def _pair(self, check: QCheckBox, edit: QDateEdit, text: str) -> QWidget:
        w = QWidget()
        row = QHBoxLayout(w)
        row.setContentsMargins(0, 0, 0, 0)
        check.setText(text)
        row.addWidget(check)
        row.addWidget(edit, 1)
        return w

    # -- options <-> widgets --------------------------------------------------------------------

    def options(self, purpose: bool = True) -> core.BriefingOptions:
        """The options the widgets show (raises BriefingOptionsError for a bad combination);
        ``purpose=False``: without the purpose (a brief's, longer than the options hold)."""
        sections = [s for s, item in self.section_items.items()
                    if item.checkState(0) == Qt.CheckState.Checked]
        statuses: dict[str, list[str]] = {}
        for kind_name, children in self.status_items.items():
            ticked = [v for v, child in children.items()
                      if child.checkState(0) == Qt.CheckState.Checked]
            if kind_name in sections and not ticked:
                raise core.BriefingOptionsError("statuses", _(
                    "tick at least one status for {kind}, or leave the section out").format(
                        kind=core.section_label(kind_name)))
            if len(ticked) < len(children):
                statuses[kind_name] = ticked
        return core.BriefingOptions(
            sections=tuple(sections), statuses=statuses,
            date_from=self._date_value(self.from_check, self.from_edit),
            date_to=self._date_value(self.to_check, self.to_edit),
            max_classification=self.classification_combo.currentData(),
            paper=self.paper_combo.currentData(), title=self.title_edit.text(),
            prepared_by=self.prepared_edit.text(),
            purpose=self.purpose_edit.toPlainText() if purpose else "",
            include_sources=self.sources_check.isChecked(),
            include_notes=self.notes_check.isChecked(),
            language=self.language_combo.currentData(),
            timeline_group=self.timeline_group_combo.currentData())

    @staticmethod
    def _date_value(check: QCheckBox, edit: QDateEdit) -> str | None:
        if not check.isChecked():
            return None
        return edit.date().toString("yyyy-MM-dd")

    def set_options(self, options: core.BriefingOptions) -> None:
        for section, item in self.section_items.items():
            item.setCheckState(0, Qt.CheckState.Checked if section in options.sections
                               else Qt.CheckState.Unchecked)
        for kind_name, children in self.status_items.items():
            wanted = options.statuses_for(kind_name)
            for value, child in children.items():
                on = wanted is None or value in wanted
                child.setCheckState(0, Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
        for check, edit, value in ((self.from_check, self.from_edit, options.date_from),
                                   (self.to_check, self.to_edit, options.date_to)):
            check.setChecked(bool(value))
            if value:
                edit.setDate(QDate.fromString(value, "yyyy-MM-dd"))
        self.select(self.classification_combo, options.max_classification)
        self.select(self.paper_combo, options.paper)
        self.select(self.language_combo, options.language)
        self.select(self.timeline_group_combo, options.timeline_group)
        self.title_edit.setText(options.title)
        from ui.audit_name import display_name  # none given: the name in the preferences

        self.prepared_edit.setText(options.prepared_by or display_name())
        self.purpose_edit.setPlainText(options.purpose)
        self.sources_check.setChecked(options.include_sources)
        self.notes_check.setChecked(options.include_notes)

    @staticmethod
    def select(combo: QComboBox, value) -> None:
        """The item of ``combo`` whose data is ``value`` (none: as it was)."""
        index = combo.findData(value)
        if index >= 0:
            combo.setCurrentIndex(index)
