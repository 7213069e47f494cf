"""The Briefing dialog (Ctrl+E): options and presets, export off the GUI thread with progress and
Cancel, then a preview, "Open in system viewer" and Print... (Ctrl+P).

The options are one :class:`tracker.briefing.BriefingOptions`, the same object the CLI and the
saved presets use. The build runs as a task (``ui.tasks``) on a read-only session of its own
(SQLite connections belong to the thread that made them); closing the dialog cancels it.
"""

from __future__ import annotations

import datetime as _dt
import json
from pathlib import Path

from PySide6.QtCore import QDate, QSettings, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QKeySequence, QShortcut
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from tracker import briefing as core
from tracker.errors import TrackerError
from tracker.i18n import LANGUAGES, current_language
from tracker.i18n import gettext as _
from tracker.model import CLASSIFICATIONS, KINDS
from tracker.store.repository import Repository
from ui import messages
from ui.tasks import Cancelled, Task, Tasks, one_line
from ui.widgets import pdf_printing

SETTINGS_KEY = "briefing"
LANGUAGE_NAMES = {"en": "English", "ru": "Русский"}


def build(session, task: Task, options: core.BriefingOptions, out_path: Path,
          today: _dt.date | None):
    """The task's work: the briefing, with the task's progress and cancel."""
    try:
        return core.build_briefing(session, options, out_path, progress=task.progress,
                                   cancel=task.is_cancelled, today=today)
    except core.BriefingCancelled:
        raise Cancelled from None


def describe_failure(exc: BaseException) -> str:
    """Why the briefing was not made, in one line."""
    if isinstance(exc, (core.BriefingError, TrackerError, OSError, ValueError)):
        return one_line(exc)
    return _("the briefing could not be made: {error}").format(  # a bug: named, never raised
        error=f"{type(exc).__name__}: {exc}")


class BriefingDialog(QDialog):
    """Options on the left, the preview on the right, progress and actions at the bottom."""

    def __init__(self, repo: Repository, parent: QWidget | None = None):
        super().__init__(parent)
        self.repo = repo
        self.tasks = Tasks(self, lambda: self.repo)  # the build (ui.tasks)
        self.task: Task | None = None
        self.pdf_path: Path | None = None
        self.last_result: core.BriefingResult | None = None
        self.today: _dt.date | None = None  # tests pin the date; None: today
        self.setWindowTitle(_("Briefing"))
        self.setObjectName("briefing_dialog")
        self.resize(1180, 760)
        self._build_ui()
        self._load_presets()
        self._restore_settings()

    # -- layout -------------------------------------------------------------------------------

    def _build_ui(self) -> None:
        outer = QVBoxLayout(self)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        outer.addWidget(self.splitter, 1)

        # options panel
        panel = QWidget()
        form_box = QVBoxLayout(panel)
        form_box.setContentsMargins(0, 0, 6, 0)

        presets = QGroupBox(_("Presets"))
        row = QHBoxLayout(presets)
        self.preset_combo = QComboBox()
        self.preset_combo.setObjectName("preset_combo")
        self.preset_combo.setMinimumContentsLength(14)
        self.preset_combo.activated.connect(self._preset_chosen)
        self.save_preset_button = QPushButton(_("Save as…"))
        self.save_preset_button.clicked.connect(self.save_preset_dialog)
        self.delete_preset_button = QPushButton(_("Delete"))
        self.delete_preset_button.clicked.connect(self.delete_preset)
        row.addWidget(self.preset_combo, 1)
        row.addWidget(self.save_preset_button)
        row.addWidget(self.delete_preset_button)
        form_box.addWidget(presets)

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
        form_box.addWidget(general)

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
        form_box.addWidget(dates)

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
        tree_hint = QLabel(_("Expand a kind to choose the statuses it includes."))
        tree_hint.setWordWrap(True)
        tree_hint.setStyleSheet("color: palette(mid);")
        sbox.addWidget(self.section_tree, 1)
        sbox.addWidget(tree_hint)
        sbox.addWidget(self.notes_check)
        sbox.addWidget(self.sources_check)
        form_box.addWidget(sections, 1)

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(panel)
        scroll.setMinimumWidth(360)
        self.splitter.addWidget(scroll)

        # preview
        preview = QWidget()
        pbox = QVBoxLayout(preview)
        pbox.setContentsMargins(6, 0, 0, 0)
        self.preview_label = QLabel(_("Export the briefing to see it here."))
        self.preview_label.setWordWrap(True)
        self.pdf_document = QPdfDocument(self)
        self.pdf_view = QPdfView(preview)
        self.pdf_view.setObjectName("pdf_view")
        self.pdf_view.setDocument(self.pdf_document)
        self.pdf_view.setPageMode(QPdfView.PageMode.MultiPage)
        self.pdf_view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        actions = QHBoxLayout()
        self.open_button = QPushButton(_("Open in system viewer"))
        self.open_button.clicked.connect(self.open_in_viewer)
        self.print_button = QPushButton(_("Print…"))
        self.print_button.setToolTip(_("Print every page (Ctrl+P)"))
        self.print_button.clicked.connect(self.print_briefing)
        actions.addWidget(self.preview_label, 1)
        actions.addWidget(self.open_button)
        actions.addWidget(self.print_button)
        pbox.addLayout(actions)
        pbox.addWidget(self.pdf_view, 1)
        self.splitter.addWidget(preview)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([400, 780])

        # progress and buttons
        bottom = QHBoxLayout()
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setValue(0)
        self.progress.setTextVisible(True)
        self.progress.setVisible(False)
        self.status_label = QLabel("")
        self.status_label.setObjectName("status_label")
        self.status_label.setWordWrap(True)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.export_button = QPushButton(_("Export PDF…"))
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self.export_dialog)
        self.cancel_button = QPushButton(_("Cancel"))
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel_export)
        self.close_button = QPushButton(_("Close"))
        self.close_button.clicked.connect(self.reject)
        bottom.addWidget(self.status_label, 1)
        bottom.addWidget(self.progress, 1)
        bottom.addWidget(self.export_button)
        bottom.addWidget(self.cancel_button)
        bottom.addWidget(self.close_button)
        outer.addLayout(bottom)

        self.print_shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Print), self)
        self.print_shortcut.activated.connect(self.print_briefing)
        self._set_preview_actions()
        read_only = bool(getattr(self.repo, "read_only", False))
        self.save_preset_button.setEnabled(not read_only)
        self.delete_preset_button.setEnabled(not read_only)

    def _date_row(self) -> tuple[QCheckBox, QDateEdit]:
        check = QCheckBox()
        edit = QDateEdit()
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
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

    def options(self) -> core.BriefingOptions:
        """The options the widgets show (raises BriefingOptionsError for a bad combination)."""
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
            prepared_by=self.prepared_edit.text(), purpose=self.purpose_edit.toPlainText(),
            include_sources=self.sources_check.isChecked(),
            include_notes=self.notes_check.isChecked(),
            language=self.language_combo.currentData())

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
        self._select(self.classification_combo, options.max_classification)
        self._select(self.paper_combo, options.paper)
        self._select(self.language_combo, options.language)
        self.title_edit.setText(options.title)
        self.prepared_edit.setText(options.prepared_by)
        self.purpose_edit.setPlainText(options.purpose)
        self.sources_check.setChecked(options.include_sources)
        self.notes_check.setChecked(options.include_notes)

    @staticmethod
    def _select(combo: QComboBox, value) -> None:
        index = combo.findData(value)
        if index >= 0:
            combo.setCurrentIndex(index)

    # -- presets --------------------------------------------------------------------------------

    def _load_presets(self, select: str | None = None) -> None:
        self.preset_combo.blockSignals(True)
        self.preset_combo.clear()
        self.preset_combo.addItem(_("(current options)"), None)
        try:
            self._presets = self.repo.presets()
        except Exception:  # noqa: BLE001 - an old file without presets still exports
            self._presets = {}
        for name in self._presets:
            self.preset_combo.addItem(name, name)
        if select is not None:
            self._select(self.preset_combo, select)
        self.preset_combo.blockSignals(False)
        self.delete_preset_button.setEnabled(
            self.preset_combo.currentData() is not None and not self.repo.read_only)

    def _preset_chosen(self, _index: int = 0) -> None:
        name = self.preset_combo.currentData()
        self.delete_preset_button.setEnabled(name is not None and not self.repo.read_only)
        if name is None:
            return
        self.apply_preset(name)

    def apply_preset(self, name: str) -> bool:
        try:
            options = core.BriefingOptions.from_dict(self._presets[name])
        except (KeyError, core.BriefingOptionsError) as exc:
            self._show_error(_("The preset {name!r} cannot be used: {error}").format(
                name=name, error=exc))
            return False
        self.set_options(options)
        self._select(self.preset_combo, name)
        self._show_status(_("Preset {name!r} loaded.").format(name=name))
        return True

    def save_preset_dialog(self) -> None:
        current = self.preset_combo.currentData() or ""
        name, ok = QInputDialog.getText(self, _("Save preset"), _("Preset name:"), text=current)
        if ok and name.strip():
            self.save_preset(name)

    def save_preset(self, name: str) -> bool:
        try:
            options = self.options()
            self.repo.save_preset(name, options.to_dict())
        except (core.BriefingOptionsError, TrackerError) as exc:
            self._show_error(str(exc))
            return False
        clean = " ".join(name.split())
        self._load_presets(select=clean)
        self._show_status(_("Preset {name!r} saved.").format(name=clean))
        return True

    def delete_preset(self) -> None:
        name = self.preset_combo.currentData()
        if name is None:
            return
        answer = messages.question(self, _("Delete preset"), _(
            "Delete the preset {name!r}?").format(name=name))
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            self.repo.delete_preset(name)
        except TrackerError as exc:
            self._show_error(str(exc))
            return
        self._load_presets()
        self._show_status(_("Preset {name!r} deleted.").format(name=name))

    # -- export ---------------------------------------------------------------------------------

    def export_dialog(self) -> None:
        try:
            self.options()
        except core.BriefingOptionsError as exc:
            self._options_error(exc)
            return
        settings = QSettings()
        folder = settings.value(f"{SETTINGS_KEY}/folder", "") or str(Path.home())
        suggested = str(Path(folder) / _("briefing.pdf"))
        path, _filter = messages.get_save_file_name(self, _("Export briefing"), suggested,
                                                     _("PDF files (*.pdf)"))
        if path:
            if not path.lower().endswith(".pdf"):
                path += ".pdf"
            self.export_to(Path(path))

    def export_to(self, path: Path) -> bool:
        """Start building the briefing into ``path`` in a worker thread (False if it did not
        start: a build is running or the options are bad)."""
        if self.task is not None:
            return False
        try:
            options = self.options()
        except core.BriefingOptionsError as exc:
            self._options_error(exc)
            return False
        self._save_settings(options, Path(path).parent)
        out, today = Path(path), self.today
        self.task = self.tasks.run(
            lambda session, task: build(session, task, options, out, today),
            done=self._on_done, failed=self._on_failed, cancelled=self._on_cancelled,
            progress=self._on_progress, ended=self._on_finished, describe=describe_failure)
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self.export_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.close_button.setEnabled(False)
        self._show_status(_("Building the briefing…"))
        return True

    def cancel_export(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self.cancel_button.setEnabled(False)
            self._show_status(_("Cancelling…"))

    def is_busy(self) -> bool:
        return self.task is not None

    def _on_progress(self, done: int, total: int) -> None:
        self.progress.setValue(done * 1000 // max(total, 1))

    def _on_done(self, result: core.BriefingResult) -> None:
        self.last_result = result
        self.progress.setValue(1000)
        level = dict(CLASSIFICATIONS).get(result.classification, result.classification)
        self._show_status(_("Saved {path}: {pages} pages, marked {level}.").format(
            path=result.path, pages=result.pages, level=_(level)))
        self.load_preview(result.path)

    def _on_failed(self, message: str) -> None:
        self._show_error(_("The briefing was not saved: {error}").format(error=message))

    def _on_cancelled(self) -> None:
        self._show_status(_("Cancelled; no file was written."))

    def _on_finished(self) -> None:
        self.task = None
        self.progress.setVisible(False)
        self.export_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        self.close_button.setEnabled(True)

    # -- preview, viewer, printing ----------------------------------------------------------------

    def load_preview(self, path: Path) -> bool:
        self.pdf_document.close()
        error = self.pdf_document.load(str(path))
        ok = error == QPdfDocument.Error.None_ and self.pdf_document.pageCount() > 0
        if ok:
            self.pdf_path = Path(path)
            self.preview_label.setText(_("{name} — {pages} pages").format(
                name=Path(path).name, pages=self.pdf_document.pageCount()))
        else:
            self.pdf_path = None
            self.preview_label.setText(_("The preview could not be shown."))
        self._set_preview_actions()
        return ok

    def _set_preview_actions(self) -> None:
        ready = self.pdf_path is not None
        self.open_button.setEnabled(ready)
        self.print_button.setEnabled(ready)
        self.print_shortcut.setEnabled(ready)

    def open_in_viewer(self) -> None:
        if self.pdf_path is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.pdf_path)))

    def make_printer(self) -> QPrinter:
        """A printer at 300 dpi for the paper the briefing was laid out for."""
        return pdf_printing.make_printer(self.pdf_document, self.pdf_path.stem if self.pdf_path
                                         else _("Briefing"))

    def print_briefing(self) -> None:
        if self.pdf_path is None or self.pdf_document.pageCount() == 0:
            return
        printer = self.make_printer()
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(_("Print briefing"))
        dialog.setMinMax(1, self.pdf_document.pageCount())
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        printed = self.print_to(printer)
        self._show_status(_("Sent {n} pages to the printer.").format(n=printed))

    def print_to(self, printer: QPrinter) -> int:
        """Render each page (in order, at least 300 dpi) onto ``printer``; returns the count."""
        printed = pdf_printing.print_document(self.pdf_document, printer)
        if printed is None:
            self._show_error(_("The printer could not be started."))
            return 0
        return printed

    # -- messages, settings, closing --------------------------------------------------------------

    def _show_status(self, text: str) -> None:
        self.status_label.setStyleSheet("")
        self.status_label.setText(text)

    def _options_error(self, exc: core.BriefingOptionsError) -> None:
        """A bad option, named as the form labels it; the cursor goes to the field."""
        if exc.option == "purpose":
            self._show_error(_("Purpose:") + " " + exc.detail)
            self.purpose_edit.setFocus()
            return
        self._show_error(str(exc))

    def _show_error(self, text: str) -> None:
        self.status_label.setStyleSheet("color: #b3261e;")
        self.status_label.setText(" ".join(str(text).split()))

    def _save_settings(self, options: core.BriefingOptions, folder: Path | None = None) -> None:
        settings = QSettings()
        settings.setValue(f"{SETTINGS_KEY}/options", json.dumps(options.to_dict(),
                                                               ensure_ascii=False))
        if folder is not None:
            settings.setValue(f"{SETTINGS_KEY}/folder", str(folder))
        settings.setValue(f"{SETTINGS_KEY}/splitter", self.splitter.saveState())

    def _restore_settings(self) -> None:
        settings = QSettings()
        raw = settings.value(f"{SETTINGS_KEY}/options", "")
        options = None
        if raw:
            try:
                options = core.BriefingOptions.from_dict(json.loads(raw))
            except (ValueError, TypeError):
                options = None
        if options is None:
            options = core.BriefingOptions(language=current_language())
        self.set_options(options)
        state = settings.value(f"{SETTINGS_KEY}/splitter")
        if state is not None:
            self.splitter.restoreState(state)

    def done(self, result: int) -> None:
        """Closing while a build runs cancels it and waits (the temporary file is removed)."""
        if self.task is not None:
            self.tasks.stop()
            self._on_finished()
        try:
            self._save_settings(self.options())
        except core.BriefingOptionsError:
            pass
        self.pdf_document.close()
        super().done(result)
