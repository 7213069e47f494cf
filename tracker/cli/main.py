"""The command-line interface: a thin layer over :class:`tracker.store.repository.Repository`.

``bilateral-tracker-cli [--db PATH] [--language en|ru] COMMAND`` (also ``python -m tracker``).
Bad input of any kind ends in a one-line message on stderr and exit status 1 (2 for usage
errors), never a traceback: the group catches the errors a user can cause in one place.
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from typing import Any

import click

from tracker import __version__
from tracker.cli.help import TranslatedGroup
from tracker.i18n import LANGUAGES, _, ngettext, set_language
from tracker.model import (
    KIND_ORDER,
    KINDS,
    OVERDUE,
    SOURCE_KIND,
    Kind,
    display_value,
    get_kind,
    normalize,
)
from tracker.session import open_session
from tracker.store.errors import DatabaseError
from tracker.store.repository import SETTING_KEYS, Repository, TrackerError

PROG = "bilateral-tracker-cli"
MAX_CELL = 40
MAX_INTEGER = 2**63 - 1  # SQLite's largest integer: a larger number is a usage error, not a crash
USER_ERRORS = (TrackerError, DatabaseError, OSError, json.JSONDecodeError,
               UnicodeDecodeError, ValueError, KeyError, RecursionError, MemoryError)


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def error_message(exc: BaseException) -> str:
    """The one-line message for an error a user can cause."""
    if isinstance(exc, OSError) and not isinstance(exc, TrackerError):
        where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
        return _one_line(where + (exc.strerror or str(exc)))
    if isinstance(exc, KeyError) and type(exc).__str__ is KeyError.__str__:
        return _one_line(_("unknown name {name}").format(name=exc.args[0] if exc.args else "?"))
    if isinstance(exc, RecursionError):
        return _("the input is nested too deeply")
    if isinstance(exc, MemoryError):
        return _("the input is too large")
    return _one_line(str(exc)) or type(exc).__name__


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

    def repo(self, *, seed: bool = True) -> Repository:
        if self._repo is None:
            from tracker.store.sqlite.backup import BackupError, recover_interrupted_restore

            try:  # a restore of the file killed midway: finished or undone before it opens
                note = recover_interrupted_restore(self.db_path)
            except BackupError as exc:
                raise click.ClickException(_one_line(str(exc))) from None
            if note:
                click.echo(_one_line(note), err=True)
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


pass_env = click.make_pass_decorator(Env)


def _language_option(ctx, _param, value):
    """--language, else the system's language (LANGUAGE, LC_ALL, LC_MESSAGES, LANG)."""
    if not ctx.resilient_parsing:
        set_language(value or None)
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


def _kind(name: str) -> Kind:
    return get_kind(name)


def _parse_pairs(pairs: tuple[str, ...]) -> dict[str, str]:
    values: dict[str, str] = {}
    for pair in pairs:
        if "=" not in pair:
            raise click.UsageError(_("expected FIELD=VALUE, got {pair!r}").format(
                pair=pair[:60]))
        name, value = pair.split("=", 1)
        values[name.strip()] = value
    return values


def _cell(text: str, width: int = MAX_CELL) -> str:
    text = _one_line(text)
    return text if len(text) <= width else text[: width - 1] + "…"


def _table(headers: list[str], rows: list[list[str]], width: int = MAX_CELL) -> str:
    cells = [[_cell(c, width) for c in row] for row in rows]
    widths = [max([len(h), *(len(r[i]) for r in cells)]) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in cells]
    return "\n".join(lines)


def _echo_json(value: Any) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2))


def _status_value(kind: Kind, status: str | None) -> str | None:
    if status is None:
        return None
    overdue = (OVERDUE, _("Overdue").casefold())
    if kind.deadline is not None and status.strip().casefold() in overdue:
        return OVERDUE  # a filter derived from the deadline, not a stored status
    clean, problems = normalize(kind, {"status": status})
    if problems:
        raise click.BadParameter(problems["status"], param_hint="'--status'")
    return clean["status"]


# --- init, settings -------------------------------------------------------------------------------

@main.command()
@click.option("--empty", is_flag=True, help="Create the file without the article's records.")
@pass_env
def init(env: Env, empty: bool):
    """Create the database (seeded from the article unless --empty) and print its path.

    Running it again on an existing file changes nothing.

    \b
    Example:
      bilateral-tracker-cli --db desk.db init --empty
    """
    existed = env.db_path.exists()
    repo = env.repo(seed=not empty)
    counts = repo.totals()
    click.echo(str(repo.path))
    summary = ", ".join(f"{name} {counts[name]}" for name in KIND_ORDER)
    if existed:
        click.echo(_("already there: {summary}").format(summary=summary), err=True)
    else:
        click.echo(_("created: {summary}").format(summary=summary), err=True)


@main.command()
@click.argument("pairs", nargs=-1, metavar="[KEY=VALUE]...")
@click.option("--json", "as_json", is_flag=True, help="Print the settings as JSON.")
@pass_env
def settings(env: Env, pairs: tuple[str, ...], as_json: bool):
    """Show the relationship's settings, or set some (home_country, partner_country,
    relationship_title).

    \b
    Example:
      bilateral-tracker-cli settings partner_country=Uzbekistan
    """
    repo = env.repo()
    values = _parse_pairs(pairs)
    if values:
        for key, value in values.items():
            if key not in SETTING_KEYS:
                raise click.UsageError(_("unknown setting {key!r}; choose one of: {keys}").format(
                    key=key[:60], keys=", ".join(SETTING_KEYS)))
            if len(value) > 300:
                raise click.ClickException(_("{key} is too long ({n} characters; at most "
                                             "{limit})").format(key=key, n=len(value),
                                                                limit=300))
        repo.set_settings({k: _one_line(v) for k, v in values.items()})
    current = repo.settings()
    if as_json:
        _echo_json(current)
        return
    for key in SETTING_KEYS:
        click.echo(f"{key}: {current.get(key, '')}")


@main.command()
@click.argument("kind_name", metavar="KIND")
@click.option("--json", "as_json", is_flag=True, help="Print the fields as JSON.")
def fields(kind_name: str, as_json: bool):
    """List a kind's fields: name, type, whether required, and the values a choice accepts.

    \b
    Example:
      bilateral-tracker-cli fields roadmap
    """
    kind = _kind(kind_name)
    rows = []
    for f in kind.fields:
        rows.append({
            "name": f.name, "label": _(f.label), "type": f.type, "required": f.required,
            "choices": [v for v, _l in f.choices], "target": f.target, "limit": f.limit(),
            "minimum": f.minimum, "maximum": f.maximum,
        })
    if as_json:
        _echo_json(rows)
        return
    table = []
    for r in rows:
        extra = ", ".join(r["choices"]) if r["choices"] else (
            _("ids of {kind}").format(kind=r["target"]) if r["target"] else "")
        if r["minimum"] is not None or r["maximum"] is not None:
            extra = f"{r['minimum']}–{r['maximum']}"
        table.append([r["name"], r["label"], r["type"], "*" if r["required"] else "", extra])
    click.echo(_table([_("Field"), _("Label"), _("Type"), _("Required"), _("Values")], table,
                      width=200))


# --- reading --------------------------------------------------------------------------------------

@main.command("list")
@click.argument("kind_name", metavar="KIND")
@click.option("--status", help="Only records with this status (value or label; for the road "
                                "map also 'overdue').")
@click.option("--search", "text", metavar="TEXT", help="Only records matching this text.")
@click.option("--sort", metavar="FIELD", help="Sort by this field (default: the kind's own).")
@click.option("--desc", is_flag=True, help="Sort in descending order.")
@click.option("--limit", type=click.IntRange(min=0, max=MAX_INTEGER),
              help="At most this many records.")
@click.option("--trash", is_flag=True, help="List the records in the trash instead.")
@click.option("--json", "as_json", is_flag=True,
              help="Print a JSON array of records with every field, sources and (road map) "
                   "overdue.")
@click.option("--csv", "as_csv", is_flag=True,
              help="Print the table as CSV for a spreadsheet (labels as headers, formulas "
                   "neutralised; every matching record).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              metavar="FILE.csv", help="With --csv: write the file a spreadsheet opens "
                                       "directly (UTF-8 with its byte-order mark), not stdout.")
@pass_env
def list_(env: Env, kind_name: str, status: str | None, text: str | None, sort: str | None,
          desc: bool, limit: int | None, trash: bool, as_json: bool, as_csv: bool,
          output: Path | None):
    """List the records of one kind as a table (or JSON, or CSV).

    \b
    Example:
      bilateral-tracker-cli list roadmap --status planned --sort due_date --json
      bilateral-tracker-cli list roadmap --status overdue --sort due_date --csv
    """
    from tracker.exchange import list_csv, record_json, write_list_csv

    kind = _kind(kind_name)
    repo = env.repo()
    status = _status_value(kind, status)
    if output is not None and not as_csv:
        raise click.UsageError(_("--output goes with --csv"))
    if as_csv:
        if as_json or limit is not None:
            raise click.UsageError(_("--csv lists every matching record; it does not go with "
                                     "--json or --limit"))
        query = {"search": text, "status": status, "sort": sort, "descending": desc,
                 "trash": trash}
        if output is None:  # a text stream: it writes the platform's line ends itself
            click.echo(list_csv(repo, kind.name, lineterminator="\n", **query)[0], nl=False)
            return
        text_csv, n = list_csv(repo, kind.name, **query)
        click.echo(str(write_list_csv(output, text_csv)))
        click.echo(ngettext("{n} row", "{n} rows", n).format(n=n), err=True)
        return
    rows = repo.list(kind.name, search=text, status=status, sort=sort, descending=desc,
                     limit=limit, trash=trash, with_links=as_json)
    if as_json:
        _echo_json([record_json(repo, kind.name, r) for r in rows])
        return
    total = repo.count(kind.name, search=text, status=status, trash=trash)
    headers = ["id", *(_(f.label) for f in kind.columns)]
    if kind.deadline is not None:
        headers.append(_("Overdue"))
    if trash:
        headers.append(_("Deleted"))
    table = []
    for r in rows:
        line = [str(r["id"]), *(display_value(kind, f.name, r.get(f.name)) for f in kind.columns)]
        if kind.deadline is not None:
            line.append(_("overdue") if kind.is_overdue(r) else "")
        if trash:
            line.append(r["deleted_at"] or "")
        table.append(line)
    click.echo(_table(headers, table))
    click.echo(_("{shown} of {total} {kind}").format(shown=len(rows), total=total,
                                                      kind=_(kind.plural).lower()), err=True)


@main.command()
@click.argument("kind_name", metavar="KIND")
@click.argument("record_id", metavar="ID", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print the record as a JSON object.")
@pass_env
def show(env: Env, kind_name: str, record_id: int, as_json: bool):
    """Show one record: every field, its links and the sources behind it.

    \b
    Example:
      bilateral-tracker-cli show agreements 1 --json
    """
    from tracker.exchange import record_json, record_text

    kind = _kind(kind_name)
    repo = env.repo()
    record = repo.get(kind.name, record_id)
    if as_json:
        _echo_json(record_json(repo, kind.name, record))
        return
    click.echo(record_text(repo, kind.name, record))


@main.command()
@click.argument("text")
@click.option("--limit", type=click.IntRange(min=1, max=10_000), default=50, show_default=True,
              help="At most this many hits.")
@click.option("--json", "as_json", is_flag=True, help="Print the hits as JSON.")
@pass_env
def search(env: Env, text: str, limit: int, as_json: bool):
    """Search every kind's text (any words; prefixes match).

    \b
    Example:
      bilateral-tracker-cli search "expo 2017"
    """
    repo = env.repo()
    hits = repo.search(text, limit=limit)
    if as_json:
        _echo_json([{"kind": h.kind, "id": h.record_id, "title": h.title, "status": h.status,
                     "snippet": h.snippet} for h in hits])
        return
    table = [[h.kind, str(h.record_id), h.title, KINDS[h.kind].status_label(h.status),
              h.snippet] for h in hits]
    click.echo(_table([_("Kind"), "id", _("Title"), _("Status"), _("Text")], table))
    click.echo(_("{n} found").format(n=len(hits)), err=True)


@main.command()
@click.argument("kind_name", metavar="[KIND", required=False)
@click.argument("record_id", metavar="[ID]]", type=int, required=False)
@click.option("--limit", type=click.IntRange(min=1, max=MAX_INTEGER), default=50,
              show_default=True, help="At most this many entries.")
@click.option("--json", "as_json", is_flag=True,
              help="Print the entries as JSON (with the record before and after).")
@pass_env
def history(env: Env, kind_name: str | None, record_id: int | None, limit: int, as_json: bool):
    """Show the audit log, newest first: who changed what and when.

    \b
    Example:
      bilateral-tracker-cli history roadmap 3 --limit 10
    """
    if kind_name is not None:
        _kind(kind_name)
    repo = env.repo()
    if kind_name and record_id is not None:
        repo.get(kind_name, record_id)
    entries = repo.history(kind_name, record_id, limit=limit)
    if as_json:
        _echo_json(entries)
        return
    for e in entries:
        where = f"{e['kind']} {e['record_id']}" if e["record_id"] is not None else e["kind"]
        click.echo(f"{e['at']}  {e['user']}  {e['action']}  {where}  {_one_line(e['label'])}")
        for name, old, new in e["changes"][:20]:
            if name in ("created_at", "created_by", "id", "uid"):
                continue
            click.echo(f"    {name}: {_cell(_plain(old))} → {_cell(_plain(new))}")
    if not entries:
        click.echo(_("no history"), err=True)


def _plain(value: Any) -> str:
    if value is None:
        return "∅"
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


# --- writing --------------------------------------------------------------------------------------

def _citations(pairs: tuple[str, ...]) -> list[dict]:
    out = []
    for pair in pairs:
        sid, sep, quote = pair.partition("=")
        sid = sid.strip()
        if not sep or not sid.isdigit() or len(sid) > 19 or int(sid) > MAX_INTEGER:
            raise click.UsageError(_("--cite expects SOURCE_ID=QUOTE, got {pair!r}").format(
                pair=pair[:60]))
        out.append({"source_id": int(sid), "quote": quote})
    return out


@main.command()
@click.argument("kind_name", metavar="KIND")
@click.argument("pairs", nargs=-1, metavar="FIELD=VALUE...")
@click.option("--cite", "cites", multiple=True, metavar="SOURCE_ID=QUOTE",
              help="Cite a source with a quote (repeatable).")
@pass_env
def add(env: Env, kind_name: str, pairs: tuple[str, ...], cites: tuple[str, ...]):
    """Add a record; prints its id. Link lists take ids separated by commas.

    See a kind's field names with `fields KIND`.

    \b
    Example:
      bilateral-tracker-cli add roadmap "title=Joint exhibition" due_date=2026-09-01
      bilateral-tracker-cli add people "title=Jane Doe" position=Envoy --cite "1=Astana airport"
    """
    kind = _kind(kind_name)
    values = _parse_pairs(pairs)
    repo = env.repo()
    citations = _citations(cites)
    for c in citations:
        if not repo.exists(SOURCE_KIND.name, c["source_id"]):
            raise click.ClickException(_("--cite: no source with id {id}").format(
                id=c["source_id"]))
    same = repo.same_title(kind.name, str(values.get("title") or ""))
    change = repo.create(kind.name, values, citations=citations or None)
    click.echo(change.record_id)
    click.echo(_("Created {kind} {id}: {title}").format(
        kind=kind.name, id=change.record_id, title=_cell(change.record["title"], 80)), err=True)
    if same:  # added all the same (scripts decide for themselves), but said
        click.echo(ngettext("Note: {kind} {ids} has the same title",
                            "Note: {kind} {ids} have the same title", len(same)).format(
            kind=kind.name, ids=", ".join(str(rid) for rid, _t in same)), err=True)


@main.command()
@click.argument("kind_name", metavar="KIND")
@click.argument("record_id", metavar="ID", type=int)
@click.argument("pairs", nargs=-1, metavar="FIELD=VALUE...")
@click.option("--version", "version", type=click.IntRange(min=0, max=MAX_INTEGER),
              help="The version you read (show prints it); refuses to overwrite a newer one.")
@click.option("--cite", "cites", multiple=True, metavar="SOURCE_ID=QUOTE",
              help="Replace the record's sources with these (repeatable).")
@pass_env
def edit(env: Env, kind_name: str, record_id: int, pairs: tuple[str, ...], version: int | None,
         cites: tuple[str, ...]):
    """Change some fields of a record (FIELD= empties a field).

    \b
    Example:
      bilateral-tracker-cli edit roadmap 3 progress=50 status=in_progress --version 1
    """
    kind = _kind(kind_name)
    values = _parse_pairs(pairs)
    if not values and not cites:
        raise click.UsageError(_("nothing to change: give FIELD=VALUE or --cite"))
    repo = env.repo()
    current = repo.get(kind.name, record_id)
    expected = current["version"] if version is None else version
    change = None
    if values:
        change = repo.update(kind.name, record_id, values, expected_version=expected)
        expected = change.record["version"]
    if cites:
        citations = _citations(cites)
        for c in citations:
            if not repo.exists(SOURCE_KIND.name, c["source_id"]):
                raise click.ClickException(_("--cite: no source with id {id}").format(
                    id=c["source_id"]))
        change = repo.set_citations(kind.name, record_id, citations, expected_version=expected)
    click.echo(_("Saved {kind} {id} (version {version})").format(
        kind=kind.name, id=record_id, version=change.record["version"]))


@main.command()
@click.argument("kind_name", metavar="KIND")
@click.argument("record_id", metavar="ID", type=int)
@pass_env
def delete(env: Env, kind_name: str, record_id: int):
    """Move a record to the trash (bring it back with `undelete`).

    \b
    Example:
      bilateral-tracker-cli delete plants 1
    """
    kind = _kind(kind_name)
    env.repo().delete(kind.name, record_id)
    click.echo(_("Moved {kind} {id} to the trash").format(kind=kind.name, id=record_id))


@main.command()
@click.argument("kind_name", metavar="KIND")
@click.argument("record_id", metavar="ID", type=int)
@pass_env
def undelete(env: Env, kind_name: str, record_id: int):
    """Bring a record back from the trash (see them with `list KIND --trash`).

    \b
    Example:
      bilateral-tracker-cli undelete plants 1
    """
    kind = _kind(kind_name)
    env.repo().restore(kind.name, record_id)
    click.echo(_("Restored {kind} {id}").format(kind=kind.name, id=record_id))


# --- import / export ------------------------------------------------------------------------------

@main.command()
@click.option("-o", "--output", "output", required=True, metavar="FILE",
              type=click.Path(dir_okay=True, path_type=Path),
              help="Where to write: a .json file, a .zip of CSV files, or a folder for CSV.")
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]), default=None,
              help="json (default) or csv; a FILE ending in .csv/.zip implies csv.")
@pass_env
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
    path = write_json(output, data) if fmt == "json" else write_csv(output, data)
    click.echo(str(path))
    click.echo(_("exported {n} records").format(n=sum(len(v) for v in data.values())), err=True)


@main.command("import")
@click.argument("file", metavar="FILE", type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True,
              help="Check the file and say what it would change, what was understood of each "
                   "file and which records are older than ours; write nothing.")
@click.option("--skip-older", is_flag=True,
              help="Leave alone the records changed here since the file was exported (older in "
                   "the file) and import the rest; without it such a file is refused.")
@pass_env
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
        raise click.ClickException(_one_line(str(exc)) + " " + _(
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


# --- commands contributed by other modules --------------------------------------------------------

def _add_contributed(group: click.Group) -> None:
    for module_name in ("tracker.cli.briefing", "tracker.cli.safety", "tracker.cli.generate"):
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        for cmd in getattr(module, "commands", ()):
            if isinstance(cmd, click.Command):
                group.add_command(cmd)


_add_contributed(main)


def run() -> None:  # pragma: no cover - exercised through the subprocess tests
    main(prog_name=PROG)

