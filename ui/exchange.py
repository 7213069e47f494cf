"""File › Export… and Import…: the core's JSON / CSV exchange (``tracker.io``) in the main window.

Both run in a :class:`QThread` on a connection of their own (16,000 records take ~2 s to check and
~2 s to import), so the window never freezes. Export writes temp-then-rename, as the CLI does.
Import first does a dry run (every check and write, rolled back) so the official sees exactly what
the file would change, then backs the database up and imports in one audited transaction; the
window then refreshes what it touched.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QThread, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox, QProgressDialog

from tracker.i18n import _
from tracker.repository import Repository, TrackerError

JSON, CSV_ZIP = "json", "csv"


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


class ExportWorker(QThread):
    """Exports every record (the trash included) to ``out_path``; never touches the GUI's
    connection."""

    succeeded = Signal(str, int)  # path written, records
    failed = Signal(str)

    def __init__(self, db_path: Path, out_path: Path, fmt: str, parent=None):
        super().__init__(parent)
        self.db_path, self.out_path, self.fmt = db_path, out_path, fmt

    def run(self) -> None:
        from tracker.io import export_data, write_csv, write_json

        try:
            repo = Repository(self.db_path, read_only=True)
        except Exception as exc:  # noqa: BLE001 - shown to the user, never raised in a thread
            self.failed.emit(_one_line(exc))
            return
        try:
            data = export_data(repo)
            write = write_csv if self.fmt == CSV_ZIP else write_json
            path = write(self.out_path, data)
        except (TrackerError, OSError, ValueError) as exc:
            self.failed.emit(_one_line(exc))
        except Exception as exc:  # noqa: BLE001 - a bug must not kill the app from a thread
            self.failed.emit(f"{type(exc).__name__}: {_one_line(exc)}")
        else:
            self.succeeded.emit(str(path), sum(len(v) for v in data.values()))
        finally:
            repo.close()


def export_path(path: str, chosen_filter: str, csv_filter: str) -> tuple[Path, str]:
    """The file and format for what the save dialog returned: the filter decides the format,
    and the name gets its ending (``.json`` or ``.zip``) when it has another."""
    fmt = CSV_ZIP if chosen_filter == csv_filter or path.lower().endswith(".zip") else JSON
    out = Path(path)
    suffix = ".zip" if fmt == CSV_ZIP else ".json"
    if out.suffix.lower() != suffix:
        out = out.with_name(out.name + suffix)
    return out, fmt


def start_export(window, out_path: Path, fmt: str) -> ExportWorker:
    """Export in the background with a busy indicator; the outcome goes to the status bar (or
    a message box if it failed)."""
    progress = QProgressDialog(_("Exporting every record to {name}…").format(
        name=out_path.name), None, 0, 0, window)
    progress.setWindowTitle(_("Export"))
    progress.setWindowModality(Qt.WindowModality.WindowModal)
    progress.setMinimumDuration(300)
    worker = ExportWorker(window.repo.path, out_path, fmt, window)

    def done(path: str, n: int) -> None:
        progress.close()
        window.statusBar().showMessage(
            _("Exported {n} records to {path}").format(n=n, path=path), 15000)

    def failed(message: str) -> None:
        progress.close()
        QMessageBox.critical(window, _("Not exported"), _(
            "The records were not exported: {error}\n\nNothing was written to {path}.").format(
                error=message, path=out_path))

    worker.succeeded.connect(done)
    worker.failed.connect(failed)
    worker.finished.connect(worker.deleteLater)
    window._export_worker = worker  # kept alive until it ends
    worker.start()
    return worker


def ask_export(window) -> ExportWorker | None:
    json_filter = _("JSON file (*.json)")
    csv_filter = _("CSV files in a zip (*.zip)")
    start = str(Path(window.repo.path).with_name(Path(window.repo.path).stem + "-export.json"))
    path, chosen = QFileDialog.getSaveFileName(window, _("Export every record"), start,
                                               f"{json_filter};;{csv_filter}")
    if not path:
        return None
    out, fmt = export_path(path, chosen, csv_filter)
    return start_export(window, out, fmt)


def _counts(result) -> dict[str, int]:
    return {"created": sum(result.created.values()), "updated": sum(result.updated.values()),
            "same": sum(result.unchanged.values())}


SHOWN_PROBLEMS = 10


def problem_text(path: Path, exc: BaseException) -> str:
    """Why the file was refused: the first problems, each naming the kind, record and field."""
    from tracker.io import ImportProblem

    text = _("{name} cannot be imported: {error}").format(name=path.name, error=_one_line(exc))
    if isinstance(exc, ImportProblem) and len(exc.problems) > 1:
        lines = [_("{kind} {record}: {field}: {message}").format(
            kind=kind, record=record, field=field, message=message)
            for kind, record, field, message in exc.problems[:SHOWN_PROBLEMS]]
        if len(exc.problems) > SHOWN_PROBLEMS:
            lines.append(_("… and {n} more").format(n=len(exc.problems) - SHOWN_PROBLEMS))
        text += "\n\n" + "\n".join(lines)
    return text


class ImportWorker(QThread):
    """On its own connection: the dry run (``write`` False), or the backup and the import."""

    succeeded = Signal(object)  # ImportResult
    failed = Signal(str)

    def __init__(self, db_path: Path, file: Path, *, write: bool, user: str, parent=None):
        super().__init__(parent)
        self.db_path, self.file, self.write, self.user = db_path, file, write, user

    def run(self) -> None:
        from tracker.io import import_file

        try:
            repo = Repository(self.db_path, user=self.user)
        except Exception as exc:  # noqa: BLE001 - shown to the user, never raised in a thread
            self.failed.emit(problem_text(self.file, exc))
            return
        try:
            if self.write:
                from tracker.backup import create_backup

                create_backup(repo)  # the state before the import, to go back to
            result = import_file(repo, self.file, dry_run=not self.write)
        except Exception as exc:  # noqa: BLE001 - ImportProblem, FileProblem, BackupError...
            self.failed.emit(problem_text(self.file, exc))
        else:
            self.succeeded.emit(result)
        finally:
            repo.close()


def _run(window, worker: ImportWorker, label: str, done) -> ImportWorker:
    """Run ``worker`` behind a busy indicator; ``done(result)`` or a message box follows."""
    progress = QProgressDialog(label, None, 0, 0, window)
    progress.setWindowTitle(_("Import"))
    progress.setWindowModality(Qt.WindowModality.WindowModal)
    progress.setMinimumDuration(300)

    def succeeded(result) -> None:
        progress.close()
        done(result)

    def failed(message: str) -> None:
        progress.close()
        QMessageBox.critical(window, _("Not imported"), message)

    worker.succeeded.connect(succeeded)
    worker.failed.connect(failed)
    worker.finished.connect(worker.deleteLater)
    window._import_worker = worker  # kept alive until it ends
    worker.start()
    return worker


def import_from(window, path: Path) -> ImportWorker:
    """Preview ``path`` (a dry run of the real import), ask, then back up and import; all of it
    off the GUI thread, so a large file never freezes the window."""
    repo = window.repo

    def previewed(preview) -> None:
        counts = _counts(preview)
        if preview.total == 0:
            QMessageBox.information(window, _("Import"), _(
                "Nothing to import: every record in {name} is already here, unchanged ({same}).")
                .format(name=path.name, **counts))
            return
        answer = QMessageBox.question(window, _("Import"), _(
            "What {name} would do:\n\n"
            "New records: {created}\nChanged records: {updated}\nAlready here, unchanged: "
            "{same}\n\nA backup of the database is made first, and every change is recorded "
            "in History. Import?").format(name=path.name, **counts),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return
        _run(window, ImportWorker(repo.path, path, write=True, user=repo.user, parent=window),
             _("Backing up, then importing {name}…").format(name=path.name), imported)

    def imported(result) -> None:
        if result.change is not None:
            window.apply_change(result.change)  # written on another connection: refresh
        window.statusBar().showMessage(_(
            "Imported {name}: {created} created, {updated} updated, {same} unchanged").format(
                name=path.name, **_counts(result)), 15000)

    return _run(window, ImportWorker(repo.path, path, write=False, user=repo.user,
                                     parent=window),
                _("Checking {name}…").format(name=path.name), previewed)


def ask_import(window) -> ImportWorker | None:
    path, _chosen = QFileDialog.getOpenFileName(
        window, _("Import records"), str(Path(window.repo.path).parent),
        _("Exports (*.json *.zip);;All files (*)"))
    if not path:
        return None
    return import_from(window, Path(path))
