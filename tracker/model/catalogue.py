"""The record kinds: every field, label, choice and validation rule, declared once.

The GUI's generic form, the CLI, import/export, the table models and the briefing all read these
declarations; nothing else in the project lists a kind's fields.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from dataclasses import dataclass, field
from typing import Any

from tracker.errors import TrackerError
from tracker.i18n import N_, _
from tracker.model.text import fold

# Field types
TEXT = "text"  # one line
MULTILINE = "multiline"
DATE = "date"  # ISO yyyy-mm-dd, or empty
CHOICE = "choice"
INTEGER = "integer"
LINK = "link"  # the id of one record of another kind
LINKS = "links"  # ids of several records of another kind (stored in a join table)

MAX_TEXT = 300
MAX_MULTILINE = 100_000  # characters; a guard against pasting a whole book into one cell

CLASSIFICATIONS = (
    ("public", N_("Public")),
    ("internal", N_("Internal")),
    ("restricted", N_("Restricted")),
)
CLASSIFICATION_RANK = {value: rank for rank, (value, _label) in enumerate(CLASSIFICATIONS)}


@dataclass(frozen=True)
class Field:
    name: str
    label: str  # English, marked with N_(); translate with _() when shown
    type: str = TEXT
    required: bool = False
    choices: tuple[tuple[str, str], ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    max_length: int | None = None
    target: str | None = None  # for LINK / LINKS: the kind linked to
    default: Any = None
    help: str = ""
    column: bool = False  # shown as a column in the record tables
    searchable: bool = True  # indexed for full-text search (only text the user is shown)
    common: bool = False  # shared by every kind

    @property
    def stored(self) -> bool:
        """Stored as a column of the kind's own table (LINKS live in a join table)."""
        return self.type != LINKS

    def choice_label(self, value: str | None) -> str:
        for v, label in self.choices:
            if v == value:
                return _(label)
        return value or ""

    def limit(self) -> int | None:
        if self.max_length is not None:
            return self.max_length
        if self.type == TEXT:
            return MAX_TEXT
        if self.type == MULTILINE:
            return MAX_MULTILINE
        return None


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


# --- choices --------------------------------------------------------------------------------------

AGREEMENT_TYPES = (
    ("treaty", N_("Treaty")),
    ("intergovernmental", N_("Intergovernmental agreement")),
    ("memorandum", N_("Memorandum")),
    ("protocol", N_("Protocol")),
    ("road_map", N_("Road map")),
    ("arrangement", N_("Arrangement")),
    ("multilateral", N_("Multilateral framework")),
)
AGREEMENT_STATUSES = (
    ("draft", N_("Draft")),
    ("negotiation", N_("Under negotiation")),
    ("signed", N_("Signed")),
    ("in_force", N_("In force")),
    ("expired", N_("Expired")),
    ("terminated", N_("Terminated")),
)
PROJECT_STATUSES = (
    ("planned", N_("Planned")),
    ("construction", N_("Under construction")),
    ("operating", N_("Operating")),
    ("suspended", N_("Suspended")),
    ("closed", N_("Closed")),
)
ROADMAP_STATUSES = (
    ("planned", N_("Planned")),
    ("in_progress", N_("In progress")),
    ("done", N_("Done")),
    ("cancelled", N_("Cancelled")),
)
ROADMAP_AREAS = (
    ("industry", N_("Industry")),
    ("agriculture", N_("Agriculture")),
    ("science", N_("Science and technology")),
    ("culture", N_("Culture and history")),
    ("exhibitions", N_("Exhibitions")),
    ("trade", N_("Trade")),
    ("political", N_("Political dialogue")),
    ("education", N_("Education")),
    ("energy", N_("Energy")),
    ("transport", N_("Transport and logistics")),
    ("health", N_("Health")),
    ("other", N_("Other")),
)
MEETING_TYPES = (
    ("state_visit", N_("State visit")),
    ("working_visit", N_("Working visit")),
    ("summit", N_("Summit")),
    ("talks", N_("Talks")),
    ("exhibition", N_("Exhibition")),
    ("commission", N_("Commission session")),
)
MEETING_LEVELS = (
    ("head_of_state", N_("Head of state")),
    ("government", N_("Government")),
    ("ministerial", N_("Ministerial")),
    ("expert", N_("Expert")),
)
MEETING_STATUSES = (
    ("planned", N_("Planned")),
    ("held", N_("Held")),
    ("cancelled", N_("Cancelled")),
)
PERSON_STATUSES = (
    ("active", N_("Active")),
    ("former", N_("Former")),
)
SOURCE_STATUSES = (
    ("unverified", N_("Unverified")),
    ("verified", N_("Verified")),
)
SIDES = (
    ("home", N_("Home side")),
    ("partner", N_("Partner side")),
    ("third", N_("Third party")),
)

# --- kinds ----------------------------------------------------------------------------------------

KINDS: dict[str, Kind] = {}


def _register(kind: Kind) -> Kind:
    KINDS[kind.name] = kind
    return kind


AGREEMENTS = _register(Kind(
    "agreements", N_("Agreement"), N_("Agreements"), AGREEMENT_STATUSES, (
        Field("type", N_("Type"), CHOICE, choices=AGREEMENT_TYPES, column=True, searchable=False),
        Field("parties", N_("Parties"), TEXT, column=True),
        Field("subject", N_("Subject"), MULTILINE),
        Field("signed_on", N_("Signed on"), DATE, column=True, searchable=False),
        Field("signed_place", N_("Place of signature"), TEXT),
        Field("in_force_on", N_("In force from"), DATE, searchable=False),
        Field("expires_on", N_("Expires on"), DATE, column=True, searchable=False),
        Field("depositary", N_("Depositary"), TEXT),
        Field("reference", N_("Reference"), TEXT, max_length=120),
    ), default_status="draft",
))

PLANTS = _register(Kind(
    "plants", N_("Joint plant"), N_("Joint plants"), PROJECT_STATUSES, (
        Field("products", N_("Products"), TEXT, column=True),
        Field("location", N_("Location"), TEXT, column=True),
        Field("home_enterprise", N_("Home-side enterprise"), TEXT),
        Field("partner_enterprise", N_("Partner-side enterprise"), TEXT),
        Field("count", N_("Number of sites"), INTEGER, required=True, minimum=1, maximum=100_000,
              default=1, column=True, searchable=False,
              help=N_("A source may report several plants without naming them.")),
        Field("capacity", N_("Capacity"), TEXT),
        Field("started_on", N_("Started on"), DATE, column=True, searchable=False),
    ), default_status="planned",
))

FARMS = _register(Kind(
    "farms", N_("Farm"), N_("Farms"), PROJECT_STATUSES, (
        Field("products", N_("Products"), TEXT, column=True),
        Field("region", N_("Region"), TEXT, column=True),
        Field("capacity", N_("Capacity"), TEXT),
        Field("practices", N_("Practices"), MULTILINE),
        Field("started_on", N_("Started on"), DATE, searchable=False),
        Field("due_on", N_("Due on"), DATE, column=True, searchable=False),
    ), default_status="planned",
))

MEETINGS = _register(Kind(
    "meetings", N_("Meeting"), N_("Meetings"), MEETING_STATUSES, (
        Field("type", N_("Type"), CHOICE, choices=MEETING_TYPES, column=True, searchable=False),
        Field("start_date", N_("Start date"), DATE, column=True, searchable=False),
        Field("end_date", N_("End date"), DATE, searchable=False),
        Field("place", N_("Place"), TEXT, column=True),
        Field("level", N_("Level"), CHOICE, choices=MEETING_LEVELS, column=True, searchable=False),
        Field("participants", N_("Participants"), LINKS, target="people", searchable=False),
        Field("outcomes", N_("Outcomes"), MULTILINE),
    ), default_status="planned", default_sort="start_date",
))

ROADMAP = _register(Kind(
    "roadmap", N_("Road-map item"), N_("Road map"), ROADMAP_STATUSES, (
        Field("area", N_("Area"), CHOICE, choices=ROADMAP_AREAS, column=True, searchable=False),
        Field("home_lead", N_("Home-side lead"), TEXT),
        Field("partner_lead", N_("Partner-side lead"), TEXT),
        Field("agreement_id", N_("Agreement"), LINK, target="agreements", searchable=False),
        Field("meeting_id", N_("Agreed at meeting"), LINK, target="meetings", searchable=False),
        Field("planned_start", N_("Planned start"), DATE, searchable=False),
        Field("due_date", N_("Due date"), DATE, column=True, searchable=False),
        Field("completed_on", N_("Completed on"), DATE, searchable=False),
        Field("progress", N_("Progress, %"), INTEGER, minimum=0, maximum=100, default=0,
              column=True, searchable=False),
    ), default_status="planned", default_sort="due_date",
))

PEOPLE = _register(Kind(
    "people", N_("Person"), N_("People"), PERSON_STATUSES, (
        Field("position", N_("Position"), TEXT, column=True),
        Field("organisation", N_("Organisation"), TEXT, column=True),
        Field("country", N_("Country"), TEXT, column=True),
        Field("side", N_("Side"), CHOICE, choices=SIDES, searchable=False),
    ), default_status="active", title_label=N_("Name"),
))

SOURCES = _register(Kind(
    "sources", N_("Source"), N_("Sources"), SOURCE_STATUSES, (
        Field("publisher", N_("Publisher"), TEXT, column=True),
        Field("published_on", N_("Published on"), DATE, column=True, searchable=False),
        Field("url", N_("Address (URL)"), TEXT, max_length=2000, searchable=False),
        Field("text", N_("Text"), MULTILINE, max_length=5_000_000),
    ), default_status="unverified",
))

# The order officials read them in (navigation, exports, briefings).
KIND_ORDER = ("agreements", "plants", "farms", "roadmap", "meetings", "people", "sources")
# Fields every record carries that the system (not the user) sets.
SYSTEM_FIELDS = ("id", "uid", "created_at", "updated_at", "created_by", "updated_by", "version",
                 "deleted_at")


def get_kind(name: str) -> Kind:
    try:
        return KINDS[name]
    except KeyError:
        raise UnknownKind(name) from None


class UnknownKind(TrackerError, KeyError):
    def __init__(self, name: str):
        super().__init__(name)
        self.name = name

    def __str__(self) -> str:
        return _("unknown kind {name!r}; choose one of: {kinds}").format(
            name=self.name, kinds=", ".join(KIND_ORDER))


# --- validation -----------------------------------------------------------------------------------

_INT_RE = re.compile(r"^[+-]?\d{1,12}$")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _clean_text(value: Any, multiline: bool) -> str:
    text = str(value)
    # Lone surrogates (from broken UTF-16 input) cannot be stored as UTF-8: make them U+FFFD.
    text = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    text = _CONTROL_RE.sub("", text)
    if not multiline:
        text = " ".join(text.split())
    else:
        text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    return text


def _parse_date(value: Any) -> str | None:
    if isinstance(value, _dt.datetime):
        return value.date().isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    text = str(value).strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise ValueError
    return _dt.date.fromisoformat(text).isoformat()


def normalize(kind: Kind, values: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """Coerce user values (strings from a form, a CLI or a CSV file, or typed JSON) to stored types.

    Returns ``(clean, problems)``: ``problems`` maps a field name to a message the user can act on.
    Only the fields present in ``values`` are looked at; unknown field names are problems.
    """
    clean: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for name, raw in values.items():
        try:
            f = kind.field(name)
        except KeyError:
            problems[name] = _("no such field")
            continue
        try:
            clean[name] = _coerce(f, raw)
        except ValueError as exc:
            problems[name] = str(exc) or _("invalid value")
    return clean, problems


def _empty(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and raw.strip() == "")


def _coerce(f: Field, raw: Any) -> Any:
    if f.type == LINKS:
        if _empty(raw):
            return []
        items = raw.replace(";", ",").split(",") if isinstance(raw, str) else raw
        if not isinstance(items, (list, tuple)):
            raise ValueError(_("expected a list of record ids"))
        out: list[int] = []
        for item in items:
            if _empty(item):
                continue
            out.append(_coerce_int(item, _("expected record ids, got {value!r}")))
        return sorted(set(out))
    if _empty(raw):
        return None
    if f.type in (TEXT, MULTILINE):
        if isinstance(raw, (dict, list, tuple)):
            raise ValueError(_("expected text"))
        return _clean_text(raw, f.type == MULTILINE) or None
    if f.type == DATE:
        try:
            return _parse_date(raw)
        except ValueError:
            raise ValueError(_("{value!r} is not a date; write it as YYYY-MM-DD").format(
                value=_short(raw))) from None
    if f.type == CHOICE:
        text = str(raw).strip()
        for value, label in f.choices:
            if text == value or fold(text) in (fold(label), fold(_(label))):  # ё = е
                return value
        raise ValueError(_("{value!r} is not one of: {choices}").format(
            value=_short(raw), choices=", ".join(v for v, _l in f.choices)))
    if f.type in (INTEGER, LINK):
        return _coerce_int(raw, _("{value!r} is not a whole number"))
    raise AssertionError(f.type)


def _coerce_int(raw: Any, message: str) -> int:
    if isinstance(raw, bool):
        raise ValueError(message.format(value=_short(raw)))
    if isinstance(raw, int):
        if not -(2**63) <= raw < 2**63:  # beyond SQLite's integers
            raise ValueError(_("the number is too large"))
        return raw
    if isinstance(raw, float) and math.isfinite(raw) and raw.is_integer():
        return _coerce_int(int(raw), message)
    text = str(raw).strip()
    if _INT_RE.match(text):
        return int(text)
    raise ValueError(message.format(value=_short(raw)))


def _short(raw: Any, limit: int = 40) -> str:
    text = str(raw)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def validate(kind: Kind, record: dict[str, Any]) -> dict[str, str]:
    """Check a whole (normalised) record; returns problems per field name (empty if valid)."""
    problems: dict[str, str] = {}
    for f in kind.fields:
        value = record.get(f.name)
        if f.type == LINKS:
            continue
        if value is None:
            if f.required:
                problems[f.name] = _("{label} is required").format(label=_(f.label))
            continue
        limit = f.limit()
        if limit is not None and isinstance(value, str) and len(value) > limit:
            problems[f.name] = _("{label} is too long ({n} characters; at most {limit})").format(
                label=_(f.label), n=len(value), limit=limit)
        if f.type == CHOICE and value not in {v for v, _l in f.choices}:
            problems[f.name] = _("{value!r} is not one of: {choices}").format(
                value=_short(value), choices=", ".join(v for v, _l in f.choices))
        if f.type == INTEGER:
            if f.minimum is not None and value < f.minimum:
                problems[f.name] = _("{label} must be at least {n}").format(
                    label=_(f.label), n=f.minimum)
            elif f.maximum is not None and value > f.maximum:
                problems[f.name] = _("{label} must be at most {n}").format(
                    label=_(f.label), n=f.maximum)
    # Cross-field rules: an end never comes before its start.
    for start, end in (("start_date", "end_date"), ("signed_on", "expires_on"),
                       ("planned_start", "due_date"), ("started_on", "due_on")):
        if start in kind.field_names and end in kind.field_names:
            a, b = record.get(start), record.get(end)
            if a and b and b < a and end not in problems:
                problems[end] = _("{end} is before {start}").format(
                    end=_(kind.field(end).label), start=_(kind.field(start).label))
    return problems


#: A status filter that is not a stored status: open items whose due date has passed.
OVERDUE = "overdue"


def has_due_date(kind: Kind) -> bool:
    return "due_date" in kind.field_names


def is_overdue(record: dict[str, Any], today: _dt.date | None = None) -> bool:
    """Road-map items: due date passed and neither done nor cancelled (derived, never stored)."""
    due = record.get("due_date")
    if not due or record.get("status") in ("done", "cancelled"):
        return False
    today = today or _dt.date.today()
    return due < today.isoformat()


def display_value(kind: Kind, name: str, value: Any) -> str:
    """How a stored value reads in a table, a CLI listing or a briefing (translated)."""
    f = kind._by_name.get(name)  # called per cell (a 100,000-row CSV): a dict lookup
    if value is None:
        return ""
    if f is not None and f.type == CHOICE:
        return f.choice_label(value)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)
