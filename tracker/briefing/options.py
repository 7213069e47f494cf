"""What goes into a briefing: :class:`BriefingOptions` (shared by the CLI, the GUI and saved
presets), their validation and (de)serialisation, and the CLI/GUI status helper."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Any

from tracker.briefing.errors import BriefingOptionsError
from tracker.briefing.text import CONTROL_RE
from tracker.i18n import LANGUAGES, N_, _, current_language, parse_date
from tracker.model import CLASSIFICATIONS, KIND_ORDER, KINDS, get_kind
from tracker.model.timeline import TIMELINE_KIND

#: Sections a briefing may hold, in document order (the cover and contents are always there; the
#: sources appendix is governed by ``include_sources``).
SECTIONS: tuple[str, ...] = ("summary", "chart", "timeline", "deadlines",
                             *(k for k in KIND_ORDER if KINDS[k].data_section), "contacts")
SECTION_LABELS: dict[str, str] = {
    "summary": N_("Executive summary"),
    "chart": N_("Road-map status"),
    "timeline": N_("Road-map timeline"),
    "deadlines": N_("Overdue and upcoming deadlines"),
    "contacts": N_("High-level contacts"),
}
PAPERS = ("a4", "letter")
#: What a briefing is: a briefing note, a visit brief for one meeting, or the full data briefing.
TEMPLATES = ("note", "visit", "annex")
#: Where the classification marking goes: ``banner`` (the top and the bottom of every page) or
#: ``corner`` (the top right of the first page, with the copy number).
MARKINGS = ("banner", "corner")
MAX_COPIES = 100
LEVELS = tuple(value for value, _label in CLASSIFICATIONS)
ALL_KINDS = "*"  # key of ``statuses`` that applies to every kind having those statuses
MAX_TITLE = 300
MAX_PREPARED_BY = 200
MAX_PURPOSE = 2000  # characters of the purpose paragraph
#: How the timeline section may group its records (the timeline kind's declared groupings).
TIMELINE_GROUPS: tuple[str, ...] = tuple(
    g.name for g in (TIMELINE_KIND.timeline.groups if TIMELINE_KIND else ()))


def section_label(section: str) -> str:
    """The translated name of a section (a kind's plural for the per-kind sections)."""
    if section in KINDS:
        return _(KINDS[section].plural)
    return _(SECTION_LABELS[section])


def _today_language() -> str:
    return current_language()


@dataclass
class BriefingOptions:
    """What goes into a briefing. Shared by the CLI, the GUI and saved presets."""

    sections: tuple[str, ...] = SECTIONS
    # kind name (or "*" for every kind that has the status) -> statuses to include
    statuses: dict[str, tuple[str, ...]] = field(default_factory=dict)
    date_from: str | None = None  # ISO dates, applied to each kind's main date
    date_to: str | None = None
    max_classification: str = "internal"
    paper: str = "a4"
    title: str = ""  # empty: "Briefing"
    prepared_by: str = ""
    # One paragraph printed under a "Purpose" heading before the executive summary (empty: none).
    purpose: str = ""
    include_sources: bool = True
    # Each printed record's notes (where a value is inferred, caveats) under its kind's table.
    include_notes: bool = True
    language: str = field(default_factory=_today_language)
    # The timeline section's groups: one of TIMELINE_GROUPS (area, agreement).
    timeline_group: str = TIMELINE_GROUPS[0] if TIMELINE_GROUPS else ""
    template: str = "annex"
    meeting_id: int | None = None  # the meeting a visit brief prepares
    # A note or a visit brief followed by the full data briefing (the annex) on new pages.
    with_annex: bool = False
    marking: str = ""  # "banner" or "corner"; empty: the database's setting (banner if none)
    copies: int = 0  # numbered copies (Copy No. 1..N); 0: one copy, unnumbered

    def __post_init__(self):
        self.validate()

    # -- validation ---------------------------------------------------------------------------

    def validate(self) -> None:
        """Normalise the values in place; raise :class:`BriefingOptionsError` naming the option."""
        if isinstance(self.sections, str):
            self.sections = (self.sections,)
        try:
            sections = [str(s).strip().lower() for s in self.sections]
        except TypeError:
            raise BriefingOptionsError("sections", _("expected a list of section names")) from None
        unknown = [s for s in sections if s not in SECTIONS]
        if unknown:
            raise BriefingOptionsError("sections", _("{value!r} is not one of: {choices}").format(
                value=unknown[0], choices=", ".join(SECTIONS)))
        self.sections = tuple(s for s in SECTIONS if s in sections)

        self.statuses = _check_statuses(self.statuses)
        self.date_from = _check_date("date_from", self.date_from)
        self.date_to = _check_date("date_to", self.date_to)
        if self.date_from and self.date_to and self.date_to < self.date_from:
            raise BriefingOptionsError("date_to", _("{to} is before {start}").format(
                to=self.date_to, start=self.date_from))

        self.max_classification = _check_choice("max_classification", self.max_classification,
                                                LEVELS)
        self.paper = _check_choice("paper", self.paper, PAPERS)
        self.language = _check_choice("language", self.language, LANGUAGES)
        if TIMELINE_GROUPS:
            self.timeline_group = _check_choice("timeline_group", self.timeline_group,
                                                TIMELINE_GROUPS)
        self.title = _check_text("title", self.title, MAX_TITLE)
        self.prepared_by = _check_text("prepared_by", self.prepared_by, MAX_PREPARED_BY)
        self.purpose = _check_text("purpose", self.purpose, MAX_PURPOSE)
        self.template = _check_choice("template", self.template, TEMPLATES)
        self.marking = "" if self.marking in (None, "") else _check_choice(
            "marking", self.marking, MARKINGS)
        self.meeting_id = _check_number("meeting_id", self.meeting_id, 1, 2**63 - 1)
        if self.template == "visit" and self.meeting_id is None:
            raise BriefingOptionsError("meeting_id", _(
                "a visit brief needs the meeting it prepares"))
        self.copies = _check_number("copies", self.copies, 0, MAX_COPIES) or 0
        for name in ("include_sources", "include_notes", "with_annex"):
            if not isinstance(getattr(self, name), bool):
                raise BriefingOptionsError(name, _("expected true or false, got {value!r}")
                                           .format(value=getattr(self, name)))

    def statuses_for(self, kind_name: str) -> tuple[str, ...] | None:
        """The statuses to include for a kind (None: every status)."""
        own = {v for v, _l in get_kind(kind_name).statuses}
        if kind_name in self.statuses:
            return self.statuses[kind_name]
        wanted = [s for s in self.statuses.get(ALL_KINDS, ()) if s in own]
        return tuple(wanted) or None

    # -- (de)serialisation --------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        return {
            "sections": list(self.sections),
            "statuses": {k: list(v) for k, v in self.statuses.items()},
            "date_from": self.date_from,
            "date_to": self.date_to,
            "max_classification": self.max_classification,
            "paper": self.paper,
            "title": self.title,
            "prepared_by": self.prepared_by,
            "purpose": self.purpose,
            "include_sources": self.include_sources,
            "include_notes": self.include_notes,
            "language": self.language,
            "timeline_group": self.timeline_group,
            "template": self.template,
            "meeting_id": self.meeting_id,
            "with_annex": self.with_annex,
            "marking": self.marking,
            "copies": self.copies,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> BriefingOptions:
        """Options from a dict (a preset, JSON); unknown names and bad values are errors."""
        if not isinstance(data, dict):
            raise BriefingOptionsError("options", _("expected a mapping of option names to values"))
        names = set(cls.__dataclass_fields__)
        unknown = sorted(set(data) - names)
        if unknown:
            raise BriefingOptionsError(unknown[0], _("no such option; choose from: {names}").format(
                names=", ".join(sorted(names))))
        values = dict(data)
        if "sections" in values and isinstance(values["sections"], list):
            values["sections"] = tuple(values["sections"])
        return cls(**values)

    def replace(self, **changes) -> BriefingOptions:
        data = self.to_dict()
        data.update(changes)
        return BriefingOptions.from_dict(data)


def _check_choice(option: str, value: Any, choices: tuple[str, ...]) -> str:
    text = str(value).strip().lower() if value is not None else ""
    if text not in choices:
        raise BriefingOptionsError(option, _("{value!r} is not one of: {choices}").format(
            value=value, choices=", ".join(choices)))
    return text


def _check_text(option: str, value: Any, limit: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise BriefingOptionsError(option, _("expected text"))
    text = " ".join(CONTROL_RE.sub("", value).split())
    if len(text) > limit:
        raise BriefingOptionsError(option, _("too long ({n} characters; at most {limit})").format(
            n=len(text), limit=limit))
    return text


def _check_number(option: str, value: Any, lowest: int, highest: int) -> int | None:
    """A whole number within the bounds (None: none given)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = str(value).strip()
    if isinstance(value, bool) or not (isinstance(value, int) or text.isascii() and (
            text.isdigit() or text[:1] in "+-" and text[1:].isdigit())):
        raise BriefingOptionsError(option, _("{value!r} is not a whole number").format(
            value=value))
    number = int(text)
    if not lowest <= number <= highest:
        raise BriefingOptionsError(option, _("expected a number from {low} to {high}").format(
            low=lowest, high=highest))
    return number


def _check_date(option: str, value: Any) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, _dt.datetime):
        value = value.date()
    if isinstance(value, _dt.date):
        return value.isoformat()
    try:
        return parse_date(str(value)).isoformat()
    except ValueError as exc:
        raise BriefingOptionsError(option, str(exc)) from None


def _check_statuses(value: Any) -> dict[str, tuple[str, ...]]:
    if value is None:
        return {}
    if isinstance(value, (list, tuple, set, frozenset)):
        value = {ALL_KINDS: list(value)}
    if not isinstance(value, dict):
        raise BriefingOptionsError("statuses", _("expected statuses per kind"))
    out: dict[str, tuple[str, ...]] = {}
    every = sorted({v for k in KINDS.values() for v, _l in k.statuses})
    for raw_key, raw_items in value.items():
        key = str(raw_key).strip()
        if key != ALL_KINDS and key not in KINDS:
            raise BriefingOptionsError("statuses", _(
                "unknown kind {name!r}; choose one of: {kinds}").format(
                    name=key, kinds=", ".join(KIND_ORDER)))
        items = [raw_items] if isinstance(raw_items, str) else raw_items
        if not isinstance(items, (list, tuple, set, frozenset)):
            raise BriefingOptionsError("statuses", _("expected a list of statuses"))
        allowed = every if key == ALL_KINDS else [v for v, _l in KINDS[key].statuses]
        chosen = []
        for item in items:
            s = str(item).strip().lower()
            if s not in allowed:
                raise BriefingOptionsError("statuses", _(
                    "{value!r} is not a status of {kind}; choose from: {choices}").format(
                        value=item, kind=key if key != ALL_KINDS else _("any kind"),
                        choices=", ".join(allowed)))
            if s not in chosen:
                chosen.append(s)
        if chosen:
            out[key] = tuple(sorted(chosen, key=allowed.index))
    return {k: out[k] for k in sorted(out)}


def parse_status_args(values: list[str]) -> dict[str, list[str]]:
    """CLI/GUI helper: ``["planned", "roadmap:done"]`` -> ``{"*": ["planned"], "roadmap":
    ["done"]}`` (``kind:status`` applies to one kind, a bare status to every kind having it)."""
    out: dict[str, list[str]] = {}
    for raw in values:
        for part in str(raw).split(","):
            item = part.strip()
            if not item:
                continue
            kind, sep, status = item.partition(":")
            if not sep:
                kind, status = ALL_KINDS, item
            out.setdefault(kind.strip(), []).append(status.strip())
    return out
