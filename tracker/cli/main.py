"""The command-line interface: a thin layer over the repository (:mod:`tracker.session`).

``bilateral-tracker-cli [--db PATH] [--language en|ru] COMMAND`` (also ``python -m tracker``).
The commands live in modules by subject and are added to the group below:

* admin.py      init, settings, grant (a server's clearances)
* records.py    list, show, search, history, fields; add, edit, delete, undelete
* exchange.py   export, import
* briefing.py   briefing
* safety.py     backup, backups, restore, check
* generate.py   generate
* commitments.py  deadlines, calendar, report, since
* measures.py   value
* attachments.py attach, attachments, detach, save-attachment, attachment-source, read-texts

Every command runs inside the group: its context object is the :class:`Env` (the database path;
the repository, opened on demand). Bad input of any kind ends in a one-line message on stderr and
exit status 1 (2 for usage errors), never a traceback: the group catches the errors a user can
cause in one place. Help and click's own messages are in the interface language
(:mod:`tracker.cli.help`).
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from tracker import __version__
from tracker.cli import (
    admin,
    attachments,
    briefing,
    commitments,
    exchange,
    generate,
    measures,
    records,
    safety,
)
from tracker.cli.common import one_line
from tracker.cli.help import TranslatedGroup, speak
from tracker.i18n import DATE_STYLES, LANGUAGES, _, set_date_style, set_language
from tracker.session import default_target, open_session
from tracker.store.engines import is_server, without_password
from tracker.store.errors import DatabaseError
from tracker.store.repository import Repository, TrackerError

PROG = "bilateral-tracker-cli"
USER_ERRORS = (TrackerError, DatabaseError, OSError, json.JSONDecodeError,
               UnicodeDecodeError, ValueError, KeyError, RecursionError, MemoryError)


def error_message(exc: BaseException) -> str:
    """The one-line message for an error a user can cause."""
    if isinstance(exc, OSError) and not isinstance(exc, TrackerError):
        where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
        return one_line(where + (exc.strerror or str(exc)))
    if isinstance(exc, KeyError) and type(exc).__str__ is KeyError.__str__:
        return one_line(_("unknown name {name}").format(name=exc.args[0] if exc.args else "?"))
    if isinstance(exc, RecursionError):
        return _("the input is nested too deeply")
    if isinstance(exc, MemoryError):
        return _("the input is too large")
    return one_line(str(exc)) or type(exc).__name__


class TrackerGroup(TranslatedGroup):
    """Turns the errors a user can cause into ``click.ClickException`` (one line, exit 1); help
    in the interface language (``tracker.cli.help``)."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except click.ClickException:
            raise
        except USER_ERRORS as exc:
            raise click.ClickException(error_message(exc)) from None


class Env:
    """What the commands share: the database (a file's path, or a server's address kept as the
    string it was given: a ``Path`` would fold its ``//``) and, once opened, the repository."""

    def __init__(self, db: str | None):
        if is_server(db):
            self.target: Path | str = db.strip()
        else:
            self.target = Path(db).expanduser() if db else default_target()
        self.server = is_server(self.target)
        self._repo: Repository | None = None

    @property
    def db_path(self) -> Path:
        """The database file (commands that work on the file itself, not on a server)."""
        if self.server:
            raise click.ClickException(server_refusal(self.target))
        return self.target

    @property
    def shown(self) -> str:
        """The database as messages name it: a file's path, a server's address without its
        password."""
        return shown_address(self.target)

    @property
    def opened(self) -> Repository | None:
        """The repository if a command has opened it, else None."""
        return self._repo

    def repo(self, *, seed: bool = True) -> Repository:
        """The repository, opened (and created, seeded unless ``seed`` is False) on first use."""
        if self._repo is None:
            if not self.server:
                self._settle_restore()
            self._repo = open_session(self.target, seed=seed)
            # a write that waits for another program's import says so, and waits for it
            self._repo.on_wait = lambda message: click.echo(message, err=True)
        return self._repo

    def _settle_restore(self) -> None:
        from tracker.store.sqlite.backup import BackupError
        from tracker.store.sqlite.restore import recover_interrupted_restore

        try:  # a restore of the file killed midway: finished or undone before it opens
            note = recover_interrupted_restore(self.target)
        except BackupError as exc:
            raise click.ClickException(one_line(str(exc))) from None
        if note:
            click.echo(one_line(note), err=True)

    def close(self) -> None:
        if self._repo is not None:
            self._repo.close()
            self._repo = None


def shown_address(target) -> str:
    """A database as messages name it (a server's address never shows its password)."""
    return without_password(target) if is_server(target) else str(target)


def server_refusal(target) -> str:
    """Why a command about a database file does nothing on a server."""
    return _("{server} is a database on a server: backing it up, restoring and checking it are "
             "its administrator's work (pg_dump, pg_restore); export makes a portable copy of the "
             "records").format(server=shown_address(target))


def _language_option(ctx, _param, value):
    """--language, else the system's language (LANGUAGE, LC_ALL, LC_MESSAGES, LANG): ours and
    click's messages."""
    if not ctx.resilient_parsing:
        speak(set_language(value or None))
    return value


def _dates_option(ctx, _param, value):
    """--dates: how dates are written (default: as the language writes them)."""
    if not ctx.resilient_parsing:
        set_date_style(value)
    return value


@click.group(cls=TrackerGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", "db", metavar="PATH|URL", envvar="TRACKER_DB",
              help="The database file, or a shared database on a server: "
                   "postgresql://[user@]host[:port]/dbname (default: $TRACKER_DB, else tracker.db "
                   "in the user data folder).")
@click.option("--language", type=click.Choice(LANGUAGES), callback=_language_option,
              is_eager=True, expose_value=False,
              help="Language of messages and labels (default: the system's).")
@click.option("--dates", type=click.Choice([*DATE_STYLES, "auto"]), callback=_dates_option,
              envvar="TRACKER_DATES", expose_value=False,
              help="How dates are written: iso (2026-03-31) or dotted (31.03.2026); default: "
                   "auto, dotted for Russian, Belarusian and Kazakh.")
@click.version_option(__version__, "--version", prog_name=PROG, message="%(prog)s %(version)s")
@click.pass_context
def main(ctx: click.Context, db: str | None):
    """Keep the record of a bilateral relationship: agreements, joint plants, farms, the road
    map, indicators, meetings, people and sources, and the desk's briefs.

    \b
    Kinds: agreements, plants, farms, roadmap, indicators, meetings, people, sources, briefs.

    \b
    Example:
      bilateral-tracker-cli --db ~/desk.db list roadmap --status planned
      bilateral-tracker-cli --db postgresql://alice@db.example/tracker list roadmap
    """
    env = Env(db)
    ctx.obj = env
    ctx.call_on_close(env.close)


for _command in (
    admin.init, admin.settings, admin.grant,
    records.list_, records.show, records.search, records.history, records.fields,
    records.add, records.edit, records.delete, records.undelete,
    exchange.export, exchange.import_,
    briefing.briefing,
    safety.backup_cmd, safety.backups_cmd, safety.restore_cmd, safety.check_cmd,
    generate.generate_command,
    commitments.deadlines, commitments.calendar, commitments.report, commitments.since,
    measures.value_command,
    attachments.attach, attachments.attachments, attachments.detach,
    attachments.save_attachment, attachments.attachment_source, attachments.read_texts,
):
    main.add_command(_command)


def run() -> None:  # pragma: no cover - exercised through the subprocess tests
    main(prog_name=PROG)
