"""A brief: what the desk writes (purpose, objectives, points to make, background, …) and the
report options saved with it, read from a record of the briefs kind (``BRIEFS_KIND``) or from
the Briefing dialog's fields. :func:`from_record` gives the :class:`Brief` and the
:class:`~tracker.briefing.options.BriefingOptions` a saved brief is printed with."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, fields
from typing import Any

from tracker.briefing.errors import BriefingError, BriefingOptionsError
from tracker.briefing.options import (
    ALL_KINDS,
    LEVELS,
    SECTIONS,
    BriefingOptions,
    parse_status_args,
)
from tracker.briefing.text import CONTROL_RE
from tracker.i18n import _, current_language, parse_date
from tracker.model.figures import BRIEFS_KIND

#: The brief's own words, in the order a reader meets them (the kind's field names).
NARRATIVE = ("purpose", "objectives", "points", "if_raised", "background", "background_secret",
             "issues", "recommendation", "next_steps")
#: One-line fields of the heading block.
HEADING_FIELDS = ("addressee", "drafted_by", "critical_reason")
#: Words in a brief's "Annex sections" that are not sections: the records' notes under each
#: table, and the appendix of sources and quotes.
NOTES, APPENDIX = "notes", "appendix"
EXTRA_SECTIONS = (NOTES, APPENDIX)


@dataclass(frozen=True)
class Brief:
    """The desk's text of one brief (empty strings where nothing is written). ``record_id``
    names the saved brief it came from (None: typed in the dialog, not saved);
    ``classification`` is the brief's own level: a briefing limited below it is refused."""
    title: str = ""
    classification: str = "public"
    record_id: int | None = None
    addressee: str = ""
    drafted_by: str = ""
    contact_id: int | None = None
    critical_date: str | None = None
    critical_reason: str = ""
    purpose: str = ""
    objectives: str = ""
    points: str = ""
    if_raised: str = ""
    background: str = ""
    background_secret: str = ""
    issues: str = ""
    recommendation: str = ""
    next_steps: str = ""

    def __post_init__(self):
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name in ("record_id", "contact_id"):
                if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                    raise self.error(f.name, _("expected a record id"))
                continue
            if f.name == "critical_date":
                object.__setattr__(self, f.name, self._date(value))
                continue
            if value is None:
                value = ""
            if not isinstance(value, str):
                raise self.error(f.name, _("expected text"))
            limit = BRIEFS_KIND.field(f.name).limit() if BRIEFS_KIND.has_field(f.name) else None
            if limit is not None and len(value) > limit:
                raise self.error(f.name, _("too long ({n} characters; at most {limit})").format(
                    n=len(value), limit=limit))
            object.__setattr__(self, f.name, CONTROL_RE.sub("", value).replace("\r\n", "\n")
                               .replace("\r", "\n"))
        if self.classification not in LEVELS:
            raise self.error("classification", _("{value!r} is not one of: {choices}").format(
                value=self.classification, choices=", ".join(LEVELS)))

    def error(self, name: str, message: str) -> BriefingError:
        """A one-line error naming the brief and the field (as the form labels it)."""
        label = _(BRIEFS_KIND.field(name).label) if BRIEFS_KIND.has_field(name) else name
        where = (_("brief {id}").format(id=self.record_id) if self.record_id is not None
                 else _("brief"))
        return BriefingError(f"{where}: {label}: {message}")

    def _date(self, value: Any) -> str | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, _dt.date):
            return value.isoformat()
        try:
            return parse_date(str(value)).isoformat()
        except ValueError as exc:
            raise self.error("critical_date", str(exc)) from None

    def text(self, name: str) -> str:
        """One of the brief's fields, stripped (empty: nothing written)."""
        return (getattr(self, name) or "").strip()


def brief_of(record: dict[str, Any]) -> Brief:
    """The :class:`Brief` of a record of the briefs kind."""
    values = {f.name: record.get(f.name) for f in fields(Brief)
              if f.name not in ("record_id",) and f.name in record}
    values["title"] = record.get("title") or ""
    return Brief(record_id=record.get("id"), **values)


def options_of(record: dict[str, Any], **changes) -> BriefingOptions:
    """The report options saved with a brief (``changes`` override them: the CLI's flags).
    A bad value is a :class:`BriefingError` naming the brief and the field."""
    sections = _words(record.get("sections"))
    data: dict[str, Any] = {
        "template": record.get("template") or "note",
        "meeting_id": record.get("meeting_id"),
        "max_classification": record.get("max_classification") or "internal",
        "date_from": record.get("date_from"), "date_to": record.get("date_to"),
        "paper": record.get("paper") or "a4",
        "language": record.get("language") or current_language(),
        "with_annex": (record.get("annex") or "none") != "none",
        "title": _one_line(record.get("title"), 300),
        "prepared_by": _one_line(record.get("drafted_by"), 200),
    }
    if sections:
        data["sections"] = [s for s in sections if s not in EXTRA_SECTIONS]
        data["include_notes"] = NOTES in sections
        data["include_sources"] = APPENDIX in sections
    statuses = _words(record.get("statuses"))
    if statuses:
        data["statuses"] = parse_status_args(statuses)
    data.update({k: v for k, v in changes.items() if v is not None})
    try:
        return BriefingOptions.from_dict(data)
    except BriefingOptionsError as exc:
        name = _FIELD_OF_OPTION.get(exc.option, exc.option)
        brief = Brief(record_id=record.get("id"))
        raise brief.error(name, exc.detail) from None


#: The brief's field behind each option (for the messages).
_FIELD_OF_OPTION = {"date_to": "date_to", "date_from": "date_from", "sections": "sections",
                    "statuses": "statuses", "meeting_id": "meeting_id", "paper": "paper",
                    "language": "language", "template": "template", "title": "title",
                    "prepared_by": "drafted_by", "max_classification": "max_classification"}


def _words(value: Any) -> list[str]:
    if not value:
        return []
    return [w.strip() for w in str(value).replace(";", ",").split(",") if w.strip()]


def _one_line(value: Any, limit: int) -> str:
    text = " ".join(CONTROL_RE.sub("", str(value or "")).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def section_words() -> tuple[str, ...]:
    """What a brief's "Annex sections" may list."""
    return (*SECTIONS, *EXTRA_SECTIONS)


def record_values(brief: Brief, options: BriefingOptions) -> dict[str, Any]:
    """A brief's record (the briefs kind's fields) for its text and the options it is printed
    with: what :func:`brief_of` and :func:`options_of` read back."""
    values: dict[str, Any] = {name: getattr(brief, name) or None
                              for name in (*NARRATIVE, *HEADING_FIELDS)}
    everything = (options.sections == SECTIONS and options.include_notes
                  and options.include_sources)
    words = [*options.sections, *([NOTES] if options.include_notes else []),
             *([APPENDIX] if options.include_sources else [])]
    statuses = [value if kind == ALL_KINDS else f"{kind}:{value}"
                for kind, chosen in options.statuses.items() for value in chosen]
    values.update(
        title=brief.title, classification=brief.classification, contact_id=brief.contact_id,
        critical_date=brief.critical_date, template=options.template,
        meeting_id=options.meeting_id, max_classification=options.max_classification,
        sections=None if everything else ", ".join(words) or None,
        statuses=", ".join(statuses) or None, date_from=options.date_from,
        date_to=options.date_to, paper=options.paper, language=options.language,
        annex="data" if options.with_annex else "none")
    return values
