"""Commands moving records in and out: ``export`` (JSON, or CSV in a zip or a folder) and
``import`` (all or nothing, with a dry run)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from tracker.cli.common import one_line
from tracker.cli.help import TranslatedCommand
from tracker.i18n import _, ngettext

if TYPE_CHECKING:
    from tracker.cli.main import Env


class Progress:
    """Progress of a long export or import on stderr: one line rewritten in place on a terminal
    (cleared at the end), else (``--progress`` into a file or a pipe) a line every tenth."""

    def __init__(self, shown: bool | None):
        self.tty = sys.stderr.isatty()
        self.shown = self.tty if shown is None else shown
        self.last: tuple | None = None
        self.width = 0

    def __call__(self, done: int, total: int, stage: str = "exporting") -> None:
        if not self.shown:
            return
        words = {"exporting": _("exporting"), "reading": _("reading the file"),
                 "checking": _("checking"), "writing": _("writing")}
        if total:
            percent = done * 100 // total
            key = (stage, percent if self.tty else percent // 10)
            text = _("{stage}: {done} of {total} records ({percent}%)").format(
                stage=words.get(stage, stage), done=done, total=total, percent=percent)
        else:
            key = (stage, done // (10_000 if self.tty else 100_000))
            text = _("{stage}: {done} records").format(stage=words.get(stage, stage), done=done)
        if key == self.last:
            return
        self.last = key
        if self.tty:
            click.echo("\r" + text.ljust(self.width), err=True, nl=False)
            self.width = len(text)
        else:
            click.echo(text, err=True)

    def end(self) -> None:
        if self.shown and self.tty and self.last is not None:
            click.echo("\r" + " " * self.width + "\r", err=True, nl=False)


PROGRESS_HELP = ("Show progress on stderr (default: when stderr is a terminal); "
                 "--no-progress never.")


@click.command("export", cls=TranslatedCommand)
@click.option("-o", "--output", "output", required=True, metavar="FILE",
              type=click.Path(dir_okay=True, path_type=Path),
              help="Where to write: a .json file, a .zip of CSV files, or a folder for CSV.")
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]), default=None,
              help="json (default) or csv; a FILE ending in .csv/.zip implies csv.")
@click.option("--with-history", "with_history", is_flag=True,
              help="JSON only: add the records' history (who changed what, when), for an "
                   "import --with-history elsewhere.")
@click.option("--progress/--no-progress", "show_progress", default=None, help=PROGRESS_HELP)
@click.pass_obj
def export(env: Env, output: Path, fmt: str | None, with_history: bool,
           show_progress: bool | None):
    """Export every record (the trash included) to JSON or CSV.

    JSON: one object keyed by kind, records shaped as in `list --json` with links given by uid.
    CSV: one file per kind, in a zip (FILE ending in .zip) or a folder; cells a spreadsheet would
    run as formulas are prefixed with an apostrophe. Both name the relationship (JSON: its
    "_settings"; CSV: _settings.txt), for the desk that imports the file.

    \b
    Example:
      bilateral-tracker-cli export -o records.json
      bilateral-tracker-cli export --format csv -o records.zip
      bilateral-tracker-cli export --with-history -o desk.json
    """
    from tracker.exchange import export_file

    if fmt is None:
        fmt = "csv" if output.suffix.lower() in (".zip", ".csv") else "json"
    if with_history and fmt != "json":
        raise click.UsageError(_("--with-history needs a JSON export (FILE ending in .json)"))
    if fmt == "csv" and output.suffix.lower() == ".csv":
        output = output.with_suffix("")  # a folder of CSV files named after the export
    repo = env.repo()
    progress = Progress(show_progress)
    try:
        path, n = export_file(repo, output, fmt, progress=progress, with_history=with_history)
    finally:
        progress.end()
    click.echo(str(path))
    click.echo(_("exported {n} records").format(n=n), err=True)


@click.command("import", cls=TranslatedCommand)
@click.argument("file", metavar="FILE", type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True,
              help="Check the file and say what it would change, what was understood of each "
                   "file and which records are older than ours; write nothing.")
@click.option("--skip-older", is_flag=True,
              help="Leave alone the records changed here since the file was exported (older in "
                   "the file) and import the rest; without it such a file is refused.")
@click.option("--with-history", "with_history", is_flag=True,
              help="Also write the history a JSON export carries (export --with-history) of the "
                   "records this import creates.")
@click.option("--progress/--no-progress", "show_progress", default=None, help=PROGRESS_HELP)
@click.pass_obj
def import_(env: Env, file: Path, dry_run: bool, skip_older: bool, with_history: bool,
            show_progress: bool | None):
    """Import an export (JSON, or CSV in a zip or a folder): records with a known uid are updated,
    the others created. Everything is checked first; if any record is invalid nothing is written.

    CSV files may be UTF-8 or Windows-1251 (Cyrillic), separated by commas, semicolons or tabs,
    as spreadsheets save them. A record the file holds in an older version than this database
    (edited, deleted or restored here since the export) is never overwritten: the import is
    refused, or with --skip-older that record is left as it is.

    New records keep the file's uid, version and stamps: a desk's file moves to a server with
    export, then import there (--with-history brings the records' history along; on a server
    each entry names the importing login, with the original author in its label).

    \b
    A desk's file to a server:
      bilateral-tracker-cli --db desk.db export --with-history -o desk.json
      bilateral-tracker-cli --db postgresql://alice@srv/tracker import --with-history desk.json

    \b
    Example:
      bilateral-tracker-cli --db new.db import --dry-run records.json
      bilateral-tracker-cli --db new.db import records.json
      bilateral-tracker-cli --db new.db import --skip-older records.json
    """
    from tracker.exchange import ImportConflict, import_file

    repo = env.repo()
    progress = Progress(show_progress)
    try:
        result = import_file(repo, file, dry_run=dry_run, skip_older=skip_older,
                             with_history=with_history, progress=progress)
    except ImportConflict as exc:
        raise click.ClickException(one_line(str(exc)) + " " + _(
            "Import the rest with --skip-older; --dry-run lists them all.")) from None
    finally:
        progress.end()
    counts = {"created": sum(result.created.values()), "updated": sum(result.updated.values()),
              "same": sum(result.unchanged.values()), "older": result.older_total}
    if dry_run:
        for info in result.files:
            click.echo(info.describe())
        for conflict in result.conflicts:
            click.echo(_("older than ours: {conflict}").format(conflict=conflict.describe()))
        if result.older_total > len(result.conflicts):
            click.echo(_("… and {n} more older than ours").format(
                n=result.older_total - len(result.conflicts)))
        click.echo(_("would import: {created} created, {updated} updated, {same} unchanged "
                     "(nothing was written)").format(**counts))
        if result.older_total:
            click.echo(ngettext(
                "{older} record is older than ours: the import would be refused; with "
                "--skip-older it is left as it is",
                "{older} records are older than ours: the import would be refused; with "
                "--skip-older they are left as they are", result.older_total).format(**counts))
    else:
        click.echo(_("imported: {created} created, {updated} updated, {same} unchanged").format(
            **counts))
        if result.older_total:
            click.echo(ngettext("{older} record older than ours was skipped",
                                "{older} records older than ours were skipped",
                                result.older_total).format(**counts))
    if with_history and dry_run:
        click.echo(_("history: {carried} entries would be carried over; {left} of records that "
                     "are already here would be left out").format(carried=result.history,
                                                                 left=result.history_left))
    elif with_history:
        click.echo(_("history: {carried} entries carried over; {left} of records that were "
                     "already here left out").format(carried=result.history,
                                                     left=result.history_left))
    for key, value in result.settings.items():  # the relationship named by the file
        click.echo((_("settings: {key} would be set to {value}") if dry_run else
                    _("settings: {key} set to {value}")).format(key=key, value=one_line(value)))
    for key, (ours, theirs) in result.settings_kept.items():
        click.echo(_("settings: {key} kept as {ours} (the file says {theirs}; "
                     "`settings {key}=...` changes it)").format(
                         key=key, ours=one_line(ours), theirs=one_line(theirs)))

