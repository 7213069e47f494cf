"""A kind of record and the behaviour it declares.

Code never asks a kind its name to decide what to do: a kind *declares* it. Its deadline (the date
field by which an open record is due, and the statuses in which nothing is due any more), the
start/end pairs whose end may not come before the start, whether it happens on dates (meetings),
whether its records cite sources, and the fields every form, table, CLI and briefing show.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from tracker.errors import TrackerError
from tracker.i18n import N_, _, short_date
from tracker.model.checks import Check
from tracker.model.fields import (
    CHOICE,
    CLASSIFICATIONS,
    DATE,
    LINKS,
    MAX_TEXT,
    MULTILINE,
    SERIES,
    TEXT,
    UNSORTED,
    Field,
    coerce,
    value_problem,
)
from tracker.model.indicators import Measure
from tracker.model.reports import Reports
from tracker.model.treaty import Computed, Treaty, treaty_problems
from tracker.model.values import series_items

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
    end: str | None = None  # a DATE field: the last day (None: one day)
    place: str | None = None  # a TEXT field: where it takes place


@dataclass(frozen=True)
class Obligation:
    """A dated obligation a kind's records carry: one row of the deadlines list, one calendar
    event. ``date`` names a DATE field or one of the kind's computed values; ``name`` is stable
    (it is part of the calendar's event ids). In a ``closed`` status nothing is due; an open
    record whose date has passed is overdue unless ``overdue`` is False (a meeting simply takes
    place on its date)."""
    name: str
    label: str
    date: str
    closed: tuple[str, ...] = ()
    overdue: bool = True

    def is_overdue(self, day: str | None, status: str | None, today: str) -> bool:
        return bool(self.overdue and day and day < today and status not in self.closed)


@dataclass(frozen=True)
class Grouping:
    """One way to group a timeline's records: ``name`` (an option's value, "area"), the CHOICE
    or LINK ``field`` whose value is the group, and the label of the records without one."""
    name: str
    field: str
    empty: str


@dataclass(frozen=True)
class Span:
    """Records drawn on a timeline: a bar from the date in ``start`` to the date in ``end``
    (either may be empty), filled to the integer ``progress`` (%), grouped one of ``groups``'
    ways (the first is the default). Overdue bars are the kind's :meth:`Kind.is_overdue`."""
    start: str
    end: str
    progress: str | None = None
    groups: tuple[Grouping, ...] = ()


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
    reports: Reports | None = None  # records have dated implementation reports
    obligations: tuple[Obligation, ...] = ()  # dated obligations (the deadlines list)
    leads: tuple[str, ...] = ()  # text fields naming who is responsible ("My items")
    treaty: Treaty | None = None  # fields holding a treaty's mechanics (computed dates)
    measure: Measure | None = None  # its records are indicators (tracker.model.indicators)
    timeline: Span | None = None  # drawn on a timeline (the road map)
    # Its records are a section of a data briefing (False for the briefs themselves)
    data_section: bool = True
    checks: tuple[Check, ...] = ()  # contradictions warned of, never refused (model.checks)
    fields: tuple[Field, ...] = field(init=False)
    _by_name: dict = field(init=False, repr=False, compare=False)  # name -> Field, for lookups
    # the fields' groups below, made once (each is read once a record by imports and exports)
    _groups: dict = field(init=False, repr=False, compare=False)

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
        object.__setattr__(self, "_groups", {
            "by_name": MappingProxyType(self._by_name),
            "checked": tuple(f for f in self.fields if f.type != LINKS),
            "stored": tuple(f for f in self.fields if f.stored),
            "links": tuple(f for f in self.fields if f.type == LINKS),
            "searchable": tuple(f for f in self.fields
                                if f.searchable and f.type in (TEXT, MULTILINE)),
            "labelled": tuple(f for f in self.fields if f.type == CHOICE and f.choices
                              and f.choices is not CLASSIFICATIONS)})

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
    def fields_by_name(self) -> Mapping[str, Field]:
        """Each field by its name (read only; ``get_field`` without a call a field)."""
        return self._groups["by_name"]

    @property
    def checked_fields(self) -> tuple[Field, ...]:
        """The fields ``validate`` looks at: all but the link lists."""
        return self._groups["checked"]

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(self._by_name)

    @property
    def stored_fields(self) -> tuple[Field, ...]:
        return self._groups["stored"]

    @property
    def link_lists(self) -> tuple[Field, ...]:
        return self._groups["links"]

    @property
    def columns(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.column)

    @property
    def searchable_fields(self) -> tuple[Field, ...]:
        return self._groups["searchable"]

    @property
    def labelled_fields(self) -> tuple[Field, ...]:
        """Choice fields whose labels (English and Russian) are indexed for search: every one
        the user reads on a record, status included; not the classification (a handling mark:
        'internal' would find most of the records)."""
        return self._groups["labelled"]

    @property
    def sortable(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.stored_fields if f.type not in UNSORTED) + (
            "updated_at", "created_at", "id")

    @property
    def main_date(self) -> Field | None:
        """The date the kind is filtered by in a briefing: its first date column (else its
        first date field; None when it has none)."""
        for fields in (self.columns, self.fields):
            for f in fields:
                if f.type == DATE:
                    return f
        return None

    @property
    def computed(self) -> tuple[Computed, ...]:
        """Values computed from the record's fields (read-only rows, table columns)."""
        return self.treaty.COMPUTED if self.treaty is not None else ()

    def compute(self, record: dict[str, Any], today: _dt.date | None = None) -> dict[str, Any]:
        """The computed values of ``record`` as of ``today`` (name -> value)."""
        if self.treaty is None:
            return {}
        return self.treaty.values(record, today or _dt.date.today())

    def obligation_date(self, obligation: Obligation, record: dict[str, Any],
                        today: _dt.date | None = None) -> str | None:
        """The ISO date of ``obligation`` for ``record`` (a field's value or a computed one)."""
        if self.has_field(obligation.date):
            return record.get(obligation.date)
        return self.compute(record, today).get(obligation.date)

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


    def warnings(self, record: dict[str, Any], today: _dt.date | None = None) -> dict[str, str]:
        """The contradictions ``record`` (stored values) holds, as warnings per field name
        (the field each is shown beside); empty when it holds none. Never a refusal."""
        out: dict[str, str] = {}
        for check in self.checks:
            if not check.holds(record, today):
                continue
            text = _(check.message).format(
                status=self.status_label(record.get("status")), field=_(self.field(
                    check.field).label), value=display_value(self, check.field,
                                                             record.get(check.field)))
            out[check.beside] = f"{out[check.beside]}; {text}" if check.beside in out else text
        return out


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
    by_name = kind.fields_by_name.get  # called a field of every record an import brings
    for name, raw in values.items():
        f = by_name(name)
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
    get = record.get
    for f in kind.checked_fields:
        value = get(f.name)
        if value is None and not f.required:
            continue  # value_problem has nothing to say of it
        problem = value_problem(f, value)
        if problem is not None:
            problems[f.name] = problem
    for start, end in kind.date_pairs:  # an end never comes before its start
        a, b = record.get(start), record.get(end)
        if a and b and b < a and end not in problems:
            problems[end] = _("{end} is before {start}").format(
                end=_(kind.field(end).label), start=_(kind.field(start).label))
    if kind.treaty is not None:
        found = treaty_problems(kind.treaty, record, lambda name: _(kind.field(name).label))
        for name, message in found.items():
            problems.setdefault(name, message)
    return problems


def display_value(kind: Kind, name: str, value: Any) -> str:
    """How a stored value reads in a table, a CLI listing or a briefing (translated)."""
    f = kind.get_field(name)  # called per cell (a 100,000-row CSV): a dict lookup
    if value is None:
        return ""
    if f is not None and f.type == CHOICE:
        return f.choice_label(value)
    if f is not None and f.type == DATE:  # the user's date format (tracker.i18n.short_date)
        return short_date(value)
    if f is not None and f.type == SERIES:  # "2016: 40; 2017: 45"
        return "; ".join(f"{item['date']}: {item['value']}" for item in series_items(value))
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)
