"""The files attached to the record in the form: add (a button, or files dropped on the form),
open in the system's viewer, save as, remove, make a source of the text.

Storing a file and reading its text run off the GUI thread (``ui.tasks``): a task attaches it on a
session of its own and hands back the change and its undo step, which this window's session
takes (Ctrl+Z undoes it as any edit); a second task reads the text (another process, within
bounds). A file is opened from a private copy (0600, in a folder only this user may enter,
deleted when the application ends), and only when it is a document or an image: the application
never runs a file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, QUrl, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from tracker.errors import TrackerError
from tracker.i18n import gettext as _
from tracker.model.attachments import MB, describe_text, format_size, openable
from tracker.store.errors import ConflictError
from ui import messages
from ui.widgets.table_models import utc_to_local

ID_ROLE = Qt.ItemDataRole.UserRole


@dataclass
class Attached:
    """What an attaching task hands back: the last change, the undo steps (in order) and the
    contents whose text is to be read."""
    change: object = None
    steps: list = field(default_factory=list)
    contents: list = field(default_factory=list)
    problems: list = field(default_factory=list)


def attach_work(session, task, kind: str, record_id: int, paths: list[str],
                version: int | None) -> Attached:
    """On the task's session: attach each file in turn (each its own change and undo step); a
    file that cannot be attached is said and the others still are."""
    out = Attached()
    format_size(MB)  # the first sizes shown load Babel's number data: here, not on the GUI thread
    for path in paths:
        if task.is_cancelled():
            break
        try:
            change = session.attach(kind, record_id, path, expected_version=version,
                                    cancelled=task.is_cancelled, progress=task.progress)
        except ConflictError:
            raise
        except (TrackerError, OSError) as exc:
            out.problems.append(" ".join(str(exc).split()))
            continue
        version = change.record["version"]
        out.change = change
        out.steps.append(session.last_step())
        out.contents.append(change.record["attachments"][-1]["sha256"])
    return out


def read_text_work(session, task, contents: list[str]) -> int:
    from tracker.extract import read_pending

    return len(read_pending(session, only=contents, cancelled=task.is_cancelled))


_private: Path | None = None


def private_folder() -> Path:
    """This session's private folder for copies opened in viewers (0700), removed at exit;
    left-overs of a session that crashed are removed when the next one makes its own."""
    global _private
    if _private is None or not _private.is_dir():
        import atexit
        import shutil
        import tempfile
        import time

        base = Path(tempfile.gettempdir())
        for old in base.glob("bilateral-tracker-open-*"):
            try:
                if old.owner() == Path.home().owner() and \
                        time.time() - old.stat().st_mtime > 86400:
                    shutil.rmtree(old, ignore_errors=True)
            except (OSError, KeyError, NotImplementedError):
                continue
        _private = Path(tempfile.mkdtemp(prefix="bilateral-tracker-open-"))
        atexit.register(shutil.rmtree, _private, True)
    return _private


def open_in_viewer(path: Path) -> bool:
    """Hand a file to the system's viewer for its type (tests replace this)."""
    from PySide6.QtGui import QDesktopServices

    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


class AttachmentsPanel(QWidget):
    """The files of the record a form shows."""

    changed = Signal(object)  # a Change this panel wrote (the page passes it on)

    def __init__(self, repo, form, parent=None):
        super().__init__(parent)
        self.repo, self.form = repo, form
        self._tasks = None
        self.busy = ""  # what a task of this panel is doing ("": nothing)
        self.setAcceptDrops(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        self.caption = QLabel(_("Files"))
        font = self.caption.font()
        font.setBold(True)
        self.caption.setFont(font)
        layout.addWidget(self.caption)
        self.list = QTreeWidget()
        self.list.setAccessibleName(_("Files attached to this record"))
        self.list.setHeaderLabels([_("File"), _("Size"), _("Added"), _("Text")])
        self.list.setRootIsDecorated(False)
        self.list.setUniformRowHeights(True)
        self.list.setAlternatingRowColors(True)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.header().setStretchLastSection(True)
        self.list.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.list.header().setStretchLastSection(False)
        self.list.setToolTip(_("Double-click or press Enter to open a file in its viewer; drop "
                               "files here to attach them"))
        self.list.itemActivated.connect(lambda _item, _col: self.open_current())
        self.list.currentItemChanged.connect(lambda *_a: self._update_buttons())
        layout.addWidget(self.list, 1)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setStyleSheet("color: palette(mid);")
        layout.addWidget(self.status)
        self.add_button = QPushButton(_("Add file…"))
        self.add_button.setToolTip(_("Attach a file to this record (or drop files on the form)"))
        self.add_button.clicked.connect(self.add_files)
        self.open_button = QPushButton(_("Open"))
        self.open_button.clicked.connect(self.open_current)
        self.save_button = QPushButton(_("Save as…"))
        self.save_button.clicked.connect(self.save_current)
        self.source_button = QPushButton(_("Make source"))
        self.source_button.setToolTip(_("A source with this file's text, page by page, that "
                                        "records can quote"))
        self.source_button.clicked.connect(self.make_source)
        self.remove_button = QPushButton(_("Detach file"))
        self.remove_button.setToolTip(_("Remove the file from the record (Ctrl+Z brings it "
                                        "back)"))
        self.remove_button.clicked.connect(self.remove_current)
        # two rows: one row of five buttons made the form too wide for the table beside it
        # (Russian labels at 1280 px)
        top, bottom = QHBoxLayout(), QHBoxLayout()
        for bar, buttons in ((top, (self.open_button, self.save_button, self.source_button)),
                             (bottom, (self.remove_button,))):
            bar.setContentsMargins(0, 0, 0, 0)
            for button in buttons:
                button.setAutoDefault(True)
                bar.addWidget(button)
            bar.addStretch(1)
        self.add_button.setAutoDefault(True)
        bottom.addWidget(self.add_button)
        layout.addLayout(top)
        layout.addLayout(bottom)
        self.rows: list[dict] = []
        self.show_record()

    # -- showing ------------------------------------------------------------------------------

    @property
    def tasks(self):
        if self._tasks is None:
            from ui.tasks import Tasks

            self._tasks = Tasks(self, lambda: self.repo)
        return self._tasks

    def show_record(self) -> None:
        """List the files of the record the form shows (none for a new record)."""
        record = self.form.record
        keep = self.current_id()
        self.list.clear()
        self.rows = []
        if record is not None:
            self.rows = self.repo.attachments(self.form.kind.name, record["id"])
        for a in self.rows:
            item = QTreeWidgetItem([a["name"], format_size(a["size"]),
                                    utc_to_local(a["added_at"]),
                                    describe_text(a["text_status"], a["text_note"])])
            item.setData(0, ID_ROLE, a["id"])
            item.setToolTip(0, _("{name}\n{type}, {size}\nSHA-256 {sha}\nadded by {who}").format(
                name=a["name"], type=a["media_type"], size=format_size(a["size"]),
                sha=a["sha256"], who=a["added_by"]))
            item.setToolTip(3, describe_text(a["text_status"], a["text_note"]))
            item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.list.addTopLevelItem(item)
            if a["id"] == keep:
                self.list.setCurrentItem(item)
        for column in (1, 2, 3):
            self.list.resizeColumnToContents(column)
        if self.list.currentItem() is None and self.list.topLevelItemCount():
            self.list.setCurrentItem(self.list.topLevelItem(0))
        self.caption.setText(_("Files ({n})").format(n=len(self.rows)) if self.rows
                             else _("Files"))
        if not self.busy:
            self.status.setText(self._hint())
        self._update_buttons()

    def _hint(self) -> str:
        if self.form.record is None:
            return _("Save the record first to attach files to it.")
        if not self.rows:
            return _("No files. Press Add file… or drop files on the form.")
        return ""

    def current_id(self) -> int | None:
        item = self.list.currentItem()
        return item.data(0, ID_ROLE) if item is not None else None

    def current(self) -> dict | None:
        found = [a for a in self.rows if a["id"] == self.current_id()]
        return found[0] if found else None

    def _writable(self) -> bool:
        record = self.form.record
        return record is not None and not record.get("deleted_at") \
            and not self.form.is_read_only() and not self.busy

    def _update_buttons(self) -> None:
        chosen = self.current() is not None
        self.add_button.setEnabled(self._writable())
        for button in (self.open_button, self.save_button):
            button.setEnabled(chosen)
        self.remove_button.setEnabled(chosen and self._writable())
        self.source_button.setEnabled(chosen and self._writable())

    def set_editable(self, _editable: bool) -> None:
        self._update_buttons()

    # -- adding -------------------------------------------------------------------------------

    def _ready_to_change(self) -> bool:
        if not self._writable():
            return False
        if self.form.is_dirty():
            messages.information(self, _("Files"), _(
                "Save or revert the changes in the form first."))
            return False
        return True

    def add_files(self) -> None:
        if not self._ready_to_change():
            return
        path, _filter = messages.get_open_file_name(self, _("Attach a file"), str(Path.home()),
                                                    _("All files (*)"))
        if path:
            self.attach_paths([path])

    def attach_paths(self, paths: list[str]) -> None:
        """Attach these files to the record, off the GUI thread."""
        if not paths or not self._ready_to_change():
            return
        record = self.form.record
        names = ", ".join(Path(p).name for p in paths)
        self._set_busy(_("Attaching {names}…").format(names=names))
        self.tasks.run(
            lambda session, task: attach_work(session, task, self.form.kind.name,
                                              record["id"], list(paths),
                                              self.form.loaded_version),
            writes=True, done=self._attached, failed=self._failed,
            progress=self._progress, ended=lambda: self._set_busy(""))

    def _progress(self, done: int, total: int) -> None:
        if total:
            self.status.setText(f"{self.busy} {done * 100 // total}%")

    def _failed(self, text: str) -> None:
        messages.warning(self, _("Not attached"), text)

    def _attached(self, result: Attached) -> None:
        for step in result.steps:
            self.repo.adopt_step(step)
        if result.change is not None:
            self.repo.changed = True
            if self.form.record_id == result.change.record_id and not self.form.is_dirty():
                self.form.load_record(self.repo.get(self.form.kind.name, self.form.record_id))
            self.show_record()
            self.changed.emit(result.change)
        if result.problems:
            messages.warning(self, _("Not attached"), "\n".join(result.problems))
        if result.contents:
            self.read_texts(result.contents)

    def read_texts(self, contents: list[str]) -> None:
        """Read the text of these contents off the GUI thread; the list shows the outcome."""
        self.tasks.run(lambda session, task: read_text_work(session, task, contents),
                       writes=True, done=lambda _n: self.show_record(),
                       failed=self.status.setText)

    def _set_busy(self, text: str) -> None:
        self.busy = text
        self.status.setText(text or self._hint())
        self._update_buttons()

    # drops on the panel (and on widgets it watches: the form)

    def watch(self, widget: QWidget) -> None:
        widget.setAcceptDrops(True)
        widget.installEventFilter(self)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() in (QEvent.Type.DragEnter, QEvent.Type.DragMove):
            if self._dropped_paths(event):
                event.acceptProposedAction()
                return True
        elif event.type() == QEvent.Type.Drop and self._dropped_paths(event):
            self.dropEvent(event)
            return True
        return super().eventFilter(obj, event)

    def _dropped_paths(self, event) -> list[str]:
        data = event.mimeData()
        if data is None or not data.hasUrls() or not self._writable():
            return []
        paths = [u.toLocalFile() for u in data.urls() if u.isLocalFile()]
        return [p for p in paths if p and os.path.isfile(p)]

    def dragEnterEvent(self, event) -> None:  # noqa: N802
        if self._dropped_paths(event):
            event.acceptProposedAction()

    def dragMoveEvent(self, event) -> None:  # noqa: N802
        if self._dropped_paths(event):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802
        paths = self._dropped_paths(event)
        if paths:
            event.acceptProposedAction()
            self.attach_paths(paths)

    # -- the chosen file ----------------------------------------------------------------------

    def open_current(self) -> None:
        """Open the chosen file in the system's viewer, from a private copy."""
        a = self.current()
        if a is None:
            return
        if not openable(a["name"], a["media_type"]):
            messages.information(self, _("Not opened"), _(
                "{name} is not a document or an image ({type}); the application does not open "
                "it. Save it with Save as… and open it yourself if you trust it.").format(
                    name=a["name"], type=a["media_type"]))
            return
        folder = private_folder()
        self.tasks.run(lambda session, _task: session.copy_attachment(a["id"], folder),
                       done=self._opened, failed_title=_("Not opened"))

    def _opened(self, path: Path) -> None:
        if not open_in_viewer(path):
            messages.warning(self, _("Not opened"), _(
                "No program on this computer opens {name}; save it with Save as….").format(
                    name=path.name))

    def save_current(self) -> None:
        a = self.current()
        if a is None:
            return
        path, _filter = messages.get_save_file_name(self, _("Save the file as"),
                                                    str(Path.home() / a["name"]),
                                                    _("All files (*)"))
        if not path:
            return
        self.tasks.run(lambda session, _task: session.save_attachment(a["id"], path),
                       done=lambda saved: self.status.setText(_("Saved as {path}").format(
                           path=saved)), failed_title=_("Not saved"))

    def remove_current(self):
        a = self.current()
        if a is None or not self._ready_to_change():
            return None
        try:
            change = self.repo.remove_attachment(self.form.kind.name, self.form.record_id,
                                                 a["id"], expected_version=self.form.loaded_version)
        except (TrackerError, OSError) as exc:
            messages.warning(self, _("Not removed"), str(exc))
            return None
        self.form.load_record(change.record)
        self.show_record()
        self.changed.emit(change)  # the page refreshes (and this list with it) first
        self.status.setText(_("Removed {name} (Ctrl+Z brings it back)").format(name=a["name"]))
        return change

    def make_source(self):
        a = self.current()
        if a is None or not self._writable():
            return None
        try:
            change = self.repo.source_from_attachment(self.form.kind.name, self.form.record_id,
                                                      a["id"])
        except (TrackerError, OSError) as exc:
            messages.warning(self, _("No source made"), str(exc))
            return None
        self.changed.emit(change)
        self.status.setText(_("Source #{id} made from {name}: add a quote from it with Add "
                              "quote…").format(id=change.record_id, name=a["name"]))
        return change
