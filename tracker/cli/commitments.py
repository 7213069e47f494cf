"""Commands over commitments: ``deadlines`` (every kind's dated obligations in date order),
``calendar`` (them as an iCalendar file) and ``report`` (a dated implementation report added to a
record) and ``since`` (what was reported on a meeting's items since it)."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path
from typing import TYPE_CHECKING

import click

from tracker.cli.common import MAX_INTEGER, echo_json, format_table
from tracker.cli.help import TranslatedCommand
from tracker.i18n import _, format_date, ngettext, parse_date
from tracker.model import KINDS, get_kind

if TYPE_CHECKING:
    from tracker.cli.main import Env

MAX_DAYS = 100_000


def _day(_ctx, _param, value: str | None) -> _dt.date | None:
    if value is None:
        return None
    try:
        return parse_date(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


_TODAY = click.option("--today", callback=_day, metavar="DATE",
                      help="Count from this day instead of today (YYYY-MM-DD).")
_LEAD = click.option("--lead", metavar="NAME",
                     help="Only the items naming this lead (\"My items\"), as written there.")
_WITHIN = click.option("--within", type=click.IntRange(min=0, max=MAX_DAYS), metavar="DAYS",
                       help="Only what falls due within DAYS days from today (the overdue "
                            "ones too).")


@click.command("deadlines", cls=TranslatedCommand)
@_WITHIN
@click.option("--overdue", is_flag=True, help="Only the overdue ones.")
@_LEAD
@_TODAY
@click.option("--json", "as_json", is_flag=True, help="Print the deadlines as JSON.")
@click.pass_obj
def deadlines(env: Env, within: int | None, overdue: bool, lead: str | None,
              today: _dt.date | None, as_json: bool):
    """List every open dated obligation in date order: road-map due dates, agreements' last
    day to give notice and expiry, meetings, farm and plant milestones, with their leads.

    Overdue ones (the date has passed, the record is still open) are marked.

    \b
    Example:
      bilateral-tracker-cli deadlines --within 30
      bilateral-tracker-cli deadlines --overdue --json
    """
    repo = env.repo()
    found = repo.deadlines(today, within=within, overdue=overdue, lead=lead)
    if as_json:
        echo_json([{"date": d.date, "kind": d.kind, "id": d.record_id, "uid": d.uid,
                    "title": d.title, "obligation": d.obligation, "what": _(d.label),
                    "status": d.status, "overdue": d.overdue, "leads": list(d.leads)}
                   for d in found])
        return
    rows = [[d.date, _(KINDS[d.kind].label), str(d.record_id), _(d.label), d.title,
             KINDS[d.kind].status_label(d.status), "; ".join(d.leads),
             _("overdue") if d.overdue else ""] for d in found]
    click.echo(format_table([_("Date"), _("Kind"), "id", _("What"), _("Title"), _("Status"),
                             _("Leads"), _("Overdue")], rows))
    late = sum(d.overdue for d in found)
    click.echo(ngettext("{n} deadline", "{n} deadlines", len(found)).format(n=len(found))
               + "; " + ngettext("{n} overdue", "{n} overdue", late).format(n=late), err=True)


@click.command("calendar", cls=TranslatedCommand)
@click.option("-o", "--output", "output", required=True, metavar="FILE.ics",
              type=click.Path(dir_okay=False, path_type=Path),
              help="The iCalendar file to write (replaced whole).")
@_WITHIN
@_LEAD
@_TODAY
@click.pass_obj
def calendar(env: Env, output: Path, within: int | None, lead: str | None,
             today: _dt.date | None):
    """Write the deadlines and meetings as an iCalendar (.ics) file for Outlook, Thunderbird
    or a phone: one all-day event each, meetings with their place and participants.

    Each event keeps its id from one export to the next (the record's uid and the deadline's
    name), so importing a newer file updates the events instead of adding them again.

    \b
    Example:
      bilateral-tracker-cli calendar -o deadlines.ics --within 90
    """
    from tracker.exchange.calendar import write_calendar

    path, n = write_calendar(env.repo(), output, today=today, within=within, lead=lead)
    click.echo(str(path))
    click.echo(ngettext("{n} event", "{n} events", n).format(n=n), err=True)


@click.command("report", cls=TranslatedCommand)
@click.argument("kind_name", metavar="KIND")
@click.argument("record_id", metavar="ID", type=click.IntRange(min=1, max=MAX_INTEGER))
@click.argument("done", metavar="TEXT")
@click.option("--on", "day", metavar="DATE", help="The report's date (default: today).")
@click.option("--progress", type=click.IntRange(min=0, max=100), metavar="PERCENT",
              help="How far the work is carried out (0-100).")
@click.option("--side", type=click.Choice(["home", "partner"]), help="Who reports it.")
@click.option("--cite", metavar="SOURCE_ID=QUOTE",
              help="The source behind the report and words from its text.")
@click.pass_obj
def report(env: Env, kind_name: str, record_id: int, done: str, day: str | None,
           progress: int | None, side: str | None, cite: str | None):
    """Add a dated implementation report to a road-map item, a joint plant or a farm; the
    newest report's progress becomes the record's.

    \b
    Example:
      bilateral-tracker-cli report roadmap 1 "The working group met" --on 2026-03-01 \\
        --progress 20 --side home
    """
    from tracker.cli.records import parse_citations

    kind = get_kind(kind_name)
    if kind.reports is None:
        raise click.UsageError(_("{kind} have no implementation reports").format(
            kind=kind.name))
    new = {"reported_on": day or _dt.date.today().isoformat(), "progress": progress,
           "done": done, "side": side}
    if cite is not None:
        citation = parse_citations((cite,))[0]
        new.update(source_id=citation["source_id"], quote=citation["quote"])
    repo = env.repo()
    record = repo.get(kind.name, record_id)
    change = repo.update(kind.name, record_id, {"reports": [*record["reports"], new]},
                         expected_version=record["version"],
                         label=_("Report on {kind}").format(kind=_(kind.label).lower()))
    click.echo(_("Saved {kind} {id} (version {version})").format(
        kind=kind.name, id=record_id, version=change.record["version"]))


@click.command("since", cls=TranslatedCommand)
@click.argument("kind_name", metavar="KIND")
@click.argument("record_id", metavar="ID", type=click.IntRange(min=1, max=MAX_INTEGER))
@click.option("--json", "as_json", is_flag=True, help="Print the items and reports as JSON.")
@click.pass_obj
def since(env: Env, kind_name: str, record_id: int, as_json: bool):
    """What happened since a meeting: every item it agreed or reviewed, with the
    implementation reports dated after the meeting's last day (for a visit's brief).

    \b
    Example:
      bilateral-tracker-cli since meetings 2
      bilateral-tracker-cli since meetings 2 --json
    """
    kind = get_kind(kind_name)
    if kind.occasion is None:
        raise click.UsageError(_("{kind} are not meetings").format(kind=kind.name))
    found = env.repo().since_occasion(kind.name, record_id)
    if as_json:
        echo_json([{"kind": k, "id": rid, "title": title, "reports": reports}
                   for k, rid, title, reports in found])
        return
    for k, rid, title, reports in found:
        click.echo(f"{_(KINDS[k].label)} {rid}: {title}")
        for r in reports:
            parts = [format_date(r["reported_on"])]
            if r.get("progress") is not None:
                parts.append(f"{r['progress']} %")
            parts.append(" ".join(str(r["done"]).split()))
            click.echo("   " + " · ".join(parts))
        if not reports:
            click.echo("   " + _("nothing reported since the meeting"))
    click.echo(ngettext("{n} item", "{n} items", len(found)).format(n=len(found)), err=True)
