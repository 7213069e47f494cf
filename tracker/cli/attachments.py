"""Commands over the files attached to records: ``attach``, ``attachments``, ``detach``,
``save-attachment``, ``attachment-source`` and ``read-texts``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from tracker.cli.common import MAX_INTEGER, echo_json, format_table
from tracker.cli.help import TranslatedCommand
from tracker.i18n import _, ngettext
from tracker.model import get_kind
from tracker.model.attachments import describe_text, format_size

if TYPE_CHECKING:
    from tracker.cli.main import Env

_ID = click.IntRange(min=1, max=MAX_INTEGER)


@click.command("attach", cls=TranslatedCommand)
@click.argument("kind_name", metavar="KIND")
@click.argument("record_id", metavar="ID", type=_ID)
@click.argument("path", metavar="FILE", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--name", help="Call the file this instead of its own name.")
@click.option("--no-text", is_flag=True, help="Do not read the file's text now (it is read "
                                              "the next time the application runs).")
@click.pass_obj
def attach(env: Env, kind_name: str, record_id: int, path: Path, name: str | None,
           no_text: bool):
    """Attach a file to a record (stored inside the database), then read its text for search.

    \b
    Example:
      bilateral-tracker-cli attach agreements 3 signed-agreement.pdf
    """
    kind = get_kind(kind_name)
    repo = env.repo()
    change = repo.attach(kind.name, record_id, path, name=name)
    added = change.record["attachments"][-1]
    click.echo(_("Attached {name} ({size}, SHA-256 {sha}) to {kind} {id}").format(
        name=added["name"], size=format_size(added["size"]), sha=added["sha256"],
        kind=kind.name, id=record_id))
    if no_text:
        return
    from tracker.extract import read_pending

    read_pending(repo, only=[added["sha256"]])
    a = repo.attachment(added["id"])
    pages = len(repo.attachment_pages(added["id"]))
    line = describe_text(a["text_status"], a["text_note"])
    if pages:
        line += " (" + ngettext("{n} page", "{n} pages", pages).format(n=pages) + ")"
    click.echo(line)


@click.command("attachments", cls=TranslatedCommand)
@click.argument("kind_name", metavar="KIND")
@click.argument("record_id", metavar="ID", type=_ID)
@click.option("--removed", is_flag=True, help="List the files removed from the record.")
@click.option("--json", "as_json", is_flag=True, help="Print the list as JSON.")
@click.pass_obj
def attachments(env: Env, kind_name: str, record_id: int, removed: bool, as_json: bool):
    """List the files attached to a record: id, name, size, type, when and by whom, and whether
    their text is searchable.

    \b
    Example:
      bilateral-tracker-cli attachments agreements 3
    """
    kind = get_kind(kind_name)
    repo = env.repo()
    repo.get(kind.name, record_id)
    rows = repo.attachments(kind.name, record_id, removed=removed)
    if as_json:
        echo_json(rows)
        return
    if not rows:
        click.echo(_("No files.") if not removed else _("No removed files."))
        return
    table = [[str(a["id"]), a["name"], format_size(a["size"]), a["media_type"],
              a["deleted_at"] or a["added_at"], a["added_by"],
              describe_text(a["text_status"], a["text_note"])] for a in rows]
    click.echo(format_table([_("Id"), _("File"), _("Size"), _("Type"),
                             _("Removed") if removed else _("Added"), _("By"), _("Text")],
                            table, width=60))


@click.command("detach", cls=TranslatedCommand)
@click.argument("kind_name", metavar="KIND")
@click.argument("record_id", metavar="ID", type=_ID)
@click.argument("attachment_id", metavar="FILE_ID", type=_ID)
@click.pass_obj
def detach(env: Env, kind_name: str, record_id: int, attachment_id: int):
    """Remove a file from a record (kept in the database and in the record's history).

    \b
    Example:
      bilateral-tracker-cli detach agreements 3 12
    """
    kind = get_kind(kind_name)
    change = env.repo().remove_attachment(kind.name, record_id, attachment_id)
    click.echo(_("{label}: {kind} {id}, version {version}").format(
        label=change.label, kind=kind.name, id=record_id, version=change.record["version"]))


@click.command("save-attachment", cls=TranslatedCommand)
@click.argument("attachment_id", metavar="FILE_ID", type=_ID)
@click.argument("path", metavar="OUTPUT", type=click.Path(path_type=Path))
@click.pass_obj
def save_attachment(env: Env, attachment_id: int, path: Path):
    """Save an attached file (its content checked against its SHA-256) as OUTPUT.

    \b
    Example:
      bilateral-tracker-cli save-attachment 12 ~/agreement.pdf
    """
    repo = env.repo()
    a = repo.attachment(attachment_id)
    repo.save_attachment(attachment_id, path)
    click.echo(_("Saved {name} ({size}) as {path}").format(
        name=a["name"], size=format_size(a["size"]), path=path))


@click.command("attachment-source", cls=TranslatedCommand)
@click.argument("kind_name", metavar="KIND")
@click.argument("record_id", metavar="ID", type=_ID)
@click.argument("attachment_id", metavar="FILE_ID", type=_ID)
@click.option("--title", help="The source's title (default: the file's name).")
@click.pass_obj
def attachment_source(env: Env, kind_name: str, record_id: int, attachment_id: int,
                      title: str | None):
    """Make a source of an attached file's text, page by page, so that records can quote it
    (edit --cite SOURCE_ID:"words").

    \b
    Example:
      bilateral-tracker-cli attachment-source agreements 3 12
    """
    kind = get_kind(kind_name)
    change = env.repo().source_from_attachment(kind.name, record_id, attachment_id, title=title)
    click.echo(_("Created source {id} from {name}").format(
        id=change.record_id, name=change.record["title"]))


@click.command("read-texts", cls=TranslatedCommand)
@click.option("--seconds", type=click.IntRange(min=1, max=3600), default=120, show_default=True,
              help="The longest one file's reading may take.")
@click.pass_obj
def read_texts(env: Env, seconds: int):
    """Read the text of attached files not read yet (after an import, or `attach --no-text`),
    so that search finds words in them.

    \b
    Example:
      bilateral-tracker-cli read-texts
    """
    from tracker.extract import Limits, read_pending

    repo = env.repo()
    done = 0
    while pending := repo.pending_texts():
        results = read_pending(repo, limits=Limits(seconds=seconds), only=pending)
        done += len(results)
        if not results:
            break
    click.echo(ngettext("Read the text of {n} file", "Read the text of {n} files", done).format(
        n=done))
