"""Stored forms of the values indicators hold: exact decimals, periods and dated series.

Declarations only, no I/O. Each reader takes what a form, the CLI, a JSON or a CSV file gave and
returns the one stored text, or raises ``ValueError`` with a message the user can act on:

- a decimal is kept as canonical text ("3000000000", "12.5", "-0.25"): both engines store text,
  so nothing is ever rounded to a binary float on the way (``Decimal`` does the arithmetic);
- a period is a year, a month or a day in ISO order ("2017", "2017-06", "2017-06-09"): a source
  that gives only a year is recorded as a year, never as an invented day; as text they sort in
  time order;
- a series is a list of dated values, each with an optional source and quote, stored as
  canonical JSON text (sorted by date, keys in a fixed order): the record carries it whole, so
  its history, undo, trash and exports treat it as any other field.
"""

from __future__ import annotations

import datetime as _dt
import json
import math
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from tracker.i18n import _, parse_date

MAX_INTEGER_DIGITS = 15  # a thousand trillion: beyond any figure a desk records
MAX_FRACTION_DIGITS = 6
MAX_POINTS = 1000  # values in one series (monthly for 80 years)
MAX_QUOTE = 2000  # characters of one value's quote
SERIES_KEYS = ("date", "value", "source_id", "quote")
_SERIES_KEY_SET = frozenset(SERIES_KEYS)

_SPACES = re.compile(r"[\s\u00a0\u202f\u2009'’]")
_PLAIN = re.compile(r"\d+(?:\.\d+)?")
_GROUPED = re.compile(r"\d{1,3}(?:,\d{3})+")
_STORED = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")  # read as Decimal reads it: the stored form


def _short(raw: Any, limit: int = 40) -> str:
    text = str(raw)
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- decimals -------------------------------------------------------------------------------------

def parse_decimal(raw: Any) -> Decimal:
    """An exact decimal from a number or from text a person typed: ``3000000000``, ``3 000 000
    000``, ``3,000,000,000``, ``1 234,5``, ``1,234.5``, ``-0.25``. A comma followed by exactly
    three digits and nothing else (``1,500``) could be read two ways and is refused, as are
    exponents, infinities and more than 15 digits before the point or 6 after it."""
    if isinstance(raw, bool):
        raise ValueError(_("{value!r} is not a number").format(value=_short(raw)))
    if isinstance(raw, int):
        number = Decimal(raw)
    elif isinstance(raw, float):
        if not math.isfinite(raw):
            raise ValueError(_("{value!r} is not a number").format(value=_short(raw)))
        number = Decimal(repr(raw))  # the shortest text that reads back as this float
    elif isinstance(raw, Decimal):
        if not raw.is_finite():
            raise ValueError(_("{value!r} is not a number").format(value=_short(raw)))
        number = raw
    elif type(raw) is str and _STORED.fullmatch(raw):  # a stored value, as files bring them
        number = Decimal(raw)
    else:
        number = _parse_decimal_text(str(raw))
    return _checked(number, raw)


def _parse_decimal_text(text: str) -> Decimal:
    body = _SPACES.sub("", text.strip()).replace("\u2212", "-")
    sign = ""
    if body[:1] in "+-" and body:
        sign, body = ("-" if body[0] == "-" else ""), body[1:]
    if "," in body and "." in body:  # the last of the two is the decimal separator
        point = max(body.rfind(","), body.rfind("."))
        whole, fraction = body[:point], body[point + 1:]
        group = "," if body[point] == "." else "."
        whole_plain = whole.replace(group, "")
        grouped = re.fullmatch(r"\d{1,3}(?:" + re.escape(group) + r"\d{3})+", whole)
        if not grouped or not fraction.isdigit() or not fraction.isascii():
            raise ValueError(_("{value!r} is not a number").format(value=_short(text)))
        body = f"{whole_plain}.{fraction}"
    elif body.count(",") > 1 or (body.count(",") == 1 and _GROUPED.fullmatch(body)
                                 and len(body.split(",")[1]) == 3):
        if body.count(",") == 1:  # 1,500: one thousand five hundred, or one and a half?
            raise ValueError(_("{value!r} can be read two ways; write it without a thousands "
                               "separator (1500) or with a decimal point (1.5)").format(
                                   value=_short(text)))
        if not _GROUPED.fullmatch(body):
            raise ValueError(_("{value!r} is not a number").format(value=_short(text)))
        body = body.replace(",", "")
    else:
        body = body.replace(",", ".")
    if not body.isascii() or not _PLAIN.fullmatch(body):
        raise ValueError(_("{value!r} is not a number").format(value=_short(text)))
    try:
        return Decimal(sign + body)
    except InvalidOperation:  # pragma: no cover - the pattern admits only digits
        raise ValueError(_("{value!r} is not a number").format(value=_short(text))) from None


def _checked(number: Decimal, raw: Any) -> Decimal:
    plain = number.normalize()  # 12.50 -> 12.5, 3000 -> 3E+3: the same number
    _sign, digits, exponent = plain.as_tuple()
    if len(digits) + exponent > MAX_INTEGER_DIGITS:
        raise ValueError(_("{value!r} is too large (at most {n} digits before the point)")
                         .format(value=_short(raw), n=MAX_INTEGER_DIGITS))
    if -exponent > MAX_FRACTION_DIGITS:
        raise ValueError(_("{value!r} has too many decimals (at most {n})").format(
            value=_short(raw), n=MAX_FRACTION_DIGITS))
    return plain


def decimal_text(raw: Any) -> str:
    """The stored form of a decimal: plain digits, a point, no exponent, no trailing zeros
    ("12.50" is stored "12.5", the same number)."""
    number = parse_decimal(raw)
    text = format(number, "f")
    return "0" if text in ("-0", "0") else text


def to_decimal(text: str | None) -> Decimal | None:
    """A stored decimal as a ``Decimal`` (None for none)."""
    if text is None or text == "":
        return None
    return Decimal(text)


# --- periods --------------------------------------------------------------------------------------

_YEAR = re.compile(r"([0-9]{4})")
_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{1,2}\.[0-9]{1,2}\.[0-9]{4}")
_MONTH_DOTTED = re.compile(r"([0-9]{1,2})\.([0-9]{4})")


def period_text(raw: Any) -> str:
    """The stored form of a period: ``2017`` (a year), ``2017-06`` (a month, also typed
    ``06.2017``) or ``2017-06-09`` (a day, also typed ``09.06.2017``)."""
    if isinstance(raw, _dt.datetime):
        return raw.date().isoformat()
    if isinstance(raw, _dt.date):
        return raw.isoformat()
    if isinstance(raw, bool) or not isinstance(raw, (str, int)):
        raise ValueError(_("{value!r} is not a year, a month or a day").format(
            value=_short(raw)))
    text = str(raw).strip()
    if m := _YEAR.fullmatch(text):
        if int(m[1]) < 1000:
            raise ValueError(_("{value!r}: no such year").format(value=text))
        return text
    month = _MONTH.fullmatch(text)
    dotted = _MONTH_DOTTED.fullmatch(text)
    if month or dotted:
        year, mon = (int(month[1]), int(month[2])) if month else (int(dotted[2]), int(dotted[1]))
        if not 1 <= mon <= 12 or year < 1000:
            raise ValueError(_("{value!r}: no such month").format(value=text))
        return f"{year:04d}-{mon:02d}"
    if not _DAY.fullmatch(text):
        raise ValueError(_("{value!r} is not a year, a month or a day; write 2017, 2017-06 or "
                           "2017-06-09").format(value=_short(text)))
    return parse_date(text).isoformat()  # "no such day" for 2017-02-30


def period_start(period: str) -> _dt.date:
    """The first day of a stored period (where a chart places it)."""
    if len(period) == 4:
        return _dt.date(int(period), 1, 1)
    if len(period) == 7:
        return _dt.date(int(period[:4]), int(period[5:7]), 1)
    return _dt.date.fromisoformat(period)


# --- series ---------------------------------------------------------------------------------------

def series_text(raw: Any) -> str | None:
    """The stored form of a series (None when it holds no value): ``raw`` is a list of
    ``{date, value, source_id, quote}`` (``source_id`` and ``quote`` optional) or the JSON text of
    one. Dates are periods (:func:`period_text`), values decimals (:func:`decimal_text`); two
    values of one date, or a quote without its source, are refused, naming the row."""
    if isinstance(raw, str):
        if not raw.strip():
            return None
        try:
            raw = json.loads(raw)
        except (json.JSONDecodeError, RecursionError):
            raise ValueError(_("expected a list of dated values (JSON)")) from None
    if not isinstance(raw, (list, tuple)):
        raise ValueError(_("expected a list of dated values"))
    if len(raw) > MAX_POINTS:
        raise ValueError(_("too many values ({n}; at most {limit})").format(
            n=len(raw), limit=MAX_POINTS))
    items = [_series_item(number, item) for number, item in enumerate(raw, start=1)]
    items = [item for item in items if item is not None]
    items.sort(key=lambda item: item["date"])
    for a, b in zip(items, items[1:], strict=False):
        if a["date"] == b["date"]:
            raise ValueError(_("two values for {date}; keep one").format(date=a["date"]))
    if not items:
        return None
    return json.dumps(items, ensure_ascii=False, separators=(",", ":"))


def _series_item(number: int, item: Any) -> dict | None:
    if not isinstance(item, dict):
        raise ValueError(_("value {n}: expected {{date, value, source_id, quote}}").format(
            n=number))
    if not item.keys() <= _SERIES_KEY_SET and (
            unknown := sorted(str(k) for k in item if k not in SERIES_KEYS)):
        raise ValueError(_("value {n}: no such part {name!r} (a value has: {parts})").format(
            n=number, name=_short(unknown[0]), parts=", ".join(SERIES_KEYS)))
    given = {k: item.get(k) for k in SERIES_KEYS}
    if all(v is None or (isinstance(v, str) and not v.strip()) for v in given.values()):
        return None  # an empty row of a table
    try:
        if _blank(given["date"]):
            raise ValueError(_("a date is required"))
        date = period_text(given["date"])
        if _blank(given["value"]):
            raise ValueError(_("a value is required"))
        value = decimal_text(given["value"])
        source_id = _source_id(given["source_id"])
        quote = _quote(given["quote"])
        if quote is not None and source_id is None:
            raise ValueError(_("a quote needs its source"))
    except ValueError as exc:
        raise ValueError(_("value {n}: {problem}").format(n=number, problem=exc)) from None
    return {"date": date, "value": value, "source_id": source_id, "quote": quote}


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _source_id(raw: Any) -> int | None:
    if _blank(raw):
        return None
    if isinstance(raw, bool) or isinstance(raw, float) and not raw.is_integer():
        raise ValueError(_("no source with id {id}").format(id=_short(raw)))
    text = str(int(raw) if isinstance(raw, float) else raw).strip()
    if not re.fullmatch(r"[0-9]{1,18}", text):
        raise ValueError(_("no source with id {id}").format(id=_short(raw)))
    return int(text)


def _quote(raw: Any) -> str | None:
    if _blank(raw):
        return None
    if not isinstance(raw, str):
        raise ValueError(_("the quote must be text"))
    from tracker.model.fields import clean_text  # fields reads series through this module

    text = clean_text(raw, multiline=False)
    if len(text) > MAX_QUOTE:
        raise ValueError(_("the quote is too long ({n} characters; at most {limit})").format(
            n=len(text), limit=MAX_QUOTE))
    return text or None


def series_items(text: str | None) -> list[dict]:
    """A stored series as its list of ``{date, value, source_id, quote}`` (oldest first)."""
    if not text:
        return []
    return json.loads(text)
