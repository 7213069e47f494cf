"""Indicators: what a kind declares to be one (:class:`Measure`), the units a figure is kept in,
and the figures computed from a record — never stored.

A record of a kind that declares a :class:`Measure` holds a baseline (value, date), a target
(value, date) and a series of dated actual values (``tracker.model.values``). From them
:func:`reading` computes the newest value, the change since the one before, whether the target
is met and how far the newest value still is from it (in the unit and in % of the target). An
indicator whose target lies below its baseline (or, with no baseline, below its first value)
is a decreasing one: it meets its target by going down to it.

Pure functions on ``Decimal``: no float ever touches a value; a percentage is the only rounded
figure (to one decimal, half up, for display).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal, localcontext
from typing import Any

from tracker.i18n import N_, _, format_number, format_period
from tracker.model.values import series_items, to_decimal

PERCENT_STEP = Decimal("0.1")


@dataclass(frozen=True)
class Unit:
    """A unit a figure is kept in: its stored value, its label (a choice in the form) and how a
    number reads in it (``{n}`` is the number written out in the reader's language);
    ``difference``: how a difference between two such figures reads (percentage points)."""
    value: str
    label: str
    pattern: str = "{n}"
    difference: str | None = None


#: The units a desk records figures in: counts, shares, the currencies of the two sides and
#: their partners, and the physical measures of trade and farming.
UNITS: tuple[Unit, ...] = (
    Unit("number", N_("Number")),
    Unit("percent", N_("Percent"), N_("{n}%"), N_("{n} p.p.")),
    Unit("usd", N_("US dollars (USD)"), N_("{n} USD")),
    Unit("eur", N_("Euro (EUR)"), N_("{n} EUR")),
    Unit("rub", N_("Russian roubles (RUB)"), N_("{n} RUB")),
    Unit("byn", N_("Belarusian roubles (BYN)"), N_("{n} BYN")),
    Unit("kzt", N_("Kazakhstani tenge (KZT)"), N_("{n} KZT")),
    Unit("tonnes", N_("Tonnes"), N_("{n} t")),
    Unit("hectares", N_("Hectares"), N_("{n} ha")),
    Unit("head", N_("Head of livestock"), N_("{n} head")),
)
UNIT_CHOICES = tuple((u.value, u.label) for u in UNITS)
_BY_VALUE = {u.value: u for u in UNITS}

FREQUENCIES = (
    ("annual", N_("Annual")),
    ("quarterly", N_("Quarterly")),
    ("monthly", N_("Monthly")),
    ("one_off", N_("One-off")),
)
YES_NO = (("no", N_("No")), ("yes", N_("Yes")))


@dataclass(frozen=True)
class Measure:
    """A kind whose records are indicators names its fields here: the series of dated values,
    the unit, the baseline and target (value and date of each) and the choice field that puts a
    record on the dashboard (when it holds ``shown_value``)."""
    series: str
    unit: str
    baseline_value: str
    baseline_on: str
    target_value: str
    target_on: str
    shown: str
    shown_value: str = "yes"

    @property
    def fields(self) -> tuple[str, ...]:
        """The stored fields :func:`reading` reads."""
        return (self.series, self.unit, self.baseline_value, self.baseline_on,
                self.target_value, self.target_on)


@dataclass(frozen=True)
class Point:
    """One dated value of a series (a period: 2017, 2017-06 or 2017-06-09)."""
    date: str
    value: Decimal
    source_id: int | None = None
    quote: str | None = None


@dataclass(frozen=True)
class Reading:
    """What an indicator's record says, computed: the values oldest first, the newest and the
    one before, the change between them, and where the newest stands against the target."""
    unit: str | None
    points: tuple[Point, ...]
    baseline: Decimal | None
    baseline_on: str | None
    target: Decimal | None
    target_on: str | None
    decreasing: bool  # the target lies below the baseline (else below the first value)
    latest: Point | None
    previous: Point | None
    change: Decimal | None  # latest - previous
    change_pct: Decimal | None  # the change in % of the previous value (None if that is 0)
    met: bool | None  # None: no target, or no value yet
    gap: Decimal | None  # how far the newest value still is from the target (0 once met)
    gap_pct: Decimal | None  # the gap in % of the target (None when the target is 0)


def points(series: str | None) -> tuple[Point, ...]:
    """The stored series as points, oldest first."""
    return tuple(Point(item["date"], Decimal(item["value"]), item.get("source_id"),
                       item.get("quote")) for item in series_items(series))


def percent(part: Decimal, whole: Decimal) -> Decimal | None:
    """``part`` in % of ``whole``, to one decimal (half up); None when ``whole`` is 0."""
    if whole == 0:
        return None
    with localcontext() as ctx:
        ctx.prec = 60  # no rounding before the one to a tenth
        return (part * 100 / abs(whole)).quantize(PERCENT_STEP, rounding=ROUND_HALF_UP)


def reading(record: dict[str, Any], measure: Measure) -> Reading:
    """The figures of an indicator's record (a record as stored: decimals as text)."""
    series = points(record.get(measure.series))
    baseline = to_decimal(record.get(measure.baseline_value))
    target = to_decimal(record.get(measure.target_value))
    latest = series[-1] if series else None
    previous = series[-2] if len(series) > 1 else None
    change = latest.value - previous.value if previous is not None else None
    change_pct = percent(change, previous.value) if previous is not None else None
    reference = baseline if baseline is not None else (series[0].value if series else None)
    decreasing = target is not None and reference is not None and target < reference
    met = gap = gap_pct = None
    if target is not None and latest is not None:
        met = latest.value <= target if decreasing else latest.value >= target
        gap = Decimal(0) if met else abs(target - latest.value)
        gap_pct = percent(gap, target)
    return Reading(record.get(measure.unit), series, baseline, record.get(measure.baseline_on),
                   target, record.get(measure.target_on), decreasing, latest, previous, change,
                   change_pct, met, gap, gap_pct)


# --- written out (the reader's language) ----------------------------------------------------------

def unit_of(value: str | None) -> Unit | None:
    return _BY_VALUE.get(value or "")


def amount(value: Decimal | None, unit: str | None, *, difference: bool = False,
           signed: bool = False, lang: str | None = None) -> str:
    """A figure with its unit: "3,000,000,000 USD", "12.5%", "2 p.p." (``difference``: a
    difference of two figures, in percentage points for a percentage); ``signed``: "+2"."""
    if value is None:
        return ""
    u = unit_of(unit)
    pattern = (u.difference or u.pattern) if u is not None and difference else (
        u.pattern if u is not None else "{n}")
    n = format_number(abs(value) if signed else value, lang)
    if signed:
        n = ("+" if value > 0 else "−" if value < 0 else "±") + n
    return _(pattern).format(n=n)


def share(value: Decimal | None, lang: str | None = None, *, signed: bool = False) -> str:
    """A percentage computed here ("25.5%"; ``signed``: "+25.5%", "−25.5%")."""
    if value is None:
        return ""
    n = format_number(abs(value) if signed else value, lang)
    if signed:
        n = ("+" if value > 0 else "−" if value < 0 else "±") + n
    return _("{n}%").format(n=n)


def latest_text(r: Reading, lang: str | None = None) -> str:
    """"45 (2017)", or "no values yet"."""
    if r.latest is None:
        return _("no values yet")
    return _("{value} ({date})").format(value=amount(r.latest.value, r.unit, lang=lang),
                                        date=format_period(r.latest.date, lang))


def change_text(r: Reading, lang: str | None = None) -> str:
    """"+5 USD since 2016 (+12.5%)", or "" when there is no earlier value."""
    if r.previous is None or r.change is None:
        return ""
    text = _("{change} since {date}").format(
        change=amount(r.change, r.unit, difference=True, signed=True, lang=lang),
        date=format_period(r.previous.date, lang))
    if r.change_pct is not None:
        text += " (" + share(r.change_pct, lang, signed=True) + ")"
    return text


def target_text(r: Reading, lang: str | None = None) -> str:
    """"50 by 2030", "50", or "no target set"."""
    if r.target is None:
        return _("no target set")
    value = amount(r.target, r.unit, lang=lang)
    if r.target_on:
        return _("{value} by {date}").format(value=value, date=format_period(r.target_on, lang))
    return value


def distance_text(r: Reading, lang: str | None = None) -> str:
    """"Target met", "5 to the target (10% of it)", "no target set" or "no values yet"."""
    if r.target is None:
        return _("no target set")
    if r.met is None:
        return _("no values yet")
    if r.met:
        return _("Target met")
    gap = amount(r.gap, r.unit, difference=True, lang=lang)
    if r.gap_pct is None:
        return (_("{gap} above the target") if r.decreasing else _("{gap} below the target")
                ).format(gap=gap)
    return (_("{gap} above the target ({percent} of it)") if r.decreasing
            else _("{gap} below the target ({percent} of it)")).format(
                gap=gap, percent=share(r.gap_pct, lang))


# --- charts ---------------------------------------------------------------------------------------

_STEPS = (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5), Decimal(10))


def axis_ticks(levels: list[Decimal]) -> list[Decimal]:
    """Round marks for a value axis holding every level and zero: 1, 2, 2.5 or 5 times a power
    of ten apart, four to six of them."""
    lo, hi = min([Decimal(0), *levels]), max([Decimal(0), *levels])
    if lo == hi:
        hi = lo + 1
    raw = (hi - lo) / 4
    magnitude = Decimal(10) ** raw.adjusted()
    step = next(m * magnitude for m in _STEPS if raw <= m * magnitude)
    start = (lo / step).to_integral_value(rounding=ROUND_FLOOR) * step
    end = (hi / step).to_integral_value(rounding=ROUND_CEILING) * step
    count = int((end - start) / step)
    return [(start + i * step).normalize() for i in range(count + 1)]
