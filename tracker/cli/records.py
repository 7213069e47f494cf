"""Commands over records: reading (``list``, ``show``, ``search``, ``history``, ``fields``) and
writing (``add``, ``edit``, ``delete``, ``undelete``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from tracker.cli.common import MAX_INTEGER, cell, echo_json, format_table, one_line, parse_pairs
from tracker.cli.help import TranslatedCommand
from tracker.i18n import _, ngettext
from tracker.model import KINDS, OVERDUE, SOURCE_KIND, Kind, display_value, get_kind, normalize
from tracker.model.attachments import found_in
from tracker.model.counting import of_total

if TYPE_CHECKING:
    from tracker.cli.main import Env


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



@click.command("fields", cls=TranslatedCommand)
@click.argument("kind_name", metavar="KIND")
@click.option("--json", "as_json", is_flag=True, help="Print the fields as JSON.")
def fields(kind_name: str, as_json: bool):
    """List a kind's fields: name, type, whether required, and the values a choice accepts.

    \b
    Example:
      bilateral-tracker-cli fields roadmap
    """
    kind = get_kind(kind_name)
    rows = []
    for f in kind.fields:
        rows.append({
            "name": f.name, "label": _(f.label), "type": f.type, "required": f.required,
            "choices": [v for v, _l in f.choices], "target": f.target, "limit": f.limit(),
            "minimum": f.minimum, "maximum": f.maximum,
        })
    if as_json:
        echo_json(rows)
        return
    table = []
    for r in rows:
        extra = ", ".join(r["choices"]) if r["choices"] else (
            _("ids of {kind}").format(kind=r["target"]) if r["target"] else "")
        if r["minimum"] is not None or r["maximum"] is not None:
            extra = f"{r['minimum']}–{r['maximum']}"
        table.append([r["name"], r["label"], r["type"], "*" if r["required"] else "", extra])
    click.echo(format_table([_("Field"), _("Label"), _("Type"), _("Required"), _("Values")], table,
                      width=200))



# --- reading --------------------------------------------------------------------------------------

@click.command("list", cls=TranslatedCommand)
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
@click.pass_obj
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

    kind = get_kind(kind_name)
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
        echo_json([record_json(repo, kind.name, r) for r in rows])
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
    click.echo(format_table(headers, table))
    click.echo(of_total(kind.name, len(rows), total), err=True)


@click.command("show", cls=TranslatedCommand)
@click.argument("kind_name", metavar="KIND")
@click.argument("record_id", metavar="ID", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print the record as a JSON object.")
@click.pass_obj
def show(env: Env, kind_name: str, record_id: int, as_json: bool):
    """Show one record: every field, its links and the sources behind it.

    \b
    Example:
      bilateral-tracker-cli show agreements 1 --json
    """
    from tracker.exchange import record_json, record_text

    kind = get_kind(kind_name)
    repo = env.repo()
    record = repo.get(kind.name, record_id)
    if as_json:
        echo_json(record_json(repo, kind.name, record))
        return
    click.echo(record_text(repo, kind.name, record))
    echo_warnings(kind, record)


def echo_warnings(kind: Kind, record: dict, *, err: bool = False) -> None:
    """The contradictions the record holds (``Kind.checks``), one line each: warned of, the
    record stays as saved."""
    for name, message in kind.warnings(record).items():
        click.echo(_("Warning: {field}: {message}").format(field=_(kind.field(name).label),
                                                           message=message), err=err)


@click.command("search", cls=TranslatedCommand)
@click.argument("text")
@click.option("--limit", type=click.IntRange(min=1, max=10_000), default=50, show_default=True,
              help="At most this many hits.")
@click.option("--offset", type=click.IntRange(min=0, max=MAX_INTEGER), default=0,
              help="Skip this many hits first (the next page: --offset 50).")
@click.option("--all", "show_all", is_flag=True, help="Every hit, however many.")
@click.option("--json", "as_json", is_flag=True, help="Print the hits as JSON.")
@click.pass_obj
def search(env: Env, text: str, limit: int, offset: int, show_all: bool, as_json: bool):
    """Search every kind's text, the labels of choices and the text of attached files (any
    words; prefixes match, and other forms of a word: 'сельское хозяйство' finds 'сельского
    хозяйства', 'Nazarbayev' finds 'Назарбаев'). Records holding the words as typed come
    first; a hit in a file names the file and the page. Says how many there are in all;
    --offset and --all show the rest.

    \b
    Example:
      bilateral-tracker-cli search "expo 2017"
      bilateral-tracker-cli search Almaty --offset 50 --limit 50
    """
    repo = env.repo()
    hits = repo.search(text, limit=None if show_all else limit, offset=offset)
    if as_json:
        echo_json([{"kind": h.kind, "id": h.record_id, "title": h.title, "status": h.status,
                     "snippet": h.snippet, "file": h.attachment, "page": h.page}
                    for h in hits])
    else:
        table = [[h.kind, str(h.record_id), h.title, KINDS[h.kind].status_label(h.status),
                  f"{found_in(h.attachment, h.page)}: {h.snippet}" if h.attachment
                  else h.snippet] for h in hits]
        click.echo(format_table([_("Kind"), "id", _("Title"), _("Status"), _("Text")], table))
    click.echo(_found(hits, offset), err=True)


def _found(hits, offset: int) -> str:
    """What a search found, in all, and which of them are shown."""
    if not hits.total:
        return _("Nothing found.")
    if len(hits) == hits.total:
        return _("{n} found").format(n=hits.total)
    if not hits:
        return _("{n} found; none from --offset {offset}").format(n=hits.total, offset=offset)
    shown = _("{first}–{last} of {n} found").format(first=offset + 1, last=offset + len(hits),
                                                     n=hits.total)
    if hits.more:
        shown += _("; the next ones: --offset {next} (every one: --all)").format(
            next=offset + len(hits))
    return shown


@click.command("history", cls=TranslatedCommand)
@click.argument("kind_name", metavar="[KIND", required=False)
@click.argument("record_id", metavar="[ID]]", type=int, required=False)
@click.option("--limit", type=click.IntRange(min=1, max=MAX_INTEGER), default=50,
              show_default=True, help="At most this many entries.")
@click.option("--json", "as_json", is_flag=True,
              help="Print the entries as JSON (with the record before and after).")
@click.option("--title", default="", metavar="TEXT",
              help="Only the records whose title, now or before, holds TEXT (any case).")
@click.option("--user", default="", metavar="NAME", help="Only the entries NAME wrote.")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), metavar="YYYY-MM-DD",
              help="Only the entries written on this day or later (local time).")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), metavar="YYYY-MM-DD",
              help="Only the entries written on this day or before (local time).")
@click.pass_obj
def history(env: Env, kind_name: str | None, record_id: int | None, limit: int, as_json: bool,
            title: str, user: str, since, until):
    """Show the audit log, newest first: who changed what and when; the last line says how
    many entries there are in all.

    \b
    Example:
      bilateral-tracker-cli history roadmap 3 --limit 10
      bilateral-tracker-cli history --title "trade" --user alice --since 2026-01-01
    """
    from tracker.store.audit_filter import AuditFilter, local_days

    if kind_name is not None:
        get_kind(kind_name)
    repo = env.repo()
    if kind_name and record_id is not None:
        repo.get(kind_name, record_id)
    first, last = local_days(since.date() if since else None, until.date() if until else None)
    wanted = AuditFilter(title=title, user=user, since=first, until=last,
                         upto=repo.last_history_id())
    entries = repo.history(kind_name, record_id, limit=limit, where=wanted)
    if as_json:
        echo_json(entries)
        return
    for e in entries:
        where = f"{e['kind']} {e['record_id']}" if e["record_id"] is not None else e["kind"]
        click.echo(f"{e['at']}  {e['user']}  {e['action']}  {where}  {one_line(e['label'])}")
        for name, old, new in e["changes"][:20]:
            if name in ("created_at", "created_by", "id", "uid"):
                continue
            click.echo(f"    {name}: {cell(_plain(old))} → {cell(_plain(new))}")
    if not entries:
        click.echo(_("no history"), err=True)
        return
    total = repo.history_count(kind_name, record_id, where=wanted)
    click.echo(ngettext("{n} entry", "{n} entries", total).format(n=total) if total == len(
        entries) else _("{shown} of {n} entries (--limit shows more)").format(
            shown=len(entries), n=total), err=True)


def _plain(value: Any) -> str:
    if value is None:
        return "∅"
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


# --- writing --------------------------------------------------------------------------------------

def parse_citations(pairs: tuple[str, ...]) -> list[dict]:
    """``SOURCE_ID=QUOTE`` arguments as citations (a usage error otherwise)."""
    out = []
    for pair in pairs:
        sid, sep, quote = pair.partition("=")
        sid = sid.strip()
        if not sep or not (sid.isascii() and sid.isdigit()) or len(sid) > 19 \
                or int(sid) > MAX_INTEGER:
            raise click.UsageError(_("--cite expects SOURCE_ID=QUOTE, got {pair!r}").format(
                pair=pair[:60]))
        out.append({"source_id": int(sid), "quote": quote})
    return out


@click.command("add", cls=TranslatedCommand)
@click.argument("kind_name", metavar="KIND")
@click.argument("pairs", nargs=-1, metavar="FIELD=VALUE...")
@click.option("--cite", "cites", multiple=True, metavar="SOURCE_ID=QUOTE",
              help="Cite a source with a quote (repeatable).")
@click.pass_obj
def add(env: Env, kind_name: str, pairs: tuple[str, ...], cites: tuple[str, ...]):
    """Add a record; prints its id. Link lists take ids separated by commas.

    See a kind's field names with `fields KIND`.

    \b
    Example:
      bilateral-tracker-cli add roadmap "title=Joint exhibition" due_date=2026-09-01
      bilateral-tracker-cli add people "title=Jane Doe" position=Envoy --cite "1=Astana airport"
    """
    kind = get_kind(kind_name)
    values = parse_pairs(pairs)
    repo = env.repo()
    citations = parse_citations(cites)
    for c in citations:
        if not repo.exists(SOURCE_KIND.name, c["source_id"]):
            raise click.ClickException(_("--cite: no source with id {id}").format(
                id=c["source_id"]))
    same = repo.same_title(kind.name, str(values.get("title") or ""))
    change = repo.create(kind.name, values, citations=citations or None)
    click.echo(change.record_id)
    click.echo(_("Created {kind} {id}: {title}").format(
        kind=kind.name, id=change.record_id, title=cell(change.record["title"], 80)), err=True)
    if same:  # added all the same (scripts decide for themselves), but said
        click.echo(ngettext("Note: {kind} {ids} has the same title",
                            "Note: {kind} {ids} have the same title", len(same)).format(
            kind=kind.name, ids=", ".join(str(rid) for rid, _t in same)), err=True)
    echo_warnings(kind, change.record, err=True)


@click.command("edit", cls=TranslatedCommand)
@click.argument("kind_name", metavar="KIND")
@click.argument("record_id", metavar="ID", type=int)
@click.argument("pairs", nargs=-1, metavar="FIELD=VALUE...")
@click.option("--version", "version", type=click.IntRange(min=0, max=MAX_INTEGER),
              help="The version you read (show prints it); refuses to overwrite a newer one.")
@click.option("--cite", "cites", multiple=True, metavar="SOURCE_ID=QUOTE",
              help="Replace the record's sources with these (repeatable).")
@click.pass_obj
def edit(env: Env, kind_name: str, record_id: int, pairs: tuple[str, ...], version: int | None,
         cites: tuple[str, ...]):
    """Change some fields of a record (FIELD= empties a field). Values the record already has
    change nothing: no new version, no history entry ("Nothing changed").

    \b
    Example:
      bilateral-tracker-cli edit roadmap 3 progress=50 status=in_progress --version 1
    """
    kind = get_kind(kind_name)
    values = parse_pairs(pairs)
    if not values and not cites:
        raise click.UsageError(_("nothing to change: give FIELD=VALUE or --cite"))
    repo = env.repo()
    current = repo.get(kind.name, record_id)
    expected = current["version"] if version is None else version
    change, changed = None, False
    if values:
        change = repo.update(kind.name, record_id, values, expected_version=expected)
        changed = change.action != "unchanged"
        expected = change.record["version"] if changed else expected
    if cites:
        citations = parse_citations(cites)
        for c in citations:
            if not repo.exists(SOURCE_KIND.name, c["source_id"]):
                raise click.ClickException(_("--cite: no source with id {id}").format(
                    id=c["source_id"]))
        change = repo.set_citations(kind.name, record_id, citations, expected_version=expected)
        changed = changed or change.action != "unchanged"
    if not changed:
        click.echo(_("Nothing changed: {kind} {id} already has these values (version "
                     "{version})").format(kind=kind.name, id=record_id,
                                          version=change.record["version"]))
        return
    click.echo(_("Saved {kind} {id} (version {version})").format(
        kind=kind.name, id=record_id, version=change.record["version"]))
    echo_warnings(kind, repo.get(kind.name, record_id), err=True)


@click.command("delete", cls=TranslatedCommand)
@click.argument("kind_name", metavar="KIND")
@click.argument("record_id", metavar="ID", type=int)
@click.pass_obj
def delete(env: Env, kind_name: str, record_id: int):
    """Move a record to the trash (bring it back with `undelete`).

    \b
    Example:
      bilateral-tracker-cli delete plants 1
    """
    kind = get_kind(kind_name)
    env.repo().delete(kind.name, record_id)
    click.echo(_("Moved {kind} {id} to the trash").format(kind=kind.name, id=record_id))


@click.command("undelete", cls=TranslatedCommand)
@click.argument("kind_name", metavar="KIND")
@click.argument("record_id", metavar="ID", type=int)
@click.pass_obj
def undelete(env: Env, kind_name: str, record_id: int):
    """Bring a record back from the trash (see them with `list KIND --trash`).

    \b
    Example:
      bilateral-tracker-cli undelete plants 1
    """
    kind = get_kind(kind_name)
    env.repo().restore(kind.name, record_id)
    click.echo(_("Restored {kind} {id}").format(kind=kind.name, id=record_id))

