"""``value``: add, change or remove one dated value of an indicator's series (with its source
and verbatim quote), then print the figures computed from the record."""

from __future__ import annotations

import click

from tracker.cli.common import MAX_INTEGER
from tracker.cli.help import TranslatedCommand
from tracker.i18n import _
from tracker.model import get_kind
from tracker.model.indicators import change_text, distance_text, latest_text, reading
from tracker.model.values import period_text, series_items


@click.command("value", cls=TranslatedCommand)
@click.argument("kind_name", metavar="KIND")
@click.argument("record_id", metavar="ID", type=int)
@click.argument("date", metavar="DATE")
@click.argument("amount", metavar="[VALUE]", required=False)
@click.option("--source", "source_id", type=click.IntRange(min=1, max=MAX_INTEGER),
              help="The source the value comes from (its id; see `list sources`).")
@click.option("--quote", help="The source's words that give the value, verbatim.")
@click.option("--remove", is_flag=True, help="Remove the value of DATE instead.")
@click.option("--version", "version", type=click.IntRange(min=0, max=MAX_INTEGER),
              help="The version you read (show prints it); refuses to overwrite a newer one.")
@click.pass_obj
def value_command(env, kind_name: str, record_id: int, date: str, amount: str | None,
                  source_id: int | None, quote: str | None, remove: bool, version: int | None):
    """Add or change the value of one date (a year, a month or a day) in an indicator's
    series, or remove it; prints the newest value and the distance to the target.

    \b
    Example:
      bilateral-tracker-cli value indicators 1 2017 13 --source 1 \\
          --quote "13 joint assembly plants of Belarusian equipment are now operated"
      bilateral-tracker-cli value indicators 1 2018-06 "1 250,5"
      bilateral-tracker-cli value indicators 1 2018-06 --remove
    """
    kind = get_kind(kind_name)
    m = kind.measure
    if m is None:
        raise click.ClickException(_("{kind} records have no series of values").format(
            kind=kind.name))
    if remove == (amount is not None):
        raise click.UsageError(_("give a VALUE, or --remove (not both)"))
    if remove and (source_id is not None or quote is not None):
        raise click.UsageError(_("--source and --quote go with a VALUE, not with --remove"))
    if quote is not None and source_id is None:
        raise click.UsageError(_("--quote needs --source (the source it is found in)"))
    when = period_text(date)
    repo = env.repo()
    current = repo.get(kind.name, record_id)
    items = [i for i in series_items(current.get(m.series)) if i["date"] != when]
    if remove and len(items) == len(series_items(current.get(m.series))):
        raise click.ClickException(_("{kind} {id} has no value for {date}").format(
            kind=kind.name, id=record_id, date=when))
    if not remove:
        items.append({"date": when, "value": amount, "source_id": source_id, "quote": quote})
    change = repo.update(kind.name, record_id, {m.series: items},
                         expected_version=current["version"] if version is None else version)
    r = reading(change.record, m)
    click.echo(_("Saved {kind} {id} (version {version})").format(
        kind=kind.name, id=record_id, version=change.record["version"]))
    click.echo(_("Latest value: {text}").format(text=latest_text(r)))
    if change_text(r):
        click.echo(_("Change: {text}").format(text=change_text(r)))
    if r.target is not None:
        click.echo(_("Distance to the target: {text}").format(text=distance_text(r)))
