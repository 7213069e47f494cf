"""File › Export… and Import…: the core's JSON / CSV exchange (``tracker.exchange``) in the window.

Both run in a :class:`QThread` on a connection of their own (16,000 records take ~2 s to check and
~2 s to import), behind a window-modal busy indicator, so the window never freezes and nothing else
is started meanwhile; closing the window waits for them. Export writes temp-then-rename, as the CLI
does. Import first does a dry run (every check and write, rolled back) so the official sees exactly
what the file would change, then backs the database up and imports in one audited transaction; the
window then refreshes what it touched.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QThread, Signal
from PySide6.QtWidgets import QMessageBox, QProgressDialog

from tracker.i18n import _, ngettext
from tracker.session import open_session
from tracker.store.repository import Repository
from ui import messages

JSON, CSV_ZIP = "json", "csv"
SHOWN_PROBLEMS = 10  # problems listed when a file is refused


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def problem_text(path: Path, exc: BaseException) -> str:
    """Why the file was refused: the first problems, each naming the kind, record and field."""
    from tracker.exchange import ImportConflict, ImportProblem

    text = _("{name} cannot be imported: {error}").format(name=path.name, error=_one_line(exc))
    if isinstance(exc, ImportConflict):  # older records appeared after the preview
        lines = [c.describe() for c in exc.conflicts[:SHOWN_PROBLEMS]]
        if exc.count > len(lines):
            lines.append(_("… and {n} more").format(n=exc.count - len(lines)))
        text += "\n\n" + "\n".join(lines)
    if isinstance(exc, ImportProblem) and len(exc.problems) > 1:
        lines = [_("{kind} {record}: {field}: {message}").format(
            kind=kind, record=record, field=field, message=message)
            for kind, record, field, message in exc.problems[:SHOWN_PROBLEMS]]
        if exc.count > SHOWN_PROBLEMS:
            lines.append(_("… and {n} more").format(n=exc.count - SHOWN_PROBLEMS))
        text += "\n\n" + "\n".join(lines)
    return text


class _Worker(QThread):
    """One job on a connection of its own; never touches the GUI's connection."""

    succeeded = Signal(object)
    failed = Signal(str)

    def job(self):
        raise NotImplementedError

    def describe(self, exc: BaseException) -> str:
        return _one_line(exc)

    def run(self) -> None:
        try:
            result = self.job()
        except Exception as exc:  # noqa: BLE001 - shown to the user, never raised in a thread
            self.failed.emit(self.describe(exc))
        else:
            self.succeeded.emit(result)


class ExportWorker(_Worker):
    """Every record (the trash included) to ``out_path``; succeeds with (path, records)."""

    def __init__(self, db_path: Path, out_path: Path, fmt: str, parent=None):
        super().__init__(parent)
        self.db_path, self.out_path, self.fmt = db_path, out_path, fmt

    def job(self) -> tuple[str, int]:
        from tracker.exchange import export_data, write_csv, write_json

        with open_session(self.db_path, create=False, read_only=True) as repo:
            data = export_data(repo)
        write = write_csv if self.fmt == CSV_ZIP else write_json
        return str(write(self.out_path, data)), sum(len(v) for v in data.values())


class ImportWorker(_Worker):
    """The dry run (``write`` False), or the backup and then the import; succeeds with the
    ImportResult."""

    def __init__(self, db_path: Path, file: Path, *, write: bool, user: str,
                 written_to: Repository | None = None, skip_older: bool = False, parent=None):
        super().__init__(parent)
        self.db_path, self.file, self.write, self.user = db_path, file, write, user
        self.written_to = written_to  # the window's repository: told that its file changed
        self.skip_older = skip_older  # leave alone the records older in the file than here

    def describe(self, exc: BaseException) -> str:
        return problem_text(self.file, exc)

    def job(self):
        from tracker.exchange import import_file

        # create=False: a file that went away meanwhile is an error, not a new empty database
        with open_session(self.db_path, create=False, user=self.user) as repo:
            if self.write:
                from tracker.store.sqlite.backup import create_backup

                create_backup(repo)  # the state before the import, to go back to
            result = import_file(repo, self.file, dry_run=not self.write,
                                 skip_older=self.skip_older)
        if self.write and self.written_to is not None and result.change is not None:
            self.written_to.changed = True  # the backup on exit counts this session's import
        return result


def run_in_background(window, worker: _Worker, title: str, label: str, done,
                      failed_title: str) -> _Worker:
    """Run ``worker`` behind a window-modal busy indicator (Import and Export disabled until it
    ends); then ``done(result)``, or a message box titled ``failed_title``."""
    progress = QProgressDialog(label, None, 0, 0, window)
    progress.setWindowTitle(title)
    progress.setWindowModality(Qt.WindowModality.WindowModal)
    progress.setMinimumDuration(300)
    progress.setValue(0)  # starts the 300 ms count (a 0..0 bar otherwise waits 4 s)

    def succeeded(result) -> None:
        progress.close()
        if window.isVisible():  # not after the window was closed meanwhile
            done(result)

    def failed(message: str) -> None:
        progress.close()
        if window.isVisible():
            messages.critical(window, failed_title, message)

    def finished() -> None:
        window.busy.discard(worker)
        window._update_actions()
        progress.deleteLater()
        worker.deleteLater()

    worker.succeeded.connect(succeeded)
    worker.failed.connect(failed)
    worker.finished.connect(finished)
    window.busy.add(worker)
    window._update_actions()
    worker.start()
    return worker


# --- export ---------------------------------------------------------------------------------------

def may_write(window, chosen: str, out: Path) -> bool:
    """The save dialog asked about overwriting ``chosen``; when the ending was added after it
    and that file exists, ask now."""
    if str(out) == chosen or not out.exists():
        return True
    answer = messages.question(window, _("Replace the file?"), _(
        "{name} already exists. Replace it?").format(name=out.name),
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No)
    return answer == QMessageBox.StandardButton.Yes


def export_path(path: str, chosen_filter: str, csv_filter: str) -> tuple[Path, str]:
    """The file and format for what the save dialog returned: the filter decides the format,
    and the name gets its ending (``.json`` or ``.zip``) when it has another."""
    fmt = CSV_ZIP if chosen_filter == csv_filter or path.lower().endswith(".zip") else JSON
    out = Path(path)
    suffix = ".zip" if fmt == CSV_ZIP else ".json"
    if out.suffix.lower() != suffix:
        out = out.with_name(out.name + suffix)
    return out, fmt


def start_export(window, out_path: Path, fmt: str) -> _Worker:
    def done(result: tuple[str, int]) -> None:
        path, n = result
        window.statusBar().showMessage(ngettext(
            "Exported {n} record to {path}", "Exported {n} records to {path}", n).format(
                n=n, path=path), 15000)

    worker = ExportWorker(window.repo.path, out_path, fmt, window)
    worker.describe = lambda exc: _(  # type: ignore[method-assign]
        "The records were not exported: {error}\n\nNothing was written to {path}.").format(
            error=_one_line(exc), path=out_path)
    return run_in_background(window, worker, _("Export"), _(
        "Exporting every record to {name}…").format(name=out_path.name), done, _("Not exported"))


def ask_export(window) -> _Worker | None:
    json_filter = _("JSON file (*.json)")
    csv_filter = _("CSV files in a zip (*.zip)")
    start = str(Path(window.repo.path).with_name(Path(window.repo.path).stem + "-export.json"))
    path, chosen = messages.get_save_file_name(window, _("Export every record"), start,
                                                f"{json_filter};;{csv_filter}")
    if not path:
        return None
    out, fmt = export_path(path, chosen, csv_filter)
    if not may_write(window, path, out):
        return None
    return start_export(window, out, fmt)


# --- one list as a spreadsheet --------------------------------------------------------------------

class ListExportWorker(_Worker):
    """The list a record page shows (its filter and order) as CSV; succeeds with (path, rows)."""

    def __init__(self, db_path: Path, out_path: Path, kind: str, query: dict, parent=None):
        super().__init__(parent)
        self.db_path, self.out_path, self.kind, self.query = db_path, out_path, kind, query

    def job(self) -> tuple[str, int]:
        from tracker.exchange import list_csv, write_list_csv

        with open_session(self.db_path, create=False, read_only=True) as repo:
            text, n = list_csv(repo, self.kind, **self.query)
        return str(write_list_csv(self.out_path, text)), n


def ask_export_list(window) -> _Worker | None:
    """File › Export this list…: the current page's rows, as filtered and sorted, to CSV."""
    import datetime as _dt

    from tracker.model import get_kind

    page = window.record_page()
    if page is None:
        return None
    model = page.model
    kind = get_kind(model.kind.name)
    start = Path(window.repo.path).parent / (
        f"{_(kind.plural)} {_dt.date.today().isoformat()}.csv")
    path, _chosen = messages.get_save_file_name(window, _("Export this list"), str(start),
                                                 _("CSV file (*.csv)"))
    if not path:
        return None
    out = Path(path)
    if out.suffix.lower() != ".csv":
        out = out.with_name(out.name + ".csv")
    if not may_write(window, path, out):
        return None
    query = {"search": model.search or None, "status": model.status,
             "sort": model.sort_field, "descending": model.descending,
             "columns": page.shown_columns()}  # the columns the table shows, in its order

    def done(result: tuple[str, int]) -> None:
        path_written, n = result
        window.statusBar().showMessage(ngettext(
            "Exported {n} row to {path}", "Exported {n} rows to {path}", n).format(
                n=n, path=path_written), 15000)

    worker = ListExportWorker(window.repo.path, out, kind.name, query, window)
    worker.describe = lambda exc: _(  # type: ignore[method-assign]
        "The list was not exported: {error}\n\nNothing was written to {path}.").format(
            error=_one_line(exc), path=out)
    return run_in_background(window, worker, _("Export"), _(
        "Exporting the list to {name}…").format(name=out.name), done, _("Not exported"))


# --- import ---------------------------------------------------------------------------------------

def _counts(result) -> dict[str, int]:
    return {"created": sum(result.created.values()), "updated": sum(result.updated.values()),
            "same": sum(result.unchanged.values())}


def _understood(preview) -> str:
    """What was understood of each CSV file (encoding, separator, records), for the preview."""
    lines = [info.describe() for info in preview.files if info.delimiter is not None]
    return ("\n\n" + _("Read as:") + "\n" + "\n".join(lines)) if lines else ""


def _older(preview) -> str:
    """The records the file holds in an older version than this database, listed."""
    lines = [c.describe() for c in preview.conflicts[:SHOWN_PROBLEMS]]
    if preview.older_total > len(lines):
        lines.append(_("… and {n} more").format(n=preview.older_total - len(lines)))
    return "\n".join(lines)


def import_from(window, path: Path) -> _Worker:
    """Preview ``path`` (a dry run of the real import), ask, then back up and import. Records
    the file holds in an older version than this database (changed here since the export) are
    listed, and the choice is to skip them or to import nothing: never to overwrite them."""
    repo = window.repo  # the file the user chose this for, even if another is opened meanwhile
    buttons = QMessageBox.StandardButton

    def previewed(preview) -> None:
        counts = _counts(preview)
        older = preview.older_total
        if preview.total == 0:
            text = _("Nothing to import: every record in {name} is already here, unchanged "
                     "({same}).").format(name=path.name, **counts)
            if older:
                text = _("Nothing to import from {name}: its records are already here "
                         "({same}), or older than the copies here, which are left as they are:"
                         ).format(name=path.name, **counts) + "\n\n" + _older(preview)
            messages.information(window, _("Import"), text + _understood(preview))
            return
        summary = _(
            "What {name} would do:\n\n"
            "New records: {created}\nChanged records: {updated}\nAlready here, unchanged: "
            "{same}\n").format(name=path.name, **counts)
        if older:
            answer = messages.question(window, _("Import"), summary + ngettext(
                "\nOlder in the file than here (changed here since the file was exported): "
                "{n} record. Importing it would undo those changes:",
                "\nOlder in the file than here (changed here since the file was exported): "
                "{n} records. Importing them would undo those changes:", older).format(n=older)
                + "\n" + _older(preview) + _understood(preview) + "\n\n" + _(
                "Skip the older records and import the rest (after a backup, recorded in "
                "History), or cancel and import nothing?"),
                buttons.Yes | buttons.Cancel, buttons.Cancel,
                labels={buttons.Yes: _("Skip older"), buttons.Cancel: _("Cancel")})
        else:
            answer = messages.question(window, _("Import"), summary + _understood(preview) + _(
                "\nA backup of the database is made first, and every change is recorded in "
                "History. Import?"), buttons.Yes | buttons.No, buttons.No)
        if answer != buttons.Yes or window.repo is not repo:
            return
        run_in_background(
            window, ImportWorker(repo.path, path, write=True, user=repo.user, written_to=repo,
                                 skip_older=bool(older), parent=window),
            _("Import"), _("Backing up, then importing {name}…").format(name=path.name),
            imported, _("Not imported"))

    def imported(result) -> None:
        if result.change is not None and window.repo is repo:
            window.apply_change(result.change)
        message = _("Imported {name}: {created} created, {updated} updated, {same} unchanged"
                    ).format(name=path.name, **_counts(result))
        if result.older_total:
            message += "; " + ngettext("{n} older record skipped", "{n} older records skipped",
                                       result.older_total).format(n=result.older_total)
        window.statusBar().showMessage(message, 15000)

    return run_in_background(
        window, ImportWorker(repo.path, path, write=False, user=repo.user, parent=window),
        _("Import"), _("Checking {name}…").format(name=path.name), previewed, _("Not imported"))


def ask_import(window) -> _Worker | None:
    path, _chosen = messages.get_open_file_name(
        window, _("Import records"), str(Path(window.repo.path).parent),
        _("Exports (*.json *.zip);;All files (*)"))
    if not path:
        return None
    return import_from(window, Path(path))
