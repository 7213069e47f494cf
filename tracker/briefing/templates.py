"""Which document a briefing is: a briefing note, a visit brief for one meeting, or the full data
briefing (the annex), optionally after a note or a visit brief. :func:`make_document` reads the
records (``facts`` for a note or a visit, ``gather`` for the annex) and composes the
renderer-neutral :class:`~tracker.briefing.blocks.Document`; :func:`preview` cuts one to its
first pages for the dialog's live preview."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, replace

from tracker.briefing import narrative
from tracker.briefing.blocks import Document, PageBreak, RecordTable, Title
from tracker.briefing.brief import Brief
from tracker.briefing.errors import BriefingError
from tracker.briefing.facts import gather_brief
from tracker.briefing.gather import BriefingData, gather
from tracker.briefing.note import compose_note
from tracker.briefing.options import BriefingOptions
from tracker.briefing.progress import Progress
from tracker.briefing.sections import compose, marking_style, marking_text, meta, sides
from tracker.briefing.visit import compose_visit
from tracker.i18n import _
from tracker.model import CLASSIFICATION_RANK, CLASSIFICATIONS

PREVIEW_BLOCKS = 60  # blocks of the body a preview keeps (about its first pages)
PREVIEW_ROWS = 40  # rows a table in a preview keeps


@dataclass
class Made:
    """A composed briefing: the document, the level it is marked with, the records printed."""
    document: Document
    level: str
    records: int


def make_document(repo, options: BriefingOptions, brief: Brief | None, today: _dt.date,
                  progress: Progress) -> Made:
    """The briefing ``options.template`` names, filled from the records (and ``brief``: the
    desk's text; None for none)."""
    if brief is not None:
        _check_level(brief, options)
    if options.template == "annex":
        return _annex(repo, options, brief, today, progress)
    facts = gather_brief(repo, options, brief or Brief(), today, progress)
    annex = _annex_data(repo, options, today, progress) if options.with_annex else None
    level = max([facts.level, *([annex.level] if annex else [])], key=CLASSIFICATION_RANK.get)
    style = marking_style(facts.settings, options)
    marking = marking_text(level, facts.settings, style)
    if options.template == "visit":
        subject = (brief and brief.title) or options.title or facts.meeting["title"]
        body = compose_visit(facts, narrative.cell(subject), marking)
    else:
        subject = ((brief and brief.title) or options.title or sides(facts.settings)
                   or _("Briefing"))
        body = compose_note(facts, options, narrative.cell(subject), marking)
    records = facts.records
    if annex is not None:
        annex_doc = compose(annex, _annex_options(options), progress)
        body += [PageBreak(), Title(_("Annex: data")), *annex_doc.body]
        records += annex.record_count
    data = BriefingData(today=today, settings=facts.settings, figures=facts.figures, rows={},
                        contacts={}, appendix=[], level=level, record_count=records)
    document = Document(meta=meta(data, options, title=subject), cover=None,
                        contents_title=None, body=tuple(body))
    return Made(document, level, records)


def _check_level(brief: Brief, options: BriefingOptions) -> None:
    if CLASSIFICATION_RANK[brief.classification] > CLASSIFICATION_RANK[
            options.max_classification]:
        labels = dict(CLASSIFICATIONS)
        raise BriefingError(_(
            "{brief} is classified “{level}”, above this briefing's limit “{limit}”; raise the "
            "limit or lower the brief's classification").format(
                brief=_("brief {id}").format(id=brief.record_id) if brief.record_id
                else _("the brief"), level=_(labels[brief.classification]),
                limit=_(labels[options.max_classification])))


def _annex_options(options: BriefingOptions) -> BriefingOptions:
    """The annex after a note: the data sections, without the note's purpose."""
    return options.replace(purpose="", template="annex", with_annex=False)


def _annex_data(repo, options: BriefingOptions, today: _dt.date, progress: Progress
                ) -> BriefingData:
    return gather(repo, _annex_options(options), today, progress)


def _annex(repo, options: BriefingOptions, brief: Brief | None, today: _dt.date,
           progress: Progress) -> Made:
    """The full data briefing; a brief gives it its title, author and purpose."""
    purpose = brief.text("purpose") if brief is not None else ""
    if brief is not None:
        options = options.replace(
            title=options.title or narrative.cell(brief.title)[:300],
            prepared_by=options.prepared_by or narrative.cell(brief.drafted_by)[:200],
            purpose="" if purpose else options.purpose)
    data = gather(repo, options, today, progress)
    if brief is not None:
        data.level = max(data.level, brief.classification, key=CLASSIFICATION_RANK.get)
    document = compose(data, options, progress)
    if purpose:  # the brief's purpose, as long as it was written, first
        body = narrative.section(_("Purpose"), narrative.paragraphs(purpose))
        document = replace(document, body=(*body, *document.body))
    return Made(document, data.level, data.record_count)


def preview(document: Document) -> Document:
    """The document cut to about its first pages (the dialog's live preview): the first
    blocks, each table's first rows, one copy."""
    body = []
    keep = PREVIEW_ROWS
    for block in document.body[:PREVIEW_BLOCKS]:
        if isinstance(block, RecordTable) and len(block.rows) > keep:
            body.append(replace(block, rows=block.rows[:keep], alert_cells=tuple(
                (r, c) for r, c in block.alert_cells if r < keep), notes=block.notes[:keep]))
        else:
            body.append(block)
    return replace(document, meta=replace(document.meta, copies=0), body=tuple(body))
