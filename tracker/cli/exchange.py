"""Commands moving records in and out: ``export`` (JSON, or CSV in a zip or a folder) and
``import`` (all or nothing, with a dry run)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from tracker.cli.common import one_line
from tracker.cli.help import TranslatedCommand
from tracker.i18n import _, ngettext

if TYPE_CHECKING:
    from tracker.cli.main import Env


@click.command("export", cls=TranslatedCommand)
@click.option("-o", "--output", "output", required=True, metavar="FILE",
              type=click.Path(dir_okay=True, path_type=Path),
              help="Where to write: a .json file, a .zip of CSV files, or a folder for CSV.")
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]), default=None,
              help="json (default) or csv; a FILE ending in .csv/.zip implies csv.")
@click.pass_obj
def export(env: Env, output: Path, fmt: str | None):
    """Export every record (the trash included) to JSON or CSV.

    JSON: one object keyed by kind, records shaped as in `list --json` with links given by uid.
    CSV: one file per kind, in a zip (FILE ending in .zip) or a folder; cells a spreadsheet would
    run as formulas are prefixed with an apostrophe.

    \b
    Example:
      bilateral-tracker-cli export -o records.json
      bilateral-tracker-cli export --format csv -o records.zip
    """
    from tracker.exchange import export_data, write_csv, write_json

    if fmt is None:
        fmt = "csv" if output.suffix.lower() in (".zip", ".csv") else "json"
    if fmt == "csv" and output.suffix.lower() == ".csv":
        output = output.with_suffix("")  # a folder of CSV files named after the export
    repo = env.repo()
    data = export_data(repo)
    path = (write_json if fmt == "json" else write_csv)(output, data, repo=repo)
    click.echo(str(path))
    click.echo(_("exported {n} records").format(n=sum(len(v) for v in data.values())), err=True)


@click.command("import", cls=TranslatedCommand)
@click.argument("file", metavar="FILE", type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True,
              help="Check the file and say what it would change, what was understood of each "
                   "file and which records are older than ours; write nothing.")
@click.option("--skip-older", is_flag=True,
              help="Leave alone the records changed here since the file was exported (older in "
                   "the file) and import the rest; without it such a file is refused.")
@click.pass_obj
def import_(env: Env, file: Path, dry_run: bool, skip_older: bool):
    """Import an export (JSON, or CSV in a zip or a folder): records with a known uid are updated,
    the others created. Everything is checked first; if any record is invalid nothing is written.

    CSV files may be UTF-8 or Windows-1251 (Cyrillic), separated by commas, semicolons or tabs,
    as spreadsheets save them. A record the file holds in an older version than this database
    (edited, deleted or restored here since the export) is never overwritten: the import is
    refused, or with --skip-older that record is left as it is.

    \b
    Example:
      bilateral-tracker-cli --db new.db import --dry-run records.json
      bilateral-tracker-cli --db new.db import records.json
      bilateral-tracker-cli --db new.db import --skip-older records.json
    """
    from tracker.exchange import ImportConflict, import_file

    repo = env.repo()
    try:
        result = import_file(repo, file, dry_run=dry_run, skip_older=skip_older)
    except ImportConflict as exc:
        raise click.ClickException(one_line(str(exc)) + " " + _(
            "Import the rest with --skip-older; --dry-run lists them all.")) from None
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

