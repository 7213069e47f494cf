"""Fields: their types, limits and how a value typed by a user becomes a stored one.

Declarations only, no I/O. A :class:`Field` says what a value is (text, a date, a choice, a whole
number, a link to another record); :func:`coerce` turns what a form, the CLI or a CSV cell gave
into the stored value or raises ``ValueError`` with a message the user can act on.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from tracker.i18n import N_, _, parse_date
from tracker.model.text import fold
from tracker.model.values import decimal_text, period_text, series_text

# Field types
TEXT = "text"  # one line
MULTILINE = "multiline"
DATE = "date"  # ISO yyyy-mm-dd, or empty
CHOICE = "choice"
INTEGER = "integer"
LINK = "link"  # the id of one record of another kind
LINKS = "links"  # ids of several records of another kind (stored in a join table)
DECIMAL = "decimal"  # an exact number kept as canonical text (tracker.model.values)
PERIOD = "period"  # a year, a month or a day: 2017, 2017-06, 2017-06-09
SERIES = "series"  # dated values with optional quotes, kept as canonical JSON text
#: Types whose stored text does not sort as their values do (no table is sorted by them).
UNSORTED = (DECIMAL, SERIES)

MAX_TEXT = 300
MAX_MULTILINE = 100_000  # characters; a guard against pasting a whole book into one cell

CLASSIFICATIONS = (
    ("public", N_("Public")),
    ("internal", N_("Internal")),
    ("restricted", N_("Restricted")),
)
CLASSIFICATION_RANK = {value: rank for rank, (value, _label) in enumerate(CLASSIFICATIONS)}


def allowed_classifications(max_classification: str) -> list[str]:
    """The levels a reader cleared up to ``max_classification`` may see, lowest first."""
    top = CLASSIFICATION_RANK.get(max_classification, CLASSIFICATION_RANK["internal"])
    return [c for c, r in CLASSIFICATION_RANK.items() if r <= top]


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


# --- from what a user typed to a stored value -----------------------------------------------------

_INT_RE = re.compile(r"^[+-]?\d{1,12}$")
_STORED_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(value: Any, multiline: bool) -> str:
    text = str(value)
    # Lone surrogates (from broken UTF-16 input) cannot be stored as UTF-8: make them U+FFFD.
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    text = _CONTROL_RE.sub("", text)
    if not multiline:
        text = " ".join(text.split())
    else:
        text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    return text


def iso_date(value: Any) -> str:
    """The stored (ISO) form of a date given as a date or as text a person typed
    (``tracker.i18n.parse_date``: 2026-03-31 or 31.03.2026); ``ValueError`` says what is
    wrong."""
    if type(value) is str and _STORED_DATE.fullmatch(value):  # the stored form already
        try:
            return _dt.date.fromisoformat(value).isoformat()
        except ValueError:
            pass  # parse_date says what is wrong with it
    if isinstance(value, _dt.datetime):
        return value.date().isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    return parse_date(str(value)).isoformat()


def empty(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and raw.strip() == "")


@lru_cache(maxsize=256)
def choice_values(choices: tuple[tuple[str, str], ...]) -> frozenset[str]:
    """The stored values of a choice field's ``choices``."""
    return frozenset(v for v, _l in choices)


def coerce(f: Field, raw: Any) -> Any:
    """The stored value of ``raw`` for field ``f``; ``ValueError`` says what is wrong."""
    if f.type == LINKS:
        if empty(raw):
            return []
        items = raw.replace(";", ",").split(",") if isinstance(raw, str) else raw
        if not isinstance(items, (list, tuple)):
            raise ValueError(_("expected a list of record ids"))
        out: list[int] = []
        for item in items:
            if empty(item):
                continue
            out.append(coerce_int(item, _("expected record ids, got {value!r}")))
        return sorted(set(out))
    if raw is None or (isinstance(raw, str) and not raw.strip()):  # empty(raw), inlined
        return None
    kind = f.type  # the commonest first (called once a field of every record imported)
    if kind in (TEXT, MULTILINE):
        if isinstance(raw, (dict, list, tuple)):
            raise ValueError(_("expected text"))
        return clean_text(raw, kind == MULTILINE) or None
    if kind == DATE:
        return iso_date(raw)
    if kind == SERIES:
        return series_text(raw)
    if kind == DECIMAL:
        return decimal_text(raw)
    if kind == PERIOD:
        return period_text(raw)
    if kind == CHOICE:
        text = str(raw).strip()
        if text in choice_values(f.choices):  # a stored value as it is
            return text
        for value, label in f.choices:
            if text == value or fold(text) in (fold(label), fold(_(label))):  # ё = е
                return value
        raise ValueError(_("{value!r} is not one of: {choices}").format(
            value=short(raw), choices=", ".join(v for v, _l in f.choices)))
    if kind in (INTEGER, LINK):
        return coerce_int(raw, _("{value!r} is not a whole number"))
    raise AssertionError(kind)


def coerce_int(raw: Any, message: str) -> int:
    if isinstance(raw, bool):
        raise ValueError(message.format(value=short(raw)))
    if isinstance(raw, int):
        if not -(2**63) <= raw < 2**63:  # beyond SQLite's integers
            raise ValueError(_("the number is too large"))
        return raw
    if isinstance(raw, float) and math.isfinite(raw) and raw.is_integer():
        return coerce_int(int(raw), message)
    text = str(raw).strip()
    if _INT_RE.match(text):
        return int(text)
    raise ValueError(message.format(value=short(raw)))


def short(raw: Any, limit: int = 40) -> str:
    text = str(raw)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def value_problem(f: Field, value: Any) -> str | None:
    """What is wrong with a stored value of ``f`` on its own (None: nothing)."""
    if value is None:
        return _("{label} is required").format(label=_(f.label)) if f.required else None
    limit = f.limit()
    problem = None
    if limit is not None and isinstance(value, str) and len(value) > limit:
        problem = _("{label} is too long ({n} characters; at most {limit})").format(
            label=_(f.label), n=len(value), limit=limit)
    if f.type == CHOICE and value not in choice_values(f.choices):
        problem = _("{value!r} is not one of: {choices}").format(
            value=short(value), choices=", ".join(v for v, _l in f.choices))
    if f.type == INTEGER:
        if f.minimum is not None and value < f.minimum:
            problem = _("{label} must be at least {n}").format(label=_(f.label), n=f.minimum)
        elif f.maximum is not None and value > f.maximum:
            problem = _("{label} must be at most {n}").format(label=_(f.label), n=f.maximum)
    return problem
