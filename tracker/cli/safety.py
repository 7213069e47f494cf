"""Commands for the safety of the data: ``backup``, ``backups``, ``restore FILE``, ``check``.

They work on a database file; on a server (``--db postgresql://...``) each says in one line that
this is the database administrator's work (``Env.db_path`` refuses a server's address)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from tracker.cli.help import TranslatedCommand
from tracker.i18n import _
from tracker.model import KIND_ORDER
from tracker.store.sqlite import backup as _backup
from tracker.store.sqlite import restore as restoring

if TYPE_CHECKING:
    from tracker.cli.main import Env


def _settle(db_path: Path) -> None:
    """An earlier restore of the file that was killed midway: finish or undo it first, and say
    what happened (on stderr)."""
    try:
        note = restoring.recover_interrupted_restore(db_path)
    except _backup.BackupError as exc:
        raise click.ClickException(" ".join(str(exc).split())) from None
    if note:
        click.echo(" ".join(note.split()), err=True)


def _size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return str(n)


@click.command("backup", cls=TranslatedCommand)
@click.pass_obj
def backup_cmd(env: Env):
    """Back up the database now (SQLite's online backup) and print the new file's path.

    Backups go to the backups/ folder beside the database; the newest 10 and one a day for
    30 days are kept. A database on a server is backed up by its administrator (pg_dump).

    \b
    Example:
      bilateral-tracker-cli backup
    """
    db_path = env.db_path
    repo = env.opened  # an already open session backs up through its connection
    if repo is None:
        _settle(db_path)
    try:
        target = _backup.create_backup(repo if repo is not None else db_path)
    except _backup.BackupError as exc:
        raise click.ClickException(" ".join(str(exc).split())) from None
    click.echo(str(target))


@click.command("backups", cls=TranslatedCommand)
@click.option("--json", "as_json", is_flag=True, help="Print the list as JSON.")
@click.pass_obj
def backups_cmd(env: Env, as_json: bool):
    """List the backups of the database, newest first, with date, size and record counts.

    \b
    Example:
      bilateral-tracker-cli backups
    """
    db_path = env.db_path
    _settle(db_path)
    infos = _backup.list_backups(db_path)
    if as_json:
        click.echo(json.dumps([{
            "file": str(i.path), "created": i.created.isoformat().replace("+00:00", "Z"),
            "size": i.size, "counts": i.counts, "error": i.error} for i in infos],
            ensure_ascii=False, indent=2))
        return
    if not infos:
        click.echo(_("No backups of {path} yet (they go to {folder}).").format(
            path=db_path, folder=_backup.backup_dir(db_path)), err=True)
        return
    headers = [_("File"), _("Made (UTC)"), _("Size"), *KIND_ORDER]
    rows = []
    for i in infos:
        counts = ([str(i.counts.get(k, 0)) for k in KIND_ORDER] if i.ok
                  else [_("unreadable")] + [""] * (len(KIND_ORDER) - 1))
        rows.append([i.path.name, i.created.strftime("%Y-%m-%d %H:%M:%S"), _size(i.size),
                     *counts])
    widths = [max(len(h), *(len(r[n]) for r in rows)) for n, h in enumerate(headers)]
    click.echo("  ".join(h.ljust(w) for h, w in zip(headers, widths)).rstrip())
    click.echo("  ".join("-" * w for w in widths))
    for r in rows:
        click.echo("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())


@click.command("restore", cls=TranslatedCommand)
@click.argument("file", metavar="FILE")
@click.pass_obj
def restore_cmd(env: Env, file: str):
    """Replace the database with the backup FILE (a path, or a name from 'backups').

    The current file is first set aside as <name>.before-restore-<time> (never deleted) and the
    backup is checked before anything is touched. Close the program's windows on this file
    first.

    \b
    Example:
      bilateral-tracker-cli restore tracker-20250101T120000.000000Z.db
    """
    db_path = env.db_path
    source = Path(file).expanduser()
    if not source.exists() and (_backup.backup_dir(db_path) / file).exists():
        source = _backup.backup_dir(db_path) / file
    env.close()  # restoring replaces the file: no connection of ours may stay open on it
    _settle(db_path)
    try:
        aside = restoring.restore(db_path, source)
    except _backup.BackupError as exc:
        raise click.ClickException(" ".join(str(exc).split())) from None
    click.echo(_("Restored {path} from {backup}.").format(path=db_path, backup=source))
    if aside is not None:
        click.echo(_("The file as it was is kept as {aside}.").format(aside=aside))


@click.command("check", cls=TranslatedCommand)
@click.pass_context
def check_cmd(ctx: click.Context):
    """Check the database file (integrity_check and foreign_key_check); reads only.

    Exit status 0 when both are clean, 1 otherwise.

    \b
    Example:
      bilateral-tracker-cli check
    """
    db_path = ctx.obj.db_path
    _settle(db_path)
    report = _backup.check(db_path)
    for line in report.lines():
        click.echo(line, err=not report.ok and line == report.error)
    if not report.ok:
        good = _backup.newest_good_backup(db_path)
        if good is not None:
            click.echo(_("The newest good backup is {path} (restore it with: restore {name}).")
                       .format(path=good, name=good.name), err=True)
        ctx.exit(1)

