"""File › Export…, Export this list… and Import…: the core's JSON / CSV exchange
(``tracker.exchange``) in the window: the file dialogs, the import's preview, the outcome.

The work runs as tasks (``ui.tasks``: a session of its own, 16,000 records take ~2 s to check and
~2 s to import) behind a window-modal busy indicator, so the window never freezes and nothing else
is started meanwhile; closing the window waits for them. Export writes temp-then-rename, as the CLI
does. Import first does a dry run (every check and write, rolled back) so the official sees exactly
what the file would change, then backs the database up and imports in one audited transaction; the
window then refreshes what it touched (the task's change).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMessageBox

from tracker.i18n import gettext as _
from tracker.i18n import ngettext
from ui import messages
from ui.tasks import Task, one_line

JSON, CSV_ZIP = "json", "csv"
SHOWN_PROBLEMS = 10  # problems listed when a file is refused


def problem_text(path: Path, exc: BaseException) -> str:
    """Why the file was refused: the first problems, each naming the kind, record and field."""
    from tracker.exchange import ImportConflict, ImportProblem

    text = _("{name} cannot be imported: {error}").format(name=path.name, error=one_line(exc))
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


# --- the work (on the task's own session; tests put their own in) -------------------------------

def export_work(session, task, out_path: Path, fmt: str) -> tuple[str, int]:
    """Every record (the trash included) to ``out_path``, written as it is read, progress told
    to the task: (the file written, records)."""
    from tracker.exchange import export_file

    path, n = export_file(session, out_path, "csv" if fmt == CSV_ZIP else "json",
                          progress=getattr(task, "progress", None))
    return str(path), n


def list_export_work(session, _task, out_path: Path, kind: str, query: dict
                     ) -> tuple[str, int]:
    """The list a record page shows (its filter and order) as CSV: (the file written, rows)."""
    from tracker.exchange import list_csv, write_list_csv

    text, n = list_csv(session, kind, **query)
    return str(write_list_csv(out_path, text)), n


#: an import's stages, in order: the task's progress is (stage * 1000 + thousandths, 3000)
IMPORT_STAGES = ("reading", "checking", "writing")


def import_work(session, task, file: Path, *, write: bool, skip_older: bool = False):
    """The dry run (``write`` False), or the backup and then the import: the ImportResult.
    ``skip_older``: leave alone the records older in the file than here. Progress goes to the
    task as thousandths of each stage (``IMPORT_STAGES``; reading has no total: 0)."""
    from tracker.exchange import import_file

    if write:
        from tracker.store.sqlite.backup import create_backup

        create_backup(session)  # the state before the import, to go back to

    def progress(done: int, total: int, stage: str) -> None:
        if hasattr(task, "progress"):
            step = IMPORT_STAGES.index(stage)
            task.progress(step * 1000 + (done * 1000 // total if total else 0), 3000)

    return import_file(session, file, dry_run=not write, skip_older=skip_older,
                       progress=progress)


def show_progress(task, label: str, stage_labels: tuple[str, ...] = ()):
    """A progress callback for ``tasks.run`` that turns the task's busy indicator into a bar
    (and, with ``stage_labels``, says which stage of ``IMPORT_STAGES`` runs)."""
    def update(done: int, total: int) -> None:
        indicator = task[0].busy_indicator if task else None
        if indicator is None or not total:
            return
        indicator.setRange(0, 1000)
        indicator.setValue(min(1000, done * 1000 // total))
        if stage_labels:
            indicator.setLabelText(f"{label}\n{stage_labels[min(done // 1000, 2)]}")
    return update


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


def start_export(window, out_path: Path, fmt: str) -> Task:
    def done(result: tuple[str, int]) -> None:
        path, n = result
        window.statusBar().showMessage(ngettext(
            "Exported {n} record to {path}", "Exported {n} records to {path}", n).format(
                n=n, path=path), 15000)

    label = _("Exporting every record to {name}…").format(name=out_path.name)
    task: list = []
    task.append(window.tasks.run(
        lambda session, task: export_work(session, task, out_path, fmt), done=done,
        busy=(_("Export"), label), progress=show_progress(task, label),
        failed_title=_("Not exported"), describe=lambda exc: _(
            "The records were not exported: {error}\n\nNothing was written to {path}.").format(
                error=one_line(exc), path=out_path)))
    return task[0]


def ask_export(window) -> Task | None:
    json_filter = _("JSON file (*.json)")
    csv_filter = _("CSV files in a zip (*.zip)")
    from ui.commands import files_folder  # beside the file; the home folder on a server

    start = str(files_folder(window) / (Path(window.repo.path.name).stem + "-export.json"))
    path, chosen = messages.get_save_file_name(window, _("Export every record"), start,
                                                f"{json_filter};;{csv_filter}")
    if not path:
        return None
    out, fmt = export_path(path, chosen, csv_filter)
    if not may_write(window, path, out):
        return None
    return start_export(window, out, fmt)


# --- one list as a spreadsheet --------------------------------------------------------------------

def ask_export_list(window) -> Task | None:
    """File › Export this list…: the current page's rows, as filtered and sorted, to CSV."""
    import datetime as _dt

    from tracker.model import get_kind

    page = window.record_page()
    if page is None:
        return None
    model = page.model
    kind = get_kind(model.kind.name)
    from ui.commands import files_folder

    start = files_folder(window) / f"{_(kind.plural)} {_dt.date.today().isoformat()}.csv"
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
             "columns": page.table.shown_columns()}  # the columns shown, in their order

    def done(result: tuple[str, int]) -> None:
        path_written, n = result
        window.statusBar().showMessage(ngettext(
            "Exported {n} row to {path}", "Exported {n} rows to {path}", n).format(
                n=n, path=path_written), 15000)

    return window.tasks.run(
        lambda session, task: list_export_work(session, task, out, kind.name, query), done=done,
        busy=(_("Export"), _("Exporting the list to {name}…").format(name=out.name)),
        failed_title=_("Not exported"), describe=lambda exc: _(
            "The list was not exported: {error}\n\nNothing was written to {path}.").format(
                error=one_line(exc), path=out))


# --- import ---------------------------------------------------------------------------------------

def _counts(result) -> dict[str, int]:
    return {"created": sum(result.created.values()), "updated": sum(result.updated.values()),
            "same": sum(result.unchanged.values())}


def _understood(preview) -> str:
    """What was understood of each CSV file (encoding, separator, records), for the preview."""
    lines = [info.describe() for info in preview.files if info.delimiter is not None]
    return ("\n\n" + _("Read as:") + "\n" + "\n".join(lines)) if lines else ""


def _relationship(preview) -> str:
    """The relationship's settings the file names: taken where empty here, else kept."""
    from ui.dialogs.relationship import setting_label

    lines = [_("{setting}: {value} (not set here: taken from the file)").format(
        setting=setting_label(k), value=v) for k, v in preview.settings.items()]
    lines += [_("{setting}: {ours} kept (the file says {theirs}; File › Relationship… changes "
                "it)").format(setting=setting_label(k), ours=ours, theirs=theirs)
              for k, (ours, theirs) in preview.settings_kept.items()]
    return ("\n" + _("Relationship:") + "\n" + "\n".join(lines) + "\n") if lines else ""


def _older(preview) -> str:
    """The records the file holds in an older version than this database, listed."""
    lines = [c.describe() for c in preview.conflicts[:SHOWN_PROBLEMS]]
    if preview.older_total > len(lines):
        lines.append(_("… and {n} more").format(n=preview.older_total - len(lines)))
    return "\n".join(lines)


def import_from(window, path: Path) -> Task:
    """Preview ``path`` (a dry run of the real import), ask, then back up and import. Records
    the file holds in an older version than this database (changed here since the export) are
    listed, and the choice is to skip them or to import nothing: never to overwrite them."""
    repo = window.repo  # the file the user chose this for, even if another is opened meanwhile
    buttons = QMessageBox.StandardButton

    def previewed(preview) -> None:
        counts = _counts(preview)
        older = preview.older_total
        if preview.total == 0 and not preview.settings:
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
            "{same}\n").format(name=path.name, **counts) + _relationship(preview)
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
        start_import(window, path, write=True, skip_older=bool(older), done=imported,
                     label=_("Backing up, then importing {name}…").format(name=path.name))

    def imported(result) -> None:
        # (its change has refreshed the window, if it still shows this database: ui.tasks)
        message = _("Imported {name}: {created} created, {updated} updated, {same} unchanged"
                    ).format(name=path.name, **_counts(result))
        if result.older_total:
            message += "; " + ngettext("{n} older record skipped", "{n} older records skipped",
                                       result.older_total).format(n=result.older_total)
        window.statusBar().showMessage(message, 15000)

    return start_import(window, path, write=False, done=previewed,
                        label=_("Checking {name}…").format(name=path.name))


def start_import(window, path: Path, *, write: bool, done, label: str,
                 skip_older: bool = False) -> Task:
    """The dry run of importing ``path`` (``write`` False), or the backup and the import, as a
    task; a refusal lists the file's problems (``problem_text``). Both open the session the
    import writes through (as the window's user), so the preview sees the file as the import
    will; the dry run's result carries no change."""
    stages = (_("Reading the file…"), _("Checking every record…"), _("Writing…"))
    task: list = []
    task.append(window.tasks.run(
        lambda session, task: import_work(session, task, path, write=write,
                                          skip_older=skip_older),
        done=done, writes=True, busy=(_("Import"), label),
        progress=show_progress(task, label, stages), failed_title=_("Not imported"),
        describe=lambda exc: problem_text(path, exc)))
    return task[0]


def ask_import(window) -> Task | None:
    from ui.commands import files_folder

    path, _chosen = messages.get_open_file_name(
        window, _("Import records"), str(files_folder(window)),
        _("Exports (*.json *.zip);;All files (*)"))
    if not path:
        return None
    return import_from(window, Path(path))
