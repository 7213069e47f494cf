"""Indicators in the model: exact decimals, periods, series, and the figures computed from them
(never stored): the newest value, the change, the distance to the target."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.i18n import language
from tracker.model import get_kind, normalize
from tracker.model.indicators import (
    UNITS,
    amount,
    change_text,
    distance_text,
    latest_text,
    reading,
    target_text,
)
from tracker.model.values import (
    MAX_FRACTION_DIGITS,
    MAX_INTEGER_DIGITS,
    decimal_text,
    period_text,
    series_items,
    series_text,
)

KIND = get_kind("indicators")
M = KIND.measure


def record(values=(), *, baseline=None, baseline_on=None, target=None, target_on=None,
           unit="number") -> dict:
    series = series_text([{"date": d, "value": v} for d, v in values]) if values else None
    return {"series": series, "unit": unit, "baseline_value": baseline,
            "baseline_on": baseline_on, "target_value": target, "target_on": target_on}


# --- decimals -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("typed", "stored"), [
    ("3000000000", "3000000000"), ("3 000 000 000", "3000000000"),
    ("3\u00a0000\u00a0000\u00a0000", "3000000000"), ("3,000,000,000", "3000000000"),
    ("1 234,5", "1234.5"), ("1,234.5", "1234.5"), ("1.234,5", "1234.5"), ("12,50", "12.5"),
    ("-0.25", "-0.25"), ("\u22124", "-4"), ("+7", "7"), ("-0", "0"), ("0.000001", "0.000001"),
    ("999999999999999.999999", "999999999999999.999999"), (3_000_000_000, "3000000000"),
    (0.1, "0.1"), (12.5, "12.5"), (Decimal("1.10"), "1.1"),
])
def test_a_decimal_is_stored_exactly_as_text(typed, stored):
    assert decimal_text(typed) == stored
    assert Decimal(decimal_text(typed)) == Decimal(stored)


@pytest.mark.parametrize(("typed", "says"), [
    ("1,500", "two ways"), ("1e5", "not a number"), ("NaN", "not a number"),
    ("Infinity", "not a number"), ("٣", "not a number"), ("1.2.3", "not a number"),
    (",5", "not a number"), ("12,345,6", "not a number"), ("1234567890123456", "too large"),
    ("0.0000001", "too many decimals"), (True, "not a number"), (float("nan"), "not a number"),
    ("=1+1", "not a number"), ("<b>5</b>", "not a number"), ("5\x00", "not a number"),
])
def test_a_decimal_that_is_not_one_is_refused_with_a_reason(typed, says):
    with pytest.raises(ValueError, match=says):
        decimal_text(typed)


@given(st.decimals(min_value=Decimal(-(10**MAX_INTEGER_DIGITS) + 1),
                   max_value=Decimal(10**MAX_INTEGER_DIGITS - 1), places=MAX_FRACTION_DIGITS,
                   allow_nan=False, allow_infinity=False))
def test_every_decimal_in_range_reads_back_as_the_same_number(number):
    assert Decimal(decimal_text(number)) == number
    assert Decimal(decimal_text(str(number))) == number
    assert decimal_text(decimal_text(number)) == decimal_text(number)  # canonical


@given(st.text(alphabet="0123456789-+.,٣ ", max_size=24))
def test_a_decimal_in_its_stored_form_reads_as_typed_text_does(text):
    """A value as files bring it ("13", "-0.25") is read on a short way; the same text with a
    space before it goes the long way a person's typing does: both give the same stored value
    or both refuse it."""
    def read(raw):
        try:
            return decimal_text(raw)
        except ValueError:
            return "refused"
    assert read(text) == read(" " + text)


# --- periods --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("typed", "stored"), [
    ("2017", "2017"), ("2017-06", "2017-06"), ("06.2017", "2017-06"), ("6.2017", "2017-06"),
    ("2017-06-09", "2017-06-09"), ("09.06.2017", "2017-06-09"), (2017, "2017"),
])
def test_a_period_is_a_year_a_month_or_a_day(typed, stored):
    assert period_text(typed) == stored


@pytest.mark.parametrize(("typed", "says"), [
    ("2017-13", "no such month"), ("2017-02-30", "no such day"), ("0999", "no such year"),
    ("June 2017", "write 2017"), ("٢٠١٧", "write 2017"), ("2017/06", "write 2017"),
])
def test_a_period_that_is_not_one_is_refused(typed, says):
    with pytest.raises(ValueError, match=says):
        period_text(typed)


# --- series ---------------------------------------------------------------------------------------

def test_a_series_is_stored_sorted_by_date_with_exact_values():
    text = series_text([{"date": "2018", "value": "0,3"}, {"date": "2017-06", "value": "0.1"},
                        {"date": "2016", "value": 0.2, "source_id": "4", "quote": " a \n b "},
                        {"date": "", "value": "", "quote": ""}])  # an empty table row
    items = series_items(text)
    assert [i["date"] for i in items] == ["2016", "2017-06", "2018"]
    assert [i["value"] for i in items] == ["0.2", "0.1", "0.3"]
    assert items[0]["source_id"] == 4 and items[0]["quote"] == "a b"
    assert sum(Decimal(i["value"]) for i in items) == Decimal("0.6")  # not 0.6000000000000001
    assert series_text(text) == text  # canonical: reading the stored text changes nothing
    assert series_text([]) is None and series_text("  ") is None


@pytest.mark.parametrize(("given_value", "says"), [
    ([{"date": "2017", "value": "1"}, {"date": "2017", "value": "2"}], "two values for 2017"),
    ([{"date": "2017", "value": "1", "quote": "words"}], "value 1: a quote needs its source"),
    ([{"date": "2017"}], "value 1: a value is required"),
    ([{"value": "5"}], "value 1: a date is required"),
    ([{"date": "2017", "value": "5", "colour": "red"}], "no such part 'colour'"),
    ([{"date": "2017", "value": "x"}], "value 1: 'x' is not a number"),
    ([{"date": "2017", "value": "1", "source_id": "1; DROP"}], "no source with id"),
    ([{"date": "2017", "value": "1", "source_id": 1, "quote": ["x"]}], "must be text"),
    ([{"date": "2017", "value": "1", "source_id": 1, "quote": "x" * 2001}], "too long"),
    ([5], "expected {date, value"), ("{not json", "JSON"), ({"date": "2017"}, "a list"),
    ([{"date": str(1000 + i), "value": "1"} for i in range(1001)], "too many values"),
])
def test_a_series_that_is_wrong_says_which_value_and_why(given_value, says):
    with pytest.raises(ValueError, match=says):
        series_text(given_value)


def test_hostile_text_in_a_quote_is_kept_as_text_one_line():
    nasty = "<script>alert(1)</script> =HYPERLINK(\"x\") \x07\u202eЁлки\n\r\t"
    items = series_items(series_text([{"date": "2017", "value": "1", "source_id": 1,
                                       "quote": nasty}]))
    assert items[0]["quote"] == "<script>alert(1)</script> =HYPERLINK(\"x\") \u202eЁлки"
    assert json.loads(json.dumps(items)) == items


def test_normalize_reads_every_new_field_type():
    clean, problems = normalize(KIND, {"baseline_value": "1 234,5", "target_on": "2030",
                                       "series": json.dumps([{"date": "2017", "value": 13}]),
                                       "unit": "Percent"})
    assert problems == {}
    assert clean["baseline_value"] == "1234.5" and clean["target_on"] == "2030"
    assert clean["unit"] == "percent" and series_items(clean["series"])[0]["value"] == "13"
    _clean, problems = normalize(KIND, {"baseline_value": "lots", "target_on": "soon",
                                        "series": "[{]"})
    assert set(problems) == {"baseline_value", "target_on", "series"}


def test_decimals_and_series_are_not_sort_keys():
    """Their stored text does not sort as the numbers do ("10" < "9"): no sort by them."""
    assert "baseline_value" not in KIND.sortable and "series" not in KIND.sortable
    assert "target_on" in KIND.sortable  # periods sort in time order as text


# --- the figures ----------------------------------------------------------------------------------

def test_no_values_no_target():
    r = reading(record(), M)
    assert r.latest is None and r.previous is None and r.change is None
    assert r.met is None and r.gap is None
    assert latest_text(r) == "no values yet" and distance_text(r) == "no target set"
    assert change_text(r) == ""


def test_a_target_but_no_value_yet():
    r = reading(record(target="50", target_on="2030"), M)
    assert r.met is None and r.gap is None
    assert distance_text(r) == "no values yet" and target_text(r) == "50 by 2030"


def test_baseline_only():
    r = reading(record([("2017", "13")], baseline="10", baseline_on="2015"), M)
    assert r.latest.value == 13 and r.baseline == 10 and r.target is None
    assert r.met is None and distance_text(r) == "no target set"
    assert change_text(r) == ""  # one value: nothing to compare it with


def test_an_increasing_indicator_below_and_at_its_target():
    r = reading(record([("2016", "40"), ("2017", "45")], baseline="20", target="50"), M)
    assert not r.decreasing and r.met is False
    assert r.change == 5 and r.change_pct == Decimal("12.5")
    assert r.gap == 5 and r.gap_pct == Decimal("10.0")
    assert distance_text(r) == "5 below the target (10% of it)"
    assert change_text(r) == "+5 since 2016 (+12.5%)"
    r = reading(record([("2016", "40"), ("2017", "55")], baseline="20", target="50"), M)
    assert r.met is True and r.gap == 0 and distance_text(r) == "Target met"


def test_a_decreasing_indicator_meets_its_target_by_going_down():
    """Target below the baseline: e.g. a tariff to cut from 10% to 5%."""
    r = reading(record([("2016", "9"), ("2017", "8")], baseline="10", target="5",
                       unit="percent"), M)
    assert r.decreasing and r.met is False and r.gap == 3 and r.gap_pct == Decimal("60.0")
    assert distance_text(r) == "3 p.p. above the target (60% of it)"
    assert change_text(r) == "−1 p.p. since 2016 (−11.1%)"
    r = reading(record([("2016", "9"), ("2017", "4.5")], baseline="10", target="5",
                       unit="percent"), M)
    assert r.met is True and r.gap == 0
    # no baseline: the first value is the reference
    r = reading(record([("2016", "9"), ("2017", "7")], target="5"), M)
    assert r.decreasing and r.met is False and r.gap == 2


def test_zero_baseline_and_zero_target():
    r = reading(record([("2016", "0"), ("2017", "30")], baseline="0", target="100"), M)
    assert r.change == 30 and r.change_pct is None  # no % of nothing
    assert r.gap == 70 and r.gap_pct == Decimal("70.0")
    assert change_text(r) == "+30 since 2016"
    r = reading(record([("2017", "4")], baseline="10", target="0"), M)
    assert r.decreasing and r.gap == 4 and r.gap_pct is None
    assert distance_text(r) == "4 above the target"


def test_mixed_dates_sort_by_when_they_begin():
    """A year, a month and a day of one series: ordered by their first day (a coarser period
    first on the same day), whatever order they were given in."""
    r = reading(record([("2018-03-05", "3"), ("2017", "1"), ("2018", "2"), ("2018-03", "2.5")]),
                M)
    assert [p.date for p in r.points] == ["2017", "2018", "2018-03", "2018-03-05"]
    assert r.latest.date == "2018-03-05" and r.previous.date == "2018-03"
    assert r.change == Decimal("0.5")


def test_decimals_stay_exact_in_the_arithmetic():
    r = reading(record([("2016", "0.1"), ("2017", "0.3")], target="0.7"), M)
    assert r.change == Decimal("0.2") and r.gap == Decimal("0.4")
    big = reading(record([("2016", "999999999999999.999998"),
                          ("2017", "999999999999999.999999")], target="1000000000000000"), M)
    assert big.change == Decimal("0.000001") and big.gap == Decimal("0.000001")


def test_units_are_written_per_language():
    r = reading(record([("2016", "1500000000"), ("2017", "3000000000")], target="4000000000",
                       unit="usd"), M)
    assert latest_text(r) == "3,000,000,000 USD (2017)"
    assert distance_text(r) == "1,000,000,000 USD below the target (25% of it)"
    with language("ru"):
        assert latest_text(r) == "3\u00a0000\u00a0000\u00a0000 USD (2017)"
        assert change_text(r) == "+1\u00a0500\u00a0000\u00a0000 USD к значению за 2016 (+100 %)"
        assert amount(Decimal("12.5"), "percent") == "12,5 %"
        assert amount(Decimal("1234.5"), "tonnes") == "1\u00a0234,5 т"
        assert target_text(reading(record(target="5", target_on="2030-06"), M)) == \
            "5 (срок — июнь 2030 г.)"
    assert amount(Decimal("12.5"), "percent") == "12.5%"
    assert amount(Decimal("1234.5"), "tonnes") == "1,234.5 t"
    assert amount(Decimal("0.000001"), "number") == "0.000001"  # every digit kept
    assert {u.value for u in UNITS} >= {"number", "percent", "usd", "byn", "kzt", "tonnes"}
    assert [v for v, _l in KIND.field("unit").choices] == [u.value for u in UNITS]
