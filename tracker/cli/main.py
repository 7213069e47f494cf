"""The command-line interface: a thin layer over the repository (:mod:`tracker.session`).

``bilateral-tracker-cli [--db PATH] [--language en|ru] COMMAND`` (also ``python -m tracker``).
The commands live in modules by subject and are added to the group below:

* admin.py      init, settings
* records.py    list, show, search, history, fields; add, edit, delete, undelete
* exchange.py   export, import
* briefing.py   briefing
* safety.py     backup, backups, restore, check
* generate.py   generate
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
from tracker.cli import admin, attachments, briefing, exchange, generate, records, safety
from tracker.cli.common import one_line
from tracker.cli.help import TranslatedGroup, speak
from tracker.i18n import LANGUAGES, _, set_language
from tracker.session import open_session
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
    """What the commands share: the database path and, once opened, the repository."""

    def __init__(self, db: str | None):
        self.db_path = Path(db).expanduser() if db else _default_path()
        self._repo: Repository | None = None

    @property
    def opened(self) -> Repository | None:
        """The repository if a command has opened it, else None."""
        return self._repo

    def repo(self, *, seed: bool = True) -> Repository:
        """The repository, opened (and created, seeded unless ``seed`` is False) on first use."""
        if self._repo is None:
            from tracker.store.sqlite.backup import BackupError
            from tracker.store.sqlite.restore import recover_interrupted_restore

            try:  # a restore of the file killed midway: finished or undone before it opens
                note = recover_interrupted_restore(self.db_path)
            except BackupError as exc:
                raise click.ClickException(one_line(str(exc))) from None
            if note:
                click.echo(one_line(note), err=True)
            self._repo = open_session(self.db_path, seed=seed)
            # a write that waits for another program's import says so, and waits for it
            self._repo.on_wait = lambda message: click.echo(message, err=True)
        return self._repo

    def close(self) -> None:
        if self._repo is not None:
            self._repo.close()
            self._repo = None


def _default_path() -> Path:
    from tracker.paths import default_db_path

    return default_db_path()


def _language_option(ctx, _param, value):
    """--language, else the system's language (LANGUAGE, LC_ALL, LC_MESSAGES, LANG): ours and
    click's messages."""
    if not ctx.resilient_parsing:
        speak(set_language(value or None))
    return value


@click.group(cls=TrackerGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", "db", metavar="PATH", envvar="TRACKER_DB",
              help="The database file (default: $TRACKER_DB, else tracker.db in the user data "
                   "folder).")
@click.option("--language", type=click.Choice(LANGUAGES), callback=_language_option,
              is_eager=True, expose_value=False,
              help="Language of messages and labels (default: the system's).")
@click.version_option(__version__, "--version", prog_name=PROG, message="%(prog)s %(version)s")
@click.pass_context
def main(ctx: click.Context, db: str | None):
    """Keep the record of a bilateral relationship: agreements, joint plants, farms, the road
    map, meetings, people and sources.

    \b
    Kinds: agreements, plants, farms, roadmap, meetings, people, sources.

    \b
    Example:
      bilateral-tracker-cli --db ~/desk.db list roadmap --status planned
    """
    env = Env(db)
    ctx.obj = env
    ctx.call_on_close(env.close)


for _command in (
    admin.init, admin.settings,
    records.list_, records.show, records.search, records.history, records.fields,
    records.add, records.edit, records.delete, records.undelete,
    exchange.export, exchange.import_,
    briefing.briefing,
    safety.backup_cmd, safety.backups_cmd, safety.restore_cmd, safety.check_cmd,
    generate.generate_command,
    attachments.attach, attachments.attachments, attachments.detach,
    attachments.save_attachment, attachments.attachment_source, attachments.read_texts,
):
    main.add_command(_command)


def run() -> None:  # pragma: no cover - exercised through the subprocess tests
    main(prog_name=PROG)
