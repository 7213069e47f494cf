"""A kind of record and the behaviour it declares.

Code never asks a kind its name to decide what to do: a kind *declares* it. Its deadline (the date
field by which an open record is due, and the statuses in which nothing is due any more), the
start/end pairs whose end may not come before the start, whether it happens on dates (meetings),
whether its records cite sources, and the fields every form, table, CLI and briefing show.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Any

from tracker.errors import TrackerError
from tracker.i18n import N_, _
from tracker.model.fields import (
    CHOICE,
    CLASSIFICATIONS,
    DATE,
    LINKS,
    MAX_TEXT,
    MULTILINE,
    TEXT,
    Field,
    coerce,
    value_problem,
)

#: A status filter that is not a stored status: open records whose deadline has passed.
OVERDUE = "overdue"
# Fields every record carries that the system (not the user) sets.
SYSTEM_FIELDS = ("id", "uid", "created_at", "updated_at", "created_by", "updated_by", "version",
                 "deleted_at")


@dataclass(frozen=True)
class Deadline:
    """A record is due by the date in ``field``; in a ``closed`` status nothing is due any more.
    An open record whose date has passed is overdue (derived, never stored)."""
    field: str
    closed: tuple[str, ...]
    progress: str | None = None  # an integer field saying how far it is carried out, in %
    #: Text fields naming who carries a record out, one per side (a briefing prints them)
    owners: tuple[str, ...] = ()
    #: A link to the meeting (the kind's ``occasion``) at which the record was agreed
    agreed_at: str | None = None


@dataclass(frozen=True)
class Occasion:
    """Records that take place on a date (meetings): ``start`` is their date, ``planned`` the
    status of those still to come, ``held`` of those that took place."""
    start: str
    planned: str
    held: str
    participants: str | None = None  # a LINKS field naming the people taking part


@dataclass(frozen=True)
class Kind:
    name: str  # CLI name and table name
    label: str  # singular
    plural: str
    statuses: tuple[tuple[str, str], ...]
    own_fields: tuple[Field, ...]
    default_status: str
    title_label: str = N_("Title")
    default_sort: str = "title"
    deadline: Deadline | None = None
    occasion: Occasion | None = None
    # (start, end) date fields: the end never comes before the start
    date_pairs: tuple[tuple[str, str], ...] = ()
    cites: bool = True  # records cite sources (False for the sources themselves)
    # Its records are a section of a data briefing (False for the briefs themselves)
    data_section: bool = True
    fields: tuple[Field, ...] = field(init=False)
    _by_name: dict = field(init=False, repr=False, compare=False)  # name -> Field, for lookups

    def __post_init__(self):
        common_head = (
            Field("title", self.title_label, TEXT, required=True, max_length=MAX_TEXT, column=True,
                  common=True),
            Field("status", N_("Status"), CHOICE, required=True, choices=self.statuses,
                  default=self.default_status, column=True, searchable=False, common=True),
        )
        common_tail = (
            Field("classification", N_("Classification"), CHOICE, required=True,
                  choices=CLASSIFICATIONS, default="internal", searchable=False, common=True,
                  help=N_("Briefings leave out records above the level chosen for them.")),
            Field("notes", N_("Notes"), MULTILINE, common=True,
                  help=N_("Say here where a value is inferred rather than stated by a source.")),
        )
        object.__setattr__(self, "fields", common_head + self.own_fields + common_tail)
        object.__setattr__(self, "_by_name", {f.name: f for f in self.fields})

    def field(self, name: str) -> Field:
        try:
            return self._by_name[name]
        except KeyError:
            raise KeyError(f"{self.name} has no field {name!r}") from None

    def has_field(self, name: str) -> bool:
        return name in self._by_name

    def get_field(self, name: str) -> Field | None:
        return self._by_name.get(name)

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(self._by_name)

    @property
    def stored_fields(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.stored)

    @property
    def link_lists(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.type == LINKS)

    @property
    def columns(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.column)

    @property
    def searchable_fields(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.searchable and f.type in (TEXT, MULTILINE))

    @property
    def sortable(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.stored_fields) + ("updated_at", "created_at", "id")

    @property
    def main_date(self) -> Field | None:
        """The date the kind is filtered by in a briefing: its first date column (else its
        first date field; None when it has none)."""
        for fields in (self.columns, self.fields):
            for f in fields:
                if f.type == DATE:
                    return f
        return None

    def status_label(self, value: str | None) -> str:
        return self.field("status").choice_label(value)

    def defaults(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for f in self.fields:
            if f.type == LINKS:
                values[f.name] = []
            else:
                values[f.name] = f.default
        return values

    def is_overdue(self, record: dict[str, Any], today: _dt.date | None = None) -> bool:
        """Past its deadline and still open (derived, never stored); False for kinds with no
        deadline."""
        d = self.deadline
        if d is None:
            return False
        due = record.get(d.field)
        if not due or record.get("status") in d.closed:
            return False
        today = today or _dt.date.today()
        return due < today.isoformat()


class UnknownKind(TrackerError, KeyError):
    def __init__(self, name: str, known: tuple[str, ...] = ()):
        super().__init__(name)
        self.name = name
        self.known = known

    def __str__(self) -> str:
        return _("unknown kind {name!r}; choose one of: {kinds}").format(
            name=self.name, kinds=", ".join(self.known))


def normalize(kind: Kind, values: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """Coerce user values (strings from a form, a CLI or a CSV file, or typed JSON) to stored types.

    Returns ``(clean, problems)``: ``problems`` maps a field name to a message the user can act on.
    Only the fields present in ``values`` are looked at; unknown field names are problems.
    """
    clean: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for name, raw in values.items():
        f = kind.get_field(name)
        if f is None:
            problems[name] = _("no such field")
            continue
        try:
            clean[name] = coerce(f, raw)
        except ValueError as exc:
            problems[name] = str(exc) or _("invalid value")
    return clean, problems


def validate(kind: Kind, record: dict[str, Any]) -> dict[str, str]:
    """Check a whole (normalised) record; returns problems per field name (empty if valid)."""
    problems: dict[str, str] = {}
    for f in kind.fields:
        if f.type == LINKS:
            continue
        problem = value_problem(f, record.get(f.name))
        if problem is not None:
            problems[f.name] = problem
    for start, end in kind.date_pairs:  # an end never comes before its start
        a, b = record.get(start), record.get(end)
        if a and b and b < a and end not in problems:
            problems[end] = _("{end} is before {start}").format(
                end=_(kind.field(end).label), start=_(kind.field(start).label))
    return problems


def display_value(kind: Kind, name: str, value: Any) -> str:
    """How a stored value reads in a table, a CLI listing or a briefing (translated)."""
    f = kind.get_field(name)  # called per cell (a 100,000-row CSV): a dict lookup
    if value is None:
        return ""
    if f is not None and f.type == CHOICE:
        return f.choice_label(value)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)
