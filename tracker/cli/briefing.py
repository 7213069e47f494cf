"""The ``briefing`` command: write a briefing as PDF or Word (see :mod:`tracker.briefing`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from tracker.briefing import (  # cheap: reportlab loads only for a build
    LEVELS,
    PAPERS,
    SECTIONS,
    TIMELINE_GROUPS,
)
from tracker.briefing.options import MARKINGS, MAX_COPIES, TEMPLATES
from tracker.cli.common import MAX_INTEGER as MAX_ID
from tracker.cli.help import TranslatedCommand
from tracker.i18n import LANGUAGES, _, current_language, parse_date

if TYPE_CHECKING:
    from tracker.cli.main import Env
    from tracker.store.repository import Repository

_FLAGS = {
    "sections": "--section", "statuses": "--status", "date_from": "--from", "date_to": "--to",
    "max_classification": "--max-classification", "paper": "--paper", "title": "--title",
    "prepared_by": "--prepared-by", "include_sources": "--sources/--no-sources",
    "include_notes": "--notes/--no-notes", "purpose": "--purpose", "language": "--language",
    "timeline_group": "--timeline-group",
    "template": "--template", "meeting_id": "--meeting", "copies": "--copies",
    "with_annex": "--with-annex/--no-annex", "marking": "--marking",
}


def _fail(message: str):
    raise click.ClickException(" ".join(str(message).split()))


@click.command("briefing", cls=TranslatedCommand)
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False, path_type=Path),
              metavar="FILE.pdf|FILE.docx", help="Where to write the briefing: a PDF, or a Word "
              "document for a name ending in .docx (written to a temporary file first, then "
              "renamed).")
@click.option("--format", "fmt", type=click.Choice(["pdf", "docx"]), default=None,
              help="pdf or docx, for a file name whose suffix says neither.")
@click.option("--docx-template", type=click.Path(dir_okay=False, path_type=Path),
              metavar="FILE.docx", help="A Word letterhead (.docx or .dotx) to write the Word "
              "briefing on: its page setup, headers, footers and styles are kept.")
@click.option("--template", type=click.Choice(TEMPLATES), default=None,
              help="note: a briefing note of one or two pages; visit: a visit brief for the "
                   "meeting given with --meeting; annex: the full data briefing (default).")
@click.option("--meeting", "meeting_id", type=click.IntRange(min=1, max=MAX_ID), metavar="ID",
              help="The meeting a visit brief prepares (its id: bilateral-tracker-cli list "
                   "meetings).")
@click.option("--brief", "brief_id", type=click.IntRange(min=1, max=MAX_ID), metavar="ID",
              help="Print a saved brief: its text and options (the options given here change "
                   "them).")
@click.option("--with-annex/--no-annex", "with_annex", default=None,
              help="Add the full data briefing after a note or a visit brief.")
@click.option("--copies", type=click.IntRange(min=1, max=MAX_COPIES), metavar="N",
              help="N numbered copies in one file (Copy No. 1 to N), each with its own page "
                   "numbers.")
@click.option("--marking", type=click.Choice(MARKINGS), default=None,
              help="banner: the classification at the top and the bottom of every page; "
                   "corner: at the top right of the first page, with the copy number "
                   "(default: the marking_style setting, else banner).")
@click.option("--max-classification", type=click.Choice(LEVELS), default=None,
              help="Leave out records classified above this level (default: internal).")
@click.option("--preset", metavar="NAME", help="Start from a saved preset's options.")
@click.option("--save-preset", metavar="NAME", help="Save the resulting options as a preset.")
@click.option("--title", metavar="TEXT", help="The briefing's title (default: Briefing).")
@click.option("--prepared-by", metavar="TEXT", help="Who prepared it (cover, PDF author).")
@click.option("--purpose", metavar="TEXT",
              help="One paragraph printed under a 'Purpose' heading before the executive "
                   "summary (at most 2,000 characters; \"\" for none).")
@click.option("--paper", type=click.Choice(PAPERS), default=None,
              help="Paper size (default: a4).")
@click.option("--section", "sections", multiple=True, type=click.Choice(SECTIONS),
              help="Include only these sections (repeat the option); the cover and contents "
                   "are always there.")
@click.option("--status", "statuses", multiple=True, metavar="[KIND:]STATUS",
              help="Include only records with these statuses (repeat); KIND:STATUS limits one "
                   "kind, a bare STATUS applies to every kind that has it.")
@click.option("--from", "date_from", metavar="YYYY-MM-DD",
              help="Only records whose main date (signed, started, due, start...) is on or "
                   "after this day.")
@click.option("--to", "date_to", metavar="YYYY-MM-DD",
              help="Only records whose main date is on or before this day.")
@click.option("--sources/--no-sources", "include_sources", default=None,
              help="Include (default) or leave out the appendix of sources and quotes.")
@click.option("--notes/--no-notes", "include_notes", default=None,
              help="Print (default) or leave out each record's notes (where a value is "
                   "inferred, caveats) under its kind's table.")
@click.option("--language", type=click.Choice(LANGUAGES), default=None,
              help="Language of the briefing (default: the interface language).")
@click.option("--timeline-group", type=click.Choice(TIMELINE_GROUPS), default=None,
              help="Group the road-map timeline's bars by area (default) or by agreement.")
@click.option("--today", metavar="YYYY-MM-DD", hidden=True,
              help="Write the briefing as of this day (tests, reproducible output).")
@click.pass_obj
def briefing(env: Env, output, fmt, docx_template, template, meeting_id, brief_id, with_annex,
             copies, marking, max_classification, preset, save_preset, title, prepared_by,
             purpose, paper, sections, statuses, date_from, date_to, include_sources,
             include_notes, language, timeline_group, today):
    """Write a briefing, as a PDF or a Word document: a briefing note (--template note), a
    visit brief for one meeting (--template visit --meeting ID), or the full data briefing
    (the default: cover, contents, executive summary, road-map chart and timeline, deadlines,
    a table per kind with its records' notes, high-level contacts and an appendix of sources
    with their quotes). --brief ID prints a saved brief, its text filled in from the records.

    Every page is marked with the highest classification the briefing actually includes.
    The same data and options give a byte-identical file.

    \b
    Example:
      bilateral-tracker-cli briefing -o briefing.pdf
      bilateral-tracker-cli briefing -o talks.pdf --max-classification public \\
          --title "Talks in Astana" --prepared-by "Desk officer" --section summary \\
          --purpose "Talking points for the Minister's visit to Astana" \\
          --section roadmap --status roadmap:planned --from 2017-01-01 --save-preset talks
      bilateral-tracker-cli briefing -o talks.pdf --preset talks
      bilateral-tracker-cli briefing -o talks.docx --preset talks --docx-template letterhead.docx
      bilateral-tracker-cli briefing -o plan.pdf --section timeline --timeline-group agreement
      bilateral-tracker-cli briefing -o note.pdf --template note --with-annex
      bilateral-tracker-cli briefing -o visit.docx --template visit --meeting 2
      bilateral-tracker-cli briefing -o brief.pdf --brief 1 --marking corner --copies 3
    """
    from tracker.briefing import BriefingError, build_briefing

    if output is None and not save_preset:
        raise click.UsageError(_("give the output file with -o FILE.pdf (or --save-preset "
                                 "NAME to only save the options)"))
    if brief_id is not None and preset:
        raise click.UsageError(_("give --brief or --preset, not both"))
    repo = env.repo()
    changes = {
        "max_classification": max_classification, "title": title,
        "prepared_by": prepared_by, "paper": paper, "date_from": date_from,
        "date_to": date_to, "include_sources": include_sources,
        "include_notes": include_notes, "purpose": purpose, "language": language,
        "timeline_group": timeline_group,
        "template": template, "meeting_id": meeting_id, "with_annex": with_annex,
        "copies": copies, "marking": marking,
    }
    brief = None
    if brief_id is not None:
        brief, options = _brief(repo, brief_id, sections, statuses, changes)
    else:
        options = _options(repo, preset, sections, statuses, changes)
    if save_preset:
        repo.save_preset(save_preset, options.to_dict())
        click.echo(_("saved preset {name!r}").format(name=" ".join(save_preset.split())),
                   err=True)
    if output is None:
        return
    day = None
    if today:
        try:
            day = parse_date(today)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="'--today'") from None
    try:
        result = build_briefing(repo, options, output, brief=brief, format=fmt,
                                docx_template=docx_template, today=day)
    except BriefingError as exc:
        _fail(str(exc))
    click.echo(str(result.path))
    if result.pages is None:  # a Word file: Word lays out its pages itself
        click.echo(_("{records} records, marked {level} ({seconds:.1f} s)").format(
            records=result.records, level=result.classification, seconds=result.seconds),
            err=True)
        return
    click.echo(_("{pages} pages, {records} records, marked {level} ({seconds:.1f} s)").format(
        pages=result.pages, records=result.records, level=result.classification,
        seconds=result.seconds), err=True)


def _brief(repo: Repository, brief_id: int, sections: tuple, statuses: tuple, changes: dict):
    """A saved brief and its options, changed by the options given."""
    from tracker.briefing import BriefingError, BriefingOptionsError, parse_status_args
    from tracker.briefing.brief import brief_of, options_of
    from tracker.model.figures import BRIEFS_KIND
    from tracker.store.errors import NotFound

    try:
        record = repo.get(BRIEFS_KIND.name, brief_id)
    except NotFound:
        _fail(_("{kind} {id}: no such record").format(kind=BRIEFS_KIND.name, id=brief_id))
    if record.get("deleted_at"):
        _fail(_("{kind} {id} is in the trash; restore it first").format(
            kind=BRIEFS_KIND.name, id=brief_id))
    if sections:
        changes = {**changes, "sections": list(sections)}
    if statuses:
        changes = {**changes, "statuses": parse_status_args(list(statuses))}
    try:
        return brief_of(record), options_of(record, **changes)
    except BriefingOptionsError as exc:
        _fail(f"{_FLAGS.get(exc.option, exc.option)}: {exc.detail}")
    except BriefingError as exc:
        _fail(str(exc))


def _options(repo: Repository, preset: str | None, sections: tuple, statuses: tuple,
             changes: dict):
    """The briefing's options: a preset's (else the interface language), changed by the options
    given."""
    from tracker.briefing import BriefingOptions, BriefingOptionsError, parse_status_args

    if preset:
        presets = repo.presets()
        if preset not in presets:
            _fail(_("no preset named {name!r}; saved presets: {names}").format(
                name=preset, names=", ".join(presets) or _("none")))
        base = dict(presets[preset])
    else:
        base = {"language": current_language()}
    base.update({k: v for k, v in changes.items() if v is not None})
    if sections:
        base["sections"] = list(sections)
    if statuses:
        base["statuses"] = parse_status_args(list(statuses))
    try:
        return BriefingOptions.from_dict(base)
    except BriefingOptionsError as exc:
        _fail(f"{_FLAGS.get(exc.option, exc.option)}: {exc.detail}")

